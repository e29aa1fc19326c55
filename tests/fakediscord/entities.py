"""The things in the fake Discord's world (users, roles, members, channels, guilds), as JSON."""

from __future__ import annotations

import itertools
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.ui.permissions import invite_integer

DISCORD_EPOCH_MS = 1_420_070_400_000

MANAGE_GUILD = 1 << 5
# A fresh guild's @everyone: invite, react, view, send, embed, attach, read history, external
# emoji, change nickname, use commands, create public/private threads, send in threads.
EVERYONE_PERMISSIONS = sum(1 << bit for bit in (0, 6, 10, 11, 14, 15, 16, 18, 26, 31, 35, 36, 38))
BOT_ROLE_PERMISSIONS = invite_integer()  # exactly what the README's invite grants
THREAD_TYPES = frozenset({10, 11, 12})

# Fields Discord always sends whose values the fake never varies, in Discord's own JSON.
USER_FIELDS = json.loads(
    '{"discriminator": "0", "avatar": null, "system": false, "public_flags": 0, "flags": 0,'
    ' "banner": null, "accent_color": null, "avatar_decoration_data": null, "collectibles": null}'
)
ROLE_FIELDS = json.loads(
    '{"color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},'
    ' "hoist": false, "mentionable": false, "icon": null, "unicode_emoji": null, "flags": 0}'
)
MEMBER_FIELDS = json.loads(
    '{"nick": null, "avatar": null, "banner": null, "premium_since": null, "deaf": false,'
    ' "mute": false, "pending": false, "flags": 0, "communication_disabled_until": null}'
)
GUILD_FIELDS = json.loads(
    '{"icon": null, "splash": null, "discovery_splash": null, "banner": null, "description": null,'
    ' "afk_channel_id": null, "afk_timeout": 300, "verification_level": 1, "mfa_level": 0,'
    ' "default_message_notifications": 1, "explicit_content_filter": 2, "nsfw_level": 0,'
    ' "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-GB",'
    ' "system_channel_flags": 0, "rules_channel_id": null, "public_updates_channel_id": null,'
    ' "safety_alerts_channel_id": null, "features": [], "emojis": [], "stickers": [],'
    ' "unavailable": false, "presences": [], "voice_states": [], "stage_instances": [],'
    ' "guild_scheduled_events": [], "soundboard_sounds": [], "premium_progress_bar_enabled": false}'
)
MESSAGE_FIELDS = json.loads(
    '{"edited_timestamp": null, "mention_everyone": false, "mentions": [], "mention_roles": [],'
    ' "pinned": false, "type": 0}'
)


def iso(ts: float | None = None) -> str:
    """Format a POSIX time the way Discord does."""
    return datetime.fromtimestamp(time.time() if ts is None else ts, UTC).isoformat()


class SnowflakeFactory:
    """Generate unique, time-ordered snowflakes like Discord's."""

    def __init__(self) -> None:
        self._last = 0
        self._worker = (os.getpid() & 0x1F) << 17
        self._increment = itertools.count()

    def __call__(self) -> int:
        """Return the next snowflake."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | self._worker | (next(self._increment) & 0xFFF)
        # Bursts of more than 4,096 ids per ms must still be strictly increasing.
        self._last = max(value, self._last + 1)
        return self._last


@dataclass(slots=True)
class User:
    """A Discord user."""

    id: int
    username: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        """Render the user object."""
        name = None if self.bot else self.username.title()
        return {
            **USER_FIELDS,
            "id": str(self.id),
            "username": self.username,
            "global_name": name,
            "bot": self.bot,
        }


@dataclass(slots=True)
class Role:
    """A guild role."""

    id: int
    name: str
    permissions: int
    position: int
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        """Render the role object."""
        data = {**ROLE_FIELDS, "id": str(self.id), "name": self.name, "managed": self.managed}
        return {**data, "permissions": str(self.permissions), "position": self.position}


@dataclass(slots=True)
class Member:
    """A guild member (the user lives in World.users)."""

    user_id: int
    roles: list[int]
    joined_at: str


@dataclass(slots=True)
class Channel:
    """A guild channel, thread or DM channel."""

    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    parent_id: int | None = None
    recipient_id: int | None = None
    owner_id: int | None = None
    archived: bool = False
    last_message_id: int | None = None
    # Permission overwrites by target id: (type 0 role / 1 member, allow, deny).
    overwrites: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    def payload(self, world: HasUsers) -> dict[str, Any]:
        """Render the channel object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "flags": 0,
        }
        if self.recipient_id is not None:
            data["recipients"] = [world.users[self.recipient_id].payload()]
            return data
        data.update(
            guild_id=str(self.guild_id),
            name=self.name,
            parent_id=str(self.parent_id) if self.parent_id else None,
            rate_limit_per_user=0,
        )
        if self.type in THREAD_TYPES:
            data.update(
                owner_id=str(self.owner_id),
                member_count=1,
                message_count=0,
                total_message_sent=0,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso(),
                    "locked": False,
                    "create_timestamp": iso(),
                },
            )
        else:
            overwrites = [
                {"id": str(target), "type": kind, "allow": str(allow), "deny": str(deny)}
                for target, (kind, allow, deny) in self.overwrites.items()
            ]
            data.update(position=0, permission_overwrites=overwrites, nsfw=False, topic=None)
        return data


@dataclass(slots=True)
class Guild:
    """A guild and what it contains."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: list[int] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)


class HasUsers(Protocol):
    """Whatever knows the users by id (the world)."""

    users: dict[int, User]

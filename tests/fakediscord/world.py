# Over 400 lines: the fake's whole state model in one place. Issue #17 splits it.
"""World state of the fake Discord: users, guilds, channels, roles, members and messages."""

from __future__ import annotations

import itertools
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.permissions import invite_integer

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

    def payload(self, world: World) -> dict[str, Any]:
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


class World:
    """Everything the fake Discord knows about; world-building helpers live here."""

    def __init__(self) -> None:
        self.snowflake = SnowflakeFactory()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.dm_channels: dict[int, int] = {}
        self.closed_dms: set[int] = set()
        self.bans: set[tuple[int, int]] = set()
        # Synced application commands by guild id (None = global), and modals the bot has shown.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.modals: dict[str, dict[str, Any]] = {}
        self.bot_user = self._new_user("Alongside", bot=True)
        self.application_id = self.snowflake()
        self.owner = self._new_user("owner")

    def _new_user(self, username: str, *, bot: bool = False) -> User:
        user = User(self.snowflake(), username, bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str) -> int:
        """Create a guild with @everyone, a managed bot role and the bot as a member."""
        gid = self.snowflake()
        guild = Guild(gid, name, self.owner.id)
        # The @everyone role shares the guild's id, as on Discord.
        guild.roles[gid] = Role(gid, "@everyone", EVERYONE_PERMISSIONS, 0)
        self.guilds[gid] = guild
        bot_role = Role(self.snowflake(), self.bot_user.username, BOT_ROLE_PERMISSIONS, 1, True)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.owner.id] = Member(self.owner.id, [], iso())
        guild.members[self.bot_user.id] = Member(self.bot_user.id, [bot_role.id], iso())
        return gid

    def add_channel(self, guild_id: int, name: str, type: int = 0) -> int:
        """Create a guild channel."""
        channel = Channel(self.snowflake(), type, name, guild_id)
        self.channels[channel.id] = channel
        self.guilds[guild_id].channels.append(channel.id)
        return channel.id

    def add_role(self, guild_id: int, name: str, permissions: int = 0) -> int:
        """Create a role."""
        guild = self.guilds[guild_id]
        role = Role(self.snowflake(), name, permissions, len(guild.roles))
        guild.roles[role.id] = role
        return role.id

    def add_member(
        self,
        guild_id: int,
        username: str,
        *,
        manage_guild: bool = False,
        roles: tuple[int, ...] = (),
    ) -> int:
        """Create a user and make them a member; manage_guild grants a role holding it."""
        guild = self.guilds[guild_id]
        user = self._new_user(username)
        role_ids = list(roles)
        if manage_guild:
            manager = next((r for r in guild.roles.values() if r.name == "Guild Manager"), None)
            rid = manager.id if manager else self.add_role(guild_id, "Guild Manager", MANAGE_GUILD)
            role_ids.append(rid)
        guild.members[user.id] = Member(user.id, role_ids, iso())
        return user.id

    def bulk_members(self, guild_id: int, n: int) -> list[int]:
        """Add n plain members quickly."""
        guild = self.guilds[guild_id]
        joined = iso()
        ids = []
        for i in range(n):
            user = User(self.snowflake(), f"member{i}")
            self.users[user.id] = user
            guild.members[user.id] = Member(user.id, [], joined)
            ids.append(user.id)
        return ids

    def add_thread(
        self, parent_id: int, name: str, *, type: int = 11, tid: int | None = None
    ) -> int:
        """Create a thread under a channel (tid reuses a message id for message threads)."""
        parent = self.channels[parent_id]
        thread = Channel(
            tid or self.snowflake(),
            type,
            name,
            parent.guild_id,
            parent_id,
            owner_id=self.bot_user.id,
        )
        self.channels[thread.id] = thread
        return thread.id

    def dm_channel(self, user_id: int) -> Channel:
        """Return (creating once) the bot's DM channel with a user."""
        if user_id not in self.dm_channels:
            channel = Channel(self.snowflake(), 1, None, recipient_id=user_id)
            self.channels[channel.id] = channel
            self.dm_channels[user_id] = channel.id
        return self.channels[self.dm_channels[user_id]]

    def remove_member(self, guild_id: int, user_id: int, *, ban: bool = False) -> None:
        """The member leaves, is kicked or (ban=True) banned; the bot is told nothing."""
        self.guilds[guild_id].members.pop(user_id, None)
        if ban:
            self.bans.add((guild_id, user_id))

    def shares_a_guild(self, user_id: int) -> bool:
        """Say whether the user and the bot are both members of some guild."""
        return any(
            user_id in guild.members and self.bot_user.id in guild.members
            for guild in self.guilds.values()
        )

    def permissions(self, guild_id: int, user_id: int) -> int:
        """Compute a member's guild-level permissions."""
        guild = self.guilds[guild_id]
        if user_id == guild.owner_id:
            return (1 << 53) - 1
        member = guild.members[user_id]
        perms = guild.roles[guild_id].permissions
        for rid in member.roles:
            perms |= guild.roles[rid].permissions
        return perms

    def member_payload(
        self, guild_id: int, user_id: int, *, with_user: bool = True
    ) -> dict[str, Any]:
        """Render a guild member object."""
        member = self.guilds[guild_id].members[user_id]
        roles = [str(r) for r in member.roles]
        data: dict[str, Any] = {**MEMBER_FIELDS, "roles": roles, "joined_at": member.joined_at}
        if with_user:
            data["user"] = self.users[user_id].payload()
        return data

    def guild_payload(self, guild_id: int, *, all_members: bool) -> dict[str, Any]:
        """Render a GUILD_CREATE payload; large guilds only carry the bot's own member."""
        guild = self.guilds[guild_id]
        member_ids = list(guild.members) if all_members else [self.bot_user.id]
        channels = [self.channels[c] for c in guild.channels]
        threads = [
            c for c in self.channels.values() if c.guild_id == guild_id and c.type in THREAD_TYPES
        ]
        return {
            **GUILD_FIELDS,
            "id": str(guild.id),
            "name": guild.name,
            "owner_id": str(guild.owner_id),
            "system_channel_id": str(guild.channels[0]) if guild.channels else None,
            "roles": [r.payload() for r in guild.roles.values()],
            "joined_at": guild.members[self.bot_user.id].joined_at,
            "large": len(guild.members) > 250,
            "member_count": len(guild.members),
            "members": [self.member_payload(guild_id, m) for m in member_ids],
            "channels": [c.payload(self) for c in channels],
            "threads": [t.payload(self) for t in threads if not t.archived],
        }

    def store_message(self, channel_id: int, message: dict[str, Any]) -> None:
        """Keep a created message under its channel."""
        mid = int(message["id"])
        self.messages[mid] = message
        self.channel_messages.setdefault(channel_id, []).append(mid)
        if channel_id in self.channels:
            self.channels[channel_id].last_message_id = mid

    def attachments(
        self, channel_id: int | None, items: list[dict[str, Any]] | None, files: dict[str, bytes]
    ) -> list[dict[str, Any]]:
        """Turn the attachments of a request (uploads named by filename) into attachment objects."""
        result = []
        for index, item in enumerate(items or []):
            name = item.get("filename") or f"file{index}"
            data = files.get(name, b"")
            aid = self.snowflake()
            url = f"https://cdn.discordapp.com/attachments/{channel_id}/{aid}/{name}"
            result.append(
                {
                    "id": str(aid),
                    "filename": name,
                    "size": len(data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": "application/octet-stream",
                    "description": item.get("description"),
                }
            )
        return result

    def new_message(
        self,
        channel_id: int | None,
        body: dict[str, Any],
        *,
        files: dict[str, bytes] | None = None,
        interaction: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build a message object from a create body, as Discord returns it."""
        mid = self.snowflake()
        channel = self.channels.get(channel_id or 0)
        attachments = self.attachments(channel_id, body.get("attachments"), files or {})
        message: dict[str, Any] = {
            **MESSAGE_FIELDS,
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": self.bot_user.payload(),
            "content": body.get("content") or "",
            "timestamp": iso(),
            "tts": bool(body.get("tts")),
            "attachments": attachments,
            "embeds": [{"type": "rich", **e} for e in body.get("embeds") or []],
            "components": body.get("components") or [],
            "flags": int(body.get("flags") or 0),
            "_files": dict(files or {}),
        }
        if channel is not None and channel.guild_id is not None:
            message["guild_id"] = str(channel.guild_id)
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if interaction is not None:
            message.update(
                type=20 if interaction["type"] == 2 else 0,
                webhook_id=str(self.application_id),
                application_id=str(self.application_id),
                interaction_metadata={
                    "id": interaction["id"],
                    "type": interaction["type"],
                    "user": (interaction.get("member") or interaction)["user"],
                    "authorizing_integration_owners": {},
                },
            )
        return message


def public(message: dict[str, Any]) -> dict[str, Any]:
    """Strip the fake's private keys (attachment bytes) from a stored message."""
    return {k: v for k, v in message.items() if not k.startswith("_")}

"""World state of the fake Discord: users, guilds, channels, roles, members and messages."""

from __future__ import annotations

from typing import Any

from .entities import (
    BOT_ROLE_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    GUILD_FIELDS,
    MANAGE_GUILD,
    MEMBER_FIELDS,
    MESSAGE_FIELDS,
    THREAD_TYPES,
    Channel,
    Guild,
    Member,
    Role,
    SnowflakeFactory,
    User,
    iso,
)


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

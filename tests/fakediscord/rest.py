"""REST routes of the fake Discord that a discord.py bot uses."""

from __future__ import annotations

import time

from .entities import THREAD_TYPES
from .restbase import APPLICATION_FIELDS, NONCE_WINDOW, ApiError, Call, Handler, Reply
from .webhooks import InteractionRoutes
from .world import public


class Rest(InteractionRoutes):
    """Route handlers, working on the fake's world."""

    def routes(self) -> list[tuple[str, str, Handler]]:
        """List (method, path template, handler); static paths come before dynamic ones."""
        app_cmds = "/applications/{application_id}"
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        msgs = "/channels/{channel_id}/messages"
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("POST", "/users/@me/channels", self.open_dm),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", app_cmds + "/commands", self.get_commands),
            ("PUT", app_cmds + "/commands", self.put_commands),
            ("GET", app_cmds + "/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", app_cmds + "/guilds/{guild_id}/commands", self.put_commands),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback),
            ("POST", hook, self.followup),
            ("POST", msgs, self.create_message),
            ("POST", msgs + "/{message_id}/threads", self.create_thread),
            ("POST", "/channels/{channel_id}/threads", self.create_thread),
            ("PUT", "/channels/{channel_id}/thread-members/{user_id}", self.join_thread),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.guild_channels),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway),
        ]
        for method in ("GET", "PATCH", "DELETE"):
            table.append((method, hook + "/messages/{message_id}", self.webhook_message))
            table.append((method, msgs + "/{message_id}", self.channel_message))
            table.append((method, "/channels/{channel_id}", self.channel))
        return table

    # -- users, application, commands ---------------------------------------------------------

    async def get_me(self, call: Call) -> Reply:
        """Return the bot user."""
        return 200, {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False}

    async def get_user(self, call: Call) -> Reply:
        """Return a user."""
        user = self.world.users.get(int(call.params["user_id"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return 200, user.payload()

    async def get_application(self, call: Call) -> Reply:
        """Return the bot's application."""
        world = self.world
        return 200, {
            **APPLICATION_FIELDS,
            "id": str(world.application_id),
            "name": world.bot_user.username,
            "owner": world.owner.payload(),
            "bot": world.bot_user.payload(),
            "approximate_guild_count": len(world.guilds),
        }

    def _scope(self, call: Call) -> int | None:
        if call.params["application_id"] != str(self.world.application_id):
            raise ApiError(403, 50001, "Missing Access")
        return int(call.params["guild_id"]) if "guild_id" in call.params else None

    async def get_commands(self, call: Call) -> Reply:
        """List synced commands."""
        return 200, self.world.commands.get(self._scope(call), [])

    async def put_commands(self, call: Call) -> Reply:
        """Replace commands, keeping ids stable by name as Discord does."""
        scope = self._scope(call)
        body = call.body if isinstance(call.body, list) else []
        self.fake.command_syncs.append(("global" if scope is None else scope, body))
        old = {(c["name"], c.get("type", 1)): c["id"] for c in self.world.commands.get(scope, [])}
        commands = []
        for item in body:
            key = (item["name"], item.get("type", 1))
            command = {
                "type": 1,
                "description": "",
                "default_member_permissions": None,
                "nsfw": False,
                "contexts": None,
                "integration_types": [0],
                **item,
                "id": old.get(key) or str(self.world.snowflake()),
                "application_id": str(self.world.application_id),
                "version": str(self.world.snowflake()),
            }
            if scope is not None:
                command["guild_id"] = str(scope)
            commands.append(command)
        self.world.commands[scope] = commands
        return 200, commands

    # -- channels and messages -----------------------------------------------------------------

    async def create_message(self, call: Call) -> Reply:
        """Create a message, honouring nonce + enforce_nonce deduplication."""
        channel = self._channel(call.params["channel_id"])
        if channel.recipient_id in self.world.closed_dms:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        if channel.recipient_id is not None and not self.world.shares_a_guild(channel.recipient_id):
            raise ApiError(
                403, 50278, "Cannot send messages to this user due to having no mutual guilds"
            )
        body = call.body if isinstance(call.body, dict) else {}
        thread = channel.type in THREAD_TYPES
        self._require(channel, "send_messages_in_threads" if thread else "send_messages")
        body = self._vet_content(channel, body, call.files)
        nonce, now = body.get("nonce"), time.time()
        key = (channel.id, str(nonce))
        if nonce is not None and body.get("enforce_nonce") and key in self.nonces:
            mid, when = self.nonces[key]
            if now - when < NONCE_WINDOW and mid in self.world.messages:
                return 200, public(self.world.messages[mid])
        message = self.world.new_message(channel.id, body, files=call.files)
        self.world.store_message(channel.id, message)
        if nonce is not None and body.get("enforce_nonce"):
            self.nonces[key] = (int(message["id"]), now)
        call.delivered.append(message["id"])
        await self._announce(channel, message)
        return 200, public(message)

    async def channel_message(self, call: Call) -> Reply:
        """Get, edit or delete a channel message."""
        channel = self._channel(call.params["channel_id"])
        self._require(channel, *(("read_message_history",) if call.method == "GET" else ()))
        message = self._message(channel.id, call.params["message_id"])
        own = message.get("author", {}).get("id") == str(self.world.bot_user.id)
        if call.method == "PATCH":
            body = call.body if isinstance(call.body, dict) else {}
            self._edit(message, self._vet_content(channel, body, call.files), call.files)
            call.delivered.append(message["id"])
        elif call.method == "DELETE":
            if not own:
                self._require(channel, "manage_messages")
            self._forget(message)
            return 204, None
        return 200, public(message)

    async def create_thread(self, call: Call) -> Reply:
        """Start a thread from a message (sharing its id) or on its own."""
        parent = self._channel(call.params["channel_id"])
        body = call.body if isinstance(call.body, dict) else {}
        name = str(body.get("name") or "thread")
        if "message_id" in call.params:
            self._require(parent, "create_public_threads", "read_message_history")
        elif int(body.get("type") or 12) == 12:
            self._require(parent, "create_private_threads")
        else:
            self._require(parent, "create_public_threads")
        if "message_id" in call.params:
            message = self._message(parent.id, call.params["message_id"])
            if int(message["id"]) in self.world.channels:
                raise ApiError(400, 160004, "A thread has already been created for this message")
            tid = self.world.add_thread(parent.id, name, tid=int(message["id"]))
        else:
            tid = self.world.add_thread(parent.id, name, type=int(body.get("type") or 12))
        payload = self.world.channels[tid].payload(self.world)
        await self.fake.gateway.dispatch("THREAD_CREATE", {**payload, "newly_created": True})
        return 201, payload

    async def join_thread(self, call: Call) -> Reply:
        """Add a member to a thread; someone not in its guild is an Unknown Member (10007)."""
        thread = self._channel(call.params["channel_id"])
        self._require(thread, "send_messages_in_threads")
        guild = self.world.guilds.get(thread.guild_id) if thread.guild_id else None
        if guild is not None and int(call.params["user_id"]) not in guild.members:
            raise ApiError(404, 10007, "Unknown Member")
        return 204, None

    async def channel(self, call: Call) -> Reply:
        """Get, edit (name, archived, locked) or delete a channel or thread."""
        channel = self._channel(call.params["channel_id"])
        thread = channel.type in THREAD_TYPES
        # Threads are edited and deleted with Manage Threads, channels with Manage Channels.
        self._require(
            channel,
            *(
                ()
                if call.method == "GET"
                else ("manage_threads",)
                if thread
                else ("manage_channels",)
            ),
        )
        if call.method == "PATCH":
            body = call.body if isinstance(call.body, dict) else {}
            channel.name = body.get("name", channel.name)
            channel.archived = bool(body.get("archived", channel.archived))
            event = "THREAD_UPDATE" if thread else "CHANNEL_UPDATE"
            await self.fake.gateway.dispatch(event, channel.payload(self.world))
        elif call.method == "DELETE":
            payload = channel.payload(self.world)
            del self.world.channels[channel.id]
            if (
                channel.guild_id is not None
                and channel.id in (guild := self.world.guilds[channel.guild_id]).channels
            ):
                guild.channels.remove(channel.id)
            event = "THREAD_DELETE" if thread else "CHANNEL_DELETE"
            await self.fake.gateway.dispatch(event, payload)
            return 200, payload
        return 200, channel.payload(self.world)

    async def open_dm(self, call: Call) -> Reply:
        """Open (or return) the DM channel with a user."""
        body = call.body if isinstance(call.body, dict) else {}
        user_id = int(body.get("recipient_id") or 0)
        if user_id not in self.world.users:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return 200, self.world.dm_channel(user_id).payload(self.world)

    # -- guilds and gateway --------------------------------------------------------------------

    def _guild_id(self, call: Call) -> int:
        gid = int(call.params["guild_id"])
        if gid not in self.world.guilds:
            raise ApiError(404, 10004, "Unknown Guild")
        return gid

    async def get_guild(self, call: Call) -> Reply:
        """Return a guild without its members."""
        payload = self.world.guild_payload(self._guild_id(call), all_members=False)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            payload.pop(key, None)
        return 200, payload

    async def guild_channels(self, call: Call) -> Reply:
        """List a guild's channels."""
        guild = self.world.guilds[self._guild_id(call)]
        return 200, [self.world.channels[c].payload(self.world) for c in guild.channels]

    async def get_member(self, call: Call) -> Reply:
        """Return a guild member."""
        gid, uid = self._guild_id(call), int(call.params["user_id"])
        if uid not in self.world.guilds[gid].members:
            raise ApiError(404, 10007, "Unknown Member")
        return 200, self.world.member_payload(gid, uid)

    async def get_gateway(self, call: Call) -> Reply:
        """Return the gateway URL (and session limits for /gateway/bot)."""
        limits = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limits}

"""Gateway websocket of the fake Discord: HELLO, IDENTIFY, RESUME, heartbeats, dispatches."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from typing import Any

from aiohttp import WSMsgType, web

from .world import World

log = logging.getLogger(__name__)

GUILD_MEMBERS_INTENT = 1 << 1
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
# Discord documents these close codes as "reconnect, but start a new session".
NEW_SESSION_CODES = frozenset({4007, 4009})
# After these Discord expects the client to give up, so the session is gone too.
FATAL_CODES = frozenset({4004, 4010, 4011, 4012, 4013, 4014})


class Connection:
    """One websocket connection, with its own zlib-stream context."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: bool) -> None:
        self.ws = ws
        self.request = request
        self.compressor = zlib.compressobj() if compress else None
        self.lock = asyncio.Lock()
        self.session: Session | None = None
        self.heartbeats = 0

    async def send(self, payload: dict[str, Any] | str) -> None:
        """Send one gateway payload, compressed when the client asked for zlib-stream."""
        text = payload if isinstance(payload, str) else json.dumps(payload)
        # Compressing and writing must not interleave: the client shares one inflate context.
        async with self.lock:
            transport = self.request.transport
            if self.ws.closed or transport is None or transport.is_closing():
                return
            # A dying connection loses the payload; dispatches stay buffered for a RESUME.
            with contextlib.suppress(ConnectionError):
                if self.compressor is None:
                    await self.ws.send_str(text)
                else:
                    data = self.compressor.compress(text.encode())
                    await self.ws.send_bytes(data + self.compressor.flush(zlib.Z_SYNC_FLUSH))


class Session:
    """A gateway session that outlives connections so it can be resumed."""

    def __init__(self, intents: int, resume_url: str) -> None:
        self.id = secrets.token_hex(16)
        self.intents = intents
        self.resume_url = resume_url
        self.seq = 0
        self.buffer: deque[tuple[int, str]] = deque(maxlen=2000)
        self.conn: Connection | None = None
        self.valid = True
        self.lock = asyncio.Lock()

    async def deliver(self, event: str, data: Any) -> None:
        """Sequence an event, keep it for replay and send it if connected."""
        async with self.lock:
            self.seq += 1
            text = json.dumps({"op": 0, "t": event, "s": self.seq, "d": data})
            self.buffer.append((self.seq, text))
            if self.conn is not None:
                await self.conn.send(text)


class Gateway:
    """Serve the gateway protocol as discord.py's DiscordWebSocket expects it."""

    def __init__(self, world: World, token: str) -> None:
        self.world = world
        self.token = token
        self.url = ""
        self.heartbeat_interval = 41250
        self.hello_delay = 0.0
        self.allowed_intents = PRIVILEGED_INTENTS
        self.sessions: list[Session] = []
        self.connections: set[Connection] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.ready_count = 0
        self.invalid_session_count = 0
        self.last_intents: int | None = None

    def latest_session(self) -> Session | None:
        """Return the newest valid session, preferring one that is connected."""
        valid = [s for s in self.sessions if s.valid]
        connected = [s for s in valid if s.conn is not None]
        candidates = connected or valid
        return candidates[-1] if candidates else None

    async def dispatch(
        self, event: str, data: Any, *, latest_only: bool = False, intent: int = 0
    ) -> None:
        """Send a DISPATCH to every valid session (or the newest), if it has the intent."""
        if latest_only:
            session = self.latest_session()
            targets = [session] if session else []
        else:
            targets = [s for s in self.sessions if s.valid and (s.intents & intent) == intent]
        for session in targets:
            await session.deliver(event, data)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Run one websocket connection."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request, request.query.get("compress") == "zlib-stream")
        self.connections.add(conn)
        try:
            if self.hello_delay:
                await asyncio.sleep(self.hello_delay)
            hello = {"heartbeat_interval": self.heartbeat_interval, "_trace": ["fake-gateway"]}
            await conn.send({"op": 10, "s": None, "t": None, "d": hello})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                await self._on_payload(conn, json.loads(msg.data))
        finally:
            self.connections.discard(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
        return ws

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == 1:
            conn.heartbeats += 1
            await conn.send({"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif op == 8:
            await self._request_members(conn, data)
        elif op in (3, 4):
            return
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return
        if data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~self.allowed_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identify_count += 1
        self.last_intents = intents
        session = Session(intents, self.url)
        self.sessions.append(session)
        world = self.world
        ready = {
            "v": 10,
            "user": {**world.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in world.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "application": {"id": str(world.application_id), "flags": 1 << 19},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["rotterdam"],
            "user_settings": {},
            "auth": {},
            "shard": data.get("shard", [0, 1]),
            "_trace": ["fake-gateway"],
        }
        threshold = int(data.get("large_threshold", 50))
        async with session.lock:
            session.conn = conn
            conn.session = session
        await session.deliver("READY", ready)
        for gid, guild in list(world.guilds.items()):
            small = len(guild.members) <= threshold and bool(intents & GUILD_MEMBERS_INTENT)
            await session.deliver("GUILD_CREATE", world.guild_payload(gid, all_members=small))
        self.ready_count += 1

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = next((s for s in self.sessions if s.id == data.get("session_id")), None)
        seq = int(data.get("seq") or 0)
        resumable = (
            session is not None
            and session.valid
            and data.get("token") == self.token
            and (not session.buffer or session.buffer[0][0] <= seq + 1)
        )
        if session is None or not resumable:
            if session is not None:
                session.valid = False
            self.invalid_session_count += 1
            # Discord answers an unresumable RESUME with op 9 d=false and lets the client close.
            await conn.send({"op": 9, "s": None, "t": None, "d": False})
            return
        old = session.conn
        async with session.lock:
            session.conn = conn
            conn.session = session
            for s, text in session.buffer:
                if s > seq:
                    await conn.send(text)
        if old is not None and old is not conn:
            await self._close(old, 4000)
        self.resume_count += 1
        await session.deliver("RESUMED", {"_trace": ["fake-gateway"]})

    async def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None or conn.session is None:
            return
        wanted = data.get("user_ids")
        if wanted is not None:
            ids = [int(u) for u in (wanted if isinstance(wanted, list) else [wanted])]
            found = [u for u in ids if u in guild.members]
            not_found = [str(u) for u in ids if u not in guild.members]
        else:
            query = (data.get("query") or "").lower()
            found = [u for u in guild.members if self.world.users[u].username.startswith(query)]
            limit = int(data.get("limit") or 0)
            found = found[:limit] if limit else found
            not_found = []
        chunks = [found[i : i + 1000] for i in range(0, len(found), 1000)] or [[]]
        for index, chunk in enumerate(chunks):
            payload: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [self.world.member_payload(guild.id, u) for u in chunk],
                "chunk_index": index,
                "chunk_count": len(chunks),
                "not_found": not_found if index == 0 else [],
            }
            if data.get("nonce") is not None:
                payload["nonce"] = data["nonce"]
            await conn.session.deliver("GUILD_MEMBERS_CHUNK", payload)

    async def _close(self, conn: Connection, code: int | None) -> None:
        if code is None:
            # An abrupt network failure: no close frame at all.
            if conn.request.transport is not None:
                conn.request.transport.abort()
            return
        with contextlib.suppress(TimeoutError, ConnectionError):
            await asyncio.wait_for(conn.ws.close(code=code), timeout=2.0)

    async def drop(self, code: int | None = 4000) -> None:
        """Close every connection; codes Discord treats as session-ending end the session."""
        for conn in list(self.connections):
            if conn.session is not None and (code in NEW_SESSION_CODES or code in FATAL_CODES):
                conn.session.valid = False
            await self._close(conn, code)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT so clients reconnect and resume."""
        for conn in list(self.connections):
            await conn.send({"op": 7, "s": None, "t": None, "d": None})

    async def close_all(self) -> None:
        """Close every connection as the server shuts down."""
        await self.drop(1001)

# Over 400 lines: the fake's public test API in one class. Issue #17 splits it.
"""FakeDiscord: a loopback Discord (REST + gateway) for the real discord.py client."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from aiohttp import BodyPartReader, web

from ..discord_limits import OpenApiValidator, check_body, route_kind
from .gateway import Gateway
from .interactions import InteractionFactory, InteractionHandle
from .ratelimit import Injection, RateLimiter
from .rest import ApiError, Call, Handler, Rest
from .world import World, public

API_PREFIX = "/api/v10"
TOKEN = "FAKE-TOKEN.alongside.loopback"
_JSON = {"Content-Type": "application/json"}
VERDICTS_KEPT = 512  # request bodies whose verdict is remembered (cleared when full)


class RecordedRequest(NamedTuple):
    """A REST request as the fake received it."""

    method: str
    path: str
    json: Any
    time: float


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """Answer JSON with exactly `application/json`, which discord.py insists on."""
    if status == 204:
        return web.Response(status=204, headers=headers)
    # aiohttp's json_response appends "; charset=utf-8", and discord.py then reads the body as text.
    data = json.dumps(body).encode()
    return web.Response(status=status, body=data, headers={**(headers or {}), **_JSON})


class FakeDiscord:
    """A fake Discord on 127.0.0.1 that the unmodified discord.py client talks to."""

    token = TOKEN

    def __init__(self, *, heartbeat_interval: int = 41250, openapi: bool = True) -> None:
        self.world = World()
        self.gateway = Gateway(self.world, TOKEN)
        self.gateway.heartbeat_interval = heartbeat_interval
        self.limiter = RateLimiter()
        self.rest = Rest(self)
        self.interactions = InteractionFactory(self.world)
        self.handles: dict[str, InteractionHandle] = {}
        self.command_syncs: list[tuple[str | int, Any]] = []
        self.problems: list[str] = []
        self.requests: list[RecordedRequest] = []
        self.request_count = 0
        self.rest_latency = 0.0
        self.interaction_deadline: float | None = 3.0
        self.click_grace = 0.05
        self.openapi = OpenApiValidator.load() if openapi else None
        self._injections: list[Injection] = []
        self._verdicts: dict[tuple[str, str | None, str | None, bytes | None], list[str]] = {}
        self._delivered: dict[str, float] = {}
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on a random loopback port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        for method, path, handler in self.rest.routes():
            app.router.add_route(method, API_PREFIX + path, self._endpoint(path, handler))
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self.gateway.url = self.gateway_url

    async def stop(self) -> None:
        """Close gateway connections and stop serving."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """Return the REST base URL to put in discord.http.Route.BASE."""
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Return the websocket URL to put in DiscordWebSocket.DEFAULT_GATEWAY."""
        return f"ws://127.0.0.1:{self._port}/"

    def env(self) -> dict[str, str]:
        """Return the environment variables that point a bot process here."""
        return {
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "DISCORD_TOKEN": TOKEN,
        }

    # -- world ---------------------------------------------------------------------------------

    @property
    def bot_user_id(self) -> int:
        """Return the bot user's id."""
        return self.world.bot_user.id

    @property
    def application_id(self) -> int:
        """Return the application's id."""
        return self.world.application_id

    def add_guild(self, name: str) -> int:
        """Create a guild the bot is in."""
        return self.world.add_guild(name)

    def add_channel(self, guild_id: int, name: str, type: int = 0) -> int:
        """Create a guild channel."""
        return self.world.add_channel(guild_id, name, type)

    def add_member(
        self,
        guild_id: int,
        username: str,
        *,
        manage_guild: bool = False,
        roles: tuple[int, ...] = (),
    ) -> int:
        """Create a member; manage_guild gives them a role with MANAGE_GUILD."""
        return self.world.add_member(guild_id, username, manage_guild=manage_guild, roles=roles)

    def add_role(self, guild_id: int, name: str, permissions: int = 0) -> int:
        """Create a role."""
        return self.world.add_role(guild_id, name, permissions)

    def bulk_members(self, guild_id: int, n: int) -> list[int]:
        """Add n members quickly."""
        return self.world.bulk_members(guild_id, n)

    def remove_member(self, guild_id: int, user_id: int, *, ban: bool = False) -> None:
        """The member leaves, is kicked or (ban=True) banned, as Discord does it to a bot
        without the members intent: silently. DMs then fail with 50278 if no guild is shared."""
        self.world.remove_member(guild_id, user_id, ban=ban)

    async def set_overwrite(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0, member: bool = True
    ) -> None:
        """Edit a channel's permissions for a member (or role), as a server admin would."""
        channel = self.world.channels[channel_id]
        if allow or deny:
            channel.overwrites[target_id] = (1 if member else 0, allow, deny)
        else:
            channel.overwrites.pop(target_id, None)
        await self.gateway.dispatch("CHANNEL_UPDATE", channel.payload(self.world))

    def close_dms(self, user_id: int) -> None:
        """Make messages to this user's DM channel fail with 403 code 50007."""
        self.world.closed_dms.add(user_id)

    def messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Return the messages stored in a channel, oldest first."""
        ids = self.world.channel_messages.get(channel_id, [])
        return [self.world.messages[m] for m in ids]

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        """Return the messages the bot sent to a user's DMs."""
        channel = self.world.dm_channels.get(user_id)
        return self.messages(channel) if channel else []

    # -- gateway -------------------------------------------------------------------------------

    @property
    def identify_count(self) -> int:
        """Return how many IDENTIFYs the gateway accepted."""
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        """Return how many RESUMEs succeeded."""
        return self.gateway.resume_count

    async def dispatch(self, event: str, data: Any) -> None:
        """Send a gateway event to the bot."""
        await self.gateway.dispatch(event, data)

    async def drop_gateway(self, code: int | None = 4000) -> None:
        """Close gateway connections (None drops TCP without a close frame)."""
        await self.gateway.drop(code)

    async def request_reconnect(self) -> None:
        """Ask connected clients to reconnect (op 7)."""
        await self.gateway.request_reconnect()

    def delay_hello(self, seconds: float) -> None:
        """Delay HELLO on new connections."""
        self.gateway.hello_delay = seconds

    async def _until(self, check: Callable[[], bool], timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not check():
                await asyncio.sleep(0.005)

    async def wait_for_ready(self, timeout: float = 10.0, count: int = 1) -> None:
        """Wait until count IDENTIFYs got READY and every GUILD_CREATE."""
        await self._until(lambda: self.gateway.ready_count >= count, timeout)

    async def wait_for_resume(self, timeout: float = 10.0, count: int = 1) -> None:
        """Wait until count RESUMEs succeeded."""
        await self._until(lambda: self.gateway.resume_count >= count, timeout)

    async def wait_for_commands(self, timeout: float = 10.0, count: int = 1) -> None:
        """Wait until the bot has synced commands count times."""
        await self._until(lambda: len(self.command_syncs) >= count, timeout)

    # -- interactions --------------------------------------------------------------------------

    async def _send(self, payload: dict[str, Any]) -> InteractionHandle:
        if self.gateway.latest_session() is None:
            raise RuntimeError("no bot session is connected to the fake gateway")
        handle = InteractionHandle(payload)
        self.handles[handle.token] = handle
        handle.dispatched_at = time.perf_counter()
        await self.gateway.dispatch("INTERACTION_CREATE", payload, latest_only=True)
        return handle

    async def slash(
        self, guild_id: int | None, channel_id: int, user_id: int, command: str, /, **options: Any
    ) -> InteractionHandle:
        """Invoke a synced slash command ("name", "name sub" or "name group sub")."""
        # Positional-only parameters leave every keyword free for option names.
        payload = self.interactions.base(2, guild_id, channel_id, user_id)
        payload["data"] = self.interactions.command_data(guild_id, command, options)
        return await self._send(payload)

    async def autocomplete(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        command: str,
        focused: str,
        value: str,
        /,
        **options: Any,
    ) -> InteractionHandle:
        """Ask for autocomplete choices while the user types value into option focused."""
        payload = self.interactions.base(4, guild_id, channel_id, user_id)
        options[focused] = value
        payload["data"] = self.interactions.command_data(guild_id, command, options, focused)
        return await self._send(payload)

    async def _delivered_to_bot(self, key: str, timeout: float) -> None:
        # discord.py registers a view/modal only after reading the response that carried it.
        await self._until(lambda: key in self._delivered, timeout)
        await asyncio.sleep(max(0.0, self._delivered[key] + self.click_grace - time.monotonic()))

    async def click(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        message_id: int,
        custom_id: str,
        *,
        values: list[str] | None = None,
        timeout: float = 5.0,
    ) -> InteractionHandle:
        """Click a button (or pick select values) on a message the bot sent."""
        message = self.world.messages.get(message_id)
        if message is None:
            # A message from before the fake started (e.g. a persistent view): synthesise it.
            button = {"type": 2, "style": 1, "custom_id": custom_id, "label": "?"}
            body = {"components": [{"type": 1, "components": [button]}]}
            message = {**self.world.new_message(channel_id, body), "id": str(message_id)}
        else:
            await self._delivered_to_bot(str(message_id), timeout)
        payload = self.interactions.base(3, guild_id, channel_id, user_id)
        payload["message"] = public(message)
        payload["data"] = self.interactions.component_data(message, custom_id, values)
        return await self._send(payload)

    async def submit_modal(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        custom_id: str,
        fields: dict[str, Any],
        *,
        timeout: float = 5.0,
    ) -> InteractionHandle:
        """Submit the modal the bot showed with this custom_id, filled with fields."""
        await self._delivered_to_bot(f"modal:{custom_id}", timeout)
        payload = self.interactions.base(5, guild_id, channel_id, user_id)
        payload["data"] = self.interactions.modal_data(custom_id, fields)
        return await self._send(payload)

    # -- faults --------------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int,
        body: dict[str, Any] | None = None,
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next `times` matching requests with an error (method "*" for any)."""
        pattern = re.compile(path_regex)
        self._injections.append(Injection(method, pattern, status, body, times, retry_after))

    def rate_limits(
        self,
        enabled: bool = True,
        global_per_second: int = 50,
        route_limit: int = 5,
        route_window: float = 5.0,
    ) -> None:
        """Enforce Discord-style route buckets and a global per-second limit."""
        self.limiter.configure(enabled, global_per_second, route_limit, route_window)

    @property
    def count_429(self) -> int:
        """Return how many 429s the fake answered."""
        return self.limiter.count_429

    # -- request pipeline ----------------------------------------------------------------------

    async def _unknown(self, request: web.Request) -> web.StreamResponse:
        self.request_count += 1
        path = request.path.removeprefix(API_PREFIX)
        self.requests.append(RecordedRequest(request.method, path, None, time.time()))
        self.problems.append(f"{request.method} {path}: unknown route (the fake answered 404)")
        return json_response(404, {"message": "404: Not Found", "code": 0})

    def _endpoint(self, template: str, handler: Handler) -> Callable[..., Any]:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            received = time.perf_counter()
            self.request_count += 1
            path = request.path.removeprefix(API_PREFIX)
            try:
                body, files, raw = await self._read_body(request)
            except ValueError:
                self.problems.append(f"{request.method} {path}: body is not valid JSON")
                return json_response(400, {"message": "Invalid JSON", "code": 50109})
            self.requests.append(RecordedRequest(request.method, path, body, time.time()))
            self._validate(request.method, path, body, raw)
            params = dict(request.match_info)
            call = Call(request.method, params, body, files, request.query, received)
            response = await self._answer(request, template, handler, call)
            await response.prepare(request)
            await response.write_eof()
            now = time.monotonic()
            for key in call.delivered:
                self._delivered[key] = now
            return response

        return endpoint

    async def _answer(
        self, request: web.Request, template: str, handler: Handler, call: Call
    ) -> web.Response:
        webhook = template.startswith(("/interactions/", "/webhooks/"))
        auth = request.headers.get("Authorization")
        if not webhook and auth != f"Bot {TOKEN}":
            return json_response(401, {"message": "401: Unauthorized", "code": 0})
        if self.rest_latency:
            await asyncio.sleep(self.rest_latency)
        path = request.path.removeprefix(API_PREFIX)
        for injection in self._injections:
            if injection.matches(call.method, path):
                status, body, extra = injection.answer()
                self.limiter.count_429 += status == 429
                return json_response(status, body, extra)
        headers: dict[str, str] = {}
        # Interaction callbacks are not rate limited on Discord.
        if not template.startswith("/interactions/"):
            verdict = self.limiter.check(call.method, template, call.params)
            headers = verdict.headers
            if verdict.limited is not None:
                return json_response(429, verdict.limited, headers)
        try:
            status, body = await handler(call)
        except ApiError as error:
            status, body = error.status, {"message": error.message, "code": error.code}
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            # A body the fake cannot read would be a 400 on Discord; a 500 makes discord.py retry.
            self.problems.append(f"{call.method} {path}: the fake could not handle it: {error!r}")
            status, body = 400, {"message": "Invalid Form Body", "code": 50035}
        return json_response(status, body, headers)

    async def _read_body(self, request: web.Request) -> tuple[Any, dict[str, bytes], bytes | None]:
        """Return the JSON body, any files, and the raw JSON bytes (None for multipart)."""
        files: dict[str, bytes] = {}
        if request.content_type == "multipart/form-data":
            body = None
            async for part in await request.multipart():
                if not isinstance(part, BodyPartReader):
                    continue
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                elif part.filename:
                    files[part.filename] = bytes(await part.read())
            return body, files, None
        raw = await request.read() if request.can_read_body else b""
        return (json.loads(raw) if raw else None), files, raw

    def _validate(self, method: str, path: str, body: Any, raw: bytes | None) -> None:
        """Check the body against Discord's limits (and its OpenAPI description, when loaded).

        The verdict depends only on the route's kind, its OpenAPI template and the body, so a
        body already judged (the same answer sent again, byte for byte) is not judged twice.
        """
        kind = route_kind(method, path)
        template = self.openapi.template(path) if self.openapi is not None else None
        key = (method, kind, template, raw)
        cacheable = raw is not None and (self.openapi is None or template is not None)
        problems = self._verdicts.get(key) if cacheable else None
        if problems is None:
            problems = check_body(kind, body)
            if self.openapi is not None:
                problems += self.openapi.validate(method, path, body)
            if cacheable:
                if len(self._verdicts) >= VERDICTS_KEPT:
                    self._verdicts.clear()
                self._verdicts[key] = problems
        self.problems.extend(f"{method} {path}: {p}" for p in problems)

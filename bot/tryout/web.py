"""The page and its small JSON API, served by aiohttp on 127.0.0.1 only.

Reads (`/api/state`, `/api/commands`) are plain lookups; every action goes through the world,
which runs it as the chosen person with SimCord's actors.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Awaitable, Callable, Mapping
from importlib.resources import files
from typing import Any

from aiohttp import web

from bot.tryout.plan import Person
from bot.tryout.render import (
    channels_json,
    commands_json,
    directory_json,
    messages_json,
    person_json,
)
from bot.tryout.wire import DemoError, Outcome
from bot.tryout.world import DemoWorld

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SCRIPTS = (
    "app.js",
    "state.js",
    "markdown.js",
    "layout.js",
    "messages.js",
    "actions.js",
    "commands.js",
    "forms.js",
    "a11y.js",
)
STATIC = ("index.html", *SCRIPTS, "style.css", "icon.svg")
# ES modules load only with a JavaScript type (and `nosniff`); don't trust the system's table.
KINDS = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
MAX_BODY = 12 * 1024 * 1024  # attachments travel as base64 in JSON
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    ),
}
WORLD: web.AppKey[DemoWorld] = web.AppKey("world", DemoWorld)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer only pages addressed to loopback; refuse cross-site posts; add safe headers."""
    host = (request.host or "").rsplit(":", 1)[0].strip("[]")
    if host not in LOOPBACK_HOSTS:
        raise web.HTTPForbidden(text="This demo answers only on 127.0.0.1.")
    if request.method == "POST" and request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="Send JSON.")
    try:
        response = await handler(request)
    except DemoError as error:
        response = web.json_response({"error": str(error)}, status=400)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def build_app(world: DemoWorld) -> web.Application:
    """The whole site: the page, its script and style, and the API."""
    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[WORLD] = world
    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/state", state)
    app.router.add_get("/api/commands", commands)
    app.router.add_get("/api/file", attachment)
    app.router.add_post("/api/slash", slash)
    app.router.add_post("/api/autocomplete", autocomplete)
    app.router.add_post("/api/click", click)
    app.router.add_post("/api/select", select)
    app.router.add_post("/api/modal", modal)
    app.router.add_post("/api/modal/close", close_modal)
    app.router.add_post("/api/send", send)
    app.router.add_post("/api/advance", advance)
    return app


def _static_bytes(name: str) -> bytes:
    return files("bot.tryout").joinpath("static", name).read_bytes()


async def page(_request: web.Request) -> web.Response:
    """The page."""
    return web.Response(body=_static_bytes("index.html"), content_type="text/html", charset="utf-8")


async def static(request: web.Request) -> web.Response:
    """The page's script and style (nothing else is served from disk)."""
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    suffix = name[name.rfind(".") :]
    kind = KINDS.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    charset = None if kind.startswith("image/") and not kind.endswith("svg+xml") else "utf-8"
    return web.Response(body=_static_bytes(name), content_type=kind, charset=charset)


# ---------------------------------------------------------------------- reading


def _world(request: web.Request) -> DemoWorld:
    return request.app[WORLD]


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DemoError(f"Missing or unreadable {what}.") from None


def _person(world: DemoWorld, value: Any) -> Person:
    return world.person_by_id(_int(value, "person"))


def _home(world: DemoWorld) -> int:
    return world.channels["general"].id


async def state(request: web.Request) -> web.Response:
    """Everything the page shows for one person in one channel."""
    world = _world(request)
    query = request.query
    people = [person_json(person) for person in world.people.values()]
    if "person" not in query:
        return web.json_response(
            {"people": people, "now": world.clock.now().isoformat(), "home": str(_home(world))}
        )
    person = _person(world, query.get("person"))
    channel_id = _int(query.get("channel") or _home(world), "channel")
    if not world.can_see(person, channel_id):
        channel_id = _home(world)
    return web.json_response(
        {
            "people": people,
            "now": world.clock.now().isoformat(),
            "timezone": world.services.config.timezone,
            "home": str(_home(world)),
            "person": person_json(person),
            "channels": channels_json(world, person),
            "directory": directory_json(world),
            "channel": str(channel_id),
            "messages": messages_json(world, channel_id, person),
        }
    )


async def commands(request: web.Request) -> web.Response:
    """The slash commands this person can use in this channel."""
    world = _world(request)
    person = _person(world, request.query.get("person"))
    channel_id = _int(request.query.get("channel"), "channel")
    return web.json_response({"commands": commands_json(world, person, channel_id)})


async def attachment(request: web.Request) -> web.Response:
    """A file attached to a message, if the person can see that message."""
    world = _world(request)
    query = request.query
    person = _person(world, query.get("person"))
    channel_id = _int(query.get("channel"), "channel")
    message_id = _int(query.get("message"), "message")
    index = _int(query.get("index"), "file")
    if not world.can_see(person, channel_id):
        raise web.HTTPNotFound()
    message = world.env.backend.messages.get(channel_id, {}).get(message_id)
    if message is None or not message.visible_to(person.id):
        raise web.HTTPNotFound()
    if not 0 <= index < len(message.attachments):
        raise web.HTTPNotFound()
    item = message.attachments[index]
    data = world.env.backend.cdn.get(item.get("url", ""))
    if data is None:
        raise web.HTTPNotFound()
    filename = str(item.get("filename") or "file").replace('"', "")
    kind = str(item.get("content_type") or "application/octet-stream")
    inline = kind.startswith("image/") and "download" not in query
    disposition = "inline" if inline else "attachment"
    return web.Response(
        body=data,
        content_type=kind.split(";")[0],
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


# ---------------------------------------------------------------------- acting


async def _body(request: web.Request) -> Mapping[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise DemoError("That request wasn't readable JSON.") from None
    if not isinstance(body, dict):
        raise DemoError("That request wasn't a JSON object.")
    return body


def _outcome(outcome: Outcome) -> web.Response:
    return web.json_response(outcome.to_json())


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


async def slash(request: web.Request) -> web.Response:
    """Run a slash command."""
    world = _world(request)
    body = await _body(request)
    person = _person(world, body.get("person"))
    channel_id = _int(body.get("channel"), "channel")
    path = " ".join(str(body.get("command") or "").strip().lstrip("/").split())
    options = _mapping(body.get("options"))
    return _outcome(await world.slash(person, channel_id, path, options))


async def autocomplete(request: web.Request) -> web.Response:
    """Ask the bot for suggestions while the person types an option."""
    world = _world(request)
    body = await _body(request)
    person = _person(world, body.get("person"))
    channel_id = _int(body.get("channel"), "channel")
    path = " ".join(str(body.get("command") or "").strip().lstrip("/").split())
    return _outcome(
        await world.autocomplete(
            person,
            channel_id,
            path,
            str(body.get("option") or ""),
            str(body.get("value") or ""),
            _mapping(body.get("options")),
        )
    )


async def click(request: web.Request) -> web.Response:
    """Press a button."""
    world = _world(request)
    body = await _body(request)
    person = _person(world, body.get("person"))
    return _outcome(
        await world.click(
            person,
            _int(body.get("channel"), "channel"),
            _int(body.get("message"), "message"),
            str(body.get("custom_id") or ""),
        )
    )


async def select(request: web.Request) -> web.Response:
    """Choose in a select menu."""
    world = _world(request)
    body = await _body(request)
    person = _person(world, body.get("person"))
    values = body.get("values")
    return _outcome(
        await world.select(
            person,
            _int(body.get("channel"), "channel"),
            _int(body.get("message"), "message"),
            str(body.get("custom_id") or ""),
            list(values) if isinstance(values, list) else [],
        )
    )


async def modal(request: web.Request) -> web.Response:
    """Submit a form."""
    world = _world(request)
    body = await _body(request)
    person = _person(world, body.get("person"))
    return _outcome(
        await world.submit_modal(person, str(body.get("modal") or ""), _mapping(body.get("values")))
    )


async def close_modal(request: web.Request) -> web.Response:
    """Forget a form the person cancelled."""
    world = _world(request)
    body = await _body(request)
    world.close_modal(_person(world, body.get("person")), str(body.get("modal") or ""))
    return _outcome(Outcome())


async def send(request: web.Request) -> web.Response:
    """Post a plain message."""
    world = _world(request)
    body = await _body(request)
    person = _person(world, body.get("person"))
    channel_id = _int(body.get("channel"), "channel")
    return _outcome(await world.send(person, channel_id, str(body.get("content") or "")))


async def advance(request: web.Request) -> web.Response:
    """Move the demo's time on."""
    world = _world(request)
    body = await _body(request)
    await world.advance(_int(body.get("minutes"), "number of minutes"))
    return web.json_response({"now": world.clock.now().isoformat()})

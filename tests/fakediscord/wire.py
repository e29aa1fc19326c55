"""Read requests and write JSON answers as Discord's HTTP API does."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from aiohttp import BodyPartReader, web

API_PREFIX = "/api/v10"
TOKEN = "FAKE-TOKEN.alongside.loopback"
_JSON = {"Content-Type": "application/json"}


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


async def read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    """Read a JSON body, or a multipart one with its files, as Discord does."""
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
        return body, files
    raw = await request.read() if request.can_read_body else b""
    return (json.loads(raw) if raw else None), files

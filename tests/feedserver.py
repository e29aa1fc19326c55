"""A real aiohttp server on loopback that serves well-behaved and hostile feeds for the tests.

Feeds come from `tests/feedbuild.py`; the server records every request (path and headers) so
tests can check what Alongside sent, and how many requests were in flight at once.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MIB = 1024 * 1024


@dataclass
class Seen:
    """One request the server received."""

    path: str
    host: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    """Serves whatever `routes` says, on 127.0.0.1 and (optionally) 127.0.0.2."""

    port: int = 0
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    _runner: web.AppRunner | None = None

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The full address of `path` on this server."""
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        """The requests made for `path`."""
        return [seen for seen in self.requests if seen.path == path]

    # What to serve -----------------------------------------------------------------------

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        validators: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Serve fixed bytes; with `validators`, answer 304 to a matching conditional GET."""
        etag = f'"v{abs(hash(body)) % 10**8}"'
        modified = "Sat, 10 Jan 2026 12:00:00 GMT"

        async def handler(request: web.Request) -> web.StreamResponse:
            if delay:
                await asyncio.sleep(delay)
            extra = dict(headers or {})
            if validators:
                extra.update({"ETag": etag, "Last-Modified": modified})
                if request.headers.get("If-None-Match") == etag:
                    return web.Response(status=304, headers=extra)
            return web.Response(
                body=body, status=status, headers={"Content-Type": content_type, **extra}
            )

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer `path` with a redirect."""

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": location})

        self.routes[path] = handler

    def slow_drip(self, path: str, *, every: float = 0.2, total_bytes: int = 10_000) -> None:
        """Send a valid-looking start, then one byte at a time, forever in test terms."""

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            for _ in range(total_bytes):
                await asyncio.sleep(every)
                await response.write(b" ")
            return response

        self.routes[path] = handler

    def huge(self, path: str, size: int = 6 * MIB, *, declare_length: bool = False) -> None:
        """Stream `size` bytes of a feed that never ends, with or without Content-Length."""
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'

        async def handler(request: web.Request) -> web.StreamResponse:
            headers = {"Content-Type": "application/rss+xml"}
            if declare_length:
                headers["Content-Length"] = str(size)
            response = web.StreamResponse(headers=headers)
            await response.prepare(request)
            await response.write(head)
            sent = len(head)
            block = b"<!-- padding -->" * 4096
            try:
                while sent < size:
                    piece = block[: size - sent]
                    await response.write(piece)
                    sent += len(piece)
            except (ConnectionResetError, RuntimeError):
                pass  # the client stopped reading, as it should
            return response

        self.routes[path] = handler

    def gzip_bomb(self, path: str, unpacked: int = 64 * MIB) -> None:
        """A small gzip body that unpacks to far more than the cap."""
        packed = gzip.compress(b"<" + b" " * unpacked, compresslevel=9)

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=packed,
                headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
            )

        self.routes[path] = handler

    # Running -----------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(Seen(request.path, request.host, dict(request.headers)))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            handler = self.routes.get(request.path)
            if handler is None:
                return web.Response(status=404, text="not here")
            return await handler(request)
        finally:
            self.in_flight -= 1

    @classmethod
    @asynccontextmanager
    async def running(cls, hosts: Sequence[str] = ("127.0.0.1",)) -> AsyncIterator[FeedServer]:
        """Start the server on every host (same port), stop it afterwards."""
        server = cls()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", server._dispatch)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        server._runner = runner
        first = web.TCPSite(runner, hosts[0], 0)
        await first.start()
        server.port = first._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        for host in hosts[1:]:
            await web.TCPSite(runner, host, server.port).start()
        try:
            yield server
        finally:
            await runner.cleanup()

"""A real aiohttp server on loopback that serves well-behaved and hostile feeds for the tests.

Feeds are built from plain dicts; the server records every request (path and headers) so tests
can check what Alongside sent, and how many requests were in flight at once.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from bot.feeds.fetch import FeedFetcher, FetchPolicy, user_agent
from bot.feeds.limits import FeedLimits
from bot.feeds.models import Post
from bot.feeds.netguard import AddressGuard, Lookup, system_lookup
from bot.feeds.outbox import PostError
from bot.feeds.service import FeedsService
from bot.feeds.topics import TopicMatcher
from bot.services import Services

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Item = Mapping[str, Any]

BASE_TIME = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
MIB = 1024 * 1024


def items(
    count: int,
    *,
    prefix: str = "Piece",
    host: str = "blog.example",
    start: int = 1,
    guid: bool = True,
    scheme: str = "https",
) -> list[dict[str, Any]]:
    """`count` items, newest first as feeds list them, one hour apart."""
    made = []
    for number in range(start + count - 1, start - 1, -1):
        made.append(
            {
                "title": f"{prefix} {number}",
                "link": f"{scheme}://{host}/posts/{number}",
                "guid": f"{scheme}://{host}/?p={number}" if guid else None,
                "summary": f"<p>Summary of {prefix.lower()} {number}.</p>",
                "date": BASE_TIME + timedelta(hours=number),
                "author": "Sam Writer",
            }
        )
    return made


def rss2(title: str, entries: Sequence[Item]) -> bytes:
    """An RSS 2.0 document."""
    body = []
    for entry in entries:
        parts = [f"<title>{escape(entry['title'])}</title>"]
        if entry.get("link"):
            parts.append(f"<link>{escape(entry['link'])}</link>")
        if entry.get("guid"):
            parts.append(f"<guid>{escape(entry['guid'])}</guid>")
        if entry.get("summary") is not None:
            parts.append(f"<description>{escape(entry['summary'])}</description>")
        if entry.get("date"):
            parts.append(f"<pubDate>{format_datetime(entry['date'])}</pubDate>")
        if entry.get("author"):
            parts.append(f"<dc:creator>{escape(entry['author'])}</dc:creator>")
        if entry.get("image"):
            parts.append(f'<media:content url="{escape(entry["image"])}" medium="image"/>')
        body.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{escape(title)}</title><link>https://blog.example/</link>"
        "<description>A test blog</description>" + "".join(body) + "</channel></rss>"
    ).encode()


def atom(title: str, entries: Sequence[Item]) -> bytes:
    """An Atom 1.0 document."""
    body = []
    for entry in entries:
        stamp = entry["date"].strftime("%Y-%m-%dT%H:%M:%SZ")
        body.append(
            "<entry>"
            f"<title>{escape(entry['title'])}</title>"
            f'<link rel="alternate" href="{escape(entry["link"])}"/>'
            f"<id>{escape(entry['guid'] or entry['link'])}</id>"
            f"<updated>{stamp}</updated><published>{stamp}</published>"
            f"<author><name>{escape(entry.get('author') or 'Anon')}</name></author>"
            f'<summary type="html">{escape(entry["summary"])}</summary>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id>"
        "<updated>2026-01-10T12:00:00Z</updated>" + "".join(body) + "</feed>"
    ).encode()


def rss1(title: str, entries: Sequence[Item]) -> bytes:
    """An RSS 1.0 (RDF) document."""
    seq = "".join(f'<rdf:li rdf:resource="{escape(e["link"])}"/>' for e in entries)
    body = "".join(
        f'<item rdf:about="{escape(e["link"])}"><title>{escape(e["title"])}</title>'
        f"<link>{escape(e['link'])}</link><description>{escape(e['summary'])}</description>"
        f"<dc:date>{e['date'].strftime('%Y-%m-%dT%H:%M:%SZ')}</dc:date></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="https://blog.example/"><title>{escape(title)}</title>'
        "<link>https://blog.example/</link><description>RDF</description>"
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{body}</rdf:RDF>"
    ).encode()


def json_feed(title: str, entries: Sequence[Item]) -> bytes:
    """A JSON Feed 1.1 document."""
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": e["guid"] or e["link"],
                    "url": e["link"],
                    "title": e["title"],
                    "content_html": e["summary"],
                    "date_published": e["date"].isoformat(),
                    "authors": [{"name": e.get("author") or "Anon"}],
                }
                for e in entries
            ],
        }
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://blog.example/lol</link></item></channel></rss>"""

MALFORMED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item><<title>&&&'

HTML_PAGE = b"""<!doctype html><html><head><title>A blog</title>
<link rel="alternate" type="application/rss+xml" href="https://blog.example/feed.xml">
</head><body><h1>Welcome</h1><p>This is a web page.</p></body></html>"""


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


# Service-side helpers ----------------------------------------------------------------------


@dataclass
class RecordingPoster:
    """Stands in for Discord in service tests, recording every request the service makes.

    With `honour_nonces`, a second send with a nonce already used returns the first message, as
    Discord does for `enforce_nonce` within its window; otherwise every send makes a message.
    """

    honour_nonces: bool = False
    history_visible: bool = True
    fail_with: PostError | None = None
    sends: list[tuple[int, Post, str]] = field(default_factory=list)
    messages: dict[int, tuple[int, Post, str]] = field(default_factory=dict)
    threads: list[tuple[int, int, Post]] = field(default_factory=list)
    notices: list[tuple[int, str]] = field(default_factory=list)
    _next_id: int = 1000

    @property
    def titles(self) -> list[str]:
        """Titles of the messages in the channel, in the order they appeared."""
        return [post.title for _, post, _ in self.messages.values()]

    async def send_post(self, channel_id: int, post: Post, nonce: str) -> int:
        self.sends.append((channel_id, post, nonce))
        if self.fail_with is not None:
            raise self.fail_with
        if self.honour_nonces:
            for message_id, (_, _, used) in self.messages.items():
                if used == nonce:
                    return message_id
        self._next_id += 1
        self.messages[self._next_id] = (channel_id, post, nonce)
        return self._next_id

    async def find_post(self, channel_id: int, post: Post) -> int | None:
        if not self.history_visible:
            return None
        for message_id, (channel, sent, _) in self.messages.items():
            if channel == channel_id and sent.title == post.title and sent.url == post.url:
                return message_id
        return None

    async def open_thread(self, channel_id: int, message_id: int, post: Post) -> None:
        self.threads.append((channel_id, message_id, post))

    async def send_notice(self, channel_id: int, text: str) -> bool:
        self.notices.append((channel_id, text))
        return True


def make_feeds(
    services: Services,
    *,
    allow_private: bool = True,
    trusted: Sequence[str] = (),
    lookup: Lookup | None = None,
    total_timeout: float = 2.0,
    concurrency: int = 8,
    limits: FeedLimits | None = None,
    seed: int = 7,
) -> FeedsService:
    """A feeds service on the test database, with short timeouts and a seeded jitter."""
    policy = FetchPolicy(
        user_agent=user_agent("test", services.config.contact_url),
        allow_private_hosts=allow_private,
        connect_timeout=1.0,
        total_timeout=total_timeout,
        concurrency=concurrency,
    )
    guard = AddressGuard(
        allow_private=allow_private, trusted=[ipaddress.ip_address(t) for t in trusted]
    )
    return FeedsService(
        db=services.db,
        clock=services.clock,
        settings=services.settings,
        fetcher=FeedFetcher(policy, guard, lookup or system_lookup),
        topics=TopicMatcher.from_data(services.config.data_dir),
        rng=random.Random(seed),
        limits=limits,
    )

"""A small RSS feed for the demo, served on 127.0.0.1 only.

Its pieces are dated around the demo's start; a piece appears in the feed only once the demo's
clock reaches its date, so advancing time makes new pieces turn up as a real blog's would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

FEED_PATH = "/alongside-demo-feed.xml"
FEED_TITLE = "Voices Alongside (demo blog)"


@dataclass(frozen=True, slots=True)
class Piece:
    """One blog post, published `offset` after the demo's start (negative: before it)."""

    offset: timedelta
    title: str
    summary: str
    slug: str


PIECES = (
    Piece(
        timedelta(days=-3),
        "Bringing yourself to the board table",
        "What changed when our network's practitioners were paid to sit on the board, "
        "and what it cost them.",
        "board-table",
    ),
    Piece(
        timedelta(days=-1),
        "Notes from a peer support supervision circle",
        "Six peer workers on what helps after a hard week, in their own words.",
        "supervision-circle",
    ),
    Piece(
        timedelta(hours=20),
        "Co-production is not a consultation",
        "A short piece on the difference between being asked and being involved.",
        "not-a-consultation",
    ),
    Piece(
        timedelta(days=2, hours=4),
        "The emotional labour nobody budgets for",
        "Why lived experience roles need supervision, time and pay that match the work.",
        "emotional-labour",
    ),
)


def render_rss(start: datetime, now: datetime) -> str:
    """The feed as it stands at `now`: every piece whose date has come, newest first."""
    published = [piece for piece in PIECES if start + piece.offset <= now]
    items = []
    for piece in sorted(published, key=lambda p: p.offset, reverse=True):
        link = f"https://blog.alongside.example/{piece.slug}"
        items.append(
            "<item>"
            f"<title>{escape(piece.title)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="false">alongside-demo-{piece.slug}</guid>'
            f"<pubDate>{format_datetime(start + piece.offset)}</pubDate>"
            f"<description>{escape(piece.summary)}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0"><channel>'
        f"<title>{escape(FEED_TITLE)}</title>"
        "<link>https://blog.alongside.example/</link>"
        "<description>Pieces by lived experience practitioners, made up for the demo."
        "</description>"
        f"{''.join(items)}"
        "</channel></rss>"
    )


class DemoFeed:
    """Serves the demo feed on a free port of 127.0.0.1 until closed."""

    def __init__(self, start: datetime, now: Callable[[], datetime]) -> None:
        self._start = start
        self._now = now
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The feed's address, for `/mod feeds add`."""
        return f"http://127.0.0.1:{self.port}{FEED_PATH}"

    async def _feed(self, _request: web.Request) -> web.Response:
        body = render_rss(self._start, self._now())
        return web.Response(text=body, content_type="application/rss+xml", charset="utf-8")

    async def open(self) -> None:
        """Start listening on loopback."""
        app = web.Application()
        app.router.add_get(FEED_PATH, self._feed)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = _bound_port(self._runner)

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _bound_port(runner: web.AppRunner) -> int:
    """The port the runner's only site is listening on."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("the server is not listening")

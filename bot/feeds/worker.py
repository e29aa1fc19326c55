"""Parse feeds in a small dedicated thread pool, with a time limit.

A hostile feed can make any parser slow. Parsing happens off the event loop, so the bot keeps
answering; the time limit turns a slow parse into a plain failure. Python cannot stop a thread,
so a parse that overruns finishes in the background — the pool is small and separate from the
loop's default executor, so at worst it delays other feeds' parsing, never the bot or SQLite.
The fetch cap (5 MiB) and the refusal of XML entity declarations bound how long that can be.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bot.feeds.models import ParsedFeed
from bot.feeds.parse import FeedParseError, parse_feed


class ParserPool:
    """Runs `parse_feed` in worker threads and gives up waiting after `timeout` seconds."""

    def __init__(self, *, workers: int = 2, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed-parse")

    async def parse(self, data: bytes, url: str, content_type: str) -> ParsedFeed:
        """Parse in a worker; raise FeedParseError if it fails or takes too long."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, parse_feed, data, url, content_type)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise FeedParseError(
                f"reading the feed took longer than {self.timeout:g} seconds"
            ) from None

    def close(self) -> None:
        """Stop accepting work; queued parses are dropped, a running one finishes alone."""
        self._pool.shutdown(wait=False, cancel_futures=True)

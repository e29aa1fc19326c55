"""Fetch a feed politely and safely: conditional GET, checked redirects, capped bodies."""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
import yarl

from bot.feeds.netguard import AddressGuard, AddressRefused, GuardedResolver, Lookup, system_lookup

MIB = 1024 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
SLOW_DOWN = frozenset({429, 503})
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
CHUNK = 64 * 1024
# Retry-After is honoured up to a day; a server asking for longer gets a day.
MAX_RETRY_AFTER = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits for fetching; production uses the defaults, tests shorten the timeouts."""

    user_agent: str
    allow_private_hosts: bool = False
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * MIB
    max_redirects: int = 5
    concurrency: int = 8


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched feed (status 200) or a "not modified" answer (304, empty body)."""

    url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """Say whether the server answered 304 Not Modified."""
        return self.status == 304


class FetchError(Exception):
    """Fetching or reading a feed failed; `reason` is a plain sentence for moderators."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def user_agent(version: str, contact_url: str) -> str:
    """Name Alongside and where its operators can be reached, as polite crawlers do."""
    return f"Alongside/{version} (feed reader; +{contact_url})"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Read Retry-After as seconds (either form), bounded to a day; None if absent or bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class _CappedBody:
    """Accumulates a body, undoing gzip/deflate on the way, refusing past the cap either side."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.raw = 0
        self.out = bytearray()
        if encoding in ("", "identity"):
            self._decoder: zlib._Decompress | None = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            # wbits 32+ accepts both gzip and zlib headers.
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)
        else:
            raise FetchError(
                f"the site sent the feed packed as “{encoding[:40]}”, which isn't supported"
            )

    def add(self, chunk: bytes) -> None:
        self.raw += len(chunk)
        if self.raw > self.cap:
            raise FetchError(f"the feed is larger than {self.cap // MIB} MiB")
        if self._decoder is None:
            self.out += chunk
        else:
            room = self.cap - len(self.out)
            try:
                # Asking for one byte more than the room left detects a bomb without inflating it.
                self.out += self._decoder.decompress(chunk, room + 1)
            except zlib.error:
                raise FetchError("the feed's compression is damaged") from None
        if len(self.out) > self.cap:
            raise FetchError(f"the feed unpacks to more than {self.cap // MIB} MiB")

    def finish(self) -> bytes:
        if self._decoder is not None:
            try:
                self.out += self._decoder.flush()
            except zlib.error:
                raise FetchError("the feed's compression is damaged") from None
            if len(self.out) > self.cap:
                raise FetchError(f"the feed unpacks to more than {self.cap // MIB} MiB")
        return bytes(self.out)


class FeedFetcher:
    """One aiohttp session for every feed, with the address guard wired into its resolver."""

    def __init__(self, policy: FetchPolicy, guard: AddressGuard, lookup: Lookup = system_lookup):
        self.policy = policy
        self.guard = guard
        self._lookup = lookup
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.guard, self._lookup),
                limit=max(self.policy.concurrency * 2, 10),
                ttl_dns_cache=60,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=self.policy.connect_timeout,
                    sock_connect=self.policy.connect_timeout,
                ),
                # Bodies are decompressed by hand so the size cap applies after unpacking too.
                auto_decompress=False,
                # Cookies would link one feed's requests to another's; none are kept.
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                headers={
                    "User-Agent": self.policy.user_agent,
                    "Accept": ACCEPT,
                    "Accept-Encoding": "gzip, deflate",
                },
            )
        return self._session

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime | None = None,
    ) -> FetchResult:
        """Fetch `url` (following up to five checked redirects) or raise FetchError."""
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                return await self._fetch(url, etag, last_modified, now or datetime.now(UTC))
        except AddressRefused as refused:
            raise FetchError(refused.reason) from None
        except TimeoutError:
            raise FetchError(
                f"the site didn't finish answering within {self.policy.total_timeout:g} seconds"
            ) from None
        except aiohttp.ClientConnectorDNSError:
            raise FetchError("the website's name couldn't be found (check the address)") from None
        except aiohttp.ClientConnectorError as error:
            raise FetchError(
                f"couldn't connect to the site ({error.strerror or 'refused'})"
            ) from None
        except aiohttp.InvalidURL:
            raise FetchError("that isn't a usable web address") from None
        except aiohttp.ClientResponseError as error:
            raise FetchError(f"the site's answer was malformed (HTTP {error.status})") from None
        except (aiohttp.ClientError, OSError) as error:
            raise FetchError(f"the connection failed ({type(error).__name__})") from None

    async def _fetch(
        self, url: str, etag: str | None, last_modified: str | None, now: datetime
    ) -> FetchResult:
        session = self._open()
        current = yarl.URL(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.policy.max_redirects + 1):
            self.guard.check_url(current)
            async with session.get(current, headers=headers, allow_redirects=False) as response:
                if response.status in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError("the site redirected without saying where to")
                    current = current.join(yarl.URL(location))
                    continue
                return await self._read(response, current, now)
        raise FetchError(f"the site redirected more than {self.policy.max_redirects} times")

    async def _read(
        self, response: aiohttp.ClientResponse, url: yarl.URL, now: datetime
    ) -> FetchResult:
        status = response.status
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if status == 304:
            return FetchResult(str(url), 304, b"", "", etag, last_modified)
        if status in SLOW_DOWN:
            raise FetchError(
                f"the site asked Alongside to wait (HTTP {status})",
                retry_after=parse_retry_after(response.headers.get("Retry-After"), now),
            )
        if status == 404 or status == 410:
            raise FetchError(f"the site says the feed isn't there any more (HTTP {status})")
        if status in (401, 403):
            raise FetchError(f"the site refused to share the feed (HTTP {status})")
        if status >= 400:
            raise FetchError(f"the site answered with an error (HTTP {status})")
        if not 200 <= status < 300:
            raise FetchError(f"the site gave an unexpected answer (HTTP {status})")
        cap = self.policy.max_bytes
        if response.content_length is not None and response.content_length > cap:
            raise FetchError(f"the feed is larger than {cap // MIB} MiB")
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        body = _CappedBody(encoding, cap)
        async for chunk in response.content.iter_chunked(CHUNK):
            body.add(chunk)
        content_type = response.headers.get("Content-Type", "")
        return FetchResult(str(url), status, body.finish(), content_type, etag, last_modified)

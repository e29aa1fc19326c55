"""Turn fetched bytes into clean items. Runs in a sandbox process (bot.feeds.sandbox).

feedparser is only ever handed bytes, so it never fetches anything itself.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import feedparser
import yarl

from bot.core.text import clip
from bot.feeds.models import FeedItem, ParsedFeed
from bot.feeds.text import HtmlImage, html_to_text, pick_html_image, plain_text, safe_http_url

SUMMARY_LIMIT = 500
TITLE_LIMIT = 256
AUTHOR_LIMIT = 256
# A feed lists its latest pieces; more than this is an archive, and only the newest matter.
MAX_ITEMS = 200
NEWLINES = re.compile(r"\n+")
JSON_FEED_PREFIX = "https://jsonfeed.org/version/"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FORMATS = {
    "rss090": "RSS 0.90",
    "rss091n": "RSS 0.91",
    "rss091u": "RSS 0.91",
    "rss092": "RSS 0.92",
    "rss093": "RSS 0.93",
    "rss094": "RSS 0.94",
    "rss20": "RSS 2.0",
    "rss10": "RSS 1.0",
    "rss": "RSS",
    "atom01": "Atom 0.1",
    "atom02": "Atom 0.2",
    "atom03": "Atom 0.3",
    "atom10": "Atom 1.0",
    "atom": "Atom",
    "cdf": "CDF",
}
TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src")
# Entity declarations are how "billion laughs" and external-entity attacks work; feeds have no
# need for them, so a document declaring any is refused before a parser sees it. The check is
# made on the text as feedparser decodes it (any charset Python knows: cp037, utf-7, utf-16…),
# and feedparser is then given exactly that checked text, as UTF-8.
ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
CHECKED_TYPE = "application/xml; charset=utf-8"


class FeedParseError(Exception):
    """The bytes are not a usable feed; `reason` is a plain sentence for moderators."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_link(link: str) -> str:
    """Return a link's identity: no scheme, www., default port, fragment, trailing slash or
    tracking parameters — so an http → https move does not make every piece look new."""
    url = yarl.URL(link)
    host = (url.host or "").lower().removeprefix("www.")
    port = f":{url.port}" if url.port and not url.is_default_port() else ""
    path = url.path.rstrip("/") or "/"
    query = [
        (k, v) for k, v in parse_qsl(url.query_string) if not k.lower().startswith(TRACKING_PARAMS)
    ]
    tail = f"?{urlencode(sorted(query))}" if query else ""
    return f"//{host}{port}{path}{tail}"


def _short(key: str) -> str:
    """Keep keys small in the database; long ones become a digest."""
    if len(key) <= 300:
        return key
    return key[:8] + hashlib.sha256(key.encode()).hexdigest()


def _identity(
    guid: str, link: str | None, title: str, published: datetime | None, unique_link: bool
) -> tuple[str, tuple[str, ...]]:
    link_key = f"link:{normalise_link(link)}" if link and unique_link else None
    if guid:
        return _short(f"id:{guid}"), ((_short(link_key),) if link_key else ())
    if link_key:
        return _short(link_key), ()
    stamp = published.isoformat() if published else ""
    digest = hashlib.sha256(f"{title}\n{stamp}".encode()).hexdigest()[:32]
    return f"hash:{digest}", ()


def _struct_time(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _detail_text(value: Any, detail: Any) -> str:
    """Plain text of a feedparser text construct, converting only if it is HTML."""
    if not isinstance(value, str):
        return ""
    kind = detail.get("type", "") if isinstance(detail, Mapping) else ""
    if kind in HTML_TYPES:
        return html_to_text(value)[0]
    return plain_text(value)


def _media_image(entry: Mapping[str, Any], base: str) -> str | None:
    for media in entry.get("media_content") or []:
        medium = str(media.get("medium", ""))
        kind = str(media.get("type", ""))
        if medium == "image" or kind.startswith("image/"):
            found = safe_http_url(media.get("url"), base)
            if found:
                return found
    for thumb in entry.get("media_thumbnail") or []:
        found = safe_http_url(thumb.get("url"), base)
        if found:
            return found
    for enclosure in entry.get("enclosures") or []:
        if str(enclosure.get("type", "")).startswith("image/"):
            found = safe_http_url(enclosure.get("href"), base)
            if found:
                return found
    return None


def _raw_items_feedparser(entries: Sequence[Any], base: str) -> list[dict[str, Any]]:
    raw: list[dict[str, Any]] = []
    for entry in entries[:MAX_ITEMS]:
        summary_html = entry.get("summary")
        summary_detail = entry.get("summary_detail")
        if not summary_html and entry.get("content"):
            summary_html = entry["content"][0].get("value")
            summary_detail = entry["content"][0]
        summary: str = ""
        images: list[HtmlImage] = []
        if isinstance(summary_html, str):
            if isinstance(summary_detail, Mapping) and summary_detail.get("type") not in HTML_TYPES:
                summary = plain_text(summary_html)
            else:
                summary, images = html_to_text(summary_html)
        image = _media_image(entry, base)
        if image is None:
            picked = pick_html_image(images)
            image = safe_http_url(picked.src, base) if picked else None
        author_detail = entry.get("author_detail")
        author = (author_detail.get("name") if isinstance(author_detail, Mapping) else None) or (
            entry.get("author")
        )
        raw.append(
            {
                "guid": str(entry.get("id") or "").strip(),
                "link": safe_http_url(entry.get("link"), base),
                "title": _detail_text(entry.get("title"), entry.get("title_detail")),
                "author": plain_text(author) if isinstance(author, str) else None,
                "published": _struct_time(entry.get("published_parsed"))
                or _struct_time(entry.get("updated_parsed")),
                "summary": summary,
                "image": image,
            }
        )
    return raw


def _raw_items_json(items: Sequence[Any], base: str) -> list[dict[str, Any]]:
    raw: list[dict[str, Any]] = []
    for item in items[:MAX_ITEMS]:
        if not isinstance(item, dict):
            continue
        images: list[HtmlImage] = []
        if isinstance(item.get("summary"), str):
            summary = plain_text(item["summary"])
        elif isinstance(item.get("content_html"), str):
            summary, images = html_to_text(item["content_html"])
        elif isinstance(item.get("content_text"), str):
            summary = plain_text(item["content_text"])
        else:
            summary = ""
        image = safe_http_url(item.get("image"), base) or safe_http_url(
            item.get("banner_image"), base
        )
        if image is None:
            picked = pick_html_image(images)
            image = safe_http_url(picked.src, base) if picked else None
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = authors[0].get("name") if authors and isinstance(authors[0], dict) else None
        raw.append(
            {
                "guid": str(item.get("id") or "").strip(),
                "link": safe_http_url(item.get("url"), base),
                "title": plain_text(item["title"]) if isinstance(item.get("title"), str) else "",
                "author": plain_text(author) if isinstance(author, str) else None,
                "published": _iso_time(item.get("date_published"))
                or _iso_time(item.get("date_modified")),
                "summary": summary,
                "image": image,
            }
        )
    return raw


def _build_items(raw: list[dict[str, Any]]) -> tuple[FeedItem, ...]:
    # A link shared by several items (a podcast pointing every episode at its home page) says
    # nothing about identity, so only links unique within the feed are used as keys.
    link_counts = Counter(normalise_link(r["link"]) for r in raw if r["link"])
    items: list[FeedItem] = []
    seen_keys: set[str] = set()
    for entry in raw:
        title, summary, link = entry["title"], entry["summary"], entry["link"]
        if not (title or summary or link):
            continue
        if not title:
            title = clip(summary.replace("\n", " "), 80) if summary else "Untitled piece"
        unique = bool(link) and link_counts[normalise_link(link)] == 1
        key, alt = _identity(entry["guid"], link, title, entry["published"], unique)
        if key in seen_keys:
            continue  # a feed listing the same item twice shows it once
        seen_keys.add(key)
        items.append(
            FeedItem(
                key=key,
                alt_keys=alt,
                title=clip(title.replace("\n", " "), TITLE_LIMIT),
                link=link,
                author=clip(entry["author"], AUTHOR_LIMIT) if entry["author"] else None,
                published=entry["published"],
                summary=clip(NEWLINES.sub("\n", summary), SUMMARY_LIMIT),
                image=entry["image"],
            )
        )
    return tuple(items)


def _html_page_hint(parsed: Any) -> str:
    for link in parsed.feed.get("links") or []:
        kind = str(link.get("type", ""))
        if link.get("rel") == "alternate" and ("rss" in kind or "atom" in kind or "json" in kind):
            href = safe_http_url(link.get("href"))
            if href:
                return f" The page points to a feed at {href}: try that address."
    return ""


def _parse_json_feed(data: bytes, base: str) -> ParsedFeed | None:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    except RecursionError:
        raise FeedParseError("the JSON Feed is nested too deeply to be read") from None
    if not isinstance(document, dict):
        return None
    version = str(document.get("version", ""))
    if not version.startswith(JSON_FEED_PREFIX):
        raise FeedParseError("that address gives JSON, but not a JSON Feed")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedParseError("the JSON Feed has no list of items")
    title = plain_text(document["title"]) if isinstance(document.get("title"), str) else ""
    label = "JSON Feed " + version.removeprefix(JSON_FEED_PREFIX)
    return ParsedFeed(clip(title, TITLE_LIMIT), label, _build_items(_raw_items_json(items, base)))


def _decoded_as_feedparser_would(data: bytes, content_type: str) -> bytes:
    """Return the feed as UTF-8, decoded by feedparser's own rules, with no entity declared."""
    found: dict[str, Any] = {}
    headers = {"content-type": content_type or "application/xml"}
    converted: bytes = feedparser.encodings.convert_to_utf8(headers, data, found)
    if not found.get("encoding"):
        raise FeedParseError("the feed's character encoding couldn't be worked out")
    if ENTITY_DECLARATION.search(converted):
        raise FeedParseError(
            "the feed declares XML entities, which Alongside refuses because they can be used "
            "to overload a reader"
        )
    return converted


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse RSS, Atom or JSON Feed bytes into clean items, or raise FeedParseError."""
    if not data.strip():
        raise FeedParseError("the site sent an empty answer instead of a feed")
    head = data[: 64 * 1024]
    if "json" in content_type.lower() or head.lstrip()[:1] == b"{":
        parsed_json = _parse_json_feed(data, url)
        if parsed_json is not None:
            return parsed_json
    checked = _decoded_as_feedparser_would(data, content_type)
    headers = {"content-location": url, "content-type": CHECKED_TYPE}
    parsed = feedparser.parse(
        checked, response_headers=headers, resolve_relative_uris=False, sanitize_html=False
    )
    items = _build_items(_raw_items_feedparser(parsed.entries, url))
    version = str(parsed.get("version") or "")
    if not version and not items:
        looks_html = b"<html" in head.lower() or "html" in content_type.lower()
        if looks_html:
            raise FeedParseError(
                "that address is a web page, not a feed." + _html_page_hint(parsed)
            )
        raise FeedParseError("that address doesn't give an RSS, Atom or JSON feed")
    problem = parsed.get("bozo_exception")
    harmless = isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe)
    if parsed.get("bozo") and not items and problem is not None and not harmless:
        where = getattr(problem, "getLineNumber", None)
        line = f" at line {where()}" if callable(where) else ""
        message = str(getattr(problem, "getMessage", lambda: problem)())
        raise FeedParseError(f"the feed's XML is broken{line} ({clip(message, 80)})")
    title = _detail_text(parsed.feed.get("title"), parsed.feed.get("title_detail"))
    return ParsedFeed(clip(title, TITLE_LIMIT), FORMATS.get(version, version or "feed"), items)

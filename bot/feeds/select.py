"""Choosing what to post: identities, keyword filters, order, and feed addresses."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from bot.core.errors import UserFacingError
from bot.core.safety import normalise
from bot.core.text import clip, renders_blank, strip_invisible
from bot.feeds.models import FeedItem
from bot.feeds.text import safe_http_url

NONCE_PREFIX = "af"
NONCE_LENGTH = 24  # Discord accepts nonces of at most 25 characters


def make_nonce(channel_id: int, feed_url: str, item_key: str) -> str:
    """Derive the post's nonce from what it is and where it goes, so a re-send reuses it."""
    digest = hashlib.sha256(f"{channel_id}\n{feed_url}\n{item_key}".encode()).hexdigest()
    return NONCE_PREFIX + digest[: NONCE_LENGTH - len(NONCE_PREFIX)]


def clean_feed_url(text: str) -> str:
    """Return the feed address a moderator typed as an absolute http(s) URL, or explain."""
    candidate = strip_invisible(text).strip().strip("<>")
    if candidate and "://" not in candidate:
        candidate = "https://" + candidate
    url = safe_http_url(candidate)
    if url is None:
        raise UserFacingError(
            "That doesn't look like a web address. Paste the feed's full address, "
            "starting with https://."
        )
    return url


def parse_words(text: str | None, limit: int = 20) -> tuple[str, ...]:
    """Read a comma-separated keyword list ("none" or blank clears it)."""
    if text is None or text.strip().lower() in ("", "none", "clear"):
        return ()
    words: list[str] = []
    for part in text.split(","):
        word = strip_invisible(part).strip()
        if word and not renders_blank(word) and word.lower() not in (w.lower() for w in words):
            words.append(clip(word, 50))
    if len(words) > limit:
        raise UserFacingError(f"Please give at most {limit} keywords (separated by commas).")
    return tuple(words)


def _word_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    phrases = [normalise(w) for w in words if normalise(w)]
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")


def passes_filters(item: FeedItem, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Say whether a piece passes the feed's include and exclude keywords (title and summary)."""
    text = normalise(f"{item.title}\n{item.summary}")
    wanted = _word_pattern(include)
    if wanted is not None and not wanted.search(text):
        return False
    unwanted = _word_pattern(exclude)
    return unwanted is None or not unwanted.search(text)


def oldest_first(items: Sequence[FeedItem]) -> list[FeedItem]:
    """Order items oldest first: by date when every item has one, else reverse feed order."""
    indexed = list(enumerate(items))
    if items and all(item.published is not None for item in items):
        indexed.sort(key=lambda pair: (pair[1].published, -pair[0]))
        return [item for _, item in indexed]
    return list(reversed(items))

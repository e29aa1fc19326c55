"""Plain values the feeds service takes and returns (no Discord types here)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from bot.core.timeutil import from_db, to_db

ContentNoteMode = Literal["auto", "always", "never"]
CONTENT_NOTE_MODES: tuple[ContentNoteMode, ...] = ("auto", "always", "never")


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One piece from a feed, cleaned: plain text only, links checked to be http(s)."""

    key: str
    alt_keys: tuple[str, ...]
    title: str
    link: str | None
    author: str | None
    published: datetime | None
    summary: str
    image: str | None

    @property
    def keys(self) -> tuple[str, ...]:
        """Every identity of this item (primary first)."""
        return (self.key, *self.alt_keys)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and items in the order the feed lists them."""

    title: str
    format: str
    items: tuple[FeedItem, ...]


@dataclass(frozen=True, slots=True)
class Post:
    """A post ready to render: every text is already clipped and Markdown-escaped."""

    feed_title: str
    title: str
    url: str | None
    author: str | None
    published: datetime | None
    description: str
    image_url: str | None
    content_note: str | None
    mention_role_id: int | None
    thread_name: str
    question: str

    def to_json(self) -> str:
        """Serialise for the outbox, so a re-send renders exactly the same post."""
        data: dict[str, Any] = asdict(self)
        data["published"] = to_db(self.published) if self.published else None
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Post:
        """Read a post back from the outbox."""
        data = json.loads(text)
        data["published"] = from_db(data["published"]) if data["published"] else None
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Preview:
    """What `/mod feeds test` shows: the feed and how its newest piece would look."""

    url: str
    feed_title: str
    format: str
    item_count: int
    post: Post | None


@dataclass(frozen=True, slots=True)
class AddedFeed:
    """The result of adding a feed."""

    feed_id: int
    title: str
    item_count: int
    backfilled: int


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one pass over due feeds did (for logs, tests and the benchmark)."""

    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    queued: int = 0
    sent: int = 0

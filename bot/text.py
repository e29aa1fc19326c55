"""Text hygiene shared by every feature that stores or posts what people write."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidirectional-control characters can hide or reorder text; C0/C1 controls
# other than newline and tab have no place in a message.
INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
MENTION = re.compile(r"<(@[!&]?|#)\d+>|@(everyone|here)\b")


def has_control_characters(text: str) -> bool:
    """Say whether `text` holds invisible or control characters."""
    return INVISIBLE.search(text) is not None


def strip_invisible(text: str) -> str:
    """Remove zero-width, bidirectional-control and control characters."""
    return INVISIBLE.sub("", text)


def fold(text: str) -> str:
    """Lower-case and strip accents, for matching what people type against names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten `text` to at most `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis

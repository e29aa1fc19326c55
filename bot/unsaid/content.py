"""What people write: cleaned, measured and checked before it is stored or posted."""

from __future__ import annotations

import re

from bot.core.errors import UserFacingError
from bot.core.text import as_hidden_words, renders_blank, strip_invisible

MAX_BODY = 4000
MAX_NOTE = 200
MAX_REASON = 300
# Embed descriptions hold 4,096 characters; spoiler marks and escaped pipes must fit too.
MAX_RENDERED = 4090
LINK = re.compile(
    r"(https?://|www\.\w|discord(?:app)?\.(?:gg|com/invite)|\.gg/\w|\w\.(?:com|org|net|uk|io)\b)",
    re.IGNORECASE,
)
BLANK_LINES = re.compile(r"\n{3,}")


def clean(text: str | None) -> str:
    """Strip zero-width and control characters, unify line endings and trim."""
    if not text:
        return ""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return BLANK_LINES.sub("\n\n", strip_invisible(unified)).strip()


def has_link(*texts: str) -> bool:
    """Say whether any text holds a URL or an invite link."""
    return any(LINK.search(text) for text in texts if text)


def spoiler(text: str) -> str:
    """Wrap text in a spoiler that stays whole, showing it literally."""
    return as_hidden_words(text)


def check_body(body: str, *, limit: int = MAX_BODY) -> str:
    """Return cleaned words, or explain kindly why they can't be shared."""
    cleaned = clean(body)
    if not cleaned or renders_blank(cleaned):
        raise UserFacingError(
            "That would show as blank: once invisible characters and blank space are taken "
            "out, nothing is left. Please write the words you'd like to share."
        )
    if len(cleaned) > limit:
        raise UserFacingError(
            f"That is {len(cleaned):,} characters; Unsaid can hold up to {limit:,}. "
            "Please shorten it a little."
        )
    if len(spoiler(cleaned)) > MAX_RENDERED:
        raise UserFacingError(
            "That has a lot of characters such as | < [ ] and \\ that need extra room when "
            "posted. "
            "Please shorten it a little."
        )
    return cleaned


def check_note(note: str | None) -> str | None:
    """Return a cleaned content note, or None when there isn't one."""
    cleaned = clean(note).replace("\n", " ")
    if not cleaned or renders_blank(cleaned):
        return None
    if len(cleaned) > MAX_NOTE:
        raise UserFacingError(f"A content note can be up to {MAX_NOTE} characters.")
    return cleaned

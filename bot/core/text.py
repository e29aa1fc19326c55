"""Text hygiene shared by every feature that stores or posts what people write."""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator

# Characters that draw nothing but can carry a payload or reorder text: every format character
# (zero-width, bidirectional controls, the tag block), C0/C1 controls other than newline, tab
# and carriage return, surrogates, noncharacters, code points this Python doesn't know (outside
# the emoji planes, where newer emoji live), and the invisible marks and variation selectors.
# The zero-width joiner and emoji variation selectors are judged by their neighbours below.
_KEPT_CONTROLS = frozenset("\n\t\r")
_INVISIBLE_MARKS = frozenset(
    [
        0x034F,
        0x17B4,
        0x17B5,
        0x180B,
        0x180C,
        0x180D,
        0x180F,
        0x16FE4,
        *range(0xFE00, 0xFE0E),
        *range(0xE0100, 0xE01F0),
    ]
)
_JUDGED = frozenset({0x200D, 0xFE0E, 0xFE0F})
# Letters and symbols that draw as empty space; they become plain spaces.
_BLANK_LETTERS = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x1D159})
_EMOJI_PLANES = range(0x1F000, 0x20000)


# Planes 4 to 13 hold nothing yet and planes 15 and 16 are private use, so they are judged as
# whole blocks: unassigned dropped, private use kept except its noncharacters.
def _codes() -> Iterator[int]:
    return itertools.chain(
        range(0x40000),
        (0x40000,),  # planes 4 to 13: one unassigned run, continued by plane 14 below
        range(0xE0000, 0xF0000),
        (0xF0000, 0xFFFFE, 0x100000, 0x10FFFE, 0x110000),
    )


def _dropped(code: int) -> bool:
    char = chr(code)
    kind = unicodedata.category(char)
    if code in _JUDGED:
        return False
    if kind == "Cc":
        return char not in _KEPT_CONTROLS
    if kind in ("Cf", "Cs") or code in _INVISIBLE_MARKS:
        return True
    if kind == "Cn":
        noncharacter = (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF
        return noncharacter or code not in _EMOJI_PLANES
    return False


def _blank(code: int) -> bool:
    kind = unicodedata.category(chr(code))
    return (kind == "Zs" and code != 0x20) or code in _BLANK_LETTERS


def _char_class(test: Callable[[int], bool], codes: Iterable[int]) -> str:
    parts: list[str] = []
    start: int | None = None
    for code in codes:
        inside = code <= sys.maxunicode and test(code)
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            end = code - 1
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(end)) if end > start else ""))
            start = None
    return "[" + "".join(parts) + "]"


INVISIBLE = re.compile(_char_class(_dropped, _codes()))
# Every space separator is in the first plane; the one blank symbol beyond it is added.
BLANKS = re.compile(_char_class(_blank, (*range(0x10000), 0x1D159, 0x1D15A)))
LINE_BREAKS = re.compile("[\u2028\u2029]")
JUDGED = re.compile("[\u200d\ufe0e\ufe0f]")
MENTION = re.compile(r"<(@[!&]?|#)\d+>|@(everyone|here)\b")


# Emoji outside the symbol categories, which take a presentation selector too.
_EMOJI_PUNCTUATION = frozenset("\u203c\u2049\u2139\u3030\u303d")
_KEYCAP = "\u20e3"


def _emoji_like(char: str) -> bool:
    return (
        unicodedata.category(char) in ("So", "Sk", "Sm")
        or ord(char) in _EMOJI_PLANES
        or char in _EMOJI_PUNCTUATION
    )


def _judge(match: re.Match[str]) -> str:
    """Keep one presentation selector after an emoji (or a keycap's digit), and a zero-width
    joiner between two emoji; any other use hides something (one bit per letter, say)."""
    text, at = match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    char = match[0]
    if char == "\u200d":
        joined = before == "\ufe0f" or (before != "" and _emoji_like(before))
        return char if joined and after != "" and _emoji_like(after) else ""
    keycap = before in "0123456789#*" and after == _KEYCAP
    return char if before != "" and (_emoji_like(before) or keycap) else ""


def _drop_invisible(text: str) -> str:
    return INVISIBLE.sub("", JUDGED.sub(_judge, text))


def has_control_characters(text: str) -> bool:
    """Say whether `text` holds invisible or control characters."""
    return _drop_invisible(text) != text


def strip_invisible(text: str) -> str:
    """Remove invisible and control characters and turn blank-drawing ones into spaces."""
    cleaned = _drop_invisible(text)
    return BLANKS.sub(" ", LINE_BREAKS.sub("\n", cleaned))


def renders_blank(text: str) -> bool:
    """Say whether `text` would show nothing at all once cleaned."""
    return not any(
        unicodedata.category(ch)[0] not in "ZMC" for ch in strip_invisible(text) if ch.strip()
    )


def fold(text: str) -> str:
    """Lower-case and strip accents, for matching what people type against names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten `text` to at most `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


# Someone else's words are shown exactly as written: a backslash before "<" shows a mention,
# channel, role, timestamp or command as its literal text; before "[" and "]" it shows a
# masked link as brackets with its real address; before "@" it keeps @everyone a word.
# Backslashes are doubled first, so the writer's own can't undo the escaping.
LITERAL = re.compile(r"([\\<\[\]])|@(?=everyone|here)", re.IGNORECASE)


def as_words(text: str) -> str:
    """Return Markdown that shows `text` literally: no mention, timestamp or masked link."""
    return LITERAL.sub(lambda m: "\\" + m[0], text)


def as_hidden_words(text: str) -> str:
    """Return `text` literally inside a spoiler that what was written can't close early."""
    return "||" + as_words(text).replace("|", "\\|") + "||"


def as_words_within(text: str, limit: int) -> str:
    """Clip `text` so that its literal form fits in `limit` characters, then escape it."""
    room = limit
    while True:
        shown = as_words(clip(text, room))
        if len(shown) <= limit or room <= 1:
            return shown[:limit]
        room -= max(1, len(shown) - limit)

"""Read Markdown the way Discord's client does, for the parts that can ping or hide a link."""

from __future__ import annotations

import re

# Discord's escape rule: a backslash before any character that is not a letter, digit or space
# shows that character itself and hides the backslash.
ESCAPE = re.compile(r"\\([^0-9A-Za-z\s])")
LIVE = (
    re.compile(r"<(@[!&]?|#)\d+>"),  # user, role and channel mentions
    re.compile(r"<t:-?\d+(:[tTdDfFR])?>"),  # timestamps
    re.compile(r"</[\w -]+:\d+>"),  # slash-command mentions
    re.compile(r"\[[^\]]*\]\(\s*<?[a-z]+://[^)]*\)", re.IGNORECASE),  # masked links
    re.compile(r"@(everyone|here)\b"),
)


def _unescaped(text: str) -> tuple[str, list[bool]]:
    """Return the visible text and, per character, whether it was written escaped."""
    shown: list[str] = []
    escaped: list[bool] = []
    at = 0
    while at < len(text):
        match = ESCAPE.match(text, at)
        if match:
            shown.append(match[1])
            escaped.append(True)
            at = match.end()
        else:
            shown.append(text[at])
            escaped.append(False)
            at += 1
    return "".join(shown), escaped


def visible(text: str) -> str:
    """Return the text a reader sees once escapes are applied."""
    return _unescaped(text)[0]


def live_markup(text: str) -> list[str]:
    """Return every mention, timestamp or masked link Discord would render live in `text`."""
    shown, escaped = _unescaped(text)
    found: list[str] = []
    for pattern in LIVE:
        for match in pattern.finditer(shown):
            if not escaped[match.start()] and not any(
                escaped[i] for i in range(match.start(), match.end()) if shown[i] in "[]<>@"
            ):
                found.append(match[0])
    return found

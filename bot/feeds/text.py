"""Turn feed HTML into plain text, and plain text into Markdown that shows exactly that text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import yarl

from bot.core.text import clip, strip_invisible

# Content of these elements is never text a reader should see.
SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "object",
        "embed",
        "template",
        "svg",
        "math",
        "head",
        "title",
        "form",
        "button",
        "select",
        "textarea",
        "audio",
        "video",
        "canvas",
    }
)
BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "pre",
        "hr",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "aside",
    }
)
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "col"})
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
BLANK_LINES = re.compile(r"\n{3,}")
# A tracking pixel declares itself tiny; real pictures are bigger than this on both sides.
PIXEL_LIMIT = 3
MAX_URL_LENGTH = 2048


@dataclass(slots=True)
class HtmlImage:
    """An <img> found in HTML, with its declared size if any."""

    src: str
    width: int | None
    height: int | None


@dataclass(slots=True)
class _Extracted:
    parts: list[str] = field(default_factory=list)
    images: list[HtmlImage] = field(default_factory=list)


def _dimension(value: str | None) -> int | None:
    if value is None:
        return None
    match = re.match(r"\s*(\d+)", value)
    return int(match[1]) if match else None


class _TextExtractor(HTMLParser):
    """Collects visible text and <img> tags; drops scripts, styles and embedded objects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = _Extracted()
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            if tag not in VOID:
                self._skip_depth += 1
            return
        if self._skip_depth:
            return
        if tag == "img":
            values = dict(attrs)
            src = values.get("src")
            if src:
                self.out.images.append(
                    HtmlImage(
                        src, _dimension(values.get("width")), _dimension(values.get("height"))
                    )
                )
            return
        if tag == "li":
            self.out.parts.append("\n• ")
        elif tag in BLOCKS:
            self.out.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if not self._skip_depth and tag in BLOCKS:
            self.out.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.out.parts.append(data)

    def close(self) -> None:
        """Finish, dropping an unfinished tag, comment or CDATA section instead of showing it."""
        if self.rawdata.lstrip().startswith("<"):
            self.rawdata = ""
        super().close()


def tidy_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim each line and keep at most one blank line."""
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    return BLANK_LINES.sub("\n\n", joined).strip()


def html_to_text(html: str) -> tuple[str, list[HtmlImage]]:
    """Return the visible text of an HTML fragment (entities decoded) and its images."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # html.parser asserts on some malformed declarations
        pass
    text = strip_invisible("".join(parser.out.parts))
    return tidy_whitespace(text), parser.out.images


def plain_text(text: str) -> str:
    """Clean text that is already plain: invisible characters out, whitespace tidied."""
    return tidy_whitespace(strip_invisible(text))


def pick_html_image(images: list[HtmlImage]) -> HtmlImage | None:
    """Return the first image that is not a tracking pixel."""
    for image in images:
        tiny = [d for d in (image.width, image.height) if d is not None and d <= PIXEL_LIMIT]
        if not tiny:
            return image
    return None


def safe_http_url(value: str | None, base: str | None = None) -> str | None:
    """Return `value` as an absolute http(s) URL Discord will accept, or None."""
    if not value:
        return None
    candidate = strip_invisible(value).strip()
    if not candidate or any(ch.isspace() for ch in candidate):
        return None
    try:
        url = yarl.URL(candidate)
        if not url.is_absolute() and base:
            url = yarl.URL(base).join(url)
        # Reading the host decodes it (IDNA), which fails on names no DNS could hold.
        if url.scheme not in ("http", "https") or not url.host:
            return None
        if url.user is not None or url.password is not None:
            return None
        text = str(url)
    except (ValueError, TypeError):  # UnicodeError is a ValueError
        return None
    return text if len(text) <= MAX_URL_LENGTH else None


# Markdown that Discord renders; a backslash before any of these shows the character itself.
MARKDOWN_SPECIALS = re.compile(r"([\\*_~`|<>\[\]#])")
LINE_START = re.compile(r"(?m)^(\s*)([-+]|\d+\.)(?=\s)")
MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """Escape Markdown so Discord shows the text as written: no formatting, links or pings."""
    escaped = MARKDOWN_SPECIALS.sub(r"\\\1", text)
    escaped = LINE_START.sub(lambda m: m[1] + "\\" + m[2], escaped)
    # A zero-width space keeps "@everyone" readable without it ever looking like a real ping.
    return MASS_MENTION.sub("@\u200b\\1", escaped)


def escape_within(text: str, limit: int) -> str:
    """Clip plain text so that its escaped form fits in `limit` characters, then escape it."""
    room = limit
    while True:
        escaped = escape_markdown(clip(text, room))
        if len(escaped) <= limit or room <= 1:
            return escaped[:limit]
        room -= max(1, len(escaped) - limit)

"""The feed-parsing process: reads requests on stdin, answers on stdout, within hard limits.

Run as `python -m bot.feeds.sandbox MEMORY_BYTES CPU_SECONDS`. The operating system bounds its
address space (RLIMIT_AS) for its whole life, and its processor time for each parse
(RLIMIT_CPU, raised by CPU_SECONDS before each one, so SIGXCPU ends a parse that runs on).
The bot kills it outright when a parse overruns its time limit. Nothing here touches the
network, the database or Discord.

Each request is one JSON line ({"url", "content_type", "size"}) followed by `size` bytes; each
answer is one JSON line: {"feed": {...}} or {"error": "plain sentence"}.
"""

from __future__ import annotations

import json
import math
import resource
import sys
from datetime import datetime
from typing import Any, BinaryIO

from bot.feeds.models import FeedItem, ParsedFeed


def feed_to_json(feed: ParsedFeed) -> dict[str, Any]:
    """Turn a parsed feed into plain JSON values."""
    return {
        "title": feed.title,
        "format": feed.format,
        "items": [
            {
                "key": item.key,
                "alt_keys": list(item.alt_keys),
                "title": item.title,
                "link": item.link,
                "author": item.author,
                "published": item.published.isoformat() if item.published else None,
                "summary": item.summary,
                "image": item.image,
            }
            for item in feed.items
        ],
    }


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def feed_from_json(data: Any) -> ParsedFeed:
    """Rebuild a parsed feed from the worker's answer, checking every value's type."""
    items = []
    for raw in data["items"]:
        published = _optional(raw["published"])
        items.append(
            FeedItem(
                key=_text(raw["key"]),
                alt_keys=tuple(_text(k) for k in raw["alt_keys"]),
                title=_text(raw["title"]),
                link=_optional(raw["link"]),
                author=_optional(raw["author"]),
                published=datetime.fromisoformat(published) if published else None,
                summary=_text(raw["summary"]),
                image=_optional(raw["image"]),
            )
        )
    return ParsedFeed(_text(data["title"]), _text(data["format"]), tuple(items))


def _limit(kind: int, soft: int) -> None:
    try:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(kind, (soft, hard))
    except (ValueError, OSError):  # a platform without this limit keeps the time limit only
        pass


def _answer(out: BinaryIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message, ensure_ascii=True).encode() + b"\n")
    out.flush()


def serve(source: BinaryIO, out: BinaryIO, cpu_seconds: float) -> None:
    """Answer parse requests until stdin closes."""
    from bot.feeds.parse import FeedParseError, parse_feed

    while True:
        line = source.readline()
        if not line:
            return
        request = json.loads(line)
        data = source.read(int(request["size"]))
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = used.ru_utime + used.ru_stime
        _limit(resource.RLIMIT_CPU, math.ceil(spent + cpu_seconds))
        try:
            feed = parse_feed(data, str(request["url"]), str(request["content_type"]))
        except FeedParseError as error:
            _answer(out, {"error": error.reason})
        except MemoryError:
            reason = "reading the feed needed more memory than Alongside allows"
            _answer(out, {"error": reason, "exit": True})
            return  # start afresh: a process that ran out of memory is not trusted further
        except RecursionError:
            _answer(out, {"error": "the feed is nested too deeply to be read"})
        else:
            _answer(out, {"feed": feed_to_json(feed)})


def main() -> None:
    """Set the memory limit, then serve requests."""
    memory, cpu = int(sys.argv[1]), float(sys.argv[2])
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_AS, memory)
    serve(sys.stdin.buffer, sys.stdout.buffer, cpu)


if __name__ == "__main__":
    main()

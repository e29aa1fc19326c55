"""Build the well-behaved and hostile feed documents the feed tests serve."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

Item = Mapping[str, Any]

BASE_TIME = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def items(
    count: int,
    *,
    prefix: str = "Piece",
    host: str = "blog.example",
    start: int = 1,
    guid: bool = True,
    scheme: str = "https",
) -> list[dict[str, Any]]:
    """`count` items, newest first as feeds list them, one hour apart."""
    made = []
    for number in range(start + count - 1, start - 1, -1):
        made.append(
            {
                "title": f"{prefix} {number}",
                "link": f"{scheme}://{host}/posts/{number}",
                "guid": f"{scheme}://{host}/?p={number}" if guid else None,
                "summary": f"<p>Summary of {prefix.lower()} {number}.</p>",
                "date": BASE_TIME + timedelta(hours=number),
                "author": "Sam Writer",
            }
        )
    return made


def rss2(title: str, entries: Sequence[Item]) -> bytes:
    """An RSS 2.0 document."""
    body = []
    for entry in entries:
        parts = [f"<title>{escape(entry['title'])}</title>"]
        if entry.get("link"):
            parts.append(f"<link>{escape(entry['link'])}</link>")
        if entry.get("guid"):
            parts.append(f"<guid>{escape(entry['guid'])}</guid>")
        if entry.get("summary") is not None:
            parts.append(f"<description>{escape(entry['summary'])}</description>")
        if entry.get("date"):
            parts.append(f"<pubDate>{format_datetime(entry['date'])}</pubDate>")
        if entry.get("author"):
            parts.append(f"<dc:creator>{escape(entry['author'])}</dc:creator>")
        if entry.get("image"):
            parts.append(f'<media:content url="{escape(entry["image"])}" medium="image"/>')
        body.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{escape(title)}</title><link>https://blog.example/</link>"
        "<description>A test blog</description>" + "".join(body) + "</channel></rss>"
    ).encode()


def atom(title: str, entries: Sequence[Item]) -> bytes:
    """An Atom 1.0 document."""
    body = []
    for entry in entries:
        stamp = entry["date"].strftime("%Y-%m-%dT%H:%M:%SZ")
        body.append(
            "<entry>"
            f"<title>{escape(entry['title'])}</title>"
            f'<link rel="alternate" href="{escape(entry["link"])}"/>'
            f"<id>{escape(entry['guid'] or entry['link'])}</id>"
            f"<updated>{stamp}</updated><published>{stamp}</published>"
            f"<author><name>{escape(entry.get('author') or 'Anon')}</name></author>"
            f'<summary type="html">{escape(entry["summary"])}</summary>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id>"
        "<updated>2026-01-10T12:00:00Z</updated>" + "".join(body) + "</feed>"
    ).encode()


def rss1(title: str, entries: Sequence[Item]) -> bytes:
    """An RSS 1.0 (RDF) document."""
    seq = "".join(f'<rdf:li rdf:resource="{escape(e["link"])}"/>' for e in entries)
    body = "".join(
        f'<item rdf:about="{escape(e["link"])}"><title>{escape(e["title"])}</title>'
        f"<link>{escape(e['link'])}</link><description>{escape(e['summary'])}</description>"
        f"<dc:date>{e['date'].strftime('%Y-%m-%dT%H:%M:%SZ')}</dc:date></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="https://blog.example/"><title>{escape(title)}</title>'
        "<link>https://blog.example/</link><description>RDF</description>"
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{body}</rdf:RDF>"
    ).encode()


def json_feed(title: str, entries: Sequence[Item]) -> bytes:
    """A JSON Feed 1.1 document."""
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": e["guid"] or e["link"],
                    "url": e["link"],
                    "title": e["title"],
                    "content_html": e["summary"],
                    "date_published": e["date"].isoformat(),
                    "authors": [{"name": e.get("author") or "Anon"}],
                }
                for e in entries
            ],
        }
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://blog.example/lol</link></item></channel></rss>"""

MALFORMED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item><<title>&&&'

HTML_PAGE = b"""<!doctype html><html><head><title>A blog</title>
<link rel="alternate" type="application/rss+xml" href="https://blog.example/feed.xml">
</head><body><h1>Welcome</h1><p>This is a web page.</p></body></html>"""

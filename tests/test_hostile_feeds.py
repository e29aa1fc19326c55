"""Hostile feeds: entity declarations in any charset, runaway parses, deep nesting, odd text."""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app.services import Services
from bot.core.errors import UserFacingError
from bot.feeds.limits import FeedLimits
from bot.feeds.service import FeedsService
from tests.feedbuild import items, rss2
from tests.feedserver import FeedServer
from tests.feedsupport import make_feeds

MIB = 1024 * 1024
# One entity, referenced thousands of times: a few KiB that a parser expanding it turns into
# hundreds of MiB. Written for each charset below so that a byte-level check misses it.
ENTITY_FEED = (
    '<!DOCTYPE rss [<!ENTITY e "{lol}">]>'
    '<rss version="2.0"><channel><title>Lol</title><item><title>t</title>'
    "<link>https://blog.example/1</link><description>{refs}</description></item>"
    "</channel></rss>"
).format(lol="lol " * 2000, refs="&e;" * 4000)


def declared(encoding: str, *, bom: bytes = b"", name: str | None = None) -> tuple[bytes, str]:
    """The feed with an XML declaration naming its encoding, served as plain application/xml."""
    text = f'<?xml version="1.0" encoding="{name or encoding}"?>' + ENTITY_FEED
    return bom + text.encode(encoding), "application/xml"


def by_header(encoding: str, *, bom: bytes = b"") -> tuple[bytes, str]:
    """The feed with no declaration, its charset given only in the Content-Type header."""
    return bom + ENTITY_FEED.encode(encoding), f"application/xml; charset={encoding}"


def utf7_hidden() -> tuple[bytes, str]:
    """UTF-7 that writes "<!" in base64, so the bytes never spell <!ENTITY."""
    body = by_header("utf-7")[0].replace(b"<!ENTITY", b"+ADwAIQ-ENTITY")
    assert b"<!ENTITY" not in body
    return body, "application/xml; charset=utf-7"


CHARSETS = {
    "cp037 declared": declared("cp037"),
    "cp037 in the header": by_header("cp037"),
    "cp500 declared": declared("cp500"),
    "utf-7 in the header": utf7_hidden(),
    "utf-16-le with BOM": declared("utf-16-le", bom=codecs.BOM_UTF16_LE, name="utf-16"),
    "utf-16-be with BOM": declared("utf-16-be", bom=codecs.BOM_UTF16_BE, name="utf-16"),
    "utf-16-le without BOM": by_header("utf-16-le"),
    "utf-16-be without BOM": by_header("utf-16-be"),
    "utf-32-be with BOM": declared("utf-32-be", bom=codecs.BOM_UTF32_BE, name="utf-32"),
    "utf-32-le without BOM": by_header("utf-32-le"),
    "utf-32 in the header": by_header("utf-32"),
    "utf-8 with BOM": declared("utf-8", bom=codecs.BOM_UTF8),
}


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer.running() as running:
        yield running


@pytest.fixture
async def feeds(services: Services) -> AsyncIterator[FeedsService]:
    service = make_feeds(services)
    yield service
    await service.close()


def status_kib(pid: int | str, field: str) -> int:
    """A memory figure of a process, in KiB, from /proc (VmRSS now, VmHWM its peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


@pytest.mark.parametrize("case", list(CHARSETS))
async def test_entity_declarations_are_refused_in_every_charset_without_memory_growing(
    feeds: FeedsService, server: FeedServer, case: str
) -> None:
    body, content_type = CHARSETS[case]
    assert len(body) < 80 * 1024
    server.serve("/lol", body, content_type=content_type)
    before = status_kib("self", "VmRSS")
    with pytest.raises(UserFacingError, match="the feed declares XML entities"):
        await feeds.preview(server.url("/lol"))
    # The work happened in a sandboxed worker, which never grew; neither did the bot.
    [worker] = feeds.parser.worker_pids()
    assert worker != os.getpid()
    assert status_kib(worker, "VmHWM") < 120 * 1024
    assert status_kib("self", "VmRSS") - before < 50 * 1024


async def test_a_parse_past_its_time_limit_is_killed_not_left_running(
    feeds: FeedsService, server: FeedServer
) -> None:
    server.serve("/small", rss2("Blog", items(2)))
    server.serve("/big", rss2("Blog", items(3000)))
    await feeds.preview(server.url("/small"))
    [worker] = feeds.parser.worker_pids()
    feeds.parser.timeout = 0.001
    with pytest.raises(UserFacingError, match="took longer than"):
        await feeds.preview(server.url("/big"))
    assert not Path(f"/proc/{worker}").exists()  # killed and reaped, not working on
    feeds.parser.timeout = 30
    assert (await feeds.preview(server.url("/small"))).item_count == 2


async def test_a_parse_that_needs_too_much_memory_is_stopped_by_the_system(
    services: Services, server: FeedServer
) -> None:
    feeds = make_feeds(services, limits=FeedLimits(parse_memory_mib=60, parse_timeout=60))
    try:
        server.serve("/small", rss2("Blog", items(2)))
        server.serve("/big", rss2("Blog", items(12000)))  # about 3 MiB, legitimate
        assert (await feeds.preview(server.url("/small"))).item_count == 2
        with pytest.raises(UserFacingError, match="needed more memory than Alongside allows"):
            await feeds.preview(server.url("/big"))
        assert (await feeds.preview(server.url("/small"))).item_count == 2  # a fresh worker
    finally:
        await feeds.close()


async def test_a_deeply_nested_json_feed_is_refused_kindly(
    feeds: FeedsService, server: FeedServer
) -> None:
    nested = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 200_000
    nested += b"]" * 200_000 + b"}"
    server.serve("/deep", nested, content_type="application/feed+json")
    with pytest.raises(UserFacingError, match="nested too deeply"):
        await feeds.preview(server.url("/deep"))
    fine = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": []}
    server.serve("/fine", json.dumps(fine).encode(), content_type="application/feed+json")
    assert (await feeds.preview(server.url("/fine"))).item_count == 0


@pytest.mark.parametrize(
    "address", ["åß∂ƒ©˙∆˚¬…æ", "https://åß∂ƒ©˙∆˚¬…æ/feed", "https://xn--.example/rss"]
)
async def test_an_address_with_an_impossible_host_is_not_a_feed_address(
    feeds: FeedsService, address: str
) -> None:
    with pytest.raises(UserFacingError, match="doesn't look like a web address"):
        await feeds.preview(address)


async def test_nested_cdata_never_shows_markup_as_text(
    feeds: FeedsService, server: FeedServer
) -> None:
    description = "<![CDATA[<p>Hello</p><![CDATA[<script>alert(1)</script>]]>"
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>C</title><item>'
        f"<title>Piece</title><link>https://blog.example/1</link>"
        f"<description>{description}</description></item></channel></rss>"
    ).encode()
    server.serve("/cdata", body)
    preview = await feeds.preview(server.url("/cdata"))
    assert preview.post is not None
    shown = preview.post.description
    assert "Hello" in shown
    assert "script" not in shown and "CDATA" not in shown and "alert" not in shown


async def test_the_parsing_process_holds_none_of_the_bots_secrets(
    feeds: FeedsService, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-for-this-test")
    server.serve("/small", rss2("Blog", items(1)))
    await feeds.preview(server.url("/small"))
    [worker] = feeds.parser.worker_pids()
    environment = Path(f"/proc/{worker}/environ").read_bytes()
    assert b"secret-token-for-this-test" not in environment
    assert b"DISCORD_TOKEN" not in environment

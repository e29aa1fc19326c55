"""Feeds never reach private networks: literal addresses, names, redirects, and DNS pinning.

These tests run with private hosts NOT allowed. The loopback server also listens on 127.0.0.2,
which the guard is told to trust as a stand-in for a public blog, so every other address gets
exactly the production checks.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app.services import Services, build_services
from bot.core.errors import UserFacingError
from bot.feeds.netguard import IPAddress, forbidden_kind
from tests.conftest import make_settings
from tests.feedbuild import items, rss2
from tests.feedserver import FeedServer
from tests.feedsupport import make_feeds

PUBLIC_STAND_IN = "127.0.0.2"


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer.running(hosts=("127.0.0.1", PUBLIC_STAND_IN)) as running:
        running.serve("/feed", rss2("Blog", items(2)))
        yield running


class StubDns:
    """A resolver answering from a table, counting how often it is asked."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int, family: int) -> list[IPAddress]:
        self.asked.append(host)
        return [ipaddress.ip_address(a) for a in self.table[host]]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://10.0.0.5/feed", "a private network address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
        ("http://[::1]/feed", "a loopback address"),
        ("http://[::ffff:127.0.0.1]/feed", "an IPv4-mapped address"),
        ("http://127.0.0.1/feed", "a loopback address"),
        ("http://0.0.0.0/feed", "an unspecified address"),
        ("http://224.0.0.1/feed", "a multicast address"),
        ("http://240.0.0.1/feed", "a reserved address"),
    ],
)
async def test_literal_private_addresses_are_refused_without_connecting(
    services: Services, url: str, kind: str
) -> None:
    feeds = make_feeds(services, allow_private=False)
    try:
        started = time.monotonic()
        with pytest.raises(UserFacingError, match=kind):
            await feeds.preview(url)
        assert time.monotonic() - started < 0.5  # refused before any connection attempt
    finally:
        await feeds.close()


async def test_numeric_tricks_are_refused(services: Services) -> None:
    feeds = make_feeds(services, allow_private=False)
    try:
        with pytest.raises(UserFacingError, match="isn't a usable address"):
            await feeds.preview("http://2130706433/feed")
        with pytest.raises(UserFacingError, match="doesn't look like a web address"):
            await feeds.preview("file:///etc/passwd")
    finally:
        await feeds.close()


async def test_a_redirect_to_loopback_is_refused(services: Services, server: FeedServer) -> None:
    server.redirect("/moved", server.url("/feed", host="127.0.0.1"))
    feeds = make_feeds(services, allow_private=False, trusted=[PUBLIC_STAND_IN])
    try:
        with pytest.raises(UserFacingError, match=r"127\.0\.0\.1 is a loopback address"):
            await feeds.preview(server.url("/moved", host=PUBLIC_STAND_IN))
        assert [seen.path for seen in server.requests] == ["/moved"]  # /feed was never asked

        server.redirect("/fine", server.url("/feed", host=PUBLIC_STAND_IN))
        preview = await feeds.preview(server.url("/fine", host=PUBLIC_STAND_IN))
        assert preview.item_count == 2  # the same redirect to an allowed host works
    finally:
        await feeds.close()


async def test_a_redirect_to_a_name_with_a_private_address_is_refused(
    services: Services, server: FeedServer
) -> None:
    dns = StubDns({"intranet.example": ["10.1.2.3"]})
    server.redirect("/moved", f"http://intranet.example:{server.port}/feed")
    feeds = make_feeds(services, allow_private=False, trusted=[PUBLIC_STAND_IN], lookup=dns)
    try:
        with pytest.raises(
            UserFacingError, match=r"intranet\.example \(10\.1\.2\.3\) is a private"
        ):
            await feeds.preview(server.url("/moved", host=PUBLIC_STAND_IN))
    finally:
        await feeds.close()


async def test_a_name_with_any_private_address_is_refused(services: Services) -> None:
    dns = StubDns({"mixed.example": ["93.184.215.14", "127.0.0.1"]})
    feeds = make_feeds(services, allow_private=False, lookup=dns)
    try:
        with pytest.raises(UserFacingError, match=r"mixed\.example \(127\.0\.0\.1\) is a loopback"):
            await feeds.preview("http://mixed.example/feed")
    finally:
        await feeds.close()


async def test_the_checked_address_is_the_one_connected_to(
    services: Services, server: FeedServer
) -> None:
    # The first answer is allowed; any later one would point at loopback. The fetch must use
    # the first answer for the connection rather than resolving again.
    answers = [[PUBLIC_STAND_IN], ["127.0.0.1"]]

    class Rebinding(StubDns):
        async def __call__(self, host: str, port: int, family: int) -> list[IPAddress]:
            self.asked.append(host)
            return [ipaddress.ip_address(a) for a in answers[min(len(self.asked) - 1, 1)]]

    dns = Rebinding({})
    feeds = make_feeds(services, allow_private=False, trusted=[PUBLIC_STAND_IN], lookup=dns)
    try:
        preview = await feeds.preview(f"http://blog.example:{server.port}/feed")
        assert preview.item_count == 2
        assert dns.asked == ["blog.example"]
        [seen] = server.requests
        assert seen.host == f"blog.example:{server.port}"
    finally:
        await feeds.close()


async def test_too_many_redirects_fail(services: Services, server: FeedServer) -> None:
    for hop in range(7):
        server.redirect(f"/hop{hop}", server.url(f"/hop{hop + 1}"))
    feeds = make_feeds(services)
    try:
        with pytest.raises(UserFacingError, match="redirected more than 5 times"):
            await feeds.preview(server.url("/hop0"))
        assert len(server.requests) == 6
    finally:
        await feeds.close()


@pytest.mark.parametrize(
    "address",
    ["2002:7f00:1::1", "64:ff9b::a00:5", "fe80::1", "fc00::1", "100.64.0.1", "192.168.1.1"],
)
def test_addresses_wrapping_or_being_private_are_named(address: str) -> None:
    assert forbidden_kind(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert forbidden_kind(ipaddress.ip_address(address)) is None


async def test_private_hosts_follow_the_configuration(tmp_path: Path, db: object) -> None:
    from bot.db import Database

    assert isinstance(db, Database)
    closed = build_services(make_settings(tmp_path), db)
    opened = build_services(make_settings(tmp_path, FEEDS_ALLOW_PRIVATE_HOSTS="yes"), db)
    try:
        assert closed.feeds.fetcher.guard.allow_private is False
        assert opened.feeds.fetcher.guard.allow_private is True
    finally:
        await closed.feeds.close()
        await opened.feeds.close()

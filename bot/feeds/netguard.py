"""Refuse to fetch from private networks: check every address, and connect only to those checked.

Server-side request forgery is the risk: a moderator (or a feed's redirect) could point Alongside
at the host's own services or a cloud metadata endpoint. Every hostname is resolved here, every
address is checked, and the connection is made to exactly those addresses — aiohttp uses this
resolver's answer to connect, so DNS cannot change its mind between the check and the connect.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Lookup = Callable[[str, int, int], Awaitable[list[IPAddress]]]

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressRefused(Exception):
    """The URL leads somewhere Alongside will not fetch from; `reason` is a plain sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def forbidden_kind(address: IPAddress) -> str | None:
    """Name the kind of non-public address this is, or None if it is a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "an IPv4-mapped address"
        embedded: ipaddress.IPv4Address | None = address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and forbidden_kind(embedded) is not None:
            return "an address wrapping a private one"
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private network address"),
        (not address.is_global, "not a public internet address"),
    )
    for failed, kind in checks:
        if failed:
            return kind
    return None


class AddressGuard:
    """Decides which addresses may be fetched from."""

    def __init__(self, *, allow_private: bool, trusted: Iterable[IPAddress] = frozenset()) -> None:
        # `trusted` addresses pass even though they are private: the tests use one loopback
        # address as a stand-in for a public blog, so that the checks on every other
        # address are exercised exactly as in production.
        self.allow_private = allow_private
        self.trusted = frozenset(trusted)

    def check(self, address: IPAddress, host: str) -> None:
        """Raise AddressRefused unless `address` may be fetched from."""
        if self.allow_private or address in self.trusted:
            return
        kind = forbidden_kind(address)
        if kind is not None:
            shown = host if host == str(address) else f"{host} ({address})"
            raise AddressRefused(
                f"{shown} is {kind}, not a public website, so Alongside won't fetch it."
            )

    def check_url(self, url: yarl.URL) -> None:
        """Refuse non-http(s) URLs, credentials, and IP-literal hosts that are not public."""
        if url.scheme not in ("http", "https"):
            raise AddressRefused("Only http:// and https:// addresses can be fetched.")
        host = url.raw_host
        if not host:
            raise AddressRefused("That address has no website name in it.")
        if url.raw_user is not None or url.raw_password is not None:
            raise AddressRefused("Addresses with a user name or password in them aren't used.")
        literal = host.strip("[]")
        # aiohttp connects to anything that looks numeric without asking a resolver, so those
        # hosts are checked here; names go through GuardedResolver.
        if ":" in literal or literal.replace(".", "").isdigit():
            try:
                address = ipaddress.ip_address(literal.split("%", 1)[0])
            except ValueError:
                raise AddressRefused(f"{host} isn't a usable address.") from None
            self.check(address, literal)


async def system_lookup(host: str, port: int, family: int) -> list[IPAddress]:
    """Resolve a hostname with the operating system's resolver, off the event loop."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if address not in addresses:
            addresses.append(address)
    return addresses


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that refuses a name if any of its addresses is not allowed."""

    def __init__(self, guard: AddressGuard, lookup: Lookup = system_lookup) -> None:
        self._guard = guard
        self._lookup = lookup

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve `host`, check every address, and return only checked addresses."""
        name = host.rstrip(".")
        addresses = await self._lookup(name, port, int(family))
        if not addresses:
            raise OSError(f"{name} has no addresses")
        # One bad address refuses the name: a mix is the usual shape of a rebinding attempt.
        for address in addresses:
            self._guard.check(address, name)
        return [
            ResolveResult(
                hostname=name,
                host=str(address),
                port=port,
                family=socket.AF_INET6 if address.version == 6 else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        """Nothing to release."""

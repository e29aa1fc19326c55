"""Keep the demo on this computer: feeds are fetched from 127.0.0.1 only, with no DNS lookups.

The demo's own feed is on loopback (the settings allow private hosts for it). Anything else a
visitor types into `/mod feeds add` or `/mod feeds test` is refused with a plain sentence, by
the same guard the bot uses against private addresses, turned the other way round.
"""

from __future__ import annotations

import ipaddress

import simcord

from bot.app.services import Services
from bot.feeds.netguard import AddressGuard, AddressRefused, IPAddress
from bot.tryout.pending import ParkedFetcher

ELSEWHERE = (
    "{host} is out on the internet, and this offline demo stays on your computer. "
    "The demo blog's address is in `/mod feeds list`."
)


class LoopbackOnly(AddressGuard):
    """Allows this computer's own addresses and nothing else."""

    def __init__(self) -> None:
        super().__init__(allow_private=True)

    def check(self, address: IPAddress, host: str) -> None:
        """Raise AddressRefused unless `address` is a loopback address."""
        if not address.is_loopback:
            raise AddressRefused(ELSEWHERE.format(host=host))


async def loopback_lookup(host: str, port: int, family: int) -> list[IPAddress]:
    """Resolve only `localhost`; never ask a DNS server about anything."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return [ipaddress.IPv4Address("127.0.0.1")]
    raise AddressRefused(ELSEWHERE.format(host=host))


def keep_feeds_offline(services: Services, env: simcord.Env) -> None:
    """Give the feeds service a fetcher that reaches only 127.0.0.1 (before it fetches).

    Its network waits are declared to SimCord, so a slow feed never holds up the page.
    """
    policy = services.feeds.fetcher.policy
    services.feeds.fetcher = ParkedFetcher(policy, LoopbackOnly(), loopback_lookup, env)

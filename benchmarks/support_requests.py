"""Time from a support request to the first available member's DM, through the loopback Discord.

Run: python -m benchmarks.support_requests [--runs 30] [--available 5]

The real bot runs in this process against tests/fakediscord. Each run, a new member presses
"Share my name and ask"; the clock starts when that click is dispatched on the fake gateway and
stops when the fake stores the first request DM to an available member. The baseline is the
same click to the post in the peer-support channel (what asking did before DMs existed).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import machine, ms, percentile, table
from tests.livebot import Community, live_bot, quiet


def _button(body: dict[str, Any], label: str) -> str:
    for row in body["data"].get("components", []):
        for component in row["components"]:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no {label!r} button in {body}")


async def run(runs: int, available: int) -> tuple[list[float], list[float]]:
    """Return (click → first DM, click → channel post) in seconds, one pair per run."""
    to_dm: list[float] = []
    to_post: list[float] = []
    with tempfile.TemporaryDirectory() as workdir:
        async with live_bot(Path(workdir)) as harness:
            fake = harness.fake
            place = Community.build(fake)
            helpers = [fake.add_member(place.guild, f"helper{i}") for i in range(available)]
            askers = [fake.add_member(place.guild, f"asker{i}") for i in range(runs)]
            dm_channels = {fake.world.dm_channel(h).id for h in helpers}
            stored: list[tuple[int, float]] = []
            original = fake.world.store_message

            def timed(channel_id: int, message: dict[str, Any]) -> None:
                stored.append((channel_id, time.perf_counter()))
                original(channel_id, message)

            fake.world.store_message = timed  # type: ignore[method-assign]
            await harness.start()
            services = harness.services
            assert services is not None
            await services.settings.set_many(place.guild, place.settings())
            for helper in helpers:
                await services.checkins.agree(place.guild, helper)
                await services.checkins.set_available(place.guild, helper, True)
            for asker in askers:
                await services.checkins.agree(place.guild, asker)
                offered = await fake.slash(place.guild, place.general, asker, "checkin ask")
                body = await offered.response(timeout=10)
                assert offered.message_id is not None
                custom_id = _button(body, "Share my name and ask")
                stored.clear()
                click = await fake.click(
                    place.guild, place.general, asker, offered.message_id, custom_id
                )
                await quiet(fake, still=0.2)
                start = click.dispatched_at
                dms = [t for c, t in stored if c in dm_channels]
                posts = [t for c, t in stored if c == place.support]
                assert dms, "no available member was told"
                assert posts, "nothing was posted in the channel"
                to_dm.append(min(dms) - start)
                to_post.append(min(posts) - start)
    return to_dm, to_post


def main() -> None:
    """Measure and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--available", type=int, default=5)
    args = parser.parse_args()
    to_dm, to_post = asyncio.run(run(args.runs, args.available))
    rows = [
        (
            f"click → first available member's DM, p{p}",
            ms(percentile(to_dm, p)),
            ms(percentile(to_post, p)),
            f"{percentile(to_dm, p) / percentile(to_post, p):.2f}×",
        )
        for p in (50, 90, 99)
    ]
    print(f"{machine()}; {args.runs} requests, {args.available} available members")
    print(table("Support request → first DM (baseline: → channel post)", rows))


if __name__ == "__main__":
    main()

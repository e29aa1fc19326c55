"""Discord faults: 429 with Retry-After, 403, 50007 (DMs closed), 40003 (opening DMs too fast)
and 500, injected by the loopback Discord on chosen routes while the real bot fans prompts out,
posts feed pieces and answers interactions.

Nothing is lost, nothing is sent twice, and there is no retry storm: each route sees at most one
request per injected fault on top of the requests the work needs. Discord bans a bot after
10,000 invalid requests (401, 403, 429) in 10 minutes, so the invalid answers must be the
injected ones, not a multiple of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.timeutil import ManualClock
from tests.feedbuild import items, rss2
from tests.feedserver import FeedServer
from tests.livebot import Community, LiveBot, live_bot, quiet

pytestmark = pytest.mark.reliability

START = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
DUE = datetime(2026, 1, 13, 9, 0, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
INVALID = {401, 403, 429}


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[tuple[LiveBot, Community, ManualClock]]:
    clock = ManualClock(START)
    env = {"FEEDS_ALLOW_PRIVATE_HOSTS": "yes"}
    async with live_bot(tmp_path, clock=clock, env=env) as harness:
        place = Community.build(harness.fake)
        await harness.start()
        assert harness.services is not None
        await harness.services.settings.set_many(place.guild, place.settings())
        # Ticks are driven by hand with the manual clock, not by the scheduler.
        for job in ("prompts:tick", "feeds:tick"):
            harness.services.scheduler.remove(job)
        harness.fake.rate_limits(global_per_second=50)
        yield harness, place, clock


def answers(harness: LiveBot, since: int) -> list[tuple[str, str, int]]:
    return list(getattr(harness.fake, "answers", [])[since:])


async def test_a_prompt_fan_out_through_every_kind_of_fault(
    running: tuple[LiveBot, Community, ManualClock],
) -> None:
    harness, place, clock = running
    fake = harness.fake
    assert harness.services is not None
    members = fake.bulk_members(place.guild, 40)
    for number, user_id in enumerate(members):
        # A few have no DM channel cached yet, so the bot opens one (where 40003 can happen).
        channel = None if number % 10 == 0 else fake.world.dm_channel(user_id).id
        await harness.services.prompts.subscribe(
            place.guild, user_id, "daily", None, "09:00", "Europe/London", channel
        )
    dm = {user_id: fake.world.dm_channel(user_id).id for user_id in members}
    limited, broken, closed, forbidden = members[1], members[2], members[3], members[4]
    fake.inject("POST", rf"^/channels/{dm[limited]}/messages$", 429, times=2, retry_after=0.5)
    fake.inject("POST", rf"^/channels/{dm[broken]}/messages$", 500, times=1)
    fake.close_dms(closed)
    fake.inject(
        "POST",
        rf"^/channels/{dm[forbidden]}/messages$",
        403,
        {"message": "Missing Access", "code": 50001},
    )
    fake.inject(
        "POST",
        r"^/users/@me/channels$",
        400,
        {"message": "You are opening direct messages too fast.", "code": 40003},
    )
    fake.inject("POST", r"^/users/@me/channels$", 429, times=1, retry_after=0.5)
    injected = {"429": 3, "500": 1, "403": 2, "400": 1}
    before = len(fake.requests)

    clock.set(DUE)
    reflect = harness.cog("Reflect")
    first = await reflect.tick()
    # The member whose cached channel was refused gets a fresh one on a later tick.
    clock.advance(minutes=2)
    second = await reflect.tick()
    await quiet(fake)

    got = Counter({m: len(fake.dm_messages(m)) for m in members})
    assert got[closed] == 0
    assert {m: n for m, n in got.items() if m != closed and n != 1} == {}  # none lost, none twice
    sub = await harness.services.prompts.subscription(place.guild, closed)
    assert sub is not None and sub.pause_reason == "dms_closed"
    posts = Counter(
        r.path for r in fake.requests[before:] if r.method == "POST" and "/messages" in r.path
    )
    # One request per member, plus one per fault injected on that member's channel.
    assert posts[f"/channels/{dm[limited]}/messages"] == 3
    assert posts[f"/channels/{dm[broken]}/messages"] == 2
    assert posts[f"/channels/{dm[closed]}/messages"] == 1  # closed DMs are never retried
    assert posts[f"/channels/{dm[forbidden]}/messages"] == 2
    assert sum(posts.values()) == len(members) + 2 + 1 + 1
    opened = [r for r in fake.requests[before:] if r.path == "/users/@me/channels"]
    assert len(opened) <= 4 + 2 + 1  # four uncached members, two faults, one stale channel
    invalid = Counter(status for _, _, status in answers(harness, 0) if status in INVALID)
    assert sum(invalid.values()) <= injected["429"] + injected["403"] + 1  # +1: closed DMs
    assert fake.count_429 == injected["429"]  # the pacing kept the bot inside the limits
    print(
        f"\nfan-out to {len(members)}: ticks sent {first.sent}+{second.sent}, "
        f"requests {dict(posts.most_common(4))}…, invalid answers {dict(invalid)}, "
        f"429s {fake.count_429}"
    )


async def test_feed_posts_through_429_500_and_a_refused_thread(
    running: tuple[LiveBot, Community, ManualClock],
) -> None:
    harness, place, clock = running
    fake = harness.fake
    assert harness.services is not None
    async with FeedServer.running() as server:
        server.serve("/feed.xml", rss2("Peer Voices", items(2)))
        await harness.services.feeds.add(
            guild_id=place.guild,
            actor_id=place.moderator,
            url=server.url("/feed.xml"),
            channel_id=place.general,
        )
        server.serve("/feed.xml", rss2("Peer Voices", items(6)))
        posts = rf"^/channels/{place.general}/messages$"
        fake.inject("POST", posts, 429, times=1, retry_after=0.5)
        fake.inject("POST", posts, 500, times=1)
        fake.inject("POST", rf"^/channels/{place.general}/messages/\d+/threads$", 403, times=1)
        before = len(fake.requests)
        clock.advance(minutes=30)
        await harness.cog("Feeds").tick()
        clock.advance(minutes=30)
        await harness.cog("Feeds").tick()
        await quiet(fake)
    titles = Counter(m["embeds"][0]["title"] for m in fake.messages(place.general) if m["embeds"])
    assert titles == Counter({f"Piece {n}": 1 for n in (3, 4, 5, 6)})
    sent = [
        r for r in fake.requests[before:] if r.method == "POST" and r.path.endswith("/messages")
    ]
    to_channel = [r for r in sent if r.path == f"/channels/{place.general}/messages"]
    assert len(to_channel) == 4 + 2  # four pieces, one retry per injected fault
    threads = [r for r in fake.requests[before:] if r.path.endswith("/threads")]
    # The refused thread waits (with the posts after it) and is tried again once at the next
    # delivery, not in a loop and not dropped.
    assert len(threads) == 4 + 1
    assert fake.count_429 == 1


async def test_interaction_answers_survive_a_500_and_a_429(
    running: tuple[LiveBot, Community, ManualClock],
) -> None:
    harness, place, _ = running
    fake = harness.fake
    fake.inject("POST", r"^/interactions/\d+/[^/]+/callback$", 500, times=1)
    about = await fake.slash(place.guild, place.general, place.member, "about")
    assert (await about.response(timeout=5))["type"] == 4
    fake.inject("POST", r"^/webhooks/\d+/[^/]+$", 429, times=1, retry_after=0.3)
    export = await fake.slash(place.guild, place.general, place.member, "mydata export")
    await export.wait_followups(1, timeout=5)
    await quiet(fake)
    assert len(export.followups) == 1  # answered once, not twice
    callbacks = [r for r in fake.requests if r.path.endswith("/callback")]
    assert len(callbacks) == 3  # /about twice (one 500), /mydata export once
    assert harness.errors.lines() == []

"""Every place that shows helplines shows every one whole, whatever a server adds."""

from __future__ import annotations

import discord
import pytest

from bot.core.config import PROJECT_ROOT
from bot.core.safety import Safety
from cogs.checkin._cog import Checkins
from tests.conftest import World
from tests.test_unsaid_helpers import configure, share

SHIPPED = Safety.from_data(PROJECT_ROOT / "data").helplines
CRISIS = "Honestly some days after those meetings I want to kill myself."
# The longest text setup and `/mod settings set` accept: 900 characters, over several lines.
LOCAL_LINE = "Local line {n:02d}: call 0800 000 0{n:02d}, any time, free and confidential."
LOCAL = "\n".join(LOCAL_LINE.format(n=n) for n in range(20))[:900].rsplit("\n", 1)[0]
LOCAL = (LOCAL + "\n" + "x" * 900)[:900]


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.unsaid", "cogs.checkin", "cogs.reflect")


async def longest_local_helplines(world: World) -> None:
    assert len(LOCAL) == 900
    result = await world.moderator.slash(
        world.general, "mod settings set", key="local_helplines", value=LOCAL
    )
    assert result.ephemeral
    assert await world.services.settings.get(world.guild.id, "local_helplines") == LOCAL


def assert_every_helpline_whole(embed: discord.Embed) -> None:
    assert embed.title == "Support"
    values = [field.value or "" for field in embed.fields]
    assert all(len(value) <= 1024 for value in values)
    assert not any(field.inline for field in embed.fields)
    assert len(embed) <= 6000
    shown = "\n".join(values)
    for row in LOCAL.splitlines():
        assert row in shown
    for helpline in SHIPPED:
        assert any(helpline.line() in value for value in values), helpline.name
    assert "999" in shown and shown.rstrip().endswith(SHIPPED[-1].line())


async def test_support_shows_every_helpline_whole(world: World) -> None:
    await longest_local_helplines(world)
    result = await world.member.slash(world.general, "support")
    assert_every_helpline_whole(result.response.embeds[0])


async def test_the_unsaid_crisis_answer_shows_every_helpline_whole(world: World) -> None:
    await longest_local_helplines(world)
    await configure(world)
    result = await share(world.member, world, CRISIS)
    assert_every_helpline_whole(result.response.embeds[0])


async def test_a_heavy_checkin_shows_every_helpline_whole(world: World) -> None:
    await longest_local_helplines(world)
    await world.services.checkins.agree(world.guild.id, world.member.id)
    form = await world.member.slash(world.general, "checkin log")
    done = await world.member.submit_modal(form, {"load": ["5"], "energy": ["1"]})
    assert_every_helpline_whole(done.response.embeds[-1])


async def test_a_heavy_journal_entry_shows_every_helpline_whole(world: World) -> None:
    await longest_local_helplines(world)
    shown = await world.member.slash(world.general, "reflect now", theme="power")
    form = await world.member.click(shown.response.message, label="Journal privately")
    saved = await world.member.submit_modal(form, {"entry": CRISIS})
    assert_every_helpline_whole(saved.response.embeds[0])


async def test_a_request_nobody_took_shows_every_helpline_whole(world: World) -> None:
    await longest_local_helplines(world)
    peer = world.guild.create_text_channel("peer-support")
    await world.services.settings.set_many(
        world.guild.id, {"checkin_support_channel": peer.id, "checkin_request_timeout_hours": 1}
    )
    first = await world.member.slash(world.general, "checkin ask")
    agreed = await world.member.click(first.response, label="Agree")
    await world.member.click(agreed.followups[0], label="Share my name and ask")
    world.services.clock.advance(hours=2)  # type: ignore[attr-defined]
    cog = world.bot.get_cog("Checkins")
    assert isinstance(cog, Checkins)
    await cog.jobs.request_tick()
    await world.env.settle()
    told = world.member.user.dm_channel.last_message
    assert_every_helpline_whole(told.embeds[0])

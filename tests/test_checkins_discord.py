"""Check-ins through SimCord: consent gate, the log form, history chart and withdrawal."""

from __future__ import annotations

import io

import discord
import pytest
import simcord
from discord import app_commands
from PIL import Image

from bot.checkins.chart import CHART_SIZE
from bot.checkins.settings import SUPPORT_CHANNEL
from tests.conftest import World

TABLES = ("checkin_members", "checkins", "checkin_reminders", "buddy_members", "support_requests")
FORM = {"load": ["2"], "energy": ["4"], "note": "a steady week", "peer": ["no"]}


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin")


async def stored_rows(world: World) -> int:
    total = 0
    for table in TABLES:
        total += await world.services.db.fetch_value(f"SELECT COUNT(*) FROM {table}")
    return total


async def agree(world: World, actor: simcord.MemberActor) -> None:
    await world.services.checkins.agree(world.guild.id, actor.id)


async def test_first_checkin_shows_consent_and_not_now_stores_nothing(world: World) -> None:
    result = await world.member.slash(world.general, "checkin log")
    assert result.ephemeral
    assert result.modal is None
    embed = result.response.embeds[0]
    assert embed.title == "Before your first check-in"
    assert "only you" in embed.description
    assert "Nothing has been stored yet" in embed.description
    assert await stored_rows(world) == 0
    later = await world.member.click(result.response, label="Not now")
    assert "Nothing has been stored" in later.response.content
    assert await stored_rows(world) == 0


@pytest.mark.parametrize("command", ["checkin history", "checkin ask", "checkin buddies join"])
async def test_every_checkin_command_asks_for_consent_first(world: World, command: str) -> None:
    result = await world.member.slash(world.general, command)
    assert result.response.embeds[0].title == "Before your first check-in"
    assert await stored_rows(world) == 0


async def test_agree_records_consent_then_opens_the_form(world: World) -> None:
    result = await world.member.slash(world.general, "checkin log")
    form = await world.member.click(result.response, label="Agree")
    assert form.modal is not None
    consent = await world.services.checkins.consent(world.guild.id, world.member.id)
    assert consent is not None and consent.consented_at == world.services.clock.now()
    done = await world.member.submit_modal(form, FORM)
    assert done.response.ephemeral
    assert "Thank you for checking in" in done.response.content
    assert not done.response.embeds  # no helplines for a steady week
    history = await world.services.checkins.history(world.guild.id, world.member.id, 2)
    assert [(p.load, p.energy) for p in history] == [(2, 4)]
    again = await world.member.slash(world.general, "checkin log")
    assert again.modal is not None  # consent stands: straight to the form


@pytest.mark.parametrize(
    ("values", "helplines"),
    [
        ({"load": ["5"], "energy": ["1"]}, True),
        ({"load": ["2"], "energy": ["3"], "note": "honestly I want to die"}, True),
        ({"load": ["4"], "energy": ["2"], "note": "a long week of meetings"}, False),
    ],
)
async def test_crisis_words_or_heaviest_load_with_no_energy_show_the_helplines(
    world: World, values: dict[str, object], helplines: bool
) -> None:
    await agree(world, world.member)
    form = await world.member.slash(world.general, "checkin log")
    done = await world.member.submit_modal(form, values)
    assert done.ephemeral
    titles = [embed.title for embed in done.response.embeds]
    assert (titles == ["Support"]) is helplines
    if helplines:
        assert "Samaritans" in str(done.response.embeds[0].to_dict())
    assert "score" not in done.response.content.lower()


@pytest.fixture(scope="module", autouse=True)
def matplotlib_loaded() -> None:
    """Load matplotlib before the chart test: its first import, seconds on a busy machine, is
    a one-off cost of the process, not of the command under test (SimCord's 5 s settle guard
    otherwise sometimes expires while it loads)."""
    from matplotlib.backends import backend_agg  # noqa: F401


async def test_history_is_a_private_png_of_the_expected_size_with_a_summary(
    world: World,
) -> None:
    await agree(world, world.member)
    checkins = world.services.checkins
    for load, energy in [(2, 4), (3, 3), (4, 2), (5, 2)]:
        await checkins.log(world.guild.id, world.member.id, load, energy)
        world.services.clock.advance(days=7)
    result = await world.member.slash(world.general, "checkin history", weeks=8)
    assert result.ephemeral
    message = result.followups[0] if result.followups else result.response
    summary = message.embeds[0].description
    assert summary.startswith("You logged 4 check-ins in the last 8 weeks.")
    assert "Emotional labour averaged 3.5 out of 5 and has been rising" in summary
    assert "Energy averaged 2.8 out of 5 and has been falling" in summary
    attachment = message.attachments[0]
    assert attachment.filename == "checkins.png"
    assert attachment.description == summary
    image = Image.open(io.BytesIO(await attachment.read()))
    assert image.format == "PNG"
    assert image.size == CHART_SIZE


async def test_a_member_cannot_read_another_members_checkins(world: World) -> None:
    for actor in (world.member, world.other):
        await agree(world, actor)
    await world.services.checkins.log(world.guild.id, world.member.id, 5, 1, "private words")
    result = await world.other.slash(world.general, "checkin history")
    message = result.followups[0] if result.followups else result.response
    assert "haven't logged any check-ins" in message.content
    assert not message.attachments
    # No member command takes another person, except `buddies avoid`, which only writes.
    group = world.bot.tree.get_command("checkin")
    assert isinstance(group, app_commands.Group)
    taking_a_person = [
        command.qualified_name
        for command in group.walk_commands()
        if isinstance(command, app_commands.Command)
        and any(
            p.type in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable)
            for p in command.parameters
        )
    ]
    assert taking_a_person == ["checkin buddies avoid"]
    avoid = await world.other.slash(world.general, "checkin buddies avoid", member=world.member)
    assert "private words" not in avoid.response.content
    # Moderators see no individual either: one member is far below k.
    summary = await world.moderator.slash(world.general, "mod checkins summary")
    assert "private words" not in str(summary.response.embeds[0].to_dict())


async def test_withdrawing_stops_logging_at_once_and_offers_erasure(world: World) -> None:
    await agree(world, world.member)
    form = await world.member.slash(world.general, "checkin log")
    await world.member.submit_modal(form, FORM)
    withdrawn = await world.member.slash(world.general, "checkin withdraw-consent")
    assert withdrawn.ephemeral
    assert "stopped logging" in withdrawn.response.content
    # Logging stops at once: the next /checkin log asks for consent again, and stores nothing.
    again = await world.member.slash(world.general, "checkin log")
    assert again.modal is None
    assert again.response.embeds[0].title == "Before your first check-in"
    erased = await world.member.click(withdrawn.response, label="Erase everything now")
    assert "Erased" in erased.response.content
    assert await stored_rows(world) == 0


async def test_saying_yes_to_a_peer_offers_to_ask_with_consent_to_share_a_name(
    world: World,
) -> None:
    peer_support = world.guild.create_text_channel("peer-support")
    await world.services.settings.set_many(world.guild.id, {SUPPORT_CHANNEL: peer_support.id})
    await agree(world, world.member)
    form = await world.member.slash(world.general, "checkin log")
    done = await world.member.submit_modal(form, {**FORM, "peer": ["yes"]})
    assert "Only your name is shared" in done.response.content
    assert peer_support.last_message is None  # nothing is posted before the member says so
    posted = await world.member.click(done.response, label="Share my name and ask")
    assert "Your request is posted" in posted.response.content
    assert world.member.mention in peer_support.last_message.content


async def test_about_says_who_sees_check_ins(world: World) -> None:
    result = await world.member.slash(world.general, "about")
    text = str(result.response.embeds[0].to_dict())
    assert "/checkin log" in text
    assert "only you can see your own" in text

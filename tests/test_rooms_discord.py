"""/room end to end through the real client: prepare, remind, peer, debrief, impact, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import discord
import pytest
import simcord

from bot.core.errors import UserFacingError
from bot.rooms.settings import DEBRIEF_CHANNEL
from cogs.room._cog import Rooms
from tests.conftest import World
from tests.test_unsaid_helpers import configure, receipt_of, release, review_messages

TABLES = (
    "room_members",
    "room_meetings",
    "room_debriefs",
    "room_impacts",
    "room_shares",
    "room_month_members",
    "room_peer_offers",
)


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return (
        "cogs.about",
        "cogs.support",
        "cogs.mod",
        "cogs.mydata",
        "cogs.unsaid",
        "cogs.reflect",
        "cogs.room",
    )


def rooms_cog(world: World) -> Rooms:
    return cast(Rooms, world.bot.get_cog("Rooms"))


async def tick(world: World) -> tuple[int, int]:
    return await rooms_cog(world).jobs.tick()


async def rows_about(world: World, user_id: int) -> int:
    total = 0
    for table in TABLES:
        column = "user_id"
        total += await world.services.db.fetch_value(
            f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (user_id,)
        )
    return total


def dms(actor: simcord.MemberActor) -> list[discord.Message]:
    channel = actor.user.dm_channel
    return [] if channel is None else list(channel.history())


async def agree(world: World, actor: simcord.MemberActor) -> None:
    await world.services.rooms.agree(world.guild.id, actor.id)


async def prepare(
    world: World, actor: simcord.MemberActor, when: str, **options: object
) -> simcord.InteractionResult:
    shown = await actor.slash(world.general, "room prepare", **options)
    assert shown.modal is not None, shown.response and shown.response.content
    return await actor.submit_modal(
        shown,
        {
            "what": "Quality and safety board",
            "when": when,
            "carry": "The ward closure affects people I know.",
            "share_keep": "I'll share the waiting list story, not the hospital one.",
            "question": "",
        },
    )


async def test_consent_refused_stores_nothing(world: World) -> None:
    shown = await world.member.slash(world.general, "room prepare")
    assert shown.ephemeral and shown.modal is None
    assert "what it keeps" in shown.response.embeds[0].description
    await world.member.click(shown.response, label="Not now")
    assert await rows_about(world, world.member.id) == 0


async def test_a_short_meeting_reminds_at_minute_two_and_offers_the_debrief_at_minute_eight(
    world: World,
) -> None:
    await agree(world, world.member)
    clock = world.services.clock
    start = clock.now()
    local = (start + timedelta(minutes=3)).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/London")
    )
    done = await prepare(world, world.member, f"{local:%H:%M}", remind=1, minutes=5)
    assert "Your meeting is planned" in done.response.content
    clock.set(start + timedelta(minutes=1, seconds=59))
    assert await tick(world) == (0, 0)
    clock.set(start + timedelta(minutes=2))
    assert await tick(world) == (1, 0)
    reminder = dms(world.member)[-1]
    assert "Before the room: Quality and safety board" in reminder.content
    assert "The ward closure affects people I know." in reminder.content  # their own words
    assert "A question you might carry in" in reminder.content
    clock.set(start + timedelta(minutes=7, seconds=59))
    assert await tick(world) == (0, 0)
    clock.set(start + timedelta(minutes=8))
    assert await tick(world) == (0, 1)
    offer = dms(world.member)[-1]
    assert "After the room" in offer.content
    assert await tick(world) == (0, 0)  # never twice
    # The meeting itself is forgotten once the debrief is offered.
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM room_meetings") == 0


async def test_the_reminder_lands_at_the_right_minute_in_the_week_the_clocks_go_back(
    world: World,
) -> None:
    await agree(world, world.member)
    # Friday 23 October 2026, 09:00 BST; the clocks go back on Sunday 25 October.
    world.services.clock.set(datetime(2026, 10, 23, 8, 0, tzinfo=UTC))
    await prepare(world, world.member, "2026-10-26 14:00", remind=60)
    # Monday 26 October is GMT: 14:00 local is 14:00 UTC, so the reminder is 13:00 UTC.
    world.services.clock.set(datetime(2026, 10, 26, 12, 59, tzinfo=UTC))
    assert await tick(world) == (0, 0)
    world.services.clock.set(datetime(2026, 10, 26, 13, 0, tzinfo=UTC))
    assert await tick(world) == (1, 0)


async def test_a_reminder_in_quiet_hours_comes_earlier_never_later(world: World) -> None:
    await agree(world, world.member)
    # Quiet hours are 21:00–08:00 by default. A 08:30 meeting with a 60-minute reminder would
    # remind at 07:30, inside them, so it comes at 20:59 the evening before.
    world.services.clock.set(datetime(2026, 1, 12, 12, 0, tzinfo=UTC))
    done = await prepare(world, world.member, "2026-01-13 08:30", remind=60)
    assert "quiet hours" in done.response.content
    world.services.clock.set(datetime(2026, 1, 12, 20, 58, tzinfo=UTC))
    assert await tick(world) == (0, 0)
    world.services.clock.set(datetime(2026, 1, 12, 20, 59, tzinfo=UTC))
    assert await tick(world) == (1, 0)


async def test_a_bad_time_is_explained_and_the_form_comes_back_filled_in(world: World) -> None:
    await agree(world, world.member)
    done = await prepare(world, world.member, "next tuesday-ish")
    assert done.ephemeral
    assert "Please write when it starts" in done.response.content
    assert "Quality and safety board" in done.response.content  # their words, given back
    again = await world.member.click(done.response, label="Edit and try again")
    assert again.modal is not None
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM room_meetings") == 0


async def test_cancel_stops_everything_and_upcoming_shows_only_your_own(world: World) -> None:
    await agree(world, world.member)
    await agree(world, world.other)
    await prepare(world, world.member, "tomorrow 14:00")
    choices = await world.other.autocomplete(world.general, "room cancel", "meeting", "")
    assert choices == []  # nobody else's meetings are offered
    mine = await world.member.autocomplete(world.general, "room cancel", "meeting", "")
    [choice] = mine
    # Another member who learns the id still can't cancel it or read it.
    refused = await world.other.slash(world.general, "room cancel", meeting=choice["value"])
    assert "isn't planned any more" in refused.response.content
    upcoming = await world.other.slash(world.general, "room upcoming")
    assert "Quality and safety board" not in upcoming.response.content
    done = await world.member.slash(world.general, "room cancel", meeting=choice["value"])
    assert "Cancelled" in done.response.content
    world.services.clock.advance(days=2)
    assert await tick(world) == (0, 0)
    assert dms(world.member) == []


async def test_a_peer_is_told_only_the_chosen_words_and_can_check_in(world: World) -> None:
    await agree(world, world.member)
    await world.services.checkins.agree(world.guild.id, world.other.id)
    await world.services.checkins.set_available(world.guild.id, world.other.id, True)
    done = await prepare(world, world.member, "tomorrow 14:00", peer=world.other, minutes=60)
    assert "peer alongside" in done.response.content
    words = await world.member.click(done.response, label="Choose the words and agree")
    assert words.modal is not None
    told = await world.member.submit_modal(
        words, {"words": "Board at 14:00; a message would help."}
    )
    assert "will be told" in told.response.content
    assert dms(world.other) == []  # nothing before the meeting ends
    world.services.clock.advance(days=2)
    await tick(world)
    [peer_dm] = dms(world.other)
    assert "Board at 14:00; a message would help." in peer_dm.content
    assert "Quality and safety board" not in peer_dm.content  # only the words chosen
    # Nobody else can redeem the peer's button, even with its custom_id.
    custom_id = peer_dm.components[0].children[0].custom_id
    attacker = await world.bot.fetch_user(world.moderator.id)
    copy = discord.ui.View(timeout=None)
    copy.add_item(discord.ui.Button(label="Check in with them", custom_id=custom_id))
    await attacker.send("A copy of the peer's button", view=copy)
    forged = await world.moderator.user.click(dms(world.moderator)[-1], custom_id=custom_id)
    assert "already been answered" in forged.response.content
    checked = await world.other.user.click(peer_dm, label="Check in with them")
    assert "Send" in checked.response.content or "thread" in checked.response.content
    told_member = dms(world.member)[-1]
    assert "is checking in with you" in told_member.content


async def test_a_peer_who_is_neither_buddy_nor_available_is_refused_and_told_nothing(
    world: World,
) -> None:
    await agree(world, world.member)
    done = await prepare(world, world.member, "tomorrow 14:00", peer=world.other)
    assert "isn't either" in done.response.content
    world.services.clock.advance(days=2)
    await tick(world)
    assert dms(world.other) == []


async def debrief(world: World, actor: simcord.MemberActor) -> simcord.InteractionResult:
    shown = await actor.slash(world.general, "room debrief")
    assert shown.modal is not None
    return await actor.submit_modal(
        shown,
        {
            "weight": ["4"],
            "said": "I asked who was consulted.",
            "held": "How angry I was.",
            "carry": "Ask earlier next time.",
        },
    )


async def test_debrief_kept_private_goes_to_the_journal_only(world: World) -> None:
    await agree(world, world.member)
    offered = await debrief(world, world.member)
    placed = await world.member.click(offered.response, label="Keep it private")
    assert "in your journal" in placed.response.content
    entries = await world.services.prompts.journal_all(world.guild.id, world.member.id)
    assert "I asked who was consulted." in entries[0].text
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM room_debriefs") == 0


async def test_debrief_shared_in_a_thread_is_named_and_erasable(world: World) -> None:
    await agree(world, world.member)
    channel = world.guild.create_text_channel("debriefs")
    await world.services.settings.set_many(world.guild.id, {DEBRIEF_CHANNEL: channel.id})
    offered = await debrief(world, world.member)
    await world.member.click(offered.response, label="Share in a thread")
    [post] = [m for m in channel.history() if "shared a debrief" in m.content]
    assert f"<@{world.member.id}>" in post.content
    assert "I asked who was consulted." in post.content
    assert channel.threads
    asked = await world.member.slash(world.general, "mydata delete")
    await world.member.click(asked.response, label="Delete everything")
    assert await rows_about(world, world.member.id) == 0
    assert not [m for m in channel.history() if "shared a debrief" in m.content]


async def test_debrief_shared_anonymously_reaches_review_without_the_author(world: World) -> None:
    review = await configure(world)
    await agree(world, world.member)
    offered = await debrief(world, world.member)
    sent = await world.member.click(offered.response, label="Share anonymously")
    assert receipt_of(sent)
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM room_debriefs") == 0
    await release(world, minutes=31)
    [card] = review_messages(review)
    text = str(card.embeds[0].to_dict())
    assert "After a meeting" in text and "I asked who was consulted." in text
    assert str(world.member.id) not in text and "ash" not in text.lower()


async def test_log_the_difference_and_export_it_as_markdown(world: World) -> None:
    await agree(world, world.member)
    offered = await debrief(world, world.member)
    form = await world.member.click(offered.response, label="Log the difference I made")
    assert form.modal is not None
    added = await world.member.submit_modal(
        form, {"kind": ["question"], "body": "My question changed the closure timeline."}
    )
    assert "Added to your impact log" in added.response.content
    listed = await world.member.slash(world.general, "room impact", action="list")
    assert "A question that changed a decision" in listed.response.content
    others = await world.other.slash(world.general, "room impact", action="list")
    assert "closure timeline" not in str(others.response.content)
    exported = await world.member.slash(world.general, "room impact", action="export")
    message = exported.followups[0] if exported.followups else exported.response
    markdown = (await message.attachments[0].read()).decode()
    assert markdown.startswith("# The difference I made")
    assert "My question changed the closure timeline." in markdown


async def test_mydata_exports_and_erases_rooms(world: World) -> None:
    await agree(world, world.member)
    await prepare(world, world.member, "tomorrow 14:00")
    await world.services.rooms.add_impact(world.guild.id, world.member.id, "language", "words")
    exported = await world.services.member_data.export(world.guild.id, world.member.id)
    data = exported["rooms"]["data"]
    assert data["meetings"][0]["what"] == "Quality and safety board"
    assert data["impact_log"][0]["what"] == "words"
    await world.services.member_data.erase(world.guild.id, world.member.id)
    assert await rows_about(world, world.member.id) == 0


async def test_a_forged_debrief_button_for_a_server_you_left_is_refused(world: World) -> None:
    await agree(world, world.member)
    await prepare(world, world.member, "tomorrow 14:00", minutes=30)
    world.services.clock.advance(days=2)
    await tick(world)
    offer = dms(world.member)[-1]
    world.guild.remove_member(world.member)
    result = await world.member.user.click(offer, label="Debrief now")
    assert result.modal is None
    assert "no longer a member" in result.response.content


async def test_a_peer_who_declines_is_never_named_to_the_member(world: World) -> None:
    await agree(world, world.member)
    await world.services.checkins.agree(world.guild.id, world.other.id)
    await world.services.checkins.set_available(world.guild.id, world.other.id, True)
    done = await prepare(world, world.member, "tomorrow 14:00", peer=world.other)
    words = await world.member.click(done.response, label="Choose the words and agree")
    await world.member.submit_modal(words, {"words": "A message after would help."})
    before = len(dms(world.member))
    world.services.clock.advance(days=2)
    await tick(world)
    [peer_dm] = dms(world.other)
    declined = await world.other.user.click(peer_dm, label="Not this time")
    assert "Nobody will be told" in declined.response.content
    after = dms(world.member)[before:]
    assert all("checking in" not in m.content for m in after)
    assert all(str(world.other.id) not in m.content and "bea" not in m.content for m in after)


async def test_about_says_who_can_see_what_and_moderators_see_only_months(world: World) -> None:
    about = await world.member.slash(world.general, "about")
    text = str([embed.to_dict() for embed in about.response.embeds])
    assert "/room" in text and "groups of at least five members" in text
    summary = await world.moderator.slash(world.general, "mod rooms summary")
    assert summary.ephemeral
    assert "fewer than 5 members took part" in summary.response.content


async def test_when_a_server_turns_rooms_off_members_are_told_kindly(world: World) -> None:
    await world.services.settings.set_many(world.guild.id, {"rooms_enabled": False})
    result = await world.member.slash(world.general, "room prepare")
    assert result.ephemeral and result.modal is None
    assert "turned /room off" in result.response.content
    assert await rows_about(world, world.member.id) == 0


async def test_a_member_who_left_gets_no_reminder_and_their_peer_is_not_told(world: World) -> None:
    await agree(world, world.member)
    await world.services.checkins.agree(world.guild.id, world.other.id)
    await world.services.checkins.set_available(world.guild.id, world.other.id, True)
    done = await prepare(world, world.member, "tomorrow 14:00", peer=world.other)
    words = await world.member.click(done.response, label="Choose the words and agree")
    await world.member.submit_modal(words, {"words": "A message after would help."})
    world.guild.remove_member(world.member)
    world.services.clock.advance(days=2)
    assert await tick(world) == (0, 0)
    assert dms(world.other) == []
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM room_meetings") == 0


async def test_an_impact_entry_can_be_changed_and_deleted_only_by_its_author(world: World) -> None:
    await agree(world, world.member)
    await world.services.rooms.add_impact(world.guild.id, world.member.id, "language", "first")
    listed = await world.member.slash(world.general, "room impact", action="list")
    [entry] = await world.services.rooms.impacts(world.guild.id, world.member.id)
    picked = await world.member.select(listed.response, [str(entry.id)])
    form = await world.member.click(picked.response or listed.response, label="Edit")
    assert form.modal is not None
    await world.member.submit_modal(form, {"kind": ["represented"], "body": "changed"})
    [changed] = await world.services.rooms.impacts(world.guild.id, world.member.id)
    assert (changed.kind, changed.body) == ("represented", "changed")
    # Another member can't reach it, even knowing its id.
    with pytest.raises(UserFacingError):
        await world.services.rooms.delete_impact(world.guild.id, world.other.id, entry.id)
    again = await world.member.slash(world.general, "room impact", action="list")
    picked = await world.member.select(again.response, [str(entry.id)])
    await world.member.click(picked.response or again.response, label="Delete")
    assert await world.services.rooms.impacts(world.guild.id, world.member.id) == []

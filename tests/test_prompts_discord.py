"""Reflective prompts through SimCord, for members: /reflect now, the journal, DM subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from bot.prompts.service import PromptService
from cogs.reflect._views import dm_view
from tests.conftest import World
from tests.reflectsupport import (
    LONDON,
    arrivals,
    at_london,
    button_ids,
    cog,
    dms,
    quiet_hours_off,
    tick_at,
)


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.reflect")


async def test_reflect_now_shows_a_prompt_with_follow_up_questions_and_journals_privately(
    world: World,
) -> None:
    result = await world.member.slash(world.general, "reflect now", theme="power")
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Power and hierarchy in the room"
    labels = [c["label"] for row in result.response.components for c in row["components"]]
    assert labels == ["Journal privately", "Another prompt"]
    another = await world.member.click(result.response.message, label="Another prompt")
    assert another.response.embeds[0].description != embed.description  # no repeats
    form = await world.member.click(result.response.message, label="Journal privately")
    saved = await world.member.submit_modal(form, {"entry": "The chair spoke over me again."})
    assert saved.ephemeral and "Only you can read it" in saved.response.content

    mine = await world.member.slash(world.general, "reflect journal")
    assert "The chair spoke over me again." in str(mine.response.embeds[0].to_dict())
    theirs = await world.other.slash(world.general, "reflect journal")
    assert "The chair spoke over me again." not in str(theirs.response.embeds[0].to_dict())
    assert "Nothing here yet" in theirs.response.embeds[0].description
    mods = await world.moderator.slash(world.general, "reflect journal")
    assert "The chair spoke over me again." not in str(mods.response.embeds[0].to_dict())


async def test_journal_export_is_a_private_markdown_file(world: World) -> None:
    form = await world.member.click(
        (await world.member.slash(world.general, "reflect now")).response.message,
        label="Journal privately",
    )
    await world.member.submit_modal(form, {"entry": "Boundaries held today."})
    journal = await world.member.slash(world.general, "reflect journal")
    exported = await world.member.click(journal.response.message, label="Export as Markdown")
    assert exported.ephemeral
    attachment = exported.response.attachments[0]
    assert attachment.filename == "alongside-journal.md"
    text = (await attachment.read()).decode()
    assert text.startswith("# My reflective journal") and "Boundaries held today." in text


async def test_subscribe_then_the_dm_arrives_at_the_chosen_local_time(world: World) -> None:
    choices = await world.member.autocomplete(
        world.general, "reflect subscribe", "timezone", "new_y", cadence="daily"
    )
    assert choices[0]["value"] == "America/New_York"
    result = await world.member.slash(
        world.general, "reflect subscribe", cadence="daily", time="10:30"
    )
    assert result.ephemeral and "10:30 (Europe/London)" in result.response.content
    await world.other.slash(
        world.general,
        "reflect subscribe",
        cadence="weekly",
        day="tuesday",
        time="08:00",
        timezone="America/New_York",
    )
    await tick_at(world, at_london(2026, 1, 12, 10, 29))
    assert dms(world.member) == []
    await tick_at(world, at_london(2026, 1, 12, 10, 30))
    await tick_at(world, at_london(2026, 1, 12, 10, 31))
    received = dms(world.member)
    assert len(received) == 1
    assert "Peer Network" in received[0].content
    assert button_ids(received[0])[0].startswith("alongside:reflect:journal:")
    await tick_at(world, datetime(2026, 1, 13, 12, 59, tzinfo=UTC))
    assert dms(world.other) == []
    await tick_at(world, datetime(2026, 1, 13, 13, 0, tzinfo=UTC))  # 08:00 in New York
    assert len(dms(world.other)) == 1

    status = await world.member.slash(world.general, "reflect status")
    assert "every day at 10:30 (Europe/London)" in status.response.embeds[0].description


async def test_the_theme_picker_limits_prompts_to_the_chosen_themes(world: World) -> None:
    await quiet_hours_off(world)
    result = await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    picked = await world.member.select(result.response.message, ["language"])
    assert "Language that depersonalises" in picked.response.content
    for day in range(12, 15):
        await tick_at(world, at_london(2026, 1, day + 1, 9, 0))
    titles = {m.embeds[0].title for m in dms(world.member)}
    assert titles == {"Language that depersonalises"}


async def test_a_daily_nine_oclock_prompt_stays_at_nine_through_the_clock_changes(
    world: World,
) -> None:
    await quiet_hours_off(world)
    world.services.clock.set(at_london(2026, 3, 25, 12, 0))  # type: ignore[attr-defined]
    await world.member.slash(world.general, "reflect subscribe", cadence="daily", time="09:00")
    days = range(26, 32)  # the week of Sunday 29 March, when the clocks go forward
    moments = [at_london(2026, 3, d, h, m) for d in days for h, m in ((8, 59), (9, 0))]
    sent = await arrivals(world, world.member, moments)
    assert [t.astimezone(LONDON).strftime("%d %H:%M") for t in sent] == [f"{d} 09:00" for d in days]
    assert [t.hour for t in sent] == [9, 9, 9, 8, 8, 8]  # in UTC

    world.services.clock.set(at_london(2026, 10, 21, 12, 0))  # type: ignore[attr-defined]
    await world.other.slash(world.general, "reflect subscribe", cadence="daily", time="09:00")
    days = range(22, 28)  # the week of Sunday 25 October, when the clocks go back
    moments = [at_london(2026, 10, d, h, m) for d in days for h, m in ((8, 59), (9, 0))]
    sent = await arrivals(world, world.other, moments)
    assert [t.astimezone(LONDON).strftime("%d %H:%M") for t in sent] == [f"{d} 09:00" for d in days]
    assert [t.hour for t in sent] == [8, 8, 8, 9, 9, 9]


async def test_a_skipped_time_comes_at_the_next_valid_minute_and_a_repeated_one_once(
    world: World,
) -> None:
    await quiet_hours_off(world)
    world.services.clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await world.member.slash(world.general, "reflect subscribe", cadence="daily", time="01:30")
    # On 29 March 01:30 does not exist in London: 01:00 GMT jumps to 02:00 BST (01:00 UTC).
    moments = [datetime(2026, 3, 29, h, m, tzinfo=UTC) for h, m in ((0, 30), (0, 59), (1, 0))]
    sent = await arrivals(world, world.member, moments)
    assert [t.astimezone(LONDON).strftime("%H:%M") for t in sent] == ["02:00"]

    world.services.clock.set(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await world.other.slash(world.general, "reflect subscribe", cadence="daily", time="01:30")
    # On 25 October 01:30 happens twice: 00:30 UTC (BST), then 01:30 UTC (GMT). Only the first.
    moments = [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 31, tzinfo=UTC),
        datetime(2026, 10, 26, 1, 30, tzinfo=UTC),  # 01:30 GMT the next day
    ]
    sent = await arrivals(world, world.other, moments)
    assert [t.strftime("%d %H:%M") for t in sent] == ["25 00:30", "26 01:30"]


async def test_closed_dms_pause_the_subscription_and_status_says_why(world: World) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    await world.other.slash(world.general, "reflect subscribe", cadence="daily")
    dm_path = f"/channels/{world.member.user.dm_channel.id}/messages"
    world.env.inject_error(
        "POST", dm_path, status=403, code=50007, message="Cannot send messages", times=None
    )
    for day in range(13, 17):
        await tick_at(world, at_london(2026, 1, day, 9, 0))
    attempts = [r for r in world.env.http_requests if r.method == "POST" and r.path == dm_path]
    assert len(attempts) == 1  # one try, no retry loop
    assert len(dms(world.other)) == 4
    status = await world.member.slash(world.general, "reflect status")
    description = status.response.embeds[0].description
    assert "Paused" in description and "wouldn't let Alongside send you a direct message" in (
        description
    )


async def test_opening_dms_too_fast_slows_down_instead_of_skipping(world: World) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    await world.other.slash(world.general, "reflect subscribe", cadence="daily")
    world.env.inject_error(
        "POST",
        f"/channels/{world.member.user.dm_channel.id}/messages",
        status=400,
        code=40003,
        message="You are opening direct messages too fast.",
        times=1,
    )
    pacer = world.services.prompts.pacer
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    assert len(dms(world.member)) == 1 and len(dms(world.other)) == 1
    assert pacer.slowdowns == 1 and pacer.rate < pacer.target


async def test_a_restart_in_the_middle_of_a_fan_out_reaches_everyone_once(world: World) -> None:
    members = [world.member, world.other, world.moderator]
    members += [world.guild.add_member(world.env.create_user(f"peer{n}")) for n in range(9)]
    service = world.services.prompts
    for actor in members:
        # No DM channel cached: the fan-out opens each one itself.
        await service.subscribe(
            world.guild.id, actor.id, "daily", None, "09:00", "Europe/London", None
        )
    # SimCord does not honour Discord's message nonces, so send one at a time here; the crash
    # window between Discord accepting a message and the bot recording it is covered against
    # the loopback Discord, which does (tests/test_prompts_fanout.py).
    service.dispatcher.courier.concurrency = 1
    real = cog(world).sender

    class Crash(BaseException):
        pass

    class DiesAfterFive:
        def __init__(self) -> None:
            self.sent = 0

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        async def send_dm(self, channel_id: int, outgoing: object) -> int:
            if self.sent == 5:
                raise Crash
            self.sent += 1
            return await real.send_dm(channel_id, outgoing)  # type: ignore[arg-type]

    cog(world).sender = DiesAfterFive()  # type: ignore[assignment]
    world.services.clock.set(at_london(2026, 1, 13, 9, 0))  # type: ignore[attr-defined]
    with pytest.raises(BaseExceptionGroup) as crashed:  # the workers' task group wraps it
        await cog(world).tick()
    assert crashed.group_contains(Crash)
    assert sum(len(dms(a)) for a in members) == 5

    world.services.prompts = PromptService(
        world.services.db,
        world.services.config.data_dir,
        world.services.clock,
        world.services.settings,
        world.services.ledger,
        rng=world.services.rng,
    )
    await world.restart()
    world.services.clock.advance(seconds=30)  # type: ignore[attr-defined]
    await cog(world).tick()
    assert [len(dms(a)) for a in members] == [1] * len(members)


async def test_a_crafted_journal_click_on_someone_elses_dm_prompt_is_refused(
    world: World,
) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    journal_id = button_ids(dms(world.member)[0])[0]
    # Stand-in for a hand-crafted interaction: the same custom_id, somewhere `other` can click.
    general = world.bot.get_channel(world.general.id)
    assert isinstance(general, discord.TextChannel)
    await general.send("crafted", view=dm_view(int(journal_id.rsplit(":", 1)[1])))
    refused = await world.other.click(world.general.last_message, custom_id=journal_id)
    assert refused.ephemeral and "someone else's prompt" in refused.response.content


class TestWithAnonymousSharing:
    """With the Unsaid cog loaded, "Share anonymously" opens Unsaid's answer form for the prompt."""

    @pytest.fixture
    def extensions(self) -> tuple[str, ...]:
        return ("cogs.about", "cogs.support", "cogs.mod", "cogs.unsaid", "cogs.reflect")

    async def test_share_anonymously_hands_over_to_unsaid(self, world: World) -> None:
        await quiet_hours_off(world)
        await world.services.settings.set_many(
            world.guild.id,
            {"unsaid_channel": world.general.id, "unsaid_review_channel": world.mod_channel.id},
        )
        await world.moderator.slash(
            world.general, "mod prompts schedule", channel=world.general, cadence="daily"
        )
        await tick_at(world, at_london(2026, 1, 13, 9, 0))
        [post] = [m for m in world.general.history() if m.embeds]
        opened = await world.member.click(post, label="Share anonymously")
        assert opened.modal is not None
        assert opened.modal["title"] == "Answer anonymously"

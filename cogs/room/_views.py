"""Short-lived private views: consent, naming a peer, and where a debrief goes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.app.interactions import bot_of
from bot.core.errors import UserFacingError
from bot.db.room_records import Debrief
from bot.db.rooms import Meeting
from bot.rooms.models import Plan
from bot.rooms.settings import DEBRIEF_CHANNEL
from bot.ui.replies import SafeView, send_private
from cogs.room import _text as text
from cogs.room._forms import DebriefForm, ImpactForm, PeerWordsForm
from cogs.room._share import share_anonymously, share_in_thread, still_member

Then = Callable[[discord.Interaction[Any]], Awaitable[None]]
Button = discord.ui.Button[Any]


class OwnedView(SafeView):
    """A private view only the person it was shown to can use."""

    def __init__(self, owner_id: int, *, timeout: float = 900) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Ignore anyone else."""
        return interaction.user.id == self.owner_id


class ConsentView(OwnedView):
    """Agree / Not now. Nothing is stored unless Agree is pressed."""

    def __init__(self, owner_id: int, guild_id: int, then: Then) -> None:
        super().__init__(owner_id)
        self.guild_id = guild_id
        self.then = then

    @discord.ui.button(label="Agree", style=discord.ButtonStyle.success)
    async def agree(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Record consent and carry on."""
        await bot_of(interaction).services.rooms.agree(self.guild_id, interaction.user.id)
        await self.then(interaction)

    @discord.ui.button(label="Not now", style=discord.ButtonStyle.secondary)
    async def not_now(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Leave without storing anything."""
        self.stop()
        await interaction.response.edit_message(content=text.NOT_NOW, embed=None, view=None)


async def gate(interaction: discord.Interaction[Any], guild_id: int, then: Then) -> None:
    """Run `then` if the member agreed to what /room keeps; otherwise ask first."""
    rooms = bot_of(interaction).services.rooms
    await rooms.ensure_enabled(guild_id)
    if await rooms.has_consent(guild_id, interaction.user.id):
        await then(interaction)
        return
    embed = discord.Embed(title="Before and after the room", description=text.CONSENT)
    embed.colour = text.COLOUR
    await send_private(
        interaction, embed=embed, view=ConsentView(interaction.user.id, guild_id, then)
    )


def describe_reminder(meeting: Meeting, minutes_before: int) -> str:
    """Say when the reminder comes, and whether quiet hours moved it."""
    if meeting.remind_at is None:
        return text.REMINDER_NONE
    when = discord.utils.format_dt(meeting.remind_at, "F")
    planned = meeting.starts_at.timestamp() - minutes_before * 60
    if meeting.remind_at.timestamp() < planned:
        return text.REMINDER_MOVED.format(when=when)
    return text.REMINDER_AT.format(when=when)


async def after_prepare(
    interaction: discord.Interaction[Any], meeting: Meeting, plan: Plan
) -> None:
    """Confirm the plan; if a peer was named, ask for consent and the exact words."""
    content = text.PREPARED.format(
        what=discord.utils.escape_markdown(meeting.what),
        when=discord.utils.format_dt(meeting.starts_at, "F"),
        zone=meeting.zone,
        minutes=int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
        reminder=describe_reminder(meeting, plan.remind),
    )
    if plan.peer_id is None:
        await send_private(interaction, content)
        return
    rooms = bot_of(interaction).services.rooms
    try:
        await rooms.check_peer(meeting.guild_id, meeting.user_id, plan.peer_id)
    except UserFacingError as error:
        await send_private(interaction, f"{content}\n\n{error.message}")
        return
    default = text.PEER_DEFAULT.format(time=_local_time(meeting))
    view = PeerStepView(interaction.user.id, meeting, plan.peer_id, default)
    ask = text.ASK_PEER.format(peer=f"<@{plan.peer_id}>")
    await send_private(interaction, f"{content}\n\n{ask}\n> {default}", view=view)


def _local_time(meeting: Meeting) -> str:
    return f"{meeting.starts_at.astimezone(ZoneInfo(meeting.zone)):%H:%M}"


class PeerStepView(OwnedView):
    """Agree to tell the named peer (choosing the words), or tell nobody."""

    def __init__(self, owner_id: int, meeting: Meeting, peer_id: int, default: str) -> None:
        super().__init__(owner_id)
        self.meeting = meeting
        self.peer_id = peer_id
        self.default = default

    @discord.ui.button(label="Choose the words and agree", style=discord.ButtonStyle.primary)
    async def choose(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Open the form with the suggested words, for the member to change."""
        form = PeerWordsForm(self.meeting.guild_id, self.meeting.id, self.peer_id, self.default)
        await interaction.response.send_modal(form)

    @discord.ui.button(label="Don't tell anyone", style=discord.ButtonStyle.secondary)
    async def nobody(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Keep the meeting without a peer."""
        self.stop()
        await interaction.response.edit_message(content=text.PEER_NOT_TOLD, view=None)


async def offer_choices(
    interaction: discord.Interaction[Any], guild_id: int, debrief_id: int
) -> None:
    """Ask where a debrief should go."""
    bot = bot_of(interaction)
    channel_id = await bot.services.settings.get(guild_id, DEBRIEF_CHANNEL)
    note = (
        text.THREAD_NOTE_ON.format(channel=f"<#{channel_id}>")
        if channel_id
        else text.THREAD_NOTE_OFF
    )
    view = ChoiceView(interaction.user.id, guild_id, debrief_id, thread=bool(channel_id))
    await send_private(interaction, text.CHOOSE.format(thread_note=note), view=view)


class ChoiceView(OwnedView):
    """Private journal, a named thread, Unsaid, or the impact log."""

    def __init__(self, owner_id: int, guild_id: int, debrief_id: int, *, thread: bool) -> None:
        super().__init__(owner_id, timeout=3600)
        self.guild_id = guild_id
        self.debrief_id = debrief_id
        self.share.disabled = not thread

    async def _done(self, interaction: discord.Interaction[Any], content: str) -> None:
        self.stop()
        if interaction.response.is_done():
            await send_private(interaction, content)
        else:
            await interaction.response.edit_message(content=content, view=None)

    @discord.ui.button(label="Keep it private", style=discord.ButtonStyle.primary)
    async def private(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Move the debrief into the member's private journal."""
        bot = bot_of(interaction)
        found = await bot.services.rooms.own_debrief(
            self.guild_id, interaction.user.id, self.debrief_id
        )
        await bot.services.prompts.write_journal(
            self.guild_id, interaction.user.id, journal_text(found), None
        )
        await bot.services.rooms.take_debrief(self.guild_id, interaction.user.id, self.debrief_id)
        await self._done(interaction, text.KEPT_PRIVATE)

    @discord.ui.button(label="Share in a thread", style=discord.ButtonStyle.secondary)
    async def share(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Post it with the member's name in the debrief channel, with a thread."""
        link = await share_in_thread(interaction, self.guild_id, self.debrief_id)
        await self._done(interaction, text.SHARED_IN_THREAD.format(link=link))

    @discord.ui.button(label="Share anonymously", style=discord.ButtonStyle.secondary)
    async def anonymous(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Send it through Unsaid, with all its review and timing protections."""
        self.stop()
        await share_anonymously(interaction, self.guild_id, self.debrief_id)

    @discord.ui.button(label="Log the difference I made", style=discord.ButtonStyle.success)
    async def impact(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Open the impact form, started with what the member said."""
        bot = bot_of(interaction)
        await still_member(interaction, self.guild_id)
        found = await bot.services.rooms.own_debrief(
            self.guild_id, interaction.user.id, self.debrief_id
        )
        form = ImpactForm(self.guild_id, kind="", body=found.said or found.carry or "")
        await interaction.response.send_modal(form)


def journal_text(debrief: Debrief) -> str:
    """A debrief written out for the member's journal."""
    parts = [text.DEBRIEF_JOURNAL.format(weight=debrief.weight)]
    for label, words in (
        (text.LABEL_SAID, debrief.said),
        (text.LABEL_HELD, debrief.held_back),
        (text.LABEL_CARRY, debrief.carry),
    ):
        if words:
            parts.append(f"{label}: {words}")
    return "\n\n".join(parts)


async def open_debrief(interaction: discord.Interaction[Any], guild_id: int) -> None:
    """Open the debrief form for the member, in a server or from a DM."""
    await interaction.response.send_modal(DebriefForm(guild_id, offer_choices))

"""The /room forms: prepare, the words a peer is told, debrief, and an impact entry.

No form has a fixed custom_id: discord.py keys open forms by custom_id alone, so two members
filling in the same form at once would otherwise receive each other's submissions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord

from bot.app.interactions import bot_of
from bot.core.errors import UserFacingError
from bot.db.rooms import Meeting
from bot.rooms.models import IMPACT_KINDS, PEER_WORDS_MAX, QUESTION_MAX, REFLECTION_MAX, Plan
from bot.rooms.models import WHAT_MAX as WHAT_LIMIT
from bot.ui.replies import SafeModal, SafeView, give_back, send_private
from cogs.room import _text as text

FORM_TIMEOUT = 60 * 60
WEIGHT_WORDS = {1: "light", 2: "manageable", 3: "noticeable", 4: "heavy", 5: "very heavy"}
Input = discord.ui.TextInput[discord.ui.View]
# What happens after a form is accepted, passed in so that forms never import the views.
AfterPrepare = Callable[[discord.Interaction[Any], Meeting, Plan], Awaitable[None]]
AfterDebrief = Callable[[discord.Interaction[Any], int, int], Awaitable[None]]


def _text_input(
    custom_id: str, limit: int, *, paragraph: bool = False, required: bool = False, **extra: Any
) -> Input:
    return discord.ui.TextInput(
        custom_id=custom_id,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        max_length=limit,
        required=required,
        **extra,
    )


class RetryView(SafeView):
    """One button that reopens a refused form with everything the member typed."""

    def __init__(self, owner_id: int, form: discord.ui.Modal) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.owner_id = owner_id
        self.form = form

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the person whose form it was."""
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: discord.Interaction[Any], _: Any) -> None:
        """Reopen the form, filled in."""
        await interaction.response.send_modal(self.form)


class PrepareForm(SafeModal):
    """What the meeting is, when, and three optional reflections."""

    def __init__(self, guild_id: int, plan: Plan, then: AfterPrepare) -> None:
        super().__init__(title="Before the room", timeout=FORM_TIMEOUT)
        self.guild_id = guild_id
        self.plan = plan
        self.then = then
        self.what = _text_input(
            "what",
            WHAT_LIMIT,
            required=True,
            default=plan.what or None,
            placeholder="e.g. Quality and safety board",
        )
        self.when = _text_input(
            "when",
            40,
            required=True,
            default=plan.when or None,
            placeholder="e.g. tomorrow 14:00, or 2026-12-07 14:00",
        )
        self.carry = _text_input("carry", REFLECTION_MAX, paragraph=True, default=plan.carry)
        self.share_keep = _text_input(
            "share_keep", REFLECTION_MAX, paragraph=True, default=plan.share_keep
        )
        self.question = _text_input("question", QUESTION_MAX, default=plan.question)
        self.add_item(discord.ui.Label(text="What the meeting is", component=self.what))
        self.add_item(
            discord.ui.Label(
                text="When it starts",
                description=f"Your time ({plan.zone}), 24-hour clock.",
                component=self.when,
            )
        )
        self.add_item(discord.ui.Label(text=text.LABEL_CARRY_IN, component=self.carry))
        self.add_item(discord.ui.Label(text=text.LABEL_SHARE_KEEP, component=self.share_keep))
        self.add_item(discord.ui.Label(text=text.LABEL_QUESTION, component=self.question))

    def typed(self) -> Plan:
        """The plan with what the member typed."""
        return replace(
            self.plan,
            what=self.what.value,
            when=self.when.value,
            carry=self.carry.value or None,
            share_keep=self.share_keep.value or None,
            question=self.question.value or None,
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Plan the meeting, or explain and offer the form back, filled in."""
        plan = self.typed()
        try:
            meeting = await bot_of(interaction).services.rooms.prepare(
                self.guild_id, interaction.user.id, plan
            )
        except UserFacingError as error:
            again = PrepareForm(self.guild_id, plan, self.then)
            typed = [value for value in (plan.what, plan.when) if value]
            await send_private(
                interaction,
                give_back(error.message, typed),
                view=RetryView(interaction.user.id, again),
            )
            return
        await self.then(interaction, meeting, plan)


class PeerWordsForm(SafeModal):
    """The only words a peer alongside will be told."""

    def __init__(self, guild_id: int, meeting_id: int, peer_id: int, default: str) -> None:
        super().__init__(title="What your peer is told", timeout=FORM_TIMEOUT)
        self.guild_id = guild_id
        self.meeting_id = meeting_id
        self.peer_id = peer_id
        self.words = _text_input(
            "words", PEER_WORDS_MAX, paragraph=True, required=True, default=default
        )
        self.add_item(
            discord.ui.Label(
                text="Your words",
                description="Only these are sent, when the meeting ends.",
                component=self.words,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Record the consent and the words."""
        rooms = bot_of(interaction).services.rooms
        meeting = await rooms.set_peer(
            self.guild_id, interaction.user.id, self.meeting_id, self.peer_id, self.words.value
        )
        content = text.PEER_SET.format(peer=f"<@{self.peer_id}>", words=meeting.peer_words)
        await send_private(interaction, content)


def weight_select() -> discord.ui.Select[discord.ui.View]:
    """A required 1–5 choice of how heavy the meeting felt."""
    return discord.ui.Select(
        custom_id="weight",
        placeholder="Choose 1 to 5",
        options=[
            discord.SelectOption(label=f"{number}: {word}", value=str(number))
            for number, word in WEIGHT_WORDS.items()
        ],
    )


class DebriefForm(SafeModal):
    """How heavy it felt, what I said, what I held back, what I'll carry forward."""

    def __init__(self, guild_id: int, then: AfterDebrief) -> None:
        super().__init__(title="After the room", timeout=FORM_TIMEOUT)
        self.guild_id = guild_id
        self.then = then
        self.weight = weight_select()
        self.said = _text_input("said", REFLECTION_MAX, paragraph=True)
        self.held = _text_input("held", REFLECTION_MAX, paragraph=True)
        self.carry = _text_input("carry", REFLECTION_MAX, paragraph=True)
        self.add_item(
            discord.ui.Label(
                text="How heavy it felt",
                description="1 light, 5 very heavy.",
                component=self.weight,
            )
        )
        self.add_item(discord.ui.Label(text=text.LABEL_SAID, component=self.said))
        self.add_item(discord.ui.Label(text=text.LABEL_HELD, component=self.held))
        self.add_item(discord.ui.Label(text=text.LABEL_CARRY, component=self.carry))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Keep the debrief privately, then ask where it should go."""
        if not self.weight.values:
            raise UserFacingError("Please choose how heavy it felt, from 1 to 5.")
        debrief = await bot_of(interaction).services.rooms.debrief(
            self.guild_id,
            interaction.user.id,
            int(self.weight.values[0]),
            self.said.value,
            self.held.value,
            self.carry.value,
        )
        await self.then(interaction, self.guild_id, debrief.id)


class ImpactForm(SafeModal):
    """Add or change one moment in the member's impact log."""

    def __init__(
        self, guild_id: int, *, impact_id: int | None = None, kind: str = "", body: str = ""
    ) -> None:
        super().__init__(title="The difference I made", timeout=FORM_TIMEOUT)
        self.guild_id = guild_id
        self.impact_id = impact_id
        self.kind: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id="kind",
            options=[
                discord.SelectOption(label=label, value=value, default=value == kind)
                for value, label in IMPACT_KINDS.items()
            ],
        )
        self.body = _text_input(
            "body", REFLECTION_MAX, paragraph=True, required=True, default=body or None
        )
        self.add_item(discord.ui.Label(text="What kind of difference", component=self.kind))
        self.add_item(discord.ui.Label(text="What happened", component=self.body))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save the entry privately."""
        if not self.kind.values:
            raise UserFacingError("Please choose what kind of difference it was.")
        rooms = bot_of(interaction).services.rooms
        kind = self.kind.values[0]
        if self.impact_id is None:
            await rooms.add_impact(self.guild_id, interaction.user.id, kind, self.body.value)
            await send_private(interaction, text.IMPACT_ADDED)
            return
        await rooms.edit_impact(
            self.guild_id, interaction.user.id, self.impact_id, kind, self.body.value
        )
        await send_private(interaction, "Changed. Only you can read your impact log.")

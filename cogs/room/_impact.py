"""The impact log's private list: pick an entry to change or delete it."""

from __future__ import annotations

from typing import Any

import discord

from bot.app.interactions import bot_of
from bot.core.text import as_words, clip
from bot.db.room_records import Impact
from bot.rooms.models import IMPACT_KINDS
from bot.ui.replies import SafeView
from cogs.room._forms import ImpactForm

SHOWN = 20


def impact_lines(entries: list[Impact]) -> str:
    """The newest entries, numbered, within one message."""
    lines = [f"**Your impact log** (only you can see this; newest first, {len(entries)} in all)"]
    for number, entry in enumerate(entries[:SHOWN], start=1):
        body = as_words(entry.body)
        lines.append(f"{number}. {entry.happened} · {IMPACT_KINDS[entry.kind]}: {clip(body, 80)}")
    if len(entries) > SHOWN:
        lines.append("`/room impact action:export` gives you every entry.")
    return clip("\n".join(lines), 2000)


class ImpactPicker(SafeView):
    """A select of the member's entries, then Edit or Delete for the chosen one."""

    def __init__(self, owner_id: int, guild_id: int, entries: list[Impact]) -> None:
        super().__init__(timeout=900)
        self.owner_id = owner_id
        self.guild_id = guild_id
        self.chosen: int | None = None
        self.pick.options = [  # type: ignore[assignment]
            discord.SelectOption(
                label=clip(f"{n}. {IMPACT_KINDS[e.kind]}", 100),
                description=clip(e.body, 100),
                value=str(e.id),
            )
            for n, e in enumerate(entries[:SHOWN], start=1)
        ]

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the member whose log it is."""
        return interaction.user.id == self.owner_id

    @discord.ui.select(placeholder="Choose an entry to change or delete")
    async def pick(
        self, interaction: discord.Interaction[Any], select: discord.ui.Select[Any]
    ) -> None:
        """Remember the choice and say what the buttons will do."""
        self.chosen = int(select.values[0])
        self.edit.disabled = self.delete.disabled = False
        await interaction.response.edit_message(view=self)

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.primary, disabled=True)
    async def edit(self, interaction: discord.Interaction[Any], _: Any) -> None:
        """Open the chosen entry in the form."""
        if self.chosen is None:
            return
        rooms = bot_of(interaction).services.rooms
        entry = await rooms.own_impact(self.guild_id, interaction.user.id, self.chosen)
        form = ImpactForm(self.guild_id, impact_id=entry.id, kind=entry.kind, body=entry.body)
        await interaction.response.send_modal(form)

    @discord.ui.button(label="Delete", style=discord.ButtonStyle.danger, disabled=True)
    async def delete(self, interaction: discord.Interaction[Any], _: Any) -> None:
        """Delete the chosen entry."""
        if self.chosen is None:
            return
        rooms = bot_of(interaction).services.rooms
        await rooms.delete_impact(self.guild_id, interaction.user.id, self.chosen)
        self.stop()
        await interaction.response.edit_message(content="Deleted from your impact log.", view=None)

"""`/reflect journal`: a member's own entries and shared answers, only for them."""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.app.client import Alongside
from bot.app.interactions import bot_of
from bot.core.text import clip
from bot.ui.replies import SafeView, send_private
from cogs.reflect._render import journal_embed, journal_markdown
from cogs.reflect._shares import delete_share

Button = discord.ui.Button[Any]


class JournalView(SafeView):
    """A member's own journal: turn pages, export it, or delete an entry."""

    def __init__(self, owner_id: int, guild_id: int, server: str, pages: int) -> None:
        super().__init__(timeout=900)
        self.owner_id, self.guild_id, self.server = owner_id, guild_id, server
        self.page, self.pages = 0, pages
        self.delete = discord.ui.Select[JournalView](placeholder="Delete an entry…", row=1)
        self.delete.callback = self._delete  # type: ignore[method-assign]
        self.add_item(self.delete)
        self.unshare = discord.ui.Select[JournalView](
            placeholder="Delete an answer you shared in a thread…", row=2
        )
        self.unshare.callback = self._unshare  # type: ignore[method-assign]
        self.add_item(self.unshare)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the journal's author can use these buttons."""
        return interaction.user.id == self.owner_id

    async def render(self, bot: Alongside) -> discord.Embed:
        """Fetch the current page and refresh the buttons and delete menu."""
        entries, self.pages = await bot.services.prompts.journal(
            self.guild_id, self.owner_id, self.page
        )
        self.page = min(self.page, self.pages - 1)
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1
        self.export.disabled = not entries
        self.delete.options = [
            discord.SelectOption(
                label=clip(f"{e.created_at:%d %b %Y}: {e.text}", 100), value=str(e.id)
            )
            for e in entries
        ] or [discord.SelectOption(label="No entries", value="0")]
        self.delete.disabled = not entries
        shares = await bot.services.prompts.shares.mine(self.guild_id, self.owner_id)
        self.unshare.options = [
            discord.SelectOption(
                label=clip(f"{s.created_at:%d %b %Y}: {s.body}", 100), value=str(s.id)
            )
            for s in shares[:25]
        ] or [discord.SelectOption(label="No shared answers", value="0")]
        self.unshare.disabled = not shares
        return journal_embed(entries, self.page, self.pages, len(shares))

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        embed = await self.render(bot_of(interaction))
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="Previous", row=0)
    async def previous(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Show newer entries."""
        self.page = max(0, self.page - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next", row=0)
    async def next(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Show older entries."""
        self.page += 1
        await self._show(interaction)

    @discord.ui.button(label="Export as Markdown", row=0)
    async def export(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Send the whole journal as a Markdown file, privately."""
        bot = bot_of(interaction)
        entries = await bot.services.prompts.journal_all(self.guild_id, self.owner_id)
        text = journal_markdown(entries, self.server, bot.services.clock.now())
        await send_private(
            interaction,
            "Your journal, as a Markdown file. Only you can see this message.",
            file=discord.File(io.BytesIO(text.encode()), filename="alongside-journal.md"),
        )

    async def _delete(self, interaction: discord.Interaction[Any]) -> None:
        """Delete the chosen entry for good."""
        entry_id = int(self.delete.values[0])
        await bot_of(interaction).services.prompts.delete_entry(
            self.guild_id, self.owner_id, entry_id
        )
        await self._show(interaction)

    async def _unshare(self, interaction: discord.Interaction[Any]) -> None:
        """Delete the chosen shared answer, post and all."""
        await delete_share(interaction, int(self.unshare.values[0]))
        await self._show(interaction)

"""A private pager: Previous / Next buttons over pre-rendered pages."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.text import clip
from bot.ui.replies import SafeView, send_private


class Pager(SafeView):
    """Pages of embeds for one person; buttons only work for whoever opened it."""

    def __init__(self, owner_id: int, pages: Sequence[discord.Embed], *, timeout: float = 600):
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.pages = list(pages)
        self.index = 0
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        for number, page in enumerate(self.pages, start=1):
            page.set_footer(text=f"Page {number} of {len(self.pages)}")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Let only the person who opened the pages turn them."""
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        """Show the page before."""
        self.index = max(0, self.index - 1)
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        """Show the page after."""
        self.index = min(len(self.pages) - 1, self.index + 1)
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)


async def send_pages(interaction: discord.Interaction, pages: Sequence[discord.Embed]) -> None:
    """Send one page plainly, or several with buttons, privately."""
    if len(pages) == 1:
        await send_private(interaction, embed=pages[0])
        return
    pager = Pager(interaction.user.id, pages)
    await send_private(interaction, embed=pager.pages[0], view=pager)


def chunk_lines(lines: Sequence[str], *, limit: int = 3500, per_page: int = 15) -> list[list[str]]:
    """Group lines into pages that stay inside an embed description's size."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in (clip(line, limit) for line in lines):  # one very long line still fits a page
        if pages[-1] and (size + len(line) + 1 > limit or len(pages[-1]) >= per_page):
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    return pages

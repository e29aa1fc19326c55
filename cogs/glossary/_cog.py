"""`/glossary` for members; it attaches `/mod glossary` (`_mod.py`) when it loads."""

from __future__ import annotations

import math
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.core.text import clip
from bot.glossary.reading import SEARCH_POOL
from bot.ui.deadline import answer_publicly
from bot.ui.paging import chunk_lines, send_pages
from bot.ui.refusals import NotInServer
from bot.ui.replies import SafeView, send_private
from cogs.glossary._choices import term_choices
from cogs.glossary._mine import MINE_ITEMS, show_mine
from cogs.glossary._mod import GlossaryAdmin
from cogs.glossary._modals import PerspectiveModal, SuggestTermModal
from cogs.glossary._remove import REMOVE_ITEMS
from cogs.glossary._render import (
    COLOUR,
    search_page,
)
from cogs.glossary._views import DYNAMIC_ITEMS, answer_for, post_for_review, send_term

ALL_ITEMS = (*DYNAMIC_ITEMS, *MINE_ITEMS, *REMOVE_ITEMS)


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise NotInServer()
    return interaction.guild_id


class SearchView(SafeView):
    """Pages of search results, fetched as they are turned."""

    def __init__(self, bot: Alongside, guild_id: int, query: str, total: int, owner_id: int):
        super().__init__(timeout=600)
        self.bot, self.guild_id, self.query, self.owner_id = bot, guild_id, query, owner_id
        self.page = 0
        self.pages = max(1, math.ceil(min(total, SEARCH_POOL) / 5))
        self.total = total
        self._update()

    def _update(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the person who searched can turn the pages."""
        return interaction.user.id == self.owner_id

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        hits, _ = await self.bot.services.glossary.search(self.guild_id, self.query, self.page)
        self._update()
        embed = search_page(self.query, hits, self.total, self.page, self.pages)
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="Previous")
    async def previous(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]
    ) -> None:
        """Show the previous page."""
        self.page = max(0, self.page - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next")
    async def next(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        """Show the next page."""
        self.page = min(self.pages - 1, self.page + 1)
        await self._show(interaction)


class Glossary(commands.GroupCog, group_name="glossary", group_description="The shared glossary"):
    """`/glossary`: define, search, list, suggest, perspective."""

    privacy = (
        "Glossary perspectives show your name, or “a member” if you choose. Alongside keeps "
        "your id with a named one; with an anonymous one it keeps only a keyed tag and a sealed "
        "copy of your id that moderators can't read, so it can tell you the outcome and you can "
        "edit, withdraw, export or delete it (`/glossary mine`).",
    )

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        self.admin = GlossaryAdmin(bot)
        super().__init__()

    async def cog_load(self) -> None:
        """Register the persistent buttons and attach `/mod glossary`."""
        self.bot.add_dynamic_items(*ALL_ITEMS)
        self.bot.mod_root.add_command(self.admin)

    async def cog_unload(self) -> None:
        """Detach `/mod glossary` and the persistent buttons."""
        self.bot.mod_root.remove_command("glossary")
        self.bot.remove_dynamic_items(*ALL_ITEMS)

    @app_commands.command(
        name="define", description="What a term means, and members' perspectives on it"
    )
    @app_commands.describe(term="Start typing a term", share="Post it in the channel for everyone")
    @app_commands.autocomplete(term=term_choices)
    async def define(
        self, interaction: discord.Interaction[Any], term: str, share: bool = False
    ) -> None:
        """Show a term's definition, perspectives, sources and related terms."""
        if share:
            answer_publicly(interaction)
        entry = await self.bot.services.glossary.define(_guild_id(interaction), term)
        pages, view = answer_for(entry)
        named = sorted(
            {p.author_id for p in entry.perspectives if p.credit == "named" and p.author_id}
        )
        await send_term(interaction, pages, entry.related, public=share, view=view, named=named)

    @app_commands.command(name="search", description="Search terms, definitions and perspectives")
    @app_commands.describe(query="Words to look for")
    async def search(
        self, interaction: discord.Interaction[Any], query: app_commands.Range[str, 1, 100]
    ) -> None:
        """Search the glossary, best matches first."""
        guild_id = _guild_id(interaction)
        hits, total = await self.bot.services.glossary.search(guild_id, query)
        if not hits:
            await send_private(interaction, f"Nothing in the glossary matches “{clip(query, 80)}”.")
            return
        view = SearchView(self.bot, guild_id, query, total, interaction.user.id)
        await send_private(
            interaction, embed=search_page(query, hits, total, 0, view.pages), view=view
        )

    @app_commands.command(name="list", description="Every term, A to Z")
    @app_commands.describe(letter="Only terms starting with this letter")
    async def list_(
        self,
        interaction: discord.Interaction[Any],
        letter: app_commands.Range[str, 1, 1] | None = None,
    ) -> None:
        """List terms alphabetically, paged."""
        terms = await self.bot.services.glossary.list_terms(_guild_id(interaction), letter)
        if not terms:
            await send_private(interaction, "No terms start with that letter yet.")
            return
        lines = [f"• {name}" for _, name in terms]
        title = f"Glossary: {letter.upper()}" if letter else "Glossary: A to Z"
        pages = [
            discord.Embed(title=title, description="\n".join(chunk), colour=COLOUR)
            for chunk in chunk_lines(lines, per_page=25)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="suggest", description="Propose a new term for the glossary")
    async def suggest(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form for a new term."""
        _guild_id(interaction)
        await interaction.response.send_modal(SuggestTermModal(post_for_review))

    @app_commands.command(name="perspective", description="Add your own perspective on a term")
    @app_commands.describe(term="The term", credit="Show your name with it, or “a member”")
    @app_commands.autocomplete(term=term_choices)
    async def perspective(
        self,
        interaction: discord.Interaction[Any],
        term: str,
        credit: Literal["my name", "a member"] = "my name",
    ) -> None:
        """Open the form for a perspective on an existing term."""
        found = await self.bot.services.glossary.resolve(_guild_id(interaction), term)
        await interaction.response.send_modal(
            PerspectiveModal(found, post_for_review, anonymous=credit == "a member")
        )

    @app_commands.command(
        name="mine", description="Your perspectives and suggestions: edit or withdraw them"
    )
    async def mine(self, interaction: discord.Interaction[Any]) -> None:
        """List the member's own contributions privately, with Edit and Withdraw buttons."""
        await show_mine(interaction)

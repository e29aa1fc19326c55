# Over 400 lines: the member and moderator glossary commands register together. Issue #17 splits it.
"""`/glossary` for members and `/mod glossary` for moderators."""

from __future__ import annotations

import io
import math
from typing import Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import Alongside
from bot.deadline import answer_publicly
from bot.errors import NotInServer, UserFacingError
from bot.glossary.model import TermFields
from bot.glossary.service import SEARCH_POOL
from bot.glossary.transfer import parse_import, to_toml
from bot.moderation import ModeratorGroup
from bot.paging import chunk_lines, send_pages
from bot.replies import SafeView, send_private
from bot.text import clip
from bot.views import ConfirmView
from cogs.glossary._mine import MINE_ITEMS, show_mine
from cogs.glossary._modals import EditTermModal, PerspectiveModal, SuggestTermModal
from cogs.glossary._remove import REMOVE_ITEMS, perspectives_pages
from cogs.glossary._render import (
    COLOUR,
    edit_embed,
    history_line,
    perspective_embed,
    search_page,
    suggestion_embed,
)
from cogs.glossary._summary import alias_reply, import_summary
from cogs.glossary._views import DYNAMIC_ITEMS, answer_for, review_view, send_term

ALL_ITEMS = (*DYNAMIC_ITEMS, *MINE_ITEMS, *REMOVE_ITEMS)


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise NotInServer()
    return interaction.guild_id


async def term_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Offer up to 25 names and aliases matching what was typed (from the in-memory index)."""
    if interaction.guild_id is None:
        return []
    bot = cast(Alongside, interaction.client)
    choices = await bot.services.glossary.autocomplete(interaction.guild_id, current)
    return [app_commands.Choice(name=c.label, value=c.slug) for c in choices]


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


class GlossaryAdmin(ModeratorGroup):
    """`/mod glossary`: moderators' tools for the glossary."""

    def __init__(self, bot: Alongside) -> None:
        super().__init__(name="glossary", description="Look after the shared glossary")
        self.bot = bot

    async def _record(
        self, interaction: discord.Interaction[Any], action: str, target: str, detail: str = ""
    ) -> None:
        await self.bot.services.audit.record(
            _guild_id(interaction),
            interaction.user.id,
            action,
            target,
            detail,
            self.bot.services.clock.now(),
        )

    @app_commands.command(name="add", description="Add a term")
    @app_commands.describe(
        term="The term's name",
        definition="What it means, in plain words",
        aliases="Other names, separated by commas",
        contested_note="If people disagree about it: what the debate is about",
    )
    async def add(
        self,
        interaction: discord.Interaction[Any],
        term: app_commands.Range[str, 1, 80],
        definition: app_commands.Range[str, 1, 1000],
        aliases: str | None = None,
        contested_note: app_commands.Range[str, 1, 400] | None = None,
    ) -> None:
        """Add a term written by a moderator."""
        names = tuple(a.strip() for a in (aliases or "").split(",") if a.strip())
        fields = TermFields(
            term,
            definition,
            names,
            contested=bool(contested_note),
            contested_note=contested_note or "",
        )
        added = await self.bot.services.glossary.add_term(
            _guild_id(interaction), interaction.user.id, fields
        )
        await self._record(interaction, "glossary.add", added.name)
        await send_private(interaction, f"Added {added.name} to the glossary.")

    @app_commands.autocomplete(term=term_choices)
    @app_commands.command(
        name="edit", description="Edit a term's wording, aliases or contested note"
    )
    @app_commands.describe(term="The term to edit")
    async def edit(self, interaction: discord.Interaction[Any], term: str) -> None:
        """Open the term in a form (the previous version stays in its history)."""
        found = await self.bot.services.glossary.resolve(_guild_id(interaction), term)
        await interaction.response.send_modal(EditTermModal(found))

    @app_commands.autocomplete(term=term_choices)
    @app_commands.command(name="remove", description="Remove a term and its perspectives")
    @app_commands.describe(term="The term to remove")
    async def remove(self, interaction: discord.Interaction[Any], term: str) -> None:
        """Ask for confirmation, then remove the term."""
        guild_id = _guild_id(interaction)
        found = await self.bot.services.glossary.resolve(guild_id, term)

        async def confirmed(click: discord.Interaction[Any]) -> None:
            removed = await self.bot.services.glossary.remove_term(guild_id, found.slug)
            await self._record(click, "glossary.remove", removed.name)
            await click.response.edit_message(content=f"Removed {removed.name}.", view=None)

        await send_private(
            interaction,
            f"Remove {found.name}, with its perspectives and history? This can't be undone.",
            view=ConfirmView(interaction.user.id, "Remove", confirmed),
        )

    @app_commands.autocomplete(term=term_choices)
    @app_commands.command(name="alias", description="Add or remove another name for a term")
    @app_commands.describe(
        term="The term", alias="The other name", remove="Remove this alias instead"
    )
    async def alias(
        self,
        interaction: discord.Interaction[Any],
        term: str,
        alias: app_commands.Range[str, 1, 80],
        remove: bool = False,
    ) -> None:
        """Add (or remove) an alias."""
        updated = await self.bot.services.glossary.set_alias(
            _guild_id(interaction), interaction.user.id, term, alias, remove=remove
        )
        await self._record(
            interaction, "glossary.alias", updated.name, ("-" if remove else "+") + alias
        )
        await send_private(interaction, alias_reply(updated.name, updated.aliases))

    @app_commands.autocomplete(term=term_choices)
    @app_commands.command(name="history", description="Every change to a term: who, when, what")
    @app_commands.describe(term="The term")
    async def history(self, interaction: discord.Interaction[Any], term: str) -> None:
        """List a term's revisions, newest first."""
        found, revisions = await self.bot.services.glossary.history(_guild_id(interaction), term)
        lines = [history_line(r) for r in revisions]
        pages = [
            discord.Embed(
                title=f"History of {found.name}",
                description="\n".join(chunk) + "\n\nRestore one with `/mod glossary revert`.",
                colour=COLOUR,
            )
            for chunk in chunk_lines(lines, per_page=8)
        ]
        await send_pages(interaction, pages)

    @app_commands.autocomplete(term=term_choices)
    @app_commands.command(name="revert", description="Restore a term to an earlier revision")
    @app_commands.describe(term="The term", revision="The revision number from its history")
    async def revert(
        self, interaction: discord.Interaction[Any], term: str, revision: app_commands.Range[int, 1]
    ) -> None:
        """Restore an earlier revision (itself recorded as a new revision)."""
        restored = await self.bot.services.glossary.revert(
            _guild_id(interaction), interaction.user.id, term, revision
        )
        await self._record(interaction, "glossary.revert", restored.name, f"to #{revision}")
        await send_private(
            interaction, f"{restored.name} is back as it was in revision #{revision}."
        )

    @app_commands.command(name="export", description="Download the glossary as a TOML file")
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """Send the glossary in the shipped file format, privately."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        terms = await self.bot.services.glossary.export_terms(_guild_id(interaction))
        data = to_toml(terms).encode()
        await send_private(
            interaction,
            f"The glossary: {len(terms)} terms. Import it elsewhere with `/mod glossary import`.",
            file=discord.File(io.BytesIO(data), filename="alongside-glossary.toml"),
        )

    @app_commands.command(
        name="import", description="Import terms from a TOML file (you confirm first)"
    )
    @app_commands.describe(file="A glossary file, as made by /mod glossary export")
    async def import_(
        self, interaction: discord.Interaction[Any], file: discord.Attachment
    ) -> None:
        """Check the file, show what it would change, and apply it only when confirmed."""
        guild_id = _guild_id(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if file.size > 2 * 1024 * 1024:
            raise UserFacingError(
                "That file is larger than 2 MiB, too large for a glossary import."
            )
        terms = parse_import(await file.read())
        plan = await self.bot.services.glossary.plan_import(guild_id, terms)
        summary = import_summary(plan)  # built to fit before anything is saved
        if not plan.add and not plan.update:
            await send_private(interaction, summary + "\nThere is nothing to import.")
            return

        done = f"Imported. {summary}"

        async def confirmed(click: discord.Interaction[Any]) -> None:
            await self.bot.services.glossary.apply_import(guild_id, click.user.id, plan)
            await self._record(
                click, "glossary.import", file.filename, f"+{len(plan.add)} ~{len(plan.update)}"
            )
            await click.response.edit_message(content=done, view=None)

        await send_private(
            interaction,
            summary,
            view=ConfirmView(interaction.user.id, "Import", confirmed),
        )

    @app_commands.autocomplete(term=term_choices)
    @app_commands.command(
        name="perspectives", description="A term's perspectives, each with a Remove button"
    )
    @app_commands.describe(term="The term")
    async def perspectives(self, interaction: discord.Interaction[Any], term: str) -> None:
        """List a term's members' perspectives privately, five to a message."""
        glossary = self.bot.services.glossary
        found = await glossary.resolve(_guild_id(interaction), term)
        listed = await glossary.perspectives.approved(found)
        if not listed:
            await send_private(interaction, f"{found.name} has no members' perspectives.")
            return
        pages = perspectives_pages(found, listed)
        first, view = pages[0]
        await send_private(interaction, embed=first, view=view)
        for embed, more in pages[1:]:
            await interaction.followup.send(embed=embed, view=more, ephemeral=True)

    @app_commands.command(
        name="pending", description="Suggestions and perspectives waiting for review"
    )
    async def pending(self, interaction: discord.Interaction[Any]) -> None:
        """Show up to five waiting items privately, each with its review buttons."""
        guild_id = _guild_id(interaction)
        glossary = self.bot.services.glossary
        waiting = await glossary.repo.pending(guild_id, limit=5)
        if not waiting:
            await send_private(interaction, "Nothing is waiting for review.")
            return
        await interaction.response.defer(ephemeral=True)
        for kind, item_id in waiting:
            if kind == "s":
                suggestion = await glossary.repo.suggestion(guild_id, item_id)
                embed = suggestion_embed(suggestion) if suggestion else None
            else:
                perspective = await glossary.repo.perspective(guild_id, item_id)
                term = (
                    await glossary.repo.term_by_id(guild_id, perspective.term_id)
                    if perspective
                    else None
                )
                render = edit_embed if kind == "e" else perspective_embed
                embed = render(perspective, term) if perspective and term else None
            if embed is not None:
                await interaction.followup.send(
                    embed=embed, view=review_view(kind, item_id), ephemeral=True
                )


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
        await send_term(interaction, pages, entry.related, public=share, view=view)

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
        await interaction.response.send_modal(SuggestTermModal())

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
            PerspectiveModal(found, anonymous=credit == "a member")
        )

    @app_commands.command(
        name="mine", description="Your perspectives and suggestions: edit or withdraw them"
    )
    async def mine(self, interaction: discord.Interaction[Any]) -> None:
        """List the member's own contributions privately, with Edit and Withdraw buttons."""
        await show_mine(interaction)

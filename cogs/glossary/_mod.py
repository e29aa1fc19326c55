"""`/mod glossary`: moderators add, edit, remove, import and review terms."""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands

from bot.app.client import Alongside
from bot.app.interactions import guild_of
from bot.core.errors import UserFacingError
from bot.glossary.model import TermFields
from bot.glossary.transfer import parse_import, to_toml
from bot.ui.moderation import ModeratorGroup
from bot.ui.paging import chunk_lines, send_pages
from bot.ui.replies import send_private
from bot.ui.views import ConfirmView
from cogs.glossary._choices import term_choices
from cogs.glossary._modals import EditTermModal
from cogs.glossary._remove import perspectives_pages
from cogs.glossary._render import (
    COLOUR,
    edit_embed,
    history_line,
    perspective_embed,
    suggestion_embed,
)
from cogs.glossary._summary import alias_reply, import_summary
from cogs.glossary._views import review_view


class GlossaryAdmin(ModeratorGroup):
    """`/mod glossary`: moderators' tools for the glossary."""

    def __init__(self, bot: Alongside) -> None:
        super().__init__(name="glossary", description="Look after the shared glossary")
        self.bot = bot

    async def _record(
        self, interaction: discord.Interaction[Any], action: str, target: str, detail: str = ""
    ) -> None:
        await self.bot.services.audit.record(
            guild_of(interaction),
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
            guild_of(interaction), interaction.user.id, fields
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
        found = await self.bot.services.glossary.resolve(guild_of(interaction), term)
        await interaction.response.send_modal(EditTermModal(found))

    @app_commands.autocomplete(term=term_choices)
    @app_commands.command(name="remove", description="Remove a term and its perspectives")
    @app_commands.describe(term="The term to remove")
    async def remove(self, interaction: discord.Interaction[Any], term: str) -> None:
        """Ask for confirmation, then remove the term."""
        guild_id = guild_of(interaction)
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
            guild_of(interaction), interaction.user.id, term, alias, remove=remove
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
        found, revisions = await self.bot.services.glossary.history(guild_of(interaction), term)
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
            guild_of(interaction), interaction.user.id, term, revision
        )
        await self._record(interaction, "glossary.revert", restored.name, f"to #{revision}")
        await send_private(
            interaction, f"{restored.name} is back as it was in revision #{revision}."
        )

    @app_commands.command(name="export", description="Download the glossary as a TOML file")
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """Send the glossary in the shipped file format, privately."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        terms = await self.bot.services.glossary.export_terms(guild_of(interaction))
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
        guild_id = guild_of(interaction)
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
        found = await glossary.resolve(guild_of(interaction), term)
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
        guild_id = guild_of(interaction)
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

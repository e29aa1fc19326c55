"""Glossary forms: suggest a term, add a perspective, edit or decline in review, edit a term."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

import discord

from bot.app.client import Alongside
from bot.db.glossary import Term
from bot.db.glossary_contributions import Suggestion
from bot.glossary.model import (
    DEFINITION_MAX,
    NAME_MAX,
    NOTE_MAX,
    PERSPECTIVE_MAX,
    SOURCE_MAX,
    TermFields,
    fields_from_snapshot,
    snapshot,
)
from bot.ui.moderation import ensure_moderator
from bot.ui.refusals import NotInServer
from bot.ui.replies import SafeModal, defer_privately, send_private
from cogs.glossary._decided import approve, reject
from cogs.glossary._render import perspective_embed, suggestion_embed

log = logging.getLogger(__name__)

PARAGRAPH = discord.TextStyle.paragraph
ALIASES_FIELD_MAX = 4000  # Discord: a text input holds at most 4,000 characters

# Posts an item to the moderators with its review buttons; False if there is nowhere to post.
# The cog passes `_views.post_for_review` in: those buttons open this module's forms.
PostForReview = Callable[[Alongside, discord.Guild, discord.Embed, str, int], Awaitable[bool]]


def _bot(interaction: discord.Interaction[Any]) -> Alongside:
    return cast(Alongside, interaction.client)


SAVED_NOT_POSTED = (
    " Moderators haven't chosen a review channel yet, so it is saved and waiting: "
    "they can see it with `/mod glossary pending`."
)


class SuggestTermModal(SafeModal, title="Suggest a glossary term"):
    """A member proposes a new term."""

    term = discord.ui.TextInput[Any](label="Term", custom_id="term", max_length=NAME_MAX)
    definition = discord.ui.TextInput[Any](
        label="What it means, in plain words",
        custom_id="definition",
        style=PARAGRAPH,
        max_length=DEFINITION_MAX,
    )
    source = discord.ui.TextInput[Any](
        label="Where the idea comes from (optional)",
        custom_id="source",
        required=False,
        max_length=SOURCE_MAX,
    )

    def __init__(self, post_for_review: PostForReview) -> None:
        super().__init__()
        self.post_for_review = post_for_review

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Save the suggestion and send it to the moderators."""
        if interaction.guild is None:
            raise NotInServer()
        bot = _bot(interaction)
        suggestion = await bot.services.glossary.suggest_term(
            interaction.guild.id,
            interaction.user.id,
            self.term.value,
            self.definition.value,
            self.source.value,
        )
        await defer_privately(interaction)
        posted = await self.post_for_review(
            bot, interaction.guild, suggestion_embed(suggestion), "s", suggestion.id
        )
        await send_private(
            interaction,
            f"Thank you. “{suggestion.name}” will be added once a moderator has looked at it, "
            "and Alongside will tell you by direct message." + ("" if posted else SAVED_NOT_POSTED),
        )


class PerspectiveModal(SafeModal, title="Add your perspective"):
    """A member adds their own view of a term."""

    text = discord.ui.TextInput[Any](
        label="Your perspective",
        custom_id="perspective",
        style=PARAGRAPH,
        max_length=PERSPECTIVE_MAX,
    )

    def __init__(self, term: Term, post_for_review: PostForReview, *, anonymous: bool) -> None:
        super().__init__(title=f"Your perspective on {term.name}"[:45])
        self.term = term
        self.post_for_review = post_for_review
        self.anonymous = anonymous

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Save the perspective for review."""
        if interaction.guild is None:
            raise NotInServer()
        bot = _bot(interaction)
        perspective, term = await bot.services.glossary.add_perspective(
            interaction.guild.id,
            interaction.user.id,
            self.term.slug,
            self.text.value,
            anonymous=self.anonymous,
        )
        await defer_privately(interaction)
        posted = await self.post_for_review(
            bot, interaction.guild, perspective_embed(perspective, term), "p", perspective.id
        )
        shown_as = "“a member”" if self.anonymous else "your name"
        await send_private(
            interaction,
            f"Thank you. Your perspective on {term.name} will appear, shown with {shown_as}, "
            "once a moderator has looked at it."
            + (" Moderators reviewing it won't see your name." if self.anonymous else "")
            + ("" if posted else SAVED_NOT_POSTED),
        )


class EditSuggestionModal(SafeModal, title="Edit before approving"):
    """A moderator tidies a suggestion, then approves it."""

    term = discord.ui.TextInput[Any](label="Term", custom_id="term", max_length=NAME_MAX)
    definition = discord.ui.TextInput[Any](
        label="Definition", custom_id="definition", style=PARAGRAPH, max_length=DEFINITION_MAX
    )

    def __init__(self, suggestion: Suggestion) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.term.default = suggestion.name
        self.definition.default = suggestion.definition

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Approve the edited suggestion (a form can be replayed, so check the moderator again)."""
        await ensure_moderator(interaction)
        await approve(
            interaction,
            "s",
            self.suggestion.id,
            name=self.term.value,
            definition=self.definition.value,
        )


class RejectModal(SafeModal, title="Decline, with a reason"):
    """A moderator says why, kindly; the contributor reads it."""

    reason = discord.ui.TextInput[Any](
        label="Reason (the contributor will read this)",
        custom_id="reason",
        style=PARAGRAPH,
        max_length=500,
    )

    def __init__(self, kind: str, item_id: int) -> None:
        super().__init__()
        self.kind = kind
        self.item_id = item_id

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Decline and tell the contributor (checking the moderator again)."""
        await ensure_moderator(interaction)
        await reject(interaction, self.kind, self.item_id, self.reason.value)


class EditTermModal(SafeModal, title="Edit a glossary term"):
    """A moderator edits a term's wording; the previous version stays in its history."""

    name = discord.ui.TextInput[Any](label="Term", custom_id="name", max_length=NAME_MAX)
    definition = discord.ui.TextInput[Any](
        label="Definition", custom_id="definition", style=PARAGRAPH, max_length=DEFINITION_MAX
    )
    aliases = discord.ui.TextInput[Any](
        label="Other names, one per line",
        custom_id="aliases",
        style=PARAGRAPH,
        required=False,
        max_length=ALIASES_FIELD_MAX,
    )
    contested_note = discord.ui.TextInput[Any](
        label="If contested: what the debate is about",
        custom_id="contested_note",
        style=PARAGRAPH,
        required=False,
        max_length=NOTE_MAX,
    )

    def __init__(self, term: Term) -> None:
        super().__init__()
        self.term = term
        self.name.default = term.name
        self.definition.default = term.definition
        listed = "\n".join(term.aliases)
        # Pre-fill only what fits; if every alias can't be shown, leave them out of the form
        # and keep them as they are, rather than saving a shortened list.
        self.edits_aliases = len(listed) <= ALIASES_FIELD_MAX
        if self.edits_aliases:
            self.aliases.default = listed
        else:
            self.remove_item(self.aliases)
        self.contested_note.default = term.contested_note

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Save the edit as a new revision (checking the moderator again)."""
        if interaction.guild_id is None:
            raise NotInServer()
        await ensure_moderator(interaction)
        bot = _bot(interaction)
        note = self.contested_note.value.strip()
        current = fields_from_snapshot(snapshot(self.term))
        fields = TermFields(
            name=self.name.value,
            definition=self.definition.value,
            aliases=self._aliases(current.aliases),
            contested=bool(note),
            contested_note=note,
            related=current.related,
            sources=current.sources,
        )
        term = await bot.services.glossary.edit_term(
            interaction.guild_id, interaction.user.id, self.term.slug, fields
        )
        await bot.services.audit.record(
            interaction.guild_id,
            interaction.user.id,
            "glossary.edit",
            term.name,
            "",
            bot.services.clock.now(),
        )
        kept = (
            "" if self.edits_aliases else " Its other names are unchanged (`/mod glossary alias`)."
        )
        await send_private(interaction, f"Saved. {term.name} now reads as you wrote it.{kept}")

    def _aliases(self, current: tuple[str, ...]) -> tuple[str, ...]:
        """Read one alias a line (commas are allowed inside an alias), or keep the current ones."""
        if not self.edits_aliases:
            return current
        return tuple(line.strip() for line in self.aliases.value.splitlines() if line.strip())

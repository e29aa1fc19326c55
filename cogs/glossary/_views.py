"""Glossary buttons: related terms, paging, and the moderators' persistent review buttons."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.components import ID_PATTERN, ButtonSpec, Guarded, ModeratorOnly
from bot.errors import UserFacingError
from bot.glossary.model import TermEntry
from bot.interactions import bot_of, guild_of, tell_member
from bot.replies import SafeView, send_private
from cogs.glossary._decided import answer_decided
from cogs.glossary._render import entry_pages

log = logging.getLogger(__name__)

Button = discord.ui.Button[Any]


class OpenTerm(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[Button],
    template=rf"alongside:glossary:term:(?P<value>{ID_PATTERN})",
):
    """A related-term button: opens that term for whoever clicks, privately."""

    prefix = "alongside:glossary:term"
    label = "Open"

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Show the related term to the person who clicked."""
        bot = bot_of(interaction)
        guild_id = guild_of(interaction)
        term = await bot.services.glossary.repo.term_by_id(guild_id, int(self.value))
        if term is None:
            raise UserFacingError("That term has been removed from the glossary.")
        entry = await bot.services.glossary.entry(term)
        await send_term(interaction, entry_pages(entry), entry.related)


class TermView(SafeView):
    """Pages of one term, plus buttons for its related terms."""

    def __init__(
        self, owner_id: int, pages: Sequence[discord.Embed], related: Sequence[tuple[int, str]]
    ):
        super().__init__(timeout=900)
        self.owner_id = owner_id
        self.pages = list(pages)
        self.index = 0
        if len(self.pages) > 1:
            self.previous = discord.ui.Button[TermView](label="Previous", row=0, disabled=True)
            self.next = discord.ui.Button[TermView](label="Next", row=0)
            self.previous.callback = self._turn(-1)  # type: ignore[method-assign,assignment]
            self.next.callback = self._turn(1)  # type: ignore[method-assign,assignment]
            self.add_item(self.previous)
            self.add_item(self.next)
            for number, page in enumerate(self.pages, start=1):
                page.set_footer(text=f"Page {number} of {len(self.pages)}")
        for term_id, name in list(related)[:10]:
            self.add_item(OpenTerm(term_id, name))

    def _turn(self, step: int) -> Callable[[discord.Interaction[Any]], Awaitable[None]]:
        async def turn(interaction: discord.Interaction[Any]) -> None:
            self.index = max(0, min(len(self.pages) - 1, self.index + step))
            self.previous.disabled = self.index == 0
            self.next.disabled = self.index == len(self.pages) - 1
            await interaction.response.edit_message(embed=self.pages[self.index], view=self)

        return turn


# id(entry) → (the entry, weakly; its pages; for one page, its stopped view). The service hands
# out the same TermEntry until the glossary changes, so each is rendered once; a record goes
# when its entry does (after a write or erasure, no old words stay here).
_answers: dict[int, tuple[weakref.ref[TermEntry], list[discord.Embed], TermView | None]] = {}


def answer_for(entry: TermEntry) -> tuple[list[discord.Embed], TermView | None]:
    """Return an entry's pages and, for a single page, a shareable view: made once per entry."""
    key = id(entry)
    hit = _answers.get(key)
    if hit is not None and hit[0]() is entry:
        return hit[1], hit[2]
    pages = entry_pages(entry)
    view = single_page_view(pages, entry.related) if len(pages) == 1 else None
    _answers[key] = (weakref.ref(entry, lambda _: _answers.pop(key, None)), pages, view)
    return pages, view


def single_page_view(pages: list[discord.Embed], related: Sequence[tuple[int, str]]) -> TermView:
    """Return a view for a one-page answer that discord.py sends but never stores.

    Its only buttons are OpenTerm, routed by custom_id as after a restart, so discord.py needn't
    keep the view (with a 15-minute timer task) per answer: a stopped view isn't stored.
    """
    view = TermView(0, pages, related)
    view.stop()
    return view


async def send_term(
    interaction: discord.Interaction[Any],
    pages: list[discord.Embed],
    related: Sequence[tuple[int, str]],
    *,
    public: bool = False,
    view: TermView | None = None,
) -> None:
    """Show a term privately (or in the channel, if the member chose to share it)."""
    if view is None:
        if len(pages) == 1:
            view = single_page_view(pages, related)
        else:
            view = TermView(interaction.user.id, pages, related)
    if public:
        await interaction.response.send_message(
            embed=pages[0], view=view, allowed_mentions=discord.AllowedMentions.none()
        )
        return
    await send_private(interaction, embed=pages[0], view=view)


# ----- review ---------------------------------------------------------------------------------


async def approve(
    interaction: discord.Interaction[Any], kind: str, item_id: int, **edits: str
) -> None:
    """Approve a suggestion or a perspective, and tell its author."""
    bot = bot_of(interaction)
    guild_id = guild_of(interaction)
    glossary = bot.services.glossary
    now = bot.services.clock.now()
    if kind == "s":
        suggestion, term = await glossary.approve_suggestion(
            guild_id, item_id, interaction.user.id, **edits
        )
        author_id, summary = suggestion.author_id, f"the term “{term.name}”"
    elif kind == "e":
        perspective, term = await glossary.perspectives.decide_edit(
            guild_id, interaction.user.id, item_id, approve=True, reason=""
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        summary = f"your edited perspective on “{term.name}”"
    else:
        perspective, term = await glossary.decide_perspective(
            guild_id, item_id, approve=True, moderator_id=interaction.user.id
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        summary = f"your perspective on “{term.name}”"
    await bot.services.audit.record(
        guild_id, interaction.user.id, "glossary.approve", term.name, "", now
    )
    await answer_decided(
        interaction,
        kind,
        item_id,
        f"Approved by {interaction.user.display_name}",
        f"Approved: {term.name} is in the glossary.",
    )
    await tell_member(
        bot,
        author_id,
        f"Thank you: {summary} is now in the glossary. Anyone can read it with /glossary define.",
    )


async def reject(
    interaction: discord.Interaction[Any], kind: str, item_id: int, reason: str
) -> None:
    """Decline a suggestion or a perspective, and tell its author why, privately."""
    bot = bot_of(interaction)
    guild_id = guild_of(interaction)
    glossary = bot.services.glossary
    if kind == "s":
        suggestion = await glossary.reject_suggestion(guild_id, item_id, reason)
        author_id, what = suggestion.author_id, f"your suggested term “{suggestion.name}”"
    elif kind == "e":
        perspective, term = await glossary.perspectives.decide_edit(
            guild_id, interaction.user.id, item_id, approve=False, reason=reason
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        what = f"the edit of your perspective on “{term.name}” (your earlier words stay shown)"
    else:
        perspective, term = await glossary.decide_perspective(
            guild_id, item_id, approve=False, reason=reason
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        what = f"your perspective on “{term.name}”"
    await bot.services.audit.record(
        guild_id,
        interaction.user.id,
        "glossary.reject",
        f"{kind}{item_id}",
        reason,
        bot.services.clock.now(),
    )
    await answer_decided(
        interaction,
        kind,
        item_id,
        f"Declined by {interaction.user.display_name}: {reason}",
        "Declined. The contributor has been told, privately.",
    )
    await tell_member(
        bot,
        author_id,
        f"A moderator didn't add {what} to the glossary this time. Their reason: {reason}",
    )


class ReviewButton(ButtonSpec, ModeratorOnly):
    """A review button's value is the kind and the item id.

    Kinds: s a suggested term, p a new perspective, e an author's edit of an approved one.
    """

    value: int | str

    @property
    def kind(self) -> str:
        """s for a suggested term, p for a perspective, e for an edit of one."""
        return str(self.value)[0]

    @property
    def item_id(self) -> int:
        """The suggestion's or perspective's id."""
        return int(str(self.value)[1:])


class ApproveButton(
    ReviewButton,
    discord.ui.DynamicItem[Button],
    template=rf"alongside:glossary:approve:(?P<value>[spe]{ID_PATTERN})",
):
    """Approve, for moderators only."""

    prefix = "alongside:glossary:approve"
    label = "Approve"
    style = discord.ButtonStyle.success

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Approve the suggestion or perspective."""
        await approve(interaction, self.kind, self.item_id)


class EditButton(
    ReviewButton,
    discord.ui.DynamicItem[Button],
    template=rf"alongside:glossary:edit:(?P<value>s{ID_PATTERN})",
):
    """Edit a suggested term before approving it, for moderators only."""

    prefix = "alongside:glossary:edit"
    label = "Edit and approve"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Open the suggestion in a form the moderator can change."""
        from cogs.glossary._modals import EditSuggestionModal

        suggestion = await bot_of(interaction).services.glossary.repo.suggestion(
            guild_of(interaction), self.item_id
        )
        if suggestion is None or suggestion.status != "pending":
            raise UserFacingError("That suggestion has already been decided.")
        await interaction.response.send_modal(EditSuggestionModal(suggestion))


class RejectButton(
    ReviewButton,
    discord.ui.DynamicItem[Button],
    template=rf"alongside:glossary:reject:(?P<value>[spe]{ID_PATTERN})",
):
    """Decline with a reason, for moderators only."""

    prefix = "alongside:glossary:reject"
    label = "Decline"
    style = discord.ButtonStyle.danger

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Ask for the reason the contributor will read."""
        from cogs.glossary._modals import RejectModal

        glossary = bot_of(interaction).services.glossary
        await glossary.check_pending(guild_of(interaction), self.kind, self.item_id)
        await interaction.response.send_modal(RejectModal(self.kind, self.item_id))


def review_view(kind: str, item_id: int) -> discord.ui.View:
    """The persistent buttons under a review message."""
    view = discord.ui.View(timeout=None)
    value = f"{kind}{item_id}"
    view.add_item(ApproveButton(value))
    if kind == "s":
        view.add_item(EditButton(value))
    view.add_item(RejectButton(value))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    OpenTerm,
    ApproveButton,
    EditButton,
    RejectButton,
)

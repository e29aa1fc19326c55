"""Glossary buttons: related terms, paging, and the moderators' persistent review buttons."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.app.client import Alongside
from bot.app.interactions import bot_of, guild_of
from bot.core.errors import UserFacingError
from bot.db.glossary_reviews import ReviewPosts
from bot.glossary.model import TermEntry
from bot.ui.components import ID_PATTERN, ButtonSpec, Guarded, ModeratorOnly
from bot.ui.replies import SafeView, send_private
from cogs.glossary._decided import approve
from cogs.glossary._modals import EditSuggestionModal, RejectModal
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
    named: Sequence[int] = (),
) -> None:
    """Show a term privately (or in the channel, if the member chose to share it).

    `named` are the members credited by name on the term's pages: a shared answer quotes them
    in the channel, so it is recorded and goes when any of them erases their data.
    """
    if view is None:
        if len(pages) == 1:
            view = single_page_view(pages, related)
        else:
            view = TermView(interaction.user.id, pages, related)
    if public:
        await interaction.response.send_message(
            embed=pages[0], view=view, allowed_mentions=discord.AllowedMentions.none()
        )
        if named and interaction.guild_id is not None:
            sent = await interaction.original_response()
            await bot_of(interaction).services.member_data.remember_post(
                interaction.guild_id, named, "shared glossary answer", sent.channel.id, sent.id
            )
        return
    await send_private(interaction, embed=pages[0], view=view)


# ----- review ---------------------------------------------------------------------------------


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


async def post_for_review(
    bot: Alongside, guild: discord.Guild, embed: discord.Embed, kind: str, item_id: int
) -> bool:
    """Post an item to the review channel with its buttons; False if there is nowhere to post."""
    settings = bot.services.settings
    channel_id = await settings.get(guild.id, "glossary_review_channel") or await settings.get(
        guild.id, "mod_channel"
    )
    channel = guild.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.TextChannel):
        return False
    try:
        sent = await channel.send(embed=embed, view=review_view(kind, item_id))
    except discord.HTTPException:
        log.warning("Could not post to the glossary review channel", exc_info=True)
        return False
    # Kept so a decision made from a private copy (/mod glossary pending) marks this message.
    await ReviewPosts(bot.services.db).remember(guild.id, kind, item_id, channel.id, sent.id)
    return True


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    OpenTerm,
    ApproveButton,
    EditButton,
    RejectButton,
)

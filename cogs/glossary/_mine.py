"""`/glossary mine`: a member's own perspectives and suggestions, with Edit and Withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.app.interactions import bot_of, guild_of
from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.db.glossary_contributions import Perspective
from bot.db.glossary_owned import OwnedSuggestion
from bot.glossary.model import PERSPECTIVE_MAX
from bot.glossary.perspectives import NOT_YOURS
from bot.ui.components import ID_PATTERN, ButtonSpec, Guarded
from bot.ui.replies import SafeModal, SafeView, defer_privately, send_private
from cogs.glossary._modals import SAVED_NOT_POSTED
from cogs.glossary._render import COLOUR, edit_embed, perspective_embed, quoted
from cogs.glossary._views import post_for_review

Button = discord.ui.Button[Any]
PER_PAGE = 5

STATUS = {
    "pending": "waiting for review",
    "approved": "in the glossary",
    "rejected": "not added",
    "removed": "removed by a moderator",
}


@dataclass(frozen=True, slots=True)
class Mine:
    """One line of `/glossary mine`: a perspective (p) or a suggested term (s)."""

    kind: str
    id: int
    heading: str
    body: str
    editable: bool


def mine_items(
    perspectives: Sequence[tuple[Perspective, str]], suggestions: Sequence[OwnedSuggestion]
) -> list[Mine]:
    """Describe the member's contributions, newest last."""
    items: list[Mine] = []
    for perspective, term in perspectives:
        credit = "as “a member”" if perspective.credit == "anonymous" else "with your name"
        heading = f"{term} · {credit} · {STATUS.get(perspective.status, perspective.status)}"
        body = clip(quoted(perspective.text), 400)
        if perspective.pending_text:
            body += "\n*Your edit is waiting for review:* " + clip(
                quoted(perspective.pending_text), 300
            )
        if perspective.reason and perspective.status in ("rejected", "removed"):
            body += f"\n*The moderator's reason:* {clip(quoted(perspective.reason), 300)}"
        editable = perspective.status in ("pending", "approved")
        items.append(Mine("p", perspective.id, heading, body, editable))
    for suggestion in suggestions:
        heading = f"Suggested term: {suggestion.name} · {STATUS[suggestion.status]}"
        body = clip(quoted(suggestion.definition), 400)
        if suggestion.reason:
            body += f"\n*The moderator's reason:* {clip(quoted(suggestion.reason), 300)}"
        items.append(Mine("s", suggestion.id, heading, body, False))
    return items


class MineView(SafeView):
    """Pages of the member's contributions, five at a time, each with its buttons."""

    def __init__(self, owner_id: int, items: list[Mine]) -> None:
        super().__init__(timeout=900)
        self.owner_id = owner_id
        self.items = items
        self.page = 0
        self.pages = max(1, -(-len(items) // PER_PAGE))
        self._build()

    def embed(self) -> discord.Embed:
        """Render the current page."""
        embed = discord.Embed(
            title="Your glossary contributions",
            description="Only you can see this. Edits are looked at by a moderator before "
            "they show; withdrawing takes your words out of the glossary and its history.",
            colour=COLOUR,
        )
        start = self.page * PER_PAGE
        for number, item in enumerate(self.items[start : start + PER_PAGE], start=start + 1):
            embed.add_field(
                name=clip(f"{number}. {item.heading}", 256), value=item.body or "…", inline=False
            )
        if self.pages > 1:
            embed.set_footer(text=f"Page {self.page + 1} of {self.pages}")
        return embed

    def _build(self) -> None:
        self.clear_items()
        start = self.page * PER_PAGE
        for row, item in enumerate(self.items[start : start + PER_PAGE]):
            number = start + row + 1
            if item.editable:
                edit = EditMine(item.id, f"Edit {number}")
                edit.item.row = row
                self.add_item(edit)
            withdraw = WithdrawMine(f"{item.kind}{item.id}", f"Withdraw {number}")
            withdraw.item.row = row
            self.add_item(withdraw)
        if self.pages > 1:
            for step, label in ((-1, "Previous"), (1, "Next")):
                button = discord.ui.Button[MineView](label=label, row=min(4, PER_PAGE - 1))
                button.disabled = not 0 <= self.page + step < self.pages
                button.callback = self._turn(step)  # type: ignore[method-assign]
                self.add_item(button)

    def _turn(self, step: int) -> Any:
        async def turn(interaction: discord.Interaction[Any]) -> None:
            if interaction.user.id != self.owner_id:
                return
            self.page = max(0, min(self.pages - 1, self.page + step))
            self._build()
            await interaction.response.edit_message(embed=self.embed(), view=self)

        return turn


async def show_mine(interaction: discord.Interaction[Any]) -> None:
    """List the member's own perspectives and suggestions, privately."""
    glossary = bot_of(interaction).services.glossary
    guild_id = guild_of(interaction)
    await glossary.ensure_shipped(guild_id)
    perspectives, suggestions = await glossary.perspectives.mine(guild_id, interaction.user.id)
    items = mine_items(perspectives, suggestions)
    if not items:
        await send_private(
            interaction,
            "You haven't added anything to the glossary yet. `/glossary perspective` adds your "
            "view of a term; `/glossary suggest` proposes a new one.",
        )
        return
    view = MineView(interaction.user.id, items)
    await send_private(interaction, embed=view.embed(), view=view)


class EditMine(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[Button],
    template=rf"alongside:glossary:mine-edit:(?P<value>{ID_PATTERN})",
):
    """Edit your own perspective; the bot checks on every click that it is yours."""

    prefix = "alongside:glossary:mine-edit"
    label = "Edit"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Open the perspective in a form, if the clicker wrote it."""
        glossary = bot_of(interaction).services.glossary
        perspective = await glossary.perspectives.own(
            guild_of(interaction), interaction.user.id, int(self.value)
        )
        await interaction.response.send_modal(EditMineModal(perspective))


class WithdrawMine(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[Button],
    template=rf"alongside:glossary:mine-withdraw:(?P<value>[ps]{ID_PATTERN})",
):
    """Withdraw your own perspective or suggestion, after one confirmation."""

    prefix = "alongside:glossary:mine-withdraw"
    label = "Withdraw"
    style = discord.ButtonStyle.danger

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Ask the author to confirm (checking first that it is theirs)."""
        glossary = bot_of(interaction).services.glossary
        guild_id = guild_of(interaction)
        kind, item_id = str(self.value)[0], int(str(self.value)[1:])
        if kind == "p":
            await glossary.perspectives.own(guild_id, interaction.user.id, item_id)
            question = (
                "Withdraw this perspective? Your words leave the glossary and its history, "
                "and moderators can't bring them back."
            )
        else:
            suggestion = await glossary.repo.suggestion(guild_id, item_id)
            if suggestion is None or suggestion.author_id != interaction.user.id:
                raise UserFacingError(NOT_YOURS)
            question = "Withdraw this suggested term?"
        await send_private(
            interaction, question, view=ConfirmWithdraw(interaction.user.id, kind, item_id)
        )


class ConfirmWithdraw(SafeView):
    """Yes / Keep it, for the author alone (the service checks authorship again)."""

    def __init__(self, owner_id: int, kind: str, item_id: int) -> None:
        super().__init__(timeout=300)
        self.owner_id, self.kind, self.item_id = owner_id, kind, item_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the author who asked can confirm."""
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Withdraw", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Withdraw it."""
        self.stop()
        glossary = bot_of(interaction).services.glossary
        guild_id = guild_of(interaction)
        if self.kind == "p":
            term = await glossary.perspectives.withdraw(guild_id, interaction.user.id, self.item_id)
            done = f"Withdrawn. Your perspective on {term.name} is no longer in the glossary."
        else:
            await glossary.perspectives.withdraw_suggestion(
                guild_id, interaction.user.id, self.item_id
            )
            done = "Withdrawn. Moderators won't be asked about that term."
        await interaction.response.edit_message(content=done, view=None)

    @discord.ui.button(label="Keep it", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Change nothing."""
        self.stop()
        await interaction.response.edit_message(content="Kept; nothing changed.", view=None)


class EditMineModal(SafeModal, title="Edit your perspective"):
    """The author rewrites their perspective; an approved one is reviewed again."""

    text = discord.ui.TextInput[Any](
        label="Your perspective",
        custom_id="perspective",
        style=discord.TextStyle.paragraph,
        max_length=PERSPECTIVE_MAX,
    )

    def __init__(self, perspective: Perspective) -> None:
        super().__init__()  # no fixed custom_id: each opening gets its own
        self.perspective_id = perspective.id
        self.text.default = perspective.pending_text or perspective.text

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Save the edit (checking again that it is the author's) and send it for review."""
        if interaction.guild is None:
            return
        bot = bot_of(interaction)
        perspective, term, kind = await bot.services.glossary.perspectives.edit(
            interaction.guild.id, interaction.user.id, self.perspective_id, self.text.value
        )
        await defer_privately(interaction)
        embed = (
            edit_embed(perspective, term) if kind == "e" else perspective_embed(perspective, term)
        )
        posted = await post_for_review(bot, interaction.guild, embed, kind, perspective.id)
        if kind == "e":
            message = (
                f"Thank you. Your edit of your perspective on {term.name} will show once a "
                "moderator has looked at it; until then the approved words stay."
            )
        else:
            message = f"Thank you. Your perspective on {term.name} now reads as you wrote it, "
            message += "and is waiting for review."
        await send_private(interaction, message + ("" if posted else SAVED_NOT_POSTED))


MINE_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (EditMine, WithdrawMine)

"""`/mod glossary perspectives`: a term's perspectives, each with a Remove button and a reason."""

from __future__ import annotations

from typing import Any

import discord

from bot.app.interactions import bot_of, guild_of, tell_member
from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.db.glossary import Term
from bot.db.glossary_contributions import Perspective
from bot.ui.components import ID_PATTERN, ButtonSpec, ModeratorOnly
from bot.ui.moderation import ensure_moderator
from bot.ui.replies import SafeModal, send_private
from cogs.glossary._render import COLOUR, credited, quoted

Button = discord.ui.Button[Any]
PER_PAGE = 5


def perspectives_pages(
    term: Term, perspectives: list[Perspective]
) -> list[tuple[discord.Embed, discord.ui.View]]:
    """Render a term's member perspectives for moderators, five a page, with Remove buttons."""
    pages: list[tuple[discord.Embed, discord.ui.View]] = []
    for start in range(0, len(perspectives), PER_PAGE):
        chunk = perspectives[start : start + PER_PAGE]
        embed = discord.Embed(title=f"Perspectives on {term.name}", colour=COLOUR)
        view = discord.ui.View(timeout=None)
        for number, perspective in enumerate(chunk, start=start + 1):
            value = clip(quoted(perspective.text), 1000) + f"\n— {credited(perspective)}"
            embed.add_field(
                name=f"{number}. Perspective #{perspective.id}", value=value, inline=False
            )
            view.add_item(RemovePerspective(perspective.id, f"Remove {number}"))
        embed.set_footer(text="Removing one asks you for a reason, which its author is sent.")
        pages.append((embed, view))
    return pages


class RemovePerspective(
    ButtonSpec,
    ModeratorOnly,
    discord.ui.DynamicItem[Button],
    template=rf"alongside:glossary:premove:(?P<value>{ID_PATTERN})",
):
    """Remove one perspective, for moderators only; opens a form for the reason."""

    prefix = "alongside:glossary:premove"
    label = "Remove"
    style = discord.ButtonStyle.danger

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Ask for the reason its author will read."""
        glossary = bot_of(interaction).services.glossary
        perspective = await glossary.repo.perspective(guild_of(interaction), int(self.value))
        if perspective is None or perspective.credit == "shipped":
            raise UserFacingError("That perspective no longer exists.")
        if perspective.status != "approved":
            raise UserFacingError(f"That perspective is already {perspective.status}.")
        await interaction.response.send_modal(RemoveModal(perspective.id))


class RemoveModal(SafeModal, title="Remove a perspective"):
    """A moderator says why; the author is told privately."""

    reason = discord.ui.TextInput[Any](
        label="Reason (its author will read this)",
        custom_id="reason",
        style=discord.TextStyle.paragraph,
        max_length=500,
    )

    def __init__(self, perspective_id: int) -> None:
        super().__init__()  # no fixed custom_id: each opening gets its own
        self.perspective_id = perspective_id

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Remove it, record it, and tell its author (checking the moderator again)."""
        await ensure_moderator(interaction)
        bot = bot_of(interaction)
        guild_id = guild_of(interaction)
        glossary = bot.services.glossary
        perspective, term = await glossary.perspectives.remove(
            guild_id, interaction.user.id, self.perspective_id, self.reason.value
        )
        # The log names the term and the perspective's number, never its author.
        await bot.services.audit.record(
            guild_id,
            interaction.user.id,
            "glossary.perspective.remove",
            term.name,
            f"perspective #{perspective.id}: {perspective.reason}",
            bot.services.clock.now(),
        )
        told = await tell_member(
            bot,
            glossary.perspectives.recipient(guild_id, perspective),
            f"A moderator removed your perspective on “{term.name}” from the glossary. "
            f"Their reason: {perspective.reason}\n"
            "You can see it, and withdraw it for good, with /glossary mine.",
        )
        await send_private(
            interaction,
            f"Removed from {term.name}. "
            + (
                "Its author has been told, privately."
                if told
                else "Its author couldn't be reached by DM; they'll see the reason in "
                "/glossary mine."
            )
            + " `/mod glossary revert` can restore it.",
        )


REMOVE_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (RemovePerspective,)

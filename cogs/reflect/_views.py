"""Prompt buttons: persistent ones on posted prompts and reviews, and private views."""

from __future__ import annotations

import logging
from typing import Any, cast

import discord
from discord import app_commands

from bot.app.client import Alongside
from bot.app.interactions import bot_of, guild_of, tell_member
from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.prompts.models import Drawn
from bot.prompts.settings import REVIEW_KEY
from bot.ui.components import ID_PATTERN
from bot.ui.membership import ensure_can_post, ensure_member_here
from bot.ui.moderation import ensure_moderator
from bot.ui.replies import NO_PINGS, SafeView, send_private
from cogs.reflect._common import (
    PREFIX,
    Button,
    _Persistent,
    delivery_guild,
    mark_review,
    prompt_thread,
)
from cogs.reflect._modals import JournalModal, RejectModal, ShareModal
from cogs.reflect._render import NOW_FOOTER, prompt_embed

log = logging.getLogger(__name__)

COMING_SOON = (
    "Anonymous answers are coming soon: they will go through Alongside's anonymous sharing, "
    "with all its protections. For now you can journal privately or share in the thread."
)


class JournalButton(_Persistent, template=rf"{PREFIX}:journal:(?P<id>{ID_PATTERN})"):
    """Write privately about a posted or DM'd prompt."""

    _action, _label, _style = "journal", "Journal privately", discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Open the journal form for this prompt."""
        service = bot_of(interaction).services.prompts
        delivery = await service.delivery(self.item_id)
        guild_id = delivery_guild(interaction, delivery)
        await ensure_member_here(interaction, guild_id)
        drawn = await service.prompt_in(guild_id, delivery.prompt_id or 0)
        await interaction.response.send_modal(JournalModal(guild_id, drawn))


class ShareButton(_Persistent, template=rf"{PREFIX}:share:(?P<id>{ID_PATTERN})"):
    """Answer in the prompt's thread, under your own name."""

    _action, _label = "share", "Share in the thread"

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form whose answer is posted in the thread."""
        service = bot_of(interaction).services.prompts
        delivery = await service.delivery(self.item_id)
        guild_id = delivery_guild(interaction, delivery)
        if delivery.kind != "channel" or delivery.thread_id is None:
            raise UserFacingError("This prompt has no thread to share in.")
        ensure_can_post(interaction.user, await prompt_thread(interaction, delivery.thread_id))
        drawn = await service.prompt_in(guild_id, delivery.prompt_id or 0)
        await interaction.response.send_modal(ShareModal(guild_id, delivery.thread_id, drawn))


async def open_anonymous_share(interaction: discord.Interaction[Any]) -> None:
    """Hand over to the anonymous sharing flow when it is loaded; otherwise say it's coming."""
    bot = bot_of(interaction)
    cog = bot.get_cog("Unsaid")
    command = getattr(cog, "share", None)
    if getattr(bot.services, "unsaid", None) is not None and isinstance(
        command, app_commands.Command
    ):
        # The Unsaid command does its own checks (limits, blocks) and opens its own form, so
        # an answer shared from here gets every protection a direct /unsaid share gets.
        await cast(Any, command.callback)(cog, interaction)
        return
    await send_private(interaction, COMING_SOON)


class AnonymousButton(_Persistent, template=rf"{PREFIX}:anon:(?P<id>{ID_PATTERN})"):
    """Answer anonymously, through the anonymous sharing flow."""

    _action, _label = "anon", "Share anonymously"

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Open the anonymous answer form for this prompt (or explain that it is coming)."""
        bot = bot_of(interaction)
        service = bot.services.prompts
        delivery = await service.delivery(self.item_id)
        guild_id = delivery_guild(interaction, delivery)
        await ensure_member_here(interaction, guild_id)
        cog = bot.get_cog("Unsaid")
        open_answer = getattr(cog, "open_answer", None)
        if delivery.thread_id is not None and open_answer is not None:
            # Unsaid keeps every protection (limits, blocks, review, timing, receipts) and
            # stores only the thread, so the answer is posted with its prompt, unsigned.
            drawn = await service.prompt_in(guild_id, delivery.prompt_id or 0)
            await open_answer(interaction, delivery.thread_id, drawn.prompt.text)
            return
        await open_anonymous_share(interaction)


class StopButton(_Persistent, template=rf"{PREFIX}:stop:(?P<id>{ID_PATTERN})"):
    """Stop DM prompts straight from one of them, without going back to the server."""

    _action, _label = "stop", "Stop these prompts"

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """End the clicker's subscription in the server this prompt came from."""
        bot = bot_of(interaction)
        delivery = await bot.services.prompts.delivery(self.item_id)
        if delivery.kind != "dm":
            raise UserFacingError("This button only works on prompts sent by direct message.")
        guild_id = delivery_guild(interaction, delivery)
        await bot.services.prompts.unsubscribe(guild_id, interaction.user.id)
        guild = bot.get_guild(guild_id)
        where = f" from {guild.name}" if guild else ""
        await send_private(
            interaction,
            f"Done: no more prompts by direct message{where}. Your journal is still there "
            "(`/reflect journal` in the server), and `/reflect subscribe` starts them again.",
        )


class ApproveButton(_Persistent, template=rf"{PREFIX}:approve:(?P<id>{ID_PATTERN})"):
    """Add a suggested prompt to the library, for moderators only."""

    _action, _label, _style = "approve", "Approve", discord.ButtonStyle.success

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Approve, after checking the clicker is a moderator."""
        await ensure_moderator(interaction)
        bot = bot_of(interaction)
        guild_id = guild_of(interaction)
        suggestion, prompt = await bot.services.prompts.approve(guild_id, self.item_id)
        await bot.services.audit.record(
            guild_id,
            interaction.user.id,
            "prompts.approve",
            prompt.code,
            clip(prompt.text, 200),
            bot.services.clock.now(),
        )
        await send_private(interaction, f"Approved: it's in the library as `{prompt.code}`.")
        await mark_review(interaction, "Approved by a moderator")
        await tell_member(
            bot,
            suggestion.author_id,
            "Thank you: the prompt you suggested is now in the server's library, so it may come "
            "up in schedules and `/reflect now`.",
        )


class RejectButton(_Persistent, template=rf"{PREFIX}:reject:(?P<id>{ID_PATTERN})"):
    """Decline a suggested prompt with a reason, for moderators only."""

    _action, _label, _style = "reject", "Decline", discord.ButtonStyle.danger

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Ask for the reason its author will read."""
        await ensure_moderator(interaction)
        await bot_of(interaction).services.prompts.suggestion(guild_of(interaction), self.item_id)
        await interaction.response.send_modal(RejectModal(self.item_id))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    JournalButton,
    ShareButton,
    AnonymousButton,
    StopButton,
    ApproveButton,
    RejectButton,
)


def dm_view(delivery_id: int) -> discord.ui.View:
    """The buttons under a prompt sent by DM."""
    view = discord.ui.View(timeout=None)
    view.add_item(JournalButton(delivery_id))
    view.add_item(StopButton(delivery_id))
    return view


def channel_view(delivery_id: int, *, thread: bool) -> discord.ui.View:
    """The buttons under a prompt posted in a channel."""
    view = discord.ui.View(timeout=None)
    view.add_item(JournalButton(delivery_id))
    if thread:
        view.add_item(ShareButton(delivery_id))
    view.add_item(AnonymousButton(delivery_id))
    return view


def review_view(suggestion_id: int) -> discord.ui.View:
    """The persistent buttons under a suggestion in the review channel."""
    view = discord.ui.View(timeout=None)
    view.add_item(ApproveButton(suggestion_id))
    view.add_item(RejectButton(suggestion_id))
    return view


async def post_for_review(
    bot: Alongside, guild: discord.Guild, embed: discord.Embed, sid: int, author_id: int
) -> bool:
    """Post a suggestion to the review channel with its buttons; False if there is nowhere."""
    settings = bot.services.settings
    channel_id = await settings.get(guild.id, REVIEW_KEY) or await settings.get(
        guild.id, "mod_channel"
    )
    channel = guild.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.TextChannel):
        return False
    try:
        sent = await channel.send(embed=embed, view=review_view(sid), allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        log.warning("Could not post to the prompts review channel", exc_info=True)
        return False
    # The card says "Suggested by" them, with their words: it goes if they erase their data.
    await bot.services.member_data.remember_post(
        guild.id, (author_id,), "prompt suggestion review", channel.id, sent.id
    )
    return True


class NowView(SafeView):
    """Under `/reflect now`: journal about it, or ask for another."""

    def __init__(self, owner_id: int, guild_id: int, drawn: Drawn, theme: str | None) -> None:
        super().__init__(timeout=900)
        self.owner_id, self.guild_id, self.drawn, self.theme = owner_id, guild_id, drawn, theme

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the person who asked can use these buttons."""
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Journal privately", style=discord.ButtonStyle.primary)
    async def journal(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Open the private journal form for this prompt."""
        await interaction.response.send_modal(JournalModal(self.guild_id, self.drawn))

    @discord.ui.button(label="Another prompt", style=discord.ButtonStyle.secondary)
    async def another(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Show a different prompt in place of this one."""
        service = bot_of(interaction).services.prompts
        self.drawn = await service.draw(self.guild_id, self.owner_id, self.theme)
        await interaction.response.edit_message(
            embed=prompt_embed(self.drawn, NOW_FOOTER), view=self
        )


class ThemePicker(SafeView):
    """Choose which themes your DM prompts come from."""

    def __init__(
        self, owner_id: int, guild_id: int, labels: dict[str, str], chosen: tuple[str, ...]
    ) -> None:
        super().__init__(timeout=900)
        self.owner_id, self.guild_id, self.labels = owner_id, guild_id, labels
        self.pick = discord.ui.Select[ThemePicker](
            placeholder="Themes (leave empty for all of them)",
            min_values=0,
            max_values=len(labels),
            options=[
                discord.SelectOption(label=clip(label, 100), value=key, default=key in chosen)
                for key, label in labels.items()
            ],
        )
        self.pick.callback = self._pick  # type: ignore[method-assign]
        self.add_item(self.pick)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the subscriber can choose their themes."""
        return interaction.user.id == self.owner_id

    async def _pick(self, interaction: discord.Interaction[Any]) -> None:
        """Save the chosen themes."""
        service = bot_of(interaction).services.prompts
        keys = await service.set_themes(self.guild_id, self.owner_id, list(self.pick.values))
        for option in self.pick.options:
            option.default = option.value in keys
        shown = "; ".join(self.labels[k] for k in keys) if keys else "every theme"
        await interaction.response.edit_message(
            content=f"Saved. Your prompts will come from: {shown}.", view=self
        )

"""Prompt forms: journal privately, share in a thread, suggest a prompt, decline a suggestion."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.app.client import Alongside
from bot.app.interactions import bot_of, guild_of, tell_member
from bot.core.errors import UserFacingError
from bot.core.text import as_words, clip
from bot.prompts.library import NOTE_MAX, TEXT_MAX
from bot.prompts.models import JOURNAL_MAX, Drawn
from bot.prompts.rules import clean_text
from bot.ui.membership import ensure_can_post, ensure_member_here
from bot.ui.moderation import ensure_moderator
from bot.ui.refusals import NotInServer
from bot.ui.replies import MESSAGE_LIMIT, NO_PINGS, SafeModal, defer_privately, send_private
from cogs.reflect._common import mark_review, prompt_thread
from cogs.reflect._render import suggestion_embed
from cogs.reflect._shares import share_view
from cogs.support import support_embed

log = logging.getLogger(__name__)

PARAGRAPH = discord.TextStyle.paragraph
SHARE_MAX = 1800
SAVED = "Saved to your journal. Only you can read it, with `/reflect journal`."
HEAVY_WORDS = (
    "Thank you for putting this into words. Some of it sounds very heavy, so before anything "
    "else: these people are there to listen, free and in confidence, right now. Alongside is "
    "a bot, so it can't respond in a crisis."
)

# Posts a suggestion to the moderators with its review buttons; False if there is nowhere.
# The cog passes `_views.post_for_review` in: those buttons open this module's forms.
PostForReview = Callable[[Alongside, discord.Guild, discord.Embed, int, int], Awaitable[bool]]


class JournalModal(SafeModal, title="Journal privately"):
    """A private journal entry; only its author can ever read it through the bot."""

    entry = discord.ui.TextInput[Any](
        label="Your reflection (only you can read it)",
        custom_id="entry",
        style=PARAGRAPH,
        max_length=JOURNAL_MAX,
    )

    def __init__(self, guild_id: int, drawn: Drawn | None) -> None:
        super().__init__()
        self.guild_id = guild_id
        self.drawn = drawn
        if drawn is not None:
            self.entry.placeholder = clip(drawn.prompt.text, 100)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Save the entry; show helplines first if the words suggest crisis."""
        bot = bot_of(interaction)
        # A form opened from a prompt DM may be sent after its author was removed.
        await ensure_member_here(interaction, self.guild_id)
        prompt_id = self.drawn.prompt.id if self.drawn else None
        await bot.services.prompts.write_journal(
            self.guild_id, interaction.user.id, self.entry.value, prompt_id
        )
        if bot.services.safety.matcher.matches(self.entry.value):
            await send_private(
                interaction,
                f"{HEAVY_WORDS}\n\n{SAVED}",
                embed=await support_embed(bot, self.guild_id),
            )
            return
        await send_private(interaction, SAVED)


class ShareModal(SafeModal, title="Share in the thread"):
    """An answer posted in the prompt's thread, under the member's own name."""

    answer = discord.ui.TextInput[Any](
        label="Your answer (posted under your name)",
        custom_id="answer",
        style=PARAGRAPH,
        max_length=SHARE_MAX,
    )

    def __init__(self, guild_id: int, thread_id: int, drawn: Drawn) -> None:
        super().__init__()
        self.guild_id, self.thread_id, self.prompt_id = guild_id, thread_id, drawn.prompt.id
        self.answer.placeholder = clip(drawn.prompt.text, 100)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Post the answer in the thread, attributed, pinging nobody."""
        bot = bot_of(interaction)
        words = clean_text(self.answer.value, SHARE_MAX, "answer", allow_mentions=True)
        if bot.services.safety.matcher.matches(words):
            # Held for the person, not posted: they can still post it themselves if they wish.
            await send_private(
                interaction,
                f"{HEAVY_WORDS}\n\nAlongside hasn't posted your answer. If you still want to "
                "share it, you can write in the thread yourself. Here is what you wrote:\n"
                f"```\n{clip(words.replace('```', 'ʼʼʼ'), 1400)}\n```",
                embed=await support_embed(bot, interaction.guild_id),
            )
            return
        shown = f"{interaction.user.mention} shared:\n>>> {as_words(words)}"
        if len(shown) > MESSAGE_LIMIT:
            raise UserFacingError(
                "Your answer has many characters such as < [ ] and \\ that need extra room "
                "when posted, so it doesn't fit in one message. Please shorten it a little."
            )
        await defer_privately(interaction)
        channel = await prompt_thread(interaction, self.thread_id)
        # Permissions may have changed while the form was open: check again before posting.
        ensure_can_post(interaction.user, channel)
        shares = bot.services.prompts.shares
        # Recorded first, so the post's Delete button can name it; forgotten if posting fails.
        share_id = await shares.begin(
            self.guild_id, interaction.user.id, channel.id, self.prompt_id, words
        )
        try:
            message = await channel.send(
                shown, allowed_mentions=NO_PINGS, view=share_view(share_id)
            )
        except discord.HTTPException:
            await shares.abandon(share_id)
            raise UserFacingError(
                "I couldn't post in that thread (it may be locked). Nothing was shared."
            ) from None
        await shares.posted(share_id, message.id)
        await send_private(
            interaction,
            f"Shared in {channel.mention}, under your name. Its Delete button (only you can use "
            "it) or `/reflect journal` takes it down.",
        )


class SuggestModal(SafeModal, title="Suggest a prompt"):
    """A member proposes a prompt for moderators to review."""

    text = discord.ui.TextInput[Any](
        label="The prompt", custom_id="text", style=PARAGRAPH, max_length=TEXT_MAX
    )
    note = discord.ui.TextInput[Any](
        label="Content note, if it may touch painful things",
        custom_id="content_note",
        required=False,
        max_length=NOTE_MAX,
    )

    def __init__(self, theme: str, post_for_review: PostForReview) -> None:
        super().__init__()
        self.theme = theme
        self.post_for_review = post_for_review

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Save the suggestion and send it to the moderators."""
        if interaction.guild is None:
            raise NotInServer()
        bot = bot_of(interaction)
        service = bot.services.prompts
        suggestion = await service.suggest(
            interaction.guild.id,
            interaction.user.id,
            self.theme,
            self.text.value,
            self.note.value or None,
        )
        await defer_privately(interaction)
        posted = await self.post_for_review(
            bot,
            interaction.guild,
            suggestion_embed(suggestion, service.themes()),
            suggestion.id,
            interaction.user.id,
        )
        waiting = (
            ""
            if posted
            else " Moderators haven't chosen a review channel yet, so it is saved and waiting."
        )
        await send_private(
            interaction,
            "Thank you. A moderator will look at your prompt, and Alongside will tell you by "
            "direct message if it's added." + waiting,
        )


class RejectModal(SafeModal, title="Decline, with a reason"):
    """A moderator says why, kindly; the member who suggested it reads it."""

    reason = discord.ui.TextInput[Any](
        label="Reason (the member will read this)",
        custom_id="reason",
        style=PARAGRAPH,
        max_length=500,
    )

    def __init__(self, suggestion_id: int) -> None:
        super().__init__()
        self.suggestion_id = suggestion_id

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Decline, record it, and tell the member privately."""
        await ensure_moderator(interaction)
        bot = bot_of(interaction)
        guild_id = guild_of(interaction)
        suggestion = await bot.services.prompts.reject(
            guild_id, self.suggestion_id, self.reason.value
        )
        await bot.services.audit.record(
            guild_id,
            interaction.user.id,
            "prompts.reject",
            f"suggestion {suggestion.id}",
            self.reason.value,
            bot.services.clock.now(),
        )
        await send_private(interaction, "Declined. The member has been told, privately.")
        await mark_review(interaction, "Declined by a moderator")
        await tell_member(
            bot,
            suggestion.author_id,
            "A moderator didn't add the prompt you suggested this time. Their reason: "
            f"{clip(self.reason.value, 1500)}",
        )

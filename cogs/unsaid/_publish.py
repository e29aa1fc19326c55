"""Everything Unsaid sends to Discord: always the bot's own messages, never pinging anyone.

Posts are sent with `channel.send`, never as an interaction response or followup, because those
carry the user who triggered them in their metadata.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import discord

from bot.app.client import Alongside
from bot.core.text import as_words
from bot.db.unsaid import UnsaidItem
from bot.ui.replies import NO_PINGS
from bot.unsaid.content import spoiler
from bot.unsaid.models import Withdrawal
from cogs.unsaid._answers import SOME_PROMPT, post_answer, prompt_line
from cogs.unsaid._views import reply_view, review_view

log = logging.getLogger(__name__)

COLOUR = 0x6C5B7B
CARE_COLOUR = 0xB5525C
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened when Alongside tried to post something."""

    posted: bool
    jump_url: str | None = None
    problem: str | None = None
    number: int | None = None


def shown_day(day: str) -> str:
    """Render a stored day as people read it: 12 January 2026 (never a time)."""
    when = date.fromisoformat(day)
    return f"{when.day} {when:%B %Y}"


def _words(body: str, note: str | None) -> str:
    return spoiler(body) if note else as_words(body)


def _note_line(note: str) -> str:
    return f"**Content note:** {as_words(note)}"


def describe(item: UnsaidItem) -> str:
    """Name an item for moderators without saying anything about who wrote it."""
    if item.is_reply:
        return f"A reply to Unsaid #{item.parent_number}"
    if item.is_answer:
        return "An anonymous answer to a prompt"
    return f"Unsaid #{item.number}" if item.number else "A submission"


def review_embed(item: UnsaidItem, prompt: str | None = None) -> discord.Embed:
    """Show a submission to moderators: the words, the flags, a day, and never an author."""
    title = (
        f"Reply to Unsaid #{item.parent_number}: waiting for review"
        if item.is_reply
        else "Anonymous answer to a prompt: waiting for review"
        if item.is_answer
        else "Unsaid: waiting for review"
    )
    embed = discord.Embed(
        title=title,
        description=_words(item.body or "", item.content_note),
        colour=CARE_COLOUR if item.needs_care else COLOUR,
    )
    if item.needs_care:
        embed.add_field(
            name="Needs care",
            value="This matched a crisis phrase. The author was shown helplines straight away. "
            "Please read it with care; it was held for review whatever the settings.",
            inline=False,
        )
    if item.content_note:
        embed.add_field(name="Content note", value=as_words(item.content_note), inline=False)
    if item.has_link:
        embed.add_field(name="Holds a link", value="Check where it leads before approving.")
    if item.is_answer:
        embed.add_field(
            name="Answers the prompt",
            value=f"{prompt or SOME_PROMPT}\nIf approved, it is posted in that prompt's thread.",
            inline=False,
        )
    elif not item.is_reply:
        embed.add_field(
            name="Replies", value="Peers may reply anonymously" if item.allow_replies else "Off"
        )
    embed.set_footer(
        text=f"Shared on {shown_day(item.shared_on)}. Moderators can't see who wrote this."
    )
    return embed


def closed_embed(item: UnsaidItem, headline: str, detail: str = "") -> discord.Embed:
    """Replace a review message once it is decided: the words are no longer shown here."""
    embed = discord.Embed(title=headline, description=detail or None, colour=COLOUR)
    embed.set_footer(text=f"Shared on {shown_day(item.shared_on)}.")
    return embed


def post_embed(item: UnsaidItem, number: int) -> discord.Embed:
    """The public post: a number, the words (spoilered under a note) and the day."""
    embed = discord.Embed(
        title=f"Unsaid #{number}",
        description=_words(item.body or "", item.content_note),
        colour=COLOUR,
    )
    embed.set_footer(text=f"Shared anonymously on {shown_day(item.shared_on)}")
    return embed


def reply_embed(item: UnsaidItem) -> discord.Embed:
    """An anonymous reply, posted by the bot in the post's thread."""
    embed = discord.Embed(
        title="Anonymous reply",
        description=_words(item.body or "", item.content_note),
        colour=COLOUR,
    )
    embed.set_footer(text=f"Shared anonymously on {shown_day(item.shared_on)}")
    return embed


def _problem(error: Exception) -> str:
    if isinstance(error, LookupError):
        return "no channel is set for it"
    if isinstance(error, discord.Forbidden):
        return "Alongside isn't allowed to post there (check it can send messages and make threads)"
    if isinstance(error, discord.NotFound):
        return "the channel no longer exists"
    return "Discord didn't accept the message"


class Publisher:
    """Sends, edits and deletes Unsaid's messages."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot

    def _channel(self, channel_id: int | None, guild_id: int) -> discord.PartialMessageable:
        if channel_id is None:
            raise LookupError("no channel is set")
        return self.bot.get_partial_messageable(channel_id, guild_id=guild_id)

    async def send_for_review(self, item: UnsaidItem, channel_id: int | None) -> bool:
        """Post one submission in the review channel; record it, or leave it queued."""
        service = self.bot.services.unsaid
        prompt = await self._prompt(item)
        try:
            message = await self._channel(channel_id, item.guild_id).send(
                embed=review_embed(item, prompt),
                view=review_view(item.public_id),
                allowed_mentions=NO_PINGS,
            )
        except (discord.HTTPException, LookupError) as error:
            failures = await service.review_failed(item)
            log.warning("Could not release a submission for review (try %d)", failures)
            if failures == 1:
                await self.tell_moderators(
                    item.guild_id,
                    "A submission to Unsaid couldn't be shown for review: "
                    f"{_problem(error)}. It is kept, "
                    "and Alongside will try again with the next batch. Check "
                    "`/mod unsaid settings`.",
                    avoid=channel_id,
                )
            return False
        if not await service.mark_in_review(item, message.channel.id, message.id):
            await self._quietly(message.delete())  # withdrawn while it was being sent
        return True

    async def _prompt(self, item: UnsaidItem) -> str | None:
        """The first line of the prompt an anonymous answer belongs to."""
        if item.answer_thread_id is None:
            return None
        return await prompt_line(self.bot, item.guild_id, item.answer_thread_id)

    async def post(self, item: UnsaidItem) -> Outcome:
        """Post an item (or a reply in its thread); on failure keep it and tell moderators."""
        service = self.bot.services.unsaid
        answer = item.is_answer
        number = None if item.is_reply or answer else await service.number_for(item)
        config = await service.config(item.guild_id)
        thread_id: int | None = None
        fell_back = False
        try:
            if answer:
                prompt = await self._prompt(item) or SOME_PROMPT
                message, fell_back = await post_answer(
                    self.bot, item, prompt, shown_day(item.shared_on), config.channel_id
                )
            elif item.is_reply:
                target = self._channel(item.parent_thread_id, item.guild_id)
                message = await target.send(
                    content=_note_line(item.content_note) if item.content_note else None,
                    embed=reply_embed(item),
                    allowed_mentions=NO_PINGS,
                )
            else:
                assert number is not None
                target = self._channel(config.channel_id, item.guild_id)
                extra: dict[str, Any] = {}
                if item.allow_replies:
                    extra["view"] = reply_view(item.public_id)
                message = await target.send(
                    content=_note_line(item.content_note) if item.content_note else None,
                    embed=post_embed(item, number),
                    allowed_mentions=NO_PINGS,
                    **extra,
                )
        except (discord.HTTPException, LookupError) as error:
            problem = _problem(error)
            failures = await service.post_failed(item)
            log.warning("Could not post an Unsaid item (try %d)", failures)
            if failures == 1:
                what = describe(item) if number is None else f"Unsaid #{number}"
                await self.tell_moderators(
                    item.guild_id,
                    f"{what} couldn't be posted: {problem}. It is kept safely, and Alongside "
                    "will try again every 15 minutes.",
                )
                if item.reviewed:
                    await self.close_review(
                        item,
                        "Approved: waiting to be posted",
                        f"Alongside couldn't post it yet ({problem}). It is kept and will be "
                        "tried again every 15 minutes.",
                        block_button=not await service.is_item_blocked(item),
                    )
            return Outcome(False, problem=problem, number=number)
        if not item.is_reply and item.allow_replies:
            try:
                thread = await message.create_thread(
                    name=f"Unsaid #{number}: responses",
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                )
                thread_id = thread.id
            except discord.HTTPException:
                await self.tell_moderators(
                    item.guild_id,
                    f"Unsaid #{number} is posted, but Alongside couldn't open a thread for "
                    "responses. Check it can create public threads there.",
                )
        if not await service.mark_posted(item, message.channel.id, message.id, thread_id):
            # Withdrawn while it was being posted: take it straight back down.
            await self._quietly(message.delete())
            return Outcome(False, problem="it was withdrawn by its author")
        detail = message.jump_url
        if fell_back:
            detail = (
                "The prompt's thread was gone or closed, so Alongside posted it in the Unsaid "
                f"channel with the prompt quoted: {message.jump_url}"
            )
        if item.reviewed:
            headline = (
                f"Reply posted under Unsaid #{item.parent_number}"
                if item.is_reply
                else "Posted as an anonymous answer to the prompt"
                if answer
                else f"Posted as Unsaid #{number}"
            )
            await self.close_review(
                item,
                headline,
                detail,
                block_button=not await service.is_item_blocked(item),
            )
        else:
            await self.notice_unreviewed(item, number, detail)
        return Outcome(True, jump_url=message.jump_url, number=number)

    async def notice_unreviewed(self, item: UnsaidItem, number: int | None, url: str) -> None:
        """With review off, give moderators a Block button for what was just posted."""
        config = await self.bot.services.unsaid.config(item.guild_id)
        if config.review_channel_id is None:
            return
        what = f"Unsaid #{number}" if number else describe(item)
        try:
            message = await self._channel(config.review_channel_id, item.guild_id).send(
                embed=closed_embed(item, f"{what} was posted without review", url),
                view=review_view(item.public_id, ("block",)),
                allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException:
            log.warning("Could not tell moderators about an unreviewed Unsaid post")
            return
        await self.bot.services.unsaid.set_review_message(item, message.channel.id, message.id)

    async def tell_moderators(self, guild_id: int, text: str, *, avoid: int | None = None) -> None:
        """Tell moderators something needs them, in the review channel or the mod channel."""
        config = await self.bot.services.unsaid.config(guild_id)
        for channel_id in (config.review_channel_id, config.mod_channel_id):
            if channel_id is None or channel_id == avoid:
                continue
            try:
                await self._channel(channel_id, guild_id).send(text, allowed_mentions=NO_PINGS)
            except discord.HTTPException:
                continue
            return
        log.warning("Could not reach moderators about an Unsaid problem in any channel")

    async def close_review(
        self, item: UnsaidItem, headline: str, detail: str = "", *, block_button: bool = True
    ) -> None:
        """Replace a review message's words with the decision, keeping Block if it still works."""
        if item.review_channel_id is None or item.review_message_id is None:
            return
        message = self._channel(item.review_channel_id, item.guild_id).get_partial_message(
            item.review_message_id
        )
        view = review_view(item.public_id, ("block",)) if block_button and item.has_tag else None
        await self._quietly(
            message.edit(content=None, embed=closed_embed(item, headline, detail), view=view)
        )

    async def erase(self, withdrawal: Withdrawal) -> list[str]:
        """Delete a withdrawn post, its thread and replies; return what couldn't be removed."""
        problems: list[str] = []
        everything = [withdrawal.item, *withdrawal.replies]
        for item in everything:
            await self.close_review(
                item,
                "Withdrawn by its author",
                "Alongside has erased the words.",
                block_button=False,
            )
        item = withdrawal.item
        if item.thread_id is not None:
            if not await self._delete_channel(item.thread_id):
                problems.append("its thread")
        elif item.is_reply and item.message_id is not None and item.channel_id is not None:
            target = self._channel(item.channel_id, item.guild_id)
            if not await self._quietly(target.get_partial_message(item.message_id).delete()):
                problems.append("the reply")
        if not item.is_reply and item.message_id is not None and item.channel_id is not None:
            target = self._channel(item.channel_id, item.guild_id)
            if not await self._quietly(target.get_partial_message(item.message_id).delete()):
                problems.append("the post")
        return problems

    async def _delete_channel(self, channel_id: int) -> bool:
        channel = self.bot.get_channel(channel_id)
        try:
            if channel is None:
                fetched = await self.bot.fetch_channel(channel_id)
                if not isinstance(fetched, discord.Thread):
                    return False
                channel = fetched
            if not isinstance(channel, discord.Thread):
                return False
            await channel.delete()
        except discord.NotFound:
            return True
        except discord.HTTPException:
            return False
        return True

    @staticmethod
    async def _quietly(action: Awaitable[Any]) -> bool:
        """Run a Discord call whose failure is not worth an apology; say whether it worked."""
        try:
            await action
        except discord.NotFound:
            return True
        except discord.HTTPException:
            return False
        return True

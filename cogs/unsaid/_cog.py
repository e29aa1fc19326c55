"""`/unsaid share|withdraw|status|about`, the review actions and the release tick.

Every answer to a member is ephemeral or a modal. The member's id is read only to hand it to
the service for keyed tags; it is never logged, stored or shown.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.core.errors import UserFacingError
from bot.core.scheduler import Scheduler
from bot.ui.refusals import NotInServer
from bot.ui.replies import send_private
from bot.unsaid.models import GuildConfig, Route, Submitted
from cogs.support import support_embed
from cogs.unsaid._about import about_embed
from cogs.unsaid._mod import UnsaidModGroup
from cogs.unsaid._modals import AnswerModal, NoteModal, RejectModal, ReplyModal, ShareModal
from cogs.unsaid._publish import Publisher, describe, shown_day
from cogs.unsaid._views import ReplyButton, ReviewButton, review_view

log = logging.getLogger(__name__)

TICK_JOB = "unsaid:tick"
TICK_SECONDS = 60
COLOUR = 0x6C5B7B

CRISIS_INTRO = (
    "Thank you for putting this into words. Some of what you wrote sounds very heavy, so "
    "before anything else: these people are there to listen, free and in confidence, right now. "
    "Alongside is a bot, so it can't respond in a crisis."
)


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise NotInServer()
    return interaction.guild_id


def _next_steps(submitted: Submitted) -> str:
    config: GuildConfig = submitted.config
    where = (
        "in the post's thread"
        if submitted.is_reply
        else "in the prompt's thread"
        if submitted.is_answer
        else f"in <#{config.channel_id}>"
    )
    if submitted.route is Route.REVIEW:
        return (
            f"A moderator will read it before it's posted {where}. Submissions reach moderators "
            f"in shuffled batches every {config.batch_minutes} minutes, so they can't tell when "
            "you wrote it, and they never see who you are."
        )
    if submitted.route is Route.HELD:
        why = "of what it says" if submitted.needs_care else "it holds a link"
        return (
            f"Because {why}, a moderator will read it before it's posted {where}. "
            "They won't see who wrote it."
        )
    return (
        f"It will appear {where} after a random wait of {config.delay_min} to "
        f"{config.delay_max} minutes, so no one can match the post to when you wrote it."
    )


def receipt_embed(submitted: Submitted) -> discord.Embed:
    """Tell the author what happens next and show their receipt code, once."""
    title = "Your reply is on its way" if submitted.is_reply else "Shared anonymously"
    embed = discord.Embed(title=title, description=_next_steps(submitted), colour=COLOUR)
    embed.add_field(
        name="Your receipt code",
        value=(
            f"`{submitted.receipt}`\n"
            "It is shown only this once: copy it somewhere safe. With it you can withdraw "
            "this (`/unsaid withdraw`) or see what happened to it (`/unsaid status`). "
            "Alongside keeps only a scrambled form, so it can't show you the code again."
        ),
        inline=False,
    )
    return embed


class Unsaid(commands.Cog):
    """What I couldn't say in the room: anonymous sharing with timing and crisis care."""

    privacy = (
        "Unsaid posts and anonymous replies are sent by Alongside, not by you. Moderators "
        "review them without seeing who wrote them.",
        "For Unsaid, Alongside stores no user id or name: only keyed fingerprints for daily "
        "limits and blocks, and a scrambled receipt. `/unsaid about` explains who can see "
        "what, and for how long.",
    )

    unsaid = app_commands.Group(
        name="unsaid",
        description="Share what you couldn't say in the room, anonymously",
        guild_only=True,
    )

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        self.publisher = Publisher(bot)
        self.mod_group = UnsaidModGroup(bot)
        self._tick_lock = asyncio.Lock()

    async def cog_load(self) -> None:
        """Register the persistent buttons, the moderator commands and the release tick."""
        self.bot.add_dynamic_items(ReviewButton, ReplyButton)
        self.bot.mod_root.add_command(self.mod_group)
        # Forgetting tags, slots, rejections and lapsed blocks is a daily retention step.
        self.bot.services.maintenance.on_retention("unsaid", self.bot.services.unsaid.purge)
        scheduler = self.bot.services.scheduler
        scheduler.on_rebuild(self._schedule)
        if scheduler.running:
            await self._schedule(scheduler)

    async def cog_unload(self) -> None:
        """Remove what cog_load added."""
        self.bot.remove_dynamic_items(ReviewButton, ReplyButton)
        self.bot.mod_root.remove_command(self.mod_group.name)
        self.bot.services.scheduler.remove(TICK_JOB)

    async def _schedule(self, scheduler: Scheduler) -> None:
        scheduler.every(TICK_JOB, TICK_SECONDS, self.tick)

    # ------------------------------------------------------------------ the tick

    async def tick(self) -> None:
        """Release due review batches and post what is due (retention runs with maintenance)."""
        async with self._tick_lock:
            service = self.bot.services.unsaid
            for batch in await service.review_batches():
                config = await service.config(batch.guild_id)
                for item in batch.items:
                    await self.publisher.send_for_review(item, config.review_channel_id)
                await service.finish_batch(batch)
                log.info("Released a batch of %d Unsaid submissions for review", len(batch.items))
            due = await service.due_posts()
            posted = [(await self.publisher.post(item)).posted for item in due]
            if due:
                log.info("Unsaid: posted %d of %d due submissions", sum(posted), len(due))

    # ------------------------------------------------------------------ members

    @unsaid.command(name="share", description="Share something anonymously")
    async def share(self, interaction: discord.Interaction) -> None:
        """Open the form, after checking this person can share today."""
        guild_id = _guild_id(interaction)
        await self.bot.services.unsaid.check_allowed(guild_id, interaction.user.id)
        await interaction.response.send_modal(ShareModal(self))

    async def open_reply(self, interaction: discord.Interaction, public_id: str) -> None:
        """Open the anonymous reply form for one post."""
        guild_id = _guild_id(interaction)
        service = self.bot.services.unsaid
        parent = await service.reply_target(guild_id, public_id)
        await service.check_allowed(guild_id, interaction.user.id, reply=True)
        await interaction.response.send_modal(ReplyModal(self, public_id, parent.number))

    async def open_answer(
        self, interaction: discord.Interaction, thread_id: int, prompt: str
    ) -> None:
        """Open the anonymous answer form for a prompt whose thread is `thread_id`."""
        guild_id = _guild_id(interaction)
        await self.bot.services.unsaid.check_allowed(guild_id, interaction.user.id)
        await interaction.response.send_modal(AnswerModal(self, thread_id, prompt))

    async def finish_share(
        self,
        interaction: discord.Interaction,
        body: str,
        note: str | None,
        *,
        allow_replies: bool = True,
        reply_to: str | None = None,
        answer_to: int | None = None,
        guild_id: int | None = None,
    ) -> None:
        """Store the words; helplines come first when they suggest crisis.

        `guild_id` names the server when the words come from a DM (a /room debrief).
        """
        guild_id = guild_id or _guild_id(interaction)
        service = self.bot.services.unsaid
        crisis = service.is_crisis(body, note)
        embeds = [await support_embed(self.bot, guild_id)] if crisis else []
        try:
            submitted = await service.submit(
                guild_id,
                interaction.user.id,
                body,
                note,
                allow_replies=allow_replies,
                reply_to=reply_to,
                answer_to=answer_to,
            )
        except UserFacingError as error:
            if not crisis:
                raise
            await send_private(interaction, f"{CRISIS_INTRO}\n\n{error.message}", embeds=embeds)
            return
        embeds.append(receipt_embed(submitted))
        await send_private(interaction, CRISIS_INTRO if crisis else None, embeds=embeds)

    @unsaid.command(name="withdraw", description="Take back something you shared, using its code")
    @app_commands.describe(receipt="The receipt code you were shown when you shared it")
    async def withdraw(self, interaction: discord.Interaction, receipt: str) -> None:
        """Delete the post, its thread and replies, and erase everything stored about it."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        service = self.bot.services.unsaid
        withdrawal = await service.withdrawal(receipt, interaction.user.id)
        item = withdrawal.item
        problems = await self.publisher.erase(withdrawal)
        await service.forget(withdrawal)
        what = "reply" if item.is_reply else "answer" if item.is_answer else "submission"
        if problems:
            await self.publisher.tell_moderators(
                item.guild_id,
                f"{describe(item)} was withdrawn by its author, but Alongside couldn't remove "
                f"{' and '.join(problems)} from Discord. Please delete it by hand.",
            )
            await send_private(
                interaction,
                f"Your {what} is withdrawn and Alongside has erased everything it stored about "
                f"it. It couldn't remove {' and '.join(problems)} from Discord, so moderators "
                "have been asked to delete it (they still don't know who wrote it).",
            )
            return
        posted = ""
        if item.status == "posted":
            posted = (
                " It has been taken down from the prompt's thread."
                if item.is_answer
                else " It has been taken down, with its thread."
            )
        await send_private(
            interaction,
            f"Your {what} is withdrawn.{posted} Alongside has erased the words and everything "
            "else it stored about it, including the receipt.",
        )

    @unsaid.command(name="status", description="See what happened to something you shared")
    @app_commands.describe(receipt="The receipt code you were shown when you shared it")
    async def status(self, interaction: discord.Interaction, receipt: str) -> None:
        """Tell the holder of a receipt where their words are; nobody else can ask."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        item = await self.bot.services.unsaid.by_receipt(receipt, interaction.user.id)
        shared = f"You shared it on {shown_day(item.shared_on)}."
        if item.status in ("queued", "in_review"):
            text = "It's waiting for a moderator to read it."
        elif item.status == "scheduled" and item.failures:
            text = (
                "It's ready, but Alongside couldn't post it yet. It is kept safely, moderators "
                "have been told, and Alongside keeps trying."
            )
        elif item.status == "scheduled":
            text = "It's ready and will be posted within a few minutes."
        elif item.status == "posted":
            where = (
                f"in the thread of Unsaid #{item.parent_number}"
                if item.is_reply
                else "as an anonymous answer to the prompt"
                if item.is_answer
                else f"as Unsaid #{item.number}"
            )
            link = (
                f" https://discord.com/channels/{item.guild_id}/{item.channel_id}/{item.message_id}"
                if item.channel_id and item.message_id
                else ""
            )
            text = f"It's posted {where}.{link}"
        else:
            reason = f" Their reason: “{item.reason}”" if item.reason else " They gave no reason."
            text = (
                f"Moderators decided not to post it.{reason} Alongside has erased the words. "
                "This note is forgotten 14 days after you shared it."
            )
        await send_private(interaction, f"{text} {shared}")

    @unsaid.command(name="about", description="Who can see what in Unsaid, and what is stored")
    async def about(self, interaction: discord.Interaction) -> None:
        """Explain, in plain words, who can see what and what Alongside keeps."""
        config = await self.bot.services.unsaid.config(_guild_id(interaction))
        backup_days = self.bot.services.config.backup_keep
        await send_private(interaction, embed=about_embed(config, backup_days))

    # ------------------------------------------------------------------ moderators

    async def review_action(
        self, interaction: discord.Interaction, action: str, public_id: str
    ) -> None:
        """Run one review button (the caller has already checked the moderator)."""
        guild_id = _guild_id(interaction)
        service = self.bot.services.unsaid
        if action == "approve":
            await self.approve(interaction, public_id)
        elif action == "note":
            item = await service.in_review(guild_id, public_id)
            await interaction.response.send_modal(NoteModal(self, public_id, item.content_note))
        elif action == "reject":
            await service.in_review(guild_id, public_id)
            await interaction.response.send_modal(RejectModal(self, public_id))
        else:
            await self.block(interaction, public_id)

    async def approve(
        self,
        interaction: discord.Interaction,
        public_id: str,
        *,
        note: str | None = None,
        set_note: bool = False,
    ) -> None:
        """Approve and post straight away (approval time says nothing about writing time)."""
        guild_id = _guild_id(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = self.bot.services
        item = await services.unsaid.approve(guild_id, public_id, note=note, set_note=set_note)
        outcome = await self.publisher.post(item)
        label = describe(item) if item.is_reply else f"Unsaid #{outcome.number}"
        await services.audit.record(
            guild_id,
            interaction.user.id,
            "unsaid.approve",
            label,
            "with a content note" if set_note else "",
            services.clock.now(),
        )
        if outcome.posted:
            await send_private(interaction, f"Approved and posted: {outcome.jump_url}")
        else:
            await send_private(
                interaction,
                f"Approved, but Alongside couldn't post it: {outcome.problem}. It is kept "
                "safely and Alongside will try again every 15 minutes. `/mod unsaid settings` "
                "shows where it posts.",
            )

    async def reject(self, interaction: discord.Interaction, public_id: str, reason: str) -> None:
        """Reject: the words are erased; the reason waits for the author's receipt."""
        guild_id = _guild_id(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = self.bot.services
        item = await services.unsaid.reject(guild_id, public_id, reason)
        blocked = await services.unsaid.is_item_blocked(item)
        await self.publisher.close_review(
            item,
            "Not posted",
            "Alongside has erased the words. The author can read the reason with their receipt.",
            block_button=not blocked,
        )
        await services.audit.record(
            guild_id, interaction.user.id, "unsaid.reject", describe(item), "", services.clock.now()
        )
        await send_private(
            interaction,
            "Rejected, and the words are erased. Alongside can't contact the author, because it "
            "doesn't know who they are; they can read your reason with `/unsaid status`.",
        )

    async def block(self, interaction: discord.Interaction, public_id: str) -> None:
        """Block whoever wrote this, without anyone learning who they are."""
        guild_id = _guild_id(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = self.bot.services
        block_id, new = await services.unsaid.block(guild_id, public_id)
        item = await services.unsaid.item(guild_id, public_id)
        if interaction.message is not None:
            actions = ("approve", "note", "reject") if item.status == "in_review" else ()
            view = review_view(public_id, actions) if actions else None
            await interaction.message.edit(view=view)
        if new:
            await services.audit.record(
                guild_id, interaction.user.id, "unsaid.block", block_id, "", services.clock.now()
            )
        await send_private(
            interaction,
            f"Blocked as `{block_id}`. Whoever wrote this can't share or reply anonymously here "
            f"until a moderator runs `/mod unsaid unblock block:{block_id}`. Alongside doesn't "
            "record who they are, and no one is told.",
        )

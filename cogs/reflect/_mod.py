"""`/mod prompts`: channel schedules and the server's prompt library."""

from __future__ import annotations

from typing import Any, Literal, Protocol

import discord
from discord import app_commands

from bot.app.client import Alongside
from bot.app.interactions import guild_of
from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.prompts.delivery import Sender
from bot.prompts.library import GROUNDING_MAX, NOTE_MAX, TEXT_MAX
from bot.ui.moderation import ModeratorGroup
from bot.ui.paging import chunk_lines, send_pages
from bot.ui.permissions import POST, missing_in, needs_for
from bot.ui.replies import send_private
from cogs.reflect._render import (
    COLOUR,
    cadence_text,
    prompt_embed,
    prompt_line,
    schedule_line,
)

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PREVIEW_FOOTER = "Preview: only you can see this."


def _bot(interaction: discord.Interaction[Any]) -> Alongside:
    bot = interaction.client
    assert isinstance(bot, Alongside)
    return bot


async def theme_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Offer the themes whose names contain what was typed."""
    needle = current.strip().lower()
    return [
        app_commands.Choice(name=label[:100], value=key)
        for key, label in _bot(interaction).services.prompts.themes().items()
        if needle in label.lower() or needle in key
    ][:25]


async def prompt_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Offer prompts whose id or words contain what was typed."""
    if interaction.guild_id is None:
        return []
    needle = current.strip().lower()
    found = await _bot(interaction).services.prompts.library_for(interaction.guild_id)
    return [
        app_commands.Choice(name=clip(f"{p.code}: {p.text}", 100), value=p.code)
        for p in found
        if needle in p.code.lower() or needle in p.text.lower()
    ][:25]


async def schedule_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    """Offer this server's schedules by number."""
    if interaction.guild_id is None:
        return []
    bot = _bot(interaction)
    choices = []
    for schedule in await bot.services.prompts.schedules(interaction.guild_id):
        channel = bot.get_channel(schedule.channel_id)
        where = f"#{channel.name}" if isinstance(channel, discord.TextChannel) else "a channel"
        label = f"#{schedule.id} {where}, {schedule.cadence} at {schedule.at_time}"
        if current.strip().lstrip("#") in label:
            choices.append(app_commands.Choice(name=clip(label, 100), value=schedule.id))
    return choices[:25]


class HoldsSender(Protocol):
    """The cog as `/mod prompts` sees it: it holds the sender prompts go out through."""

    @property
    def sender(self) -> Sender:
        """Return the sender scheduled prompts use (tests may swap it)."""
        ...


class PromptsAdmin(ModeratorGroup):
    """`/mod prompts`: schedule prompts into channels and look after the library."""

    def __init__(self, bot: Alongside, cog: HoldsSender) -> None:
        super().__init__(name="prompts", description="Reflective prompts: schedules and library")
        self.bot = bot
        self.cog = cog

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

    @app_commands.command(name="schedule", description="Post prompts to a channel on a schedule")
    @app_commands.describe(
        channel="Where to post",
        cadence="How often",
        day="For weekly, fortnightly and monthly: which day",
        time="Time of day in the server's timezone, 24-hour, like 09:00",
        theme="Only prompts on this theme (all themes if empty)",
        thread="Start a thread named after each prompt for answers",
    )
    @app_commands.autocomplete(theme=theme_choices)
    async def schedule(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel,
        cadence: Literal["daily", "weekdays", "weekly", "fortnightly", "monthly"],
        day: Weekday | None = None,
        time: app_commands.Range[str, 3, 5] = "09:00",
        theme: str | None = None,
        thread: bool = True,
    ) -> None:
        """Create a channel schedule."""
        guild_id = guild_of(interaction)
        made = await self.bot.services.prompts.add_schedule(
            guild_id, channel.id, cadence, day, time, theme, thread, interaction.user.id
        )
        when = cadence_text(made.cadence, made.weekday, made.at_time, made.timezone)
        await self._record(interaction, "prompts.schedule", f"#{made.id}", f"{channel.id} {when}")
        needed = needs_for("prompt channels") if thread else POST
        missing = missing_in(channel, needed)
        warning = (
            f"\n⚠ In {channel.mention} Alongside can't yet: {', '.join(missing)}. Give its role "
            "these permissions in that channel's settings (Edit Channel → Permissions)."
            if missing
            else ""
        )
        await send_private(
            interaction,
            f"Schedule #{made.id}: a prompt in {channel.mention} {when}"
            f"{', each with its own thread' if thread else ''}. The first is "
            f"{discord.utils.format_dt(made.next_due, 'R')}.{warning}",
        )

    @app_commands.command(name="schedules", description="List this server's prompt schedules")
    async def schedules(self, interaction: discord.Interaction[Any]) -> None:
        """List every schedule with its next post."""
        service = self.bot.services.prompts
        found = await service.schedules(guild_of(interaction))
        if not found:
            await send_private(
                interaction, "No prompt schedules yet. `/mod prompts schedule` adds one."
            )
            return
        labels = service.themes()
        lines = []
        for item in found:
            unused, total = await service.remaining(item)
            lines.append(f"{schedule_line(item, labels)} · {unused} of {total} unused this round")
        pages = [
            discord.Embed(title="Prompt schedules", description="\n".join(chunk), colour=COLOUR)
            for chunk in chunk_lines(lines, per_page=8)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="unschedule", description="Stop a prompt schedule")
    @app_commands.describe(schedule="The schedule's number (see /mod prompts schedules)")
    @app_commands.autocomplete(schedule=schedule_choices)
    async def unschedule(self, interaction: discord.Interaction[Any], schedule: int) -> None:
        """Remove a schedule; what it posted stays."""
        removed = await self.bot.services.prompts.remove_schedule(guild_of(interaction), schedule)
        await self._record(interaction, "prompts.unschedule", f"#{removed.id}")
        await send_private(
            interaction,
            f"Schedule #{removed.id} for <#{removed.channel_id}> is stopped. "
            "Prompts it already posted stay.",
        )

    @app_commands.command(name="post-now", description="Post a prompt to a channel straight away")
    @app_commands.describe(
        schedule="Use this schedule's channel, theme and rotation",
        channel="Or: the channel to post in",
        theme="With a channel: only prompts on this theme",
        thread="With a channel: start a thread for answers",
    )
    @app_commands.autocomplete(schedule=schedule_choices)
    @app_commands.autocomplete(theme=theme_choices)
    async def post_now(
        self,
        interaction: discord.Interaction[Any],
        schedule: int | None = None,
        channel: discord.TextChannel | None = None,
        theme: str | None = None,
        thread: bool = True,
    ) -> None:
        """Post one prompt now, through the same outbox as scheduled ones."""
        guild_id = guild_of(interaction)
        service = self.bot.services.prompts
        chosen = await service.schedule(guild_id, schedule) if schedule is not None else None
        if chosen is None and channel is None:
            raise UserFacingError("Choose a schedule, or a channel to post in.")
        target = chosen.channel_id if chosen else channel.id if channel else 0
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await service.post_now(
            guild_id,
            target,
            theme,
            chosen.thread if chosen else thread,
            self.cog.sender,
            schedule=chosen,
        )
        await self._record(interaction, "prompts.post-now", f"<#{target}>", posted.prompt.code)
        row = posted.delivery
        if posted.held_until is not None:
            text = (
                f"`{posted.prompt.code}` may touch painful things and it's quiet hours, so it "
                f"will be posted in <#{target}> {discord.utils.format_dt(posted.held_until, 'F')}."
            )
        elif row.status == "sent":
            where = f" and its thread <#{row.thread_id}>" if row.thread_id else ""
            text = f"Posted `{posted.prompt.code}` in <#{target}>{where}."
        elif row.status == "pending":
            text = "Discord didn't accept the post just now; Alongside will try again shortly."
        else:
            text = (
                f"I couldn't post in <#{target}>. Please check Alongside can send messages and "
                "create threads there."
            )
        await send_private(interaction, text)

    @app_commands.command(name="add", description="Add a prompt to this server's library")
    @app_commands.describe(
        theme="The theme it belongs to",
        text="The prompt itself",
        content_note="If it may touch painful things: what (makes it a heavy prompt)",
        grounding="With a content note: a kind, practical line to steady people",
    )
    @app_commands.autocomplete(theme=theme_choices)
    async def add(
        self,
        interaction: discord.Interaction[Any],
        theme: str,
        text: app_commands.Range[str, 1, TEXT_MAX],
        content_note: app_commands.Range[str, 1, NOTE_MAX] | None = None,
        grounding: app_commands.Range[str, 1, GROUNDING_MAX] | None = None,
    ) -> None:
        """Add a prompt written by a moderator."""
        added = await self.bot.services.prompts.add_prompt(
            guild_of(interaction), theme, text, content_note, grounding
        )
        await self._record(interaction, "prompts.add", added.code, clip(added.text, 200))
        await send_private(
            interaction,
            f"Added `{added.code}`"
            f"{' as a heavy prompt' if added.heavy else ''}. `/mod prompts preview` shows it.",
        )

    @app_commands.command(name="list", description="The prompts this server can use")
    @app_commands.describe(theme="Only this theme")
    @app_commands.autocomplete(theme=theme_choices)
    async def list_(self, interaction: discord.Interaction[Any], theme: str | None = None) -> None:
        """List prompts by theme, with their ids."""
        service = self.bot.services.prompts
        key = service.check_theme(theme) if theme else None
        prompts = [
            p for p in await service.library_for(guild_of(interaction)) if key in (None, p.theme)
        ]
        labels = service.themes()
        lines: list[str] = []
        current = None
        for prompt in sorted(prompts, key=lambda p: (p.theme, p.guild_id, p.id)):
            if prompt.theme != current:
                current = prompt.theme
                lines.append(f"**{labels.get(current, current)}**")
            lines.append(prompt_line(prompt))
        pages = [
            discord.Embed(title="Prompt library", description="\n".join(chunk), colour=COLOUR)
            for chunk in chunk_lines(lines, per_page=12)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="retire", description="Stop using a prompt here (or restore it)")
    @app_commands.describe(prompt="The prompt's id", restore="Use a retired prompt again")
    @app_commands.autocomplete(prompt=prompt_choices)
    async def retire(
        self, interaction: discord.Interaction[Any], prompt: str, restore: bool = False
    ) -> None:
        """Retire (or restore) a prompt in this server only."""
        changed = await self.bot.services.prompts.retire(
            guild_of(interaction), prompt, interaction.user.id, restore=restore
        )
        action = "prompts.restore" if restore else "prompts.retire"
        await self._record(interaction, action, changed.code)
        state = "back in use" if restore else "retired: it won't be sent here again"
        await send_private(interaction, f"`{changed.code}` is {state}.")

    @app_commands.command(name="preview", description="See a prompt as members would")
    @app_commands.describe(prompt="The prompt's id")
    @app_commands.autocomplete(prompt=prompt_choices)
    async def preview(self, interaction: discord.Interaction[Any], prompt: str) -> None:
        """Show a prompt privately, exactly as it is posted."""
        service = self.bot.services.prompts
        found = await service.find(guild_of(interaction), prompt)
        await send_private(interaction, embed=prompt_embed(service.describe(found), PREVIEW_FOOTER))

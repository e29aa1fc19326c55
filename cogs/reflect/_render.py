"""How prompts, journals, schedules and suggestions look in Discord."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.core.recurrence import WEEKDAY_NAMES
from bot.core.text import as_hidden_words, as_words, as_words_within, clip
from bot.db.prompts_journal import JournalEntry, Suggestion
from bot.db.prompts_library import Prompt
from bot.db.prompts_schedules import Schedule, Subscription
from bot.prompts.library import DEFAULT_GROUNDING
from bot.prompts.models import Drawn

COLOUR = 0x7A9E7E
NOW_FOOTER = "There are no right answers, and you don't have to answer at all."
DM_FOOTER = (
    "Only you can read your journal. To change these prompts, use /reflect pause or "
    "/reflect unsubscribe in the server."
)
CHANNEL_FOOTER = (
    "Answer privately in your journal, in the thread under your name, or anonymously, "
    "or just sit with it."
)


def prompt_embed(drawn: Drawn, footer: str) -> discord.Embed:
    """A prompt; a heavy one shows its content note and grounding line, its words spoilered."""
    prompt = drawn.prompt
    embed = discord.Embed(title=drawn.theme_label, colour=COLOUR)
    if prompt.heavy:
        grounding = prompt.grounding or DEFAULT_GROUNDING
        embed.description = (
            f"**Content note:** {as_words(prompt.content_note or '')}\n*{grounding}*\n\n"
            + as_hidden_words(prompt.text)
        )
    else:
        embed.description = as_words(prompt.text)
    if drawn.model is not None:
        stages = "\n".join(f"{n}. {stage}" for n, stage in enumerate(drawn.model.stages, 1))
        embed.add_field(
            name=clip(f"If you'd like to go further: {drawn.model.name}", 256),
            value=clip(stages, 1024),
            inline=False,
        )
    embed.set_footer(text=footer)
    return embed


def notice_line(drawn: Drawn) -> str | None:
    """Message text shown in notifications: the content note, never a heavy prompt's words."""
    if drawn.prompt.heavy:
        return f"Content note: {drawn.prompt.content_note}. The prompt is hidden until you open it."
    return None


def cadence_text(cadence: str, weekday: int, at_time: str, zone: str) -> str:
    """Say a schedule in words: "every Monday at 09:00 (Europe/London)"."""
    day = WEEKDAY_NAMES[weekday].capitalize()
    when = {
        "daily": "every day",
        "weekdays": "every weekday",
        "weekly": f"every {day}",
        "fortnightly": f"every other {day}",
        "monthly": f"on the first {day} of each month",
    }.get(cadence, cadence)
    return f"{when} at {at_time} ({zone})"


def themes_text(keys: Sequence[str], labels: dict[str, str]) -> str:
    """Name the chosen themes, or say that every theme is included."""
    if not keys:
        return "every theme"
    return "; ".join(labels.get(k, k) for k in keys)


UNREACHABLE_PAUSES = {
    "dms_closed": (
        "**Paused:** Discord wouldn't let Alongside send you a direct message, so your "
        "prompts are paused. If you'd like them again, allow direct messages from this "
        "server's members (Privacy Settings), then use `/reflect resume`."
    ),
    "no_mutual_server": (
        "**Paused** while you weren't in any server with Alongside, since it couldn't send you "
        "direct messages. They start again as soon as you use a command here."
    ),
    "left": (
        "**Paused** while you were away from this server. They start again as soon as you use "
        "a command here."
    ),
}


def status_embed(sub: Subscription | None, labels: dict[str, str], now: datetime) -> discord.Embed:
    """A member's own view of their subscription: plain facts, no counts or streaks."""
    embed = discord.Embed(title="Your reflective prompts", colour=COLOUR)
    if sub is None:
        embed.description = (
            "You're not subscribed to prompts by direct message. `/reflect subscribe` sets "
            "that up, and `/reflect now` gives you one whenever you like."
        )
        return embed
    when = cadence_text(sub.cadence, sub.weekday, sub.at_time, sub.timezone)
    lines = [
        f"Prompts come by direct message {when}.",
        f"Themes: {themes_text(sub.themes, labels)}.",
    ]
    if sub.pause_reason in UNREACHABLE_PAUSES:
        lines.append(UNREACHABLE_PAUSES[sub.pause_reason])
    elif sub.pause_reason and sub.paused_until and sub.paused_until > now:
        lines.append(
            f"**Paused** until {discord.utils.format_dt(sub.paused_until, 'D')}. "
            "`/reflect resume` starts them again sooner."
        )
    else:
        lines.append(f"Next prompt: {discord.utils.format_dt(sub.next_due, 'F')}.")
    lines.append("Your journal (`/reflect journal`) is visible only to you.")
    embed.description = "\n".join(lines)
    return embed


def journal_embed(
    entries: Sequence[JournalEntry], page: int, pages: int, shares: int = 0
) -> discord.Embed:
    """One page of a member's own journal, and how many answers they shared in threads."""
    embed = discord.Embed(title="Your journal", colour=COLOUR)
    if shares:
        embed.add_field(
            name="Your shares",
            value=f"You have {shares} answer(s) shared under your name in prompt threads. "
            "The last menu below deletes one, post and all.",
            inline=False,
        )
    if not entries:
        embed.description = (
            "Nothing here yet. When a prompt offers “Journal privately”, what you write is "
            "kept here, visible only to you."
        )
        return embed
    embed.description = "Visible only to you. Newest first."
    for entry in entries:
        embed.add_field(
            name=clip(entry.prompt or "Your own reflection", 200),
            value=f"{discord.utils.format_dt(entry.created_at, 'D')}\n{clip(entry.text, 700)}",
            inline=False,
        )
    embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed


def journal_markdown(entries: Sequence[JournalEntry], server: str, now: datetime) -> str:
    """A member's journal as a Markdown file, oldest first."""
    parts = [
        "# My reflective journal",
        "",
        f"Exported from Alongside ({server}) on {now:%d %B %Y}. Only you could read these "
        "entries in Discord.",
        "",
    ]
    for entry in reversed(entries):
        parts.append(f"## {entry.created_at:%d %B %Y, %H:%M} UTC")
        parts.append("")
        if entry.prompt:
            parts.extend(f"> {line}" for line in entry.prompt.splitlines())
            parts.append("")
        parts.append(entry.text)
        parts.append("")
    return "\n".join(parts)


def schedule_line(schedule: Schedule, labels: dict[str, str]) -> str:
    """One schedule for `/mod prompts schedules`."""
    when = cadence_text(schedule.cadence, schedule.weekday, schedule.at_time, schedule.timezone)
    theme = labels.get(schedule.theme, schedule.theme) if schedule.theme else "every theme"
    thread = "with a thread" if schedule.thread else "no thread"
    return (
        f"**#{schedule.id}** <#{schedule.channel_id}> {when} · {theme} · {thread} · next "
        f"{discord.utils.format_dt(schedule.next_due, 'R')}"
    )


def prompt_line(prompt: Prompt) -> str:
    """One prompt for `/mod prompts list`."""
    marks = []
    if prompt.heavy:
        marks.append("heavy")
    if prompt.retired:
        marks.append("retired")
    if prompt.guild_id:
        marks.append("this server's own")
    suffix = f" ({', '.join(marks)})" if marks else ""
    return f"`{prompt.code}`{suffix}: {as_words_within(prompt.text, 140)}"


def suggestion_embed(suggestion: Suggestion, labels: dict[str, str]) -> discord.Embed:
    """A suggested prompt for moderators to review."""
    embed = discord.Embed(
        title="Suggested prompt",
        description=as_words(suggestion.text),
        colour=COLOUR,
    )
    embed.add_field(name="Theme", value=labels.get(suggestion.theme, suggestion.theme))
    if suggestion.content_note:
        embed.add_field(name="Content note", value=as_words_within(suggestion.content_note, 1024))
    embed.add_field(name="Suggested by", value=f"<@{suggestion.author_id}>")
    return embed


def decided(embed: discord.Embed, outcome: str) -> discord.Embed:
    """Mark a review message with what was decided."""
    copy = embed.copy()
    copy.set_footer(text=outcome)
    return copy

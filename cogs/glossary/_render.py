"""How glossary entries, search results and review items look in Discord."""

from __future__ import annotations

import discord

from bot.core.text import as_words, as_words_within, clip
from bot.db.glossary import Term
from bot.db.glossary_contributions import Perspective, Revision, Suggestion
from bot.db.glossary_search import SearchHit
from bot.glossary.model import TermEntry

COLOUR = 0x5B8A72
PAGE_BUDGET = 4500  # characters of perspectives per page, well inside an embed's 6,000


def voice(perspective: Perspective) -> tuple[str, str]:
    """Return the heading and the attributed text of one perspective."""
    if perspective.credit == "shipped":
        return perspective.label, as_words_within(perspective.text, 1024)
    if perspective.credit == "named" and perspective.author_id:
        credit = f"\n— <@{perspective.author_id}>"
    else:
        credit = "\n— a member"
    words = as_words_within(perspective.text, 1024 - len(credit))
    return "A member's perspective", words + credit


def entry_pages(entry: TermEntry) -> list[discord.Embed]:
    """Render a term: definition first, then every perspective side by side, paged."""
    term = entry.term
    first = discord.Embed(title=term.name, description=as_words(term.definition), colour=COLOUR)
    if term.contested:
        note = term.contested_note or "People in the field disagree about this term."
        first.add_field(name="Contested", value=as_words_within(note, 1024), inline=False)
    if term.aliases:
        aliases = as_words_within(", ".join(term.aliases), 1024)
        first.add_field(name="Also called", value=aliases, inline=False)
    if term.sources:
        listed = "; ".join(f"{s.org}, {s.title}" if s.title else s.org for s in term.sources)
        first.add_field(name="Sources", value=as_words_within(listed, 1024), inline=False)
    pages = [first]
    used = len(first.description or "") + sum(len(f.value or "") for f in first.fields)
    for perspective in entry.perspectives:
        heading, text = voice(perspective)
        size = len(heading) + len(text)
        page = pages[-1]
        if used + size > PAGE_BUDGET or len(page.fields) >= 12:
            page = discord.Embed(title=f"{term.name} (continued)", colour=COLOUR)
            pages.append(page)
            used = 0
        page.add_field(name=clip(heading, 256), value=text, inline=False)
        used += size
    if not entry.perspectives:
        first.add_field(
            name="Perspectives",
            value="No member has added a perspective yet. `/glossary perspective` adds yours.",
            inline=False,
        )
    return pages


def search_page(
    query: str, hits: list[SearchHit], total: int, page: int, pages: int
) -> discord.Embed:
    """Render one page of search results."""
    embed = discord.Embed(title=f"Glossary search: {clip(query, 200)}", colour=COLOUR)
    for hit in hits:
        embed.add_field(
            name=hit.name, value=as_words_within(hit.excerpt or "…", 1024), inline=False
        )
    embed.set_footer(text=f"{total} found · page {page + 1} of {pages}")
    return embed


def suggestion_embed(suggestion: Suggestion) -> discord.Embed:
    """What moderators see for a suggested term."""
    embed = discord.Embed(
        title=f"Suggested term: {suggestion.name}",
        description=as_words(suggestion.definition),
        colour=COLOUR,
    )
    if suggestion.source:
        embed.add_field(name="Source", value=as_words_within(suggestion.source, 1024), inline=False)
    embed.add_field(name="Suggested by", value=f"<@{suggestion.author_id}>", inline=False)
    return embed


def quoted(text: str) -> str:
    """Member text shown to others: no live mentions, links or formatting tricks."""
    return as_words(text)


def credited(perspective: Perspective) -> str:
    """Who wrote a perspective, as moderators may see it (never an anonymous author)."""
    if perspective.credit == "named" and perspective.author_id:
        return f"<@{perspective.author_id}>"
    return "A member who asked not to be named"


def perspective_embed(perspective: Perspective, term: Term) -> discord.Embed:
    """What moderators see for a proposed perspective (no name if the member asked)."""
    embed = discord.Embed(
        title=f"Perspective on {term.name}",
        description=clip(quoted(perspective.text), 4000),
        colour=COLOUR,
    )
    embed.add_field(name="From", value=credited(perspective), inline=False)
    return embed


def edit_embed(perspective: Perspective, term: Term) -> discord.Embed:
    """What moderators see for an author's edit of an approved perspective."""
    embed = discord.Embed(
        title=f"Edited perspective on {term.name}",
        description=clip(quoted(perspective.pending_text or ""), 4000),
        colour=COLOUR,
    )
    embed.add_field(name="Shown now", value=clip(quoted(perspective.text), 1024), inline=False)
    embed.add_field(name="From", value=credited(perspective), inline=False)
    embed.set_footer(text="The approved words stay shown until you approve this edit.")
    return embed


def decided(embed: discord.Embed, outcome: str) -> discord.Embed:
    """Mark a review message as decided."""
    embed.colour = discord.Colour.dark_grey()
    embed.set_footer(text=outcome)
    return embed


def history_line(revision: Revision) -> str:
    """One revision as moderators see it: never the author of a perspective, named or not."""
    when = discord.utils.format_dt(revision.created_at, "f")
    if revision.actor_id:
        who = f"<@{revision.actor_id}>"
    else:
        who = "shipped file" if revision.perspective_id is None else "Alongside"
        if "by its author" in revision.action:
            who = "its author"
    head = f"**#{revision.id}** {when} · {revision.action} · {who}"
    if revision.perspective_id is None:
        return f"{head}\n> {clip(revision.snapshot['definition'], 140)}"
    credit = "a member" if revision.snapshot.get("credit") == "anonymous" else "named"
    text = revision.snapshot.get("text") or "(words withdrawn by its author)"
    return (
        f"{head}\n> perspective #{revision.perspective_id} ({credit}, "
        f"{revision.snapshot.get('status')}): {clip(quoted(str(text)), 140)}"
    )

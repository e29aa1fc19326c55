"""Replies whose length depends on stored data, built to fit Discord before anything changes."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.text import clip
from bot.glossary.moving import ImportPlan

SUMMARY_MAX = 1800  # under Discord's 2,000, leaving room for "Imported. " and the like
PROBLEMS_SHOWN = 5
PROBLEM_MAX = 160
LIST_MAX = 400


def names_within(names: Sequence[str], limit: int) -> str:
    """List names, separated by commas, saying how many more there are when they don't fit."""
    shown: list[str] = []
    used = 0
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        tail = len(f" and {rest} more") if rest else 0
        if used + len(name) + 2 + tail > limit:
            return ", ".join(shown) + f" and {len(names) - len(shown)} more"
        shown.append(name)
        used += len(name) + 2
    return ", ".join(shown)


def import_summary(plan: ImportPlan) -> str:
    """Say what an import would do, always within SUMMARY_MAX characters."""
    summary = (
        f"This file would add {len(plan.add)} terms and update {len(plan.update)}; "
        f"{len(plan.unchanged)} are unchanged."
    )
    if plan.problems:
        lines = [f"• {clip(p, PROBLEM_MAX)}" for p in plan.problems[:PROBLEMS_SHOWN]]
        hidden = len(plan.problems) - len(lines)
        if hidden:
            lines.append(f"• and {hidden} more")
        summary += f"\n{len(plan.problems)} entries will be skipped:\n" + "\n".join(lines)
    if plan.add:
        summary += "\nNew: " + names_within(plan.add, LIST_MAX)
    if plan.update:
        summary += "\nUpdated: " + names_within(plan.update, LIST_MAX)
    return clip(summary, SUMMARY_MAX)


def alias_reply(name: str, aliases: Sequence[str]) -> str:
    """Confirm a term's aliases, within Discord's limit however many it has."""
    listed = names_within(aliases, SUMMARY_MAX - len(name) - 30) if aliases else "none"
    return clip(f"{name} is also called: {listed}.", SUMMARY_MAX)

"""One member's prompt data as plain values, for `/mydata`."""

from __future__ import annotations

from typing import Any

from bot.core.timeutil import to_db
from bot.db.prompts import PromptsRepo
from bot.prompts.catalogue import Catalogue


def member_scopes(guild_id: int, user_id: int) -> list[str]:
    """The rotation scopes that belong to a member: their DM prompts and `/reflect now`."""
    return [f"sub:{guild_id}:{user_id}", f"now:{guild_id}:{user_id}"]


async def export_member(
    repo: PromptsRepo, catalogue: Catalogue, guild_id: int, user_id: int
) -> dict[str, Any]:
    """Everything the prompts feature holds about a member in a server."""
    sub = await repo.subscription(guild_id, user_id)
    subscription: dict[str, Any] | None = None
    if sub is not None:
        subscription = {
            "cadence": sub.cadence,
            "day": sub.weekday,
            "time": sub.at_time,
            "timezone": sub.timezone,
            "themes": list(sub.themes),
            "next_prompt": to_db(sub.next_due),
            "paused_until": to_db(sub.paused_until) if sub.paused_until else None,
            "pause_reason": sub.pause_reason,
        }
    journal = [
        {"written": to_db(e.created_at), "prompt": e.prompt, "entry": e.text}
        for e in await repo.all_journal(guild_id, user_id)
    ]
    suggestions = [
        {
            "written": to_db(s.created_at),
            "theme": s.theme,
            "text": s.text,
            "content_note": s.content_note,
            "status": s.status,
            "reason": s.reason,
        }
        for s in await repo.suggestions_by(guild_id, user_id)
    ]
    received = []
    for row in await repo.member_deliveries(guild_id, user_id):
        prompt = await catalogue.get(row.prompt_id) if row.prompt_id else None
        received.append(
            {
                "due": to_db(row.due_at),
                "status": row.status,
                "prompt": prompt.text if prompt else None,
            }
        )
    rotation = {
        scope: [
            {"round": cycle, "prompt_id": prompt_id, "when": to_db(when)}
            for cycle, prompt_id, when in await repo.history(scope)
        ]
        for scope in member_scopes(guild_id, user_id)
    }
    return {
        "subscription": subscription,
        "journal": journal,
        "suggestions": suggestions,
        "prompts_sent_by_dm": received,
        "rotation": rotation,
    }

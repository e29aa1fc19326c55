"""What else names a member: moderator-id columns, others' choices about them, the bot's posts.

Each feature exports and erases what it keeps *for* a member. This module covers the rest of
what still carries their id once those have run: things they did as a moderator (a feed they
added, a schedule they set up), other members' rows that point at them, and Alongside's own
messages in Discord that name them or quote their words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.db import Database
from bot.db.member_posts import MemberPosts


@dataclass(frozen=True, slots=True)
class ActorColumn:
    """A column holding the id of whoever did something the server keeps."""

    key: str
    table: str
    column: str
    export_sql: str  # what they did, never other people's data; params (guild, user)


# These rows belong to the server: a feed keeps running, a schedule keeps posting, a term keeps
# its history. Erasing the member keeps the row and replaces their id with 0 ("someone"), as
# the audit log already does.
ACTOR_COLUMNS = (
    ActorColumn(
        "feeds_you_added",
        "feeds",
        "added_by",
        "SELECT url, title, channel_id, created_at FROM feeds WHERE guild_id = ? AND added_by = ?",
    ),
    ActorColumn(
        "prompt_schedules_you_set_up",
        "prompt_schedules",
        "created_by",
        "SELECT id, channel_id, cadence, at_time, timezone, created_at FROM prompt_schedules "
        "WHERE guild_id = ? AND created_by = ?",
    ),
    ActorColumn(
        "prompts_you_retired",
        "prompt_retirements",
        "retired_by",
        "SELECT prompt_id, retired_at FROM prompt_retirements "
        "WHERE guild_id = ? AND retired_by = ?",
    ),
    ActorColumn(
        "glossary_changes_you_made",
        "glossary_revisions",
        "actor_id",
        "SELECT t.name AS term, r.action, r.created_at FROM glossary_revisions r "
        "JOIN glossary_terms t ON t.id = r.term_id WHERE r.guild_id = ? AND r.actor_id = ?",
    ),
)

# Someone else chose not to be paired with the member. The row is that other person's choice,
# and it exists only to point at this member, so it goes with them. The export shows only how
# many such rows there were: saying who made the choice would out that person to the member.
COUNT_AVOIDED = "SELECT COUNT(*) FROM buddy_avoid WHERE guild_id = ? AND avoid_id = ?"
ERASE_AVOIDED = "DELETE FROM buddy_avoid WHERE guild_id = ? AND avoid_id = ?"
# Another member asked them to be the peer for a meeting: the meeting is the other member's and
# stays; only the pointer to this member goes. The export shows a count, for the same reason.
COUNT_PEER = "SELECT COUNT(*) FROM room_meetings WHERE guild_id = ? AND peer_id = ?"
ERASE_PEER = "UPDATE room_meetings SET peer_id = NULL WHERE guild_id = ? AND peer_id = ?"

# Alongside's messages that name the member or quote their words.
GLOSSARY_CARDS = """
SELECT kind, item_id, channel_id, message_id FROM glossary_review_posts
WHERE guild_id = ?
  AND ((kind = 's' AND item_id IN ({s})) OR (kind IN ('p', 'e') AND item_id IN ({p})))
"""
FORGET_GLOSSARY_CARD = (
    "DELETE FROM glossary_review_posts WHERE guild_id = ? AND kind = ? AND item_id = ?"
)
# A helper's direct message about a member's support request names the member who asked.
SUPPORT_ALERTS = """
SELECT a.channel_id, a.message_id FROM support_alerts a
JOIN support_requests r ON r.id = a.request_id WHERE r.guild_id = ? AND r.asker_id = ?
"""


class MemberTraces:
    """Exports and erases what names a member outside the features' own sections."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.posts = MemberPosts(db)

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Return what the member did as a moderator, and counts of others' rows naming them."""
        done: dict[str, Any] = {}
        for actor in ACTOR_COLUMNS:
            rows = await self._db.fetch_all(actor.export_sql, (guild_id, user_id))
            done[actor.key] = [
                {k: str(r[k]) if k.endswith("_id") else r[k] for k in r.keys()}  # noqa: SIM118
                for r in rows
            ]
        params = (guild_id, user_id)
        done["members_who_asked_not_to_be_paired_with_you"] = int(
            await self._db.fetch_value(COUNT_AVOIDED, params) or 0
        )
        done["meetings_where_someone_chose_you_as_their_peer"] = int(
            await self._db.fetch_value(COUNT_PEER, params) or 0
        )
        # What and when only: many of these sit in someone else's direct messages, and where
        # they are would say whose (which helpers were told of a request, for instance).
        done["alongside_messages_naming_you"] = [
            {"what": kind, "posted_at": at}
            for kind, _, _, at in await self.posts.of_member(guild_id, user_id)
        ]
        return done

    async def posts_naming(
        self, guild_id: int, user_id: int, suggestions: list[int], perspectives: list[int]
    ) -> list[tuple[int, int]]:
        """Find the bot's messages naming the member or quoting them, and forget the records.

        Call before the features erase, while their suggestions and requests still exist.
        """
        found = [(c, m) for _, c, m, _ in await self.posts.of_member(guild_id, user_id)]
        cards = await self._db.fetch_all(
            GLOSSARY_CARDS.format(s=_ints(suggestions), p=_ints(perspectives)), (guild_id,)
        )
        found += [(int(r["channel_id"]), int(r["message_id"])) for r in cards]
        alerts = await self._db.fetch_all(SUPPORT_ALERTS, (guild_id, user_id))
        found += [(int(r["channel_id"]), int(r["message_id"])) for r in alerts]
        async with self._db.transaction() as tx:
            for row in cards:
                await tx.execute(FORGET_GLOSSARY_CARD, (guild_id, row["kind"], row["item_id"]))
        await self.posts.forget_member(guild_id, user_id)
        return list(dict.fromkeys(found))

    async def erase(self, guild_id: int, user_id: int) -> None:
        """Replace the member's id with 0 where the server keeps the row; delete the rest."""
        params = (guild_id, user_id)
        async with self._db.transaction() as tx:
            for actor in ACTOR_COLUMNS:
                await tx.execute(
                    f"UPDATE {actor.table} SET {actor.column} = 0 "
                    f"WHERE guild_id = ? AND {actor.column} = ?",
                    params,
                )
            await tx.execute(ERASE_AVOIDED, params)
            await tx.execute(ERASE_PEER, params)


def _ints(values: list[int]) -> str:
    """Render ids for an IN list (integers only, so nothing can be injected)."""
    return ", ".join(str(int(v)) for v in values) or "NULL"

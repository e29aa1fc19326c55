"""Members' data rights: see, export and erase everything stored against their id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core.timeutil import Clock, to_db
from bot.db import Database
from bot.privacy.erasures import Erasures
from bot.privacy.member_traces import MemberTraces

ANONYMOUS_NOTE = (
    "Anonymous submissions (/unsaid) are not linked to anyone, so they are not part of this "
    "export. They can only be withdrawn with the receipt code shown when you shared them."
)


def backup_note(keep_days: int) -> str:
    """Say plainly how long the nightly backups keep what a member erased."""
    days = "1 day" if keep_days == 1 else f"{keep_days} days"
    return (
        "Alongside's nightly backups still hold what you erased until they roll over: each "
        f"backup is kept for {days}, so your data is gone from all of them within {days}. "
        "Nobody reads them; they are there to recover the server after a failure, and if one is "
        "ever restored, Alongside erases your data again straight away."
    )


SELECT_AUDIT = """
SELECT action, target, detail, created_at FROM audit_log WHERE guild_id = ? AND actor_id = ?
"""
# Moderators' actions stay in the log for accountability, but no longer name the person.
ANONYMISE_AUDIT = "UPDATE audit_log SET actor_id = 0 WHERE guild_id = ? AND actor_id = ?"


class MemberDataSource(Protocol):
    """A feature that stores something against a member's id."""

    async def export_member(self, guild_id: int, user_id: int) -> Mapping[str, Any]:
        """Return everything the feature stores about the member."""
        ...

    async def erase_member(self, guild_id: int, user_id: int) -> object:
        """Delete everything the feature stores about the member."""
        ...


@dataclass(frozen=True, slots=True)
class Section:
    """One feature's part of a member's data, with why it is kept."""

    key: str
    why: str
    source: MemberDataSource


def count_items(value: Any) -> int:
    """Count the records in an exported section (lists count their items)."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return sum(count_items(v) for v in value.values())
    return 0 if value in (None, "", False) else 1


class MemberData:
    """Gathers every feature's member data for `/mydata`."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        erasures: Erasures | None = None,
        *,
        backup_keep: int = 14,
    ) -> None:
        self._db = db
        self._clock = clock
        self._erasures = erasures
        self.backup_keep = backup_keep
        self.traces = MemberTraces(db)
        self.sections: list[Section] = []

    async def remember_post(
        self, guild_id: int, named: Iterable[int], kind: str, channel_id: int, message_id: int
    ) -> None:
        """Record one of the bot's messages that names members, so erasing one removes it."""
        for user_id in named:
            await self.traces.posts.remember(
                guild_id, user_id, kind, channel_id, message_id, self._clock.now()
            )

    def backup_note(self) -> str:
        """Say how long backups keep erased data, from the configured number kept."""
        return backup_note(self.backup_keep)

    def add(self, key: str, why: str, source: MemberDataSource) -> None:
        """Register a feature that keeps data about members."""
        self.sections.append(Section(key, why, source))

    async def summary(self, guild_id: int, user_id: int) -> list[tuple[Section, int]]:
        """Return each section with how many records it holds for the member."""
        rows: list[tuple[Section, int]] = []
        for section in self.sections:
            data = await section.source.export_member(guild_id, user_id)
            rows.append((section, count_items(dict(data))))
        return rows

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Return everything stored against the member, ready to serialise as JSON."""
        audit = await self._db.fetch_all(SELECT_AUDIT, (guild_id, user_id))
        result: dict[str, Any] = {
            "exported_at": to_db(self._clock.now()),
            "server_id": str(guild_id),
            "your_id": str(user_id),
            "about_anonymous_submissions": ANONYMOUS_NOTE,
            "about_backups": self.backup_note(),
        }
        for section in self.sections:
            result[section.key] = {
                "why_we_keep_it": section.why,
                "data": dict(await section.source.export_member(guild_id, user_id)),
            }
        result["moderator_actions"] = [dict(row) for row in audit]
        result["other_things_naming_you"] = await self.traces.export(guild_id, user_id)
        return result

    async def erase(
        self, guild_id: int, user_id: int, *, record: bool = True
    ) -> list[tuple[int, int]]:
        """Erase the member's data everywhere; return Discord posts (channel, message) to delete.

        The erasure is first recorded in the ledger outside the database (unless it is being
        re-applied from there), so that restoring an older backup can't bring the data back.
        """
        if record and self._erasures is not None:
            await self._erasures.record_member(guild_id, user_id)
        suggestions, perspectives = await self._glossary_items(guild_id, user_id)
        # Found before the features erase: the records that lead to them go with the features.
        posts = await self.traces.posts_naming(guild_id, user_id, suggestions, perspectives)
        for section in self.sections:
            result = await section.source.erase_member(guild_id, user_id)
            posts.extend(getattr(result, "request_posts", ()))
        await self.traces.erase(guild_id, user_id)
        await self._db.execute(ANONYMISE_AUDIT, (guild_id, user_id))
        # secure_delete has zeroed the erased rows in the pages; folding the WAL into the main
        # file and truncating it removes the copies the WAL still held.
        await self._db.checkpoint()
        if record and self._erasures is not None:
            await self._erasures.mark_applied()
        return list(dict.fromkeys(posts))

    async def _glossary_items(self, guild_id: int, user_id: int) -> tuple[list[int], list[int]]:
        """Return the ids of the member's glossary suggestions and perspectives (anonymous too)."""
        for section in self.sections:
            if section.key == "glossary":
                data = await section.source.export_member(guild_id, user_id)
                return (
                    [int(row["id"]) for row in data.get("suggestions", ())],
                    [int(row["id"]) for row in data.get("perspectives", ())],
                )
        return [], []

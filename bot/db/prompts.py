"""Reads and writes for reflective prompts: one repository made of its four query sets."""

from __future__ import annotations

from collections.abc import Sequence

from bot.db.connection import Database
from bot.db.prompts_deliveries import DELETE_MEMBER_DELIVERIES, DeliveryQueries
from bot.db.prompts_journal import DELETE_JOURNAL, DELETE_SUGGESTIONS_BY, JournalQueries
from bot.db.prompts_library import DELETE_HISTORY, LibraryQueries
from bot.db.prompts_schedules import DELETE_SUBSCRIPTION, ScheduleQueries


class PromptsRepo(LibraryQueries, ScheduleQueries, JournalQueries, DeliveryQueries):
    """Reads and writes for the prompts feature; rows become dataclasses here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def erase_member(self, guild_id: int, user_id: int, scopes: Sequence[str]) -> None:
        """Delete a member's journal, subscription, rotation history, suggestions and DM rows."""
        async with self.db.transaction() as tx:
            await tx.execute(DELETE_JOURNAL, (guild_id, user_id))
            await tx.execute(DELETE_SUBSCRIPTION, (guild_id, user_id))
            await tx.execute(DELETE_SUGGESTIONS_BY, (guild_id, user_id))
            await tx.execute(DELETE_MEMBER_DELIVERIES, (guild_id, user_id))
            for scope in scopes:
                await tx.execute(DELETE_HISTORY, (scope,))

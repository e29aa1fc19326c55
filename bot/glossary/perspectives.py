"""Perspectives as their authors' own: edit (re-reviewed), withdraw, removal, history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.core.errors import UserFacingError
from bot.core.timeutil import Clock
from bot.db.connection import Database, Transaction
from bot.db.glossary import GlossaryRepo, Term
from bot.db.glossary_contributions import Perspective
from bot.db.glossary_owned import OwnedPerspectivesRepo, OwnedSuggestion
from bot.glossary.authors import AuthorKeys
from bot.glossary.model import PERSPECTIVE_MAX, clean

NOT_YOURS = (
    "Only the member who wrote this can change it, so nothing was changed. "
    "`/glossary mine` lists your own perspectives."
)
WITHDRAWN = "withdrawn"
REASON_MAX = 500


def perspective_snapshot(perspective: Perspective) -> dict[str, Any]:
    """A perspective's state as stored in a revision (never its author)."""
    return {
        "perspective": perspective.id,
        "credit": perspective.credit,
        "text": perspective.text,
        "status": perspective.status,
    }


class PerspectiveOwnership:
    """What authors and moderators can do to one perspective after it was written."""

    def __init__(
        self,
        db: Database,
        repo: GlossaryRepo,
        clock: Clock,
        authors: AuthorKeys,
        changed: Callable[[int], None],
    ) -> None:
        self._db = db
        self._repo = repo
        self.owned = OwnedPerspectivesRepo(db)
        self._clock = clock
        self.authors = authors
        self._changed = changed  # forgets a server's cached index and entries: call on each write

    # ----- who wrote it ----------------------------------------------------------------------

    def sealed(self, guild_id: int, user_id: int) -> tuple[str, str, int]:
        """Return the stored form of an anonymous author."""
        author = self.authors.seal(guild_id, user_id)
        return author.tag, author.seal, author.key_id

    def is_author(self, guild_id: int, user_id: int, perspective: Perspective) -> bool:
        """Say whether this member wrote the perspective (anonymous ones by their keyed tag)."""
        if perspective.credit == "shipped":
            return False
        if perspective.author_id is not None:
            return perspective.author_id == user_id
        return self.authors.is_author(
            guild_id, user_id, perspective.author_tag, perspective.author_key
        )

    def recipient(self, guild_id: int, perspective: Perspective) -> int:
        """Return whom to tell about the perspective (0 if nobody can be reached)."""
        if perspective.author_id is not None:
            return perspective.author_id
        return self.authors.open(
            guild_id, perspective.author_seal, perspective.author_tag, perspective.author_key
        )

    async def seal_legacy(self, guild_id: int) -> int:
        """Seal anonymous authors stored in plain before sealing, or under an older key.

        Resealing under the current key after a rotation keeps the author's link (edit, withdraw,
        /mydata) alive past the next rotation, when the old key lapses.
        """
        rows = await self.owned.legacy_anonymous(guild_id)
        for old in await self.owned.sealed_under_old_key(guild_id, self.authors.current_key_id):
            author_id = self.recipient(guild_id, old)
            if author_id:
                rows.append((old.id, author_id))
        if rows:
            async with self._db.transaction() as tx:
                for perspective_id, author_id in rows:
                    await self.owned.seal_author(
                        tx, perspective_id, self.sealed(guild_id, author_id)
                    )
            self._changed(guild_id)
        return len(rows)

    # ----- authors ---------------------------------------------------------------------------

    async def mine(
        self, guild_id: int, user_id: int
    ) -> tuple[list[tuple[Perspective, str]], list[OwnedSuggestion]]:
        """Return the member's perspectives (with their term's name) and suggestions."""
        tags = self.authors.tags(guild_id, user_id)
        perspectives = await self.owned.owned(guild_id, user_id, tags)
        names = await self.owned.term_names(guild_id)
        suggestions = await self.owned.owned_suggestions(guild_id, user_id)
        return [(p, names.get(p.term_id, "a term")) for p in perspectives], suggestions

    async def own(self, guild_id: int, user_id: int, perspective_id: int) -> Perspective:
        """Return the member's own perspective, or refuse kindly."""
        perspective = await self._repo.perspective(guild_id, perspective_id)
        if perspective is None or perspective.status == WITHDRAWN:
            raise UserFacingError("That perspective has been withdrawn or no longer exists.")
        if not self.is_author(guild_id, user_id, perspective):
            raise UserFacingError(NOT_YOURS)
        return perspective

    async def edit(
        self, guild_id: int, user_id: int, perspective_id: int, text: str
    ) -> tuple[Perspective, Term, str]:
        """Change the member's own perspective; return it, its term, and the review kind.

        A perspective not yet reviewed simply changes (kind p). An approved one keeps showing
        its approved words while the edit waits for review (kind e).
        """
        perspective = await self.own(guild_id, user_id, perspective_id)
        body = clean(text, "perspective", PERSPECTIVE_MAX)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            if perspective.status == "pending":
                done, kind = await self.owned.set_pending_text(tx, perspective.id, body), "p"
            elif perspective.status == "approved":
                done, kind = await self.owned.set_pending_edit(tx, perspective.id, body, now), "e"
            else:
                raise UserFacingError(
                    "This perspective isn't in the glossary now, so it can't be edited. "
                    "You can withdraw it, or write a new one with /glossary perspective."
                )
            if not done:
                raise UserFacingError("This perspective changed just now. Please try again.")
        self._changed(guild_id)
        fresh = await self._repo.perspective(guild_id, perspective.id)
        term = await self._repo.term_by_id(guild_id, perspective.term_id)
        assert fresh is not None
        assert term is not None
        return fresh, term, kind

    async def withdraw(self, guild_id: int, user_id: int, perspective_id: int) -> Term:
        """Withdraw the member's own perspective: its words leave the glossary and its history."""
        perspective = await self.own(guild_id, user_id, perspective_id)
        term = await self._set_state(
            guild_id,
            perspective,
            text="",
            status=WITHDRAWN,
            reason="",
            actor_id=None,
            action="perspective withdrawn by its author",
        )
        async with self._db.transaction() as tx:
            await self.owned.redact_revisions(tx, perspective.id)
            await self._repo.optimize(tx)
        return term

    async def withdraw_suggestion(self, guild_id: int, user_id: int, suggestion_id: int) -> None:
        """Withdraw the member's own suggested term."""
        if not await self.owned.withdraw_suggestion(
            guild_id, user_id, suggestion_id, self._clock.now()
        ):
            raise UserFacingError(
                "That suggestion isn't yours, or a moderator has already decided on it. "
                "Nothing was changed."
            )

    # ----- moderators ------------------------------------------------------------------------

    async def approved(self, term: Term) -> list[Perspective]:
        """Return a term's approved member perspectives (not shipped viewpoints)."""
        return [p for p in await self._repo.perspectives(term.id) if p.credit != "shipped"]

    async def remove(
        self, guild_id: int, moderator_id: int, perspective_id: int, reason: str
    ) -> tuple[Perspective, Term]:
        """Take an approved member perspective out of the glossary, with a reason for its author."""
        perspective = await self._repo.perspective(guild_id, perspective_id)
        if perspective is None or perspective.credit == "shipped":
            raise UserFacingError("That perspective no longer exists.")
        if perspective.status != "approved":
            raise UserFacingError(f"That perspective is already {perspective.status}.")
        why = clean(reason, "reason", REASON_MAX)
        term = await self._set_state(
            guild_id,
            perspective,
            text=perspective.text,
            status="removed",
            reason=why,
            actor_id=moderator_id,
            action="perspective removed",
        )
        return replace(perspective, status="removed", reason=why), term

    async def decide_edit(
        self, guild_id: int, moderator_id: int, perspective_id: int, *, approve: bool, reason: str
    ) -> tuple[Perspective, Term]:
        """Approve or decline an author's edit of an approved perspective."""
        perspective = await self._repo.perspective(guild_id, perspective_id)
        if perspective is None or perspective.status != "approved" or not perspective.pending_text:
            raise UserFacingError("That edit has already been decided or withdrawn.")
        why = "" if approve else clean(reason, "reason", REASON_MAX)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            if approve:
                done = await self.owned.apply_edit(tx, perspective.id, now)
            else:
                done = await self.owned.decline_edit(tx, perspective.id, why, now)
            if not done:
                raise UserFacingError("Another moderator has already decided on this.")
            if approve:
                after = replace(perspective, text=perspective.pending_text, pending_text=None)
                await self._revise(tx, guild_id, after, moderator_id, "perspective edit approved")
                await self._repo.reindex(tx, perspective.term_id)
        term = await self._repo.term_by_id(guild_id, perspective.term_id)
        assert term is not None
        self._changed(guild_id)
        return perspective, term

    async def record_approval(
        self, tx: Transaction, guild_id: int, perspective: Perspective, moderator_id: int | None
    ) -> None:
        """Record a newly approved perspective as a revision of its term."""
        await self._revise(tx, guild_id, perspective, moderator_id, "perspective approved")

    async def revert(
        self, guild_id: int, actor_id: int, term: Term, snapshot: dict[str, Any], revision_id: int
    ) -> Term:
        """Put a perspective back as a revision recorded it (not if its author withdrew it)."""
        perspective = await self._repo.perspective(guild_id, int(snapshot["perspective"]))
        if perspective is None or perspective.term_id != term.id:
            raise UserFacingError("That perspective no longer exists, so it can't be restored.")
        if perspective.status == WITHDRAWN or not snapshot.get("text"):
            raise UserFacingError(
                "Its author withdrew that perspective, and their words are theirs: only they "
                "can add it again. Nothing was changed."
            )
        return await self._set_state(
            guild_id,
            perspective,
            text=str(snapshot["text"]),
            status=str(snapshot["status"]),
            reason="",
            actor_id=actor_id,
            action=f"revert to {revision_id}",
        )

    # ----- shared ----------------------------------------------------------------------------

    async def _set_state(
        self,
        guild_id: int,
        perspective: Perspective,
        *,
        text: str,
        status: str,
        reason: str,
        actor_id: int | None,
        action: str,
    ) -> Term:
        after = replace(perspective, text=text, status=status, reason=reason, pending_text=None)
        async with self._db.transaction() as tx:
            if not await self.owned.set_state(
                tx, perspective, text=text, status=status, reason=reason, now=self._clock.now()
            ):
                raise UserFacingError("This perspective changed just now. Please try again.")
            await self._revise(tx, guild_id, after, actor_id, action)
            await self._repo.reindex(tx, perspective.term_id)
        term = await self._repo.term_by_id(guild_id, perspective.term_id)
        assert term is not None
        self._changed(guild_id)
        return term

    async def _revise(
        self,
        tx: Transaction,
        guild_id: int,
        perspective: Perspective,
        actor_id: int | None,
        action: str,
    ) -> None:
        term = await self._repo.term_by_id(guild_id, perspective.term_id, tx)
        assert term is not None
        await self._repo.add_revision(
            tx,
            term,
            actor_id,
            action,
            perspective_snapshot(perspective),
            self._clock.now(),
            perspective_id=perspective.id,
        )

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Return the member's perspectives (anonymous ones too) and suggestions."""
        tags = self.authors.tags(guild_id, user_id)
        return await self.owned.member_data(guild_id, user_id, tags)

    async def erase_member(self, guild_id: int, user_id: int) -> None:
        """Delete the member's perspectives, their revisions and suggestions."""
        tags = self.authors.tags(guild_id, user_id)
        async with self._db.transaction() as tx:
            for term_id in await self.owned.erase_member(tx, guild_id, user_id, tags):
                await self._repo.reindex(tx, term_id)
            # FTS5 keeps deleted tokens in old index segments until they are merged; merging
            # rewrites them, and secure_delete zeroes the pages they leave.
            await self._repo.optimize(tx)
        self._changed(guild_id)

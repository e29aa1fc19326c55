"""The erasure ledger: withdrawals, rejections and `/mydata delete` survive a restore.

The ledger is a small file kept beside the anonymity key, outside the database's folder and
its backups. It holds only tombstones: a keyed hash of an Unsaid submission's random public id,
or of (server, member) for `/mydata delete`. No words, no times, nothing in clear. The database
remembers how many tombstones it has applied, so a backup restored from before an erasure
re-applies exactly the ones that came after it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Protocol

from bot.core.config import Settings
from bot.db import Database
from bot.db.meta import MetaStore

log = logging.getLogger(__name__)

APPLIED = "erasures_applied"
HEADER = (
    "# Alongside erasure ledger: keyed hashes of what was withdrawn, rejected or erased, so a\n"
    "# restored backup never brings it back. Keep it with the anonymity key, never with the\n"
    "# database. Deleting it means a restore could bring erased things back.\n"
)
UNSAID, MEMBER = "u", "m"


def ledger_path(settings: Settings) -> Path:
    """Return where the ledger lives: in the anonymity key's folder."""
    return settings.anonymity_key_file.parent / "alongside-erasures"


class ErasureLedger:
    """Append-only tombstones, each a keyed hash; the key is the file's own random secret."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._secret: bytes | None = None
        self._entries: list[tuple[str, bytes]] | None = None

    def _load(self) -> tuple[bytes, list[tuple[str, bytes]]]:
        if self._secret is not None and self._entries is not None:
            return self._secret, self._entries
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            secret = secrets.token_bytes(32)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(descriptor, f"{HEADER}secret={secret.hex()}\n".encode())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        if stat.S_IMODE(self.path.stat().st_mode) & 0o077:
            os.chmod(self.path, 0o600)
        secret_found: bytes | None = None
        entries: list[tuple[str, bytes]] = []
        for raw in self.path.read_text("utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("secret="):
                secret_found = bytes.fromhex(line.removeprefix("secret="))
                continue
            kind, _, digest = line.partition(" ")
            if kind in (UNSAID, MEMBER) and digest:
                entries.append((kind, bytes.fromhex(digest)))
        if secret_found is None:
            raise ValueError(f"the erasure ledger {self.path} is damaged: it has no secret")
        self._secret, self._entries = secret_found, entries
        return secret_found, entries

    def _digest(self, kind: str, text: str) -> bytes:
        secret, _ = self._load()
        return hmac.new(secret, f"{kind}:{text}".encode(), hashlib.sha256).digest()

    def unsaid_digest(self, public_id: str) -> bytes:
        """Return the tombstone of one Unsaid submission."""
        return self._digest(UNSAID, public_id)

    def member_digest(self, guild_id: int, user_id: int) -> bytes:
        """Return the tombstone of one member in one server."""
        return self._digest(MEMBER, f"{guild_id}:{user_id}")

    def count(self) -> int:
        """Return how many tombstones the ledger holds."""
        return len(self._load()[1])

    def since(self, applied: int) -> list[tuple[str, bytes]]:
        """Return the tombstones recorded after the first `applied`."""
        return self._load()[1][applied:]

    def append(self, kind: str, digests: list[bytes]) -> None:
        """Add tombstones durably, before the erasure they stand for is carried out."""
        _, entries = self._load()
        text = "".join(f"{kind} {digest.hex()}\n" for digest in digests)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(descriptor, text.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        entries.extend((kind, digest) for digest in digests)


class Erasures:
    """Records erasures in the ledger and re-applies any the database has not seen."""

    def __init__(self, ledger: ErasureLedger, db: Database, meta: MetaStore) -> None:
        self.ledger = ledger
        self._db = db
        self._meta = meta

    async def record_unsaid(self, public_ids: list[str]) -> None:
        """Tombstone withdrawn or rejected submissions (call before erasing them)."""
        self.ledger.append(UNSAID, [self.ledger.unsaid_digest(p) for p in public_ids])

    async def record_member(self, guild_id: int, user_id: int) -> None:
        """Tombstone a member's `/mydata delete` (call before erasing)."""
        self.ledger.append(MEMBER, [self.ledger.member_digest(guild_id, user_id)])

    async def mark_applied(self) -> None:
        """Note in the database that every tombstone so far has been applied."""
        await self._meta.set(APPLIED, str(self.ledger.count()))

    async def pending(self) -> list[tuple[str, bytes]]:
        """Return the tombstones this database has not applied (all of them after a restore)."""
        value = await self._meta.get(APPLIED)
        applied = int(value) if value and value.isdigit() else 0
        return self.ledger.since(min(applied, self.ledger.count()))

    async def unsaid_matches(self, digests: set[bytes]) -> list[int]:
        """Return the ids of stored submissions whose tombstone is in `digests`."""
        rows = await self._db.fetch_all("SELECT id, public_id FROM unsaid_items")
        return [
            int(row["id"])
            for row in rows
            if self.ledger.unsaid_digest(str(row["public_id"])) in digests
        ]

    async def member_matches(self, digests: set[bytes]) -> list[tuple[int, int]]:
        """Return the (server, member) pairs in the database whose tombstone is in `digests`."""
        ids: set[int] = set()
        guilds: set[int] = set()
        tables = await self._db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        for table in (str(t["name"]) for t in tables):
            for column in await self._db.fetch_all(f'PRAGMA table_info("{table}")'):
                name = str(column["name"])
                rows = await self._db.fetch_all(
                    f'SELECT DISTINCT "{name}" AS v FROM "{table}" '
                    f'WHERE typeof("{name}") = \'integer\' AND "{name}" > 1000000000000000'
                )
                found = {int(row["v"]) for row in rows}
                ids |= found
                if name == "guild_id":
                    guilds |= found
        return [
            (guild, user)
            for guild in guilds
            for user in ids
            if self.ledger.member_digest(guild, user) in digests
        ]


async def reapply_erasures(erasures: Erasures, unsaid: UnsaidEraser, members: MemberEraser) -> int:
    """Erase again whatever the ledger says is gone but the database still holds; return count."""
    pending = await erasures.pending()
    if not pending:
        return 0
    unsaid_digests = {digest for kind, digest in pending if kind == UNSAID}
    member_digests = {digest for kind, digest in pending if kind == MEMBER}
    items = await erasures.unsaid_matches(unsaid_digests) if unsaid_digests else []
    if items:
        await unsaid.erase_items(items)
    pairs = await erasures.member_matches(member_digests) if member_digests else []
    for guild_id, user_id in pairs:
        await members.erase(guild_id, user_id, record=False)
    await erasures.mark_applied()
    if items or pairs:
        log.warning(
            "Re-applied %d erasures the database had lost (it was restored from a backup)",
            len(items) + len(pairs),
        )
    return len(items) + len(pairs)


class UnsaidEraser(Protocol):
    """Erases Unsaid submissions by their row ids."""

    async def erase_items(self, item_ids: list[int]) -> None:
        """Delete the submissions (and their replies) and fold the WAL."""
        ...


class MemberEraser(Protocol):
    """Erases everything stored against one member."""

    async def erase(
        self, guild_id: int, user_id: int, *, record: bool = True
    ) -> list[tuple[int, int]]:
        """Erase the member's data."""
        ...

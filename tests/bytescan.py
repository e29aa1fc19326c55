"""Look for traces of a person in the raw bytes of the database and its WAL."""

from __future__ import annotations

import struct
from pathlib import Path


def id_patterns(user_id: int) -> list[bytes]:
    """A Discord id as SQLite might hold it: decimal text, or an 8-byte integer either way round."""
    return [
        str(user_id).encode(),
        struct.pack("<q", user_id),
        struct.pack(">q", user_id),
    ]


def files_of(database: Path) -> list[Path]:
    """The database file and its WAL and shared-memory files, where present."""
    candidates = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    return [path for path in candidates if path.exists()]


def traces(database: Path, needles: list[bytes]) -> list[str]:
    """Return where any needle appears in the database's files."""
    found = []
    for path in files_of(database):
        data = path.read_bytes()
        for needle in needles:
            if needle in data:
                found.append(f"{needle!r} in {path.name}")
    return found

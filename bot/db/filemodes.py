"""Keep the database, its WAL and shm, and backups readable by the bot's own user only."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> None:
    """Create a folder (and its parents) for the bot's user only; leave existing ones alone."""
    if path.is_dir():
        return
    private_folder(path.parent)
    try:
        path.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        return
    os.chmod(path, FOLDER_MODE)  # mkdir's mode is filtered by the umask; this is exact


def private_file(path: Path) -> None:
    """Create the file if missing, owner read-write only, whatever the umask; tighten if looser."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten(path)
        return
    os.close(descriptor)
    os.chmod(path, FILE_MODE)  # os.open's mode is filtered by the umask; this is exact


def tighten(path: Path) -> None:
    """Make an existing file owner read-write only (SQLite gives its WAL and shm the same mode)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700 | FILE_MODE)
    except FileNotFoundError:
        return
    except PermissionError:  # someone else's file (a read-only `check`): say so, carry on
        log.warning("%s is readable by others and Alongside may not change that", path)


def tighten_database(path: Path) -> None:
    """Tighten the database file and any WAL or shared-memory file beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        tighten(Path(f"{path}{suffix}"))

"""LOG_FILE: the documented rotating log file is really written, privately."""

from __future__ import annotations

import logging
import logging.handlers
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.config import load_settings
from bot.core.logs import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the test run's own logging back afterwards."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in saved:
            handler.close()
    root.handlers[:] = saved
    root.setLevel(level)


def test_log_file_receives_lines_rotates_and_is_private(
    tmp_path: Path, restore_logging: None
) -> None:
    log_file = tmp_path / "logs" / "alongside.log"
    log_file.parent.mkdir()
    env = {"DATABASE_PATH": str(tmp_path / "a.db"), "LOG_FILE": str(log_file)}
    configure_logging(load_settings(env, require_token=False))
    logging.getLogger("bot.test").warning("the log file hears this")
    for handler in logging.getLogger().handlers:
        handler.flush()

    assert "the log file hears this" in log_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    rotating = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(rotating) == 1
    assert rotating[0].maxBytes == 5 * 1024 * 1024
    assert rotating[0].backupCount + 1 == 5

    rotating[0].doRollover()
    logging.getLogger("bot.test").warning("after the roll-over")
    rotating[0].flush()
    older = Path(f"{log_file}.1")
    assert "the log file hears this" in older.read_text(encoding="utf-8")
    assert "after the roll-over" in log_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(older.stat().st_mode) == 0o600

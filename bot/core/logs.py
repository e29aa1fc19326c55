"""Configure logging once, for humans or for machines."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.core.config import Settings

DISCORD_DEBUG_WARNING = (
    "DISCORD_LOG_LEVEL=DEBUG writes whole gateway payloads to the log, including who sent "
    "each interaction and what they typed. Use it only briefly, never in production."
)


LOG_FILE_BYTES = 5 * 1024 * 1024
LOG_FILE_COUNT = 5


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that only the bot's own user can read."""

    def _open(self):  # type: ignore[no-untyped-def]
        """Create the file readable and writable by its owner only."""
        Path(self.baseFilename).touch(mode=0o600, exist_ok=True)
        os.chmod(self.baseFilename, 0o600)
        return super()._open()


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Send logs to stderr (and LOG_FILE) in the chosen format; keep payload logging off."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if settings.log_file is not None:
        handlers.append(
            PrivateRotatingFileHandler(
                settings.log_file,
                maxBytes=LOG_FILE_BYTES,
                backupCount=LOG_FILE_COUNT - 1,
                encoding="utf-8",
            )
        )
    formatter: logging.Formatter
    if settings.log_format == "json":
        formatter = JsonFormatter()
    else:
        formatter = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    for handler in handlers:
        handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in root.handlers:
        if isinstance(old, logging.handlers.RotatingFileHandler):
            old.close()
    root.handlers[:] = handlers
    root.setLevel(settings.log_level)
    # discord.py at DEBUG logs whole payloads, which include user ids and modal text.
    discord_level = max(logging.INFO, logging.getLevelName(settings.discord_log_level))
    if settings.discord_log_level == "DEBUG":
        discord_level = logging.DEBUG
        logging.getLogger(__name__).warning(DISCORD_DEBUG_WARNING)
    logging.getLogger("discord").setLevel(discord_level)
    # APScheduler logs every run of every job at INFO; Alongside logs real events instead.
    logging.getLogger("apscheduler").setLevel(settings.scheduler_log_level)
    # aiosqlite at DEBUG logs every SQL statement with its parameters, which would put what
    # members write (anonymous submissions included) into the log.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))

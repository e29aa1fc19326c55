"""Read settings from the environment into one frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE = PROJECT_ROOT / "var" / "alongside.db"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment at start-up."""

    token: str
    database_path: Path
    data_dir: Path
    dev_guild_id: int | None
    log_level: str
    log_format: str
    discord_log_level: str
    timezone: str
    api_base: str | None
    gateway_url: str | None
    anonymity_key: str | None
    contact_url: str
    feeds_allow_private_hosts: bool
    backup_dir: Path
    backup_keep: int
    log_file: Path | None
    anonymity_key_file: Path
    scheduler_log_level: str = "WARNING"

    def redacted(self) -> dict[str, str]:
        """Return the settings as text, with secrets hidden, for `check` output."""
        return {
            "token": "set" if self.token else "not set",
            "database": str(self.database_path),
            "data": str(self.data_dir),
            "dev guild": str(self.dev_guild_id) if self.dev_guild_id else "none (global commands)",
            "log level": self.log_level,
            "timezone": self.timezone,
            "Discord API": self.api_base or "Discord's own",
            "gateway": self.gateway_url or "Discord's own",
            "anonymity key": "from environment"
            if self.anonymity_key
            else f"key file {self.anonymity_key_file}",
        }


def _clean(env: Mapping[str, str], key: str) -> str:
    return env.get(key, "").strip()


def _check_writable(path: Path) -> str | None:
    """Say why the database cannot live at `path`, or None if it can."""
    if path.exists():
        if path.is_dir():
            return f"DATABASE_PATH {path} is a folder; it must name a file."
        if not os.access(path, os.R_OK | os.W_OK):
            return f"DATABASE_PATH {path} cannot be read and written by this user."
        return None
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    # os.access is always true for root, so also catch ancestors that are files or read-only
    # mounts, which no user can create a database under.
    if not parent.is_dir():
        return f"DATABASE_PATH {path} cannot be created: {parent} is a file, not a folder."
    writable = os.access(parent, os.W_OK | os.X_OK)
    try:
        read_only_mount = bool(os.statvfs(parent).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_mount = False
    if not writable or read_only_mount:
        return f"DATABASE_PATH {path} cannot be created: {parent} is not writable."
    return None


def default_key_folder(env: Mapping[str, str], database_path: Path) -> Path:
    """Return where secrets live by default: the user's config folder, never the data folder.

    Only the given environment is read (not the process's home), so tests and the demo never
    write into a real home folder. With no HOME at all, a folder beside the data folder is used.
    """
    xdg = _clean(env, "XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg).expanduser() / "alongside"
    home = _clean(env, "HOME")
    if home:
        return Path(home) / ".config" / "alongside"
    folder = database_path.parent
    return folder.with_name(folder.name + "-alongside-keys")


def _check_url(value: str, name: str, schemes: tuple[str, ...]) -> str | None:
    if not value.startswith(tuple(f"{s}://" for s in schemes)):
        allowed = " or ".join(f"{s}://" for s in schemes)
        return f"{name} must start with {allowed} (got {value!r})."
    return None


def load_settings(env: Mapping[str, str], *, require_token: bool = True) -> Settings:
    """Build Settings from `env`, raising ConfigError listing every problem found."""
    problems: list[str] = []

    token = _clean(env, "DISCORD_TOKEN")
    if require_token and not token:
        problems.append("DISCORD_TOKEN is not set: copy it from the Discord developer portal.")

    raw_db = _clean(env, "DATABASE_PATH")
    database_path = Path(raw_db).expanduser() if raw_db else DEFAULT_DATABASE
    problem = _check_writable(database_path)
    if problem:
        problems.append(problem)

    raw_data = _clean(env, "DATA_DIR")
    if raw_data:
        data_dir = Path(raw_data).expanduser()
    else:
        # A checkout has data/ beside bot/; a plain `pip install .` runs from its own folder.
        data_dir = DEFAULT_DATA_DIR if DEFAULT_DATA_DIR.is_dir() else Path.cwd() / "data"
    if not data_dir.is_dir():
        problems.append(f"DATA_DIR {data_dir} is not a folder of Alongside's shipped data.")

    dev_guild_id: int | None = None
    raw_guild = _clean(env, "DEV_GUILD_ID")
    if raw_guild:
        if raw_guild.isdigit() and 15 <= len(raw_guild) <= 20:
            dev_guild_id = int(raw_guild)
        else:
            problems.append(
                f"DEV_GUILD_ID must be a server id (15 to 20 digits), got {raw_guild!r}."
            )

    log_level = (_clean(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}.")

    log_format = (_clean(env, "LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        problems.append(f"LOG_FORMAT must be text or json, got {log_format!r}.")

    discord_log_level = (_clean(env, "DISCORD_LOG_LEVEL") or "INFO").upper()
    if discord_log_level not in LOG_LEVELS:
        problems.append(
            f"DISCORD_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {discord_log_level!r}."
        )

    # APScheduler says "Running job… executed successfully" at INFO for every tick (several
    # lines every 30 seconds), so it stays at WARNING unless a host asks for more.
    scheduler_log_level = (_clean(env, "SCHEDULER_LOG_LEVEL") or "WARNING").upper()
    if scheduler_log_level not in LOG_LEVELS:
        problems.append(
            f"SCHEDULER_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
            f"got {scheduler_log_level!r}."
        )

    timezone = _clean(env, "TIMEZONE") or "Europe/London"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"TIMEZONE {timezone!r} is not a known IANA timezone, e.g. Europe/London.")

    api_base = _clean(env, "DISCORD_API_BASE").rstrip("/") or None
    if api_base:
        problem = _check_url(api_base, "DISCORD_API_BASE", ("http", "https"))
        if problem:
            problems.append(problem)
    gateway_url = _clean(env, "DISCORD_GATEWAY_URL") or None
    if gateway_url:
        problem = _check_url(gateway_url, "DISCORD_GATEWAY_URL", ("ws", "wss"))
        if problem:
            problems.append(problem)

    anonymity_key = _clean(env, "ANONYMITY_KEY") or None
    if anonymity_key is not None and len(anonymity_key) < 32:
        problems.append("ANONYMITY_KEY must be at least 32 characters of random text.")

    raw_key_file = _clean(env, "ANONYMITY_KEY_FILE")
    anonymity_key_file = (
        Path(raw_key_file).expanduser()
        if raw_key_file
        else default_key_folder(env, database_path) / "anonymity-key"
    )
    if anonymity_key_file.is_dir():
        problems.append(
            f"ANONYMITY_KEY_FILE {anonymity_key_file} is a folder; it must name a file."
        )

    contact_url = _clean(env, "CONTACT_URL") or "https://github.com/alongside-bot/alongside"
    problem = _check_url(contact_url, "CONTACT_URL", ("http", "https"))
    if problem:
        problems.append(problem)

    raw_private = (_clean(env, "FEEDS_ALLOW_PRIVATE_HOSTS") or "no").lower()
    if raw_private not in ("yes", "no", "true", "false", "1", "0"):
        problems.append(f"FEEDS_ALLOW_PRIVATE_HOSTS must be yes or no, got {raw_private!r}.")
    feeds_allow_private_hosts = raw_private in ("yes", "true", "1")

    raw_backups = _clean(env, "BACKUP_DIR")
    backup_dir = Path(raw_backups).expanduser() if raw_backups else database_path.parent / "backups"
    raw_keep = _clean(env, "BACKUP_KEEP") or "14"
    backup_keep = int(raw_keep) if raw_keep.isdigit() else 0
    if not 1 <= backup_keep <= 365:
        problems.append(f"BACKUP_KEEP must be a whole number from 1 to 365, got {raw_keep!r}.")

    raw_log = _clean(env, "LOG_FILE")
    log_file = Path(raw_log).expanduser() if raw_log else None
    if log_file is not None:
        problem = _check_writable(log_file)
        if problem:
            problems.append(problem.replace("DATABASE_PATH", "LOG_FILE"))

    if problems:
        raise ConfigError(problems)
    return Settings(
        token=token,
        database_path=database_path,
        data_dir=data_dir,
        dev_guild_id=dev_guild_id,
        log_level=log_level,
        log_format=log_format,
        discord_log_level=discord_log_level,
        timezone=timezone,
        api_base=api_base,
        gateway_url=gateway_url,
        anonymity_key=anonymity_key,
        contact_url=contact_url,
        feeds_allow_private_hosts=feeds_allow_private_hosts,
        backup_dir=backup_dir,
        backup_keep=backup_keep,
        log_file=log_file,
        anonymity_key_file=anonymity_key_file,
        scheduler_log_level=scheduler_log_level,
    )

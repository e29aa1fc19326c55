"""Copy a server's settings to another server as TOML (channels and roles travel by name)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from typing import Any

from bot.core.errors import UserFacingError
from bot.settings.registry import GuildLookup, Kind, SettingsRegistry, format_value, parse_value

MAX_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class SettingsPlan:
    """What an import would change, and what it can't use."""

    changes: dict[str, Any]
    shown: list[str]
    problems: list[str]


def export_settings(
    registry: SettingsRegistry,
    values: dict[str, Any],
    overridden: set[str],
    names: dict[int, str],
) -> str:
    """Write the settings a moderator changed; `names` maps channel and role ids to names."""
    lines = [
        "# Alongside settings. Import them on another server with /mod settings import.",
        "# Channels are written as #name and roles as @name, so they match by name there.",
        "[settings]",
    ]
    for spec in registry.specs():
        if spec.key not in overridden or values.get(spec.key) is None:
            continue
        value = values[spec.key]
        if spec.kind is Kind.CHANNEL:
            text: Any = f"#{names.get(value, value)}"
        elif spec.kind is Kind.ROLE:
            text = f"@{names.get(value, value)}"
        else:
            text = value
        lines.append(f"{spec.key} = {json.dumps(text, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def check_size(size: int) -> None:
    """Refuse a file too large to be a settings file, before anything downloads it."""
    if size > MAX_BYTES:
        raise UserFacingError(
            f"That file is {size // 1024:,} KiB; a settings file is at most "
            f"{MAX_BYTES // 1024} KiB. Use /mod settings export to make one."
        )


def plan_import(
    registry: SettingsRegistry, data: bytes, lookup: GuildLookup, current: dict[str, Any]
) -> SettingsPlan:
    """Validate every value in the file against this server; change nothing."""
    check_size(len(data))
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UserFacingError(f"That file isn't a valid settings file: {error}.") from None
    except RecursionError:
        raise UserFacingError(
            "That file nests lists or tables too deeply to be a settings file. "
            "Use /mod settings export to make one."
        ) from None
    table = raw.get("settings")
    if not isinstance(table, dict) or not table:
        raise UserFacingError("That file has no [settings] table to import.")
    changes: dict[str, Any] = {}
    shown: list[str] = []
    problems: list[str] = []
    for key, value in table.items():
        try:
            spec = registry.get(str(key))
            if not isinstance(value, str | bool | int | float):
                raise UserFacingError("the value must be text, a number, or yes/no")
            typed = "yes" if value is True else "no" if value is False else str(value)
            parsed = parse_value(spec, typed, lookup)
        except UserFacingError as error:
            problems.append(f"{key}: {error.message}")
            continue
        if parsed != current.get(spec.key):
            changes[spec.key] = parsed
            before = format_value(spec, current.get(spec.key))
            shown.append(f"{spec.key}: {before} → {format_value(spec, parsed)}")
    return SettingsPlan(changes, shown, problems)

"""Per-server settings for "before and after the room"."""

from __future__ import annotations

from bot.settings.registry import Kind, SettingSpec

ROOMS_ENABLED = "rooms_enabled"
DEBRIEF_CHANNEL = "rooms_debrief_channel"

ROOM_SETTINGS = (
    SettingSpec(
        ROOMS_ENABLED,
        Kind.BOOLEAN,
        True,
        "Let members use /room to prepare for and debrief after hard meetings.",
    ),
    SettingSpec(
        DEBRIEF_CHANNEL,
        Kind.CHANNEL,
        None,
        "Where members may share a debrief, each in its own thread (optional).",
    ),
)

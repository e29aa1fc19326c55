"""The check-in settings a moderator can change, declared once for `/mod settings`."""

from __future__ import annotations

from bot.core.recurrence import Cadence
from bot.settings.registry import Kind, SettingSpec

BUDDY_CADENCE = "checkin_buddy_cadence"
PAIRING_CHANNEL = "checkin_pairing_channel"
SUPPORT_CHANNEL = "checkin_support_channel"
REQUEST_TIMEOUT = "checkin_request_timeout_hours"
SUMMARY_K = "checkin_summary_k"

BUDDY_CADENCES = {
    "weekly": Cadence.WEEKLY,
    "fortnightly": Cadence.FORTNIGHTLY,
    "monthly": Cadence.MONTHLY,
}
MIN_K = 5  # never below: with k=3, two alt accounts would expose the third person


def checkin_settings() -> list[SettingSpec]:
    """Declare the check-in settings."""
    return [
        SettingSpec(
            BUDDY_CADENCE,
            Kind.TEXT,
            "fortnightly",
            "How often buddies are paired (Mondays, 10:00): weekly, fortnightly, monthly or off.",
            max_length=20,
        ),
        SettingSpec(
            PAIRING_CHANNEL,
            Kind.CHANNEL,
            None,
            "If set, each buddy pair also gets a private thread in this channel.",
        ),
        SettingSpec(
            SUPPORT_CHANNEL,
            Kind.CHANNEL,
            None,
            "The private peer-support channel where requests for a check-in are posted.",
        ),
        SettingSpec(
            REQUEST_TIMEOUT,
            Kind.INTEGER,
            24,
            "Hours a request stays open before the member is told kindly and shown helplines.",
            minimum=1,
            maximum=168,
        ),
        SettingSpec(
            SUMMARY_K,
            Kind.INTEGER,
            5,
            "The smallest group /mod checkins summary will describe (at least 5).",
            minimum=MIN_K,
            maximum=50,
        ),
    ]


def buddy_cadence(value: object) -> Cadence | None:
    """Read the stored cadence ("week", "Fortnightly" …); None means off or unrecognised."""
    text = str(value or "").strip().lower()
    if len(text) < 4:
        return None
    for name, cadence in BUDDY_CADENCES.items():
        if name.startswith(text) or text.startswith(name[:4]):
            return cadence
    return None

"""Per-server settings for feeds, shown in `/mod settings`."""

from __future__ import annotations

from bot.settings.registry import Kind, SettingSpec

FAILURE_NOTICE_AFTER = "feeds_failure_notice_after"
MAX_POSTS_PER_POLL = "feeds_max_posts_per_poll"
CHANGED_IDS_CAP = "feeds_changed_ids_cap"


def feed_settings() -> list[SettingSpec]:
    """Declare the feed settings."""
    return [
        SettingSpec(
            FAILURE_NOTICE_AFTER,
            Kind.INTEGER,
            5,
            "After this many failed fetches in a row, moderators get one notice about the feed.",
            minimum=1,
            maximum=100,
        ),
        SettingSpec(
            MAX_POSTS_PER_POLL,
            Kind.INTEGER,
            5,
            "The most new pieces one feed posts at a time (the newest, posted oldest first).",
            minimum=1,
            maximum=20,
        ),
        SettingSpec(
            CHANGED_IDS_CAP,
            Kind.INTEGER,
            3,
            "If every piece of a feed suddenly looks new (ids changed), post at most this many.",
            minimum=0,
            maximum=20,
        ),
    ]

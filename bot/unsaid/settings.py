"""Unsaid's per-server settings, shown in `/mod settings` and `/mod unsaid settings`."""

from __future__ import annotations

from bot.settings.registry import Kind, SettingSpec

UNSAID_SETTINGS = (
    SettingSpec(
        "unsaid_channel",
        Kind.CHANNEL,
        None,
        "Where Unsaid posts appear. Unsaid is off until this is set.",
    ),
    SettingSpec(
        "unsaid_review_channel",
        Kind.CHANNEL,
        None,
        "Where moderators review Unsaid submissions (mod_channel if not set).",
    ),
    SettingSpec(
        "unsaid_review",
        Kind.BOOLEAN,
        True,
        "Moderators approve each Unsaid submission before it is posted.",
    ),
    SettingSpec(
        "unsaid_daily_limit",
        Kind.INTEGER,
        3,
        "How many times a day each person can share (and, separately, reply) anonymously.",
        minimum=1,
        maximum=20,
    ),
    SettingSpec(
        "unsaid_delay_min",
        Kind.INTEGER,
        2,
        "Without review, the shortest random wait (minutes) before a submission is posted.",
        minimum=2,
        maximum=120,
    ),
    SettingSpec(
        "unsaid_delay_max",
        Kind.INTEGER,
        10,
        "Without review, the longest random wait (minutes) before a submission is posted "
        "(always at least 8 minutes after the shortest, so the wait stays random).",
        minimum=10,
        maximum=120,
    ),
    SettingSpec(
        "unsaid_batch_minutes",
        Kind.INTEGER,
        30,
        "Submissions reach the review channel together, in shuffled batches this often.",
        minimum=5,
        maximum=240,
    ),
    SettingSpec(
        "unsaid_hold_links",
        Kind.BOOLEAN,
        True,
        "Hold submissions with links or invites for review, even when review is off.",
    ),
)

# The random wait without review is never shorter than this nor narrower than this spread,
# whatever is stored: a fixed or short wait would let a moderator time a submission.
MIN_DELAY = 2
MIN_SPREAD = 8


def delay_window(low: int, high: int) -> tuple[int, int]:
    """Return the wait actually used: at least MIN_DELAY, at least MIN_SPREAD wide."""
    low, high = sorted((low, high))
    low = max(low, MIN_DELAY)
    return low, max(high, low + MIN_SPREAD)


# Daily limits are counted in slots 1..MAX_DAILY_LIMIT whatever the setting, so that lowering
# the limit during a day still counts what was already used.
MAX_DAILY_LIMIT = 20

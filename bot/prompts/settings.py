"""The prompts feature's per-server settings."""

from bot.settings.registry import Kind, SettingSpec

GRACE_KEY = "prompts_grace_minutes"
REVIEW_KEY = "prompts_review_channel"

PROMPT_SETTINGS = [
    SettingSpec(
        REVIEW_KEY,
        Kind.CHANNEL,
        None,
        "Where suggested prompts wait for a moderator (else mod_channel).",
    ),
    SettingSpec(
        GRACE_KEY,
        Kind.INTEGER,
        60,
        "After the bot was offline, scheduled prompts up to this many minutes late are still "
        "sent; older ones are skipped rather than sent as a backlog.",
        minimum=5,
        maximum=1440,
    ),
]

"""The glossary's per-server settings."""

from bot.settings.registry import Kind, SettingSpec

GLOSSARY_SETTINGS = [
    SettingSpec(
        "glossary_review_channel",
        Kind.CHANNEL,
        None,
        "Where suggested terms and perspectives wait for a moderator (else mod_channel).",
    ),
]

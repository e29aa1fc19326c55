"""Say what Unsaid tells people when it refuses or can't find something."""

from __future__ import annotations

from bot.unsaid.models import RETENTION_DAYS, GuildConfig

NOT_SET_UP = (
    "Unsaid isn't set up in this server yet. A moderator can choose its channels with "
    "`/mod unsaid settings`."
)
BLOCKED = (
    "Anonymous sharing is paused for you in this server. Moderators did this without knowing "
    "who you are, and Alongside hasn't told them. If you need support, `/support` lists "
    "people you can contact."
)
LIMIT_REACHED = (
    "You've {what} {times} today, which is as many as this server allows in a day. "
    "You can {again} again tomorrow. If something can't wait, `/support` lists people you "
    "can talk to."
)
UNKNOWN_RECEIPT = (
    "I couldn't find anything with that receipt code. Please check it; it looks like "
    "`7K3QD-9XWPA-M2C4E-HT8VR`. Rejected submissions are forgotten after "
    f"{RETENTION_DAYS} days."
)
GONE = "This submission no longer exists: its author may have withdrawn it."


def limit_message(config: GuildConfig, *, reply: bool) -> str:
    """Explain kindly that today's allowance is used, and when it comes back."""
    what, again = ("replied anonymously", "reply") if reply else ("shared", "share")
    limit = config.daily_limit
    times = "once" if limit == 1 else "twice" if limit == 2 else f"{limit} times"
    return LIMIT_REACHED.format(what=what, again=again, times=times)

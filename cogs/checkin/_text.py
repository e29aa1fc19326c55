"""What check-ins say to people, kept together so the voice stays consistent."""

from __future__ import annotations

import discord

from bot.checkins.reminders import REMINDER_CADENCES
from bot.checkins.service import RETENTION_TEXT
from bot.core.recurrence import WEEKDAY_NAMES

COLOUR = 0x5B8A72

CONSENT_TITLE = "Before your first check-in"
CONSENT_BODY = (
    "Check-ins are for you: a private way to notice how the emotional labour of this work "
    "is sitting with you over time.\n\n"
    "**What is stored:** when you agreed; then, for each check-in, the date, your emotional "
    "labour and energy (1 to 5), any note you write, and whether you'd welcome a peer "
    "checking in. Also your reminder, buddy and availability choices, if you make any.\n"
    "**Who can see it:** only you. Moderators see totals for groups of at least {k} people, "
    "for completed weeks only, kept as first shown (so erasing yours later changes nothing "
    "they can compare), never anyone's own check-ins, and there is no list of who did or "
    "didn't check in. "
    "Nothing goes to anyone else unless you ask a peer to check in, and then only your name. "
    "Whoever hosts Alongside can technically open its database file.\n"
    "**How long:** check-ins are deleted after {retention}, or sooner whenever you choose.\n"
    "**Changing your mind:** `/checkin withdraw-consent` stops everything at once and offers "
    "to erase what is stored; `/mydata` lets you export or delete it.\n\n"
    "Nothing has been stored yet. Alongside is a bot, and no person is shown your check-ins."
)
NOT_NOW = "No problem. Nothing has been stored. Check-ins will be here if you ever want them."
AGREED = "Thank you. Your consent was recorded on {when}. You can take it back at any time."

LOGGED = (
    "Thank you for checking in. It's saved privately: only you can see it, with `/checkin history`."
)
HEAVY = (
    "Heavy weeks are part of this work, and they count. Be as gentle with yourself as "
    "you'd be with a peer."
)
SIGNPOST = "If things feel like too much right now, these services are there for you, any time."
OFFER_ASK = (
    "You said you'd welcome a peer checking in. If you'd like, Alongside can ask the members "
    "who've said they're available. Only your name is shared, never your check-in."
)
NO_SUPPORT_CHANNEL = (
    "You said you'd welcome a peer checking in. This server hasn't set up a peer-support "
    "channel yet, so you might reach out to someone you trust, or to a moderator."
)
ASK_EXPLAINED = (
    "Alongside will post in {channel} that you'd welcome a peer checking in, with your name, "
    "and send your name privately to a few members who have said they're available, so that "
    "one of them can reach out to you. Your check-ins "
    "and notes are never shared. If nobody is able to within {hours} hours, you'll be told, "
    "with places you can find support."
)
ASK_NO_CHANNEL = (
    "This server hasn't set up a peer-support channel yet, so requests can't be posted. "
    "You could reach out to someone you trust, or to a moderator. `/support` lists helplines."
)
ASK_POSTED = (
    "Your request is posted in {channel}. You'll get a direct message when someone says "
    "they'll reach out, or if nobody is able to within {hours} hours."
)
REQUEST_POST = (
    "{asker} would welcome a peer checking in with them. If you've said you're available "
    "and you have the capacity, press the button. This closes {closes}."
)
ASK_NOBODY = (
    "Your request is posted in {channel}, but nobody who offers support can be told privately "
    "right now, so it may be a while before anyone sees it. It stays open for {hours} hours. "
    "If you need someone now, these services are there for you."
)
REQUEST_DM = (
    "{asker} in {guild} would welcome a peer checking in with them. You're getting this "
    "because you said you're available; a few available members are told each time, taking "
    "turns. If you have the capacity, press the button. If not, there's nothing to do: nobody "
    "is told who didn't. This closes {closes}."
)
NOT_A_MEMBER = "This request is for members of its server, so it can't be taken from here."
REQUEST_DM_TAKEN = "Someone has said they'll reach out to {asker}. Thank you for being available."
REQUEST_DM_YOURS = "You said you'll reach out to {asker}. Thank you."
REQUEST_DM_CLOSED = "This request has closed. Thank you for being available."
REQUEST_TAKEN_POST = "{asker}'s request has been taken: {helper} is reaching out. Thank you."
REQUEST_CLOSED_POST = "This request has closed."
REQUEST_WITHDRAWN_POST = "This request was withdrawn."
HELPER_THANKS = (
    "Thank you. Please send {asker} a message soon. They've been told you'll be in touch."
)
ASKER_TAKEN = (
    "{helper} from {guild} has said they'll reach out to you. If you don't hear from them "
    "soon, you're welcome to message them first."
)
ASKER_EXPIRED = (
    "Nobody in {guild} was able to take your request for a check-in this time. That's about "
    "people's capacity, not about you. If you need someone now, these services are there "
    "for you."
)

REMINDER_DM = (
    "A gentle reminder from {guild}: a check-in takes a minute, and only you see it. "
    "There's no need if now isn't a good time."
)
SKIPPED = "No problem: no more reminders this week. They'll start again on {when}."

WITHDRAWN = (
    "Done. Alongside has stopped logging check-ins for you, and your reminders, buddy rounds, "
    "availability and any open request have stopped too. Your past check-ins are still "
    "stored, only for you. Would you like them erased now?"
)
ERASED = "Erased. Nothing check-ins held about you in this server is kept any more."
KEPT = "Kept. `/mydata` or `/checkin withdraw-consent` can erase them whenever you like."

BUDDY_INTRO = (
    "**Your buddy round in {guild}**\nThis round you're paired with {buddies}. "
    "You could start with: *{starter}*\n"
    "There's no tracking and no pressure: meet when and how it suits you. "
    "`/checkin buddies pause` or `/checkin buddies leave` whenever you need."
)
BUDDY_THREAD = "There's also a private thread for you: {thread}."
BUDDY_ALONE = (
    "**Your buddy round in {guild}**\nThere wasn't a buddy for you this round, sorry. "
    "You'll be included in the next one."
)
BUDDY_THREAD_STARTER = "A private space for this round's buddies. You could start with: *{starter}*"


def consent_embed(k: int) -> discord.Embed:
    """Build the consent statement."""
    return discord.Embed(
        title=CONSENT_TITLE,
        description=CONSENT_BODY.format(k=k, retention=RETENTION_TEXT),
        colour=COLOUR,
    )


def describe_cadence(cadence: str, weekday: int) -> str:
    """Say a reminder cadence in words: "every Friday", "every weekday"…."""
    day = WEEKDAY_NAMES[weekday].capitalize()
    if cadence not in REMINDER_CADENCES:
        return cadence
    return {
        "daily": "every day",
        "weekdays": "every weekday",
        "weekly": f"every {day}",
        "fortnightly": f"every other {day}",
        "monthly": f"on the first {day} of each month",
    }[cadence]


def join_names(names: list[str]) -> str:
    """Join names as "A", "A and B"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]

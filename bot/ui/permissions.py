"""What Alongside needs from Discord, where: one table the invite, setup and tests all read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import discord

# Discord's permission bits (https://discord.com/developers/docs/topics/permissions), by the
# attribute names discord.py uses, and the words Discord shows moderators in its settings.
BITS: dict[str, int] = {
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "manage_messages": 1 << 13,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35,
    "create_private_threads": 1 << 36,
    "send_messages_in_threads": 1 << 38,
}
WORDS: dict[str, str] = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "manage_messages": "Manage Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
    "read_message_history": "Read Message History",
    "mention_everyone": "Mention @everyone, @here, and All Roles",
    "manage_threads": "Manage Threads",
    "create_public_threads": "Create Public Threads",
    "create_private_threads": "Create Private Threads",
    "send_messages_in_threads": "Send Messages in Threads",
}

SEND_DEPENDENT = frozenset({"embed_links", "attach_files", "mention_everyone"})
POST = ("view_channel", "send_messages", "embed_links")
POST_WITH_THREAD = (
    *POST,
    "read_message_history",  # a thread is started from a message the bot has to read
    "create_public_threads",
    "send_messages_in_threads",
)


@dataclass(frozen=True, slots=True)
class Need:
    """One place Alongside posts in, and the permissions it needs there."""

    place: str  # a channel setting's key, or a name for channels chosen elsewhere
    permissions: tuple[str, ...]
    why: str


NEEDS: tuple[Need, ...] = (
    Need("mod_channel", POST, "notices for moderators"),
    Need(
        "unsaid_channel",
        (*POST_WITH_THREAD, "manage_threads"),
        "anonymous posts, replies "
        "in each post's thread, and deleting that thread when its author withdraws the post",
    ),
    Need("unsaid_review_channel", POST, "anonymous submissions waiting for review"),
    Need("glossary_review_channel", POST, "suggested terms waiting for review"),
    Need("prompts_review_channel", POST, "suggested prompts waiting for review"),
    Need("checkin_support_channel", POST, "requests for a check-in"),
    Need(
        "checkin_pairing_channel",
        ("view_channel", "create_private_threads", "send_messages_in_threads"),
        "a private thread for each buddy pair, with the pair added to it",
    ),
    Need(
        "rooms_debrief_channel",
        POST_WITH_THREAD,
        "debriefs members chose to share with their name, each with a thread for replies",
    ),
    Need("feed channels", POST_WITH_THREAD, "feed posts, each with a discussion thread"),
    Need("prompt channels", POST_WITH_THREAD, "scheduled prompts, each with its own thread"),
)


def needs_for(place: str) -> tuple[str, ...]:
    """Return the permissions Alongside needs in `place` (a setting key or a named place)."""
    for need in NEEDS:
        if need.place == place:
            return need.permissions
    raise KeyError(place)


def invite_permissions() -> list[str]:
    """Every permission any place needs, in Discord's bit order: what the invite grants."""
    wanted = {name for need in NEEDS for name in need.permissions}
    return sorted(wanted, key=BITS.__getitem__)


def invite_integer() -> int:
    """The invite's permissions integer."""
    total = 0
    for name in invite_permissions():
        total |= BITS[name]
    return total


def invite_url(application_id: int | str = "YOUR_APPLICATION_ID") -> str:
    """The address that adds Alongside to a server with exactly what it needs."""
    return (
        "https://discord.com/oauth2/authorize"
        f"?client_id={application_id}&scope=bot+applications.commands"
        f"&permissions={invite_integer()}"
    )


def words(names: tuple[str, ...] | list[str]) -> list[str]:
    """Name permissions as Discord's settings do (e.g. "Create Private Threads")."""
    return [WORDS.get(name, name.replace("_", " ").title()) for name in names]


def invite_text(application_id: int | str = "YOUR_APPLICATION_ID") -> str:
    """What `python -m bot invite` prints."""
    lines = [
        invite_url(application_id),
        "",
        f"Permissions integer: {invite_integer()}",
        "Permissions: " + ", ".join(words(invite_permissions())),
        "",
        "Where each is needed:",
    ]
    lines += [f"- {need.place}: {', '.join(words(need.permissions))}" for need in NEEDS]
    return "\n".join(lines)


def missing_in(channel: discord.abc.GuildChannel, needed: tuple[str, ...]) -> list[str]:
    """Name, in Discord's words, which of `needed` Alongside lacks in `channel`."""
    allowed = channel.permissions_for(channel.guild.me)
    missing = [name for name in needed if not getattr(allowed, name, False)]
    # Discord takes everything away with View Channel, and embedding and attaching with Send
    # Messages: name only the cause, not what follows from it.
    if "view_channel" in missing:
        missing = ["view_channel"]
    elif "send_messages" in missing:
        missing = [name for name in missing if name not in SEND_DEPENDENT]
    return words(missing)


def no_private_threads(channel: discord.abc.GuildChannel) -> str | None:
    """Explain why `channel` can't hold private threads (an announcement channel), or None."""
    is_news = getattr(channel, "is_news", None)
    if callable(is_news) and is_news():
        return (
            f"{channel.mention} is an announcement channel, and Discord doesn't allow private "
            "threads there. Please choose an ordinary text channel."
        )
    return None

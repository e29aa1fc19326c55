"""The demo server's plan: who is in it, its channels, and the scheduled ticks it runs."""

from __future__ import annotations

from dataclasses import dataclass

import simcord

SERVER_NAME = "Peer Network (demo)"
BOT_NAME = "Alongside"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the visitor can be."""

    key: str
    name: str
    role: str
    about: str
    actor: simcord.MemberActor

    @property
    def id(self) -> int:
        """The person's Discord user id."""
        return self.actor.id


@dataclass(frozen=True, slots=True)
class ChannelPlan:
    """A channel of the demo server."""

    key: str
    topic: str
    private_to: tuple[str, ...] = ()


PEOPLE = (
    ("mo", "Mo", "moderator", "Moderator: has /mod, reviews Unsaid and suggestions."),
    ("ash", "Ash", "member", "Member: a peer support worker."),
    ("bea", "Bea", "member", "Member and peer supporter: can see #peer-support."),
)

CHANNELS = (
    ChannelPlan("general", "Chat, and a good place to try commands."),
    ChannelPlan("unsaid", "Anonymous posts from /unsaid share appear here after review."),
    ChannelPlan("reflections", "A reflective prompt each morning at 10:00, with a thread."),
    ChannelPlan("blogs", "New pieces from the demo blog feed."),
    ChannelPlan(
        "peer-support",
        "Private: requests for a check-in from /checkin ask.",
        private_to=("Moderators", "Peer supporters"),
    ),
    ChannelPlan(
        "moderators",
        "Private: the review queue and notices for moderators.",
        private_to=("Moderators",),
    ),
)

# Cog name and the tick methods the scheduler would call, run after each step of time.
TICKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Unsaid", ("tick",)),
    ("Reflect", ("tick",)),
    ("Feeds", ("tick",)),
    ("Checkins", ("jobs.reminder_tick", "jobs.request_tick", "jobs.buddy_tick")),
)

"""Hold the plain values Unsaid's service takes and returns."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.db.ledger import Occurrence
from bot.db.unsaid import UnsaidItem
from bot.unsaid.settings import delay_window

# Tags (and rejected items' reasons) are kept this long, so a moderator can still block the
# author of something recent, and no longer.
RETENTION_DAYS = 14


class Route(enum.Enum):
    """Where a new submission goes next."""

    REVIEW = "review"  # review is on: moderators approve it
    HELD = "held"  # review is off, but this one is held for a moderator
    TIMED = "timed"  # review is off: posted after a random delay


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """One server's Unsaid settings, read together."""

    channel_id: int | None
    review_channel_id: int | None
    mod_channel_id: int | None
    review: bool
    daily_limit: int
    delay_min: int
    delay_max: int
    batch_minutes: int
    hold_links: bool
    timezone: str

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> GuildConfig:
        """Read Unsaid's settings out of all of a server's setting values."""
        delay = delay_window(int(values["unsaid_delay_min"]), int(values["unsaid_delay_max"]))
        return cls(
            channel_id=values["unsaid_channel"],
            review_channel_id=values["unsaid_review_channel"] or values["mod_channel"],
            mod_channel_id=values["mod_channel"],
            review=bool(values["unsaid_review"]),
            daily_limit=int(values["unsaid_daily_limit"]),
            delay_min=delay[0],
            delay_max=delay[1],
            batch_minutes=int(values["unsaid_batch_minutes"]),
            hold_links=bool(values["unsaid_hold_links"]),
            timezone=str(values["timezone"]),
        )

    @property
    def ready(self) -> bool:
        """Say whether there is somewhere to post and somewhere to review."""
        return self.channel_id is not None and self.review_channel_id is not None


@dataclass(frozen=True, slots=True)
class Submitted:
    """What the author is told after submitting."""

    receipt: str
    route: Route
    needs_care: bool
    has_link: bool
    is_reply: bool
    config: GuildConfig
    is_answer: bool = False


@dataclass(frozen=True, slots=True)
class ReviewBatch:
    """Submissions released to moderators together, already shuffled."""

    guild_id: int
    occurrence: Occurrence
    items: list[UnsaidItem]


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """A block as moderators see it."""

    public_id: str
    blocked_on: str
    under_previous_key: bool


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A submission being withdrawn, with the replies that go with it."""

    item: UnsaidItem
    replies: list[UnsaidItem]

"""Hold the plain values and limits the prompts service shares with the /reflect commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.prompts_deliveries import Delivery
from bot.db.prompts_library import Prompt
from bot.prompts.courier import TickReport
from bot.prompts.library import ReflectiveModel

JOURNAL_MAX = 4000
JOURNAL_PAGE = 5
MAX_PAUSE_WEEKS = 12
NOT_SUBSCRIBED = "You're not subscribed to prompts here. `/reflect subscribe` sets that up."


@dataclass(frozen=True, slots=True)
class Drawn:
    """A prompt with what is needed to show it: its theme's name and its model's stages."""

    prompt: Prompt
    theme_label: str
    model: ReflectiveModel | None


@dataclass(frozen=True, slots=True)
class PostedNow:
    """What `/mod prompts post-now` did."""

    delivery: Delivery
    prompt: Prompt
    held_until: datetime | None
    report: TickReport

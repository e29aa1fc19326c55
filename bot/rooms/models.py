"""Hold what /room's service and cog share: field limits, impact kinds, the plan, shipped lines."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.core.errors import UserFacingError
from bot.core.text import strip_invisible

WHAT_MAX = 200
REFLECTION_MAX = 1000
QUESTION_MAX = 300
PEER_WORDS_MAX = 300
IMPACT_KINDS = {
    "language": "Language I challenged",
    "question": "A question that changed a decision",
    "represented": "A person or group I represented",
    "other": "Something else",
}


def tidy(text: str | None, limit: int, what: str, *, required: bool = False) -> str | None:
    """Clean what the member typed; None for an empty optional field."""
    cleaned = strip_invisible(text or "").strip()
    if not cleaned:
        if required:
            raise UserFacingError(f"Please write {what}.")
        return None
    if len(cleaned) > limit:
        raise UserFacingError(
            f"{what.capitalize()} can be at most {limit} characters; that was {len(cleaned)}."
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class Plan:
    """What the member typed into the prepare form, and the command's options."""

    what: str
    when: str
    carry: str | None
    share_keep: str | None
    question: str | None
    minutes: int
    remind: int
    zone: str
    peer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Lines:
    """The shipped grounding lines and questions (`data/room.toml`)."""

    grounding: tuple[str, ...]
    questions: tuple[str, ...]

    @classmethod
    def load(cls, data_dir: Path) -> Lines:
        """Read `data/room.toml`."""
        with (data_dir / "room.toml").open("rb") as handle:
            data = tomllib.load(handle)
        return cls(tuple(data["grounding"]), tuple(data["questions"]))

"""The shipped prompt file: themes, reflective models and prompts."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import UserFacingError

TEXT_MAX = 300
NOTE_MAX = 120
GROUNDING_MAX = 250
DEFAULT_GROUNDING = (
    "Take this gently. You can stop at any point, and leaving it for another day is fine."
)


@dataclass(frozen=True, slots=True)
class ReflectiveModel:
    """A reflective model whose stages become gentle follow-up questions."""

    key: str
    name: str
    stages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShippedPrompt:
    """One [[prompt]] of the file."""

    key: str
    theme: str
    text: str
    model: str | None
    heavy: bool
    content_note: str | None
    grounding: str | None


@dataclass(frozen=True, slots=True)
class Library:
    """What data/prompts.toml holds."""

    version: int
    themes: dict[str, str]
    models: dict[str, ReflectiveModel]
    prompts: tuple[ShippedPrompt, ...]

    def theme_label(self, key: str) -> str:
        """The name people see for a theme key (the key itself if unknown)."""
        return self.themes.get(key, key)

    def theme_key(self, theme: str) -> str:
        """Return the theme key for a key or name, or explain which themes exist."""
        wanted = theme.strip().lower()
        for key, label in self.themes.items():
            if wanted in (key, label.lower()):
                return key
        raise UserFacingError(
            "I don't know that theme. Pick one from the list offered as you type."
        )


def _prompt(entry: dict[str, Any], themes: dict[str, str], models: dict[str, Any]) -> ShippedPrompt:
    key = str(entry["id"])
    theme = str(entry["theme"])
    if theme not in themes:
        raise ValueError(f"prompt {key}: unknown theme {theme!r}")
    model = entry.get("model")
    if model is not None and model not in models:
        raise ValueError(f"prompt {key}: unknown model {model!r}")
    text = str(entry["text"]).strip()
    if not text or len(text) > TEXT_MAX:
        raise ValueError(f"prompt {key}: text must be 1 to {TEXT_MAX} characters")
    heavy = bool(entry.get("heavy", False))
    note = entry.get("content_note")
    grounding = entry.get("grounding")
    if heavy and not (note and grounding):
        raise ValueError(f"prompt {key}: a heavy prompt needs content_note and grounding")
    return ShippedPrompt(
        key,
        theme,
        text,
        str(model) if model else None,
        heavy,
        str(note) if note else None,
        str(grounding) if grounding else None,
    )


def load_library(path: Path) -> Library:
    """Parse and check data/prompts.toml; a mistake in it is a clear ValueError at start-up."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    themes = {str(k): str(v) for k, v in raw.get("themes", {}).items()}
    models = {
        str(k): ReflectiveModel(str(k), str(v["name"]), tuple(str(s) for s in v["stages"]))
        for k, v in raw.get("models", {}).items()
    }
    prompts = tuple(_prompt(entry, themes, models) for entry in raw.get("prompt", ()))
    keys = [p.key for p in prompts]
    if len(keys) != len(set(keys)):
        raise ValueError("two prompts in the file share an id")
    return Library(int(raw.get("version", 1)), themes, models, prompts)

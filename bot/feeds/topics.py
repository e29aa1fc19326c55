"""Content notes: which of the shared sensitive topics a piece touches on."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.core.safety import normalise


@dataclass(frozen=True, slots=True)
class Topic:
    """A sensitive topic: the label readers see and the words that suggest it."""

    label: str
    keywords: tuple[str, ...]


class TopicMatcher:
    """Finds topics by whole words or phrases, ignoring case and punctuation."""

    def __init__(self, topics: list[Topic]) -> None:
        self.topics = topics
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        for topic in topics:
            phrases = sorted({normalise(k) for k in topic.keywords if normalise(k)}, key=len)
            if phrases:
                alternation = "|".join(re.escape(p) for p in reversed(phrases))
                self._patterns.append((topic.label, re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")))

    @classmethod
    def from_data(cls, data_dir: Path) -> TopicMatcher:
        """Load the shipped, editable topic list (data/sensitive_topics.toml)."""
        with (data_dir / "sensitive_topics.toml").open("rb") as handle:
            raw = tomllib.load(handle)
        topics = [
            Topic(str(entry["label"]), tuple(str(k) for k in entry.get("keywords", [])))
            for entry in raw.get("topic", [])
        ]
        return cls(topics)

    def labels(self, *texts: str) -> list[str]:
        """Return the labels of every topic the texts mention, in the file's order."""
        flat = normalise(" \n ".join(texts))
        return [label for label, pattern in self._patterns if pattern.search(flat)]


def content_note(mode: str, labels: list[str]) -> str | None:
    """Return the content note for a post under the feed's mode, or None for no note."""
    if mode == "never":
        return None
    if labels:
        return ", ".join(labels)
    if mode == "always":
        return "this piece may touch on difficult experiences"
    return None

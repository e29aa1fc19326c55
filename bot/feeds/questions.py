"""Reflective questions for the thread under each post.

A short fixed list until the prompt library exists; swap `reflective_question` for a function
that draws from the library (the service takes any `QuestionSource`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

QuestionSource = Callable[[str], str]

REFLECTIVE_QUESTIONS: tuple[str, ...] = (
    "What does this mean for your practice?",
    "What would you want the people who make decisions to take from this?",
    "Where, if anywhere, do you recognise your own work in this?",
    "What feels missing from this piece?",
    "What would you say to the writer if you met them?",
)


def reflective_question(item_key: str) -> str:
    """Pick a question for an item; the same item always gets the same question."""
    digest = hashlib.sha256(item_key.encode()).digest()
    return REFLECTIVE_QUESTIONS[digest[0] % len(REFLECTIVE_QUESTIONS)]

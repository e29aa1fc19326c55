"""Hypothesis strategies for text a hostile or unlucky person might type, and checks on what the
bot did with it.

The text mixes arbitrary Unicode with the pieces that break bots: mentions and @everyone,
zero-width and direction-override characters, Markdown, control characters, combining marks,
emoji sequences, and text filling a field to its limit (4,000 characters for the longest forms).
"""

from __future__ import annotations

from typing import Any

import simcord
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.ui.replies import APOLOGY, explain
from tests.conftest import World
from tests.requestcheck import RequestChecker

PIECES = (
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "</glossary define:1>",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u202e",  # right-to-left override
    "\u202d",  # left-to-right override
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\u0627\u0644\u0633\u0644\u0627\u0645",  # Arabic
    "**bold**",
    "__underline__",
    "~~struck~~",
    "||spoiler||",
    "`code`",
    "```block```",
    "> quoted",
    "# Heading",
    "-# small",
    "[link](https://evil.example/)",
    "https://discord.gg/invite",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x1b[31m",
    "e\u0301\u0301\u0301",  # stacked combining marks
    "👩🏽‍⚕️",
    "🏳️‍🌈",
    "𝓯𝓪𝓷𝓬𝔂",
    "ﷺ",
    "İß",
    "' OR 1=1 --",
    "%s%n{0}",
    "\\",
)

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every CI run; failures print the input
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def hostile_text(min_size: int = 0, max_size: int = 4000) -> st.SearchStrategy[str]:
    """Text of `min_size` to `max_size` characters, mostly nasty."""
    pieces = st.lists(
        st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=1, max_size=12
    ).map("".join)
    filled = st.sampled_from((*PIECES, "word ", "\u200b@everyone ")).map(
        lambda piece: piece * (max_size // len(piece) + 1)
    )
    text = st.one_of(st.text(max_size=min(max_size, 300)), pieces, pieces, filled)

    def fit(value: str) -> str:
        value = value[:max_size]
        if len(value) < min_size:
            value = (value + "x" * min_size)[:max_size]
        return value

    return text.map(fit)


def texts(result: simcord.InteractionResult) -> list[str]:
    """Everything a result showed the person: contents and embed text, answer and followups."""
    found: list[str] = []
    for message in [result.response, *result.followups]:
        if message is None:
            continue
        found.append(message.content or "")
        for embed in message.embeds:
            found.append(f"{embed.title or ''} {embed.description or ''}")
    return found


class Watch:
    """Looks at what the bot did since the last mark: errors, requests."""

    def __init__(self, world: World, checker: RequestChecker) -> None:
        self.world = world
        self.checker = checker
        self.mark()

    def mark(self) -> None:
        """Start a new example."""
        self.errors = self.world.env.error_cursor
        self.requests = len(self.world.env.http_requests)

    def check(self, result: simcord.InteractionResult | None, typed: Any) -> None:
        """No bug, no request Discord would refuse (pings, sizes), and a kind, private answer."""
        value = repr(typed)[:200]
        env = self.world.env
        bugs = [e for e in env.errors_since(self.errors) if explain(e) is None]
        assert not bugs, f"{value} raised {bugs!r}"
        problems = self.checker.problems(env.http_requests[self.requests :])
        assert not problems, f"{value} made the bot send: {problems[:3]}"
        if result is None:
            return
        answered = result.response is not None or result.followups or result.modal is not None
        assert answered, f"{value} got no answer"
        shown = texts(result)
        assert not any(APOLOGY.split("{")[0][:30] in text for text in shown), (value, shown)
        if result.response is not None and result.modal is None and explained(env, self.errors):
            assert result.ephemeral, f"a refusal of {value} was not private: {shown}"


def explained(env: simcord.Env, cursor: int) -> bool:
    """Whether the bot refused something (a UserFacingError or check) since `cursor`."""
    return any(explain(e) is not None for e in env.errors_since(cursor))

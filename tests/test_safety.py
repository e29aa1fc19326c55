"""Signposting: helplines and the crisis-phrase check, on the shipped data."""

from __future__ import annotations

import pytest

from bot.core.config import PROJECT_ROOT
from bot.core.safety import CrisisMatcher, Safety, normalise
from tests.conftest import World

DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="module")
def matcher() -> CrisisMatcher:
    return CrisisMatcher.from_data(DATA)


@pytest.mark.parametrize(
    "text",
    [
        "Honestly some days I want to kill myself after those meetings",
        "I CAN’T GO ON ANYMORE, honestly",
        "i cant go on any more",
        "Everyone would be better off without me.",
        "I've been thinking about ending my life",
    ],
)
def test_first_person_crisis_statements_match(matcher: CrisisMatcher, text: str) -> None:
    assert matcher.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "The board paper on suicide prevention used our quotes without asking.",
        "Our self-harm training was written without anyone with lived experience.",
        "I skillfully navigated the meeting",  # 'kill' inside a word is not a phrase
        "The recovery model came up again and I felt unheard.",
    ],
)
def test_professional_talk_does_not_match(matcher: CrisisMatcher, text: str) -> None:
    assert not matcher.matches(text)


def test_normalise_folds_case_apostrophes_and_punctuation() -> None:
    assert normalise("  Can’t   GO—on!! ") == "cant go on"


def test_shipped_helplines_hold_the_uk_defaults_with_dates() -> None:
    safety = Safety.from_data(DATA)
    text = "\n".join(safety.helpline_lines())
    for expected in ("116 123", "SHOUT to 85258", "111", "999"):
        assert expected in text
    assert safety.helplines[-1].emergency
    assert all(h.last_verified.year >= 2026 for h in safety.helplines)


async def test_support_is_private_and_lists_helplines(world: World) -> None:
    result = await world.member.slash(world.general, "support")
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert "116 123" in embed.fields[0].value
    assert "last checked" in embed.footer.text
    assert world.general.last_message is None


async def test_a_server_can_put_its_own_helplines_first_and_hide_the_uk_ones(world: World) -> None:
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="local_helplines",
        value="Pieta (Ireland): call 1800 247 247",
    )
    await world.moderator.slash(
        world.general, "mod settings set", key="show_uk_helplines", value="no"
    )
    result = await world.member.slash(world.general, "support")
    listed = result.response.embeds[0].fields[0].value
    assert listed.startswith("• Pieta (Ireland)")
    assert "116 123" not in listed

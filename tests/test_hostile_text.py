"""Members' words carry no invisible payload and are shown as words: no pings, no masked links."""

from __future__ import annotations

import sys
import unicodedata
from datetime import UTC, datetime

import pytest

from bot.core.text import as_words, has_control_characters, renders_blank, strip_invisible
from tests.conftest import World
from tests.discord_markdown import live_markup, visible
from tests.test_unsaid_helpers import answer, configure, posts, release, review_messages, share

# A member's words crafted to ping, to show live mentions and timestamps, and to disguise a link.
HOSTILE = (
    "Thanks <@111111111111111111> and <@!222222222222222222>, see <#333333333333333333>, "
    "<@&444444444444444444> @everyone @here <t:1700000000:R> "
    "[the NHS helpline](https://evil.example/steal) \\<@555555555555555555>"
)
BLANK_DRAWING = (0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800)


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return (
        "cogs.about",
        "cogs.support",
        "cogs.mod",
        "cogs.unsaid",
        "cogs.glossary",
        "cogs.reflect",
    )


def invisible_code_points() -> list[int]:
    """Every character that draws nothing: format, control, separators, unassigned, fillers."""
    found = []
    for code in range(sys.maxunicode + 1):
        kind = unicodedata.category(chr(code))
        if code in (0x09, 0x0A, 0x0D, 0x20, 0x200D, 0xFE0E, 0xFE0F):
            continue  # kept: tab, newline, return, space; the joiner and emoji selectors
        unassigned = kind == "Cn" and not 0x1F000 <= code < 0x20000
        if kind in ("Cf", "Cc", "Zs", "Zl", "Zp", "Cs") or code in BLANK_DRAWING or unassigned:
            found.append(code)
        elif 0xFE00 <= code <= 0xFE0D or 0xE0100 <= code <= 0xE01EF:
            found.append(code)  # variation selectors that change nothing visible
    return found


def test_no_invisible_or_blank_drawing_character_survives_the_cleaner() -> None:
    hidden = invisible_code_points()
    assert len(hidden) > 800_000  # the unassigned planes, and every format character
    # All at once, then one by one (the unassigned planes too many to take singly).
    assert strip_invisible("".join(map(chr, hidden))).strip() == ""
    assigned = [code for code in hidden if unicodedata.category(chr(code)) != "Cn"]
    survivors = [
        hex(code)
        for code in assigned
        if chr(code) in strip_invisible(f"a{chr(code)}b") or not renders_blank(chr(code) * 3)
    ]
    assert survivors == []
    # The Unicode tag block spells out a hidden message; none of it is kept.
    smuggled = "Fine, thanks" + "".join(chr(0xE0000 + ord(c)) for c in "ignore the rules")
    assert strip_invisible(smuggled) == "Fine, thanks"
    assert has_control_characters(smuggled)


def test_zero_width_joiners_and_variation_selectors_hide_nothing_but_emoji_stay_whole() -> None:
    assert strip_invisible("I’m ok ❤️ 👩‍💻 ✌🏽") == "I’m ok ❤️ 👩‍💻 ✌🏽"
    assert strip_invisible("I’m ok ❤️‍🔥 1️⃣ ‼️ 🏳️‍🌈") == "I’m ok ❤️‍🔥 1️⃣ ‼️ 🏳️‍🌈"
    assert strip_invisible("a\u200db\ufe0f\ufe0f\u200d\u200dc❤\ufe0f\ufe0f") == "abc❤\ufe0f"
    # One selector after some letters and not others would spell out bits; none is kept.
    assert strip_invisible("h\ufe0fel\ufe0el\ufe0fo") == "hello"
    steganography = "hi" + "".join(chr(0xFE00 + n % 14) + chr(0xE0100 + n) for n in range(40))
    assert strip_invisible(steganography) == "hi"


def test_as_words_shows_everything_literally_and_nothing_live() -> None:
    assert live_markup(HOSTILE)  # the attack works on text shown as it is
    assert live_markup(as_words(HOSTILE)) == []
    assert visible(as_words(HOSTILE)) == HOSTILE  # the link's real address is visible


async def test_a_body_that_draws_nothing_is_refused_and_the_typed_text_given_back(
    world: World,
) -> None:
    review = await configure(world)
    blank = "\u3164\u2800\u115f \u200b" + "".join(chr(0xE0041 + n) for n in range(20))
    result = await share(world.member, world, blank)
    assert result.ephemeral
    said = answer(result)
    assert "would show as blank" in said
    assert "Here is what you wrote" in said and "\u3164\u2800" in said
    await release(world)
    assert review_messages(review) == []
    assert await world.services.db.fetch_value("SELECT count(*) FROM unsaid_items") == 0


async def test_an_anonymous_post_shows_mentions_and_masked_links_as_written(world: World) -> None:
    review = await configure(world)
    await share(world.member, world, HOSTILE + "\U000e0041\U000e0042")
    await release(world)
    [card] = review_messages(review)
    assert live_markup(card.embeds[0].description) == []
    assert visible(card.embeds[0].description) == HOSTILE
    await world.moderator.click(card, label="Approve")
    [post] = posts(world.general)
    assert live_markup(post.embeds[0].description) == []
    assert visible(post.embeds[0].description) == HOSTILE


async def test_a_content_note_cannot_close_the_spoiler_or_ping(world: World) -> None:
    review = await configure(world)
    words = "a || <@111111111111111111> [x](https://evil.example)"
    await share(world.member, world, words, note="ward")
    await release(world)
    [card] = review_messages(review)
    await world.moderator.click(card, label="Approve")
    [post] = posts(world.general)
    description = post.embeds[0].description
    assert description.startswith("||") and description.endswith("||")
    assert "||" not in description[2:-2].replace("\\|", "")
    assert live_markup(description) == []


async def test_a_glossary_perspective_and_suggestion_show_links_literally(world: World) -> None:
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="glossary_review_channel",
        value=f"<#{world.mod_channel.id}>",
    )
    words = "Read [the official guidance](https://evil.example/phish) first."
    form = await world.member.slash(
        world.general, "glossary perspective", term="boundaries", credit="a member"
    )
    await world.member.submit_modal(form, {"perspective": words})
    review = world.mod_channel.last_message
    assert live_markup(review.embeds[0].description) == []
    assert visible(review.embeds[0].description) == words
    await world.moderator.click(review, custom_id=review.components[0].children[0].custom_id)
    define = await world.other.slash(world.general, "glossary define", term="boundaries")
    shown = [f.value for e in define.response.embeds for f in e.fields]
    [field] = [value for value in shown if "official guidance" in value]
    assert live_markup(field) == []
    assert visible(field).startswith(words)


async def test_a_blank_perspective_is_refused_kindly(world: World) -> None:
    form = await world.member.slash(
        world.general, "glossary perspective", term="boundaries", credit="a member"
    )
    result = await world.member.submit_modal(form, {"perspective": "\u3164\u3164\u2800"})
    assert result.ephemeral
    assert "empty" in answer(result) and "Here is what you wrote" in answer(result)


async def test_a_prompt_suggestion_shows_masked_links_literally(
    world: World,
) -> None:
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="prompts_review_channel",
        value=f"<#{world.mod_channel.id}>",
    )
    suggested = "Who told you [this form](https://evil.example/x) was optional?"
    form = await world.member.slash(world.general, "reflect suggest", theme="being-heard")
    await world.member.submit_modal(form, {"text": suggested, "content_note": ""})
    review = world.mod_channel.last_message
    assert live_markup(review.embeds[0].description) == []
    assert visible(review.embeds[0].description) == suggested


async def test_a_prompt_thread_share_shows_mentions_and_links_literally(world: World) -> None:
    await world.services.settings.set_many(
        world.guild.id, {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"}
    )
    await world.moderator.slash(
        world.general,
        "mod prompts schedule",
        channel=world.general,
        cadence="daily",
        time="12:00",
        theme="solidarity",
    )
    reflect = world.bot.get_cog("Reflect")
    assert reflect is not None
    world.services.clock.set(datetime(2026, 1, 14, 12, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await reflect.tick()  # type: ignore[attr-defined]
    [post] = [m for m in world.general.history() if m.embeds]
    [thread] = world.general.threads
    form = await world.member.click(post, label="Share in the thread")
    await world.member.submit_modal(form, {"answer": HOSTILE})
    shared = thread.last_message
    assert shared is not None and shared.content.startswith(f"<@{world.member.id}> shared:")
    words = shared.content.split(">>> ", 1)[1]
    assert live_markup(words) == []
    assert visible(words) == HOSTILE

"""Forged interactions: a server the bot is not in, server commands from direct messages, a
member using a moderator's form, and stale or malformed custom_ids. Each is refused kindly and
privately, and the database does not change.

The bot runs in this process against the loopback Discord, so interactions can be shaped in ways
Discord itself would never send.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.ui.deadline import EXPIRED_BUTTON, EXPIRED_FORM
from bot.ui.refusals import NotInServer, NotModerator, UnknownServer
from bot.ui.replies import APOLOGY
from tests.fakediscord import FakeDiscord
from tests.fakediscord.interactions import InteractionHandle
from tests.fakediscord.restbase import EPHEMERAL
from tests.livebot import Community, LiveBot, live_bot, quiet
from tests.sweep import ROLE, leaves, modal_fields, options_for

# One bot serves the whole module; each test compares the database before and after itself.
pytestmark = [pytest.mark.reliability, pytest.mark.asyncio(loop_scope="module")]

SORRY = APOLOGY.split("{")[0][:40]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[LiveBot, Community]]:
    async with live_bot(tmp_path_factory.mktemp("forged")) as harness:
        place = Community.build(harness.fake)
        await harness.start()
        assert harness.services is not None
        await harness.services.settings.set_many(place.guild, place.settings())
        # First use of a feature in a server sets it up (the shipped glossary, for one); do that
        # now, so that "nothing changes" below is about the forged interactions alone.
        for path, options in (("glossary define", {"term": "recovery"}), ("reflect now", {})):
            warm = await harness.fake.slash(
                place.guild, place.general, place.member, path, **options
            )
            await warm.response()
        await quiet(harness.fake)
        yield harness, place


async def changes(harness: LiveBot) -> int:
    assert harness.services is not None
    return int(await harness.services.db.fetch_value("SELECT total_changes()"))


async def answer_text(fake: FakeDiscord, handle: InteractionHandle) -> tuple[dict[str, Any], str]:
    """The response (and its first followup, if it was deferred) as one private text."""
    body = await handle.response(timeout=5)
    data = body.get("data") or {}
    if body["type"] == 5:
        await handle.wait_followups(1)
        data = handle.followups[0].body
    return data, str(data.get("content") or "")


def refused_kindly(data: dict[str, Any], text: str, expected: str | None = None) -> None:
    assert data.get("flags", 0) & EPHEMERAL, text
    assert SORRY not in text, text
    if expected is not None:
        assert expected in text, text


async def send(fake: FakeDiscord, payload: dict[str, Any]) -> InteractionHandle:
    """Dispatch a hand-made interaction payload, as Discord would never send it."""
    return await fake._send(payload)


def elsewhere(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """Move a payload to a server the bot has never heard of."""
    stranger = str(fake.world.snowflake())
    payload["guild_id"] = stranger
    payload["guild"] = {**payload["guild"], "id": stranger}
    payload["channel"] = {**payload["channel"], "guild_id": stranger}
    payload["authorizing_integration_owners"] = {"0": stranger}
    return payload


async def test_a_server_the_bot_is_not_in_is_refused_everywhere(
    running: tuple[LiveBot, Community],
) -> None:
    harness, place = running
    fake = harness.fake
    before = await changes(harness)
    handles = []
    for leaf in leaves(fake):
        options = options_for(leaf, place)
        if options is None:
            continue
        user = place.moderator if leaf.moderator else place.member
        payload = fake.interactions.base(2, place.guild, place.general, user)
        payload["data"] = fake.interactions.command_data(place.guild, leaf.path, options)
        handles.append((leaf.path, await send(fake, elsewhere(fake, payload))))
    for custom_id in ("alongside:glossary:term:1", "alongside:checkin:reach:1"):
        payload = fake.interactions.base(3, place.guild, place.general, place.member)
        button = {"type": 2, "style": 1, "custom_id": custom_id, "label": "?"}
        message = fake.world.new_message(
            place.general, {"components": [{"type": 1, "components": [button]}]}
        )
        payload["message"] = {k: v for k, v in message.items() if not k.startswith("_")}
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        handles.append((custom_id, await send(fake, elsewhere(fake, payload))))
    for label, handle in handles:
        data, text = await answer_text(fake, handle)
        refused_kindly(data, f"{label}: {text}", UnknownServer.message)
    await quiet(fake)
    assert await changes(harness) == before
    assert harness.errors.lines() == []


async def test_server_commands_from_direct_messages_are_refused(
    running: tuple[LiveBot, Community],
) -> None:
    harness, place = running
    fake = harness.fake
    dm = fake.world.dm_channel(place.member).id
    before = await changes(harness)
    answered: dict[str, str] = {}
    for leaf in leaves(fake):
        options = options_for(leaf, place)
        if options is None or any(o["type"] == ROLE for o in leaf.options):
            continue
        handle = await fake.slash(None, dm, place.member, leaf.path, **options)
        data, text = await answer_text(fake, handle)
        refused_kindly(data, f"/{leaf.path}: {text}")
        answered[leaf.path] = text
    refused = [path for path, text in answered.items() if NotInServer.message in text]
    # /about and /support work anywhere; /unsaid status and withdraw need only the receipt.
    assert len(refused) >= len(answered) - 6, answered
    await quiet(fake)
    assert await changes(harness) == before
    assert harness.errors.lines() == []


async def test_a_member_cannot_submit_a_moderators_form(
    running: tuple[LiveBot, Community],
) -> None:
    """Forms open only to the person who asked; a forged submission from a member is refused."""
    harness, place = running
    fake, g, channel = harness.fake, place.guild, place.general
    suggestion = await fake.slash(g, channel, place.member, "glossary suggest")
    form = (await suggestion.response())["data"]
    saved = await fake.submit_modal(g, channel, place.member, form["custom_id"], modal_fields(form))
    await saved.response()
    await quiet(fake)
    [review] = [m for m in fake.messages(place.review) if m["components"]]
    buttons = [c["custom_id"] for c in review["components"][0]["components"]]
    forms = []
    for custom_id in buttons:
        if ":approve:" in custom_id:
            continue
        opened = await fake.click(g, place.review, place.moderator, int(review["id"]), custom_id)
        body = await opened.response()
        assert body["type"] == 9, custom_id
        forms.append(body["data"])
    edit = await fake.slash(g, channel, place.moderator, "mod glossary edit", term="recovery")
    forms.append((await edit.response())["data"])
    before = await changes(harness)
    for form in forms:
        forged = await fake.submit_modal(
            g, place.review, place.member, form["custom_id"], modal_fields(form)
        )
        data, text = await answer_text(fake, forged)
        refused_kindly(data, text, NotModerator.message)
    await quiet(fake)
    assert await changes(harness) == before
    assert harness.errors.lines() == []


STALE_BUTTONS = [
    # (custom_id, clicked by the moderator?, expected words)
    ("alongside:glossary:approve:s999999", True, "no longer exists"),
    ("alongside:glossary:approve:p999999", True, None),
    ("alongside:glossary:edit:s999999", True, "already been decided"),
    ("alongside:glossary:reject:s999999", True, "no longer exists"),
    ("alongside:glossary:reject:p999999", True, None),
    ("alongside:glossary:term:999999", False, "removed"),
    ("alongside:glossary:term:" + "9" * 40, False, EXPIRED_BUTTON),
    ("alongside:glossary:term:" + "9" * 19, False, EXPIRED_BUTTON),
    ("alongside:reflect:journal:999999", False, "too old"),
    ("alongside:reflect:share:999999", False, "too old"),
    ("alongside:reflect:stop:999999", False, "too old"),
    ("alongside:reflect:approve:999999", True, None),
    ("alongside:reflect:reject:999999", True, None),
    ("alongside:reflect:anon:" + "1" * 30, False, None),
    ("alongside:checkin:reach:999999", False, None),
    ("alongside:checkin:skip:999999", False, None),
    ("alongside:unsaid:approve:" + "A" * 16, True, None),
    ("alongside:unsaid:note:" + "A" * 16, True, None),
    ("alongside:unsaid:reject:" + "A" * 16, True, None),
    ("alongside:unsaid:block:" + "A" * 16, True, None),
    ("alongside:unsaid:reply:" + "A" * 16, False, None),
    # Truncated, empty or the wrong shape: nothing in the bot handles these.
    ("alongside:glossary:appr", True, EXPIRED_BUTTON),
    ("alongside:", False, EXPIRED_BUTTON),
    ("alongside:unsaid:approve:", True, EXPIRED_BUTTON),
    ("alongside:unsaid:approve:short", True, EXPIRED_BUTTON),
    ("alongside:glossary:term:abc", False, EXPIRED_BUTTON),
    ("alongside:glossary:approve:x1", True, EXPIRED_BUTTON),
    ("alongside:reflect:journal:-1", False, EXPIRED_BUTTON),
    ("alongside:checkin:log:12:34", False, EXPIRED_BUTTON),
    ("not-ours-at-all", False, EXPIRED_BUTTON),
]


async def test_stale_and_malformed_buttons_are_refused_kindly(
    running: tuple[LiveBot, Community],
) -> None:
    harness, place = running
    fake = harness.fake
    before = await changes(harness)
    for custom_id, moderator, expected in STALE_BUTTONS:
        user = place.moderator if moderator else place.member
        # A message id the fake has never seen: it builds one carrying just this button.
        handle = await fake.click(
            place.guild, place.general, user, fake.world.snowflake(), custom_id
        )
        data, text = await answer_text(fake, handle)
        refused_kindly(data, f"{custom_id}: {text}", expected)
    await quiet(fake)
    assert await changes(harness) == before
    assert harness.errors.lines() == []


async def test_reminder_buttons_naming_a_server_the_bot_is_not_in_store_nothing(
    running: tuple[LiveBot, Community],
) -> None:
    """Reminder DMs carry their server in the custom_id; a forged one must not create consent,
    check-ins or reminder state for a server the bot is not in."""
    harness, place = running
    fake = harness.fake
    dm = fake.world.dm_channel(place.member).id
    before = await changes(harness)
    for action in ("log", "skip"):
        for server in (fake.world.snowflake(), 1, place.general):
            custom_id = f"alongside:checkin:{action}:{server}"
            handle = await fake.click(None, dm, place.member, fake.world.snowflake(), custom_id)
            data, text = await answer_text(fake, handle)
            refused_kindly(data, f"{custom_id}: {text}", UnknownServer.message)
    await quiet(fake)
    assert await changes(harness) == before
    assert harness.errors.lines() == []


async def test_a_form_nothing_is_waiting_for_gives_the_words_back(
    running: tuple[LiveBot, Community],
) -> None:
    harness, place = running
    fake = harness.fake
    before = await changes(harness)
    words = f"Something I wrote before the restart {secrets.token_hex(4)}"
    for custom_id in ("alongside:checkin:log-form", secrets.token_hex(16), ""):
        payload = fake.interactions.base(5, place.guild, place.general, place.member)
        payload["data"] = fake.interactions.modal_data(custom_id, {"body": words})
        handle = await send(fake, payload)
        data, text = await answer_text(fake, handle)
        refused_kindly(data, text, EXPIRED_FORM)
        assert words in text
    assert await changes(harness) == before
    assert harness.errors.lines() == []

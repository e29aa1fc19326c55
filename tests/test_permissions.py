"""What Alongside needs from Discord: one table, the README, setup's warnings, and run time."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from bot.__main__ import main
from bot.checkins.settings import PAIRING_CHANNEL
from bot.core.config import PROJECT_ROOT
from bot.settings.registry import Kind
from bot.ui.permissions import BITS, invite_integer, invite_permissions, needs_for, words
from tests.conftest import World
from tests.strictperms import undeclared_routes
from tests.test_checkins_buddies import ROUND_DUE, buddy_tick, dms, five_buddies


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.mod", "cogs.checkin", "cogs.reflect")


def test_the_table_uses_discords_own_bits() -> None:
    for name, bit in BITS.items():
        assert getattr(discord.Permissions, name).flag == bit, name
    assert discord.Permissions(invite_integer()).administrator is False
    assert "manage_messages" not in invite_permissions()
    assert "mention_everyone" not in invite_permissions()


def test_the_readme_states_exactly_the_invite_the_table_computes() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Creating the Discord application")[1].split("\n## ")[0]
    assert f"**{invite_integer()}**" in section
    stated = section.split("which grants exactly:")[1].split(".")[0]
    assert [" ".join(w.split()) for w in stated.split(",")] == words(invite_permissions())


def test_invite_prints_the_address_with_the_integer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invite", "--application-id", "1234"]) == 0
    printed = capsys.readouterr().out
    assert f"client_id=1234&scope=bot+applications.commands&permissions={invite_integer()}" in (
        printed
    )
    assert "checkin_pairing_channel: View Channel, Create Private Threads" in printed


def test_every_channel_setting_declares_what_it_needs(world: World) -> None:
    channel_settings = [s for s in world.services.registry.specs() if s.kind is Kind.CHANNEL]
    assert channel_settings
    for spec in channel_settings:
        assert set(needs_for(spec.key)) <= set(invite_permissions()), spec.key


async def test_settings_set_names_what_is_missing_in_discords_words(world: World) -> None:
    me = world.bot.get_guild(world.guild.id).me
    buddies = world.guild.create_text_channel(
        "buddies", overwrites={me: discord.PermissionOverwrite(create_private_threads=False)}
    )
    result = await world.moderator.slash(
        world.general, "mod settings set", key=PAIRING_CHANNEL, value=f"<#{buddies.id}>"
    )
    assert "Alongside can't yet: Create Private Threads" in result.response.content
    assert await world.services.settings.get(world.guild.id, PAIRING_CHANNEL) == buddies.id


async def test_setup_names_manage_threads_for_the_unsaid_channel(world: World) -> None:
    me = world.bot.get_guild(world.guild.id).me
    shared = world.guild.create_text_channel(
        "unsaid", overwrites={me: discord.PermissionOverwrite(manage_threads=False)}
    )
    step = await world.moderator.slash(world.general, "mod setup")
    message = step.response.message
    while "**unsaid_channel**" not in step.response.embeds[0].description:
        step = await world.moderator.click(message, custom_id="alongside:setup:skip")
    picked = await world.moderator.select(message, [shared], custom_id="alongside:setup:pick")
    so_far = picked.response.embeds[0].fields[0].value
    assert "can't yet: Manage Threads" in so_far


async def test_an_announcement_channel_is_refused_for_buddy_threads(world: World) -> None:
    news = world.guild.create_news_channel("announcements")
    by_key = await world.moderator.slash(
        world.general, "mod settings set", key=PAIRING_CHANNEL, value=f"<#{news.id}>"
    )
    assert by_key.ephemeral
    assert "announcement channel" in by_key.response.content
    assert "doesn't allow private threads" in by_key.response.content
    by_option = await world.moderator.slash(
        world.general, "mod checkins settings", pairing_channel=news
    )
    assert "announcement channel" in by_option.response.content
    assert await world.services.settings.get(world.guild.id, PAIRING_CHANNEL) is None


async def test_a_pairing_channel_without_thread_permission_tells_moderators_once(
    world: World,
) -> None:
    me = world.bot.get_guild(world.guild.id).me
    buddies = world.guild.create_text_channel(
        "buddies", overwrites={me: discord.PermissionOverwrite(create_private_threads=False)}
    )
    await world.services.settings.set_many(
        world.guild.id,
        {
            PAIRING_CHANNEL: buddies.id,
            "mod_channel": world.mod_channel.id,
            "checkin_buddy_cadence": "weekly",
        },
    )
    people = await five_buddies(world)
    world.services.clock.set(ROUND_DUE)  # type: ignore[attr-defined]
    await buddy_tick(world)
    world.services.clock.set(ROUND_DUE + timedelta(days=7))  # type: ignore[attr-defined]
    await buddy_tick(world)

    assert buddies.threads == []
    for person in people:
        assert dms(person), "each buddy is still introduced by direct message"
    [notice] = world.mod_channel.history()
    assert f"can't have their private thread in <#{buddies.id}>" in notice.content
    assert "Create Private Threads" in notice.content


def test_a_route_no_declared_need_covers_fails_the_test() -> None:
    from simcord.types import HttpLogEntry

    def request(method: str, path: str) -> HttpLogEntry:
        return HttpLogEntry(method, path, {}, None, None)

    assert undeclared_routes([request("POST", "/channels/1/messages")]) == []
    assert undeclared_routes([request("POST", "/interactions/1/abc/callback")]) == []
    [unknown] = undeclared_routes([request("PUT", "/channels/1/messages/pins/2")])
    assert "not in tests/strictperms.ROUTE_NEEDS" in unknown


async def test_a_prompt_schedule_names_what_is_missing_in_its_channel(world: World) -> None:
    me = world.bot.get_guild(world.guild.id).me
    quiet = world.guild.create_text_channel(
        "prompts", overwrites={me: discord.PermissionOverwrite(create_public_threads=False)}
    )
    made = await world.moderator.slash(
        world.general, "mod prompts schedule", channel=quiet, cadence="daily"
    )
    assert "Alongside can't yet: Create Public Threads" in made.response.content

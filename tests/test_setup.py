"""`/mod setup`: a guided flow that writes the same settings and checks the bot's permissions."""

from __future__ import annotations

import discord
import pytest

from cogs.mod._setup import permission_warning
from tests.conftest import World


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.glossary")


def step_title(result: object) -> str:
    return result.response.embeds[0].title  # type: ignore[attr-defined]


async def test_setup_walks_every_channel_and_role_and_warns_about_missing_permissions(
    world: World,
) -> None:
    me = world.bot.get_guild(world.guild.id).me
    muted = world.guild.create_text_channel(
        "quiet-room", overwrites={me: discord.PermissionOverwrite(send_messages=False)}
    )
    leads = world.guild.create_role("Peer leads")
    started = await world.moderator.slash(world.general, "mod setup")
    assert started.ephemeral
    message = started.response.message
    assert "step 1 of" in step_title(started)
    assert "moderator_role" in started.response.embeds[0].description

    await world.moderator.select(message, [leads], custom_id="alongside:setup:pick")
    assert await world.services.settings.get(world.guild.id, "moderator_role") == leads.id

    picked = await world.moderator.select(message, [muted], custom_id="alongside:setup:pick")
    assert await world.services.settings.get(world.guild.id, "mod_channel") == muted.id
    so_far = picked.response.embeds[0].fields[0].value
    assert f"mod_channel = <#{muted.id}>" in so_far
    assert "can't yet: Send Messages" in so_far

    # Skip the remaining channel and role steps, then finish with the text settings.
    step = picked
    while "last step" not in step_title(step):
        step = await world.moderator.click(message, custom_id="alongside:setup:skip")
    form = await world.moderator.click(message, custom_id="alongside:setup:finish")
    done = await world.moderator.submit_modal(
        form,
        {
            "timezone": "Europe/Dublin",
            "quiet_hours_start": "22:30",
            "quiet_hours_end": "07:00",
            "local_helplines": "Pieta: 1800 247 247",
        },
    )
    assert "Setup is complete" in done.response.content
    values = await world.services.settings.all(world.guild.id)
    assert values["timezone"] == "Europe/Dublin"
    assert (values["quiet_hours_start"], values["quiet_hours_end"]) == ("22:30", "07:00")
    assert values["local_helplines"] == "Pieta: 1800 247 247"
    actions = [e.target for e in (await world.services.audit.page(world.guild.id))[0]]
    assert actions[:3] == ["time and helplines", "mod_channel", "moderator_role"]


async def test_a_bad_value_in_the_last_step_changes_nothing_and_returns_the_text(
    world: World,
) -> None:
    started = await world.moderator.slash(world.general, "mod setup")
    form = await world.moderator.click(started.response.message, custom_id="alongside:setup:finish")
    result = await world.moderator.submit_modal(
        form,
        {
            "timezone": "Atlantis/Lost",
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "08:00",
            "local_helplines": "My own line",
        },
    )
    assert "isn't a timezone I know" in result.response.content
    assert "My own line" in result.response.content
    assert await world.services.settings.get(world.guild.id, "local_helplines") is None


async def test_missing_permission_warning_names_what_to_fix(world: World) -> None:
    me = world.bot.get_guild(world.guild.id).me
    muted = world.guild.create_text_channel(
        "quiet-room", overwrites={me: discord.PermissionOverwrite(send_messages=False)}
    )
    channel = world.bot.get_channel(muted.id)
    spec = world.services.registry.get("mod_channel")
    warning = permission_warning(channel, spec)
    # Discord removes Embed Links wherever Send Messages is denied, so both are named.
    assert warning is not None and "Send Messages" in warning and "Embed Links" in warning
    fine = world.bot.get_channel(world.mod_channel.id)
    assert permission_warning(fine, spec) is None

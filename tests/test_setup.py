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
    # Discord removes Embed Links wherever Send Messages is denied; only the cause is named.
    assert warning is not None and "can't yet: Send Messages." in warning
    fine = world.bot.get_channel(world.mod_channel.id)
    assert permission_warning(fine, spec) is None


async def test_settings_export_then_import_on_another_server_with_a_dry_run(world: World) -> None:
    for key, value in (
        ("mod_channel", f"<#{world.mod_channel.id}>"),
        ("timezone", "Europe/Dublin"),
        ("show_uk_helplines", "no"),
    ):
        await world.moderator.slash(world.general, "mod settings set", key=key, value=value)
    exported = await world.moderator.slash(world.general, "mod settings export")
    data = await exported.response.attachments[0].read()
    assert b'mod_channel = "#moderators"' in data
    assert b'timezone = "Europe/Dublin"' in data

    # A second server of the same network: it has a #moderators channel but no #general.
    other = world.env.create_guild("Sister Network")
    other.create_text_channel("moderators")
    lobby = other.create_text_channel("lobby")
    admin_role = other.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = other.add_member(world.env.create_user("sam"), roles=[admin_role])
    broken = data + b'feeds_default_channel = "#no-such-channel"\nnot_a_setting = 1\n'
    plan = await admin.slash(lobby, "mod settings import", file=("settings.toml", broken))
    assert plan.ephemeral
    text = plan.response.content
    assert "timezone: Europe/London → Europe/Dublin" in text
    assert "not_a_setting: There is no setting called" in text
    assert await world.services.settings.get(other.id, "timezone") == "Europe/London"
    confirm = plan.response.components[0]["components"][0]["custom_id"]
    await admin.click(plan.response.message, custom_id=confirm)
    assert await world.services.settings.get(other.id, "timezone") == "Europe/Dublin"
    assert await world.services.settings.get(other.id, "show_uk_helplines") is False
    moderators = next(c for c in other.channels.values() if c.name == "moderators")
    assert await world.services.settings.get(other.id, "mod_channel") == moderators.id

"""`/about`, `/mod settings`, `/mod log`, `/mod status` and the moderator check, through SimCord."""

from __future__ import annotations

import discord
import pytest
import simcord

from tests.conftest import World


async def test_about_is_private_lists_commands_and_says_who_sees_what(world: World) -> None:
    result = await world.member.slash(world.general, "about")
    assert result.ephemeral
    embed = result.response.embeds[0]
    text = embed.description + "".join(f.name + f.value for f in embed.fields)
    assert "/about" in text
    assert "/mod" not in text  # moderator tools are not advertised to members
    assert "Who can see what" in text
    assert "audit log" in text
    assert world.general.last_message is None  # nothing was posted in the channel


async def test_settings_show_lists_defaults(world: World) -> None:
    result = await world.moderator.slash(world.general, "mod settings show")
    assert result.ephemeral
    description = result.response.embeds[0].description
    assert "**timezone** = Europe/London (default)" in description
    assert "**quiet_hours_start** = 21:00 (default)" in description


async def test_setting_a_channel_validates_and_is_audited(world: World) -> None:
    result = await world.moderator.slash(
        world.general, "mod settings set", key="mod_channel", value=f"<#{world.mod_channel.id}>"
    )
    assert result.ephemeral
    assert f"**mod_channel** is now <#{world.mod_channel.id}>" in result.response.content
    assert await world.services.settings.get(world.guild.id, "mod_channel") == world.mod_channel.id

    log = await world.moderator.slash(world.general, "mod log")
    assert "settings.set" in log.response.embeds[0].description
    assert f"<@{world.moderator.id}>" in log.response.embeds[0].description


@pytest.mark.parametrize(
    ("key", "value", "explanation"),
    [
        ("timezone", "Mars/Olympus", "isn't a timezone I know"),
        ("quiet_hours_start", "25:00", "needs a time of day like 08:30"),
        ("mod_channel", "#no-such-room", "couldn't find a channel called #no-such-room"),
        ("moderator_role", "@nobody", "couldn't find a role called @nobody"),
        ("colour_scheme", "blue", "There is no setting called"),
    ],
)
async def test_a_bad_value_is_explained_and_nothing_changes(
    world: World, key: str, value: str, explanation: str
) -> None:
    before = await world.services.settings.all(world.guild.id)
    result = await world.moderator.slash(world.general, "mod settings set", key=key, value=value)
    assert result.ephemeral
    assert explanation in result.response.content
    assert await world.services.settings.all(world.guild.id) == before


async def test_setting_autocomplete_offers_keys_and_typed_values(world: World) -> None:
    keys = await world.moderator.autocomplete(world.general, "mod settings set", "key", "quiet")
    assert {c["value"] for c in keys} == {"quiet_hours_start", "quiet_hours_end"}


async def test_timezone_value_autocomplete(world: World) -> None:
    zones = await world.moderator.autocomplete(
        world.general, "mod settings set", "value", "europe/lon", key="timezone"
    )
    # What was typed comes first (Discord picks the first on Enter), marked as not yet a timezone.
    assert zones[0]["value"] == "europe/lon"
    assert "not a timezone" in zones[0]["name"]
    assert zones[1]["value"] == "Europe/London"
    assert len(zones) <= 25


async def test_a_member_cannot_see_mod_commands(world: World) -> None:
    member_sees = world.member.available_commands(world.general)
    moderator_sees = world.moderator.available_commands(world.general)
    assert "about" in member_sees
    assert not [name for name in member_sees if name.startswith("mod")]
    assert "mod settings set" in moderator_sees


async def test_a_crafted_mod_command_from_a_member_is_refused(world: World) -> None:
    # Discord only hides /mod; a server admin can show it to everyone, so the bot must refuse.
    world.open_mod_commands_to_everyone()
    result = await world.member.slash(
        world.general, "mod settings set", key="timezone", value="America/New_York"
    )
    assert result.ephemeral
    assert "Only moderators can use this" in result.response.content
    assert await world.services.settings.get(world.guild.id, "timezone") == "Europe/London"
    entries, _ = await world.services.audit.page(world.guild.id)
    assert entries == []


async def test_the_configured_moderator_role_grants_mod_commands(world: World) -> None:
    helpers = world.guild.create_role("Peer leads")
    lead = world.guild.add_member(world.env.create_user("lead"), roles=[helpers])
    await world.moderator.slash(
        world.general, "mod settings set", key="moderator_role", value=f"<@&{helpers.id}>"
    )
    world.open_mod_commands_to_everyone()
    result = await lead.slash(world.general, "mod status")
    assert result.ephemeral
    assert result.response.embeds[0].title == "Alongside status"


async def test_status_shows_uptime_storage_and_jobs(world: World) -> None:
    result = await world.moderator.slash(world.general, "mod status")
    names = [f.name for f in result.response.embeds[0].fields]
    assert names == [
        "Up for",
        "Gateway latency",
        "Database",
        "Scheduled jobs",
        "Waiting",
        "Last backup",
    ]
    waiting = result.response.embeds[0].fields[4].value
    assert "Unsaid: not counted" in waiting and "Feeds: 0 in all" in waiting


async def test_an_unexpected_error_gives_an_apology_with_a_reference_and_no_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("database exploded at /secret/path")

    world.services.audit.page = broken  # type: ignore[method-assign]
    result = await world.moderator.slash(world.general, "mod log")
    assert result.ephemeral
    content = result.response.content
    assert "Sorry, something went wrong" in content
    assert "secret" not in content and "RuntimeError" not in content
    reference = content.split("`")[1]
    assert [type(e.original) for e in world.env.errors] == [RuntimeError]  # type: ignore[attr-defined]
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)


async def test_text_from_users_never_pings(world: World) -> None:
    await world.moderator.slash(
        world.general, "mod settings set", key="mod_channel", value="@everyone"
    )
    replies = [
        entry.json["data"]
        for entry in world.env.http_requests
        if entry.path.endswith("/callback") and entry.json["type"] == 4
    ]
    assert replies
    for body in replies:
        assert body["allowed_mentions"]["parse"] == []


def test_simcord_is_pinned_to_a_known_version() -> None:
    assert simcord.__version__ == "3.2.1"
    assert discord.__version__ == "2.7.1"

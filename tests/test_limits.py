"""Replies whose length depends on stored data, at their largest realistic size, stay within
Discord's limits (issue 14, "limits after side effects")."""

from __future__ import annotations

import secrets

import pytest

from bot.ui.paging import chunk_lines
from bot.unsaid.keys import EpochKey, KeyRing
from tests.conftest import World


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.mod", "cogs.unsaid")


def test_one_line_longer_than_a_page_is_clipped_to_fit() -> None:
    pages = chunk_lines(["short", "x" * 9000, "after"], limit=3500)
    assert all(sum(len(line) + 1 for line in page) <= 3501 for page in pages)
    assert [line[:5] for page in pages for line in page] == ["short", "xxxxx", "after"]


async def test_a_long_list_of_blocks_after_a_key_rotation_is_paged(world: World) -> None:
    unsaid = world.services.unsaid
    previous = unsaid.keys.current
    # A rotation has happened: every block was made under the previous key (the longest lines).
    unsaid.keys = KeyRing(EpochKey(secrets.token_bytes(32)), previous, "file")
    for number in range(120):
        await world.services.db.execute(
            "INSERT INTO unsaid_blocks (guild_id, public_id, key_id, tag_salt, author_tag, "
            "blocked_on) VALUES (?, ?, ?, ?, ?, ?)",
            (
                world.guild.id,
                f"B{number:011d}",
                previous.key_id,
                b"s",
                bytes([number]),
                "2026-01-12",
            ),
        )
    listed = await world.moderator.slash(world.general, "mod unsaid blocks")
    assert listed.ephemeral
    embed = listed.response.embeds[0]
    assert embed.title == "Unsaid blocks (120)"
    assert len(embed.description) <= 4096
    assert "lapses at the next key rotation" in embed.description
    assert "can't tell you who any of these are" in embed.description
    assert listed.response.components  # Previous / Next through every block

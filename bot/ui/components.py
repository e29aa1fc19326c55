"""Persistent buttons whose failures reach the person kindly, like every other interaction."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import discord

from bot.ui.moderation import ensure_known_server, ensure_moderator
from bot.ui.replies import report_error

# A number in a custom_id (a row id or a snowflake), no larger than SQLite's INTEGER allows
# (below 2**63), so a forged longer one matches no button and is refused as expired, rather than
# failing in the database.
ID_PATTERN = r"(?:[0-9]{1,18}|[1-8][0-9]{18})"


class Guarded:
    """Mix into a DynamicItem (before it) and implement `run` instead of `callback`.

    discord.py routes a DynamicItem's errors to a throwaway view that only logs them, so the
    person would see "This interaction failed"; this reports them like command errors.
    """

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run the item, reporting any failure privately."""
        try:
            ensure_known_server(interaction)
            await self.run(interaction)
        except Exception as error:  # every failure is reported to the person
            await report_error(interaction, error)

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Do what the button does."""
        raise NotImplementedError


class ModeratorOnly(Guarded):
    """Mix into a moderator's DynamicItem: anyone else is refused before `run`.

    A custom_id can be replayed by anyone who can see the message (or craft an interaction),
    so the check lives here, in the bot, for every moderator button.
    """

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Check the clicker is a moderator, then run the item."""
        try:
            ensure_known_server(interaction)
            await ensure_moderator(interaction)
            await self.run(interaction)
        except Exception as error:  # every failure is reported to the person
            await report_error(interaction, error)


class ButtonSpec:
    """Mix in (first) to a DynamicItem whose custom_id is `<prefix>:<value>`.

    Subclasses set `prefix`, `label` and `style` and a `template` ending in `(?P<value>…)`;
    this supplies `__init__` and `from_custom_id`, which every persistent button otherwise
    repeats. Values made only of digits come back as int.
    """

    prefix: ClassVar[str]
    label: ClassVar[str]
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, value: int | str, label: str | None = None) -> None:
        super().__init__(  # type: ignore[call-arg]
            discord.ui.Button(
                label=label or self.label,
                style=self.style,
                custom_id=f"{self.prefix}:{value}",
            )
        )
        self.value = value

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Any:
        """Rebuild the button from its custom_id after a restart."""
        raw = match["value"]
        return cls(int(raw) if raw.isdigit() else raw, getattr(item, "label", None))

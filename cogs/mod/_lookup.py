"""Resolve what a moderator typed to a channel or role of their server."""

from __future__ import annotations

import re

import discord

CHANNEL_MENTION = re.compile(r"^<#(\d+)>$")
ROLE_MENTION = re.compile(r"^<@&(\d+)>$")


def _as_id(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.match(text)
    if match:
        return int(match[1])
    if text.isdigit():
        return int(text)
    return None


class DiscordLookup:
    """Finds channels and roles in one server by mention, id or name."""

    def __init__(self, guild: discord.Guild) -> None:
        self.guild = guild

    def channel_id(self, text: str) -> int | None:
        """Return the id of a text channel named by mention, id or name."""
        wanted = text.strip()
        channel_id = _as_id(wanted, CHANNEL_MENTION)
        if channel_id is not None:
            found = self.guild.get_channel(channel_id)
            return found.id if isinstance(found, discord.TextChannel) else None
        name = wanted.lstrip("#").lower()
        for channel in self.guild.text_channels:
            if channel.name.lower() == name:
                return channel.id
        return None

    def role_id(self, text: str) -> int | None:
        """Return the id of a role named by mention, id or name."""
        wanted = text.strip()
        role_id = _as_id(wanted, ROLE_MENTION)
        if role_id is not None:
            found = self.guild.get_role(role_id)
            return found.id if found is not None else None
        name = wanted.lstrip("@").lower()
        for role in self.guild.roles:
            if role.name.lower() == name:
                return role.id
        return None

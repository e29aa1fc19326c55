"""Channel permissions in the fake Discord, computed the way Discord documents them.

The bot's role holds exactly the invite's permissions (`bot/ui/permissions.py`); a channel's
overwrites (for @everyone, a role or a member) add and take away, and threads follow their
parent channel. Routes call `refusal` and answer 50001 without View Channel, 50013 otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.ui.permissions import BITS

if TYPE_CHECKING:
    from .entities import Channel
    from .world import World

ADMINISTRATOR = 1 << 3
ALL = (1 << 53) - 1
ROLE, MEMBER = 0, 1
THREADS = frozenset({10, 11, 12})


def channel_permissions(world: World, channel: Channel, user_id: int) -> int:
    """Return a member's permissions in a channel: roles, then the overwrites in order."""
    if channel.type in THREADS and channel.parent_id in world.channels:
        channel = world.channels[channel.parent_id]
    assert channel.guild_id is not None
    guild = world.guilds[channel.guild_id]
    if user_id not in guild.members:
        return 0
    base = world.permissions(guild.id, user_id)
    if base & ADMINISTRATOR:
        return ALL
    overwrites = channel.overwrites
    if guild.id in overwrites:
        _, allow, deny = overwrites[guild.id]
        base = (base & ~deny) | allow
    allow = deny = 0
    for role_id in guild.members[user_id].roles:
        if role_id in overwrites and overwrites[role_id][0] == ROLE:
            allow |= overwrites[role_id][1]
            deny |= overwrites[role_id][2]
    base = (base & ~deny) | allow
    if user_id in overwrites and overwrites[user_id][0] == MEMBER:
        _, allow, deny = overwrites[user_id]
        base = (base & ~deny) | allow
    return base


def has(world: World, channel: Channel, name: str) -> bool:
    """Whether the bot holds a permission (discord.py's attribute name) in a channel."""
    return bool(channel_permissions(world, channel, world.bot_user.id) & BITS[name])


def refusal(world: World, channel: Channel, *names: str) -> tuple[int, int, str] | None:
    """Return Discord's error for the bot acting in `channel` without `names`, or None."""
    if channel.guild_id is None:
        return None
    perms = channel_permissions(world, channel, world.bot_user.id)
    if not perms & BITS["view_channel"]:
        return 403, 50001, "Missing Access"
    if any(not perms & BITS[name] for name in names):
        return 403, 50013, "Missing Permissions"
    return None

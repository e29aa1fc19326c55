"""The check-ins cog: wires the commands, persistent buttons and scheduled jobs."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from cogs.checkin._alerts import Alerter, MembershipCheck
from cogs.checkin._buddies import BuddiesGroup
from cogs.checkin._buttons import LogButton, SkipButton
from cogs.checkin._commands import CheckinGroup
from cogs.checkin._jobs import JOB_IDS, CheckinJobs
from cogs.checkin._mod import CheckinsModGroup
from cogs.checkin._reach import still_member as is_still_member
from cogs.checkin._reach import welcome_back
from cogs.checkin._requests import AlertButton, ReachOutButton

DYNAMIC_ITEMS = (LogButton, SkipButton, ReachOutButton, AlertButton)


class Checkins(commands.Cog):
    """Peer check-ins on emotional labour."""

    privacy = (
        "Check-ins are stored only after you agree, and only you can see your own. "
        "Moderators see only weekly totals for groups of five or more people (never fewer), "
        "for completed weeks, kept as first shown, with no per-person view.",
        "Asking for a peer to check in shares your name in the peer-support channel, and by "
        "direct message with a few members who said they're available, and nothing else. "
        "Buddy “avoid” choices are never shown to anyone.",
    )

    def __init__(self, bot: Alongside, still_member: MembershipCheck | None = None) -> None:
        self.bot = bot
        # Who is still in a server before a request DM goes to them, and before a DM's button
        # can take a request: by default the bot's REST membership check (bot/ui/membership.py).

        async def through_membership(guild_id: int, user_id: int) -> bool:
            return await is_still_member(bot, guild_id, user_id)

        self.alerter = Alerter(bot, still_member or through_membership)
        self.group = CheckinGroup()
        BuddiesGroup(parent=self.group)
        self.mod_group = CheckinsModGroup(bot)
        self.jobs = CheckinJobs(bot)

    async def cog_load(self) -> None:
        """Add the commands, the restart-proof buttons and the scheduled jobs."""
        self.bot.tree.add_command(self.group)
        self.bot.mod_root.add_command(self.mod_group)
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.services.scheduler.on_rebuild(self.jobs.schedule)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        _: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        """Tell a member, once, that DMs held while they were away or unreachable are back."""
        await welcome_back(self.bot, interaction)

    async def cog_unload(self) -> None:
        """Remove everything cog_load added."""
        self.bot.tree.remove_command(self.group.name)
        self.bot.mod_root.remove_command(self.mod_group.name)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        for job_id in JOB_IDS:
            self.bot.services.scheduler.remove(job_id)

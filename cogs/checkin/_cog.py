"""The check-ins cog: wires the commands, persistent buttons and scheduled jobs."""

from __future__ import annotations

from discord.ext import commands

from bot.client import Alongside
from cogs.checkin._alerts import Alerter, MembershipCheck, always_member
from cogs.checkin._buddies import BuddiesGroup
from cogs.checkin._buttons import LogButton, SkipButton
from cogs.checkin._commands import CheckinGroup
from cogs.checkin._jobs import JOB_IDS, CheckinJobs
from cogs.checkin._mod import CheckinsModGroup
from cogs.checkin._requests import AlertButton, ReachOutButton

DYNAMIC_ITEMS = (LogButton, SkipButton, ReachOutButton, AlertButton)


class Checkins(commands.Cog):
    """Peer check-ins on emotional labour."""

    privacy = (
        "Check-ins are stored only after you agree, and only you can see your own. "
        "Moderators see only weekly totals for groups of five or more people by default "
        "(never fewer than three), with no per-person view.",
        "Asking for a peer to check in shares your name in the peer-support channel, and by "
        "direct message with a few members who said they're available, and nothing else. "
        "Buddy “avoid” choices are never shown to anyone.",
    )

    def __init__(self, bot: Alongside, still_member: MembershipCheck = always_member) -> None:
        self.bot = bot
        # The one place a membership helper plugs in: who is still in a server before a request
        # DM goes to them, and before a DM's button can take a request.
        self.alerter = Alerter(bot, still_member)
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

    async def cog_unload(self) -> None:
        """Remove everything cog_load added."""
        self.bot.tree.remove_command(self.group.name)
        self.bot.mod_root.remove_command(self.mod_group.name)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        for job_id in JOB_IDS:
            self.bot.services.scheduler.remove(job_id)

"""`/checkin buddies join|leave|pause|avoid`."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.errors import UserFacingError
from bot.ui.replies import send_private
from cogs.checkin._common import checkins_of, guild_id_of
from cogs.checkin._views import gate


class BuddiesGroup(app_commands.Group):
    """Opt in to being paired with a peer each round."""

    def __init__(self, parent: app_commands.Group) -> None:
        super().__init__(
            name="buddies", description="Be paired with a peer each round", parent=parent
        )

    @app_commands.command(name="join", description="Join buddy rounds (or come back from a pause)")
    async def join(self, interaction: discord.Interaction) -> None:
        """Opt in to buddy rounds."""
        guild_id = guild_id_of(interaction)

        async def then(later: discord.Interaction, _: bool) -> None:
            buddies = checkins_of(later).buddies
            await buddies.join(guild_id, later.user.id)
            following = await buddies.next_round(guild_id)
            when = (
                f"The next round is {discord.utils.format_dt(following, 'F')}."
                if following
                else "Buddy rounds aren't switched on here at the moment; you'll be included "
                "when a moderator turns them on."
            )
            await send_private(
                later,
                f"You're in buddy rounds. {when} You'll get a direct message introducing your "
                "buddy, with a conversation starter. If your latest check-in says your energy "
                "is at 1, you'll be left out of that round so you can rest.",
            )

        await gate(interaction, guild_id, then)

    @app_commands.command(name="leave", description="Leave buddy rounds")
    async def leave(self, interaction: discord.Interaction) -> None:
        """Opt out of buddy rounds."""
        guild_id = guild_id_of(interaction)
        left = await checkins_of(interaction).buddies.leave(guild_id, interaction.user.id)
        await send_private(
            interaction,
            "You've left buddy rounds." if left else "You weren't in buddy rounds.",
        )

    @app_commands.command(name="pause", description="Take a break from buddy rounds")
    @app_commands.describe(weeks="How many weeks to pause for (1 to 12)")
    async def pause(
        self, interaction: discord.Interaction, weeks: app_commands.Range[int, 1, 12]
    ) -> None:
        """Skip rounds for a while, without leaving."""
        guild_id = guild_id_of(interaction)
        until = await checkins_of(interaction).buddies.pause(guild_id, interaction.user.id, weeks)
        await send_private(
            interaction,
            f"Paused until {discord.utils.format_dt(until, 'D')}. "
            "`/checkin buddies join` brings you back sooner.",
        )

    @app_commands.command(name="avoid", description="Never be paired with someone (kept private)")
    @app_commands.describe(
        member="Who you'd rather not be paired with",
        undo="Choose True to allow pairing with them again",
    )
    async def avoid(
        self, interaction: discord.Interaction, member: discord.Member, undo: bool = False
    ) -> None:
        """Never be paired with this member; nobody, including them, is ever told."""
        guild_id = guild_id_of(interaction)
        if member.bot:
            raise UserFacingError("Bots are never paired, so there's nothing to do.")

        async def then(later: discord.Interaction, _: bool) -> None:
            await checkins_of(later).buddies.avoid(
                guild_id, later.user.id, member.id, avoid=not undo
            )
            await send_private(
                later,
                "Done. You can be paired with them again."
                if undo
                else "Done. You won't be paired with them. Nobody else is told, including them.",
            )

        await gate(interaction, guild_id, then)

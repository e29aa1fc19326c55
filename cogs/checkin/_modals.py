"""The check-in form: two 1–5 choices, an optional private note and the peer question."""

from __future__ import annotations

import discord

from bot.app.client import Alongside
from bot.checkins.service import NOTE_LIMIT, Logged
from bot.ui.membership import ensure_member_here
from bot.ui.replies import SafeModal, send_private
from cogs.checkin import _text as text
from cogs.checkin._common import bot_of, checkins_of
from cogs.checkin._requests import support_channel
from cogs.checkin._views import AskView
from cogs.support import support_embed

LOAD_WORDS = {1: "light", 2: "manageable", 3: "noticeable", 4: "heavy", 5: "very heavy"}
ENERGY_WORDS = {1: "running on empty", 2: "low", 3: "getting by", 4: "steady", 5: "plenty"}


def scale(custom_id: str, words: dict[int, str]) -> discord.ui.Select[discord.ui.View]:
    """A required 1–5 choice, each number with a word so the scale needs no explaining."""
    return discord.ui.Select(
        custom_id=custom_id,
        placeholder="Choose 1 to 5",
        options=[
            discord.SelectOption(label=f"{number}: {word}", value=str(number))
            for number, word in words.items()
        ],
    )


class LogModal(SafeModal):
    """Load, energy, note and "would you welcome a peer checking in?" in one form."""

    def __init__(self, guild_id: int, *, replace_source: bool = False) -> None:
        super().__init__(title="Check in", timeout=900)
        self.guild_id = guild_id
        self.replace_source = replace_source
        self.load: discord.ui.Select[discord.ui.View] = scale("load", LOAD_WORDS)
        self.energy: discord.ui.Select[discord.ui.View] = scale("energy", ENERGY_WORDS)
        self.note: discord.ui.TextInput[discord.ui.View] = discord.ui.TextInput(
            custom_id="note",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=NOTE_LIMIT,
            placeholder="Only you can read this. Leave it empty if you like.",
        )
        self.peer: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id="peer",
            required=False,
            options=[
                discord.SelectOption(label="Not this time", value="no", default=True),
                discord.SelectOption(label="Yes, I'd welcome that", value="yes"),
            ],
        )
        self.add_item(
            discord.ui.Label(
                text="Emotional labour this week",
                description="How much of yourself the work has asked for: 1 light, 5 very heavy.",
                component=self.load,
            )
        )
        self.add_item(
            discord.ui.Label(
                text="Energy right now",
                description="1 running on empty, 5 plenty.",
                component=self.energy,
            )
        )
        self.add_item(
            discord.ui.Label(
                text="A note for yourself (optional)",
                description=f"Private to you, up to {NOTE_LIMIT:,} characters.",
                component=self.note,
            )
        )
        self.add_item(
            discord.ui.Label(
                text="Would you welcome a peer checking in?",
                description="If yes, you'll be asked before your name is shared with anyone.",
                component=self.peer,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Store the check-in and answer kindly, with helplines when they are needed."""
        # A form opened from a reminder DM may be sent after its author was removed.
        await ensure_member_here(interaction, self.guild_id)
        logged = await checkins_of(interaction).log(
            self.guild_id,
            interaction.user.id,
            int(self.load.values[0]),
            int(self.energy.values[0]),
            self.note.value,
            welcome_peer=self.peer.values == ["yes"],
        )
        content, embeds, view = await log_reply(
            bot_of(interaction), self.guild_id, interaction.user.id, logged
        )
        if self.replace_source and interaction.message is not None:
            await interaction.response.edit_message(content=content, embeds=embeds, view=view)
        else:
            await send_private(interaction, content, embeds=embeds, view=view)


async def log_reply(
    bot: Alongside, guild_id: int, user_id: int, logged: Logged
) -> tuple[str, list[discord.Embed], AskView | None]:
    """Compose the reply to a check-in: thanks, care, helplines, and the offer to ask."""
    lines = [text.LOGGED]
    if logged.load >= 4 or logged.energy <= 2:
        lines.append(text.HEAVY)
    embeds: list[discord.Embed] = []
    if logged.signpost:
        lines.append(text.SIGNPOST)
        embeds.append(await support_embed(bot, guild_id))
    view: AskView | None = None
    if logged.welcome_peer:
        if await support_channel(bot, guild_id) is None:
            lines.append(text.NO_SUPPORT_CHANNEL)
        else:
            lines.append(text.OFFER_ASK)
            view = AskView(user_id, guild_id)
    return "\n\n".join(lines), embeds, view


async def open_log_form(interaction: discord.Interaction, guild_id: int, via_consent: bool) -> None:
    """Show the check-in form."""
    await interaction.response.send_modal(LogModal(guild_id, replace_source=via_consent))

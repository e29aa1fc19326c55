"""`/unsaid about`: who can see what, and what is stored, in plain words that are true."""

from __future__ import annotations

import discord

from bot.unsaid.models import RETENTION_DAYS, GuildConfig

COLOUR = 0x6C5B7B


def about_embed(config: GuildConfig, backup_days: int) -> discord.Embed:
    """Describe Unsaid as it is set up in this server."""
    embed = discord.Embed(
        title="Unsaid: who can see what",
        description=(
            "Unsaid is for what you couldn't say in the room. This is exactly what happens to "
            "what you share, and who can see it."
        ),
        colour=COLOUR,
    )
    embed.add_field(
        name="Other members see",
        value=(
            "A message from Alongside, “Unsaid #N”, with the day it was shared (never the "
            "time), any content note, and your words. Nothing about you. Anonymous replies "
            "appear the same way in the post's thread, and an anonymous answer to a reflective "
            "prompt in that prompt's thread. Everything Alongside says to you about "
            "Unsaid is visible only to you."
        ),
        inline=False,
    )
    if config.review:
        seen = (
            "Your words before they are posted, never who wrote them. They can approve, add "
            "a content note, reject with a reason, or block the unknown author from sharing."
        )
    else:
        seen = (
            "Your words once posted, and before posting only if something is held for them "
            "(a link, or words that suggest crisis). Never who wrote them. They can block the "
            "unknown author from sharing."
        )
    embed.add_field(name="Moderators see", value=seen, inline=False)
    waits = (
        f" Without review, posts wait a random {config.delay_min} to {config.delay_max} minutes."
        if not config.review
        else ""
    )
    embed.add_field(
        name="Timing",
        value=(
            f"Submissions reach moderators in shuffled batches every {config.batch_minutes} "
            f"minutes.{waits} So the moment a message appears doesn't point to you."
        ),
        inline=False,
    )
    embed.add_field(
        name="What Alongside stores",
        value=(
            "Your words only until they are posted or rejected. The day you shared. A "
            "scrambled form of your receipt code, never the code. For daily limits and blocks, "
            "fingerprints made with a secret key and a random salt, which can't be linked to "
            "you or to each other without that key. No user id, username or display name.\n"
            f"Fingerprints are erased after {RETENTION_DAYS} days (daily-limit ones after the "
            "day). A block keeps one until it is lifted or the secret key has been replaced "
            "twice."
        ),
        inline=False,
    )
    embed.add_field(
        name="Taking it back",
        value=(
            "`/unsaid withdraw` with your receipt deletes the post, its thread and its replies, "
            "and erases what Alongside stored. `/unsaid status` tells you what happened, such "
            "as a moderator's reason for not posting. Alongside's daily backups of its "
            f"database are kept for {backup_days} days, so a copy made before you withdrew "
            "lasts until then."
        ),
        inline=False,
    )
    embed.add_field(
        name="Honest limits",
        value=(
            "Discord itself knows who used a command, as with any bot. Alongside reads your "
            "account id only for the moment it takes to make the fingerprints, and doesn't "
            "write it to its logs (unless its host turns on Discord debug logging, which "
            "Alongside warns against)."
        ),
        inline=False,
    )
    embed.add_field(
        name="If someone copied Alongside's data",
        value=(
            "With the database alone, or a backup of it: the words not yet posted or erased, "
            "the day each was shared, and fingerprints that no account can be tested against, "
            "so nobody is named. The secret key is kept apart from the database and its "
            f"backups. Someone holding both could learn who wrote each submission of the last "
            f"{RETENTION_DAYS} days, who shared on each recent day, and who is blocked."
        ),
        inline=False,
    )
    return embed

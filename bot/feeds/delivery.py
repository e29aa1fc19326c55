"""Telling moderators, once, when a feed's channel refuses its posts, and when it takes them."""

from __future__ import annotations

import logging

from bot.db.feed_delivery import FeedDeliveryRepo
from bot.db.feeds import FeedsRepo
from bot.feeds.outbox import Poster
from bot.feeds.text import escape_markdown
from bot.settings.registry import GuildSettings

log = logging.getLogger(__name__)


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return reason if reason.endswith((".", "!", "?")) else reason + "."


async def tell_moderators(
    blocks: FeedDeliveryRepo,
    feeds: FeedsRepo,
    settings: GuildSettings,
    poster: Poster,
    recovered: list[int],
) -> None:
    """Send each new "not delivering" notice once, and a "delivering again" for recoveries."""
    for block in (await blocks.all()).values():
        if block.notified:
            continue
        feed = await feeds.get(block.feed_id)
        channel = await settings.get(feed.guild_id, "mod_channel") if feed else None
        if feed is None or channel is None:
            continue  # `/mod feeds list` shows it meanwhile; told once a mod channel is set
        name = escape_markdown(feed.title or feed.url)
        text = (
            f"New pieces from **{name}** can't be posted in <#{feed.channel_id}>: "
            f"{_sentence(block.reason)} They are kept, and Alongside posts them in order once "
            "that's put right. It won't mention this again until then; `/mod feeds list` shows "
            "which feeds are waiting."
        )
        if await poster.send_notice(int(channel), text):
            await blocks.set_notified(block.feed_id)
    while recovered:
        feed = await feeds.get(recovered.pop(0))
        channel = await settings.get(feed.guild_id, "mod_channel") if feed else None
        if feed is not None and channel is not None:
            await poster.send_notice(
                int(channel),
                f"**{escape_markdown(feed.title or feed.url)}** is posting in "
                f"<#{feed.channel_id}> again; the pieces that waited have gone out.",
            )

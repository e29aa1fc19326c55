"""The demo's server as a moderator would set it up: people, roles, channels, settings, a feed.

Seeding happens in the same order every time, so SimCord gives the same ids and a kept database
still matches its server on the next run.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
import simcord
from apscheduler.triggers.interval import IntervalTrigger

from bot.app.services import Services
from bot.checkins.settings import SUPPORT_CHANNEL
from bot.prompts.settings import REVIEW_KEY as PROMPTS_REVIEW
from bot.tryout.feed import FEED_PATH
from bot.tryout.plan import CHANNELS, PEOPLE, SERVER_NAME, Person

if TYPE_CHECKING:
    from bot.tryout.stage import Stage


def seed_server(world: Stage) -> None:
    """Create the server, its roles, people and channels (always in the same order)."""
    env = world.env
    guild = env.create_guild(SERVER_NAME)
    world.guild = guild
    world.roles["Moderators"] = guild.create_role(
        "Moderators", permissions=discord.Permissions(manage_guild=True)
    )
    world.roles["Peer supporters"] = guild.create_role("Peer supporters")
    for key, name, role, about in PEOPLE:
        user = env.create_user(key, global_name=name)
        roles = [world.roles["Moderators"]] if role == "moderator" else []
        if key == "bea":
            roles.append(world.roles["Peer supporters"])
        actor = guild.add_member(user, roles=roles)
        world.people[actor.id] = Person(key, name, role, about, actor)
    hidden = discord.PermissionOverwrite(view_channel=False)
    shown = discord.PermissionOverwrite(view_channel=True)
    bot_user = simcord.UserHandle(env, env.backend.bot_user)
    for plan in CHANNELS:
        overwrites: dict[Any, discord.PermissionOverwrite] = {}
        if plan.private_to:
            overwrites[guild.default_role] = hidden
            overwrites[bot_user] = shown
            for role_name in plan.private_to:
                overwrites[world.roles[role_name]] = shown
        world.channels[plan.key] = guild.create_text_channel(
            plan.key, overwrites=overwrites, topic=plan.topic
        )


async def configure(world: Stage) -> None:
    """First run: the settings a moderator would choose, a feed and a prompt schedule."""
    guild_id = world.guild_id
    channel = {key: handle.id for key, handle in world.channels.items()}
    await world.services.settings.set_many(
        guild_id,
        {
            "moderator_role": world.roles["Moderators"].id,
            "mod_channel": channel["moderators"],
            "unsaid_channel": channel["unsaid"],
            "unsaid_review_channel": channel["moderators"],
            "glossary_review_channel": channel["moderators"],
            PROMPTS_REVIEW: channel["moderators"],
            SUPPORT_CHANNEL: channel["peer-support"],
        },
    )
    moderator = world.person("mo")
    await world.services.prompts.add_schedule(
        guild_id, channel["reflections"], "daily", None, "10:00", None, True, moderator.id
    )
    await add_feed(world, backfill=1)


async def add_feed(world: Stage, *, backfill: int) -> None:
    await world.services.feeds.add(
        guild_id=world.guild_id,
        actor_id=world.person("mo").id,
        url=world.feed.url,
        channel_id=world.channels["blogs"].id,
        backfill=backfill,
    )
    poster = getattr(world.bot.get_cog("Feeds"), "poster", None)
    if poster is not None:
        await world.services.feeds.deliver(poster)


async def repoint_feed(world: Stage) -> None:
    """A kept database: the demo feed is served on a new port this time."""
    for health in await world.services.feeds.health(world.guild_id):
        url = health.feed.url
        if url.startswith("http://127.0.0.1:") and url.endswith(FEED_PATH):
            if url == world.feed.url:
                return
            await world.services.feeds.remove(world.guild_id, health.feed.id)
            await add_feed(world, backfill=0)
            return


def align_jobs(services: Services, now: datetime) -> None:
    """Count each held job's next run from the demo's clock, so `/mod status` tells demo time."""
    aps = services.scheduler._aps
    for job in aps.get_jobs():
        trigger = job.trigger
        if isinstance(trigger, IntervalTrigger):
            next_run: datetime | None = now + trigger.interval
        else:
            next_run = trigger.get_next_fire_time(None, now)
        if next_run is not None:
            job.modify(next_run_time=next_run)


def hold_scheduler(services: Services) -> None:
    """Let the demo's time move only when the visitor moves it.

    APScheduler counts real seconds, so left running it would tick on its own, between the
    visitor's actions. Pausing it keeps its jobs (and what `/mod status` shows of them); the
    world runs the same ticks itself after each action and each step of time.
    """
    services.scheduler.pause()

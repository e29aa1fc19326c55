"""Is this person still a member of that server? One shared, cached answer from Discord.

Alongside asks only for the `guilds` intent, so it hears nothing when someone leaves, is kicked
or is banned. Before a check-in reminder, a buddy round (and its thread), a support request or
any action a member takes from a DM button, it asks Discord through REST
(GET /guilds/{guild}/members/{user}, which needs no privileged intent): 404 with code 10007
(Unknown Member) means they are gone. Answers are kept for ten minutes (`CACHE_FOR`), so a tick
costs one request per person at most; an action a person takes themselves is always checked
afresh, so a ban takes effect on the very next click. Prompt fan-outs use only what is already
known (that route shares one rate-limit bucket per server), and Discord's own refusal, 50278
("no mutual guilds"), stops DMs to anyone who shares no server with Alongside any more.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiohttp
import discord

from bot.core.errors import UserFacingError
from bot.core.timeutil import Clock

log = logging.getLogger(__name__)

UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_USER = 10013
CANNOT_DM = 50007
NO_MUTUAL_GUILDS = 50278
# Discord's answers that mean "this person can't get a DM from Alongside at all".
UNREACHABLE_CODES = {CANNOT_DM: "dms_closed", NO_MUTUAL_GUILDS: "no_mutual_server"}
CACHE_FOR = timedelta(minutes=10)
CACHE_LIMIT = 50_000

NO_LONGER_A_MEMBER = (
    "You're no longer a member of that server, so Alongside can't do this for you there. "
    "Nothing was changed. If you rejoin, everything you had set up is still there."
)

Fetch = Callable[[int, int], Awaitable[bool]]
BeforeRequest = Callable[[], Awaitable[None]]


def unreachable_reason(error: discord.HTTPException) -> str | None:
    """Return why a DM can never arrive ('dms_closed', 'no_mutual_server'), or None."""
    return UNREACHABLE_CODES.get(error.code)


class Membership:
    """Answers "is this user in this server?" with a small time-limited cache."""

    def __init__(self, fetch: Fetch, clock: Clock, *, ttl: timedelta = CACHE_FOR) -> None:
        self._fetch = fetch
        self._clock = clock
        self._ttl = ttl
        self._known: dict[tuple[int, int], tuple[bool, datetime]] = {}

    def _cached(self, key: tuple[int, int]) -> bool | None:
        found = self._known.get(key)
        if found is None:
            return None
        present, when = found
        if self._clock.now() - when >= self._ttl:
            del self._known[key]
            return None
        return present

    def known(self, guild_id: int, user_id: int) -> bool | None:
        """Return the cached answer, if a recent one exists, without asking Discord."""
        return self._cached((guild_id, user_id))

    def remember(self, guild_id: int, user_id: int, present: bool) -> None:
        """Record an answer learnt elsewhere (e.g. the member just used a command there)."""
        if len(self._known) >= CACHE_LIMIT:
            self._known.clear()  # crude, but bounded: the next checks simply ask again
        self._known[(guild_id, user_id)] = (present, self._clock.now())

    async def is_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        fresh: bool = False,
        before_request: BeforeRequest | None = None,
    ) -> bool:
        """Say whether the user is in the server; a failure to ask counts as "yes"."""
        key = (guild_id, user_id)
        if not fresh:
            cached = self._cached(key)
            if cached is not None:
                return cached
        if before_request is not None:
            await before_request()
        try:
            present = await self._fetch(guild_id, user_id)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as error:
            # Nobody is dropped on a hiccup: the next round asks again.
            log.info("Could not check a membership (%r); assuming still a member", error)
            return True
        self.remember(guild_id, user_id, present)
        return present

    async def present(self, guild_id: int, user_ids: Iterable[int]) -> list[int]:
        """Keep only the users still in the server, in the order given."""
        return [u for u in user_ids if await self.is_member(guild_id, u)]

    async def ensure(self, guild_id: int, user_id: int) -> None:
        """Refuse kindly, checking afresh, unless the user is still in the server."""
        if not await self.is_member(guild_id, user_id, fresh=True):
            raise UserFacingError(NO_LONGER_A_MEMBER)


class Members(Protocol):
    """The bot as seen from here: a client holding the one `Membership` (`Alongside` is one)."""

    membership: Membership


def discord_fetch(bot: discord.Client) -> Fetch:
    """Ask Discord through REST whether a user is in a server (needs no privileged intent)."""

    async def fetch(guild_id: int, user_id: int) -> bool:
        try:
            await bot.http.get_member(guild_id, user_id)
        except discord.NotFound as error:
            if error.code in (UNKNOWN_MEMBER, UNKNOWN_USER, UNKNOWN_GUILD):
                return False
            raise
        except discord.Forbidden:
            return False  # the bot itself is no longer in that server
        return True

    return fetch


async def ensure_member_here(interaction: discord.Interaction[Any], guild_id: int) -> None:
    """Refuse an action for someone no longer in the server (DM buttons carry no member)."""
    bot: Members = interaction.client
    if interaction.guild_id == guild_id and isinstance(interaction.user, discord.Member):
        # Discord just sent this from inside the server, with their membership attached.
        bot.membership.remember(guild_id, interaction.user.id, True)
        return
    await bot.membership.ensure(guild_id, interaction.user.id)


CANNOT_POST_THERE = (
    "You can't send messages in that thread, so Alongside won't post there for you. "
    "Nothing was shared. A moderator can tell you more about who can post there."
)


def ensure_can_post(member: discord.abc.User, thread: discord.Thread) -> None:
    """Refuse to post for a member in a thread where they couldn't post themselves."""
    if not isinstance(member, discord.Member):
        raise UserFacingError(NO_LONGER_A_MEMBER)
    try:
        allowed = thread.permissions_for(member)
    except discord.ClientException:  # the thread's channel isn't known to the bot
        raise UserFacingError(CANNOT_POST_THERE) from None
    if not (allowed.view_channel and allowed.send_messages_in_threads):
        raise UserFacingError(CANNOT_POST_THERE)
    if thread.locked and not allowed.manage_threads:
        raise UserFacingError(CANNOT_POST_THERE)

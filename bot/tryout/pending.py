"""Answers that take a while, as Discord shows them: the page never waits for a slow one.

SimCord runs one operation at a time and each waits until the bot's work has settled. A feed
fetched over the network can take seconds, so the demo declares that wait to SimCord
(`external_wait`): the command's operation ends once the bot has deferred ("Alongside is
thinking…"), other people and commands go on meanwhile, and the answer lands when the feed does.

Discord marks a message "(edited)" only when it changes after it was first posted; the answer
that replaces a deferred reply's "thinking…" is its first content, not an edit. `EditLedger`
remembers those first contents so the page says "(edited)" only when it is true.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import simcord

from bot.feeds.fetch import FeedFetcher, FetchPolicy, FetchResult
from bot.feeds.netguard import AddressGuard, Lookup

LOADING = 1 << 7  # the "Alongside is thinking…" flag of a deferred reply
WAIT_REASON = "a feed on this computer, fetched over the network"


class ParkedFetcher(FeedFetcher):
    """A feed fetcher whose network wait, in bot work, doesn't hold up SimCord's operations."""

    def __init__(
        self, policy: FetchPolicy, guard: AddressGuard, lookup: Lookup, env: simcord.Env
    ) -> None:
        super().__init__(policy, guard, lookup)
        self._env = env

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime | None = None,
    ) -> FetchResult:
        """Fetch as usual; in the bot's own work, tell SimCord it is a wait for the network."""
        started = False

        async def run() -> FetchResult:
            nonlocal started
            started = True
            return await FeedFetcher.fetch(
                self, url, etag=etag, last_modified=last_modified, now=now
            )

        try:
            result: FetchResult = await self._env.external_wait(run(), reason=WAIT_REASON)
        except simcord.SetupError:
            if started:
                raise
            # The demo's own work (its first setup, the scheduled ticks): just wait.
            return await run()
        return result


class EditLedger:
    """Which messages Discord would mark "(edited)": changed after their first content."""

    def __init__(self, backend: Any) -> None:
        self._first: dict[int, str | None] = {}
        original: Callable[..., Any] = backend.edit_message

        def edit_message(channel_id: int, message_id: int, fields: dict[str, Any]) -> Any:
            before = backend.get_message(channel_id, message_id)
            was_loading = bool(before.flags & LOADING)
            message = original(channel_id, message_id, fields)
            if was_loading and not message.flags & LOADING:
                self._first[message.id] = message.edited_timestamp
            return message

        backend.edit_message = edit_message

    def edited(self, message: Any) -> str | None:
        """When the message was last edited, or None if it never was (as Discord counts)."""
        stamp: str | None = message.edited_timestamp
        if stamp is None or self._first.get(message.id, object()) == stamp:
            return None
        return stamp

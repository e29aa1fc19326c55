"""Reach every handler the bot has through the loopback Discord: each slash command, each form
it opens, each button on what it answers.

The commands come from what the bot synced, so a new command is swept without editing this file.
Options get plausible values (a real term, a real theme, a channel, a member), so most handlers
run to the end rather than stopping at the first check.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.fakediscord import FakeDiscord
from tests.fakediscord.interactions import InteractionHandle
from tests.livebot import Community

SUBCOMMAND, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)

# Plausible values for string options, by option name.
WORDS: dict[str, str] = {
    "term": "recovery",
    "query": "recovery",
    "theme": "power",
    "time": "09:00",
    "timezone": "Europe/London",
    "key": "quiet_hours_start",
    "value": "21:30",
    "alias": "Getting better",
    "definition": "A plain definition written for the sweep.",
    "aliases": "one, two",
    "contested_note": "People disagree about it.",
    "letter": "r",
    "receipt": "AAAA-BBBB-CCCC",
    "url": "http://127.0.0.1:9/feed.xml",
    "code": "power-01",
    "prompt": "power-01",
    "text": "What helped you this week?",
    "content_note": "loss",
    "grounding": "Take a breath first.",
    "include": "peer",
    "exclude": "advert",
    "block": "B-0000",
    "reason": "A kind reason.",
}


@dataclass
class Leaf:
    """One invocable slash command and its option definitions."""

    path: str
    options: list[dict[str, Any]]

    @property
    def moderator(self) -> bool:
        """Whether a moderator should run it."""
        return self.path.startswith("mod ")


def leaves(fake: FakeDiscord) -> list[Leaf]:
    """Every slash command the bot synced, as full paths."""
    found: list[Leaf] = []

    def walk(prefix: str, node: dict[str, Any]) -> None:
        options = node.get("options") or []
        subs = [o for o in options if o["type"] in (SUBCOMMAND, GROUP)]
        if not subs:
            found.append(Leaf(prefix, options))
            return
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub)

    for scope in fake.world.commands.values():
        for command in scope:
            if command.get("type", 1) == 1:
                walk(command["name"], command)
    return sorted(found, key=lambda leaf: leaf.path)


def sample(option: dict[str, Any], place: Community) -> Any:
    """A plausible value for one option, or None when the fake cannot express it."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind == STRING:
        text = WORDS.get(option["name"], "sample")
        return text[: int(option.get("max_length") or len(text))]
    if kind in (INTEGER, NUMBER):
        low = option.get("min_value")
        return (low if low is not None else 1) if kind == INTEGER else float(low or 1)
    if kind == BOOLEAN:
        return False
    if kind in (USER, MENTIONABLE):
        return place.other
    if kind == CHANNEL:
        return place.general
    if kind == ROLE:
        return place.readers_role
    return None  # attachments need an upload the fake cannot resolve


def options_for(leaf: Leaf, place: Community) -> dict[str, Any] | None:
    """Values for every option (required and optional), or None if one cannot be given."""
    values: dict[str, Any] = {}
    for option in leaf.options:
        value = sample(option, place)
        if value is None:
            if option.get("required"):
                return None
            continue
        values[option["name"]] = value
    return values


def modal_fields(modal: dict[str, Any], text: str = "Written for the sweep.") -> dict[str, Any]:
    """Fill every field of a form the bot showed: text, first choice, ticked boxes."""
    values: dict[str, Any] = {}

    def fill(item: dict[str, Any]) -> None:
        custom_id = item.get("custom_id")
        if custom_id is None:
            return
        if item["type"] == 4:
            low, high = int(item.get("min_length") or 0), int(item.get("max_length") or 4000)
            filled = (text * (1 + low // max(1, len(text))))[: max(low, min(len(text), high))]
            values[custom_id] = filled
        elif item["type"] == 3 and item.get("options"):
            values[custom_id] = [item["options"][0]["value"]]
        elif item["type"] == 23:
            values[custom_id] = True

    for component in modal.get("components") or []:
        if component["type"] == 1:
            for inner in component.get("components") or []:
                fill(inner)
        elif component["type"] == 18:
            fill(component["component"])
    return values


def clickables(message: dict[str, Any]) -> Iterator[tuple[str, list[str] | None]]:
    """Buttons (and first options of selects) on a message, as (custom_id, values)."""

    def walk(items: list[dict[str, Any]]) -> Iterator[tuple[str, list[str] | None]]:
        for item in items:
            if item.get("type") == 2 and item.get("custom_id") and not item.get("disabled"):
                yield item["custom_id"], None
            elif item.get("type") == 3 and item.get("custom_id") and item.get("options"):
                yield item["custom_id"], [item["options"][0]["value"]]
            yield from walk(item.get("components") or [])

    yield from walk(message.get("components") or [])


@dataclass
class Sent:
    """One interaction the sweep sent, who sent it and where."""

    label: str
    user: int
    channel: int
    handle: InteractionHandle


@dataclass
class Sweep:
    """Sends waves of interactions and keeps every handle."""

    fake: FakeDiscord
    place: Community
    sent: list[Sent] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    clicked: set[str] = field(default_factory=set)

    def user_for(self, leaf: Leaf) -> int:
        """Moderators run /mod; members run everything else."""
        return self.place.moderator if leaf.moderator else self.place.member

    async def commands(self) -> list[Sent]:
        """Invoke every slash command at once."""
        wave: list[Sent] = []
        for leaf in leaves(self.fake):
            values = options_for(leaf, self.place)
            if values is None:
                self.skipped.append(f"/{leaf.path} (needs an attachment)")
                continue
            user = self.user_for(leaf)
            handle = await self.fake.slash(
                self.place.guild, self.place.general, user, leaf.path, **values
            )
            wave.append(Sent(f"/{leaf.path}", user, self.place.general, handle))
        self.sent += wave
        return wave

    async def forms(self, earlier: list[Sent]) -> list[Sent]:
        """Submit every form the earlier wave was answered with."""
        jobs = []
        for item in earlier:
            body = item.handle.body or {}
            if body.get("type") != 9 or not body.get("data", {}).get("custom_id"):
                continue
            custom_id = body["data"]["custom_id"]
            fields = modal_fields(self.fake.world.modals.get(custom_id, body["data"]))
            jobs.append((item, custom_id, fields))
        wave = await asyncio.gather(
            *(self._submit(item, custom_id, fields) for item, custom_id, fields in jobs)
        )
        self.sent += wave
        return list(wave)

    async def _submit(self, item: Sent, custom_id: str, fields: dict[str, Any]) -> Sent:
        handle = await self.fake.submit_modal(
            self.place.guild, item.channel, item.user, custom_id, fields
        )
        return Sent(f"{item.label} → form", item.user, item.channel, handle)

    def messages_with_buttons(self) -> Iterator[tuple[str, int, int, dict[str, Any]]]:
        """(label, user, channel, message) for each new answer and post with components."""
        seen = self.clicked
        for item in self.sent:
            handle = item.handle
            candidates = [handle.original] if handle.original else []
            candidates += [
                self.fake.world.messages.get(int(f.message_id))
                for f in handle.followups
                if f.message_id
            ]
            for message in candidates:
                if message and message["id"] not in seen and message.get("components"):
                    seen.add(message["id"])
                    yield item.label, item.user, item.channel, message
        for channel in (self.place.general, self.place.review, self.place.support):
            for message in self.fake.messages(channel):
                if message["id"] not in seen and message.get("components"):
                    seen.add(message["id"])
                    yield f"post in #{channel}", self.place.moderator, channel, message

    async def buttons(self) -> list[Sent]:
        """Click every button (and pick the first option of every select) shown so far."""
        targets = [
            (label, user, channel, message, custom_id, values)
            for label, user, channel, message in self.messages_with_buttons()
            for custom_id, values in clickables(message)
        ]
        wave = await asyncio.gather(*(self._click(*target) for target in targets))
        self.sent += wave
        return list(wave)

    async def _click(
        self,
        label: str,
        user: int,
        channel: int,
        message: dict[str, Any],
        custom_id: str,
        values: list[str] | None,
    ) -> Sent:
        handle = await self.fake.click(
            self.place.guild, channel, user, int(message["id"]), custom_id, values=values
        )
        return Sent(f"{label} → {custom_id}", user, channel, handle)


async def acknowledged(wave: list[Sent], *, within: float = 4.0) -> None:
    """Wait until every interaction of a wave was answered, or `within` seconds pass."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(s.handle.body is None for s in wave):
        await asyncio.sleep(0.05)

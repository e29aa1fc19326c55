"""Interaction payloads built from the world and the bot's synced commands, and their handles."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any

from .world import World

SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


@dataclass(slots=True)
class Followup:
    """A followup or edit the bot sent through the interaction webhook."""

    method: str
    message_id: str | None
    body: dict[str, Any]
    time: float


@dataclass
class InteractionHandle:
    """An interaction sent to the bot, and what the bot answered."""

    payload: dict[str, Any]
    dispatched_at: float = 0.0
    responded_at: float | None = None
    body: dict[str, Any] | None = None
    original: dict[str, Any] | None = None
    loading: bool = False
    followups: list[Followup] = field(default_factory=list)
    _answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def id(self) -> int:
        """Return the interaction id."""
        return int(self.payload["id"])

    @property
    def token(self) -> str:
        """Return the interaction token."""
        return str(self.payload["token"])

    @property
    def latency(self) -> float | None:
        """Return seconds from dispatch to the callback's arrival, once answered."""
        return None if self.responded_at is None else self.responded_at - self.dispatched_at

    @property
    def message_id(self) -> int | None:
        """Return the id of the message the response created or updated."""
        return int(self.original["id"]) if self.original else None

    async def response(self, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the callback body the bot POSTed."""
        await asyncio.wait_for(self._answered.wait(), timeout)
        assert self.body is not None
        return self.body

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Followup]:
        """Wait until at least count followups or edits arrived."""
        async with asyncio.timeout(timeout):
            while len(self.followups) < count:
                await asyncio.sleep(0.005)
        return self.followups

    def answer(self, body: dict[str, Any], received_at: float) -> None:
        """Record the callback body and when its request arrived."""
        self.body = body
        self.responded_at = received_at
        self._answered.set()


class InteractionFactory:
    """Build interaction payloads the way Discord would send them."""

    def __init__(self, world: World) -> None:
        self.world = world

    def base(
        self, type: int, guild_id: int | None, channel_id: int, user_id: int
    ) -> dict[str, Any]:
        """Build the fields common to every interaction type."""
        world = self.world
        channel = world.channels[channel_id]
        data: dict[str, Any] = {
            "id": str(world.snowflake()),
            "application_id": str(world.application_id),
            "type": type,
            "token": "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
            "version": 1,
            "channel_id": str(channel_id),
            "channel": channel.payload(world),
            "locale": "en-GB",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild_id is None:
            data.update(
                user=world.users[user_id].payload(),
                context=1,
                authorizing_integration_owners={"0": str(user_id)},
                app_permissions=str(0),
            )
            return data
        member = world.member_payload(guild_id, user_id)
        member["permissions"] = str(world.permissions(guild_id, user_id))
        data.update(
            guild_id=str(guild_id),
            guild={"id": str(guild_id), "locale": "en-GB", "features": []},
            guild_locale="en-GB",
            member=member,
            context=0,
            authorizing_integration_owners={"0": str(guild_id)},
            app_permissions=str(world.permissions(guild_id, world.bot_user.id)),
        )
        return data

    def find_command(self, guild_id: int | None, path: str) -> tuple[dict[str, Any], bool]:
        """Find a synced chat-input command by name, guild commands first."""
        name = path.split()[0]
        scopes = ([guild_id] if guild_id is not None else []) + [None]
        for scope in scopes:
            for command in self.world.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command, scope is not None
        raise LookupError(f"the bot has not registered a /{name} command")

    def command_data(
        self,
        guild_id: int | None,
        path: str,
        options: dict[str, Any],
        focused: str | None = None,
    ) -> dict[str, Any]:
        """Build APPLICATION_COMMAND data with nested options and resolved objects."""
        command, in_guild = self.find_command(guild_id, path)
        chain: list[dict[str, Any]] = []
        node = command
        for word in path.split()[1:]:
            node = next(
                (
                    o
                    for o in node.get("options") or []
                    if o["name"] == word and o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP)
                ),
                {},
            )
            if not node:
                raise LookupError(f"/{path}: no subcommand {word!r}")
            chain.append(node)
        if any(o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP) for o in node.get("options") or []):
            raise LookupError(f"/{path} is a group; name a subcommand")
        resolved: dict[str, dict[str, Any]] = {}
        values = self._option_values(node, options, focused, guild_id, resolved)
        for parent in reversed(chain):
            values = [{"type": parent["type"], "name": parent["name"], "options": values}]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": values,
        }
        if in_guild:
            data["guild_id"] = str(guild_id)
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_values(
        self,
        node: dict[str, Any],
        given: dict[str, Any],
        focused: str | None,
        guild_id: int | None,
        resolved: dict[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        defs = {o["name"]: o for o in node.get("options") or []}
        unknown = set(given) - set(defs)
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}; the command has {sorted(defs)}")
        if focused is None:
            missing = [n for n, o in defs.items() if o.get("required") and n not in given]
            if missing:
                raise ValueError(f"required options missing: {missing}")
        values = []
        for name, raw in given.items():
            option = defs[name]
            entry: dict[str, Any] = {"type": option["type"], "name": name}
            if name == focused:
                # Autocomplete sends what the user has typed so far, unconverted.
                entry.update(value=str(raw), focused=True)
            else:
                entry["value"] = self._convert(option, raw, guild_id, resolved)
            values.append(entry)
        return values

    def _convert(
        self, option: dict[str, Any], raw: Any, guild_id: int | None, resolved: dict[str, Any]
    ) -> Any:
        kind = option["type"]
        if kind == STRING:
            value: Any = str(raw)
        elif kind == INTEGER:
            value = int(raw)
        elif kind == NUMBER:
            value = float(raw)
        elif kind == BOOLEAN:
            value = bool(raw)
        else:
            return self._resolve(kind, int(raw), guild_id, resolved)
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"{value!r} is not a choice of option {option['name']!r}")
        return value

    def _resolve(self, kind: int, oid: int, guild_id: int | None, resolved: dict[str, Any]) -> str:
        world = self.world
        if kind in (USER, MENTIONABLE) and oid in world.users:
            resolved.setdefault("users", {})[str(oid)] = world.users[oid].payload()
            if guild_id is not None and oid in world.guilds[guild_id].members:
                member = world.member_payload(guild_id, oid, with_user=False)
                member["permissions"] = str(world.permissions(guild_id, oid))
                resolved.setdefault("members", {})[str(oid)] = member
        elif kind == CHANNEL and oid in world.channels:
            channel = world.channels[oid].payload(world)
            channel["permissions"] = str(
                world.permissions(guild_id, world.bot_user.id) if guild_id else 0
            )
            resolved.setdefault("channels", {})[str(oid)] = channel
        elif kind in (ROLE, MENTIONABLE) and guild_id is not None:
            role = world.guilds[guild_id].roles.get(oid)
            if role is None:
                raise LookupError(f"no role {oid}")
            resolved.setdefault("roles", {})[str(oid)] = role.payload()
        else:
            raise LookupError(f"cannot resolve option value {oid} (type {kind})")
        return str(oid)

    def component_data(
        self, message: dict[str, Any], custom_id: str, values: list[str] | None
    ) -> dict[str, Any]:
        """Build MESSAGE_COMPONENT data, taking the component type from the message."""
        kind = find_component_type(message.get("components") or [], custom_id)
        if kind is None:
            raise LookupError(f"message {message['id']} has no component {custom_id!r}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind}
        if kind != 2:
            data["values"] = list(values or [])
        return data

    def modal_data(self, custom_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Build MODAL_SUBMIT data mirroring the layout of the modal the bot showed."""
        shown = self.world.modals.get(custom_id, {})
        rows: list[dict[str, Any]] = []

        def submitted(item: dict[str, Any]) -> dict[str, Any] | None:
            cid = item.get("custom_id")
            if cid is None:
                return None
            value = fields.get(cid, item.get("value") or "")
            key = "values" if isinstance(value, list) else "value"
            return {"type": item["type"], "id": item.get("id", 0), "custom_id": cid, key: value}

        for comp in shown.get("components") or []:
            if comp["type"] == 1:
                inner = [c for c in map(submitted, comp.get("components") or []) if c]
                rows.append({"type": 1, "id": comp.get("id", 0), "components": inner})
            elif comp["type"] == 18 and (inner_one := submitted(comp["component"])):
                rows.append({"type": 18, "id": comp.get("id", 0), "component": inner_one})
        if not shown:
            rows = [
                {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in fields.items()
            ]
        return {"custom_id": custom_id, "components": rows}


def find_component_type(components: list[dict[str, Any]], custom_id: str) -> int | None:
    """Find the type of the component carrying custom_id, searching nested layouts."""
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return int(comp["type"])
        nested = list(comp.get("components") or [])
        nested += [comp[k] for k in ("accessory", "component") if isinstance(comp.get(k), dict)]
        found = find_component_type(nested, custom_id)
        if found is not None:
            return found
    return None

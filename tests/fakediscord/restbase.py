"""What every REST route of the fake shares: calls, errors, and lookups on its world."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .entities import Channel, iso
from .interactions import InteractionHandle
from .perms import has, refusal
from .world import public

if TYPE_CHECKING:
    from multidict import MultiMapping

    from .server import FakeDiscord


GUILD_MESSAGES, DIRECT_MESSAGES = 1 << 9, 1 << 12
EPHEMERAL, LOADING = 1 << 6, 1 << 7
NONCE_WINDOW = 300.0
# Callback types Discord accepts for each interaction type.
VALID_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
APPLICATION_FIELDS = json.loads(
    '{"icon": null, "description": "", "summary": "", "type": null, "bot_public": false,'
    ' "bot_require_code_grant": false, "team": null, "verify_key": "' + "0" * 64 + '",'
    ' "flags": 524288, "interactions_endpoint_url": null, "redirect_uris": [], "tags": [],'
    ' "integration_types_config": {"0": {}}}'
)


class ApiError(Exception):
    """An error answer in Discord's JSON error format."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Call:
    """A parsed REST request handed to a route."""

    method: str
    params: dict[str, str]
    body: Any
    files: dict[str, bytes]
    query: MultiMapping[str]
    received_at: float = 0.0
    # Keys of messages/modals whose answer must reach the bot before users can interact.
    delivered: list[str] = field(default_factory=list)


Reply = tuple[int, Any]
Handler = Callable[[Call], Awaitable[Reply]]


class RestBase:
    """The fake's world, with the lookups and edits its routes share."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world
        self.nonces: dict[tuple[int, str], tuple[int, float]] = {}

    # -- lookups -------------------------------------------------------------------------------

    def _channel(self, raw: str) -> Channel:
        channel = self.world.channels.get(int(raw)) if raw.isdigit() else None
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    def _message(self, channel_id: int, raw: str) -> dict[str, Any]:
        message = self.world.messages.get(int(raw)) if raw.isdigit() else None
        if message is None or message["channel_id"] != str(channel_id):
            raise ApiError(404, 10008, "Unknown Message")
        return message

    def _require(self, channel: Channel, *names: str) -> None:
        refused = refusal(self.world, channel, *names)
        if refused is not None:
            raise ApiError(*refused)

    def _vet_content(self, channel: Channel, body: dict[str, Any], files: dict[str, bytes]) -> Any:
        """Refuse files without Attach Files; drop embeds without Embed Links, as Discord does."""
        if channel.guild_id is None:
            return body
        if files:
            self._require(channel, "attach_files")
        if body.get("embeds") and not has(self.world, channel, "embed_links"):
            return {**body, "embeds": []}
        return body

    def _handle(self, call: Call) -> InteractionHandle:
        handle = self.fake.handles.get(call.params["webhook_token"])
        if call.params["webhook_id"] != str(self.world.application_id) or handle is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        if handle.body is None:
            # The webhook only exists once the interaction has been acknowledged.
            raise ApiError(404, 10015, "Unknown Webhook")
        return handle

    def _edit(self, message: dict[str, Any], body: dict[str, Any], files: dict[str, bytes]) -> None:
        for key in ("content", "components"):
            if key in body:
                message[key] = body[key] or ([] if key == "components" else "")
        if "embeds" in body:
            message["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (message["flags"] & (EPHEMERAL | LOADING)) | int(body["flags"])
        if "attachments" in body:
            items = body["attachments"] or []
            existing = {a["id"]: a for a in message["attachments"]}
            kept = [existing[str(i.get("id"))] for i in items if str(i.get("id")) in existing]
            new = [i for i in items if str(i.get("id")) not in existing]
            channel_id = int(message["channel_id"])
            message["attachments"] = kept + self.world.attachments(channel_id, new, files)
            message["_files"].update(files)
        message["edited_timestamp"] = iso()

    async def _announce(self, channel: Channel, message: dict[str, Any]) -> None:
        intent = DIRECT_MESSAGES if channel.guild_id is None else GUILD_MESSAGES
        await self.fake.gateway.dispatch("MESSAGE_CREATE", public(message), intent=intent)

    def _keep(self, channel_id: int, message: dict[str, Any]) -> None:
        # Ephemeral messages exist only for their interaction, never in the channel.
        if message["flags"] & EPHEMERAL:
            self.world.messages[int(message["id"])] = message
        else:
            self.world.store_message(channel_id, message)

    def _forget(self, message: dict[str, Any]) -> None:
        mid = int(message["id"])
        self.world.messages.pop(mid, None)
        ids = self.world.channel_messages.get(int(message["channel_id"]), [])
        if mid in ids:
            ids.remove(mid)

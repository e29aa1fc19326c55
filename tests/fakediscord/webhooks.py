"""The fake's interaction routes: the callback, followups, and the webhook's messages."""

from __future__ import annotations

import time
from typing import Any

from .interactions import Followup
from .restbase import EPHEMERAL, LOADING, VALID_CALLBACKS, ApiError, Call, Reply, RestBase
from .world import public


class InteractionRoutes(RestBase):
    """Answers to interactions, as Discord takes them from a bot."""

    async def callback(self, call: Call) -> Reply:
        """Take the interaction response; answer with the callback resource when asked."""
        handle = self.fake.handles.get(call.params["interaction_token"])
        if handle is None or str(handle.id) != call.params["interaction_id"]:
            raise ApiError(404, 10062, "Unknown interaction")
        deadline = self.fake.interaction_deadline
        if deadline is not None and time.perf_counter() - handle.dispatched_at > deadline:
            raise ApiError(404, 10062, "Unknown interaction")
        if handle.body is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = call.body if isinstance(call.body, dict) else {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in VALID_CALLBACKS.get(handle.payload["type"], set()):
            raise ApiError(400, 50035, f"Invalid callback type {kind} for this interaction")
        channel_id = int(handle.payload["channel_id"])
        if kind == 4:
            handle.original = self.world.new_message(
                channel_id, data, files=call.files, interaction=handle.payload
            )
        elif kind == 5:
            loading = {"flags": LOADING | (int(data.get("flags") or 0) & EPHEMERAL)}
            handle.original = self.world.new_message(
                channel_id, loading, interaction=handle.payload
            )
            handle.loading = True
        elif kind in (6, 7):
            handle.original = self.world.messages.get(int(handle.payload["message"]["id"]))
            if kind == 7 and handle.original is not None:
                self._edit(handle.original, data, call.files)
        elif kind == 9:
            self.world.modals[data["custom_id"]] = data
            call.delivered.append(f"modal:{data['custom_id']}")
        if kind in (4, 5, 7) and handle.original is not None:
            if kind != 7:
                self._keep(channel_id, handle.original)
            call.delivered.append(handle.original["id"])
        handle.answer(body, call.received_at)
        if call.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        info: dict[str, Any] = {"id": str(handle.id), "type": handle.payload["type"]}
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5, 7) and handle.original is not None:
            info.update(
                response_message_id=handle.original["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(handle.original["flags"] & EPHEMERAL),
            )
            resource["message"] = public(handle.original)
        return 200, {"interaction": info, "resource": resource}

    async def followup(self, call: Call) -> Reply:
        """Create a followup; the first one after a deferral fills the loading message."""
        handle = self._handle(call)
        body = call.body if isinstance(call.body, dict) else {}
        if handle.loading and handle.original is not None:
            message = handle.original
            self._edit(message, body, call.files)
            message["flags"] &= ~LOADING
            handle.loading = False
        else:
            channel_id = int(handle.payload["channel_id"])
            message = self.world.new_message(
                channel_id, body, files=call.files, interaction=handle.payload
            )
            self._keep(channel_id, message)
        call.delivered.append(message["id"])
        handle.followups.append(Followup("POST", message["id"], body, time.perf_counter()))
        if call.query.get("wait", "").lower() in ("1", "true"):
            return 200, public(message)
        return 204, None

    async def webhook_message(self, call: Call) -> Reply:
        """Get, edit or delete the original response or a followup."""
        handle = self._handle(call)
        raw = call.params["message_id"]
        if raw == "@original":
            message = handle.original
        else:
            message = self.world.messages.get(int(raw)) if raw.isdigit() else None
        if message is None or message.get("interaction_metadata", {}).get("id") != str(handle.id):
            raise ApiError(404, 10008, "Unknown Message")
        if call.method == "PATCH":
            body = call.body if isinstance(call.body, dict) else {}
            self._edit(message, body, call.files)
            call.delivered.append(message["id"])
            if message is handle.original:
                message["flags"] &= ~LOADING
                handle.loading = False
            handle.followups.append(Followup("PATCH", message["id"], body, time.perf_counter()))
        elif call.method == "DELETE":
            self._forget(message)
            handle.followups.append(Followup("DELETE", message["id"], {}, time.perf_counter()))
            return 204, None
        return 200, public(message)

"""Discord's three-second window, kept in one place.

Discord forgets an interaction that is not acknowledged within 3 s: the person sees "This
interaction failed" and every later reply is refused. Handlers answer at once when they can and
defer before work they know is slow, but a slow disk or a slow Discord can make any handler
slow. So every interaction is watched from the moment it arrives:

- If nothing has answered it after `DEFER_AFTER` seconds (sooner when Discord has recently been
  slow to take our answers, since the 3 s include their trip), it is deferred on the handler's
  behalf:
  a command or a form from a command gets a private "thinking" placeholder (public if the handler
  said the answer is for the channel, `answer_publicly`); a button or a form from a button gets
  a silent deferred update, so the handler may still edit the message or answer privately.
- The handler's own answer, arriving later, is turned into what is still possible: a message
  becomes a followup, an edit of the button's message becomes an edit of the original response,
  a second deferral is a no-op, and a form (which can never follow a deferral) becomes a private
  message with a button that opens it.
- A button or form that nothing in the bot handles any more (a form left open across a restart,
  a malformed or forged custom_id) is answered kindly at once instead of failing silently.

Every answer goes through one lock per interaction, so a deferral in flight and the handler's
own answer never both reach Discord.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import discord

from bot.ui.replies import NO_PINGS, SafeView, give_back

log = logging.getLogger(__name__)

# Discord's limit is 3 s from when it created the interaction; the deferral itself needs time to
# travel, so it is sent with a second to spare. When answers have recently taken a while to reach
# Discord, it goes out that much earlier (never earlier than MIN_DEFER_AFTER).
DEFER_AFTER = 2.0
MIN_DEFER_AFTER = 0.25
ANSWER_BY = 2.5

WATCHED = frozenset(
    {
        discord.InteractionType.application_command,
        discord.InteractionType.component,
        discord.InteractionType.modal_submit,
    }
)

EXPIRED_BUTTON = (
    "This button doesn't work any more: it belongs to something that has closed, or Alongside "
    "has restarted since it was shown. Nothing was changed. Please run the command again."
)
EXPIRED_FORM = (
    "This form expired (Alongside restarted or it was open too long), so nothing was saved. "
    "Please open it again."
)
LATE_FORM = "Sorry for the wait. The form is ready: press the button to open it."


class OpenForm(SafeView):
    """One button that opens a form the handler could no longer open directly."""

    def __init__(self, modal: discord.ui.Modal, owner_id: int) -> None:
        super().__init__(timeout=600)
        self.modal = modal
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the person the form was for can open it."""
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Open the form", style=discord.ButtonStyle.primary)
    async def open(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        """Show the form."""
        self.stop()
        await interaction.response.send_modal(self.modal)


class WatchedResponse(discord.InteractionResponse[Any]):
    """An interaction's response that defers itself if the handler is slow."""

    __slots__ = (
        "_auto",
        "_deadlines",
        "_lock",
        "_task",
        "_thinking",
        "_timer",
        "placeholder_open",
        "public",
    )

    def __init__(self, parent: discord.Interaction[Any], deadlines: Deadlines) -> None:
        super().__init__(parent)
        self._deadlines = deadlines
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        # What our own deferral returned, once it has happened, and its kind.
        self._auto: discord.InteractionCallbackResponse[Any] | None = None
        self._thinking = False
        # True while our "thinking" placeholder waits for the handler's first message.
        self.placeholder_open = False
        self.public = False

    # ----- the watch ---------------------------------------------------------------------------

    def arm(self, delay: float) -> None:
        """Defer after `delay` seconds unless the handler has answered by then."""
        self._timer = asyncio.get_running_loop().call_later(delay, self._fire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        if self._response_type is None:
            self._task = asyncio.create_task(self._defer_for_handler(), name="alongside-defer")

    async def _defer_for_handler(self) -> None:
        async with self._lock:
            if self._response_type is not None:
                return  # the handler's own answer got there first
            parent = self._parent
            # A button's (or a button's form's) message can still be edited after a deferred
            # update, and private answers become new messages; a command needs a placeholder.
            update = parent.type is discord.InteractionType.component or (
                parent.type is discord.InteractionType.modal_submit and parent.message is not None
            )
            started = time.monotonic()
            try:
                if update:
                    result = await super().defer()
                else:
                    result = await super().defer(ephemeral=not self.public, thinking=True)
                self._deadlines.observe(time.monotonic() - started)
            except discord.HTTPException:
                log.warning("Could not defer a slow interaction in time", exc_info=True)
                return
            self._auto = result
            self._thinking = self.placeholder_open = not update
            self._deadlines.deferred += 1
            log.info("Deferred a slow interaction for its handler")

    # ----- the handler's answers ---------------------------------------------------------------

    async def defer(
        self, *, ephemeral: bool = False, thinking: bool = False
    ) -> discord.InteractionCallbackResponse[Any] | None:
        """Defer, unless that already happened on the handler's behalf."""
        async with self._lock:
            self._disarm()
            if self._auto is not None:
                return self._auto
            started = time.monotonic()
            result = await super().defer(ephemeral=ephemeral, thinking=thinking)
            self._deadlines.observe(time.monotonic() - started)
            return result

    async def send_message(
        self, content: Any | None = None, **kwargs: Any
    ) -> discord.InteractionCallbackResponse[Any]:
        """Answer with a message, as a followup if the interaction was already deferred."""
        async with self._lock:
            self._disarm()
            if self._auto is None:
                started = time.monotonic()
                sent = await super().send_message(content, **kwargs)
                self._deadlines.observe(time.monotonic() - started)
                return sent
            await self._follow_up(content, kwargs)
            return self._auto

    async def edit_message(self, **kwargs: Any) -> discord.InteractionCallbackResponse[Any] | None:
        """Edit the button's message, through the original response if already deferred."""
        async with self._lock:
            self._disarm()
            if self._auto is None:
                return await super().edit_message(**kwargs)
            kwargs.pop("delete_after", None)
            kwargs.pop("suppress_embeds", None)
            if self._thinking:
                # A placeholder stands where the edit would go: answer in it instead.
                kept = {k: v for k, v in kwargs.items() if v is not None and k != "attachments"}
                await self._follow_up(kept.pop("content", None), {**kept, "ephemeral": True})
            else:
                await self._parent.edit_original_response(**kwargs)
            return self._auto

    async def send_modal(
        self, modal: discord.ui.Modal, /
    ) -> discord.InteractionCallbackResponse[Any]:
        """Show a form; after a deferral, offer a button that shows it instead."""
        async with self._lock:
            self._disarm()
            if self._auto is None:
                return await super().send_modal(modal)
            self._deadlines.late_forms += 1
            view = OpenForm(modal, self._parent.user.id)
            await self._follow_up(LATE_FORM, {"view": view, "ephemeral": True})
            return self._auto

    async def _follow_up(self, content: Any | None, kwargs: dict[str, Any]) -> None:
        delete_after = kwargs.pop("delete_after", None)
        ephemeral = bool(kwargs.get("ephemeral", False))
        first, self.placeholder_open = self.placeholder_open, False
        if first and ephemeral != (not self.public):
            # The placeholder's visibility was fixed when it was sent; a reply of the other kind
            # must not fill it (a private error must never appear in the channel).
            try:
                await self._parent.delete_original_response()
            except discord.HTTPException:
                log.info("Could not remove a deferral placeholder", exc_info=True)
        if content is not None:
            kwargs["content"] = content
        kwargs.setdefault("allowed_mentions", NO_PINGS)
        message = await self._parent.followup.send(wait=True, **kwargs)
        if delete_after is not None:
            await message.delete(delay=delete_after)


class Deadlines:
    """Watches every interaction the bot receives; see the module's docstring."""

    def __init__(self, defer_after: float = DEFER_AFTER) -> None:
        self.defer_after = defer_after
        # How long our answers recently took to reach Discord and come back (seconds).
        self.answer_trip = 0.0
        self.deferred = 0
        self.late_forms = 0
        self.expired = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def watch(self, interaction: discord.Interaction[Any]) -> None:
        """Start watching an interaction; call before any handler has run."""
        if interaction.type not in WATCHED:
            return
        response = WatchedResponse(interaction, self)
        # `response` is a cached slot: filling it first is the one way to give every handler the
        # same watched object. discord.py has created the handler tasks but run none of them yet.
        setattr(interaction, "_cs_response", response)  # noqa: B010
        if interaction.type is not discord.InteractionType.application_command and not handled(
            interaction
        ):
            self.expired += 1
            task = asyncio.create_task(self._expired(interaction), name="alongside-expired")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        response.arm(self.defer_delay())

    def observe(self, seconds: float) -> None:
        """Learn from one answer's round trip: rise at once, settle back slowly."""
        self.answer_trip = max(seconds, 0.9 * self.answer_trip + 0.1 * seconds)

    def defer_delay(self) -> float:
        """How long a handler may take before it is deferred for it."""
        return max(MIN_DEFER_AFTER, min(self.defer_after, ANSWER_BY - self.answer_trip))

    async def _expired(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            text = give_back(EXPIRED_FORM, typed_values(interaction.data))
        else:
            text = EXPIRED_BUTTON
        try:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.info("Could not answer an expired button or form", exc_info=True)


def handled(interaction: discord.Interaction[Any]) -> bool:
    """Say whether a button or form submission has something in the bot to handle it.

    This mirrors discord.py's own lookup (ViewStore.dispatch_view and dispatch_modal), which
    drops unknown ones silently. If discord.py's internals change, everything counts as handled.
    """
    store: Any = getattr(interaction._state, "_view_store", None)
    data: Any = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    try:
        if interaction.type is discord.InteractionType.modal_submit:
            return custom_id in store._modals
        if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
            return True
        key = (int(data.get("component_type", 0)), custom_id)
        message_id = interaction.message.id if interaction.message is not None else None
        return key in store._views.get(message_id, {}) or key in store._views.get(None, {})
    except (AttributeError, TypeError, ValueError):
        return True


def typed_values(data: Any) -> list[str]:
    """The text a person typed into a submitted form, from the raw interaction data."""
    found: list[str] = []

    def walk(items: Any) -> None:
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if item.get("type") == 4 and isinstance(item.get("value"), str) and item["value"]:
                found.append(item["value"])
            walk(item.get("components"))
            if isinstance(item.get("component"), dict):
                walk([item["component"]])

    walk(data.get("components") if isinstance(data, dict) else None)
    return found


def answer_publicly(interaction: discord.Interaction[Any]) -> None:
    """Say this interaction's answer is for the whole channel, so a deferral must be public too.

    Call it first thing in the handler, before any slow work.
    """
    response = interaction.response
    if isinstance(response, WatchedResponse):
        response.public = True

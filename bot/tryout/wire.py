"""Discord's shapes the page and SimCord exchange: option and component types, form values."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class Option(IntEnum):
    """Discord's application command option types."""

    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


class Part(IntEnum):
    """Discord's component types that take input, in messages and forms."""

    STRING_SELECT = 3
    TEXT_INPUT = 4
    USER_SELECT = 5
    ROLE_SELECT = 6
    MENTIONABLE_SELECT = 7
    CHANNEL_SELECT = 8
    FILE_UPLOAD = 19
    RADIO_GROUP = 21
    CHECKBOX_GROUP = 22
    CHECKBOX = 23


NESTED = (Option.SUB_COMMAND, Option.SUB_COMMAND_GROUP)
# Which kinds of thing an option or a select menu picks.
OPTION_PICKS = {
    Option.USER: {"user"},
    Option.CHANNEL: {"channel"},
    Option.ROLE: {"role"},
    Option.MENTIONABLE: {"user", "role"},
}
SELECT_PICKS = {
    Part.USER_SELECT: {"user"},
    Part.ROLE_SELECT: {"role"},
    Part.MENTIONABLE_SELECT: {"user", "role"},
    Part.CHANNEL_SELECT: {"channel"},
}


class DemoError(Exception):
    """Something the visitor asked for that cannot be done; `str()` says what, plainly."""


@dataclass(slots=True)
class Outcome:
    """What happened after an action, for the page."""

    modal: dict[str, Any] | None = None
    failed: bool = False
    error: str | None = None
    choices: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON for the page."""
        return {
            "modal": self.modal,
            "failed": self.failed,
            "error": self.error,
            "choices": self.choices,
        }


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def upload(value: Any) -> tuple[str, bytes]:
    """A file the page sent as {"name": ..., "data": base64}."""
    if not isinstance(value, Mapping):
        raise DemoError("Choose a file to attach.")
    name = str(value.get("name") or "file")
    try:
        data = base64.b64decode(str(value.get("data") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise DemoError("That file couldn't be read.") from None
    return name.replace("/", "_")[:100], data


def modal_controls(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The form's inputs, without their rows and labels."""
    found: list[dict[str, Any]] = []
    for component in spec.get("components") or []:
        if component.get("type") == 1:
            found.extend(
                child for child in component.get("components") or [] if "custom_id" in child
            )
        elif component.get("type") == 18 and isinstance(component.get("component"), dict):
            found.append(component["component"])
        elif "custom_id" in component:
            found.append(component)
    return found


def find_component(message: Any, custom_id: str) -> dict[str, Any] | None:
    def walk(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
        for node in nodes:
            if node.get("custom_id") == custom_id:
                return node
            for key in ("components", "accessory", "component"):
                child = node.get(key)
                children = child if isinstance(child, list) else [child] if child else []
                found = walk(children)
                if found is not None:
                    return found
        return None

    return walk(list(message.components or []))

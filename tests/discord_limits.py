"""Check request bodies against Discord's documented limits (lengths, counts, names)."""

from __future__ import annotations

import re
from typing import Any

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
SUBCOMMAND, SUBCOMMAND_GROUP, STRING = 1, 2, 3
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
COMPONENTS_V2 = 1 << 15
ROUTES = [
    ("message", "POST", re.compile(r"^/channels/\d+/messages$")),
    ("edit", "PATCH", re.compile(r"^/channels/\d+/messages/\d+$")),
    ("message", "POST", re.compile(r"^/webhooks/\d+/[^/]+$")),
    ("edit", "PATCH", re.compile(r"^/webhooks/\d+/[^/]+/messages/[^/]+$")),
    ("callback", "POST", re.compile(r"^/interactions/\d+/[^/]+/callback$")),
    ("commands", "PUT", re.compile(r"^/applications/\d+(/guilds/\d+)?/commands$")),
    ("command", "POST", re.compile(r"^/applications/\d+(/guilds/\d+)?/commands$")),
    ("command", "PATCH", re.compile(r"^/applications/\d+(/guilds/\d+)?/commands/\d+$")),
    ("thread", "POST", re.compile(r"^/channels/\d+(/messages/\d+)?/threads$")),
    ("thread", "PATCH", re.compile(r"^/channels/\d+$")),
]


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _too_long(problems: list[str], where: str, value: Any, limit: int, minimum: int = 0) -> None:
    """Note a string outside [minimum, limit] characters."""
    if value is None and minimum == 0:
        return
    if not isinstance(value, str):
        problems.append(f"{where} must be a string, got {type(value).__name__}")
    elif not minimum <= len(value) <= limit:
        problems.append(f"{where} is {len(value)} chars (allowed {minimum}-{limit})")


def _too_many(problems: list[str], where: str, items: Any, limit: int) -> list[Any]:
    """Note a list with more than limit items and return it (or [] when absent)."""
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(f"{where} must be a list")
        return []
    if len(items) > limit:
        problems.append(f"{where} has {len(items)} items (max {limit})")
    return items


def route_kind(method: str, path: str) -> str | None:
    """Return which kind of body a route takes ("message", "callback"…), or None if unchecked."""
    path = path.split("?", 1)[0].removeprefix("/api/v10")
    method = method.upper()
    return next((k for k, verb, pattern in ROUTES if verb == method and pattern.match(path)), None)


def check_body(kind: str | None, body: object | None) -> list[str]:
    """Return the documented Discord limits a body of this kind breaks."""
    problems: list[str] = []
    if kind is not None:
        CHECKS[kind](problems, body)
    return problems


def check_request(method: str, path: str, body: object | None) -> list[str]:
    """Return the documented Discord limits a request breaks (empty when it is fine)."""
    return check_body(route_kind(method, path), body)


def _check_message(problems: list[str], body: Any, *, create: bool = True, where: str = "") -> None:
    if not isinstance(body, dict):
        problems.append(f"{where}message body must be an object")
        return
    _too_long(problems, f"{where}content", body.get("content"), 2000)
    embeds = _too_many(problems, f"{where}embeds", body.get("embeds"), 10)
    total = sum(_check_embed(problems, e, f"{where}embeds[{i}].") for i, e in enumerate(embeds))
    if total > 6000:
        problems.append(f"{where}embeds total {total} chars (max 6000)")
    flags = int(body.get("flags") or 0)
    _check_components(problems, body.get("components"), flags, f"{where}components")
    _too_many(problems, f"{where}attachments", body.get("attachments"), 10)
    poll = body.get("poll")
    if isinstance(poll, dict):
        _too_long(problems, f"{where}poll.question.text", poll.get("question", {}).get("text"), 300)
        for i, answer in enumerate(
            _too_many(problems, f"{where}poll.answers", poll["answers"], 10)
        ):
            text = answer.get("poll_media", {}).get("text")
            _too_long(problems, f"{where}poll.answers[{i}]", text, 55)
    if not create:
        return
    keys = ("content", "embeds", "components", "attachments", "sticker_ids", "poll")
    if not any(body.get(k) for k in keys):
        problems.append(f"{where}message is empty (Discord answers 50006)")
    _check_mentions(
        problems, body.get("allowed_mentions"), where, reply=bool(body.get("message_reference"))
    )


def _check_mentions(problems: list[str], mentions: Any, where: str, *, reply: bool) -> None:
    if not isinstance(mentions, dict):
        problems.append(f"{where}allowed_mentions missing: the message could ping anyone it names")
        return
    if mentions.get("parse") != []:
        problems.append(f"{where}allowed_mentions.parse is {mentions.get('parse')!r}, not []")
    if mentions.get("users"):
        problems.append(f"{where}allowed_mentions.users would ping users")
    # discord.py sends replied_user true by default; it only pings when the message is a reply.
    if reply and mentions.get("replied_user"):
        problems.append(f"{where}allowed_mentions.replied_user would ping the replied-to author")
    roles = mentions.get("roles") or []
    if not isinstance(roles, list) or not all(str(r).isdigit() for r in roles):
        problems.append(f"{where}allowed_mentions.roles must list explicit role ids")


def _check_embed(problems: list[str], embed: Any, where: str) -> int:
    """Check one embed and return how many characters count toward the 6,000 total."""
    if not isinstance(embed, dict):
        problems.append(f"{where[:-1]} must be an object")
        return 0
    footer, author = embed.get("footer") or {}, embed.get("author") or {}
    _too_long(problems, f"{where}title", embed.get("title"), 256)
    _too_long(problems, f"{where}description", embed.get("description"), 4096)
    _too_long(problems, f"{where}footer.text", footer.get("text"), 2048)
    _too_long(problems, f"{where}author.name", author.get("name"), 256)
    total = sum(map(_length, (embed.get("title"), embed.get("description"))))
    total += _length(footer.get("text")) + _length(author.get("name"))
    for i, fld in enumerate(_too_many(problems, f"{where}fields", embed.get("fields"), 25)):
        _too_long(problems, f"{where}fields[{i}].name", fld.get("name"), 256, 1)
        _too_long(problems, f"{where}fields[{i}].value", fld.get("value"), 1024, 1)
        total += _length(fld.get("name")) + _length(fld.get("value"))
    return total


def _walk(components: list[Any]) -> list[dict[str, Any]]:
    """Flatten nested components (rows, containers, sections, labels)."""
    found: list[dict[str, Any]] = []
    for comp in components:
        if isinstance(comp, dict):
            found.append(comp)
            nested = list(comp.get("components") or [])
            nested += [comp[k] for k in ("accessory", "component") if isinstance(comp.get(k), dict)]
            found += _walk(nested)
    return found


def _check_components(problems: list[str], components: Any, flags: int, where: str) -> None:
    if components is None:
        return
    if flags & COMPONENTS_V2:
        if len(_walk(components)) > 40:
            problems.append(f"{where} has more than 40 components in total")
    else:
        rows = _too_many(problems, where, components, 5)
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or row.get("type") != 1:
                problems.append(f"{where}[{i}] must be an action row (type 1)")
    for comp in _walk(components if isinstance(components, list) else []):
        _check_component(problems, comp, where)


def _check_component(problems: list[str], comp: dict[str, Any], where: str) -> None:
    kind, cid = comp.get("type"), comp.get("custom_id")
    where = f"{where} {cid or kind}"
    if cid is not None:
        _too_long(problems, f"{where}: custom_id", cid, 100, 1)
    if kind == 1:
        children = comp.get("components") or []
        if any(c.get("type") in SELECT_TYPES for c in children) and len(children) != 1:
            problems.append(f"{where}: a row holding a select must hold nothing else")
        _too_many(problems, f"{where}: row", children, 5)
    elif kind == 2:
        _too_long(problems, f"{where}: button label", comp.get("label"), 80)
        if comp.get("style") == 5 and (cid is not None or not comp.get("url")):
            problems.append(f"{where}: link buttons need a url and no custom_id")
        if comp.get("style") not in (5, 6) and cid is None:
            problems.append(f"{where}: buttons need a custom_id")
    elif kind in SELECT_TYPES:
        _too_long(problems, f"{where}: placeholder", comp.get("placeholder"), 150)
        options = _too_many(problems, f"{where}: options", comp.get("options"), 25)
        if kind == 3 and not options:
            problems.append(f"{where}: a string select needs 1-25 options")
        for i, option in enumerate(options):
            for key in ("label", "value"):
                _too_long(problems, f"{where}: options[{i}].{key}", option.get(key), 100, 1)
            _too_long(
                problems, f"{where}: options[{i}].description", option.get("description"), 100
            )
        for key, low in (("min_values", 0), ("max_values", 1)):
            value = comp.get(key)
            if value is not None and not low <= value <= 25:
                problems.append(f"{where}: {key} {value} outside {low}-25")
    elif kind == 4:
        _too_long(problems, f"{where}: label", comp.get("label"), 45)
        _too_long(problems, f"{where}: placeholder", comp.get("placeholder"), 100)
        _too_long(problems, f"{where}: value", comp.get("value"), 4000)
        for key, low in (("min_length", 0), ("max_length", 1)):
            value = comp.get(key)
            if value is not None and not low <= value <= 4000:
                problems.append(f"{where}: {key} {value} outside {low}-4000")
    elif kind == 18:
        _too_long(problems, f"{where}: label", comp.get("label"), 45, 1)
        _too_long(problems, f"{where}: description", comp.get("description"), 100)
    elif kind == 10:
        _too_long(problems, f"{where}: content", comp.get("content"), 4000)


def _check_modal(problems: list[str], data: Any) -> None:
    if not isinstance(data, dict):
        problems.append("modal data must be an object")
        return
    _too_long(problems, "modal title", data.get("title"), 45, 1)
    _too_long(problems, "modal custom_id", data.get("custom_id"), 100, 1)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        problems.append(f"modal has {len(components)} top-level components (allowed 1-5)")
    inputs = [c for c in _walk(components) if c.get("type") == 4]
    if len(inputs) > 5:
        problems.append(f"modal has {len(inputs)} text inputs (max 5)")
    for comp in _walk(components):
        _check_component(problems, comp, "modal")


def _check_choices(problems: list[str], choices: Any, where: str) -> None:
    for i, choice in enumerate(_too_many(problems, where, choices, 25)):
        _too_long(problems, f"{where}[{i}].name", choice.get("name"), 100, 1)
        if isinstance(choice.get("value"), str):
            _too_long(problems, f"{where}[{i}].value", choice["value"], 100)


def _check_callback(problems: list[str], body: Any) -> None:
    if not isinstance(body, dict):
        problems.append("interaction callback body must be an object")
        return
    kind, data = body.get("type"), body.get("data")
    if kind == 4:
        _check_message(problems, data, where="data.")
    elif kind == 7:
        _check_message(problems, data or {}, create=False, where="data.")
    elif kind == 8:
        _check_choices(problems, (data or {}).get("choices"), "autocomplete choices")
    elif kind == 9:
        _check_modal(problems, data)
    elif kind not in (1, 5, 6):
        problems.append(f"unknown interaction callback type {kind!r}")


def _command_chars(node: dict[str, Any]) -> int:
    total = _length(node.get("name")) + _length(node.get("description"))
    for choice in node.get("choices") or []:
        total += _length(choice.get("name")) + len(str(choice.get("value", "")))
    return total + sum(_command_chars(o) for o in node.get("options") or [])


def _check_name(problems: list[str], name: Any, where: str) -> None:
    if not isinstance(name, str) or not NAME_RE.match(name) or name != name.lower():
        problems.append(f"{where} name {name!r} must match ^[-_\\w]{{1,32}}$ and be lowercase")


def _check_command(problems: list[str], cmd: Any) -> None:
    if not isinstance(cmd, dict):
        problems.append("command must be an object")
        return
    where = f"command {cmd.get('name')!r}"
    if cmd.get("type", 1) == 1:
        _check_name(problems, cmd.get("name"), where)
        _too_long(problems, f"{where} description", cmd.get("description"), 100, 1)
        _check_options(problems, cmd.get("options"), where, 0)
    else:
        _too_long(problems, f"{where} name", cmd.get("name"), 32, 1)
        if cmd.get("description"):
            problems.append(f"{where}: context menu commands take no description")
    if _command_chars(cmd) > 8000:
        problems.append(f"{where}: names, descriptions and choices exceed 8,000 chars")


def _check_options(problems: list[str], options: Any, where: str, parent: int) -> None:
    options = _too_many(problems, f"{where} options", options, 25)
    seen_optional = False
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{where}: duplicate option names")
    for option in options:
        kind, here = option.get("type"), f"{where} option {option.get('name')!r}"
        _check_name(problems, option.get("name"), here)
        _too_long(problems, f"{here} description", option.get("description"), 100, 1)
        is_sub = kind in (SUBCOMMAND, SUBCOMMAND_GROUP)
        if parent == SUBCOMMAND_GROUP and kind != SUBCOMMAND:
            problems.append(f"{here}: a subcommand group may hold only subcommands")
        if parent == SUBCOMMAND and is_sub:
            problems.append(f"{here}: a subcommand cannot nest further")
        if not is_sub:
            if option.get("required") and seen_optional:
                problems.append(f"{here}: required options must come before optional ones")
            seen_optional = seen_optional or not option.get("required")
        _check_choices(problems, option.get("choices"), f"{here} choices")
        if option.get("choices") and option.get("autocomplete"):
            problems.append(f"{here}: choices and autocomplete cannot be combined")
        for key in ("min_length", "max_length"):
            value = option.get(key)
            if value is not None and not 0 <= value <= 6000:
                problems.append(f"{here}: {key} {value} outside 0-6000")
        if is_sub:
            _check_options(problems, option.get("options"), here, kind)


def _check_commands(problems: list[str], body: Any) -> None:
    if not isinstance(body, list):
        problems.append("bulk command body must be a list")
        return
    by_type: dict[int, list[str]] = {}
    for cmd in body:
        _check_command(problems, cmd)
        if isinstance(cmd, dict):
            by_type.setdefault(cmd.get("type", 1), []).append(str(cmd.get("name")))
    for kind, names in by_type.items():
        limit = 100 if kind == 1 else 15
        if len(names) > limit:
            problems.append(f"{len(names)} commands of type {kind} (max {limit})")
        if len(set(names)) != len(names):
            problems.append(f"duplicate command names among type {kind}")


def _check_thread(problems: list[str], body: Any) -> None:
    if isinstance(body, dict) and "name" in body:
        _too_long(problems, "thread name", body["name"], 100, 1)


CHECKS = {
    "message": _check_message,
    "edit": lambda problems, body: _check_message(problems, body or {}, create=False),
    "callback": _check_callback,
    "commands": _check_commands,
    "command": _check_command,
    "thread": _check_thread,
}

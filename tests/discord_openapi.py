"""Check request bodies against Discord's published OpenAPI spec, when it is beside the project."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "discord-api-spec" / "openapi.json"
SNOWFLAKE_PATTERN = "^(0|[1-9][0-9]*)$"


def _widen_snowflakes(node: Any) -> Any:
    """Return the schema with every snowflake string also accepting a non-negative integer."""
    if isinstance(node, list):
        return [_widen_snowflakes(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _widen_snowflakes(v) for k, v in node.items()}
    if node.get("format") == "snowflake" or node.get("pattern") == SNOWFLAKE_PATTERN:
        # discord.py sends ids such as allowed_mentions.roles and recipient_id as integers.
        return {"anyOf": [node, {"type": "integer", "minimum": 0}]}
    return node


def _explain(error: Any) -> Any:
    """Descend through unions into the branch the body meant, for a readable message."""
    from jsonschema.exceptions import relevance

    while error.context:
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)

        def discriminated(errs: list[Any]) -> bool:
            # A wrong JSON type, or a wrong "type" field, means the branch was not meant.
            return not any(
                (e.validator == "type" and not e.relative_path)
                or (e.validator in ("enum", "const") and list(e.relative_path) == ["type"])
                for e in errs
            )

        fitting = [errs for errs in branches.values() if discriminated(errs)]
        candidates: list[list[Any]] = fitting or list(branches.values())
        branch = min(candidates, key=len)
        error = max(branch, key=relevance)
    return error


class OpenApiValidator:
    """Validate JSON request bodies against Discord's OpenAPI description."""

    _loaded: ClassVar[dict[Path, OpenApiValidator]] = {}
    URI = "urn:discord-openapi"

    def __init__(self, spec: dict[str, Any]) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        spec = _widen_snowflakes(spec)
        bodies: dict[str, Any] = {}
        self._ops: dict[tuple[str, str], str | None] = {}
        self._templates: list[tuple[re.Pattern[str], str]] = []
        for template, item in spec["paths"].items():
            regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            self._templates.append((re.compile(f"^{regex}$"), template))
            for method, op in item.items():
                if method == "parameters":
                    continue
                content = (op.get("requestBody") or {}).get("content", {})
                media = content.get("application/json") or content.get("multipart/form-data")
                key = f"op{len(bodies)}"
                self._ops[(method.upper(), template)] = key if media else None
                if media:
                    bodies[key] = media["schema"]
        spec["components"]["x-request-bodies"] = bodies
        # Literal segments win over parameters, as /users/@me must beat /users/{user_id}.
        self._templates.sort(key=lambda t: -sum("{" not in s for s in t[1].split("/")))
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self._registry: Any = Registry().with_resource(self.URI, resource)
        self._validators: dict[str, Any] = {}

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> OpenApiValidator | None:
        """Load (once per process) the spec, or return None when it is absent."""
        if path not in cls._loaded:
            if not path.is_file():
                return None
            cls._loaded[path] = cls(json.loads(path.read_text(encoding="utf-8")))
        return cls._loaded[path]

    def template(self, path: str) -> str | None:
        """Return the spec's path template matching a concrete path."""
        path = path.split("?", 1)[0].removeprefix("/api/v10")
        return next((t for regex, t in self._templates if regex.match(path)), None)

    def validate(self, method: str, path: str, body: object | None) -> list[str]:
        """Return where a request departs from the spec (unknown route or invalid body)."""
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import relevance

        template = self.template(path)
        if template is None:
            return [f"no route in the OpenAPI spec matches {path}"]
        if (method.upper(), template) not in self._ops:
            return [f"the OpenAPI spec has no {method.upper()} {template}"]
        key = self._ops[(method.upper(), template)]
        if body is None or key is None:
            return []
        if key not in self._validators:
            ref = {"$ref": f"{self.URI}#/components/x-request-bodies/{key}"}
            self._validators[key] = Draft202012Validator(ref, registry=self._registry)
        errors = list(self._validators[key].iter_errors(body))
        if not errors:
            return []
        error = _explain(max(errors, key=relevance))
        where = "/".join(str(p) for p in error.absolute_path) or "body"
        message = error.message
        if len(message) > 200:
            message = f"fails {error.validator} {str(error.validator_value)[:100]}"
        return [f"OpenAPI {method.upper()} {template}: {where}: {message}"]

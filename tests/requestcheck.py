"""Check every request the bot sent against Discord's limits and published API description."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tests.discord_limits import check_request
from tests.discord_openapi import OpenApiValidator

SPEC_MISSING = (
    "Discord's OpenAPI description (../shared/discord-api-spec/openapi.json) was not found: "
    "request bodies are checked against Discord's documented limits only."
)


@dataclass
class RequestChecker:
    """Validates request bodies; the OpenAPI half is skipped, with a notice, without the spec."""

    openapi: OpenApiValidator | None

    @classmethod
    def create(cls) -> RequestChecker:
        """Load the OpenAPI validator when the spec is beside the project."""
        validator = OpenApiValidator.load()
        if validator is None:
            warnings.warn(SPEC_MISSING, stacklevel=2)
        return cls(validator)

    def problems(self, entries: Iterable[Any]) -> list[str]:
        """Return every problem found in the logged requests (method, path, json)."""
        found: list[str] = []
        for entry in entries:
            body = entry.json
            for problem in check_request(entry.method, entry.path, body):
                found.append(f"{entry.method} {entry.path}: {problem}")
            if self.openapi is not None:
                for problem in self.openapi.validate(entry.method, entry.path, body):
                    found.append(f"{entry.method} {entry.path}: {problem}")
        return found

    def check_all(self, entries: Iterable[Any]) -> None:
        """Fail the test if any request broke a limit or the API description."""
        found = self.problems(entries)
        assert not found, "Requests Discord would reject:\n" + "\n".join(found[:20])

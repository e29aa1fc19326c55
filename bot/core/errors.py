"""Errors that carry a meaning for the person using the bot."""

from __future__ import annotations


class UserFacingError(Exception):
    """Raise with a message the person who acted should read, privately."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(Exception):
    """Configuration is unusable; each entry of `problems` is one plain sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

"""Produce one string matching a simple regular expression (custom_id templates)."""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any


def _render(items: Any) -> str:
    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.SUBPATTERN:
            out.append(_render(arg[-1]))
        elif op is c.IN:
            out.append(_first_in(arg))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _, body = arg
            out.append(_render(body) * max(1, low))
        elif op is c.BRANCH:
            out.append(_render(arg[1][0]))
        elif op is c.CATEGORY and arg is c.CATEGORY_DIGIT:
            out.append("1")
        elif op is c.ANY:
            out.append("a")
        elif op in (c.AT,):
            continue
        else:
            raise ValueError(f"unsupported regex part {op!r}")
    return "".join(out)


def _first_in(arg: Any) -> str:
    for op, value in arg:
        if op is c.LITERAL:
            return chr(value)
        if op is c.RANGE:
            low = value[0]
            # Prefer a digit 1 over 0 so ids are positive.
            return "1" if chr(low) == "0" else chr(low)
        if op is c.CATEGORY:
            return "1" if value is c.CATEGORY_DIGIT else "a"
    raise ValueError("empty character class")


def sample(pattern: re.Pattern[str]) -> str:
    """Return a string that fully matches `pattern`."""
    text = _render(parser.parse(pattern.pattern))
    if not pattern.fullmatch(text):
        raise ValueError(f"could not sample {pattern.pattern!r} (got {text!r})")
    return text

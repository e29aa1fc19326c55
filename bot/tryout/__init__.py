"""`python -m bot try`: the real Alongside against a simulated Discord, in a local browser page.

Nothing here is imported by the bot itself. SimCord (the simulated Discord) is the optional
`try` extra, so this package checks for it before importing the modules that need it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

MISSING_EXTRA = (
    "alongside: `try` needs the optional extra: pip install -e '.[try]' "
    "(or pip install 'alongside[try]')"
)


def extra_installed() -> bool:
    """Say whether SimCord, which `try` runs the bot inside, is installed."""
    return importlib.util.find_spec("simcord") is not None


def main(*, port: int, keep: Path | None, browser: bool = False) -> int:
    """Run the demo until Ctrl-C; return the process's exit status."""
    if not 0 <= port <= 65535:
        print(
            f"alongside: --port must be from 0 (any free port) to 65535, not {port}.",
            file=sys.stderr,
        )
        return 2
    if not extra_installed():
        print(MISSING_EXTRA, file=sys.stderr)
        return 2
    from bot.tryout.runner import run

    return run(port=port, keep=keep, browser=browser)

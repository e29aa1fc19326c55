"""Start the demo, print its address, and stop cleanly on Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sqlite3
import sys
import tempfile
import webbrowser
from collections.abc import Iterator
from pathlib import Path

from aiohttp import web

from bot.app.runstate import run_lock
from bot.core.config import Settings, load_settings
from bot.core.errors import ConfigError
from bot.core.logs import configure_logging
from bot.db import Database
from bot.db.meta import MetaStore
from bot.db.migrate import apply_migrations
from bot.tryout.web import build_app
from bot.tryout.world import EPOCH_KEY, DemoWorld

log = logging.getLogger(__name__)

DEMO_DATABASE = "alongside-demo.db"


def demo_settings(database: Path) -> Settings:
    """Settings for the demo only: its own database, and the local demo feed allowed.

    The rest of the environment is not read (it may point at a real bot's database): only
    LOG_LEVEL (quiet by default) and DATA_DIR (where the shipped content is).
    """
    env = {
        "DATABASE_PATH": str(database),
        "FEEDS_ALLOW_PRIVATE_HOSTS": "yes",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "").strip() or "WARNING",
        "DISCORD_LOG_LEVEL": "WARNING",
        "DATA_DIR": os.environ.get("DATA_DIR", ""),
        # A fresh key each run, never written anywhere: the demo has no real members to protect
        # and must not leave a key file behind (blocks made in the demo lapse when it stops).
        "ANONYMITY_KEY": secrets.token_hex(32),
    }
    return load_settings(env, require_token=False)


@contextlib.contextmanager
def database_path(keep: Path | None) -> Iterator[Path]:
    """The kept database, or one in a temporary folder removed afterwards."""
    if keep is not None:
        yield keep.expanduser().resolve()
        return
    with tempfile.TemporaryDirectory(prefix="alongside-try-") as folder:
        yield Path(folder) / DEMO_DATABASE


def run(*, port: int, keep: Path | None, browser: bool = False) -> int:
    """Serve the demo until SIGINT or SIGTERM; return the exit status."""
    try:
        asyncio.run(serve(port=port, keep=keep, browser=browser))
    except ConfigError as error:
        for problem in error.problems:
            print(f"alongside: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


async def serve(*, port: int, keep: Path | None, browser: bool = False) -> None:
    """Start everything, print the address, wait for a signal, then stop in order."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        with database_path(keep) as path:
            settings = demo_settings(path)
            configure_logging(settings)
            with run_lock(path):
                await _run(settings, port, keep, stop, browser)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _run(
    settings: Settings, port: int, keep: Path | None, stop: asyncio.Event, browser: bool
) -> None:
    path = settings.database_path
    existed = path.exists() and path.stat().st_size > 0
    db = await Database.open(path)
    try:
        if existed and not await is_demo_database(db):
            raise ConfigError(
                [
                    f"{path} is not a database kept by `try --keep`. Give --keep a new file: "
                    "the demo never touches a real Alongside database."
                ]
            )
        await apply_migrations(db)
        world = await DemoWorld.start(settings, db)
        try:
            runner = web.AppRunner(build_app(world), access_log=None, handle_signals=False)
            await runner.setup()
            try:
                site = web.TCPSite(runner, "127.0.0.1", port)
                try:
                    await site.start()
                except OSError as error:
                    raise ConfigError(
                        [f"Can't listen on 127.0.0.1:{port}: {error.strerror or error}."]
                    ) from None
                url = f"http://127.0.0.1:{_port(runner)}/"
                _announce(url, keep, settings.database_path)
                if browser:
                    await asyncio.to_thread(_open_browser, url)
                await stop.wait()
                print("Stopping Alongside…", flush=True)
            finally:
                await runner.cleanup()
        finally:
            await world.stop()
    finally:
        await db.close()
    print("Stopped.", flush=True)


async def is_demo_database(db: Database) -> bool:
    """Say whether this database was made by the demo (it remembers the demo's start)."""
    try:
        return await MetaStore(db).get(EPOCH_KEY) is not None
    except sqlite3.DatabaseError:
        return False


def _port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise ConfigError(["The demo's web server is not listening."])


def _open_browser(url: str) -> None:
    """Open the page in the person's web browser, or say how to when there is none."""
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    print(
        "Opened it in your web browser."
        if opened
        else "No web browser could be opened here: open the address above yourself.",
        flush=True,
    )


def _announce(url: str, keep: Path | None, database: Path) -> None:
    where = (
        f"Alongside's data is kept in {database}."
        if keep is not None
        else "Everything is kept in a temporary database, forgotten when you stop."
    )
    print(
        "Alongside is running offline, against a simulated Discord on this computer only.\n"
        f"Open {url} in your browser.\n"
        f"{where}\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )

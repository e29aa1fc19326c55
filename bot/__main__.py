"""Command line and composition root: `python -m bot [run|check|migrate|backup|sync|invite|try]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

import discord
from dotenv import find_dotenv, load_dotenv

from bot.app.checks import run_checks
from bot.app.client import Alongside, point_discord_at
from bot.app.restore import restore
from bot.app.runstate import begin_run, end_run, run_lock
from bot.app.services import build_services, reapply
from bot.core.config import Settings, load_settings
from bot.core.errors import ConfigError
from bot.core.logs import configure_logging
from bot.db import Database
from bot.db.migrate import apply_migrations, current_version
from bot.ui.permissions import invite_text
from bot.unsaid.keys import locate_key_file, rotate_anonymity_key

log = logging.getLogger("bot")

EXIT_CONFIG = 2


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the subcommand and its arguments."""
    parser = argparse.ArgumentParser(prog="alongside", description="Run the Alongside bot.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord and serve (the default)")
    sub.add_parser("check", help="check configuration and the database; no network")
    sub.add_parser("migrate", help="apply database migrations and exit")
    sub.add_parser("sync", help="sync slash commands to Discord now, then exit")
    invite = sub.add_parser("invite", help="print the invite address and the permissions it grants")
    invite.add_argument("--application-id", default="YOUR_APPLICATION_ID")
    sub.add_parser(
        "rotate-anonymity-key",
        help="replace the anonymity key; blocks under the old one work until the next rotation",
    )
    backup = sub.add_parser("backup", help="copy the live database to PATH")
    backup.add_argument("path", type=Path)
    restore_cmd = sub.add_parser("restore", help="replace the database with a backup (bot stopped)")
    restore_cmd.add_argument("path", type=Path)
    try_cmd = sub.add_parser(
        "try", help="try Alongside offline: a simulated Discord in your browser, on 127.0.0.1"
    )
    try_cmd.add_argument(
        "--port", type=int, default=0, help="the local port to serve on (default: any free one)"
    )
    try_cmd.add_argument(
        "--keep", type=Path, metavar="PATH", help="keep the demo's database at PATH between runs"
    )
    try_cmd.add_argument(
        "--no-browser",
        action="store_true",
        help="only print the address; don't open it in your web browser",
    )
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "run"
    return args


async def open_database(settings: Settings) -> Database:
    """Open the database and bring its schema up to date."""
    db = await Database.open(settings.database_path)
    await apply_migrations(db)
    return db


async def serve(settings: Settings, *, sync_only: bool = False) -> None:
    """Run the bot until SIGINT or SIGTERM, then close everything in order."""
    point_discord_at(settings.api_base, settings.gateway_url)
    with run_lock(settings.database_path):
        db = await open_database(settings)
        try:
            services = build_services(settings, db)
            bot = Alongside(services, force_sync=sync_only, freeze_heap=True)
            async with bot:
                if sync_only:
                    await bot.login(settings.token)
                    return
                delay = await begin_run(services.meta)
                if delay:
                    await asyncio.sleep(delay)
                await run_until_signalled(bot, settings.token)
                await end_run(services.meta)
        finally:
            await db.close()


async def run_until_signalled(bot: Alongside, token: str) -> None:
    """Start the bot and close it cleanly on SIGINT/SIGTERM."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner = asyncio.create_task(bot.start(token), name="alongside-gateway")
    waiter = asyncio.create_task(stop.wait(), name="alongside-signal")
    done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if waiter in done:
        log.info("Stopping on signal")
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    else:
        waiter.cancel()
        runner.result()


async def check(settings: Settings) -> None:
    """Print what the bot would run with, after opening and migrating the database."""
    db = await open_database(settings)
    try:
        version = await current_version(db)
        size = db.size_bytes()
    finally:
        await db.close()
    print("Configuration is valid.")
    for key, value in settings.redacted().items():
        print(f"  {key}: {value}")
    print(f"  schema version: {version}")
    print(f"  database size: {size / 1024:,.0f} KiB")
    for finding in run_checks(settings):
        print(f"  {'ok  ' if finding.ok else 'WARN'} {finding.text}")


async def reapply_after_restore(settings: Settings) -> int:
    """Erase again what was withdrawn, rejected or erased after the restored backup was taken."""
    with run_lock(settings.database_path):
        db = await open_database(settings)
        try:
            return await reapply(build_services(settings, db))
        finally:
            await db.close()


async def migrate(settings: Settings) -> None:
    """Apply pending migrations and say which."""
    db = await Database.open(settings.database_path)
    try:
        applied = await apply_migrations(db)
        version = await current_version(db)
    finally:
        await db.close()
    print(f"Applied {applied or 'no new migrations'}; schema version is {version}.")


async def backup(settings: Settings, path: Path) -> None:
    """Copy the live database with SQLite's online backup API."""
    db = await Database.open(settings.database_path)
    try:
        await db.backup(path)
    finally:
        await db.close()
    print(f"Backed up {settings.database_path} to {path}.")


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m bot` and the `alongside` script."""
    args = parse_args(argv)
    if args.command == "invite":
        print(invite_text(args.application_id))
        return 0
    if args.command == "try":
        from bot.tryout import main as try_main

        return try_main(port=args.port, keep=args.keep, browser=not args.no_browser)
    load_dotenv(find_dotenv(usecwd=True))
    needs_token = args.command in ("run", "sync", "check")
    try:
        settings = load_settings(os.environ, require_token=needs_token)
    except ConfigError as error:
        for problem in error.problems:
            print(f"alongside: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings)
    try:
        if args.command == "check":
            asyncio.run(check(settings))
        elif args.command == "migrate":
            asyncio.run(migrate(settings))
        elif args.command == "backup":
            asyncio.run(backup(settings, args.path))
        elif args.command == "restore":
            kept = restore(settings.database_path, args.path)
            print(f"Restored {settings.database_path} from {args.path}.")
            if kept is not None:
                print(f"The previous database was kept as {kept}.")
            erased = asyncio.run(reapply_after_restore(settings))
            print(
                f"Re-applied {erased} withdrawals, rejections and erasures made since the backup."
                if erased
                else "Nothing withdrawn or erased since the backup needed erasing again."
            )
        elif args.command == "rotate-anonymity-key":
            key_path = locate_key_file(settings).path
            print(rotate_anonymity_key(settings.anonymity_key, key_path))
        else:
            asyncio.run(serve(settings, sync_only=args.command == "sync"))
    except ConfigError as error:
        for problem in error.problems:
            print(f"alongside: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except discord.LoginFailure:
        print("alongside: Discord refused the token: check DISCORD_TOKEN.", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

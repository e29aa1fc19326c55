"""`python -m bot try` as a command: kept databases, missing extras, start, serve, stop."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import bot.tryout
from bot.core.config import PROJECT_ROOT
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.tryout.runner import demo_settings
from bot.tryout.world import DemoWorld


async def test_a_kept_database_comes_back_with_the_same_server(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path / "kept.db")
    ids: list[tuple[int, list[int], list[int]]] = []
    for run in range(2):
        db = await Database.open(settings.database_path)
        await apply_migrations(db)
        world = await DemoWorld.start(settings, db)
        try:
            ids.append(
                (
                    world.guild_id,
                    sorted(world.people),
                    sorted(handle.id for handle in world.channels.values()),
                )
            )
            ash = world.person("ash")
            if run == 0:
                await world.advance(90)
                before = world.clock.now()
                general = world.channels["general"].id
                await world.slash(ash, general, "reflect subscribe", {"cadence": "daily"})
            else:
                assert world.clock.now() == before
                status = await world.services.prompts.subscription(world.guild_id, ash.id)
                assert status is not None
                feeds = await world.services.feeds.health(world.guild_id)
                assert [f.feed.url for f in feeds] == [world.feed.url]
        finally:
            await world.stop()
            await db.close()
    assert ids[0] == ids[1]


async def test_keep_refuses_a_real_database(tmp_path: Path) -> None:
    real = tmp_path / "alongside.db"
    db = await Database.open(real)
    await apply_migrations(db)
    await db.close()
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "try", "--keep", str(real)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "is not a database kept by `try --keep`" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_extra_is_one_plain_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bot.tryout, "extra_installed", lambda: False)
    assert bot.tryout.main(port=0, keep=None) == 2
    error = capsys.readouterr().err
    assert error == f"{bot.tryout.MISSING_EXTRA}\n"
    assert "pip install -e '.[try]'" in error
    assert bot.tryout.main(port=70000, keep=None) == 2


def test_the_command_starts_serves_and_stops_cleanly(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "PYTHONWARNINGS": "default",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-X", "dev", "-m", "bot", "try", "--no-browser", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", "".join(lines))
        assert match, lines
        with urllib.request.urlopen(match[0] + "api/state", timeout=10) as answer:
            assert b'"people"' in answer.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Stopped." in out
    assert "Traceback" not in err
    assert "Unclosed" not in err
    assert "Task was destroyed" not in err
    assert not list(tmp_path.glob("**/*.db")), "the temporary database outlived the run"


def test_the_command_opens_the_page_in_a_browser_unless_told_not_to(tmp_path: Path) -> None:
    record = tmp_path / "opened.txt"
    script = f"import sys, pathlib; pathlib.Path({str(record)!r}).write_text(sys.argv[1])"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        # webbrowser runs $BROWSER (with %s) and waits for it: a stand-in browser.
        "BROWSER": f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} %s",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "try", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        match = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert match, lines
        assert "Opened it in your web browser." in lines[-1]
        assert record.read_text() == match[0]
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err

"""Run `python -m bot` as a real process against the loopback Discord, and watch its log."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakediscord import FakeDiscord

BAD_SIGNS = ("Unclosed client session", "Task was destroyed", "Traceback", "Unclosed connector")


@dataclass
class BotProcess:
    """One running bot process and everything it has logged."""

    process: asyncio.subprocess.Process
    started: float
    lines: list[tuple[float, str]] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls,
        fake: FakeDiscord,
        database: Path,
        *,
        extra_env: dict[str, str] | None = None,
        module: str = "bot",
    ) -> BotProcess:
        """Start the bot (or another bot `module`) pointed at `fake`, database at `database`."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
            "DATABASE_PATH": str(database),
            "LOG_LEVEL": "INFO",
            **fake.env(),
            **(extra_env or {}),
        }
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            env=env,
            cwd=database.parent,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        bot = cls(process, started)
        bot._reader = asyncio.create_task(bot._read())
        return bot

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append((time.perf_counter(), raw.decode(errors="replace").rstrip()))

    @property
    def log(self) -> str:
        """Everything the process has written to stderr so far."""
        return "\n".join(line for _, line in self.lines)

    async def wait_for_log(self, text: str, timeout: float = 15.0) -> float:
        """Wait until a log line contains `text`; return seconds since the process started."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for moment, line in self.lines:
                if text in line:
                    return moment - self.started
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in the bot's log:\n{self.log}")

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Send a signal and wait for the process to exit; return its exit status."""
        if self.process.returncode is None:
            self.process.send_signal(sig)
        code = await asyncio.wait_for(self.process.wait(), timeout)
        if self._reader is not None:
            await asyncio.wait_for(self._reader, timeout)
        return code

    def rss_kib(self) -> tuple[int, int]:
        """Return the process's current and peak resident memory in KiB (Linux)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])

    async def kill(self) -> None:
        """Stop the process at once, as a crash would (SIGKILL)."""
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        if self._reader is not None:
            await self._reader

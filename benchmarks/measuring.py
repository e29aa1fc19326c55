"""One measured burst against one bot process: latencies, both sides' CPU, and py-spy profiles."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import percentile, process_cpu


@dataclass
class Run:
    """One measured burst of interactions against one bot process."""

    label: str
    latencies: list[float]
    seconds: float
    cpu: float  # the bot process's CPU seconds during the burst
    fake_cpu: float  # this process's (the loopback Discord and the load generator's)

    def row(self, pct: float) -> float:
        """Return the pct-th percentile latency."""
        return percentile(self.latencies, pct)

    @property
    def per_second(self) -> float:
        """Answers per second of wall time."""
        return len(self.latencies) / self.seconds

    @property
    def cpu_ms(self) -> float:
        """The bot's CPU milliseconds per interaction."""
        return self.cpu * 1000 / max(1, len(self.latencies))

    @property
    def fake_cpu_ms(self) -> float:
        """The loopback Discord's (with the load generator's) CPU milliseconds per interaction."""
        return self.fake_cpu * 1000 / max(1, len(self.latencies))


async def measured(label: str, pid: int, burst: Awaitable[list[float]]) -> Run:
    """Time a burst of interactions, wall clock and both processes' CPU."""
    # This process is Discord's side. Python's full collections walk its whole heap (10,000
    # members, every message sent so far), stalling every interaction in flight for 100-200 ms
    # at a time: that measured the fake, not the bot. Real Discord pauses for neither, so what
    # this process holds so far is moved out of the collector's reach before each burst.
    gc.collect()
    gc.freeze()
    cpu, own, start = process_cpu(pid), time.process_time(), time.perf_counter()
    latencies = await burst
    seconds, own = time.perf_counter() - start, time.process_time() - own
    return Run(label, latencies, seconds, process_cpu(pid) - cpu, own)


def py_spy(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """Start sampling a process with py-spy (collapsed stacks), until sent SIGINT."""
    command = ["py-spy", "record", "--pid", str(pid), "--format", "raw", "--rate", "250"]
    command += ["--nonblocking", "--output", str(output)]
    spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(spy) if spy.exists() else "py-spy", *command[1:]])


def spying(folder: Path | None, label: str, bot_pid: int) -> list[subprocess.Popen[bytes]]:
    """Profile the bot and this process (the loopback Discord and the load generator)."""
    if folder is None:
        return []
    return [
        py_spy(bot_pid, folder / f"{label}.txt"),
        py_spy(os.getpid(), folder / f"{label}-fake.txt"),
    ]


def stop_spying(spies: list[subprocess.Popen[bytes]]) -> None:
    """Stop the profilers and let them write their files."""
    for spy in spies:
        spy.send_signal(signal.SIGINT)
    for spy in spies:
        spy.wait(timeout=60)

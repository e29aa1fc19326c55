"""Parse feeds in a few separate processes, each bounded by the operating system.

A hostile feed can make any parser slow or greedy. Parsing happens in worker processes
(`bot.feeds.sandbox`) whose address space is capped (RLIMIT_AS) and whose processor time is
capped per parse (RLIMIT_CPU); a parse that runs past the time limit gets its process killed,
so no runaway parse is ever left working in the background. The bot itself never holds a
parser's memory. A killed or crashed worker is replaced at the next parse.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from pathlib import Path

from bot.feeds.models import ParsedFeed
from bot.feeds.parse import FeedParseError
from bot.feeds.sandbox import feed_from_json

log = logging.getLogger(__name__)

MIB = 1024 * 1024
ANSWER_LIMIT = 64 * MIB  # the longest answer line a worker may send
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Worker:
    """One sandbox process and its pipes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    async def exchange(self, data: bytes, url: str, content_type: str) -> bytes:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:
            raise BrokenPipeError("the worker has no pipes")
        header = {"url": url, "content_type": content_type, "size": len(data)}
        stdin.write(json.dumps(header).encode() + b"\n" + data)
        await stdin.drain()
        return await stdout.readline()

    async def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        await self.process.wait()


class ParserPool:
    """Runs `parse_feed` in sandbox processes and kills any that takes longer than `timeout`."""

    def __init__(
        self,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        memory_mib: int = 768,
    ) -> None:
        self.timeout = timeout
        self.memory_mib = memory_mib
        self._slots = asyncio.Semaphore(workers)
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._closed = False

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for operators and tests)."""
        return [w.pid for w in (*self._idle, *self._busy) if w.process.returncode is None]

    async def _spawn(self) -> _Worker:
        # A bare environment: the bot's token and settings never reach the parsing process.
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
            "PYTHONIOENCODING": "utf-8",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.feeds.sandbox",
            str(self.memory_mib * MIB),
            str(self.timeout),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            limit=ANSWER_LIMIT,
        )
        return _Worker(process)

    async def parse(self, data: bytes, url: str, content_type: str) -> ParsedFeed:
        """Parse in a worker; raise FeedParseError if it fails, overruns or is killed."""
        if self._closed:
            raise FeedParseError("Alongside is shutting down")
        async with self._slots:
            worker = await self._ready_worker()
            self._busy.add(worker)
            keep = False
            try:
                answer = await asyncio.wait_for(
                    worker.exchange(data, url, content_type), self.timeout
                )
                if not answer:
                    raise FeedParseError(await self._why_it_died(worker))
                message = json.loads(answer)
                keep = not message.get("exit")
                return self._read(message, worker)
            except TimeoutError:
                raise FeedParseError(
                    f"reading the feed took longer than {self.timeout:g} seconds"
                ) from None
            except (BrokenPipeError, ConnectionResetError):
                raise FeedParseError(await self._why_it_died(worker)) from None
            except ValueError:  # not JSON: nothing the worker says can be trusted further
                log.warning("Feed worker %s sent an unreadable answer", worker.pid)
                raise FeedParseError("reading the feed failed inside Alongside") from None
            finally:
                self._busy.discard(worker)
                if keep and not self._closed:
                    self._idle.append(worker)
                else:
                    await worker.kill()

    async def _ready_worker(self) -> _Worker:
        while self._idle:
            worker = self._idle.pop()
            if worker.process.returncode is None:
                return worker
            await worker.kill()  # ended on its own since its last parse: reap it
        return await self._spawn()

    def _read(self, message: dict[str, object], worker: _Worker) -> ParsedFeed:
        if "error" in message:
            raise FeedParseError(str(message["error"]))
        try:
            return feed_from_json(message["feed"])
        except (KeyError, TypeError, ValueError):
            log.warning("Feed worker %s sent an answer of the wrong shape", worker.pid)
            raise FeedParseError("reading the feed failed inside Alongside") from None

    async def _why_it_died(self, worker: _Worker) -> str:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(worker.process.wait(), 5)
        code = worker.process.returncode
        if code == -signal.SIGXCPU:
            return f"reading the feed needed more than {self.timeout:g} seconds of work"
        log.warning("Feed worker %s ended unexpectedly (exit %s)", worker.pid, code)
        return "reading the feed needed more memory than Alongside allows"

    async def close(self) -> None:
        """Stop every worker; a parse under way is ended."""
        self._closed = True
        for worker in (*self._idle, *self._busy):
            await worker.kill()
        self._idle.clear()

"""Hold the numbers the feeds service works within."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class FeedLimits:
    """Numbers the service works within; tests and the benchmark may change them."""

    default_interval: int = 15
    min_interval: int = 5
    max_interval: int = 24 * 60
    max_backfill: int = 10
    max_feeds_per_server: int = 50
    jitter_fraction: float = 0.1
    max_backoff: timedelta = timedelta(hours=12)
    parse_timeout: float = 10.0
    parse_workers: int = 2
    parse_memory_mib: int = 768
    due_batch: int = 500
    outbox_batch: int = 50
    max_send_attempts: int = 5
    keep_seen: timedelta = timedelta(days=180)
    keep_outbox: timedelta = timedelta(days=30)

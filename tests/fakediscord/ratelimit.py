"""Rate limits and error injection for the fake Discord's REST API."""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

# Discord keys buckets by route plus these "major parameters".
MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id", "webhook_token")


@dataclass(slots=True)
class Bucket:
    """One fixed-window route bucket."""

    remaining: int
    reset_at: float


@dataclass(slots=True)
class Verdict:
    """Headers for an answer, and the 429 body when the request is refused."""

    headers: dict[str, str]
    limited: dict[str, Any] | None = None


class RateLimiter:
    """Per-route buckets and a global per-second limit, answered with Discord's headers."""

    def __init__(self) -> None:
        self.enabled = False
        self.global_per_second = 50
        self.route_limit = 5
        self.route_window = 5.0
        self.count_429 = 0
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._global_window = 0
        self._global_count = 0

    def configure(
        self, enabled: bool, global_per_second: int, route_limit: int, route_window: float
    ) -> None:
        """Switch limits on or off and set their sizes."""
        self.enabled = enabled
        self.global_per_second = global_per_second
        self.route_limit = route_limit
        self.route_window = route_window
        self._buckets.clear()

    def check(self, method: str, template: str, params: dict[str, str]) -> Verdict:
        """Count a request against its bucket and the global limit."""
        bucket_hash = hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]
        major = "+".join(params[p] for p in MAJOR_PARAMETERS if p in params)
        now = time.time()
        limit = self.route_limit if self.enabled else 1000
        bucket = self._buckets.get((bucket_hash, major))
        if bucket is None or now >= bucket.reset_at:
            bucket = Bucket(limit, now + self.route_window)
            self._buckets[(bucket_hash, major)] = bucket
        reset_after = max(bucket.reset_at - now, 0.001)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Bucket": bucket_hash,
            "X-RateLimit-Reset": f"{bucket.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        }
        if self.enabled and not template.startswith("/webhooks/"):
            # Interaction webhooks are exempt from the global limit, as on Discord.
            second = int(now)
            if second != self._global_window:
                self._global_window, self._global_count = second, 0
            self._global_count += 1
            if self._global_count > self.global_per_second:
                return self._refuse(headers, second + 1 - now, is_global=True)
        if self.enabled and bucket.remaining <= 0:
            headers["X-RateLimit-Remaining"] = "0"
            return self._refuse(headers, reset_after, is_global=False)
        if self.enabled:
            bucket.remaining -= 1
        headers["X-RateLimit-Remaining"] = str(bucket.remaining if self.enabled else limit - 1)
        return Verdict(headers)

    def _refuse(self, headers: dict[str, str], retry_after: float, *, is_global: bool) -> Verdict:
        self.count_429 += 1
        retry_after = round(max(retry_after, 0.001), 3)
        headers = {
            **headers,
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Scope": "global" if is_global else "user",
            # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
            "Via": "1.1 google",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
            headers.setdefault("X-RateLimit-Remaining", "0")
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = is_global
        return Verdict(headers, body)


@dataclass(slots=True)
class Injection:
    """A canned error answer for matching requests."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any] | None
    times: int
    retry_after: float | None = None
    hits: list[str] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        """Tell whether this injection applies to a request."""
        return (
            self.times > 0
            and self.method in (method, "*")
            and self.pattern.search(path) is not None
        )

    def answer(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Consume one use and return (status, body, headers)."""
        self.times -= 1
        body = self.body or {"message": _STATUS_MESSAGES.get(self.status, "Error"), "code": 0}
        headers: dict[str, str] = {}
        if self.status == 429:
            retry = self.retry_after if self.retry_after is not None else 0.05
            body = {"message": "You are being rate limited.", "retry_after": retry, "global": False}
            body.update(self.body or {})
            headers = {"Retry-After": str(math.ceil(retry)), "Via": "1.1 google"}
            headers["X-RateLimit-Scope"] = "user"
        return self.status, body, headers


_STATUS_MESSAGES = {
    400: "400: Bad Request",
    401: "401: Unauthorized",
    403: "Missing Permissions",
    404: "404: Not Found",
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
}

"""In-process token buckets for the public chat API: per sender and per IP address.

Each key (a sender id or an IP address) has a bucket that holds up to `capacity` tokens and
refills at `rate_per_s`. A message takes one token from its sender's bucket and one from
its IP's bucket; if either is empty the API answers 429 with `Retry-After`.

Memory is bounded: at most `max_keys` buckets per kind are kept (least recently used ones
are dropped first, and a dropped bucket would have been full again anyway after
`capacity / rate` seconds). One web process keeps its own buckets; several web replicas
behind a load balancer would keep them in Redis instead (see docs/webchat.md).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Token buckets keyed by a string, with least-recently-used eviction."""

    def __init__(
        self,
        capacity: float,
        rate_per_s: float,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or rate_per_s <= 0 or max_keys < 1:
            raise ValueError("capacity >= 1, rate_per_s > 0 and max_keys >= 1 are needed")
        self.capacity = float(capacity)
        self.rate_per_s = float(rate_per_s)
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
            self._buckets[key] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.rate_per_s)
            bucket.updated = now
            self._buckets.move_to_end(key)
        return bucket

    def wait_s(self, key: str) -> float:
        """Seconds until `key` has a token (0 when it has one now); takes nothing."""
        bucket = self._refilled(key, self._clock())
        if bucket.tokens >= 1:
            return 0.0
        return (1 - bucket.tokens) / self.rate_per_s

    def take(self, key: str) -> None:
        """Take one token from `key` (call after `wait_s` said 0)."""
        bucket = self._refilled(key, self._clock())
        bucket.tokens = max(0.0, bucket.tokens - 1)


@dataclass(frozen=True)
class Limits:
    """The public chat API's limits (the defaults suit one council's web chat)."""

    sender_per_minute: float = 20
    sender_burst: float = 5
    ip_per_minute: float = 120
    ip_burst: float = 60
    max_keys: int = 10_000


class ChatRateLimiter:
    """Per-sender and per-IP limits together: a message needs a token from both."""

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic):
        limits = limits or Limits()
        self.limits = limits
        self.senders = TokenBuckets(
            limits.sender_burst, limits.sender_per_minute / 60, limits.max_keys, clock
        )
        self.ips = TokenBuckets(limits.ip_burst, limits.ip_per_minute / 60, limits.max_keys, clock)

    def check(self, sender: str, ip: str) -> int:
        """0 and a token taken from both buckets, or the whole seconds to wait (>= 1)."""
        wait = max(self.senders.wait_s(sender), self.ips.wait_s(ip))
        if wait > 0:
            return max(1, math.ceil(wait))
        self.senders.take(sender)
        self.ips.take(ip)
        return 0

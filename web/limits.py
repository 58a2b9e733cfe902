"""Per-session abuse limits: a sliding-window rate limiter and a one-message-in-flight guard."""

from __future__ import annotations

import time
from collections import deque
from typing import Callable


class RateLimiter:
    """Allows at most `limit` events in any `window` seconds (a sliding window).

    `clock` returns seconds as a float and is injectable so tests need not sleep.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = max(0, int(limit))
        self.window = float(window)
        self.clock = clock
        self._events: deque[float] = deque()

    def _prune(self, now: float) -> None:
        while self._events and now - self._events[0] >= self.window:
            self._events.popleft()

    def allow(self) -> bool:
        """Record an event and return True, or return False (recording nothing) when over the limit."""
        now = self.clock()
        self._prune(now)
        if len(self._events) >= self.limit:
            return False
        self._events.append(now)
        return True

    def retry_after(self) -> float:
        """Seconds until the next event would be allowed (0 when one is allowed now)."""
        now = self.clock()
        self._prune(now)
        if len(self._events) < self.limit:
            return 0.0
        if not self._events:  # limit is 0: never
            return float("inf")
        return max(0.0, self.window - (now - self._events[0]))

    @property
    def used(self) -> int:
        self._prune(self.clock())
        return len(self._events)


class InFlight:
    """One message at a time per session: `try_enter()` is False while another is being handled.

    asyncio runs handlers on one thread and there is no await between the check and the set, so a
    plain flag cannot race.
    """

    def __init__(self) -> None:
        self.busy = False

    def try_enter(self) -> bool:
        if self.busy:
            return False
        self.busy = True
        return True

    def leave(self) -> None:
        self.busy = False

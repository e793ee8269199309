"""Today and now, injectable: tests fix the day so overdue and period figures are reproducible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


def utcnow() -> dt.datetime:
    """Naive UTC: SQLite keeps no time zone, so every stored time is UTC by convention."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class Clock:
    today_fn: Callable[[], dt.date] = dt.date.today
    now_fn: Callable[[], dt.datetime] = utcnow

    def today(self) -> dt.date:
        return self.today_fn()

    def now(self) -> dt.datetime:
        return self.now_fn()

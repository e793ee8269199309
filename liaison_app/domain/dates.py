"""Calendar dates across time zones: dates are the officer's own, checked against UTC+14."""

from __future__ import annotations

import datetime as dt

# The latest time zone on Earth (Kiribati, Line Islands). A date that is "today" somewhere is
# never after today there, so a server checking "not in the future" against it never refuses
# an officer's honest local date (design.md §3: a rejection is permanent).
LATEST_OFFSET = dt.timedelta(hours=14)


def latest_today(now_utc: dt.datetime | None = None) -> dt.date:
    """Today in UTC+14, for "not in the future" checks made far from the officer."""
    now = now_utc or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if now.tzinfo is not None:
        now = now.astimezone(dt.UTC).replace(tzinfo=None)
    return (now + LATEST_OFFSET).date()


def local_time(at: dt.datetime | str) -> dt.datetime:
    """A stored time (naive UTC, or ISO text of one) as this computer's wall-clock time.

    Every time the app and the server store is UTC; people read their own clock (an officer
    in Shenyang would otherwise see a conflict from 09:30 stamped 01:30)."""
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().replace(tzinfo=None)


def local_minute(at: dt.datetime | str) -> str:
    """A stored time as local "YYYY-MM-DD HH:MM"."""
    return local_time(at).strftime("%Y-%m-%d %H:%M")

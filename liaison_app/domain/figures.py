"""Statistics formulas: the resolution rate and its companions, from plain counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from liaison_app.domain.labels import SATISFIED_GRADES


def rate(numerator: int, denominator: int) -> float | None:
    """A fraction from 0 to 1, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Figures:
    """Counts over one group of problems and the rates derived from them.

    - resolution rate = resolved / received (resolved: resolved, called back or closed off)
    - on-time rate = resolved by the deadline (or with none) / resolved
    - call-back rate = called back / resolved
    - satisfaction rate = very satisfied + satisfied + basically satisfied / rated
    """

    key: str | None
    received: int
    resolved: int
    resolved_on_time: int
    overdue: int
    called_back: int
    rated: int
    satisfied: int
    label: str | None = None

    @property
    def resolution_rate(self) -> float | None:
        return rate(self.resolved, self.received)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.resolved_on_time, self.resolved)

    @property
    def callback_rate(self) -> float | None:
        return rate(self.called_back, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.rated)

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "received": self.received,
            "resolved": self.resolved,
            "resolution_rate": self.resolution_rate,
            "resolved_on_time": self.resolved_on_time,
            "on_time_rate": self.on_time_rate,
            "overdue": self.overdue,
            "called_back": self.called_back,
            "callback_rate": self.callback_rate,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "satisfaction_rate": self.satisfaction_rate,
        }


@dataclass(frozen=True)
class StatsReport:
    date_from: dt.date | None
    date_to: dt.date | None
    by: str | None
    overall: Figures
    groups: tuple[Figures, ...]

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "period_basis": "date raised",
            "satisfied_grades": sorted(SATISFIED_GRADES),
        }
        overall = self.overall.as_dict()
        del overall["key"], overall["label"]
        out.update(overall)
        if self.by:
            out["by"] = self.by
            out["groups"] = [g.as_dict() for g in self.groups]
        return out

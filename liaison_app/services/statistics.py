"""Figures: received, resolved, resolution rate and companions — overall and by group."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, literal, null, select

from liaison_app.domain.figures import Figures, StatsReport
from liaison_app.domain.labels import SATISFIED_GRADES
from liaison_app.domain.lifecycle import OPEN_STATUSES, RESOLVED_STATUSES
from liaison_app.domain.reference import district_names
from liaison_app.errors import ValidationError
from liaison_app.models.entities import Enterprise, Problem
from liaison_app.models.reference import REF_MODELS
from liaison_app.services.base import Service

GROUPINGS = ("category", "department", "district", "officer", "month")
_REF_FOR = {"category": "categories", "department": "departments", "district": "districts"}


def _counts(today: dt.date) -> list[Any]:
    """The aggregate columns every figure is made from (one pass over the problems)."""
    resolved = Problem.status.in_(RESOLVED_STATUSES)
    return [
        func.count().label("received"),
        func.sum(case((resolved, 1), else_=0)).label("resolved"),
        func.sum(
            case(
                (
                    resolved
                    & (Problem.deadline.is_(None) | (Problem.resolved_on <= Problem.deadline)),
                    1,
                ),
                else_=0,
            )
        ).label("on_time"),
        func.sum(
            case((Problem.status.in_(OPEN_STATUSES) & (Problem.deadline < today), 1), else_=0)
        ).label("overdue"),
        func.sum(case((Problem.status.in_(("called_back", "closed")), 1), else_=0)).label(
            "called_back"
        ),
        func.sum(case((Problem.satisfaction.is_not(None), 1), else_=0)).label("rated"),
        func.sum(case((Problem.satisfaction.in_(sorted(SATISFIED_GRADES)), 1), else_=0)).label(
            "satisfied"
        ),
    ]


def _figures(r: Any, key: str | None = None, label: str | None = None) -> Figures:
    """Figures from one row of the _counts() columns (a SUM over no rows is NULL)."""
    return Figures(
        key=key,
        label=label,
        received=r["received"] or 0,
        resolved=r["resolved"] or 0,
        resolved_on_time=r["on_time"] or 0,
        overdue=r["overdue"] or 0,
        called_back=r["called_back"] or 0,
        rated=r["rated"] or 0,
        satisfied=r["satisfied"] or 0,
    )


class StatisticsService(Service):
    def figures(
        self,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        by: str | None = None,
        lang: str = "zh_CN",
    ) -> StatsReport:
        """Figures for problems raised in [date_from, date_to] (all time when not given)."""
        if by is not None and by not in GROUPINGS:
            raise ValidationError.single(
                "by", "unknown", f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}"
            )
        if date_from and date_to and date_from > date_to:
            raise ValidationError.single(
                "from", "after_to", f"--from {date_from} is after --to {date_to}"
            )
        counts = _counts(self._clock.today())
        key = {
            None: literal(None),
            "category": Problem.category,
            "department": Problem.lead_department,
            "district": Enterprise.district_code,
            "officer": Problem.officer,
            "month": func.strftime("%Y-%m", Problem.raised_on),
        }[by].label("key")
        q = select(key, *counts).where(Problem.deleted_at.is_(None))
        if by == "district":
            q = q.join(Enterprise, Enterprise.id == Problem.enterprise_id)
        if date_from:
            q = q.where(Problem.raised_on >= date_from)
        if date_to:
            q = q.where(Problem.raised_on <= date_to)
        if by:
            q = q.group_by(key).order_by(func.count().desc(), key)
        with self._db.reading() as s:
            rows = s.execute(q).all()
            labels: dict[str, str] = {}
            if by in _REF_FOR:
                model = REF_MODELS[_REF_FOR[by]]
                zh = lang.lower().startswith("zh")
                parent = model.city_code if by == "district" else null()  # type: ignore[attr-defined]
                query = select(model.code, model.name_zh, model.name_en, parent)  # type: ignore[attr-defined]
                names = district_names((c, z, e, p) for c, z, e, p in s.execute(query))
                for code, (name_zh, name_en) in names.items():
                    labels[code] = name_zh if zh else name_en

        def fig(row: Any) -> Figures:
            k = row._mapping["key"]
            return _figures(row._mapping, k, labels.get(k, k) if k is not None else None)

        groups = tuple(fig(r) for r in rows) if by else ()
        if by:
            overall = Figures(
                key=None,
                received=sum(g.received for g in groups),
                resolved=sum(g.resolved for g in groups),
                resolved_on_time=sum(g.resolved_on_time for g in groups),
                overdue=sum(g.overdue for g in groups),
                called_back=sum(g.called_back for g in groups),
                rated=sum(g.rated for g in groups),
                satisfied=sum(g.satisfied for g in groups),
            )
        else:
            overall = fig(rows[0])
        return StatsReport(date_from, date_to, by, overall, groups)

    def figures_for(self, lang: str = "zh_CN", **filters: Any) -> Figures:
        """Overall figures for the problems any ledger filter selects."""
        from liaison_app.services.problems import ProblemService

        where = ProblemService(self._ctx).conditions(**filters)
        if where is None:
            return Figures(None, 0, 0, 0, 0, 0, 0, 0)
        q = select(*_counts(self._clock.today())).select_from(Problem)
        if filters.get("district"):
            q = q.join(Enterprise, Enterprise.id == Problem.enterprise_id)
        with self._db.reading() as s:
            return _figures(s.execute(q.where(*where)).one()._mapping)

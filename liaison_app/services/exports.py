"""Exports: the problem ledger and visits to .xlsx or .csv, streamed from the database."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from liaison_app.domain import labels
from liaison_app.domain.records import ProblemRecord
from liaison_app.domain.reference import is_city_code
from liaison_app.errors import InputError, ValidationError
from liaison_app.exchange.writers import (
    PERCENT_FORMAT,
    Column,
    Progress,
    Summary,
    Table,
    Value,
    Written,
    check_encoding,
    export_format,
    write_table,
)
from liaison_app.models.entities import Enterprise, Problem, Visit
from liaison_app.reports.words import Names, word
from liaison_app.services.base import Service, ServiceContext
from liaison_app.services.convert import problem_record, visit_record
from liaison_app.services.problems import ProblemService
from liaison_app.services.reports import ReportService
from liaison_app.services.statistics import StatisticsService

CHUNK = 1_000  # rows fetched from SQLite at a time: memory stays flat however many there are

# Column headings: key → (Chinese, English). Widths are the typical content's, in cells.
HEADERS: dict[str, tuple[str, str]] = {
    "number": ("编号", "Number"),
    "enterprise": ("企业名称", "Enterprise"),
    "district": ("所在区县", "District"),
    "category": ("问题类别", "Category"),
    "description": ("问题描述", "Description"),
    "request": ("企业诉求", "Request"),
    "urgency": ("紧急程度", "Urgency"),
    "source": ("问题来源", "Source"),
    "shared": ("共性问题", "Shared"),
    "department": ("牵头部门", "Lead department"),
    "co_departments": ("协办部门", "Co-departments"),
    "status": ("办理状态", "Status"),
    "raised": ("提出日期", "Raised on"),
    "assigned": ("交办日期", "Assigned on"),
    "deadline": ("办理时限", "Deadline"),
    "overdue": ("是否超期", "Overdue"),
    "resolved_on": ("办结日期", "Resolved on"),
    "result": ("办理结果", "Result"),
    "callback_on": ("回访日期", "Called back on"),
    "satisfaction": ("满意度", "Satisfaction"),
    "closed_on": ("销号日期", "Closed off on"),
    "officer": ("登记人", "Officer"),
    "visit_date": ("走访日期", "Date"),
    "mode": ("走访方式", "Mode"),
    "officers": ("走访人员", "Officers"),
    "people_met": ("接待人员", "People met"),
    "situation": ("生产经营情况", "Business situation"),
    "output_value": ("产值（万元）", "Output (10k yuan)"),
    "revenue": ("营业收入（万元）", "Revenue (10k yuan)"),
    "staff": ("职工人数", "Staff"),
    "capacity_use": ("产能利用率（%）", "Capacity use (%)"),
    "policies": ("宣讲政策", "Policies explained"),
    "opinions": ("企业意见建议", "Enterprise's opinions"),
    "solved_on_site": ("现场解决情况", "Solved on site"),
    "summary": ("走访小结", "Summary"),
    "problems_raised": ("反映问题数", "Problems raised"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "ledger_sheet": ("问题台账", "Problem ledger"),
    "visits_sheet": ("走访记录", "Visits"),
    "summary_sheet": ("汇总", "Summary"),
    "overall": ("总体情况", "Overall"),
    "by_category": ("按问题类别", "By category"),
    "by_mode": ("按走访方式", "By mode"),
    "visits_title": ("企业走访记录", "Enterprise visits"),
    "visits_count": ("走访次数", "Visits"),
    "enterprises_visited": ("走访企业数", "Enterprises visited"),
    "exported": ("导出时间", "Exported"),
    "period": ("统计期间", "Period"),
    "total": ("合计", "Total"),
}
LEDGER_COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("number", 16, None),
    ("enterprise", 30, None),
    ("district", 10, None),
    ("category", 12, None),
    ("description", 50, None),
    ("request", 36, None),
    ("urgency", 6, None),
    ("source", 8, None),
    ("shared", 6, None),
    ("department", 20, None),
    ("co_departments", 20, None),
    ("status", 10, None),
    ("raised", 10, None),
    ("assigned", 10, None),
    ("deadline", 10, None),
    ("overdue", 6, None),
    ("resolved_on", 10, None),
    ("result", 40, None),
    ("callback_on", 10, None),
    ("satisfaction", 10, None),
    ("closed_on", 10, None),
    ("officer", 8, None),
)
VISIT_COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("visit_date", 10, None),
    ("enterprise", 30, None),
    ("district", 10, None),
    ("mode", 8, None),
    ("officers", 16, None),
    ("people_met", 20, None),
    ("situation", 40, None),
    ("output_value", 10, "#,##0.##"),
    ("revenue", 10, "#,##0.##"),
    ("staff", 8, "#,##0"),
    ("capacity_use", 8, "0.#"),
    ("policies", 30, None),
    ("opinions", 30, None),
    ("solved_on_site", 30, None),
    ("summary", 40, None),
    ("problems_raised", 6, "#,##0"),
)
Cancelled = Callable[[], bool]


def _text(key: str, lang: str) -> str:
    zh, en = HEADERS[key]
    return zh if labels.is_zh(lang) else en


def _columns(spec: tuple[tuple[str, int, str | None], ...], lang: str) -> tuple[Column, ...]:
    return tuple(Column(_text(key, lang), width, fmt) for key, width, fmt in spec)


def _line(name: str, value: str, lang: str) -> str:
    return f"{name}{'：' if labels.is_zh(lang) else ': '}{value}"


def _check_lang(lang: str) -> None:
    if not (labels.is_zh(lang) or lang.lower().startswith("en")):
        raise InputError(f"unknown language {lang!r}; choose zh_CN or en")


def _local(stamp: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time as this computer's wall-clock time."""
    return stamp.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


class ExportService(Service):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self._problems = ProblemService(ctx)
        self._stats = StatisticsService(ctx)
        self._reports = ReportService(ctx)

    # ---- the problem ledger ---------------------------------------------------------------
    def ledger(
        self,
        path: Path,
        lang: str = "zh_CN",
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        *,
        encoding: str | None = None,
        **filters: Any,
    ) -> Written:
        """The problems a ledger filter selects, oldest first, one row each; in .xlsx a summary
        sheet with the statistics service's figures. ``filters`` are those the ledger report
        and the problem list take (ProblemService.conditions: period by date raised, status,
        category, department, district, overdue, officer, search, open_only…)."""
        path = Path(path)
        check_encoding(export_format(path), encoding)
        _check_lang(lang)
        names = self._reports.names(lang)
        self._check_filters(filters, names)
        total = self._problems.count(**filters)

        def summary() -> Summary:
            return self._ledger_summary(filters, names)

        return write_table(
            path,
            _text("ledger_sheet", lang),
            _columns(LEDGER_COLUMNS, lang),
            self._ledger_rows(filters, names),
            summary=summary,
            encoding=encoding,
            total=total,
            progress=progress,
            cancelled=cancelled,
        )

    def _check_filters(self, filters: dict[str, Any], names: Names) -> None:
        """Refuse what can match nothing by mistake: a period backwards, an unknown code."""
        date_from, date_to = filters.get("date_from"), filters.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise ValidationError.single(
                "from", "after_to", f"--from {date_from} is after --to {date_to}"
            )
        for key, kind in (("category", "categories"), ("department", "departments")):
            code = filters.get(key)
            if code and code not in names.reference.get(kind, {}):
                raise ValidationError.single(
                    key,
                    "unknown_code",
                    f"unknown {key} code {code!r} (see `liaison reference list {kind}`)",
                )
        district = filters.get("district")
        if district:
            known = names.reference.get("districts", {})
            city = is_city_code(district) and any(c.startswith(district[:4]) for c in known)
            if district not in known and not city:
                raise ValidationError.single(
                    "district",
                    "unknown_code",
                    f"unknown district code {district!r} (see `liaison reference list districts`)",
                )

    def _ledger_rows(self, filters: dict[str, Any], names: Names) -> Iterator[tuple[Value, ...]]:
        # The very selection the ledger report and the problem list use (ProblemService.query).
        q = self._problems.query(**filters)
        if q is None:
            return
        q = q.order_by(Problem.raised_on, Problem.id).execution_options(yield_per=CHUNK)
        today = self._clock.today()
        lang = names.lang
        yes, no = _text("yes", lang), _text("no", lang)
        comma = "、" if labels.is_zh(lang) else ", "
        with self._db.reading() as s:
            for p, name, district in s.execute(q):
                r = problem_record(p, name, district, today)
                yield self._ledger_row(r, names, yes, no, comma)

    @staticmethod
    def _ledger_row(
        r: ProblemRecord, names: Names, yes: str, no: str, comma: str
    ) -> tuple[Value, ...]:
        return (
            labels.problem_number(r.number, r.number_provisional, names.lang),
            r.enterprise_name,
            names("districts", r.district_code),
            names("categories", r.category),
            r.description,
            r.request,
            names("urgency", r.urgency),
            names("source", r.source),
            yes if r.shared else no,
            names("departments", r.lead_department),
            comma.join(names("departments", c) for c in r.co_departments),
            names("status", r.status),
            r.raised_on,
            r.assigned_on,
            r.deadline,
            yes if r.overdue else no,
            r.resolved_on,
            r.result,
            r.callback_on,
            names("satisfaction", r.satisfaction),
            r.closed_on,
            r.officer,
        )

    def _ledger_summary(self, filters: dict[str, Any], names: Names) -> Summary:
        """Overall and by category, each from StatisticsService.figures_for over the same
        filter, so the sheet says what `liaison stats` and the ledger PDF say."""
        lang = names.lang
        overall = self._stats.figures_for(lang=lang, **filters)
        if filters.get("category"):
            codes = [filters["category"]]
        else:
            codes = list(names.reference.get("categories", {}))
        per_code = [
            (code, self._stats.figures_for(lang=lang, **{**filters, "category": code}))
            for code in codes
        ]
        # Largest first, as `liaison stats --by category` orders them.
        by_category = [
            (names("categories", code), f)
            for code, f in sorted(per_code, key=lambda cf: (-cf[1].received, cf[0]))
            if f.received
        ]
        h = labels.heading
        overall_columns = (
            Column(h("received", lang), number_format="#,##0"),
            Column(h("resolved", lang), number_format="#,##0"),
            Column(h("resolution_rate", lang), number_format=PERCENT_FORMAT),
            Column(h("on_time_rate", lang), number_format=PERCENT_FORMAT),
            Column(h("overdue", lang), number_format="#,##0"),
            Column(h("callback_rate", lang), number_format=PERCENT_FORMAT),
            Column(h("satisfaction_rate", lang), number_format=PERCENT_FORMAT),
        )
        category_columns = (
            Column(_text("category", lang)),
            Column(h("received", lang), number_format="#,##0"),
            Column(h("resolved", lang), number_format="#,##0"),
            Column(h("resolution_rate", lang), number_format=PERCENT_FORMAT),
        )
        category_rows = [
            (label, f.received, f.resolved, _rate(f.resolution_rate)) for label, f in by_category
        ]
        category_rows.append(
            (h("total", lang), overall.received, overall.resolved, _rate(overall.resolution_rate))
        )
        filters_text = self._reports._describe(filters, names) or word("all", lang)
        return Summary(
            _text("summary_sheet", lang),
            (
                word("ledger_title", lang),
                _line(word("filters", lang), filters_text, lang),
                _line(_text("exported", lang), f"{_local(self._clock.now()):%Y-%m-%d %H:%M}", lang),
                word("satisfaction_note", lang),
            ),
            (
                Table(
                    _text("overall", lang),
                    overall_columns,
                    (
                        (
                            overall.received,
                            overall.resolved,
                            _rate(overall.resolution_rate),
                            _rate(overall.on_time_rate),
                            overall.overdue,
                            _rate(overall.callback_rate),
                            _rate(overall.satisfaction_rate),
                        ),
                    ),
                ),
                Table(_text("by_category", lang), category_columns, tuple(category_rows)),
            ),
        )

    # ---- visits ---------------------------------------------------------------------------
    def visits(
        self,
        path: Path,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        lang: str = "zh_CN",
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        *,
        encoding: str | None = None,
    ) -> Written:
        """The visits of a period (all by default), oldest first, one row each; in .xlsx a
        summary sheet: visits, enterprises visited, problems raised, visits by mode."""
        path = Path(path)
        check_encoding(export_format(path), encoding)
        _check_lang(lang)
        if date_from and date_to and date_from > date_to:
            raise ValidationError.single(
                "from", "after_to", f"--from {date_from} is after --to {date_to}"
            )
        names = self._reports.names(lang)
        where: list[Any] = [Visit.deleted_at.is_(None)]
        if date_from:
            where.append(Visit.visit_date >= date_from)
        if date_to:
            where.append(Visit.visit_date <= date_to)
        with self._db.reading() as s:
            total = s.scalar(select(func.count()).select_from(Visit).where(*where)) or 0
        tally: dict[str, Any] = {"modes": Counter(), "enterprises": set(), "problems": 0}

        def summary() -> Summary:
            return self._visits_summary(tally, date_from, date_to, names)

        return write_table(
            path,
            _text("visits_sheet", lang),
            _columns(VISIT_COLUMNS, lang),
            self._visit_rows(where, names, tally),
            summary=summary,
            encoding=encoding,
            total=total,
            progress=progress,
            cancelled=cancelled,
        )

    def _visit_rows(
        self, where: list[Any], names: Names, tally: dict[str, Any]
    ) -> Iterator[tuple[Value, ...]]:
        raised = (
            select(Problem.visit_id, func.count().label("n"))
            .where(Problem.deleted_at.is_(None), Problem.visit_id.is_not(None))
            .group_by(Problem.visit_id)
            .subquery()
        )
        q = (
            select(Visit, Enterprise.name, Enterprise.district_code, raised.c.n)
            .join(Enterprise, Enterprise.id == Visit.enterprise_id)
            .outerjoin(raised, raised.c.visit_id == Visit.id)
            .where(*where)
            .order_by(Visit.visit_date, Visit.id)
            .execution_options(yield_per=CHUNK)
        )
        comma = "、" if labels.is_zh(names.lang) else ", "
        modes: Counter[str] = tally["modes"]
        enterprises: set[str] = tally["enterprises"]
        with self._db.reading() as s:
            for v, name, district, count in s.execute(q):
                r = visit_record(v, name)
                modes[r.mode] += 1
                enterprises.add(r.enterprise_id)
                tally["problems"] += count or 0
                yield (
                    r.visit_date,
                    r.enterprise_name,
                    names("districts", district),
                    names("visit_mode", r.mode),
                    comma.join(r.officers),
                    r.people_met,
                    r.business_situation,
                    r.output_value,
                    r.revenue,
                    r.staff,
                    r.capacity_use,
                    r.policies,
                    r.opinions,
                    r.solved_on_site,
                    r.summary,
                    count or 0,
                )

    def _visits_summary(
        self,
        tally: dict[str, Any],
        date_from: dt.date | None,
        date_to: dt.date | None,
        names: Names,
    ) -> Summary:
        """Counted from the rows written, so it always agrees with the first sheet."""
        lang = names.lang
        modes: Counter[str] = tally["modes"]
        period = f"{date_from or '…'} – {date_to or '…'}"
        number = "#,##0"
        return Summary(
            _text("summary_sheet", lang),
            (
                _text("visits_title", lang),
                _line(_text("period", lang), period, lang),
                _line(_text("exported", lang), f"{_local(self._clock.now()):%Y-%m-%d %H:%M}", lang),
            ),
            (
                Table(
                    _text("overall", lang),
                    (
                        Column(_text("visits_count", lang), number_format=number),
                        Column(_text("enterprises_visited", lang), number_format=number),
                        Column(_text("problems_raised", lang), number_format=number),
                    ),
                    ((sum(modes.values()), len(tally["enterprises"]), tally["problems"]),),
                ),
                Table(
                    _text("by_mode", lang),
                    (
                        Column(_text("mode", lang)),
                        Column(_text("visits_count", lang), number_format=number),
                    ),
                    tuple(
                        (names("visit_mode", code), n)
                        for code, n in sorted(modes.items(), key=lambda kv: (-kv[1], kv[0]))
                    ),
                ),
            ),
        )


def _rate(value: float | None) -> Value:
    return "—" if value is None else value

"""The problem ledger (问题台账): a landscape table, header on every page, summary on top."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib.units import mm

from liaison_app.domain.figures import Figures
from liaison_app.domain.labels import format_rate, problem_number
from liaison_app.domain.records import ProblemRecord
from liaison_app.reports.layout import Report, build, para, styles
from liaison_app.reports.visit_record import _grid
from liaison_app.reports.words import Names

WIDTHS = [9, 27, 32, 17, 18, 50, 22, 21, 21, 18, 0]  # mm; the last (result) takes the rest
PAGE_WIDTH = 267  # landscape A4 minus margins, mm


def summary_table(f: Figures, names: Names, st: dict, width: float = PAGE_WIDTH):  # type: ignore[no-untyped-def]
    w = names.word
    header = [
        w("received"),
        w("resolved"),
        w("resolution_rate"),
        w("on_time_rate"),
        w("overdue_count"),
        w("callback_rate"),
        w("satisfaction_rate"),
    ]
    row = [
        f"{f.received:,}",
        f"{f.resolved:,}",
        format_rate(f.resolution_rate),
        format_rate(f.on_time_rate),
        f"{f.overdue:,}",
        format_rate(f.callback_rate),
        format_rate(f.satisfaction_rate),
    ]
    return _grid(header, [row], [width / 7 * mm] * 7, st)


def render_ledger(
    problems: Sequence[ProblemRecord],
    figures: Figures,
    filters: str,
    names: Names,
    made: dt.datetime | None = None,
) -> Report:
    st = styles()
    w = names.word
    story: list = [
        para(w("ledger_title"), st["title"]),
        para(f"{w('filters')}{w('colon')}{filters or w('all')}", st["subtitle"]),
        summary_table(figures, names, st),
        para(w("satisfaction_note"), st["small"]),
    ]
    story.append(para(" ", st["small"]))
    rows = []
    for i, p in enumerate(problems, start=1):
        status = names("status", p.status) + (f"（{w('overdue')}）" if p.overdue else "")
        rows.append(
            [
                str(i),
                problem_number(p.number, p.number_provisional, names.lang),
                p.enterprise_name,
                names("districts", p.district_code),
                names("categories", p.category),
                p.description,
                names("departments", p.lead_department),
                p.raised_on.isoformat(),
                p.deadline.isoformat() if p.deadline else "",
                status,
                p.result or "",
            ]
        )
    widths = list(WIDTHS)
    widths[-1] = PAGE_WIDTH - sum(widths)
    header = [
        w("no"),
        w("number"),
        w("name"),
        w("district"),
        w("category"),
        w("description"),
        w("department"),
        w("raised"),
        w("deadline"),
        w("status"),
        w("result"),
    ]
    story.append(
        _grid(
            header,
            rows,
            [x * mm for x in widths],
            st,
            shade=[i for i, p in enumerate(problems) if p.overdue],
        )
    )
    texts = [x for p in problems for x in (p.enterprise_name, p.description, p.result)]
    return build(story, lang=names.lang, title=w("ledger_title"), wide=True, texts=texts, made=made)

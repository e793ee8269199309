"""The problem ledger (问题台账): a landscape table, its heading on every page, summary on top.

Each row is its own flowable (one reportlab Table of 10,000 rows costs time quadratic in its
length as it splits page after page); from page 2 on the page itself draws the column heading
above the frame, so the heading repeats as in one table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from liaison_app.domain.figures import Figures
from liaison_app.domain.labels import format_rate, problem_number
from liaison_app.domain.records import ProblemRecord
from liaison_app.reports.layout import (
    MARGIN,
    TOP,
    HeadOnce,
    Meta,
    Report,
    Row,
    build,
    cn_date,
    fit_widths,
    grid,
    head_cell,
    move_long,
    para,
    punct,
    rows_of,
    styles,
)
from liaison_app.reports.words import Names

PAGE_WIDTH = 267 * mm  # landscape A4 less the margins


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
    return grid(header, [row], [width / 7] * 7, st, numeric=range(7))


def overdue_days(p: ProblemRecord, today: dt.date) -> str:
    """Days past the deadline: to the day it was resolved, or to today while it is open."""
    if not p.overdue or p.deadline is None:
        return ""
    end = p.resolved_on or today
    return f"{max((end - p.deadline).days, 0):,}"


def form_lines(names: Names, st: dict, today: dt.date) -> tuple[Flowable, Flowable]:
    """填报单位 / 填报日期 above the table, 填表人 / 审核人 below it."""
    w = names.word
    colon = punct(names.lang)[0]
    gap = "　" * 8
    top = para(
        f"{w('fill_unit')}{colon}{names.unit or gap}　　　　{w('fill_date')}{colon}{cn_date(today, names.lang)}",
        st["base"],
    )
    bottom = para(
        f"{w('filler')}{colon}{names.officer or gap}　　　　{w('reviewer')}{colon}{gap}",
        st["base"],
    )
    bottom.spaceBefore = 10
    return top, bottom


def row_cells(i: int, p: ProblemRecord, names: Names, today: dt.date) -> list[object]:
    """The words of one ledger row, as printed."""
    status = names("status", p.status) + (f"（{names.word('overdue')}）" if p.overdue else "")
    return [
        str(i),
        problem_number(p.number, p.number_provisional, names.lang),
        p.enterprise_name,
        names("districts", p.district_code),
        names("categories", p.category),
        p.description,
        names("departments", p.lead_department),
        p.raised_on.isoformat(),
        p.deadline.isoformat() if p.deadline else "",
        overdue_days(p, today),
        status,
        p.result or "",
    ]


def render_ledger(
    problems: Sequence[ProblemRecord],
    figures: Figures,
    filters: str,
    names: Names,
    made: dt.datetime | None = None,
) -> Report:
    st = styles()
    w = names.word
    made = made or dt.datetime.now()
    today = made.date()
    colon = punct(names.lang)[0]
    top, bottom = form_lines(names, st, today)
    story: list[Flowable] = [
        para(w("ledger_title"), st["title"]),
        para(f"{w('filters')}{colon}{filters or w('all')}", st["subtitle"]),
        top,
        summary_table(figures, names, st),
        para(w("satisfaction_note"), st["small"]),
        para(" ", st["small"]),
    ]
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
        w("overdue_days"),
        w("status"),
        w("result"),
    ]
    rows: list[list[object]] = [
        row_cells(i, p, names, today) for i, p in enumerate(problems, start=1)
    ]
    widths = fit_widths(header, rows, PAGE_WIDTH, {2: 1.2, 5: 3.0, 11: 2.0}, st)  # type: ignore[arg-type]
    head = Row([head_cell(h, st["head"]) for h in header], widths)
    _hw, head_h = head.wrap(PAGE_WIDTH, 1000)

    def page_head(canvas: Canvas, _width: float, height: float) -> None:
        head.drawOn(canvas, MARGIN, height - TOP - head_h)

    story.append(HeadOnce(Row([head_cell(h, st["head"]) for h in header], widths)))
    story += rows_of(
        move_long(
            rows, 5, widths[5], st, lambda row: f"{w('in_full')}（{row[1]}）{colon}", w("below")
        ),
        widths,
        st,
        repeat=(0, 1, 2),
        numeric=(0, 9),
    )
    story.append(bottom)
    texts = [x for p in problems for x in (p.enterprise_name, p.description, p.result)]
    meta = Meta(w("ledger_title"), names.lang, names.author, filters or w("all"))
    return build(story, meta=meta, wide=True, texts=texts, made=made, page_head=(head_h, page_head))

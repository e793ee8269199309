"""The visit record (走访记录表) the enterprise's representative signs and seals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, PageBreak, Table

from liaison_app.domain.dates import local_minute
from liaison_app.domain.labels import is_zh, problem_number
from liaison_app.domain.records import EnterpriseRecord, ProblemRecord, VisitRecord
from liaison_app.reports.layout import (
    RULE,
    Grid,
    Headed,
    Mark,
    Meta,
    Report,
    Tail,
    build,
    cn_date,
    fit_widths,
    grid,
    move_long,
    para,
    punct,
    stacked,
    styles,
    table_style,
)
from liaison_app.reports.text import Text
from liaison_app.reports.words import Names

WIDTH = 180 * mm  # A4 portrait less the margins


@dataclass(frozen=True)
class VisitRecordData:
    enterprise: EnterpriseRecord
    visit: VisitRecord
    problems: Sequence[ProblemRecord]  # with their actions
    photos: Sequence[Path] = field(default_factory=tuple)


def record_number(visit: VisitRecord) -> str:
    """The number printed on the form: the date and the end of the visit's id (stable)."""
    return f"ZF{visit.visit_date:%Y%m%d}-{visit.id.replace('-', '')[-6:].upper()}"


def _number(value: float | int | None, suffix: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return text + suffix


def _pairs_table(rows: list[tuple[str, object]], st: dict, label: float = 34 * mm) -> Table:
    """Label / value rows; a row with four items holds two pairs side by side."""
    data = []
    commands: list[tuple] = []  # type: ignore[type-arg]
    for r, row in enumerate(rows):
        cells = [para(x, st["cell"], repeat=i % 2 == 0) for i, x in enumerate(row)]
        if len(cells) == 2:
            cells += ["", ""]
            commands.append(("SPAN", (1, r), (3, r)))
        data.append([[c] if c != "" else "" for c in cells])
    half = (WIDTH - 2 * label) / 2
    table = Grid(data, colWidths=[label, half, label, half], splitInRow=1)
    table.setStyle(
        table_style(
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("BOX", (0, 0), (-1, -1), 1.0, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *commands,
        )
    )
    return table


def render_visit_record(
    data: VisitRecordData, names: Names, made: dt.datetime | None = None
) -> Report:
    return render_visit_records([data], names, made)


def volume_title(items: Sequence[VisitRecordData], names: Names) -> str:
    """e.g. 2026年11月企业走访记录表（共 11 份）."""
    first = min(d.visit.visit_date for d in items)
    last = max(d.visit.visit_date for d in items)
    zh = is_zh(names.lang)
    month = "{0.year}年{0.month}月" if zh else "{0:%Y-%m}"
    period = month.format(first)
    if (first.year, first.month) != (last.year, last.month):
        period += ("至" if zh else " – ") + month.format(last)
    return names.word("volume_title").format(period=period, n=len(items))


def render_visit_records(
    items: Sequence[VisitRecordData], names: Names, made: dt.datetime | None = None
) -> Report:
    """One or more visit records in one document, each starting on a new page, each page
    headed with its record's enterprise, date and number and numbered within its record."""
    story: list[Flowable] = []
    texts: list[str | None] = []
    for i, data in enumerate(items):
        if i:
            story.append(PageBreak())
        part, part_texts = visit_story(data, names)
        story += part
        texts += part_texts
    if len(items) == 1:
        title = f"{names.word('visit_title')} {items[0].enterprise.name} {record_number(items[0].visit)}"
    else:
        title = volume_title(items, names)
    meta = Meta(title, names.lang, names.author, names.word("visit_subject"))
    return build(story, meta=meta, texts=texts, made=made)


def _running(data: VisitRecordData, names: Names) -> str:
    w = names.word
    colon = punct(names.lang)[0]
    v = data.visit
    return "　".join(
        [
            data.enterprise.name,
            f"{w('visit_date')}{colon}{cn_date(v.visit_date, names.lang)}",
            f"{w('record_no')}{colon}{record_number(v)}",
        ]
    )


def _problems(data: VisitRecordData, names: Names, st: dict) -> list[Flowable]:
    w = names.word
    colon = punct(names.lang)[0]
    header = [
        w("no"),
        w("number"),
        w("category"),
        w("urgency"),
        w("status"),
        w("description"),
        w("result"),
    ]
    rows = []
    for i, p in enumerate(data.problems, start=1):
        description = p.description + (f"\n{w('request')}{colon}{p.request}" if p.request else "")
        rows.append(
            [
                str(i),
                problem_number(p.number, p.number_provisional, names.lang),
                names("categories", p.category),
                names("urgency", p.urgency),
                names("status", p.status) + (f"（{w('overdue')}）" if p.overdue else ""),
                description,
                p.result or "",
            ]
        )
    widths = fit_widths(header, rows, WIDTH, {5: 3.0, 6: 1.5}, st)
    out_rows = move_long(
        rows, 5, widths[5], st, lambda row: f"{w('in_full')}（{row[1]}）{colon}", w("below")
    )
    return stacked(header, out_rows, widths, st, repeat=(0, 1, 2))


def visit_story(data: VisitRecordData, names: Names) -> tuple[list[Flowable], list[str | None]]:
    st = styles()
    w = names.word
    lang = names.lang
    colon = punct(lang)[0]
    e, v = data.enterprise, data.visit
    story: list[Flowable] = [
        Mark(v.id, _running(data, names)),
        para(w("visit_title"), st["title"]),
    ]
    head = Table(
        [
            [
                [para(f"{w('unit')}{colon}{names.unit or '　' * 10}", st["base"])],
                [para(f"{w('record_no')}{colon}{record_number(v)}", st["num"])],
            ]
        ],
        colWidths=[WIDTH * 0.6, WIDTH * 0.4],
    )
    head.setStyle(
        table_style(("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0))
    )
    story.append(head)
    story.append(para(w("enterprise"), st["h2"]))
    industry = " ".join(
        filter(None, [e.industry_code, names("industries", (e.industry_code or "")[:1] or None)])
    )
    story.append(
        _pairs_table(
            [
                (w("name"), e.name),
                (
                    w("uscc"),
                    e.uscc or w("none"),
                    w("district"),
                    names("districts", e.district_code),
                ),
                (w("industry"), industry, w("legal_rep"), e.legal_rep or ""),
                (w("address"), e.address or ""),
                (w("contact"), " ".join(filter(None, [e.contact_name, e.contact_title, e.phone]))),
            ],
            st,
        )
    )
    story.append(para(w("visit"), st["h2"]))
    story.append(
        _pairs_table(
            [
                (
                    w("visit_date"),
                    cn_date(v.visit_date, lang),
                    w("mode"),
                    names("visit_mode", v.mode),
                ),
                (
                    w("officers"),
                    "、".join(v.officers) if is_zh(lang) else ", ".join(v.officers),
                    w("people_met"),
                    v.people_met or "",
                ),
                (w("output_value"), _number(v.output_value), w("revenue"), _number(v.revenue)),
                (w("staff"), _number(v.staff), w("capacity_use"), _number(v.capacity_use, "%")),
                (w("situation"), v.business_situation or ""),
                (w("policies"), v.policies or ""),
                (w("opinions"), v.opinions or ""),
                (w("solved_on_site"), v.solved_on_site or ""),
                (w("summary_text"), v.summary or ""),
            ],
            st,
        )
    )

    story.append(para(w("problems"), st["h2"]))
    if data.problems:
        story += _problems(data, names, st)
    else:
        story.append(para(w("none"), st["base"]))

    actions = [(p, a) for p in data.problems for a in p.actions if a.kind != "create"]
    if actions:
        story.append(para(w("actions"), st["h2"]))
        rows = [
            [
                local_minute(a.at),
                problem_number(p.number, p.number_provisional, lang),
                names("action_kind", a.kind),
                names("status", a.to_status),
                " ".join(
                    filter(
                        None,
                        [
                            names("departments", a.department),
                            a.deadline.isoformat() if a.deadline else "",
                            names("satisfaction", a.satisfaction),
                            a.text or "",
                        ],
                    )
                ),
                a.actor or "",
            ]
            for p, a in sorted(actions, key=lambda pa: (pa[1].at, pa[1].id))
        ]
        header = [w("when"), w("number"), w("action"), w("status"), w("note"), w("by")]
        widths = fit_widths(header, rows, WIDTH, {4: 1.0}, st)
        story.append(grid(header, rows, widths, st, repeat=(0, 1)))

    photos = [p for p in data.photos if p.exists()]
    if photos:
        story.append(para(w("photos"), st["h2"]))
        cells = [Image(str(p), width=55 * mm, height=40 * mm, kind="proportional") for p in photos]
        rows_p = [
            cells[i : i + 3] + [""] * (3 - len(cells[i : i + 3])) for i in range(0, len(cells), 3)
        ]
        photo_grid = Table(rows_p, colWidths=[60 * mm] * 3)
        photo_grid.setStyle(table_style())
        story.append(photo_grid)

    last = story.pop()
    if isinstance(story[-1], Text) and story[-1].style is st["h2"]:  # its heading goes with it
        last = Headed(story.pop(), last)
    story.append(Tail(last, signature_block(names, st), 8 * mm))

    texts = [
        e.name,
        e.uscc,
        e.address,
        e.contact_name,
        e.contact_title,
        e.legal_rep,
        v.people_met,
        v.business_situation,
        v.policies,
        v.opinions,
        v.solved_on_site,
        v.summary,
        *v.officers,
    ]
    texts += [x for p in data.problems for x in (p.description, p.request, p.result)]
    texts += [a.text for _, a in actions]
    return story, texts


def signature_block(names: Names, st: dict) -> Table:
    """企业（盖章） with room for the seal, then the representative's and officers' signatures."""
    w = names.word
    sign = st["sign"]
    rows = [
        [[para(w("seal"), sign)], "", "", ""],
        [
            [para(w("sign_enterprise"), sign)],
            "",
            [para(w("sign_date"), sign)],
            [para(w("blank_date"), sign)],
        ],
        [
            [para(w("sign_officers"), sign)],
            "",
            [para(w("sign_date"), sign)],
            [para(w("blank_date"), sign)],
        ],
    ]
    table = Table(
        rows,
        colWidths=[50 * mm, 60 * mm, 16 * mm, 54 * mm],
        rowHeights=[30 * mm, 14 * mm, 14 * mm],
    )
    table.setStyle(
        table_style(
            ("LINEBELOW", (1, 1), (1, -1), 0.6, RULE),
            ("VALIGN", (0, 0), (-1, 0), "TOP"),
            ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
        )
    )
    return table

"""The visit record (走访记录表) the enterprise's representative signs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from liaison_app.domain.dates import local_minute
from liaison_app.domain.labels import problem_number
from liaison_app.domain.records import EnterpriseRecord, ProblemRecord, VisitRecord
from liaison_app.reports.layout import Report, build, para, styles, table_style
from liaison_app.reports.words import Names

GRID = colors.HexColor("#888888")
HEAD_BG = colors.HexColor("#3b5b7a")
LABEL_BG = colors.HexColor("#eef2f6")


@dataclass(frozen=True)
class VisitRecordData:
    enterprise: EnterpriseRecord
    visit: VisitRecord
    problems: Sequence[ProblemRecord]  # with their actions
    photos: Sequence[Path] = field(default_factory=tuple)


def _pairs_table(rows: list[tuple[str, object]], width: float, st: dict) -> Table:
    """Label / value rows, two pairs per line where both are short."""
    data = [[para(k, st["cell"]), para(v, st["cell"])] for k, v in rows]
    table = Table(data, colWidths=[32 * mm, width - 32 * mm], splitInRow=1)
    table.setStyle(
        table_style(
            *[
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _grid(
    header: list[str],
    rows: list[list[object]],
    widths: list[float],
    st: dict,
    shade: list[int] | None = None,
) -> Table:
    data = [[para(h, st["head"]) for h in header]]
    data += [[c if isinstance(c, Paragraph) else para(c, st["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for row in shade or []:
        style.append(("BACKGROUND", (0, row + 1), (-1, row + 1), colors.HexColor("#fde2e1")))
    table.setStyle(table_style(*style))
    return table


def render_visit_record(
    data: VisitRecordData, names: Names, made: dt.datetime | None = None
) -> Report:
    return render_visit_records([data], names, made)


def render_visit_records(
    items: Sequence[VisitRecordData], names: Names, made: dt.datetime | None = None
) -> Report:
    """One or more visit records in one document, each starting on a new page."""
    story: list = []
    texts: list[str | None] = []
    for i, data in enumerate(items):
        if i:
            story.append(PageBreak())
        part, part_texts = visit_story(data, names)
        story += part
        texts += part_texts
    first = items[0].enterprise.name if len(items) == 1 else f"({len(items)})"
    return build(
        story, lang=names.lang, title=f"{names.word('visit_title')} {first}", texts=texts, made=made
    )


def visit_story(data: VisitRecordData, names: Names) -> tuple[list, list[str | None]]:
    st = styles()
    w = names.word
    e, v = data.enterprise, data.visit
    width = 180 * mm
    story: list = [
        para(w("visit_title"), st["title"]),
        para(f"{e.name}　{v.visit_date.isoformat()}", st["subtitle"]),
    ]
    story.append(para(w("enterprise"), st["h2"]))
    story.append(
        _pairs_table(
            [
                (w("name"), e.name),
                (w("uscc"), e.uscc or w("none")),
                (w("district"), names("districts", e.district_code)),
                (
                    w("industry"),
                    " ".join(
                        filter(
                            None,
                            [
                                e.industry_code,
                                names("industries", (e.industry_code or "")[:1] or None),
                            ],
                        )
                    ),
                ),
                (w("address"), e.address or ""),
                (w("legal_rep"), e.legal_rep or ""),
                (w("contact"), " ".join(filter(None, [e.contact_name, e.contact_title, e.phone]))),
            ],
            width,
            st,
        )
    )
    story.append(para(w("visit"), st["h2"]))
    story.append(
        _pairs_table(
            [
                (w("visit_date"), v.visit_date.isoformat()),
                (w("mode"), names("visit_mode", v.mode)),
                (w("officers"), "、".join(v.officers)),
                (w("people_met"), v.people_met or ""),
                (w("situation"), v.business_situation or ""),
                (w("policies"), v.policies or ""),
                (w("opinions"), v.opinions or ""),
                (w("solved_on_site"), v.solved_on_site or ""),
                (w("summary_text"), v.summary or ""),
            ],
            width,
            st,
        )
    )

    story.append(para(w("problems"), st["h2"]))
    if data.problems:
        rows = [
            [
                str(i),
                problem_number(p.number, p.number_provisional, names.lang),
                names("categories", p.category),
                names("urgency", p.urgency),
                names("status", p.status) + (f"（{w('overdue')}）" if p.overdue else ""),
                p.description + (f"\n{w('request')}：{p.request}" if p.request else ""),
                p.result or "",
            ]
            for i, p in enumerate(data.problems, start=1)
        ]
        story.append(
            _grid(
                [
                    w("no"),
                    w("number"),
                    w("category"),
                    w("urgency"),
                    w("status"),
                    w("description"),
                    w("result"),
                ],
                rows,
                [9 * mm, 27 * mm, 20 * mm, 14 * mm, 17 * mm, 61 * mm, 32 * mm],
                st,
                shade=[i for i, p in enumerate(data.problems) if p.overdue],
            )
        )
    else:
        story.append(para(w("none"), st["base"]))

    actions = [(p, a) for p in data.problems for a in p.actions if a.kind != "create"]
    if actions:
        story.append(para(w("actions"), st["h2"]))
        rows = [
            [
                local_minute(a.at),
                problem_number(p.number, p.number_provisional, names.lang),
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
        story.append(
            _grid(
                [w("when"), w("number"), w("action"), w("status"), w("note"), w("by")],
                rows,
                [28 * mm, 27 * mm, 20 * mm, 18 * mm, 67 * mm, 20 * mm],
                st,
            )
        )

    photos = [p for p in data.photos if p.exists()]
    if photos:
        story.append(para(w("photos"), st["h2"]))
        cells = [Image(str(p), width=55 * mm, height=40 * mm, kind="proportional") for p in photos]
        grid = [
            cells[i : i + 3] + [""] * (3 - len(cells[i : i + 3])) for i in range(0, len(cells), 3)
        ]
        photo_grid = Table(grid, colWidths=[60 * mm] * 3)
        photo_grid.setStyle(table_style())
        story.append(photo_grid)

    signature = Table(
        [
            [para(w("sign_enterprise"), st["base"]), "", para(w("sign_date"), st["base"]), ""],
            [para(w("sign_officers"), st["base"]), "", para(w("sign_date"), st["base"]), ""],
        ],
        colWidths=[52 * mm, 60 * mm, 16 * mm, 40 * mm],
        rowHeights=[14 * mm, 14 * mm],
    )
    signature.setStyle(
        table_style(
            *[
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    story += [Spacer(1, 10 * mm), KeepTogether([signature])]

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

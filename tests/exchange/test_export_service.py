"""ExportService: the ledger and visits exported from real data, read back cell by cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from liaison_app.domain.labels import label, problem_number
from liaison_app.domain.lifecycle import StepInput
from liaison_app.errors import InputError, ValidationError
from liaison_app.services.clock import Clock
from liaison_app.services.store import Store, open_store
from tests.conftest import TODAY, give_deadline

LEDGER_HEADER_ZH = [
    "编号", "企业名称", "所在区县", "问题类别", "问题描述", "企业诉求", "紧急程度", "问题来源",
    "共性问题", "牵头部门", "协办部门", "办理状态", "提出日期", "交办日期", "办理时限", "是否超期",
    "办结日期", "办理结果", "回访日期", "满意度", "销号日期", "登记人",
]  # fmt: skip
LEDGER_HEADER_EN = [
    "Number", "Enterprise", "District", "Category", "Description", "Request", "Urgency",
    "Source", "Shared", "Lead department", "Co-departments", "Status", "Raised on",
    "Assigned on", "Deadline", "Overdue", "Resolved on", "Result", "Called back on",
    "Satisfaction", "Closed off on", "Officer",
]  # fmt: skip
VISIT_HEADER_ZH = [
    "走访日期", "企业名称", "所在区县", "走访方式", "走访人员", "接待人员", "生产经营情况",
    "产值（万元）", "营业收入（万元）", "职工人数", "产能利用率（%）", "宣讲政策", "企业意见建议",
    "现场解决情况", "走访小结", "反映问题数",
]  # fmt: skip
DATE_COLUMNS = ("提出日期", "交办日期", "办理时限", "办结日期", "回访日期", "销号日期")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The small demo data set (60 firms, ~170 visits, ~420 problems), read-only here."""
    st = open_store(tmp_path_factory.mktemp("demo") / "data", Clock(today_fn=lambda: TODAY))
    st.settings.set_officer_name("王小明")
    st.demo.generate("small", 1)
    yield st
    st.close()


def sheet_rows(path: Path, sheet: int = 0) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path).worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def by_header(rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def as_date(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def csv_rows(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


# ---- the ledger ---------------------------------------------------------------------------


def test_ledger_row_by_row(demo: Store, tmp_path: Path) -> None:
    target = tmp_path / "ledger.xlsx"
    written = demo.exports.ledger(target)
    records = demo.problems.list(sort="raised")[::-1]  # oldest first, as the ledger
    assert written.rows == len(records) == demo.problems.count() > 400
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["问题台账", "汇总"]
    ws = wb["问题台账"]
    assert [c.value for c in ws[1]] == LEDGER_HEADER_ZH
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:V{len(records) + 1}"
    assert ws.column_dimensions["E"].width >= 40  # the description is wide from the start
    rows = by_header(sheet_rows(target))
    assert [as_date(row["提出日期"]) for row in rows] == [r.raised_on for r in records]

    # One problem with everything filled in, checked cell by cell.
    r = next(
        p
        for p in records
        if p.deadline and p.resolved_on and p.result and p.satisfaction and p.request
    )
    row = next(row for row in rows if row["编号"] == f"{r.number}（临时）")
    full = demo.problems.get(r.id)
    assert row == {
        "编号": problem_number(r.number, True),
        "企业名称": r.enterprise_name,
        "所在区县": label("districts", r.district_code),
        "问题类别": label("categories", r.category),
        "问题描述": r.description,
        "企业诉求": r.request,
        "紧急程度": label("urgency", r.urgency),
        "问题来源": label("source", r.source),
        "共性问题": "是" if r.shared else "否",
        "牵头部门": label("departments", r.lead_department),
        "协办部门": "、".join(label("departments", c) for c in r.co_departments) or None,
        "办理状态": label("status", r.status),
        "提出日期": dt.datetime.combine(r.raised_on, dt.time()),
        "交办日期": dt.datetime.combine(r.assigned_on, dt.time()) if r.assigned_on else None,
        "办理时限": dt.datetime.combine(r.deadline, dt.time()),
        "是否超期": "是" if r.overdue else "否",
        "办结日期": dt.datetime.combine(r.resolved_on, dt.time()),
        "办理结果": r.result,
        "回访日期": dt.datetime.combine(r.callback_on, dt.time()) if r.callback_on else None,
        "满意度": label("satisfaction", r.satisfaction),
        "销号日期": dt.datetime.combine(r.closed_on, dt.time()) if r.closed_on else None,
        "登记人": full.officer,
    }
    assert "（临时）" in row["编号"]  # never synced: every number is provisional
    # Dates are real dates with a date format, in every date column.
    index = {c.value: c.column for c in ws[1]}
    for name in DATE_COLUMNS:
        cells = [c for c in next(ws.iter_cols(index[name], index[name], 2)) if c.value]
        assert cells, name
        assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in cells), name
    overdue = [row for row in rows if row["是否超期"] == "是"]
    assert len(overdue) == demo.problems.count(overdue=True) > 0


def test_summary_sheet_says_what_the_statistics_say(demo: Store, tmp_path: Path) -> None:
    demo.exports.ledger(tmp_path / "ledger.xlsx")
    rows = [[v for v in r if v is not None] for r in sheet_rows(tmp_path / "ledger.xlsx", 1)]
    assert rows[0] == ["问题台账"] and rows[1] == ["筛选条件：全部"]
    assert rows[2][0].startswith("导出时间：")
    overall = demo.stats.figures().overall
    i = rows.index(["受理数", "办结数", "办结率", "按期办结率", "超期数", "回访率", "满意率"])
    assert rows[i + 1] == pytest.approx(
        [
            overall.received,
            overall.resolved,
            overall.resolution_rate,
            overall.on_time_rate,
            overall.overdue,
            overall.callback_rate,
            overall.satisfaction_rate,
        ]
    )
    j = rows.index(["问题类别", "受理数", "办结数", "办结率"])
    groups = demo.stats.figures(by="category").groups
    table = rows[j + 1 : j + 2 + len(groups)]
    assert table[:-1] == [
        [g.label, g.received, g.resolved, pytest.approx(g.resolution_rate)] for g in groups
    ]
    assert table[-1] == ["合计", overall.received, overall.resolved, overall.resolution_rate]
    ws = openpyxl.load_workbook(tmp_path / "ledger.xlsx")["汇总"]
    rate = ws.cell(row=j + 2, column=4)
    assert rate.number_format == "0.0%" and isinstance(rate.value, float)


def test_summary_follows_the_filter(demo: Store, tmp_path: Path) -> None:
    filters: dict[str, Any] = {"district": "210200", "date_from": dt.date(2026, 3, 1)}
    demo.exports.ledger(tmp_path / "dalian.xlsx", **filters)
    rows = [[v for v in r if v is not None] for r in sheet_rows(tmp_path / "dalian.xlsx", 1)]
    # The ledger PDF's own description of the filter (it names a city by its code).
    assert rows[1] == ["筛选条件：210200；提出日期 ≥ 2026-03-01"]
    overall = demo.stats.figures_for(**filters)
    assert 0 < overall.received < demo.problems.count()
    i = rows.index(["受理数", "办结数", "办结率", "按期办结率", "超期数", "回访率", "满意率"])
    assert rows[i + 1][:3] == [overall.received, overall.resolved, overall.resolution_rate]
    j = rows.index(["问题类别", "受理数", "办结数", "办结率"])
    by_label = {r[0]: r[1:] for r in rows[j + 1 :]}
    assert by_label.pop("合计") == [overall.received, overall.resolved, overall.resolution_rate]
    for code in ("funding", "labour", "tax"):
        f = demo.stats.figures_for(**filters, category=code)
        if f.received:
            assert by_label[label("categories", code)] == [
                f.received,
                f.resolved,
                pytest.approx(f.resolution_rate),
            ]
    assert sum(v[0] for v in by_label.values()) == overall.received


@pytest.mark.parametrize(
    "filters",
    [
        {"category": "funding"},
        {"status": "received"},
        {"overdue": True},
        {"district": "210200"},  # a city: all its districts
        {"district": "210702"},
        {"department": "finance"},
        {"date_from": dt.date(2026, 6, 1), "date_to": dt.date(2026, 6, 30)},
        {"category": "labour", "date_from": dt.date(2026, 1, 1), "overdue": False},
    ],
)
def test_filters_select_what_the_ledger_report_selects(
    demo: Store, tmp_path: Path, filters: dict[str, Any]
) -> None:
    written = demo.exports.ledger(tmp_path / "f.xlsx", **filters)
    expected = [problem_number(p.number, True) for p in demo.problems.list(**filters)[::-1]]
    got = [r[0] for r in sheet_rows(tmp_path / "f.xlsx")[1:]]
    assert got == expected and written.rows == len(expected)
    if filters != {"department": "finance"}:
        assert expected, filters  # each filter is tried on data it selects


def test_the_problem_views_other_filters_too(demo: Store, tmp_path: Path) -> None:
    """The ledger view also filters by officer, search text and open problems only."""
    officer = demo.problems.officers()[0]
    for filters in ({"officer": officer}, {"search": "融资"}, {"open_only": True}):
        written = demo.exports.ledger(tmp_path / "o.csv", **filters)
        expected = [problem_number(p.number, True) for p in demo.problems.list(**filters)[::-1]]
        got = [r[0] for r in csv_rows(tmp_path / "o.csv", "utf-8-sig")[1:]]
        assert got == expected and written.rows == len(expected) > 0, filters


def test_english_labels(demo: Store, tmp_path: Path) -> None:
    demo.exports.ledger(tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert wb.sheetnames == ["Problem ledger", "Summary"]
    rows = by_header(sheet_rows(tmp_path / "en.xlsx"))
    assert list(rows[0]) == LEDGER_HEADER_EN
    first = demo.problems.list(sort="raised")[-1]
    assert rows[0]["Number"] == f"{first.number} (provisional)"
    assert rows[0]["Category"] == label("categories", first.category, "en")
    assert rows[0]["Status"] == label("status", first.status, "en")
    assert rows[0]["District"] == label("districts", first.district_code, "en")
    assert {r["Overdue"] for r in rows} == {"Yes", "No"}
    summary = [[v for v in r if v is not None] for r in sheet_rows(tmp_path / "en.xlsx", 1)]
    assert summary[0] == ["Problem ledger"] and summary[1] == ["Filters: all"]
    assert ["Category", "Received", "Resolved", "Resolution rate"] in summary


def test_csv_in_both_encodings_holds_what_the_xlsx_holds(demo: Store, tmp_path: Path) -> None:
    demo.exports.ledger(tmp_path / "l.xlsx")
    xlsx = sheet_rows(tmp_path / "l.xlsx")

    def text(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        return str(v)

    expected = [[text(v) for v in r] for r in xlsx]
    written = demo.exports.ledger(tmp_path / "utf8.csv")
    assert (written.format, written.encoding) == ("csv", "utf-8-sig")
    data = (tmp_path / "utf8.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert csv_rows(tmp_path / "utf8.csv", "utf-8-sig") == expected
    written = demo.exports.ledger(tmp_path / "gb.csv", encoding="gb18030")
    assert written.encoding == "gb18030"
    assert not (tmp_path / "gb.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert csv_rows(tmp_path / "gb.csv", "gb18030") == expected
    assert "问题描述" in expected[0] and any("有限公司" in r[1] for r in expected[1:])


# ---- records made for the purpose -----------------------------------------------------------


@pytest.fixture
def firm(store: Store) -> str:
    fields = {"name": "沈阳华辽机械有限公司", "district_code": "210102"}
    return store.enterprises.create(fields).record.id


def test_formula_text_is_neutralised_in_both_formats(
    store: Store, firm: str, tmp_path: Path
) -> None:
    hostile = '=HYPERLINK("http://evil.example","点击查看")'
    request = "@SUM(1+1)*cmd|' /C calc'!A0"
    p = store.problems.create(
        {"category": "funding", "description": hostile, "request": request},
        enterprise_id=firm,
    ).record
    store.problems.step(p.id, "resolve", StepInput(note="-1+1"))
    store.exports.ledger(tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2], strict=True))
    for name, value in (("问题描述", hostile), ("企业诉求", request), ("办理结果", "-1+1")):
        cell = row[name]
        # Text exactly as typed, with Excel's quote prefix: never run as a formula.
        assert cell.value == value and cell.data_type == "s" and cell.quotePrefix, name
    assert not row["企业名称"].quotePrefix
    store.exports.ledger(tmp_path / "x.csv")
    line = dict(zip(*csv_rows(tmp_path / "x.csv", "utf-8-sig"), strict=True))
    assert line["问题描述"] == "'" + hostile
    assert line["企业诉求"] == "'" + request
    assert line["办理结果"] == "'-1+1"


def test_a_number_from_the_server_is_not_marked(store: Store, firm: str, tmp_path: Path) -> None:
    a = store.problems.create({"category": "tax", "description": "退税慢"}, enterprise_id=firm)
    b = store.problems.create({"category": "tax", "description": "发票"}, enterprise_id=firm)
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE problem SET number = 'SY-2026-000123' WHERE id = ?", (a.record.id,))
    store.exports.ledger(tmp_path / "n.xlsx")
    numbers = {r[0] for r in sheet_rows(tmp_path / "n.xlsx")[1:]}
    assert numbers == {"SY-2026-000123", f"{b.record.number}（临时）"}


def test_deadline_department_and_overdue(store: Store, firm: str, tmp_path: Path) -> None:
    p = store.problems.create({"category": "labour", "description": "招工难"}, enterprise_id=firm)
    give_deadline(store, p.record.id, TODAY - dt.timedelta(days=3), "finance")
    store.exports.ledger(tmp_path / "d.xlsx", overdue=True)
    (row,) = by_header(sheet_rows(tmp_path / "d.xlsx"))
    assert row["办理时限"] == dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time())
    assert row["是否超期"] == "是" and row["办理状态"] == "已交办"
    assert row["牵头部门"] == label("departments", "finance")
    assert row["交办日期"] is not None


def test_deleted_problems_are_left_out(store: Store, firm: str, tmp_path: Path) -> None:
    keep = store.problems.create({"category": "tax", "description": "留"}, enterprise_id=firm)
    gone = store.problems.create({"category": "tax", "description": "删"}, enterprise_id=firm)
    store.problems.delete(gone.record.id)
    assert store.exports.ledger(tmp_path / "k.csv").rows == 1
    assert csv_rows(tmp_path / "k.csv", "utf-8-sig")[1][4] == keep.record.description


# ---- visits ---------------------------------------------------------------------------------


def test_visits_row_by_row(demo: Store, tmp_path: Path) -> None:
    date_from, date_to = dt.date(2026, 5, 1), dt.date(2026, 10, 31)
    written = demo.exports.visits(tmp_path / "v.xlsx", date_from, date_to)
    visits = demo.visits.list(date_from=date_from, date_to=date_to)[::-1]
    assert written.rows == len(visits) > 20
    wb = openpyxl.load_workbook(tmp_path / "v.xlsx")
    assert wb.sheetnames == ["走访记录", "汇总"]
    ws = wb["走访记录"]
    assert [c.value for c in ws[1]] == VISIT_HEADER_ZH
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:P{len(visits) + 1}"
    rows = by_header(sheet_rows(tmp_path / "v.xlsx"))
    assert [as_date(r["走访日期"]) for r in rows] == [v.visit_date for v in visits]
    assert all(c.is_date for c in next(ws.iter_cols(1, 1, 2)))
    v = next(v for v in visits if v.revenue is not None and v.people_met)
    row = next(
        r for r in rows if as_date(r["走访日期"]) == v.visit_date and r["走访小结"] == v.summary
    )
    district = demo.enterprises.get(v.enterprise_id).district_code
    raised = demo.problems.count(visit_id=v.id)
    assert row == {
        "走访日期": dt.datetime.combine(v.visit_date, dt.time()),
        "企业名称": v.enterprise_name,
        "所在区县": label("districts", district),
        "走访方式": label("visit_mode", v.mode),
        "走访人员": "、".join(v.officers) or None,
        "接待人员": v.people_met,
        "生产经营情况": v.business_situation,
        "产值（万元）": v.output_value,
        "营业收入（万元）": v.revenue,
        "职工人数": v.staff,
        "产能利用率（%）": v.capacity_use,
        "宣讲政策": v.policies,
        "企业意见建议": v.opinions,
        "现场解决情况": v.solved_on_site,
        "走访小结": v.summary,
        "反映问题数": raised,
    }
    summary = [[x for x in r if x is not None] for r in sheet_rows(tmp_path / "v.xlsx", 1)]
    assert summary[1] == ["统计期间：2026-05-01 – 2026-10-31"]
    i = summary.index(["走访次数", "走访企业数", "反映问题数"])
    firms = {x.enterprise_id for x in visits}
    problems = sum(demo.problems.count(visit_id=x.id) for x in visits)
    assert summary[i + 1] == [len(visits), len(firms), problems]
    j = summary.index(["走访方式", "走访次数"])
    assert sum(r[1] for r in summary[j + 1 :]) == len(visits)


def test_visits_csv_in_english(demo: Store, tmp_path: Path) -> None:
    written = demo.exports.visits(tmp_path / "v.csv", lang="en", encoding="gb18030")
    rows = csv_rows(tmp_path / "v.csv", "gb18030")
    assert written.rows == len(rows) - 1 == len(demo.visits.list())
    assert rows[0][:4] == ["Date", "Enterprise", "District", "Mode"]
    modes = {r[3] for r in rows[1:]}
    assert modes <= {"On site", "Phone", "Meeting", "Online"} and modes
    assert all(dt.date.fromisoformat(r[0]) for r in rows[1:])


# ---- bad input ------------------------------------------------------------------------------


def test_bad_requests_are_refused_and_write_nothing(demo: Store, tmp_path: Path) -> None:
    ex = demo.exports
    with pytest.raises(ValidationError, match="after"):
        ex.ledger(tmp_path / "a.xlsx", date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="after"):
        ex.visits(tmp_path / "a.xlsx", dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="unknown category"):
        ex.ledger(tmp_path / "a.xlsx", category="nonsense")
    with pytest.raises(ValidationError, match="unknown department"):
        ex.ledger(tmp_path / "a.xlsx", department="nonsense")
    with pytest.raises(ValidationError, match="unknown district"):
        ex.ledger(tmp_path / "a.xlsx", district="999999")
    with pytest.raises(ValidationError, match="unknown status"):
        ex.ledger(tmp_path / "a.xlsx", status="nonsense")
    with pytest.raises(InputError, match=r"\.xlsx or \.csv"):
        ex.ledger(tmp_path / "a.ods")
    with pytest.raises(InputError, match=r"\.xlsx or \.csv"):
        ex.visits(tmp_path / "a.txt")
    with pytest.raises(InputError, match="language"):
        ex.ledger(tmp_path / "a.xlsx", lang="fr")
    with pytest.raises(InputError, match="does not exist"):
        ex.ledger(tmp_path / "no" / "a.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["c.xlsx", "c.csv"])
def test_cancel_and_progress(demo: Store, tmp_path: Path, name: str) -> None:
    seen: list[tuple[int, int]] = []
    total = demo.problems.count()
    written = demo.exports.ledger(tmp_path / name, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (total, total) and written.rows == total
    (tmp_path / name).unlink()
    written = demo.exports.ledger(tmp_path / name, cancelled=lambda: True)
    assert written.cancelled and list(tmp_path.iterdir()) == []
    written = demo.exports.visits(tmp_path / name, cancelled=lambda: True)
    assert written.cancelled and list(tmp_path.iterdir()) == []

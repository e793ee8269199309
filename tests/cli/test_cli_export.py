"""`liaison export ledger|visits FILE`: .xlsx and .csv written, bad input refused with exit 2.

Over the known `office` data set (see conftest.py): five problems, two visits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from cli_support import TODAY, day, db_snapshot


def xlsx_rows(path, sheet=0):  # type: ignore[no-untyped-def]
    ws = openpyxl.load_workbook(path).worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def csv_rows(path, encoding):  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def test_export_ledger_to_xlsx(office, tmp_path):
    target = tmp_path / "台账.xlsx"
    info = office.cli.json("export", "ledger", str(target))
    assert info == {"path": str(target), "rows": 5, "format": "xlsx", "encoding": None}
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["问题台账", "汇总"]
    ws = wb["问题台账"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:V6" and ws["A1"].font.b
    rows = xlsx_rows(target)
    header = rows[0]
    by_description = {
        r[header.index("问题描述")]: dict(zip(header, r, strict=True)) for r in rows[1:]
    }
    p2 = by_description["设备融资租赁利率偏高"]
    assert p2["企业名称"] == "沈阳华辽机械有限公司" and p2["所在区县"] == "和平区"
    assert p2["问题类别"] == "资金与融资" and p2["紧急程度"] == "紧急"
    assert p2["是否超期"] == "是" and p2["办理状态"] == "已交办"
    deadline = dt.date.fromisoformat(day(-1))
    assert p2["办理时限"] == dt.datetime.combine(deadline, dt.time())
    assert p2["编号"].endswith("（临时）") and p2["登记人"] == "王小明"
    p4 = by_description["出口退税到账慢"]
    assert (
        p4["办理状态"] == "已销号" and p4["满意度"] == "满意" and p4["办理结果"] == "税务局加快审核"
    )
    assert by_description["港口集装箱运费上涨"]["登记人"] == "李四"
    # Oldest first, as the ledger is read: V2's problems (day -40) before V1's (day -10).
    raised = [r[header.index("提出日期")].date() for r in rows[1:]]
    assert raised == sorted(raised) and raised[0] == TODAY - dt.timedelta(days=40)
    summary = [[v for v in r if v is not None] for r in xlsx_rows(target, 1)]
    i = summary.index(["受理数", "办结数", "办结率", "按期办结率", "超期数", "回访率", "满意率"])
    assert summary[i + 1][:3] == [5, 3, pytest.approx(0.6)] and summary[i + 1][4] == 1
    assert ["资金与融资", 2, 1, 0.5] in summary and ["合计", 5, 3, pytest.approx(0.6)] in summary


def test_export_ledger_to_csv_with_filters_and_english(office, tmp_path):
    cli = office.cli
    target = tmp_path / "funding.csv"
    out, _ = cli("export", "ledger", str(target), "--category", "funding", "--lang", "en")
    assert out.strip() == str(target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csv_rows(target, "utf-8-sig")
    assert rows[0][:4] == ["Number", "Enterprise", "District", "Category"]
    assert len(rows) == 3 and {r[3] for r in rows[1:]} == {"Funding & credit"}
    assert all(r[0].endswith(" (provisional)") for r in rows[1:])

    target = tmp_path / "old.csv"
    info = cli.json("export", "ledger", str(target), "--overdue", "--encoding", "gb18030")
    assert info == {"path": str(target), "rows": 1, "format": "csv", "encoding": "gb18030"}
    rows = csv_rows(target, "gb18030")
    assert rows[1][1:5] == ["沈阳华辽机械有限公司", "和平区", "资金与融资", "设备融资租赁利率偏高"]
    assert rows[1][14] == day(-1)  # dates as YYYY-MM-DD

    info = cli.json(
        "export", "ledger", str(tmp_path / "p.xlsx"), "--district", "210202",
        "--from", day(-40), "--to", day(-40), "--status", "closed",
    )  # fmt: skip
    assert info["rows"] == 1
    assert xlsx_rows(tmp_path / "p.xlsx")[1][4] == "出口退税到账慢"


def test_export_visits(office, tmp_path):
    cli = office.cli
    info = cli.json("export", "visits", str(tmp_path / "v.xlsx"))
    assert (info["rows"], info["format"]) == (2, "xlsx")
    rows = xlsx_rows(tmp_path / "v.xlsx")
    header = rows[0]
    assert header[:4] == ["走访日期", "企业名称", "所在区县", "走访方式"]
    first = dict(zip(header, rows[1], strict=True))  # oldest first: V2 by phone
    assert first["走访日期"].date() == TODAY - dt.timedelta(days=40)
    assert first["企业名称"] == "大连海韵食品有限公司" and first["走访方式"] == "电话联系"
    assert first["走访小结"] == "了解出口订单" and first["反映问题数"] == 2
    assert dict(zip(header, rows[2], strict=True))["反映问题数"] == 3

    target = tmp_path / "v.csv"
    info = cli.json("export", "visits", str(target), "--from", day(-20), "--to", day(0))
    assert info["rows"] == 1 and info["encoding"] == "utf-8-sig"
    rows = csv_rows(target, "utf-8-sig")
    assert rows[1][:4] == [day(-10), "沈阳华辽机械有限公司", "和平区", "实地走访"]


def test_bad_exports_exit_2_and_write_nothing(office, tmp_path):
    cli = office.cli
    before = db_snapshot(cli.db_path)
    _, err = cli("export", "ledger", str(tmp_path / "a.xlsx"), "--from", "2026-13-01", expect=2)
    assert "from" in err and "not a date" in err
    _, err = cli("export", "visits", str(tmp_path / "a.xlsx"), "--to", "yesterday", expect=2)
    assert "to" in err
    _, err = cli("export", "ledger", str(tmp_path / "a.pdf"), expect=2)
    assert ".xlsx or .csv" in err
    _, err = cli("export", "visits", str(tmp_path / "missing" / "a.csv"), expect=2)
    assert "does not exist" in err
    _, err = cli("export", "ledger", str(tmp_path / "a.xlsx"), "--encoding", "gb18030", expect=2)
    assert ".csv" in err
    _, err = cli("export", "ledger", str(tmp_path / "a.xlsx"), "--category", "nope", expect=2)
    assert "unknown category" in err
    r = cli.expect("export", "ledger", str(tmp_path / "a.pdf"), "--json", expect=2)
    assert r.out == "" and "Traceback" not in r.err
    cli("export", "ledger", str(tmp_path / "a.csv"), "--encoding", "latin-1", expect=2)  # argparse
    assert list(tmp_path.iterdir()) == [] and db_snapshot(cli.db_path) == before

"""`liaison import enterprises|undo` end to end: the report on stdout, exit 0 / 2 / 1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cli_support import UNKNOWN_ID, USCC_BAD_CHECK, USCC_DALIAN, Liaison, db_snapshot, row_count
from openpyxl import Workbook

REPORT_KEYS = {"imported", "updated", "skipped", "errors", "id"}


def sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2026年企业名单"])
    ws.merge_cells("A1:E1")
    ws.append(["企业名称", "统一社会信用代码", "所属区县", "联系电话", "备注"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD = [
    ["沈阳华辽机械有限公司", None, "沈阳市和平区", 13912345678.0, dt.date(2026, 1, 2)],
    ["大连海韵食品有限公司", USCC_DALIAN.lower(), "中山区", "0411-82345678", None],
]
BAD = ["沈阳坏码有限公司", USCC_BAD_CHECK, "铁西区", "123", None]


def test_import_then_reimport_then_undo(cli: Liaison, tmp_path: Path) -> None:
    path = sheet(tmp_path / "list.xlsx", GOOD)
    report = cli.json("import", "enterprises", str(path))
    assert set(report) >= REPORT_KEYS
    assert (report["imported"], report["updated"], report["skipped"], report["errors"]) == (
        2, 0, 0, [],
    )  # fmt: skip
    assert report["id"]
    listed = cli.json("enterprise", "list")
    assert {e["name"] for e in listed} == {"沈阳华辽机械有限公司", "大连海韵食品有限公司"}
    assert {e["phone"] for e in listed} == {"13912345678", "0411-82345678"}
    again = cli.json("import", "enterprises", str(path))
    assert (again["imported"], again["updated"], again["id"]) == (0, 0, None)
    assert row_count(cli.db_path, "enterprise") == 2
    undone = cli.json("import", "undo", report["id"])
    assert undone["removed"] == 2
    assert cli.json("enterprise", "list") == []
    r = cli.expect("import", "undo", report["id"], expect=2)
    assert "already undone" in r.err
    r = cli.expect("import", "undo", UNKNOWN_ID, expect=2)
    assert "no import" in r.err


def test_invalid_rows_refuse_with_exit_2_and_the_report(cli: Liaison, tmp_path: Path) -> None:
    path = sheet(tmp_path / "bad.xlsx", [*GOOD, BAD])
    cli.json("enterprise", "list")  # the folder exists
    before = db_snapshot(cli.db_path)
    report = cli.json("import", "enterprises", str(path), expect=2)
    assert (report["imported"], report["id"]) == (0, None)
    assert {(e["row"], e["column"]) for e in report["errors"]} == {(5, "B"), (5, "C"), (5, "D")}
    assert all(set(e) >= {"row", "column", "message"} for e in report["errors"])
    assert db_snapshot(cli.db_path) == before
    # A dry run with invalid rows refuses too, even with --skip-invalid; nothing written.
    dry = cli.json("import", "enterprises", str(path), "--dry-run", "--skip-invalid", expect=2)
    assert dry["id"] is None and dry["imported"] == 2 and dry["skipped"] == 1
    assert db_snapshot(cli.db_path) == before
    # --skip-invalid imports the valid rows: exit 0, the rest reported.
    done = cli.json("import", "enterprises", str(path), "--skip-invalid")
    assert (done["imported"], done["skipped"], len(done["errors"])) == (2, 1, 3)
    assert done["id"]


def test_a_clean_dry_run_exits_0_and_writes_nothing(cli: Liaison, tmp_path: Path) -> None:
    path = sheet(tmp_path / "list.xlsx", GOOD)
    cli.json("enterprise", "list")
    before = db_snapshot(cli.db_path)
    report = cli.json("import", "enterprises", str(path), "--dry-run")
    assert (report["imported"], report["id"], report["errors"]) == (2, None, [])
    assert db_snapshot(cli.db_path) == before


def test_on_duplicate_skip_and_update(cli: Liaison, tmp_path: Path) -> None:
    cli.new_id("enterprise", "add", "--name", "大连海韵食品有限公司", "--uscc", USCC_DALIAN,
               "--district", "210202", "--phone", "13900000000")  # fmt: skip
    path = sheet(tmp_path / "list.xlsx", GOOD)
    skipped = cli.json("import", "enterprises", str(path), "--on-duplicate", "skip")
    assert (skipped["imported"], skipped["updated"], skipped["skipped"]) == (1, 0, 1)
    updated = cli.json("import", "enterprises", str(path))
    assert (updated["imported"], updated["updated"]) == (0, 1)
    phones = {e["name"]: e["phone"] for e in cli.json("enterprise", "list")}
    assert phones["大连海韵食品有限公司"] == "0411-82345678"
    assert row_count(cli.db_path, "enterprise") == 2


def test_unreadable_files_and_unknown_sheets_exit_2_with_a_report(
    cli: Liaison, tmp_path: Path
) -> None:
    big5 = tmp_path / "big5.csv"
    big5.write_bytes("企業名稱,地址\n瀋陽華遼,和平區\n".encode("big5"))
    report = cli.json("import", "enterprises", str(big5), expect=2)
    assert report["id"] is None and report["imported"] == 0
    assert "neither UTF-8 nor GB18030" in report["errors"][0]["message"]
    path = sheet(tmp_path / "list.xlsx", GOOD)
    report = cli.json("import", "enterprises", str(path), "--sheet", "鞍山", expect=2)
    assert "the sheets are: Sheet" in report["errors"][0]["message"]
    r = cli.expect("import", "enterprises", str(tmp_path / "missing.xlsx"), expect=2)
    assert "cannot read" in r.err and "Traceback" not in r.err


def test_csv_in_gb18030_imports(cli: Liaison, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        "企业名称,所属区县,联系电话\r\n沈阳华辽机械有限公司,和平区,13912345678\r\n".encode(
            "gb18030"
        )
    )
    report = cli.json("import", "enterprises", str(path))
    assert report["imported"] == 1 and report["encoding"] == "gb18030"


def test_human_output_names_rows_and_columns(cli: Liaison, tmp_path: Path) -> None:
    path = sheet(tmp_path / "bad.xlsx", [*GOOD, BAD])
    r = cli.expect("import", "enterprises", str(path), expect=2)
    assert "row 5, column B: uscc:" in r.out
    assert "row 5, column C: district '铁西区' is ambiguous" in r.out
    assert "nothing imported" in r.err and "--skip-invalid" in r.err
    r = cli.expect("import", "enterprises", str(path), "--skip-invalid")
    assert "imported 2" in r.out and "liaison import undo" in r.out
    out, _ = cli("import", "list")
    assert "bad.xlsx" in out

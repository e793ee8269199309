"""The pure .xlsx/.csv writers: files read back cell by cell, failures leave nothing behind."""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest

from liaison_app.errors import InputError
from liaison_app.exchange.writers import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    Column,
    Summary,
    Table,
    write_table,
)

COLUMNS = (
    Column("编号", 16),
    Column("问题描述", 50),
    Column("提出日期", 10),
    Column("更新时间", 16),
    Column("金额", 8, "#,##0.00"),
    Column("n", 4),
)
ROWS = [
    ("L-2026-000001", "流动资金贷款到期续贷困难", dt.date(2026, 3, 1), None, 12.5, 3),
    (
        "L-2026-000002",
        '=HYPERLINK("http://x","点我")',
        None,
        dt.datetime(2026, 3, 2, 9, 5),
        None,
        0,
    ),
    ("L-2026-000003", "+1", dt.date(2026, 3, 3), None, None, None),
    ("L-2026-000004", "-2", None, None, -7.0, -1),
    ("L-2026-000005", "@SUM(A1)", None, None, None, None),
    ("L-2026-000006", "\t=1+1", None, None, None, None),
    ("L-2026-000007", '换行\n第二行，逗号,引号"', None, None, None, None),
    ("L-2026-000008", "控制\x0b字符", None, None, None, None),
]
FORMULAS = {'=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "\t=1+1"}


def summary() -> Summary:
    return Summary(
        "汇总",
        ("问题台账", "筛选条件：全部"),
        (
            Table(
                "总体情况",
                (Column("受理数", number_format="#,##0"), Column("办结率", number_format="0.0%")),
                ((8, 0.875),),
            ),
        ),
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def openpyxl_temp_files() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "openpyxl.*")))


def test_xlsx_cell_by_cell(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    written = write_table(target, "问题台账", COLUMNS, ROWS, summary=summary)
    assert (written.rows, written.format, written.cancelled) == (8, "xlsx", False)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["问题台账", "汇总"]
    ws = wb["问题台账"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F9"
    assert ws.max_row == 9
    # Widths set up front: from the header or the typical content, whichever is wider.
    assert ws.column_dimensions["A"].width == 18
    assert ws.column_dimensions["B"].width == 52
    assert ws.column_dimensions["F"].width == 6  # never narrower than the minimum
    first = ws[2]
    assert first[0].value == "L-2026-000001"
    assert first[2].is_date and first[2].value.date() == dt.date(2026, 3, 1)
    assert first[2].number_format == DATE_FORMAT
    assert first[4].value == 12.5 and first[4].number_format == "#,##0.00"
    assert first[5].value == 3 and first[5].data_type == "n"
    stamp = ws["D3"]
    assert stamp.is_date and stamp.value == dt.datetime(2026, 3, 2, 9, 5)
    assert stamp.number_format == DATETIME_FORMAT
    assert ws["E5"].value == -7.0 and ws["F5"].value == -1  # numbers are not text
    assert ws["B8"].value == '换行\n第二行，逗号,引号"'
    assert ws["B9"].value == "控制 字符"  # a control character XML cannot hold


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    write_table(target, "t", COLUMNS, ROWS)
    ws = openpyxl.load_workbook(target).active
    for row in ws.iter_rows(min_row=2):
        cell = row[1]
        if cell.value in FORMULAS:
            # Text, exactly as given, with Excel's quote prefix (the hidden leading ').
            assert cell.data_type == "s" and cell.quotePrefix, cell.value
        else:
            assert not cell.quotePrefix
    assert ws["B3"].value == '=HYPERLINK("http://x","点我")'


def test_summary_sheet(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    write_table(target, "问题台账", COLUMNS, ROWS, summary=summary)
    ws = openpyxl.load_workbook(target)["汇总"]
    rows = [tuple(c for c in r if c is not None) for r in ws.iter_rows(values_only=True)]
    assert rows == [
        ("问题台账",),
        ("筛选条件：全部",),
        (),
        ("总体情况",),
        ("受理数", "办结率"),
        (8, 0.875),
    ]
    assert ws["A4"].font.b and ws["A5"].font.b and ws["B5"].font.b
    assert ws["B6"].number_format == "0.0%"


def test_csv_utf8_with_bom_by_default(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    written = write_table(target, "t", COLUMNS, ROWS, summary=summary)
    assert (written.format, written.encoding, written.rows) == ("csv", "utf-8-sig", 8)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [c.header for c in COLUMNS]
    assert rows[1] == ["L-2026-000001", "流动资金贷款到期续贷困难", "2026-03-01", "", "12.5", "3"]
    assert rows[2][1] == '\'=HYPERLINK("http://x","点我")' and rows[2][3] == "2026-03-02 09:05"
    assert [r[1] for r in rows[3:7]] == ["'+1", "'-2", "'@SUM(A1)", "'\t=1+1"]
    assert rows[4][4:] == ["-7.0", "-1"]  # negative numbers stay numbers
    assert rows[7][1] == '换行\n第二行，逗号,引号"'
    assert len(rows) == 9  # the summary is for .xlsx only
    assert b"\r\n" in data  # Excel's line ends


def test_csv_gb18030(tmp_path: Path) -> None:
    target = tmp_path / "old.csv"
    rare = [("𠀀𪚥", "鿿 emoji 😀", dt.date(2026, 1, 1), None, None, None)]  # beyond GBK
    written = write_table(target, "t", COLUMNS, ROWS + rare, encoding="gb18030")
    assert written.encoding == "gb18030"
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("gb18030"), newline="")))
    assert rows[1][1] == "流动资金贷款到期续贷困难"
    assert rows[-1][:3] == ["𠀀𪚥", "鿿 emoji 😀", "2026-01-01"]


def test_an_encoding_that_cannot_hold_the_text_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("the previous export")
    with pytest.raises(InputError) as exc:
        write_table(
            target, "t", COLUMNS, ROWS + [("x", "😀", None, None, None, None)], encoding="gbk"
        )
    message = str(exc.value)
    assert "record 9" in message and "问题描述" in message and "U+1F600" in message
    assert "gb18030" in message
    assert target.read_text() == "the previous export" and leftovers(tmp_path) == []
    with pytest.raises(InputError, match="unknown encoding"):
        write_table(target, "t", COLUMNS, ROWS, encoding="klingon")
    with pytest.raises(InputError, match=".csv files only"):
        write_table(tmp_path / "x.xlsx", "t", COLUMNS, ROWS, encoding="gb18030")


@pytest.mark.parametrize("name", ["out.pdf", "out", "out.xls", "out.csv.txt"])
def test_unknown_extension_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match=r"\.xlsx or \.csv"):
        write_table(tmp_path / name, "t", COLUMNS, ROWS)
    assert list(tmp_path.iterdir()) == []


def test_extension_in_capitals(tmp_path: Path) -> None:
    assert write_table(tmp_path / "OUT.XLSX", "t", COLUMNS, ROWS).format == "xlsx"
    assert write_table(tmp_path / "OUT.CSV", "t", COLUMNS, ROWS).format == "csv"


def test_a_target_that_cannot_be_written(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_table(tmp_path / "missing" / "out.xlsx", "t", COLUMNS, ROWS)
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_table(tmp_path / "dir.xlsx", "t", COLUMNS, ROWS)
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(InputError, match="cannot write"):
                write_table(locked / "out.csv", "t", COLUMNS, ROWS)
        finally:
            locked.chmod(0o700)


@pytest.mark.parametrize("name", ["out.xlsx", "out.csv"])
def test_a_failure_midway_leaves_the_old_file_and_nothing_else(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_bytes(b"previous")
    before = openpyxl_temp_files()

    def rows():  # type: ignore[no-untyped-def]
        for i in range(2_000):
            if i == 1_500:
                raise RuntimeError("the database went away")
            yield (f"n{i}", "text", dt.date(2026, 1, 1), None, None, i)

    with pytest.raises(RuntimeError, match="went away"):
        write_table(target, "t", COLUMNS, rows(), summary=summary)
    assert target.read_bytes() == b"previous"
    assert leftovers(tmp_path) == [] and sorted(tmp_path.iterdir()) == [target]
    assert openpyxl_temp_files() == before


@pytest.mark.parametrize("name", ["out.xlsx", "out.csv"])
def test_cancel_leaves_nothing(tmp_path: Path, name: str) -> None:
    seen: list[tuple[int, int]] = []
    before = openpyxl_temp_files()
    rows = ((f"n{i}", "text", None, None, None, i) for i in range(5_000))
    written = write_table(
        tmp_path / name,
        "t",
        COLUMNS,
        rows,
        total=5_000,
        progress=lambda done, total: seen.append((done, total)),
        cancelled=lambda: len(seen) >= 3,
    )
    assert written.cancelled and written.rows == 2_000  # checked before each report
    assert seen == [(500, 5_000), (1_000, 5_000), (1_500, 5_000)]
    assert list(tmp_path.iterdir()) == []
    assert openpyxl_temp_files() == before


def test_progress_reaches_the_end_and_the_file_replaces_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    seen: list[tuple[int, int]] = []
    rows = [(f"n{i}", "t", None, None, None, i) for i in range(1_200)]
    written = write_table(
        target, "t", COLUMNS, rows, total=1_200, progress=lambda d, t: seen.append((d, t))
    )
    assert written.rows == 1_200 and seen[-1] == (1_200, 1_200)
    # (A streamed sheet has no <dimension>: read-only readers count the rows themselves.)
    assert sum(1 for _ in openpyxl.load_workbook(target, read_only=True).active.rows) == 1_201
    assert os.stat(target).st_mode & 0o044  # an ordinary file's permissions, not mkstemp's
    assert leftovers(tmp_path) == []


def test_an_empty_export_still_has_its_header(tmp_path: Path) -> None:
    write_table(tmp_path / "e.xlsx", "t", COLUMNS, [], summary=summary)
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx").active
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:F1"
    write_table(tmp_path / "e.csv", "t", COLUMNS, [])
    assert (tmp_path / "e.csv").read_text("utf-8-sig").splitlines() == [
        ",".join(c.header for c in COLUMNS)
    ]


@pytest.mark.parametrize("name", ["out.xlsx", "out.csv"])
def test_the_rows_generator_is_closed_at_once_on_cancel(tmp_path: Path, name: str) -> None:
    closed: list[bool] = []

    def rows():  # type: ignore[no-untyped-def]
        try:
            for i in range(5_000):
                yield (f"n{i}", "t", None, None, None, i)
        finally:
            closed.append(True)  # where a database read would end its transaction

    written = write_table(tmp_path / name, "t", COLUMNS, rows(), cancelled=lambda: True)
    assert written.cancelled and closed == [True]

"""Reading sheets: encodings, header rows, cell values, and hostile files (no Session here)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from liaison_app.domain import reference
from liaison_app.errors import InputError
from liaison_app.exchange import cells
from liaison_app.exchange.enterprise_rows import parse_enterprises
from liaison_app.exchange.headers import find_header, header_key
from liaison_app.exchange.resolve import DistrictRef, Resolution, Resolver
from liaison_app.exchange.sheets import decode, read_sheet

from .sheets_support import USCC_A, sample_rows, write_csv, write_xlsx


def resolver() -> Resolver:
    districts = [DistrictRef(d.code, d.zh, d.en, d.parent) for d in reference.districts()]
    industries = [(i.code, i.zh, i.en) for i in reference.INDUSTRIES]
    return Resolver(districts, reference.cities(), industries)


CODES = {
    "districts": frozenset(d.code for d in reference.districts()),
    "industries": frozenset(i.code for i in reference.INDUSTRIES),
}


def parse(path: Path, **kw):  # type: ignore[no-untyped-def]
    return parse_enterprises(
        read_sheet(path, kw.pop("sheet", None)), resolver(), CODES.__getitem__, **kw
    )


# ---- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (13912345678.0, "13912345678"),
        (1.5, "1.5"),
        (42, "42"),
        ("  沈阳\u00a0", "沈阳"),
        ("\u3000\u200b和平区\ufeff ", "和平区"),
        ("", None),
        ("   ", None),
        (None, None),
        (dt.datetime(2026, 1, 2), "2026-01-02"),
        (dt.date(2026, 1, 2), "2026-01-02"),
        (True, "是"),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cells.to_text(value) == text


@pytest.mark.parametrize("bad", ["a\x00b", "x\x07", "\x1b[31m"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(cells.CellError, match="U\\+00"):
        cells.to_text(bad)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (46024, dt.date(2026, 1, 2)),
        (46024.75, dt.date(2026, 1, 2)),
        ("46024", dt.date(2026, 1, 2)),
        ("2026-01-02", dt.date(2026, 1, 2)),
        ("2026/1/2", dt.date(2026, 1, 2)),
        ("2026年1月2日", dt.date(2026, 1, 2)),
        ("20260102", dt.date(2026, 1, 2)),
        ("２０２６－０１－０２", dt.date(2026, 1, 2)),
        (dt.datetime(2026, 1, 2, 9, 30), dt.date(2026, 1, 2)),
        (1, dt.date(1900, 1, 1)),
        (None, None),
    ],
)
def test_dates_from_serials_and_text(value: object, day: dt.date | None) -> None:
    assert cells.to_date(value) == day


@pytest.mark.parametrize("bad", ["2026-02-30", "明天", -3, "1e400"])
def test_a_non_date_is_a_cell_error(bad: object) -> None:
    with pytest.raises(cells.CellError):
        cells.to_date(bad)


def test_column_letters_as_excel_names_them() -> None:
    assert [cells.column_letter(i) for i in (0, 25, 26, 27, 701, 702, 16383)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA", "XFD",
    ]  # fmt: skip
    assert cells.column_index("XFD") == 16383


@pytest.mark.parametrize(("word", "flag"), [("是", True), ("否", False), ("Y", True), ("√", True)])
def test_flags(word: str, flag: bool) -> None:
    assert cells.to_flag(word) is flag


# ---- resolving names ------------------------------------------------------------------------


def test_district_names_and_codes() -> None:
    r = resolver()
    assert r.district("和平区") == "210102"
    assert r.district("沈阳市和平区") == "210102"
    assert r.district("辽宁省沈阳市和平区") == "210102"
    assert r.district("和平") == "210102"
    assert r.district("210102") == "210102"
    assert r.district("鞍山市铁西区") == "210303"
    assert r.district("铁西区", city="沈阳市") == "210106"
    assert r.district("Heping District") == "210102"


def test_an_ambiguous_district_names_both() -> None:
    with pytest.raises(Resolution, match="ambiguous.*210106.*210303"):
        resolver().district("铁西区")


def test_industries_and_unknowns() -> None:
    r = resolver()
    assert r.industry("c3411") == "C3411"
    assert r.industry("制造业") == "C"
    assert r.industry("C3411 金属结构制造") == "C3411"
    with pytest.raises(Resolution):
        r.industry("造船")


# ---- headers --------------------------------------------------------------------------------


def test_header_row_found_below_title_and_merged_cells(tmp_path: Path) -> None:
    parsed = parse(write_xlsx(tmp_path / "a.xlsx", sample_rows()))
    assert parsed.header.row == 3
    assert parsed.header.mapping == {
        "序号": None,
        "企业名称": "name",
        "统一社会信用代码": "uscc",
        "所属区县": "district_code",
        "行业": "industry_code",
        "规模": "size",
        "联系电话": "phone",
        "备注": "notes",
    }


def test_english_headers_and_marks(tmp_path: Path) -> None:
    headers = ["Enterprise name*", "USCC", "District", "Industry code", "Size", "Phone", "Remarks"]
    path = write_xlsx(
        tmp_path / "en.xlsx",
        [["Dalian Haiyun Foods", USCC_A, "Zhongshan District", "C", "small", "13912345678", ""]],
        headers,
        title=None,
    )
    parsed = parse(path)
    assert parsed.header.row == 1
    row = parsed.rows[0]
    assert row.ok, row.errors
    assert row.values["district_code"] == "210202"
    assert row.values["size"] == "small"


def test_mapping_override_takes_a_column_and_leaves_one_out(tmp_path: Path) -> None:
    headers = ["单位", "代码", "所属区县", "备注"]
    path = write_xlsx(
        tmp_path / "m.xlsx", [["沈阳华辽机械有限公司", USCC_A, "和平区", "x"]], headers
    )
    with pytest.raises(InputError, match="header row"):
        parse(path)
    parsed = parse(path, mapping={"单位": "name", "代码": "uscc", "备注": None})
    assert parsed.rows[0].values == {
        "name": "沈阳华辽机械有限公司",
        "uscc": USCC_A,
        "district_code": "210102",
    }
    with pytest.raises(InputError, match="no field"):
        parse(path, mapping={"单位": "name", "代码": "passport"})


def test_header_key_ignores_order_width_and_spaces() -> None:
    assert header_key(["企业名称", "ＵＳＣＣ"]) == header_key(["uscc ", "企业名称"])
    assert header_key(["企业名称"]) != header_key(["企业名称", "地址"])


def test_no_header_row_is_a_clear_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [["a", "b"]], ["甲", "乙"], title=None)
    with pytest.raises(InputError, match="no header row found"):
        parse(path)
    rows = [(1, ["企业名称", "备注"])]
    assert find_header(rows).row == 1


# ---- sheets ---------------------------------------------------------------------------------


def test_sheet_option_picks_a_sheet_and_an_unknown_one_lists_them(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", sample_rows(), extra_sheets=["大连"])
    assert read_sheet(path).name == "企业名单"
    assert read_sheet(path, "大连").name == "大连"
    with pytest.raises(InputError, match="no sheet named '鞍山'.*企业名单, 大连"):
        read_sheet(path, "鞍山")


def test_cells_read_as_meant(tmp_path: Path) -> None:
    parsed = parse(write_xlsx(tmp_path / "a.xlsx", sample_rows()))
    by_row = {r.row: r for r in parsed.rows}
    assert sorted(by_row) == [4, 6, 7]  # the empty row 5 is skipped, rows as Excel numbers them
    a, b, c = by_row[4], by_row[6], by_row[7]
    assert all(r.ok for r in (a, b, c)), [r.errors for r in (a, b, c)]
    assert a.values["name"] == "沈阳华辽机械有限公司"
    assert a.values["uscc"] == USCC_A  # typed in lower case
    assert a.values["phone"] == "13912345678"  # Excel had made it 13912345678.0
    assert a.values["notes"] == "2026-01-02"  # a date cell in a text column
    assert a.values["size"] == "small"
    assert b.values["uscc"].isascii()  # full width folded
    assert b.values["district_code"] == "210102"  # a number stored as text
    assert b.values["industry_code"] == "C"
    assert c.values["district_code"] == "210106"
    assert c.values["industry_code"] == "C"


def test_a_serial_with_a_date_format_reads_as_a_date(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "d.xlsx", [["沈阳华辽机械有限公司", 46024]], ["企业名称", "备注"])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws["B4"].number_format = "yyyy-mm-dd"
    wb.save(path)
    assert parse(path).rows[0].values["notes"] == "2026-01-02"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    rows = [
        [
            1,
            "沈阳华辽机械有限公司",
            USCC_A.lower(),
            "沈阳市和平区",
            "C3411",
            "小型",
            "13912345678",
            "重点",
        ]
    ]
    path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding)
    sheet = read_sheet(path)
    assert sheet.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    parsed = parse(path)
    assert parsed.header.row == 1
    assert parsed.rows[0].values["name"] == "沈阳华辽机械有限公司"
    assert parsed.rows[0].values["district_code"] == "210102"


def test_a_csv_in_neither_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big5.csv"
    path.write_bytes("企業名稱,地址\n瀋陽華遼機械有限公司,和平區\n".encode("big5"))
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        read_sheet(path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Enterprise name,Notes\nCafé Müller,ça va\n".encode("latin-1"))
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        read_sheet(latin)
    with pytest.raises(InputError, match="neither"):
        decode(bytes(range(128, 256)) * 4)


def test_a_quote_never_closed_is_an_error_not_a_cell_that_swallows_the_rest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('企业名称,所属区县\n"沈阳华辽机械有限公司,和平区\n大东公司,大东区\n', "utf-8")
    with pytest.raises(InputError, match=r"row 2 .*quote \(\"\) opened here is never closed"):
        list(read_sheet(path).rows)


def test_a_workbook_named_csv_and_junk_named_xlsx(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "a.xlsx", sample_rows())
    renamed = tmp_path / "a.csv"
    renamed.write_bytes(xlsx.read_bytes())
    with pytest.raises(InputError, match="zip archive"):
        read_sheet(renamed)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook" * 100)
    with pytest.raises(InputError, match="not an .xlsx workbook"):
        read_sheet(junk)
    with pytest.raises(InputError, match="only .xlsx and .csv"):
        read_sheet(_touch(tmp_path / "a.ods"))
    with pytest.raises(InputError, match="cannot read"):
        read_sheet(tmp_path / "missing.xlsx")


def _touch(path: Path) -> Path:
    path.write_bytes(b"x")
    return path


# ---- hostile input --------------------------------------------------------------------------


def test_nul_and_control_characters_are_row_errors_never_values(tmp_path: Path) -> None:
    rows = [["沈阳\x00华辽机械有限公司", "ok"], ["沈阳北方重型机械有限公司", "bell\x07"]]
    parsed = parse(write_csv(tmp_path / "nul.csv", rows, "utf-8", ["企业名称", "备注"]))
    assert [r.row for r in parsed.rows] == [2, 3]
    assert all(not r.ok and not r.values for r in parsed.rows)
    assert "NUL" in parsed.rows[0].errors[0].message
    assert parsed.rows[0].errors[0].column == "A"
    assert parsed.rows[1].errors[0].column == "B"


def test_a_10000_character_cell(tmp_path: Path) -> None:
    rows = [["甲" * 10_000, "x"], ["沈阳华辽机械有限公司", "备" * 10_000]]
    parsed = parse(write_xlsx(tmp_path / "long.xlsx", rows, ["企业名称", "备注"]))
    first, second = parsed.rows
    assert not first.ok and "at most 200" in first.errors[0].message
    assert first.errors[0].column == "A"
    assert second.ok and len(second.values["notes"]) == 10_000


def test_a_sheet_16384_columns_wide_is_read(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["企业名称", "所属区县"])
    ws.append(["沈阳华辽机械有限公司", "和平区"])
    ws.cell(row=2, column=16384, value="far right")
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    parsed = parse(path)
    assert [r.values for r in parsed.rows] == [
        {"name": "沈阳华辽机械有限公司", "district_code": "210102"}
    ]


def test_a_stray_cell_at_the_far_corner_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["企业名称"])
    ws.cell(row=1_048_576, column=16_384, value="x")
    path = tmp_path / "corner.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="A1:XFD1048576.*stray cells"):
        read_sheet(path)


def test_a_million_empty_rows_are_skipped_quickly(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["企业名称", "所属区县"])
    ws.append(["沈阳华辽机械有限公司", "和平区"])
    ws.cell(row=1_048_576, column=1, value=" ")
    path = tmp_path / "tall.xlsx"
    wb.save(path)
    start = time.perf_counter()
    parsed = parse(path)
    assert time.perf_counter() - start < 30
    assert [r.row for r in parsed.rows] == [2]


def test_formatted_but_empty_cells_far_away_do_not_count(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["企业名称", "所属区县"])
    ws.append(["沈阳华辽机械有限公司", "和平区"])
    ws.cell(row=1_048_576, column=16_384).number_format = "@"  # styled, no value
    path = tmp_path / "styled.xlsx"
    wb.save(path)
    assert [r.row for r in parse(path).rows] == [2]


def test_a_csv_cell_over_the_limit_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text('企业名称,备注\n甲公司,"' + "x" * 1_100_000 + '"\n', "utf-8")
    with pytest.raises(InputError, match="row 2 .*cannot be read"):
        parse(path)

"""ImportService: one transaction, outbox and search in step, duplicates, dry runs and undo."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from liaison_app.domain import uscc
from liaison_app.errors import InputError, NotFoundError
from liaison_app.services.store import Store

from .sheets_support import USCC_A, USCC_B, USCC_C, sample_rows, write_csv, write_xlsx

COUNTED = ("enterprise", "sync_outbox", "search_doc", "import_batch", "app_meta")


def counts(store: Store) -> dict[str, int]:
    con = sqlite3.connect(store.db.path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        con.close()


def outbox(store: Store) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(store.db.path)
    try:
        return con.execute(
            "SELECT entity, record_id, op, json(body) FROM sync_outbox ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def by_name(store: Store) -> dict[str, Any]:
    return {e.name: e for e in store.enterprises.list()}


def test_an_xlsx_imports_every_firm_in_one_go(store: Store, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", sample_rows())
    report = store.imports.enterprises(path)
    assert report.ok and report.errors == ()
    assert (report.imported, report.updated, report.skipped, report.rows) == (3, 0, 0, 3)
    assert report.id is not None
    firms = by_name(store)
    a = firms["沈阳华辽机械有限公司"]
    assert (a.uscc, a.district_code, a.industry_code, a.size, a.phone, a.notes) == (
        USCC_A, "210102", "C3411", "small", "13912345678", "2026-01-02",
    )  # fmt: skip
    assert a.officer == "王小明"  # the folder's officer, as for a firm added by hand
    assert firms["沈阳北方重型机械有限公司"].uscc == USCC_B
    # Sync carries it: one create per firm, in the same transaction; search finds them.
    ops = outbox(store)
    assert [(e, op) for e, _, op, _ in ops] == [("enterprise", "create")] * 3
    assert {r for _, r, _, _ in ops} == {e.id for e in firms.values()}
    assert [h.title for h in store.search.search("华辽", ("enterprise",))] == [
        "沈阳华辽机械有限公司"
    ]
    assert [b.id for b in store.imports.list()] == [report.id]


def test_csv_imports_like_xlsx(store: Store, tmp_path: Path) -> None:
    rows = [[1, "沈阳华辽机械有限公司", USCC_A, "和平区", "C3411", "小型", "13912345678", ""]]
    report = store.imports.enterprises(write_csv(tmp_path / "gbk.csv", rows, "gb18030"))
    assert report.imported == 1 and report.encoding == "gb18030"


def test_a_firm_known_by_name_alone_is_imported_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "bare.csv"
    path.write_text("企业名称,所属区县\n无区县公司,\n", "utf-8")
    report = store.imports.enterprises(path)
    assert report.imported == 1
    assert [(w.row, w.field) for w in report.warnings] == [(2, "district_code")]
    assert store.imports.enterprises(path).imported == 0  # and found again by its name


def test_invalid_rows_refuse_everything_by_default(store: Store, tmp_path: Path) -> None:
    rows = sample_rows()
    rows.append([4, "沈阳坏码有限公司", "91310115MA1H8R7C6D", "铁西区", "C", "巨型", "123", None])
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    before = counts(store)
    report = store.imports.enterprises(path)
    assert report.refused and report.id is None and report.imported == 0
    assert counts(store) == before
    found = {(e.row, e.column) for e in report.errors}
    # Row 8 as Excel numbers it: title, blank, header, three firms, the empty row, this one.
    assert found == {(8, "C"), (8, "D"), (8, "F"), (8, "G")}  # every problem of the row
    messages = " | ".join(e.message for e in report.errors)
    assert "check character" in messages and "ambiguous" in messages and "巨型" in messages
    # ...and with skip_invalid the good rows go in, the bad one is reported.
    report = store.imports.enterprises(path, skip_invalid=True)
    assert (report.imported, report.skipped, report.refused) == (3, 1, False)
    assert len(report.errors) == 4


def test_bad_phone_number_points_at_its_cell(store: Store, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [["沈阳华辽机械有限公司", 1234.0]],
        ["企业名称", "联系电话"],
        title=None,
    )
    report = store.imports.enterprises(path)
    assert [(e.row, e.column, e.field) for e in report.errors] == [(2, "B", "phone")]


def test_a_dry_run_writes_nothing(store: Store, tmp_path: Path) -> None:
    store.enterprises.create(
        {"name": "沈阳华辽机械有限公司", "uscc": USCC_A, "district_code": "210102"}
    )
    before = counts(store)
    path = write_xlsx(tmp_path / "list.xlsx", sample_rows())
    report = store.imports.enterprises(path, dry_run=True)
    assert report.dry_run and report.id is None and not report.refused
    assert (report.imported, report.updated) == (2, 1)
    assert counts(store) == before
    bad = write_xlsx(
        tmp_path / "bad.xlsx", [[1, "甲公司", "123"]], ["序号", "企业名称", "统一社会信用代码"]
    )
    report = store.imports.enterprises(bad, dry_run=True, skip_invalid=True)
    assert report.refused and counts(store) == before


def test_reimporting_duplicates_nothing(store: Store, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", sample_rows())
    store.imports.enterprises(path)
    before = counts(store)
    again = store.imports.enterprises(path)
    assert (again.imported, again.updated, again.unchanged, again.id) == (0, 0, 3, None)
    assert counts(store) == before


def test_a_match_updates_only_what_the_sheet_gives_and_changes(
    store: Store, tmp_path: Path
) -> None:
    e = store.enterprises.create(
        {"name": "沈阳华辽机械有限公司", "uscc": USCC_A, "district_code": "210102",
         "address": "沈阳市和平区南京北街1号", "phone": "13900000000"}
    ).record  # fmt: skip
    no_code = store.enterprises.create(
        {"name": "沈阳铁西装备制造有限公司", "district_code": "210106"}
    )
    before_outbox = len(outbox(store))
    path = write_xlsx(tmp_path / "list.xlsx", sample_rows())
    report = store.imports.enterprises(path)
    assert (report.imported, report.updated) == (1, 2)
    after = store.enterprises.get(e.id)
    assert after.phone == "13912345678" and after.address == "沈阳市和平区南京北街1号"
    # The firm on record before its USCC was known is the same firm, not a second one.
    twin = store.enterprises.get(no_code.record.id)
    assert twin.uscc == USCC_C and store.enterprises.count() == 3
    updates = [o for o in outbox(store)[before_outbox:] if o[2] == "update"]
    import json

    body = json.loads(next(o[3] for o in updates if o[1] == e.id))
    assert body["base"]["phone"] == "13900000000"
    assert body["fields"]["phone"] == "13912345678"
    assert "address" not in body["fields"]
    skipped = store.imports.enterprises(path, on_duplicate="skip")
    assert (skipped.imported, skipped.updated, skipped.skipped) == (0, 0, 3)


def test_rows_of_one_file_that_match_each_other_are_an_error(store: Store, tmp_path: Path) -> None:
    rows = [
        ["沈阳华辽机械有限公司", USCC_A, "和平区"],
        ["沈阳华辽机械（集团）", USCC_A.lower(), "和平区"],
        ["大连海韵食品有限公司", None, "中山区"],
        ["大连海韵食品有限公司 ", "", "大连市中山区"],
        ["大连海韵食品有限公司", None, "西岗区"],
    ]
    path = write_xlsx(
        tmp_path / "dup.xlsx", rows, ["企业名称", "统一社会信用代码", "所属区县"], title=None
    )
    report = store.imports.enterprises(path, skip_invalid=True)
    assert [(e.row, e.column) for e in report.errors] == [(3, "B"), (5, "A")]
    assert "row 2" in report.errors[0].message and "row 4" in report.errors[1].message
    assert report.imported == 3


def test_ambiguous_district_is_a_row_error_unless_the_city_tells(
    store: Store, tmp_path: Path
) -> None:
    headers = ["企业名称", "所属城市", "区县名称"]
    rows = [["甲公司", "", "铁西区"], ["乙公司", "鞍山市", "铁西区"], ["丙公司", "", "沈阳铁西区"]]
    report = store.imports.enterprises(
        write_xlsx(tmp_path / "t.xlsx", rows, headers), skip_invalid=True
    )
    assert [(e.row, e.column, e.field) for e in report.errors] == [(4, "C", "district_code")]
    assert {e.name: e.district_code for e in store.enterprises.list()} == {
        "乙公司": "210303",
        "丙公司": "210106",
    }


def test_undo_takes_the_import_back_in_one_step(store: Store, tmp_path: Path) -> None:
    old = store.enterprises.create(
        {
            "name": "沈阳华辽机械有限公司",
            "uscc": USCC_A,
            "district_code": "210102",
            "phone": "13900000000",
        }
    ).record
    report = store.imports.enterprises(write_xlsx(tmp_path / "list.xlsx", sample_rows()))
    assert report.id and (report.imported, report.updated) == (2, 1)
    ops_before = len(outbox(store))
    result, changes = store.imports.undo(report.id)
    assert (result.removed, result.restored) == (2, 1)
    assert [e.id for e in store.enterprises.list()] == [old.id]
    assert store.enterprises.get(old.id).phone == "13900000000"
    new_ops = outbox(store)[ops_before:]
    assert sorted(op for _, _, op, _ in new_ops) == ["delete", "delete", "update"]
    assert store.search.search("北方重型", ("enterprise",)) == []
    assert changes.ids == {old.id, *report.created_ids}
    assert store.imports.list()[0].undone_at is not None
    with pytest.raises(InputError, match="already undone"):
        store.imports.undo(report.id)
    with pytest.raises(NotFoundError):
        store.imports.undo("01a00000-0000-7000-8000-000000000000")


def test_undo_keeps_a_field_changed_since(store: Store, tmp_path: Path) -> None:
    old = store.enterprises.create(
        {"name": "沈阳华辽机械有限公司", "uscc": USCC_A, "phone": "13900000000"}
    )
    report = store.imports.enterprises(write_xlsx(tmp_path / "list.xlsx", sample_rows()[:1]))
    store.enterprises.update(old.record.id, {"phone": "13700000000"})
    result, _ = store.imports.undo(report.id or "")
    assert store.enterprises.get(old.record.id).phone == "13700000000"
    assert any("phone changed since" in k for k in result.kept)


def test_undo_is_refused_when_a_created_firm_has_visits(store: Store, tmp_path: Path) -> None:
    report = store.imports.enterprises(write_xlsx(tmp_path / "list.xlsx", sample_rows()))
    firm = by_name(store)["沈阳北方重型机械有限公司"]
    store.visits.create(firm.id, {"visit_date": "2026-11-01", "summary": "走访"})
    before = counts(store)
    with pytest.raises(InputError, match="沈阳北方重型机械有限公司.*1 visit"):
        store.imports.undo(report.id or "")
    assert counts(store) == before and store.imports.list()[0].undone_at is None


def test_a_corrected_mapping_is_remembered_for_the_same_headers(
    store: Store, tmp_path: Path
) -> None:
    headers = ["单位", "代码", "区县"]
    path = write_xlsx(tmp_path / "a.xlsx", [["沈阳华辽机械有限公司", USCC_A, "和平区"]], headers)
    with pytest.raises(InputError, match="header row"):
        store.imports.enterprises(path)
    report = store.imports.enterprises(path, mapping={"单位": "name", "代码": "uscc"})
    assert report.imported == 1
    other = write_xlsx(tmp_path / "b.xlsx", [["大连海韵食品有限公司", "", "中山区"]], headers)
    assert store.imports.enterprises(other).imported == 1  # no mapping given: remembered


def test_cancel_writes_nothing_and_progress_is_told(store: Store, tmp_path: Path) -> None:
    rows = [[f"沈阳测试{i:05d}有限公司", "和平区"] for i in range(2_000)]
    path = write_csv(tmp_path / "big.csv", rows, "utf-8", ["企业名称", "所属区县"])
    before = counts(store)
    report = store.imports.enterprises(path, cancelled=lambda: True)
    assert report.cancelled and report.id is None and counts(store) == before
    seen: list[tuple[int, int]] = []
    report = store.imports.enterprises(path, progress=lambda d, t: seen.append((d, t)))
    assert report.imported == 2_000
    assert seen and seen[-1] == (2_000, 2_000)


def test_ten_thousand_rows(store: Store, tmp_path: Path) -> None:
    rows = []
    for i in range(10_000):
        code = uscc.with_check_character(f"91210102MA{i:07d}")
        rows.append(
            [i + 1, f"沈阳测试{i:05d}有限公司", code, "和平区", "C", "小型", 13900000000 + i, None]
        )
    path = write_xlsx(tmp_path / "10k.xlsx", rows)
    report = store.imports.enterprises(path)
    assert report.ok and report.imported == 10_000
    assert counts(store)["sync_outbox"] == 10_000 and store.enterprises.count() == 10_000
    again = store.imports.enterprises(path)
    assert again.unchanged == 10_000 and store.enterprises.count() == 10_000


def test_an_unreadable_file_is_an_input_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("企業名稱\n瀋陽\n".encode("big5"))
    with pytest.raises(InputError):
        store.imports.enterprises(path)
    report = store.imports.enterprises(write_csv(tmp_path / "empty.csv", [], "utf-8"))
    assert report.refused and "no data rows" in report.errors[0].message


def test_two_rows_that_match_one_firm_on_record_are_an_error(store: Store, tmp_path: Path) -> None:
    store.enterprises.create(
        {"name": "沈阳华辽机械有限公司", "uscc": USCC_A, "district_code": "210102"}
    )
    rows = [["华辽机械", USCC_A, "和平区"], ["沈阳华辽机械有限公司", None, "和平区"]]
    path = write_xlsx(tmp_path / "two.xlsx", rows, ["企业名称", "统一社会信用代码", "所属区县"])
    report = store.imports.enterprises(path)
    assert report.refused
    assert [(e.row, e.code) for e in report.errors] == [(5, "duplicate_row")]
    assert "row 4" in report.errors[0].message

"""The import wizard end to end on a real .xlsx, its undo, and exports from the views."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QWizard

from liaison_app.domain import uscc
from liaison_app.ui.exchange.export import CSV_GB18030, Exporter
from liaison_app.ui.exchange.import_wizard import ImportWizard
from liaison_app.ui.main_window import MainWindow
from liaison_app.ui.problems.view import ProblemLedgerView
from tests.ui.conftest import add_enterprise

ROOT = Path(__file__).resolve().parents[2]
USCC_A = "91210202MA0QCX3L77"
USCC_B = uscc.with_check_character("91210102MA0P5B4F7")


def write_list(path: Path, rows: list[list[object]]) -> Path:
    """As offices send them: a merged title, a blank row, then the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名单"
    ws.append(["2026年重点企业包保名单"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["企业名称", "统一社会信用代码", "所属区县", "联系电话", "企业简称"])
    for r in rows:
        ws.append(r)
    wb.create_sheet("说明").append(["企业名称", "所属区县"])
    wb.save(path)
    return path


GOOD = [
    ["沈阳华辽机械有限公司", USCC_A, "沈阳市和平区", "13912345678", "华辽"],
    ["沈阳北方重型机械有限公司", USCC_B, "210102", "024-23456789", "北重"],
]


@pytest.fixture
def window(ctx, qtbot):
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    return w


def open_wizard(window, qtbot, path: Path) -> ImportWizard:
    wizard = ImportWizard(window._ctx, window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load()
    assert wizard.preview is not None, wizard.file_page.status.text()
    return wizard


def names(ctx) -> set[str]:
    return {e.name for e in ctx.store.enterprises.list()}


def test_the_wizard_imports_and_undo_takes_it_back(window, ctx, qtbot, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", GOOD)
    wizard = open_wizard(window, qtbot, path)
    page = wizard.file_page
    assert page.sheet.isVisibleTo(wizard) and page.sheet.count() == 2
    assert page.isComplete()
    wizard.next()
    mapping = wizard.mapping_page
    # Prefilled from the detection; the header row found below the title.
    assert wizard.preview.header_row == 3
    assert mapping.fields() == ["name", "uscc", "district_code", "phone", None]
    assert mapping.model.rowCount() == 2
    # A changed mapping is used: the short name goes into the notes.
    mapping.combos[4].setCurrentIndex(mapping.combos[4].findData("notes"))
    assert "→" in mapping.model.headerData(4, Qt.Orientation.Horizontal)
    wizard.next()
    check = wizard.check_page
    assert wizard.dry_run is not None and wizard.dry_run.imported == 2
    assert check.isComplete() and names(ctx) == set()  # the check wrote nothing
    wizard.next()
    assert wizard.report is not None and wizard.report.imported == 2
    assert wizard.currentId() == 3 and "2" in wizard.result_page.summary.text()
    firms = {e.name: e for e in ctx.store.enterprises.list()}
    assert firms["沈阳华辽机械有限公司"].notes == "华辽"
    # The mapping is remembered for this header set.
    again = ctx.store.imports.preview(path)
    assert again.remembered and again.mapping["企业简称"] == "notes"
    wizard.accept()

    assert window.act_undo.isEnabled()
    assert "名单.xlsx" in window.act_undo.text()
    window.act_undo.trigger()
    assert names(ctx) == set()
    assert not window.act_undo.isEnabled()
    assert not window.act_redo.isEnabled()  # redo would need the file: not offered


def test_errors_list_row_and_column_and_enter_shows_the_row(window, ctx, qtbot, tmp_path):
    rows = [*GOOD] + [["", USCC_B[:-1] + "0", "不存在区", "123", ""] for _ in range(12)]
    rows.append(["沈阳铁西装备制造有限公司", "BAD", "沈阳市铁西区", "13800000000", ""])
    path = write_list(tmp_path / "errors.xlsx", rows)
    wizard = open_wizard(window, qtbot, path)
    wizard.next()
    wizard.next()
    check = wizard.check_page
    report = wizard.dry_run
    assert report is not None and report.errors
    assert not check.isComplete()  # an invalid row refuses the import by default
    last = next(i for i, e in enumerate(report.errors) if e.row == 18)
    issue = report.errors[last]
    assert (issue.row, issue.column) == (18, "B")
    model = check.issues
    assert model.data(model.index(last, 0)) == "18" and model.data(model.index(last, 1)) == "B"
    # Row 18 is past the preview's first rows: Enter reads it from the file.
    check.issues_table.setCurrentIndex(model.index(last, 0))
    check.issues_table.setFocus()
    qtbot.keyClick(check.issues_table, Qt.Key.Key_Return)
    assert "18" in check.cells_label.text()
    assert check.cells.cells[1][3] == "BAD" and check.cells.marked == 1
    # An early row is in the preview, which marks it.
    first = model.index(0, 0)
    check.jump(first)
    assert wizard.mapping_page.model.marked is not None
    # Skipping invalid rows makes it importable.
    check.skip_invalid.setChecked(True)
    assert check.isComplete()
    wizard.next()
    assert wizard.report.imported == 2 and wizard.report.skipped == 13


def test_cancel_writes_nothing(window, ctx, qtbot, tmp_path, monkeypatch):
    path = write_list(tmp_path / "名单.xlsx", GOOD)
    wizard = open_wizard(window, qtbot, path)
    wizard.next()
    wizard.next()
    # Cancel pressed while the import runs: the service sees it before it commits.
    real = ctx.store.imports.enterprises

    def cancelled_midway(*args, **kwargs):
        return real(*args, **{**kwargs, "cancelled": lambda: True})

    monkeypatch.setattr(ctx.store.imports, "enterprises", cancelled_midway)
    wizard.next()
    assert wizard.report.cancelled and wizard.report.id is None
    assert "nothing was written" in wizard.result_page.summary.text()
    assert names(ctx) == set() and not ctx.undo.canUndo()


def test_a_refused_undo_is_shown_and_stays_undoable(window, ctx, qtbot, tmp_path, errors):
    path = write_list(tmp_path / "名单.xlsx", GOOD)
    wizard = open_wizard(window, qtbot, path)
    for _ in range(3):
        wizard.next()
    wizard.accept()
    firm = next(e for e in ctx.store.enterprises.list() if e.uscc == USCC_A)
    ctx.store.visits.create(firm.id, {"visit_date": "2026-11-10"})
    window.act_undo.trigger()
    qtbot.wait_until(lambda: bool(errors))
    assert "cannot undo import" in str(errors[0])
    assert ctx.undo.canUndo() and len(names(ctx)) == 2


def test_the_wizard_is_reached_from_the_file_menu(window, monkeypatch):
    shown = []
    monkeypatch.setattr(MainWindow, "run_dialog", classmethod(lambda cls, d: shown.append(d)))
    window.act_import.trigger()
    assert isinstance(shown[0], ImportWizard) and isinstance(shown[0], QWizard)


def test_ledger_export_writes_the_filtered_view(ctx, qtbot, tmp_path, monkeypatch):
    ent = add_enterprise(ctx.store, "沈阳君威新能科技有限公司", district_code="210102")
    visit = ctx.store.visits.create(ent, {"visit_date": "2026-11-10"}).record.id
    for i, category in enumerate(("funding", "funding", "tax")):
        ctx.store.problems.create({"category": category, "description": f"问题{i}"}, visit_id=visit)
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    view.category.setCurrentIndex(view.category.findData("funding"))
    assert view.model.rowCount() == 2
    target = tmp_path / "台账.xlsx"
    told = []
    monkeypatch.setattr(
        Exporter, "ask_path", classmethod(lambda cls, p, t, s, f: (str(target), f["xlsx"]))
    )
    monkeypatch.setattr(
        Exporter, "tell_written", classmethod(lambda cls, p, t, text, folder: told.append(folder))
    )
    view.export_button.click()
    assert told == [tmp_path]
    sheet = load_workbook(target).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # the header and the two funding problems only
    assert {r[4] for r in rows[1:]} == {"问题0", "问题1"}


def test_csv_export_in_gb18030_from_the_visits_list(window, ctx, tmp_path, monkeypatch):
    ent = add_enterprise(ctx.store, "沈阳君威新能科技有限公司", district_code="210102")
    ctx.store.visits.create(ent, {"visit_date": "2026-11-10"})
    target = tmp_path / "visits"
    monkeypatch.setattr(
        Exporter,
        "ask_path",
        classmethod(lambda cls, p, t, s, f: (str(target), f[CSV_GB18030])),
    )
    monkeypatch.setattr(Exporter, "tell_written", classmethod(lambda cls, *a: None))
    window.visits.export_button.click()
    text = (tmp_path / "visits.csv").read_bytes().decode("gb18030")
    assert "沈阳君威新能科技有限公司" in text


def test_export_errors_are_shown(window, ctx, tmp_path, monkeypatch, errors):
    monkeypatch.setattr(
        Exporter,
        "ask_path",
        classmethod(lambda cls, p, t, s, f: (str(tmp_path / "no" / "x.xlsx"), f["xlsx"])),
    )
    window.dashboard.export_button.click()
    assert errors


def test_every_new_text_is_translated():
    """No English left in zh_CN for the wizard and the exports."""
    tree = ET.parse(ROOT / "resources" / "i18n" / "liaison_zh_CN.ts")
    ours = {
        "ImportWizard", "FilePage", "MappingPage", "CheckPage", "ResultPage", "ImportFields",
        "IssuesTableModel", "RowCellsTableModel", "Exporter",
    }  # fmt: skip
    seen = set()
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        if name not in ours:
            continue
        seen.add(name)
        for message in context.iter("message"):
            t = message.find("translation")
            text = "".join(t.itertext()) if t is not None else ""
            assert text and t.get("type") != "unfinished", message.findtext("source")
    assert seen == ours


def test_zh_cn_shows_chinese(window, ctx, qtbot, tmp_path, monkeypatch):
    # This tree's translations (the installed resources may be another checkout's).
    monkeypatch.setattr("liaison_app.ui.i18n.translations_dir", lambda: ROOT / "resources" / "i18n")
    ctx.labels.translations.switch("zh_CN")
    try:
        path = write_list(tmp_path / "名单.xlsx", GOOD)
        wizard = open_wizard(window, qtbot, path)
        assert wizard.windowTitle() == QCoreApplication.translate(
            "ImportWizard", "Import enterprises"
        )
        assert "导入" in wizard.windowTitle()
        wizard.next()
        assert wizard.mapping_page.combos[4].currentText() == "不导入"
        qtbot.wait_until(lambda: "导入" in window.act_import.text())
    finally:
        ctx.labels.translations.switch("en")

"""The supervisor's view, against the real server: the district's firms and problems of every
officer, filtered by officer; the dashboard by officer; what the server would refuse is
disabled with the reason; duplicate firms merged from the Conflicts view and undone."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from liaison_app.domain.lifecycle import StepInput
from liaison_app.domain.permissions import Permissions
from liaison_app.ui.main_window import MainWindow
from liaison_app.ui.sync.conflicts import ConflictsDialog
from liaison_app.ui.sync.merge import MergeDialog
from tests.sync.conftest import sqlite_server  # noqa: F401  (the session's server)
from tests.sync.harness import PASSWORD, Folder, unique

TODAY = dt.date.today().isoformat()


@pytest.fixture
def server(sqlite_server):  # noqa: F811
    return sqlite_server


def _officer_with_work(server, tmp_path, name: str, problems: int, resolved: int):  # type: ignore[no-untyped-def]
    """An officer's folder: one firm in 210102 with problems, some resolved, all synced."""
    user = server.add_user(unique(name))
    folder = Folder(tmp_path / user, server)
    folder.login(user)
    e = folder.store.enterprises.create(
        {"name": f"{name}的企业{unique('')}", "district_code": "210102"}
    ).record.id
    saved = folder.store.visits.record_with_problems(
        e,
        {"visit_date": TODAY},
        [{"category": "funding", "description": f"问题{i}"} for i in range(problems)],
    )
    for p in folder.store.problems.list(visit_id=saved.record.id)[:resolved]:
        folder.store.problems.step(p.id, "resolve", StepInput(note="已协调解决"))
    assert folder.sync().rejected == []
    folder.close()
    return user, e


@pytest.fixture
def district(ctx, server, tmp_path):  # type: ignore[no-untyped-def]
    """Two officers' work in 210102, and this folder signed in as its supervisor."""
    wang, wang_firm = _officer_with_work(server, tmp_path, "wang", problems=2, resolved=1)
    li, li_firm = _officer_with_work(server, tmp_path, "li", problems=3, resolved=0)
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    ctx.store.sync.login(server.url, boss, PASSWORD)
    ctx.store.sync.sync()
    return {"wang": (wang, wang_firm), "li": (li, li_firm), "boss": boss}


def _window(ctx, qtbot):  # type: ignore[no-untyped-def]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.refresh_permissions()  # (the runner is immediate in tests)
    return window


def test_a_supervisor_sees_every_officer_and_filters_by_officer(ctx, qtbot, district):
    window = _window(ctx, qtbot)
    assert ctx.permissions == Permissions("supervisor", "210102", district["boss"])
    view = window.enterprises
    view.ensure_loaded()
    ids = {view.model.id_at(r) for r in range(view.model.rowCount())}
    assert {district["wang"][1], district["li"][1]} <= ids
    assert not view.officer.isHidden()
    wang = district["wang"][0]
    view.officer.setCurrentIndex(view.officer.findData(wang))
    assert [view.model.id_at(r) for r in range(view.model.rowCount())] == [district["wang"][1]]

    ledger = window.ledger
    ledger.ensure_loaded()
    assert ledger.model.rowCount() >= 5
    li = district["li"][0]
    ledger.officer.setCurrentIndex(ledger.officer.findData(li))
    assert ledger.model.rowCount() == 3
    assert {ledger.model.record(r).officer for r in range(3)} == {li}
    assert window.role_label.text().startswith("Supervisor of")


def test_the_dashboard_breaks_the_resolution_rate_down_by_officer(ctx, qtbot, district):
    window = _window(ctx, qtbot)
    dash = window.dashboard
    with qtbot.waitSignal(dash.refreshed, timeout=5_000):
        dash.ensure_loaded()
    assert "officer" in dash.breakdowns
    tab = dash.tabs.indexOf(dash.breakdowns["officer"])
    assert dash.tabs.tabText(tab) == "By officer"
    rows = {f.key: (f.resolved, f.received) for f in dash.breakdowns["officer"].model.rows}
    assert rows[district["wang"][0]] == (1, 2)
    assert rows[district["li"][0]] == (0, 3)
    model = dash.breakdowns["officer"].model
    wang_row = [f.key for f in model.rows].index(district["wang"][0])
    assert model.index(wang_row, 3).data() == "50.0%"
    # On a 1366×768 laptop at 150 % (910×512 left to the window) the rate is in view, not
    # behind a horizontal scroll bar past columns of default width.
    window.resize(910, 512)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow(window.nav.count() - 1)  # the dashboard
    dash.tabs.setCurrentIndex(tab)
    table = dash.breakdowns["officer"].table
    QApplication.processEvents()
    rate_end = table.columnViewportPosition(3) + table.columnWidth(3)
    assert table.isVisible() and 0 < rate_end <= table.viewport().width()
    # Signed out, the folder is one officer's again: no breakdown by officer.
    ctx.set_permissions(Permissions())
    assert "officer" not in dash.breakdowns


def test_what_the_server_would_refuse_is_disabled_with_the_reason(ctx, qtbot, district):
    ctx.store.enterprises.create({"name": f"大连的企业{unique('')}", "district_code": "210202"})
    window = _window(ctx, qtbot)
    view = window.enterprises
    view.ensure_loaded()
    for row in range(view.model.rowCount()):
        view.table.selectRow(row)
        outside = view.current().district_code != "210102"
        for button in (view.edit_button, view.delete_button, view.visit_button):
            assert button.isEnabled() is not outside
            assert ("outside your district" in button.toolTip()) is outside
    assert view.new_button.isEnabled()
    from liaison_app.ui.enterprises.editor import EnterpriseEditor

    editor = EnterpriseEditor(ctx, None, view)
    qtbot.addWidget(editor)
    assert editor.district.currentData() == "210102" and not editor.district.isEnabled()
    # A supervisor the server has given no district can create nothing.
    ctx.set_permissions(Permissions("supervisor", None, "zhao"))
    assert not view.new_button.isEnabled() and "district" in view.new_button.toolTip()
    assert not window.act_new_enterprise.isEnabled()
    # The problem page: steps on a problem outside the district are disabled too.
    ctx.set_permissions(Permissions("supervisor", "210202", "zhao"))
    ledger = window.ledger
    ledger.ensure_loaded()
    ledger.table.selectRow(0)
    shown = [b for b in ledger.detail.step_buttons.values() if not b.isHidden()]
    assert shown and not any(b.isEnabled() for b in shown)
    assert not ledger.delete_button.isEnabled()
    assert "outside your district" in ledger.delete_button.toolTip()


def test_duplicates_merged_in_the_conflicts_view_converge_and_undo(
    ctx, qtbot, server, tmp_path, monkeypatch
):
    wang, li, chen = (server.add_user(unique(n)) for n in ("wang", "li", "chen"))
    name = f"沈阳重复企业{unique('')}"
    other = Folder(tmp_path / "li", server)
    other.login(li)
    twin = other.store.enterprises.create({"name": name, "district_code": "210102"}).record.id
    other.store.visits.record_with_problems(
        twin, {"visit_date": TODAY}, [{"category": "funding", "description": "融资难"}]
    )
    other.sync()
    server.admin("assign", "--enterprise", twin, "--to", wang)
    ctx.store.sync.login(server.url, wang, PASSWORD)
    ctx.store.sync.sync()
    kept = ctx.store.enterprises.create({"name": name, "district_code": "210102"}).record.id
    ctx.store.sync.sync()
    server.admin("assign", "--enterprise", kept, "--to", chen)

    dialog = ConflictsDialog(ctx)
    qtbot.addWidget(dialog)
    row = next(i for i, c in enumerate(dialog.model.rows) if c["kind"] == "duplicate")
    dialog.table.selectRow(row)
    assert not dialog.merge_button.isHidden() and dialog.merge_button.isEnabled()
    assert dialog.keep_mine.text() == "Keep &both"
    shown: list[MergeDialog] = []

    def run(cls, merge: MergeDialog) -> bool:  # type: ignore[no-untyped-def]
        shown.append(merge)
        merge.choices[kept].setChecked(True)
        assert "1 visit" in merge.summary.text() and "1 problem" in merge.summary.text()
        merge.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return bool(merge.result())

    monkeypatch.setattr(ConflictsDialog, "run_merge", classmethod(run))
    dialog.merge()
    assert shown and not [c for c in ctx.store.sync.conflicts() if c["kind"] == "duplicate"]
    (problem,) = ctx.store.problems.list(enterprise_id=kept)
    assert ctx.undo.undoText().startswith("Merge")
    assert ctx.store.sync.sync().rejected == []

    # On the server and in another folder: the problem moved, the kept firm's officer has it.
    anchor = server.query("SELECT enterprise_id FROM records WHERE id = :i", i=problem.id)
    assert anchor[0][0] == kept
    third = Folder(tmp_path / "chen", server)
    third.login(chen)
    third.sync()
    assert [p.id for p in third.store.problems.list(enterprise_id=kept)] == [problem.id]
    other.sync()  # li had only the twin: it is gone from li's lists, and so is what moved
    assert other.store.enterprises.list() == [] and other.store.problems.list() == []

    # Undo: everything back where it was, on the server too.
    ctx.undo.undo()
    assert ctx.store.problems.list(enterprise_id=twin)[0].id == problem.id
    assert ctx.store.sync.sync().rejected == []
    anchor = server.query("SELECT enterprise_id FROM records WHERE id = :i", i=problem.id)
    assert anchor[0][0] == twin
    other.sync()
    assert [p.id for p in other.store.problems.list()] == [problem.id]
    for f in (other, third):
        f.close()

"""The main window: navigation, language switching without restart, status bar, safe closing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from liaison_app.app import build_window
from liaison_app.domain.lifecycle import StepInput
from liaison_app.ui.main_window import PAGES, MainWindow
from liaison_app.ui.settings import LANGUAGE
from tests.ui.conftest import add_enterprise


def make_window(ctx, qtbot) -> MainWindow:
    window = build_window(ctx)
    qtbot.addWidget(window)
    window.restore_state()
    return window


def test_every_page_opens(ctx, qtbot):
    window = make_window(ctx, qtbot)
    for i, name in enumerate(PAGES):
        window.show_page(i)
        assert window.current_page() == name


def test_language_switches_live(ctx, qtbot):
    window = make_window(ctx, qtbot)
    assert window.nav.item(0).text() == "My enterprises"
    window.language_requested.emit("zh_CN")  # LanguageChange arrives as an event
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "我的企业")
    assert window.file_menu.title() == "文件(&F)"
    window.show_page(PAGES.index("ledger"))
    assert window.ledger.status.itemText(0) == "全部状态"
    assert window.ledger.model.headerData(0, Qt.Orientation.Horizontal) == "编号"
    window.language_requested.emit("en")
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "My enterprises")
    assert ctx.settings.get(LANGUAGE) == "en"


def test_status_bar_counts_follow_changes(ctx, qtbot):
    window = make_window(ctx, qtbot)
    assert "Enterprises: 0 ·" in window.counts_label.text()
    ent = add_enterprise(ctx.store, "营口港务有限公司")
    visit = ctx.store.visits.create(ent, {"visit_date": "2026-11-19"}).record.id
    saved = ctx.store.problems.create(
        {"category": "logistics", "description": "集装箱周转慢"}, visit_id=visit
    )
    ctx.events.emit_changes(saved.changes)
    # (No "1 enterprises · 1 open problems": counts stand after their names.)
    assert "Enterprises: 1 · open problems: 1" in window.counts_label.text()
    assert "王小明" in window.officer_label.text()


def test_closing_with_an_unsaved_visit_asks_and_keeps_a_draft(ctx, qtbot, monkeypatch):
    window = make_window(ctx, qtbot)
    window.new_visit()
    window.visits.entry.texts["summary"].setPlainText("写到一半")
    monkeypatch.setattr(MainWindow, "confirm_close", lambda self: False)
    assert not window.close()
    assert window.visits.entry.drafts.load()["summary"] == "写到一半"
    monkeypatch.setattr(MainWindow, "confirm_close", lambda self: True)
    assert window.close()


def test_find_shortcut_focuses_the_search_of_the_page(ctx, qtbot):
    window = make_window(ctx, qtbot)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.show_page(PAGES.index("ledger"))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.ledger.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "enterprises"


def test_dashboard_headline_changes_when_a_problem_is_resolved(ctx, qtbot):
    ent = add_enterprise(ctx.store, "锦州光伏科技有限公司")
    visit = ctx.store.visits.create(ent, {"visit_date": "2026-11-19"}).record.id
    a = ctx.store.problems.create(
        {"category": "funding", "description": "贷款"}, visit_id=visit
    ).record.id
    ctx.store.problems.create({"category": "labour", "description": "招工"}, visit_id=visit)
    window = make_window(ctx, qtbot)
    window.show_page(PAGES.index("dashboard"))
    assert window.dashboard.headline.text() == "0.0%"
    saved = ctx.store.problems.step(a, "resolve", StepInput(note="已放贷"))
    ctx.events.emit_changes(saved.changes)
    assert window.dashboard.headline.text() == "50.0%"
    assert "1 resolved of 2 received" in window.dashboard.counts.text()
    breakdown = window.dashboard.breakdowns["category"].model
    assert breakdown.rowCount() == 2


def test_visit_and_figures_models_are_sound(ctx, qtbot, qtmodeltester):
    ent = add_enterprise(ctx.store, "盘锦石化有限公司")
    for day in ("2026-11-01", "2026-11-02"):
        visit = ctx.store.visits.create(ent, {"visit_date": day, "summary": "走访"}).record.id
        ctx.store.problems.create(
            {"category": "materials", "description": "供气不足"}, visit_id=visit
        )
    window = make_window(ctx, qtbot)
    window.show_page(PAGES.index("visits"))
    assert window.visits.model.rowCount() == 0  # the list loads with its tab, not the form
    window.visits.tabs.setCurrentIndex(1)
    window.show_page(PAGES.index("dashboard"))
    qtmodeltester.check(window.visits.model)
    assert window.visits.model.rowCount() == 2
    qtmodeltester.check(window.dashboard.breakdowns["department"].model)
    assert window.dashboard.breakdowns["category"].model.rowCount() == 1


def test_the_window_fits_its_screen_whatever_was_saved(ctx, qtbot):  # type: ignore[no-untyped-def]
    """On a screen smaller than the default size (a 1366×768 laptop, 150 % scaling) or with a
    geometry saved on a larger monitor, the whole window — its status bar included — stays on
    the screen."""
    from PySide6.QtCore import QRect

    from liaison_app.ui.settings import GEOMETRY

    window = make_window(ctx, qtbot)
    room = window.screen().availableGeometry()
    assert room.contains(window.frameGeometry()), (window.frameGeometry(), room)
    window.setGeometry(QRect(room.x() + 500, room.y() + 400, 2400, 1600))  # a big monitor's
    ctx.settings.set(GEOMETRY, window.saveGeometry())
    again = make_window(ctx, qtbot)
    assert room.contains(again.frameGeometry()), (again.frameGeometry(), room)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_window_can_shrink_to_a_laptop_at_150_percent(ctx, qtbot, language):  # type: ignore[no-untyped-def]
    """1366×768 at 150 % leaves 910×512 logical pixels: no page (the ledger's filter row, the
    visit form, the dashboard's long lines) may make the window wider or taller than that —
    the part past the edge (the detail pane, the sync status) could not be reached."""
    ctx.labels.translations.switch(language)
    window = make_window(ctx, qtbot)
    window.show()
    least = window.minimumSizeHint()
    assert least.width() <= 910 and least.height() <= 512, least


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_problem_with_many_steps_never_widens_the_window(ctx, qtbot, language):  # type: ignore[no-untyped-def]
    """Selecting a problem with more legal steps widened the window (1280 → 1504 px in English,
    off the screen): the step buttons wrap instead, every one stays inside the detail pane, and
    the ledger's columns keep their widths."""
    from tests.conftest import give_deadline

    ctx.labels.translations.switch(language)
    ent = add_enterprise(ctx.store, "沈阳君威新能科技有限公司", district_code="210102")
    visit = ctx.store.visits.create(ent, {"visit_date": "2026-11-10"}).record.id
    new, busy = (
        ctx.store.problems.create(
            {"category": "funding", "description": f"资金问题{i}"}, visit_id=visit
        ).record.id
        for i in range(2)
    )
    give_deadline(ctx.store, busy, "2026-12-20")  # assigned: six steps offered
    window = make_window(ctx, qtbot)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.show_page(PAGES.index("ledger"))
    ledger = window.ledger
    ledger.select(new)
    header = ledger.table.horizontalHeader()
    widths = [header.sectionSize(i) for i in range(header.count())]
    size, pane_width = window.size(), ledger.detail.width()
    ledger.select(busy)
    QApplication.processEvents()  # the layouts settle as they would between two clicks
    assert (window.size(), ledger.detail.width()) == (size, pane_width)
    assert window.minimumSizeHint().width() <= 910  # still fits 1366 px at 150 %
    assert [header.sectionSize(i) for i in range(header.count())] == widths
    shown = [b for b in ledger.detail.step_buttons.values() if not b.isHidden()]
    assert len(shown) >= 6
    pane = ledger.detail.rect()
    for b in shown:
        corner = b.mapTo(ledger.detail, b.rect().bottomRight())
        assert pane.contains(corner), (b.text(), corner, pane)


def _shown_texts(window) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every piece of chrome a person can see: labels, buttons, every picker item, headers,
    visible cells, placeholders, tab titles, detail panes (typed values excluded)."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QTableView,
        QTabWidget,
        QTextBrowser,
    )

    out: list[tuple[str, str]] = [("title", window.windowTitle())]
    for w in window.findChildren(QLabel):
        if w.isVisibleTo(window):
            out.append((f"label {w.objectName()}", w.text()))
    for w in window.findChildren(QAbstractButton):
        if w.isVisibleTo(window):
            out.append(("button", w.text()))
    for w in window.findChildren(QComboBox):
        if w.isVisibleTo(window) and not w.isEditable() or w.isVisibleTo(window):
            out += [("combo item", w.itemText(i)) for i in range(w.count())]
    for w in window.findChildren(QLineEdit):
        if w.isVisibleTo(window):
            out.append(("placeholder", w.placeholderText()))
    for w in window.findChildren(QGroupBox):
        if w.isVisibleTo(window):
            out.append(("group", w.title()))
    for w in window.findChildren(QTabWidget):
        out += [("tab", w.tabText(i)) for i in range(w.count())]
    for w in window.findChildren(QTextBrowser):
        if w.isVisibleTo(window):
            out.append(("pane", w.toPlainText()))
    for w in window.findChildren(QTableView):
        m = w.model()
        if m is None:
            continue
        for c in range(m.columnCount()):
            out.append(("header", str(m.headerData(c, Qt.Orientation.Horizontal) or "")))
            for r in range(min(m.rowCount(), 5)):
                out.append(("cell", str(m.data(m.index(r, c)) or "")))
    for action in window.menuBar().actions():
        out.append(("menu", action.text()))
        menu = action.menu()
        if menu is not None:
            out += [("menu item", a.text()) for a in menu.actions()]
    return out


def test_switching_to_english_leaves_no_chinese_behind(ctx, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """The records here are in ASCII, so after a live switch from Chinese any Chinese still on
    the screen is text the switch left behind ("424 个问题", 实地走访 in a picker, "走访已保存")."""
    import re

    from liaison_app.ui.visits.entry import VisitEntry  # noqa: F401

    monkeypatch.setattr(MainWindow, "confirm_close", lambda self: True)
    ctx.labels.translations.switch("zh_CN")
    ctx.store.settings.set_officer_name("Wang")
    ent = add_enterprise(ctx.store, "Acme Ltd", district_code="210102")
    visit = ctx.store.visits.create(ent, {"visit_date": "2026-11-10", "officers": "Wang"}).record
    ctx.store.problems.create({"category": "funding", "description": "loan"}, visit_id=visit.id)
    window = make_window(ctx, qtbot)
    window.show()
    for i in range(len(PAGES)):
        window.show_page(i)
    window.visits.tabs.setCurrentIndex(1)
    window.visits.tabs.setCurrentIndex(0)
    entry = window.visits.entry
    entry.start_for(ent)
    entry.date.setMinimumDate(QDate(2026, 11, 19))
    entry.date.setMaximumDate(QDate(2026, 11, 19))
    entry.texts["summary"].setPlainText("talk")
    entry.save()
    assert "走访" in entry.status.text(), entry.status.text()
    window.show_page(PAGES.index("ledger"))
    window.ledger.select(ctx.store.problems.list()[0].id)
    window.language_requested.emit("en")
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "My enterprises")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for i, name in enumerate(PAGES):
        window.show_page(i)
        if name == "visits":
            for tab in (1, 0):
                window.visits.tabs.setCurrentIndex(tab)
                left = [t for t in _shown_texts(window) if cjk.search(t[1])]
                assert not left, f"{name} tab {tab}: {left}"
        left = [t for t in _shown_texts(window) if cjk.search(t[1])]
        assert not left, f"{name}: {left}"


def test_the_dashboard_chart_drops_no_group_and_cuts_labels_visibly():  # type: ignore[no-untyped-def]
    """Only the top 12 groups were drawn (其他 missing) and labels were cut without a mark."""
    from types import SimpleNamespace

    from liaison_app.ui.dashboard.view import chart_bars, short_label

    groups = [
        SimpleNamespace(label=f"类别{i}", key=str(i), received=100 - i, resolved=50 - i)
        for i in range(15)
    ]
    bars = chart_bars(groups, 12, "其余 %1 项")
    assert len(bars) == 12 and bars[-1][0] == "其余 4 项"
    assert sum(b[1] for b in bars) == sum(g.received for g in groups)
    assert sum(b[2] for b in bars) == sum(g.resolved for g in groups)
    assert chart_bars(groups[:12], 12, "x") == [
        (g.label, g.received, g.resolved) for g in groups[:12]
    ]
    assert short_label("知识产权与认证检测服务中心有限公司") == "知识产权与认证检测服务…"
    assert short_label("法律服务") == "法律服务"

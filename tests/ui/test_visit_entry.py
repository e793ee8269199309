"""Visit entry: one form for the visit and its problems, keyboard-first, drafts survive a crash."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from liaison_app.ui.visits.entry import VisitEntry
from tests.conftest import TODAY
from tests.ui.conftest import add_enterprise, type_text


def make_entry(ctx, qtbot) -> VisitEntry:
    entry = VisitEntry(ctx)
    qtbot.addWidget(entry)
    entry.date.setMaximumDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    return entry


def fill_problem(row, category: str, text: str) -> None:
    row.category.setCurrentIndex(row.category.findData(category))
    type_text(row.description, text)


def test_visit_with_three_problems_saved_in_one_go(ctx, qtbot):
    ident = add_enterprise(ctx.store, "沈阳君威新能科技有限公司", district_code="210102")
    entry = make_entry(ctx, qtbot)
    entry.start_for(ident)
    entry.date.setDate(QDate(2026, 11, 18))
    type_text(entry.texts["summary"], "了解融资和用工情况")
    fill_problem(entry.problems.rows[0], "funding", "银行抽贷500万元")
    with qtbot.waitActive(entry):
        entry.show()
        entry.activateWindow()
    entry.problems.rows[0].description.setFocus()
    qtbot.keyClick(
        entry.problems.rows[0].description,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(entry.problems.rows) == 2
    fill_problem(entry.problems.rows[1], "labour", "招工难，缺焊工30名")
    entry.problems.add_row()
    fill_problem(entry.problems.rows[2], "tax", "留抵退税未到账")
    entry.problems.add_row()  # a blank row is ignored
    with qtbot.waitSignal(entry.visit_saved):
        entry.save()
    visits = ctx.store.visits.list(enterprise_id=ident)
    assert [v.summary for v in visits] == ["了解融资和用工情况"]
    problems = ctx.store.problems.list(visit_id=visits[0].id)
    assert sorted(p.category for p in problems) == ["funding", "labour", "tax"]
    assert all(p.raised_on.isoformat() == "2026-11-18" for p in problems)
    assert "3" in entry.status.text()
    assert not entry.drafts.path.exists()  # the draft goes once the visit is saved


def test_missing_enterprise_and_category_are_shown_and_nothing_is_saved(ctx, qtbot):
    ident = add_enterprise(ctx.store, "大连港湾物流有限公司")
    entry = make_entry(ctx, qtbot)
    entry.save()
    assert not entry.messages["enterprise"].isHidden()
    entry.start_for(ident)
    type_text(entry.problems.rows[0].description, "没有选择类别")
    entry.save()
    assert "category" in entry.problems.rows[0].message.text()
    assert ctx.store.visits.list() == []  # all or nothing


def test_removing_a_problem_row(ctx, qtbot):
    entry = make_entry(ctx, qtbot)
    entry.problems.add_row()
    assert len(entry.problems.rows) == 2
    qtbot.mouseClick(entry.problems.rows[1].remove, Qt.MouseButton.LeftButton)
    assert len(entry.problems.rows) == 1


def test_draft_survives_a_crash_and_is_offered_back(ctx, qtbot, monkeypatch):
    ident = add_enterprise(ctx.store, "鞍山钢铁配件有限公司")
    entry = make_entry(ctx, qtbot)
    entry.start_for(ident)
    type_text(entry.texts["people_met"], "总经理 王伟")
    fill_problem(entry.problems.rows[0], "logistics", "货车通行受限")
    qtbot.waitUntil(lambda: entry.drafts.path.exists(), timeout=3000)  # autosaved while typing
    # The process dies here; a new form on the next start finds the draft.
    monkeypatch.setattr(VisitEntry, "ask_restore_draft", lambda self: "restore")
    again = make_entry(ctx, qtbot)
    assert again.offer_draft()
    assert again.enterprise_id() == ident
    assert again.texts["people_met"].toPlainText() == "总经理 王伟"
    assert again.problems.rows[0].values()["description"] == "货车通行受限"
    assert again.problems.rows[0].values()["category"] == "logistics"


def test_a_declined_draft_is_kept_until_discarded_explicitly(ctx, qtbot, monkeypatch):
    """The quit prompt promises the draft is offered again next time: "Later" keeps it, even
    when a new visit is typed meanwhile; only "Discard" deletes it."""
    ident = add_enterprise(ctx.store, "鞍山钢铁配件有限公司")
    entry = make_entry(ctx, qtbot)
    entry.drafts.save({"summary": "旧草稿", "problems": [{}]})
    monkeypatch.setattr(VisitEntry, "ask_restore_draft", lambda self: "later")
    assert not entry.offer_draft()
    entry.start_for(ident)
    type_text(entry.texts["people_met"], "新的走访")
    entry.save_draft()  # the new visit's own draft
    again = make_entry(ctx, qtbot)  # the next start: both are offered
    answers = iter(["later", "restore"])
    monkeypatch.setattr(VisitEntry, "ask_restore_draft", lambda self: next(answers))
    assert again.offer_draft()
    assert again.texts["summary"].toPlainText() == "旧草稿"
    assert again.drafts.load()["summary"] == "旧草稿"  # the form's draft now
    held = [again.drafts.read(p) for p in again.drafts.held()]
    assert [d["people_met"] for d in held] == ["新的走访"]  # the other kept for later
    monkeypatch.setattr(VisitEntry, "ask_restore_draft", lambda self: "discard")
    third = make_entry(ctx, qtbot)
    assert not third.offer_draft()
    assert not third.drafts.path.exists() and third.drafts.held() == []


def test_future_visit_dates_cannot_be_picked(ctx, qtbot):
    entry = VisitEntry(ctx)
    qtbot.addWidget(entry)
    entry.date.setDate(QDate.currentDate().addDays(5))
    assert entry.date.date() == QDate.currentDate()

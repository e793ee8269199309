"""The problem ledger: lazy rows, filters, exactly the legal steps, and steps that take effect."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from liaison_app.domain.lifecycle import StepInput
from liaison_app.ui.problems.step_dialog import StepDialog
from liaison_app.ui.problems.table_model import PAGE, ProblemTableModel
from liaison_app.ui.problems.view import ProblemLedgerView
from tests.conftest import give_deadline
from tests.ui.conftest import add_enterprise


def seed(store, n: int, **extra) -> list[str]:
    ent = add_enterprise(store, "沈阳君威新能科技有限公司", district_code="210102")
    visit = store.visits.create(ent, {"visit_date": "2026-11-10"}).record.id
    return [
        store.problems.create(
            {"category": "funding", "description": f"资金问题{i}", **extra}, visit_id=visit
        ).record.id
        for i in range(n)
    ]


def visible_steps(view: ProblemLedgerView) -> set[str]:
    return {s for s, b in view.detail.step_buttons.items() if not b.isHidden()}


def test_model_fetches_more_rows_as_the_view_scrolls(ctx, qtmodeltester):
    seed(ctx.store, PAGE + 30)
    model = ProblemTableModel(ctx)
    svc = ctx.store.problems
    model.set_loader(lambda offset, limit: svc.list(limit=limit, offset=offset))
    assert model.rowCount() == PAGE
    assert model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == PAGE + 30
    assert not model.canFetchMore(model.index(-1, -1))
    qtmodeltester.check(model)


def test_overdue_rows_are_marked_and_filtered(ctx, qtbot):
    ids = seed(ctx.store, 2)
    give_deadline(ctx.store, ids[0], "2026-11-01")  # before "today" (2026-11-20)
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    assert view.model.rowCount() == 2
    view.overdue.setChecked(True)
    assert view.model.rowCount() == 1
    record = view.model.record(0)
    assert record.id == ids[0] and record.overdue
    status = view.model.data(view.model.index(0, 4))
    assert "⚠" in status


def test_buttons_offer_exactly_the_legal_next_steps(ctx, qtbot):
    (pid,) = seed(ctx.store, 1)
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    assert visible_steps(view) == {"accept", "resolve", "reject", "follow_up"}
    ctx.store.problems.step(pid, "accept")
    ctx.store.problems.step(pid, "resolve", StepInput(note="已解决"))
    view.detail.load(pid)
    assert visible_steps(view) == {"callback", "reopen", "follow_up"}


def test_step_dialogs_assign_resolve_callback_and_close(ctx, qtbot):
    (pid,) = seed(ctx.store, 1)
    ctx.store.problems.step(pid, "accept")
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()

    def take(step: str, fill) -> None:
        dialog = StepDialog(ctx, ctx.store.problems.get(pid), step)
        qtbot.addWidget(dialog)
        fill(dialog)
        dialog.save()
        assert dialog.saved is not None, f"{step} was not saved"

    take("assign", lambda d: d.department.setCurrentIndex(d.department.findData("finance")))
    take("follow_up", lambda d: d.note.setPlainText("电话催办"))
    take("resolve", lambda d: d.note.setPlainText("已协调银行续贷"))
    take("callback", lambda d: d.satisfaction.setCurrentIndex(d.satisfaction.findData("satisfied")))
    take("close", lambda d: None)
    p = ctx.store.problems.get(pid)
    assert p.status == "closed" and p.lead_department == "finance" and p.satisfaction == "satisfied"
    assert [a.kind for a in p.actions] == [
        "create",
        "accept",
        "assign",
        "chase",
        "resolve",
        "callback",
        "close",
    ]
    # The ledger row followed the change through the data events.
    assert view.model.record(view.model.row_of(pid)).status == "closed"
    assert "电话催办" in view.detail.text.toPlainText() or view.detail.problem.id == pid


def test_resolve_without_a_result_is_refused_next_to_the_field(ctx, qtbot):
    (pid,) = seed(ctx.store, 1)
    dialog = StepDialog(ctx, ctx.store.problems.get(pid), "resolve")
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.saved is None
    assert not dialog.messages["note"].isHidden()
    assert ctx.store.problems.get(pid).status == "received"


def test_dissatisfied_callback_reopens(ctx, qtbot):
    (pid,) = seed(ctx.store, 1)
    ctx.store.problems.step(pid, "resolve", StepInput(note="已答复"))
    dialog = StepDialog(ctx, ctx.store.problems.get(pid), "callback")
    qtbot.addWidget(dialog)
    dialog.satisfaction.setCurrentIndex(dialog.satisfaction.findData("dissatisfied"))
    dialog.note.setPlainText("问题没有真正解决")
    dialog.save()
    assert ctx.store.problems.get(pid).status == "in_progress"


def test_follow_ups_due_lists_overdue_and_soon_due_most_urgent_first(ctx, qtbot, clock):
    ids = seed(ctx.store, 3)
    svc = ctx.store.problems
    svc.update(ids[0], {"urgency": "urgent"})
    give_deadline(ctx.store, ids[0], clock.day + dt.timedelta(days=3))
    give_deadline(ctx.store, ids[1], clock.day - dt.timedelta(days=2))
    give_deadline(ctx.store, ids[2], clock.day + dt.timedelta(days=30))
    view = ProblemLedgerView(ctx, "due")
    qtbot.addWidget(view)
    view.ensure_loaded()
    assert [view.model.record(r).id for r in range(view.model.rowCount())] == [ids[1], ids[0]]


def test_delete_from_the_ledger_can_be_undone(ctx, qtbot):
    (pid,) = seed(ctx.store, 1)
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    view.delete_selected()
    assert view.model.rowCount() == 0
    ctx.undo.undo()
    assert view.model.rowCount() == 1 and view.model.record(0).id == pid


def test_column_widths_are_kept_per_list_across_restarts(ctx, qtbot):
    from liaison_app.ui.enterprises.view import EnterprisesView

    first = ProblemLedgerView(ctx)
    qtbot.addWidget(first)
    header = first.table.horizontalHeader()
    header.resizeSection(1, 333)  # the person drags the enterprise column wider
    header.resizeSection(6, 81)
    again = ProblemLedgerView(ctx)  # the next start, same settings
    qtbot.addWidget(again)
    kept = again.table.horizontalHeader()
    assert (kept.sectionSize(1), kept.sectionSize(6)) == (333, 81)
    # Each list keeps its own: the follow-ups list and the enterprises are untouched.
    due = ProblemLedgerView(ctx, "due")
    qtbot.addWidget(due)
    assert due.table.horizontalHeader().sectionSize(1) != 333
    firms = EnterprisesView(ctx)
    qtbot.addWidget(firms)
    assert firms.table.horizontalHeader().sectionSize(1) != 333


@pytest.mark.parametrize(
    ("language", "buttons", "title", "events"),
    [
        (
            "en",
            ["Assign", "Start", "Resolve", "Extend", "Move to long-term", "Log a follow-up…"],
            "Call back — ",
            ["Recorded", "Accepted", "Assigned"],
        ),
        (
            "zh_CN",
            ["交办", "开始办理", "办结", "延期", "转长期跟踪", "记录跟进…"],
            "回访 — ",
            ["登记", "受理", "交办"],
        ),
    ],
)
def test_buttons_and_dialog_titles_are_verbs_and_the_timeline_says_events(
    ctx, qtbot, language, buttons, title, events
):
    (pid,) = seed(ctx.store, 1)
    give_deadline(ctx.store, pid, "2026-12-20")
    ctx.labels.translations.switch(language)
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    shown = [b.text() for b in view.detail.step_buttons.values() if not b.isHidden()]
    assert shown == buttons
    timeline = view.detail.text.toPlainText()
    for event in events:
        assert event in timeline
    dialog = StepDialog(ctx, ctx.store.problems.get(pid), "callback")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().startswith(title)
    follow_up = StepDialog(ctx, ctx.store.problems.get(pid), "follow_up")
    qtbot.addWidget(follow_up)
    kind = follow_up.kind
    assert kind is not None
    assert kind.itemText(kind.findData("chase")) == ("Chase" if language == "en" else "催办")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_follow_ups_due_show_waiting_problems_how_late_and_whose(ctx, qtbot, language):
    """Today is Friday 2026-11-20. Mine: one overdue, one never accepted for weeks; another
    officer's: one overdue. The list says whose it shows and switches between mine and all."""
    ctx.labels.translations.switch(language)
    store = ctx.store
    me = store.settings.officer_name()
    (late,) = seed(store, 1)
    give_deadline(store, late, "2026-11-17")
    ent = add_enterprise(store, "鞍山钢铁配件有限公司", district_code="210302")
    waiting = store.problems.create(
        {"category": "labour", "description": "招工难", "raised_on": "2026-10-30"},
        enterprise_id=ent,
    ).record.id
    store.settings.set_officer_name("李四")
    theirs = store.problems.create(
        {"category": "funding", "description": "贷款", "raised_on": "2026-11-02"},
        enterprise_id=ent,
    ).record.id
    give_deadline(store, theirs, "2026-11-10")
    store.settings.set_officer_name(me)

    view = ProblemLedgerView(ctx, "due")
    qtbot.addWidget(view)
    view.whose.setCurrentIndex(view.whose.findData("mine"))
    view.ensure_loaded()
    model = view.model
    ids = [model.record(r).id for r in range(model.rowCount())]
    assert ids == [late, waiting]
    assert me in view.due_label.text()
    days = model.columns.index("days")
    texts = [model.data(model.index(r, days)) for r in range(2)]
    if language == "en":
        assert texts == ["3 days overdue", "waiting 21 days"]
        assert model.headerData(days, Qt.Orientation.Horizontal) == "How late"
    else:
        assert texts == ["超期 3 天", "21 天未受理"]

    view.whose.setCurrentIndex(view.whose.findData("all"))
    ids = [model.record(r).id for r in range(model.rowCount())]
    assert ids == [theirs, late, waiting]  # the most overdue first
    assert me not in view.due_label.text()
    again = ProblemLedgerView(ctx, "due")  # the choice is remembered
    qtbot.addWidget(again)
    assert again.whose.currentData() == "all"


def test_a_missing_result_is_called_the_result_in_chinese(ctx, qtbot):
    (pid,) = seed(ctx.store, 1)
    ctx.store.problems.step(pid, "accept")
    ctx.labels.translations.switch("zh_CN")
    dialog = StepDialog(ctx, ctx.store.problems.get(pid), "resolve")
    qtbot.addWidget(dialog)
    dialog.save()  # no result written
    assert dialog.saved is None
    assert dialog.messages["note"].text() == "办理结果为必填项"


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [("en", "1 problem", "20,000 problems"), ("zh_CN", "1 个问题", "20,000 个问题")],
)
def test_counts_have_thousands_separators_and_a_singular(ctx, qtbot, language, one, many):
    seed(ctx.store, 1)
    ctx.labels.translations.switch(language)
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    assert view.count_label.text() == one
    view._total = 20_000
    view._say_count()
    assert view.count_label.text() == many

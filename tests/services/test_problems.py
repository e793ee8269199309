"""Problems through the service layer: record, edit, the lifecycle steps, follow-up actions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from liaison_app.domain.labels import STATUSES
from liaison_app.domain.lifecycle import FOLLOW_UP_KINDS, STEPS, StepInput, allowed_steps
from liaison_app.errors import LifecycleError, NotFoundError, ValidationError
from liaison_app.services.store import Store

TODAY = dt.date(2026, 11, 20)

RESOLVE = ("resolve", StepInput(note="已协调银行续贷"))
SATISFIED = ("callback", StepInput(satisfaction="satisfied"))
# The shortest path from 'received' to each status.
PATHS: dict[str, list[tuple[str, StepInput]]] = {
    "received": [],
    "accepted": [("accept", StepInput())],
    "assigned": [("accept", StepInput()), ("assign", StepInput(department="finance"))],
    "in_progress": [
        ("accept", StepInput()),
        ("assign", StepInput(department="finance")),
        ("start", StepInput()),
    ],
    "long_term": [
        ("accept", StepInput()),
        ("assign", StepInput(department="finance")),
        ("defer", StepInput()),
    ],
    "resolved": [RESOLVE],
    "called_back": [RESOLVE, SATISFIED],
    "closed": [RESOLVE, SATISFIED, ("close", StepInput())],
    "rejected": [("reject", StepInput(note="不属于受理范围"))],
}
# Inputs that satisfy every step, so only the status can make a step illegal.
FULL = StepInput(
    department="tax", deadline=TODAY + dt.timedelta(days=30), note="说明", satisfaction="satisfied"
)


def rows(store: Store, table: str) -> int:
    with store.db.reading() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def firm(store: Store) -> str:
    return store.enterprises.create(
        {"name": "沈阳华晨机械制造有限公司", "district_code": "210102"}
    ).record.id


@pytest.fixture
def visit(store: Store, firm: str) -> str:
    return store.visits.create(firm, {"visit_date": "2026-11-18"}).record.id


def new_problem(store: Store, firm: str, **fields: object) -> str:
    """A problem; with a deadline or a lead department it is accepted and assigned (the only
    way those are set), on the deadline's day when that lies in the past."""
    deadline = fields.pop("deadline", None)
    department = fields.pop("lead_department", None)
    values = {"category": "funding", "description": "银行贷款到期续贷困难", **fields}
    ident = store.problems.create(values, enterprise_id=firm).record.id
    if deadline is None and department is None:
        return ident
    due = dt.date.fromisoformat(str(deadline)) if deadline is not None else None
    today = store.clock.today()
    if due is not None and due < today:
        store.clock.day = due  # type: ignore[attr-defined]
    try:
        store.problems.step(ident, "accept")
        store.problems.step(
            ident, "assign", StepInput(department=department or "finance", deadline=due)
        )
    finally:
        store.clock.day = today  # type: ignore[attr-defined]
    return ident


def drive(store: Store, ident: str, status: str) -> None:
    for step, inp in PATHS[status]:
        store.problems.step(ident, step, inp)
    assert store.problems.get(ident).status == status


# ---- recording ----------------------------------------------------------------------------


def test_problem_raised_during_a_visit(store: Store, firm: str, visit: str) -> None:
    saved = store.problems.create(
        {"category": "funding", "description": "银行贷款到期续贷困难", "request": "协调续贷"},
        visit_id=visit,
    )
    p = saved.record
    assert saved.changes.kinds == {"problem"}
    assert p.enterprise_id == firm
    assert p.visit_id == visit
    assert p.raised_on == dt.date(2026, 11, 18)  # the visit's date
    assert p.source == "visit"
    assert p.urgency == "normal"
    assert p.status == "received"
    assert p.officer == "王小明"
    assert p.number == "L-2026-000001"
    assert p.overdue is False
    assert p.allowed_steps == ("accept", "resolve", "reject")
    assert [(a.kind, a.from_status, a.to_status, a.actor) for a in p.actions] == [
        ("create", None, "received", "王小明")
    ]


def test_problem_raised_by_phone_numbers_follow_on(store: Store, firm: str) -> None:
    first = store.problems.create({"category": "tax", "description": "退税"}, enterprise_id=firm)
    second = store.problems.create(
        {"category": "labour", "description": "招工难", "source": "hotline", "urgency": "urgent"},
        enterprise_id=firm,
    )
    assert first.record.source == "phone"
    assert first.record.raised_on == TODAY
    assert second.record.source == "hotline"
    assert second.record.urgency == "urgent"
    assert (first.record.number, second.record.number) == ("L-2026-000001", "L-2026-000002")


def test_a_visit_or_an_enterprise_is_required(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        store.problems.create({"category": "tax", "description": "退税"})
    assert info.value.for_field("visit") is not None
    assert rows(store, "problem") == 0


def test_invalid_fields_are_all_named_and_nothing_is_written(store: Store, firm: str) -> None:
    new_problem(store, firm)
    before = [rows(store, t) for t in ("problem", "follow_up_action", "search_doc")]
    with pytest.raises(ValidationError) as info:
        store.problems.create(
            {
                "category": "weather",
                "description": "  ",
                "urgency": "panic",
                "source": "rumour",
                "raised_on": "2026-11-21",
                "co_departments": "tax, nowhere",
            },
            enterprise_id=firm,
        )
    assert {e.field: e.code for e in info.value.errors} == {
        "category": "unknown_code",
        "description": "required",
        "urgency": "unknown",
        "source": "unknown",
        "raised_on": "in_future",
        "co_departments": "unknown_code",
    }
    assert "nowhere" in info.value.for_field("co_departments").message
    assert [rows(store, t) for t in ("problem", "follow_up_action", "search_doc")] == before


@pytest.mark.parametrize("field", ["deadline", "lead_department", "status"])
def test_lifecycle_fields_are_refused_in_plain_creates_and_edits(
    store: Store, firm: str, field: str
) -> None:
    """Deadline and lead department change through assign / extend only (design.md §3)."""
    value = {"deadline": "2026-12-01", "lead_department": "tax", "status": "closed"}[field]
    ident = new_problem(store, firm)
    before = [rows(store, t) for t in ("problem", "sync_outbox")]
    with pytest.raises(ValidationError) as info:
        store.problems.create(
            {"category": "funding", "description": "续贷", field: value}, enterprise_id=firm
        )
    assert info.value.for_field(field).code == "not_editable"
    with pytest.raises(ValidationError) as info:
        store.problems.update(ident, {field: value})
    assert info.value.for_field(field).code == "not_editable"
    assert "assign" in info.value.for_field(field).message or field == "status"
    assert [rows(store, t) for t in ("problem", "sync_outbox")] == before
    assert store.problems.get(ident).status == "received"


def test_past_deadline_is_allowed_and_the_problem_is_then_overdue(store: Store, firm: str) -> None:
    late = new_problem(store, firm, deadline="2026-11-01")
    due_today = new_problem(store, firm, deadline=TODAY)
    due_later = new_problem(store, firm, deadline="2026-12-01")
    new_problem(store, firm)  # no deadline
    assert store.problems.get(late).overdue is True
    assert store.problems.get(due_today).overdue is False
    assert [p.id for p in store.problems.list(overdue=True)] == [late]
    assert {p.id for p in store.problems.due(within_days=7)} == {late, due_today}
    assert [p.id for p in store.problems.due(within_days=15)] == [late, due_today, due_later]
    # Resolving it ends the overdue state.
    store.problems.step(late, *RESOLVE)
    assert store.problems.list(overdue=True) == []


def test_follow_ups_due_also_list_problems_waiting_too_long_to_be_accepted(
    store: Store, firm: str
) -> None:
    """A problem never accepted has no deadline, so neither the overdue filter nor the due
    dates show it: after N working days waiting (today is Friday 2026-11-20) it needs action."""
    late = new_problem(store, firm, deadline="2026-11-01")
    soon = new_problem(store, firm, deadline="2026-11-24")
    long_waiting = new_problem(store, firm, raised_on="2026-10-15")
    six_days = new_problem(store, firm, raised_on="2026-11-12")  # 6 working days ago
    new_problem(store, firm, raised_on="2026-11-13")  # 5 working days: not yet
    accepted = new_problem(store, firm, raised_on="2026-10-01")
    store.problems.step(accepted, "accept")  # accepted: the office has it in hand
    assert [p.id for p in store.problems.due(7, waiting_days=5)] == [
        late,
        long_waiting,
        six_days,
        soon,
    ]
    assert [p.id for p in store.problems.due(7)] == [late, soon]  # the command line's list
    assert store.problems.due(7, officer="某某", waiting_days=5) == []


def test_overdue_follows_the_clock(store: Store, firm: str, clock) -> None:  # type: ignore[no-untyped-def]
    ident = new_problem(store, firm, deadline="2026-11-25")
    assert store.problems.list(overdue=True) == []
    clock.day = dt.date(2026, 11, 26)
    assert [p.id for p in store.problems.list(overdue=True)] == [ident]
    assert store.problems.get(ident).overdue is True


def test_edit_a_problem(store: Store, firm: str) -> None:
    ident = new_problem(store, firm)
    saved = store.problems.update(
        ident,
        {"description": "续贷审批慢", "urgency": "very_urgent", "co_departments": "tax、commerce"},
    )
    assert saved.changes.kinds == {"problem"}
    p = store.problems.get(ident)
    assert p.description == "续贷审批慢"
    assert p.urgency == "very_urgent"
    assert p.co_departments == ("tax", "commerce")
    assert p.status == "received"


def test_status_is_not_editable(store: Store, firm: str) -> None:
    ident = new_problem(store, firm)
    with pytest.raises(ValidationError) as info:
        store.problems.update(ident, {"status": "closed"})
    assert info.value.for_field("status").code == "not_editable"
    assert store.problems.get(ident).status == "received"


@pytest.mark.parametrize("field", ["category", "description", "urgency", "source", "raised_on"])
def test_required_fields_cannot_be_blanked(store: Store, firm: str, field: str) -> None:
    ident = new_problem(store, firm)
    before = store.problems.get(ident)
    with pytest.raises(ValidationError) as info:
        store.problems.update(ident, {field: ""})
    assert info.value.for_field(field) is not None
    assert store.problems.get(ident) == before


def test_delete_and_restore(store: Store, firm: str, visit: str) -> None:
    ident = store.problems.create(
        {"category": "tax", "description": "退税"}, visit_id=visit
    ).record.id
    store.problems.delete(ident)
    assert store.problems.list() == []
    with pytest.raises(NotFoundError):
        store.problems.get(ident)
    with pytest.raises(NotFoundError):
        store.problems.step(ident, "accept")
    with pytest.raises(NotFoundError):
        store.problems.add_action(ident, "chase", "催办")
    store.problems.restore(ident)
    assert store.problems.get(ident).status == "received"
    # A problem cannot come back without its visit.
    store.problems.delete(ident)
    store.visits.delete(visit)
    with pytest.raises(NotFoundError):
        store.problems.restore(ident)


# ---- lifecycle ----------------------------------------------------------------------------


def test_the_whole_lifecycle(store: Store, firm: str, clock) -> None:  # type: ignore[no-untyped-def]
    ident = new_problem(store, firm)
    ps = store.problems

    p = ps.step(ident, "accept").record
    assert (p.status, p.accepted_on) == ("accepted", TODAY)

    deadline = TODAY + dt.timedelta(days=10)
    p = ps.step(ident, "assign", StepInput(department="finance", deadline=deadline)).record
    assert (p.status, p.lead_department, p.assigned_on, p.deadline) == (
        "assigned",
        "finance",
        TODAY,
        deadline,
    )
    assert p.actions[-1].department == "finance"
    assert p.actions[-1].deadline == deadline

    assert ps.step(ident, "start").record.status == "in_progress"

    later = deadline + dt.timedelta(days=10)
    p = ps.step(ident, "extend", StepInput(deadline=later, note="需要上级审批")).record
    assert (p.status, p.deadline) == ("in_progress", later)

    assert ps.step(ident, "defer").record.status == "long_term"
    assert ps.step(ident, "start").record.status == "in_progress"
    p = ps.step(ident, "assign", StepInput(department="tax")).record  # re-assigned
    assert (p.status, p.lead_department, p.deadline) == ("assigned", "tax", later)

    clock.day = TODAY + dt.timedelta(days=3)
    p = ps.step(ident, "resolve", StepInput(note="银行已同意续贷")).record
    assert (p.status, p.result, p.resolved_on) == ("resolved", "银行已同意续贷", clock.day)

    p = ps.step(ident, "callback", StepInput(satisfaction="very_satisfied")).record
    assert (p.status, p.satisfaction, p.callback_on, p.callback_by) == (
        "called_back",
        "very_satisfied",
        clock.day,
        "王小明",
    )

    p = ps.step(ident, "close").record
    assert (p.status, p.closed_on, p.allowed_steps) == ("closed", clock.day, ("reopen",))

    p = ps.step(ident, "reopen", StepInput(note="企业反映问题反复")).record
    assert (p.status, p.reopen_count, p.closed_on, p.resolved_on) == ("in_progress", 1, None, None)

    assert [(a.kind, a.from_status, a.to_status) for a in p.actions] == [
        ("create", None, "received"),
        ("accept", "received", "accepted"),
        ("assign", "accepted", "assigned"),
        ("start", "assigned", "in_progress"),
        ("extend", "in_progress", "in_progress"),
        ("defer", "in_progress", "long_term"),
        ("start", "long_term", "in_progress"),
        ("assign", "in_progress", "assigned"),
        ("resolve", "assigned", "resolved"),
        ("callback", "resolved", "called_back"),
        ("close", "called_back", "closed"),
        ("reopen", "closed", "in_progress"),
    ]
    assert p.actions[4].text == "需要上级审批"
    assert all(a.actor == "王小明" for a in p.actions)
    assert store.maintenance.check().ok


def test_reject_then_reopen_returns_to_received(store: Store, firm: str) -> None:
    ident = new_problem(store, firm)
    p = store.problems.step(ident, "reject", StepInput(note="属于司法诉讼事项")).record
    assert (p.status, p.result, p.overdue) == ("rejected", "属于司法诉讼事项", False)
    p = store.problems.step(ident, "reopen").record
    assert (p.status, p.reopen_count) == ("received", 1)


@pytest.mark.parametrize("status", list(STATUSES))
def test_illegal_steps_are_refused_and_write_nothing(store: Store, firm: str, status: str) -> None:
    ident = new_problem(store, firm)
    drive(store, ident, status)
    before = store.problems.get(ident)
    actions = rows(store, "follow_up_action")
    illegal = [s for s in STEPS if s not in allowed_steps(status)]
    assert illegal
    for step in illegal:
        with pytest.raises(LifecycleError) as info:
            store.problems.step(ident, step, FULL)
        assert info.value.current == status
        assert repr(status) in str(info.value)
        assert ", ".join(allowed_steps(status)) in str(info.value)
    assert rows(store, "follow_up_action") == actions
    assert store.problems.get(ident) == before


@pytest.mark.parametrize(
    ("status", "step", "inp", "field"),
    [
        ("accepted", "assign", StepInput(), "department"),
        ("accepted", "assign", StepInput(department="ministry_of_magic"), "department"),
        (
            "accepted",
            "assign",
            StepInput(department="tax", deadline=TODAY - dt.timedelta(1)),
            "deadline",
        ),
        ("assigned", "extend", StepInput(), "deadline"),
        ("in_progress", "resolve", StepInput(note="  "), "note"),
        ("resolved", "callback", StepInput(), "satisfaction"),
        ("resolved", "callback", StepInput(satisfaction="ok"), "satisfaction"),
        ("resolved", "callback", StepInput(satisfaction="dissatisfied"), "note"),
        ("received", "reject", StepInput(), "note"),
    ],
)
def test_missing_step_inputs_are_named_and_write_nothing(
    store: Store, firm: str, status: str, step: str, inp: StepInput, field: str
) -> None:
    ident = new_problem(store, firm)
    drive(store, ident, status)
    before = store.problems.get(ident)
    actions = rows(store, "follow_up_action")
    with pytest.raises(ValidationError) as info:
        store.problems.step(ident, step, inp)
    assert info.value.for_field(field) is not None
    assert rows(store, "follow_up_action") == actions
    assert store.problems.get(ident) == before


def test_extend_needs_a_later_deadline(store: Store, firm: str) -> None:
    ident = new_problem(store, firm)
    drive(store, ident, "assigned")
    store.problems.step(ident, "extend", StepInput(deadline=TODAY + dt.timedelta(days=5)))
    with pytest.raises(ValidationError) as info:
        store.problems.step(ident, "extend", StepInput(deadline=TODAY + dt.timedelta(days=5)))
    assert info.value.for_field("deadline").code == "not_later"
    assert store.problems.get(ident).deadline == TODAY + dt.timedelta(days=5)


def test_unknown_step(store: Store, firm: str) -> None:
    ident = new_problem(store, firm)
    with pytest.raises(ValidationError) as info:
        store.problems.step(ident, "finish")
    assert info.value.for_field("step") is not None


@pytest.mark.parametrize("grade", ["dissatisfied", "very_dissatisfied"])
def test_dissatisfied_callback_reopens(store: Store, firm: str, grade: str) -> None:
    ident = new_problem(store, firm)
    drive(store, ident, "resolved")
    p = store.problems.step(
        ident, "callback", StepInput(satisfaction=grade, note="利率仍偏高")
    ).record
    assert p.status == "in_progress"
    assert p.reopen_count == 1
    assert p.satisfaction == grade
    assert p.dissatisfied_reason == "利率仍偏高"
    assert p.resolved_on is None
    assert p.callback_on == TODAY
    assert [(a.kind, a.from_status, a.to_status, a.satisfaction) for a in p.actions[-2:]] == [
        ("callback", "resolved", "called_back", grade),
        ("reopen", "called_back", "in_progress", None),
    ]
    assert p.allowed_steps == ("assign", "resolve", "extend", "defer")
    # Resolved again and called back satisfied, it can be closed off.
    store.problems.step(ident, *RESOLVE)
    p = store.problems.step(ident, "callback", StepInput(satisfaction="satisfied")).record
    assert (p.status, p.satisfaction, p.reopen_count) == ("called_back", "satisfied", 1)
    assert store.problems.step(ident, "close").record.status == "closed"
    assert store.maintenance.check().ok


@pytest.mark.parametrize("kind", FOLLOW_UP_KINDS)
def test_follow_up_actions_log_work_without_changing_the_status(
    store: Store, firm: str, kind: str
) -> None:
    ident = new_problem(store, firm)
    drive(store, ident, "assigned")
    p = store.problems.add_action(ident, kind, "  已电话催办财政局  ").record
    assert p.status == "assigned"
    last = p.actions[-1]
    assert (last.kind, last.from_status, last.to_status, last.text, last.actor) == (
        kind,
        "assigned",
        "assigned",
        "已电话催办财政局",
        "王小明",
    )


def test_follow_up_action_validation(store: Store, firm: str) -> None:
    ident = new_problem(store, firm)
    actions = rows(store, "follow_up_action")
    with pytest.raises(ValidationError) as info:
        store.problems.add_action(ident, "resolve", "   ")
    assert {e.field for e in info.value.errors} == {"kind", "text"}
    assert "chase" in info.value.for_field("kind").message
    assert rows(store, "follow_up_action") == actions


def test_no_follow_up_on_a_closed_problem(store: Store, firm: str) -> None:
    ident = new_problem(store, firm)
    drive(store, ident, "closed")
    actions = rows(store, "follow_up_action")
    with pytest.raises(ValidationError) as info:
        store.problems.add_action(ident, "note", "补充说明")
    assert info.value.for_field("problem").code == "closed"
    assert rows(store, "follow_up_action") == actions


def test_list_filters(store: Store, firm: str) -> None:
    other = store.enterprises.create({"name": "大连港物流", "district_code": "210211"}).record.id
    a = new_problem(
        store, firm, category="funding", lead_department="finance", raised_on="2026-10-05"
    )
    b = new_problem(store, other, category="labour", lead_department="tax")
    c = new_problem(store, other, category="labour")
    store.problems.step(c, *RESOLVE)
    ps = store.problems
    assert [p.id for p in ps.list(category="funding")] == [a]
    assert [p.id for p in ps.list(department="tax")] == [b]
    assert {p.id for p in ps.list(district="210200")} == {b, c}
    assert [p.id for p in ps.list(district="210102")] == [a]
    assert {p.id for p in ps.list(open_only=True)} == {a, b}
    assert [p.id for p in ps.list(status="resolved")] == [c]
    assert {p.id for p in ps.list(status=["resolved", "assigned"])} == {a, b, c}
    assert [p.id for p in ps.list(date_to=dt.date(2026, 10, 31))] == [a]
    assert [p.id for p in ps.list(enterprise_id=firm)] == [a]
    assert len(ps.list(officer="王小明")) == 3
    with pytest.raises(ValidationError) as info:
        ps.list(status="done")
    assert info.value.for_field("status") is not None

"""The problem lifecycle: legal and illegal steps, required inputs, overdue, working days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from liaison_app.domain.labels import SATISFACTION, STATUSES
from liaison_app.domain.lifecycle import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    RESOLVED_STATUSES,
    STEPS,
    TRANSITIONS,
    StepInput,
    Transition,
    add_working_days,
    allowed_steps,
    is_overdue,
    plan_step,
)
from liaison_app.errors import LifecycleError, ValidationError

TODAY = dt.date(2026, 11, 20)  # a Friday
LATER = TODAY + dt.timedelta(days=10)
# An input that satisfies every step's requirements (a satisfied call-back).
FULL = StepInput(department="finance", deadline=LATER, note="已协调解决", satisfaction="satisfied")

LEGAL = [(step, src, dst) for step, moves in TRANSITIONS.items() for src, dst in moves.items()]
ILLEGAL = [(step, s) for step in STEPS for s in STATUSES if s not in TRANSITIONS[step]]


def test_every_status_in_the_transition_table_is_a_known_status() -> None:
    for moves in TRANSITIONS.values():
        for src, dst in moves.items():
            assert src in STATUSES
            assert dst in STATUSES
    assert OPEN_STATUSES | RESOLVED_STATUSES | {"rejected"} == set(STATUSES)
    assert {"closed"} == FINAL_STATUSES


def test_every_status_offers_at_least_one_step() -> None:
    for status in STATUSES:
        assert allowed_steps(status), status


def test_allowed_steps_are_offered_in_table_order() -> None:
    assert allowed_steps("received") == ["accept", "resolve", "reject"]
    assert allowed_steps("assigned") == ["assign", "start", "resolve", "extend", "defer"]
    assert allowed_steps("resolved") == ["callback", "reopen"]
    assert allowed_steps("called_back") == ["close", "reopen"]
    assert allowed_steps("closed") == ["reopen"]
    assert allowed_steps("rejected") == ["reopen"]


@pytest.mark.parametrize(("step", "src", "dst"), LEGAL)
def test_every_legal_transition(step: str, src: str, dst: str) -> None:
    plan = plan_step(step, src, None, FULL, TODAY)
    assert plan.transitions[0] == Transition(step, src, dst)
    assert plan.final_status == dst
    assert len(plan.transitions) == 1


@pytest.mark.parametrize(("step", "status"), ILLEGAL)
def test_every_illegal_transition_names_the_state_and_the_allowed_steps(
    step: str, status: str
) -> None:
    with pytest.raises(LifecycleError) as info:
        plan_step(step, status, None, FULL, TODAY)
    err = info.value
    assert err.step == step
    assert err.current == status
    assert err.allowed == allowed_steps(status)
    message = str(err)
    assert repr(status) in message
    assert f"cannot {step}" in message
    assert ", ".join(allowed_steps(status)) in message


def test_unknown_step_is_a_validation_error_listing_the_steps() -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("finish", "received", None, FULL, TODAY)
    error = info.value.for_field("step")
    assert error is not None
    assert "accept" in error.message and "reopen" in error.message


# ---- required inputs ----------------------------------------------------------------------


def field_codes(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


def test_accept_stamps_the_date() -> None:
    plan = plan_step("accept", "received", None, StepInput(), TODAY)
    assert plan.updates == {"accepted_on": TODAY}


def test_assign_needs_a_department() -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("assign", "accepted", None, StepInput(), TODAY)
    assert field_codes(info) == {"department": "required"}


def test_assign_sets_department_date_and_deadline() -> None:
    plan = plan_step("assign", "accepted", None, StepInput(department="tax", deadline=LATER), TODAY)
    assert plan.updates == {"lead_department": "tax", "assigned_on": TODAY, "deadline": LATER}


def test_assign_refuses_a_deadline_before_today() -> None:
    inp = StepInput(department="tax", deadline=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        plan_step("assign", "accepted", None, inp, TODAY)
    assert field_codes(info) == {"deadline": "in_past"}


def test_assign_reports_every_missing_input_at_once() -> None:
    inp = StepInput(deadline=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        plan_step("assign", "accepted", None, inp, TODAY)
    assert field_codes(info) == {"department": "required", "deadline": "in_past"}


def test_extend_needs_a_deadline() -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("extend", "assigned", TODAY, StepInput(), TODAY)
    assert field_codes(info) == {"deadline": "required"}


@pytest.mark.parametrize("days", [0, -1, -30])
def test_extend_needs_a_later_deadline(days: int) -> None:
    current = TODAY + dt.timedelta(days=5)
    inp = StepInput(deadline=current + dt.timedelta(days=days))
    with pytest.raises(ValidationError) as info:
        plan_step("extend", "in_progress", current, inp, TODAY)
    assert field_codes(info) == {"deadline": "not_later"}
    assert str(current) in str(info.value)


def test_extend_to_a_later_deadline_keeps_the_status() -> None:
    current = TODAY + dt.timedelta(days=5)
    plan = plan_step("extend", "long_term", current, StepInput(deadline=LATER), TODAY)
    assert plan.final_status == "long_term"
    assert plan.updates == {"deadline": LATER}


@pytest.mark.parametrize("note", [None, "", "   "])
def test_resolve_needs_a_note(note: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("resolve", "in_progress", None, StepInput(note=note), TODAY)
    assert field_codes(info) == {"note": "required"}


def test_resolve_records_the_result_and_date() -> None:
    plan = plan_step("resolve", "in_progress", None, StepInput(note="  已办结  "), TODAY)
    assert plan.updates == {"result": "已办结", "resolved_on": TODAY}


def test_callback_needs_a_grade() -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("callback", "resolved", None, StepInput(), TODAY)
    assert field_codes(info) == {"satisfaction": "required"}


def test_callback_refuses_an_unknown_grade_and_lists_the_grades() -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("callback", "resolved", None, StepInput(satisfaction="happy"), TODAY)
    assert field_codes(info) == {"satisfaction": "unknown"}
    for grade in SATISFACTION:
        assert grade in str(info.value)


@pytest.mark.parametrize("grade", ["very_satisfied", "satisfied", "basically_satisfied"])
def test_satisfied_callback_is_one_transition(grade: str) -> None:
    plan = plan_step("callback", "resolved", None, StepInput(satisfaction=grade), TODAY)
    assert plan.transitions == (Transition("callback", "resolved", "called_back"),)
    assert plan.updates == {"callback_on": TODAY, "satisfaction": grade}


@pytest.mark.parametrize("grade", ["dissatisfied", "very_dissatisfied"])
def test_dissatisfied_callback_needs_a_reason(grade: str) -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("callback", "resolved", None, StepInput(satisfaction=grade), TODAY)
    assert field_codes(info) == {"note": "required"}


@pytest.mark.parametrize("grade", ["dissatisfied", "very_dissatisfied"])
def test_dissatisfied_callback_is_callback_then_reopen(grade: str) -> None:
    inp = StepInput(satisfaction=grade, note="贷款利率仍然偏高")
    plan = plan_step("callback", "resolved", None, inp, TODAY)
    assert plan.transitions == (
        Transition("callback", "resolved", "called_back"),
        Transition("reopen", "called_back", "in_progress"),
    )
    assert plan.final_status == "in_progress"
    assert plan.updates["satisfaction"] == grade
    assert plan.updates["dissatisfied_reason"] == "贷款利率仍然偏高"
    assert plan.updates["resolved_on"] is None
    assert plan.updates["reopened"] is True


@pytest.mark.parametrize("status", ["received", "accepted"])
def test_reject_needs_a_reason(status: str) -> None:
    with pytest.raises(ValidationError) as info:
        plan_step("reject", status, None, StepInput(), TODAY)
    assert field_codes(info) == {"note": "required"}
    plan = plan_step("reject", status, None, StepInput(note="不属于受理范围"), TODAY)
    assert plan.final_status == "rejected"
    assert plan.updates == {"result": "不属于受理范围"}


def test_close_and_reopen_updates() -> None:
    assert plan_step("close", "called_back", None, StepInput(), TODAY).updates == {
        "closed_on": TODAY
    }
    plan = plan_step("reopen", "closed", None, StepInput(), TODAY)
    assert plan.final_status == "in_progress"
    assert plan.updates == {"resolved_on": None, "closed_on": None, "reopened": True}
    assert plan_step("reopen", "rejected", None, StepInput(), TODAY).final_status == "received"


# ---- overdue and working days --------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_open_problem_past_its_deadline_is_overdue(status: str) -> None:
    assert is_overdue(status, TODAY - dt.timedelta(days=1), TODAY)
    assert not is_overdue(status, TODAY, TODAY)  # due today is not yet overdue
    assert not is_overdue(status, TODAY + dt.timedelta(days=1), TODAY)
    assert not is_overdue(status, None, TODAY)


@pytest.mark.parametrize("status", ["resolved", "called_back", "closed", "rejected"])
def test_finished_problem_is_never_overdue(status: str) -> None:
    assert not is_overdue(status, TODAY - dt.timedelta(days=30), TODAY)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 11, 20), 0, dt.date(2026, 11, 20)),  # Friday + 0
        (dt.date(2026, 11, 20), 1, dt.date(2026, 11, 23)),  # Friday + 1 → Monday
        (dt.date(2026, 11, 20), 5, dt.date(2026, 11, 27)),  # → next Friday
        (dt.date(2026, 11, 21), 1, dt.date(2026, 11, 23)),  # Saturday + 1 → Monday
        (dt.date(2026, 11, 22), 1, dt.date(2026, 11, 23)),  # Sunday + 1 → Monday
        (dt.date(2026, 11, 16), 4, dt.date(2026, 11, 20)),  # Monday + 4 → Friday
        (dt.date(2026, 11, 16), 10, dt.date(2026, 11, 30)),  # two working weeks
    ],
)
def test_add_working_days_skips_weekends(start: dt.date, days: int, expected: dt.date) -> None:
    assert add_working_days(start, days) == expected


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.integers(min_value=1, max_value=60),
)
def test_add_working_days_counts_exactly_the_weekdays(start: dt.date, days: int) -> None:
    end = add_working_days(start, days)
    assert end.weekday() < 5
    span = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(1 for d in span if d.weekday() < 5) == days


# ---- random walks through the lifecycle ----------------------------------------------------

GRADES = sorted(SATISFACTION)


class LifecycleWalk(RuleBasedStateMachine):
    """Random steps from 'received', legal or not, with valid or missing inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.status = "received"
        self.deadline: dt.date | None = None

    @rule(
        step=st.sampled_from(STEPS),
        grade=st.sampled_from(GRADES),
        with_inputs=st.booleans(),
        days=st.integers(min_value=1, max_value=40),
    )
    def take_step(self, step: str, grade: str, with_inputs: bool, days: int) -> None:
        before = self.status
        deadline = (self.deadline or TODAY) + dt.timedelta(days=days)
        inp = (
            StepInput(department="tax", deadline=deadline, note="说明", satisfaction=grade)
            if with_inputs
            else StepInput()
        )
        try:
            plan = plan_step(step, before, self.deadline, inp, TODAY)
        except LifecycleError as err:
            assert step not in allowed_steps(before)
            assert err.current == before
            assert err.allowed == allowed_steps(before)
            return
        except ValidationError:
            assert not with_inputs  # complete inputs are always accepted
            assert step in allowed_steps(before)
            return
        assert step in allowed_steps(before)
        assert plan.transitions[0].from_status == before
        assert plan.transitions[0].kind == step
        for earlier, later in zip(plan.transitions, plan.transitions[1:], strict=False):
            assert later.from_status == earlier.to_status
        if before == "closed":
            assert step == "reopen"
        if "deadline" in plan.updates:
            self.deadline = plan.updates["deadline"]
        self.status = plan.final_status

    @invariant()
    def status_is_known(self) -> None:
        assert self.status in STATUSES


TestLifecycleWalk = LifecycleWalk.TestCase
TestLifecycleWalk.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)


@given(st.lists(st.sampled_from(STEPS), max_size=40))
def test_closed_is_only_left_by_reopen(steps: list[str]) -> None:
    status = "received"
    for step in steps:
        if step not in allowed_steps(status):
            continue
        plan = plan_step(step, status, None, FULL, TODAY)
        assert plan.transitions[0].from_status == status
        if status == "closed":
            assert step == "reopen"
            assert plan.final_status == "in_progress"
        status = plan.final_status
        assert status in STATUSES

"""The problem lifecycle: which step is legal from which status, and what each step changes.

Every step becomes one or more follow-up actions (append-only) carrying from → to. Status is
never edited directly. A dissatisfied call-back is two transitions: call back, then reopen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from liaison_app.domain.labels import DISSATISFIED_GRADES, SATISFACTION
from liaison_app.errors import FieldError, LifecycleError, ValidationError

OPEN_STATUSES = frozenset({"received", "accepted", "assigned", "in_progress", "long_term"})
RESOLVED_STATUSES = frozenset({"resolved", "called_back", "closed"})
FINAL_STATUSES = frozenset({"closed"})

# step → {from status: to status}; dict order is the order steps are offered to the user.
TRANSITIONS: dict[str, dict[str, str]] = {
    "accept": {"received": "accepted"},
    "assign": {"accepted": "assigned", "assigned": "assigned", "in_progress": "assigned"},
    "start": {"assigned": "in_progress", "long_term": "in_progress"},
    "resolve": {
        s: "resolved" for s in ("received", "accepted", "assigned", "in_progress", "long_term")
    },
    "callback": {"resolved": "called_back"},
    "close": {"called_back": "closed"},
    "extend": {"assigned": "assigned", "in_progress": "in_progress", "long_term": "long_term"},
    "defer": {"assigned": "long_term", "in_progress": "long_term"},
    "reject": {"received": "rejected", "accepted": "rejected"},
    "reopen": {
        "resolved": "in_progress",
        "called_back": "in_progress",
        "closed": "in_progress",
        "rejected": "received",
    },
}
STEPS = tuple(TRANSITIONS)

# Follow-up actions that log work without changing the status.
FOLLOW_UP_KINDS = ("chase", "supervise", "reply", "meeting", "onsite", "note")


def allowed_steps(status: str) -> list[str]:
    """The lifecycle steps legal from ``status``, in the order a person would take them."""
    return [step for step, moves in TRANSITIONS.items() if status in moves]


def is_overdue(status: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Open with a deadline that has passed. Derived, never stored."""
    return deadline is not None and status in OPEN_STATUSES and deadline < today


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``start`` plus ``days`` working days (Monday–Friday; public holidays are not known)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


@dataclass(frozen=True)
class StepInput:
    """What a person supplies with a step; which parts are required depends on the step."""

    department: str | None = None
    deadline: dt.date | None = None
    note: str | None = None
    satisfaction: str | None = None


@dataclass(frozen=True)
class Transition:
    kind: str
    from_status: str
    to_status: str


@dataclass(frozen=True)
class StepPlan:
    """What a legal step does: the transitions to log and the problem fields to set."""

    transitions: tuple[Transition, ...]
    updates: dict[str, Any] = field(default_factory=dict)

    @property
    def final_status(self) -> str:
        return self.transitions[-1].to_status


def plan_step(
    step: str,
    status: str,
    current_deadline: dt.date | None,
    inp: StepInput,
    today: dt.date,
) -> StepPlan:
    """Check a step against the current status and its inputs; say what it changes.

    Raises LifecycleError for a step not allowed from ``status`` and ValidationError for a
    missing or wrong input. Pure: the caller writes the actions and updates.
    """
    if step not in TRANSITIONS:
        raise ValidationError.single(
            "step", "unknown_step", f"unknown step {step!r}; steps are: {', '.join(STEPS)}"
        )
    moves = TRANSITIONS[step]
    if status not in moves:
        raise LifecycleError(step, status, allowed_steps(status))
    note = (inp.note or "").strip() or None
    errors: list[FieldError] = []
    updates: dict[str, Any] = {}
    transitions = [Transition(step, status, moves[status])]

    if step == "accept":
        updates["accepted_on"] = today
    elif step == "assign":
        if not inp.department:
            errors.append(
                FieldError("department", "required", "a department is required to assign")
            )
        updates.update(lead_department=inp.department, assigned_on=today)
        if inp.deadline is not None:
            if inp.deadline < today:
                errors.append(
                    FieldError(
                        "deadline",
                        "in_past",
                        f"deadline {inp.deadline} is before today",
                        {"value": inp.deadline},
                    )
                )
            updates["deadline"] = inp.deadline
    elif step == "extend":
        if inp.deadline is None:
            errors.append(FieldError("deadline", "required", "extending needs the new deadline"))
        elif current_deadline is not None and inp.deadline <= current_deadline:
            errors.append(
                FieldError(
                    "deadline",
                    "not_later",
                    f"the new deadline {inp.deadline} must be after the current one "
                    f"{current_deadline}",
                    {"value": inp.deadline, "current": current_deadline},
                )
            )
        else:
            updates["deadline"] = inp.deadline
    elif step == "resolve":
        if note is None:
            errors.append(FieldError("note", "required", "resolving needs the result (--note)"))
        updates.update(result=note, resolved_on=today)
    elif step == "callback":
        grade = inp.satisfaction
        if grade is None:
            errors.append(
                FieldError("satisfaction", "required", "a call-back needs the satisfaction grade")
            )
        elif grade not in SATISFACTION:
            errors.append(
                FieldError(
                    "satisfaction",
                    "unknown",
                    f"unknown grade {grade!r}; grades are: {', '.join(SATISFACTION)}",
                    {"value": grade},
                )
            )
        else:
            updates.update(callback_on=today, satisfaction=grade)
            if grade in DISSATISFIED_GRADES:
                if note is None:
                    errors.append(
                        FieldError("note", "required", "a dissatisfied call-back needs the reason")
                    )
                updates.update(dissatisfied_reason=note, resolved_on=None, reopened=True)
                transitions.append(Transition("reopen", "called_back", "in_progress"))
    elif step == "close":
        updates["closed_on"] = today
    elif step == "reject":
        if note is None:
            errors.append(FieldError("note", "required", "rejecting needs the reason (--note)"))
        updates["result"] = note
    elif step == "reopen":
        updates.update(resolved_on=None, closed_on=None, reopened=True)
    if errors:
        raise ValidationError(errors)
    return StepPlan(tuple(transitions), updates)

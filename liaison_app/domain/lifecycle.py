"""The problem lifecycle: which step is legal from which status, and what each step changes.

Every step becomes one or more follow-up actions (append-only) carrying from → to. Status is
never edited directly. A dissatisfied call-back is two transitions: call back, then reopen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from liaison_app.domain.labels import DISSATISFIED_GRADES, SATISFACTION, STATUSES
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


def working_days_before(end: dt.date, days: int) -> dt.date:
    """The day ``days`` working days before ``end`` (Monday–Friday, as add_working_days)."""
    current = end
    remaining = days
    while remaining > 0:
        current -= dt.timedelta(days=1)
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


# ---- lifecycle fields over the wire (client capture and server validation share these) ------

# Problem fields that change only through lifecycle steps (never through a plain edit).
LIFECYCLE_FIELDS = (
    "status",
    "accepted_on",
    "assigned_on",
    "lead_department",
    "deadline",
    "result",
    "resolved_on",
    "callback_on",
    "callback_by",
    "satisfaction",
    "dissatisfied_reason",
    "closed_on",
    "reopen_count",
)

# The fields one transition of each kind may carry. A dissatisfied call-back is two
# transitions: ``callback`` carries the grade and the reason, ``reopen`` clears resolved_on.
# ``reopen`` also raises reopen_count by one on whichever side applies it (never sent).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "accept": ("accepted_on",),
    "assign": ("lead_department", "assigned_on", "deadline"),
    "start": (),
    "resolve": ("result", "resolved_on"),
    "callback": ("callback_on", "satisfaction", "dissatisfied_reason", "callback_by"),
    "close": ("closed_on",),
    "extend": ("deadline",),
    "defer": (),
    "reject": ("result",),
    "reopen": ("resolved_on", "closed_on"),
}
_DATE_FIELDS = ("accepted_on", "assigned_on", "resolved_on", "callback_on", "closed_on")
_TEXT_FIELDS = {"result": 20_000, "dissatisfied_reason": 20_000, "callback_by": 200}
MAX_REOPEN = 10_000


def transition_fields(kind: str, updates: dict[str, Any]) -> dict[str, Any]:
    """The part of a step's updates that one of its transitions carries."""
    return {k: v for k, v in updates.items() if k in STEP_FIELDS[kind]}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _lifecycle_value(
    name: str,
    value: Any,
    *,
    department_codes: Any,
    latest_today: dt.date,
    errors: list[FieldError],
) -> Any:
    """One lifecycle field as sent over the wire, strictly typed; appends to ``errors``."""

    def bad(code: str, message: str) -> None:
        errors.append(FieldError(name, code, message))

    if value is None:
        return None
    if name in _DATE_FIELDS or name == "deadline":
        if not isinstance(value, str) or len(value) != 10:
            bad("bad_date", "must be a date YYYY-MM-DD")
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            bad("bad_date", "must be a date YYYY-MM-DD")
            return None
        if name != "deadline" and day > latest_today:
            bad("in_future", f"{value} is in the future")
            return None
        return day.isoformat()
    if name in _TEXT_FIELDS:
        if not isinstance(value, str):
            bad("not_text", "must be text")
            return None
        if len(value) > _TEXT_FIELDS[name]:
            bad("too_long", f"is {len(value)} characters; at most {_TEXT_FIELDS[name]}")
            return None
        return value.strip() or None
    if name == "lead_department":
        if not isinstance(value, str) or value not in department_codes:
            bad("unknown_code", "unknown department code")
            return None
        return value
    if name == "satisfaction":
        if not isinstance(value, str) or value not in SATISFACTION:
            bad("unknown", f"unknown grade; grades are: {', '.join(SATISFACTION)}")
            return None
        return value
    if name == "status":
        if not isinstance(value, str) or value not in STATUSES:
            bad("unknown", "unknown status")
            return None
        return value
    if name == "reopen_count":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REOPEN:
            bad("out_of_range", f"must be a whole number from 0 to {MAX_REOPEN}")
            return None
        return value
    bad("not_lifecycle", "is not a lifecycle field")
    return None


def clean_transition(
    step: Any,
    from_status: Any,
    to_status: Any,
    fields: Any,
    *,
    department_codes: Any,
    latest_today: dt.date,
) -> dict[str, Any]:
    """Check one transition as it arrives over the wire; returns the cleaned fields.

    The whole transition is refused (ValidationError) when the step or the move is unknown,
    when it carries a field its step does not set, or when any value has the wrong type.
    ``latest_today`` is today in the latest time zone on Earth (UTC+14): dates are the
    officer's own calendar dates and a rejection is permanent.
    """
    if not isinstance(step, str) or step not in TRANSITIONS:
        raise ValidationError.single("step", "unknown_step", "unknown lifecycle step")
    if not isinstance(from_status, str) or TRANSITIONS[step].get(from_status) != to_status:
        raise ValidationError.single(
            "transition", "illegal", f"{step} does not lead from {from_status!r} to {to_status!r}"
        )
    if not isinstance(fields, dict):
        raise ValidationError.single("fields", "not_object", "must be an object")
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    allowed = STEP_FIELDS[step]
    for name, value in fields.items():
        if name not in allowed:
            errors.append(
                FieldError(str(name)[:60], "not_for_step", f"a {step} step does not set this")
            )
            continue
        out[name] = _lifecycle_value(
            name,
            value,
            department_codes=department_codes,
            latest_today=latest_today,
            errors=errors,
        )
    if step == "assign" and not out.get("lead_department"):
        errors.append(FieldError("lead_department", "required", "assign needs a department"))
    if step in ("resolve", "reject") and not out.get("result"):
        errors.append(FieldError("result", "required", f"{step} needs the result"))
    if step == "extend" and not out.get("deadline"):
        errors.append(FieldError("deadline", "required", "extend needs the new deadline"))
    if step == "callback":
        grade = out.get("satisfaction")
        if grade is None:
            errors.append(FieldError("satisfaction", "required", "a call-back needs the grade"))
        elif grade in DISSATISFIED_GRADES and not out.get("dissatisfied_reason"):
            errors.append(
                FieldError("dissatisfied_reason", "required", "a dissatisfied call-back needs why")
            )
    if step == "reopen" and any(out.get(k) is not None for k in ("resolved_on", "closed_on")):
        errors.append(FieldError("resolved_on", "must_clear", "reopening clears these dates"))
    if errors:
        raise ValidationError(errors)
    return out


def clean_lifecycle_state(
    state: Any, *, department_codes: Any, latest_today: dt.date
) -> dict[str, Any]:
    """The whole lifecycle state of a problem created with its history (a problem that moved
    through its lifecycle before the folder's first sync); strictly typed, status required."""
    if not isinstance(state, dict):
        raise ValidationError.single("lifecycle", "not_object", "must be an object")
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for name, value in state.items():
        if name not in LIFECYCLE_FIELDS:
            errors.append(FieldError(str(name)[:60], "not_lifecycle", "not a lifecycle field"))
            continue
        out[name] = _lifecycle_value(
            name,
            value,
            department_codes=department_codes,
            latest_today=latest_today,
            errors=errors,
        )
    if not out.get("status"):
        errors.append(FieldError("status", "required", "the status is required"))
    if errors:
        raise ValidationError(errors)
    return out


def lifecycle_state(p: Any) -> dict[str, Any]:
    """A problem's lifecycle fields (from a row, a record or a dict) as JSON-ready values."""
    out: dict[str, Any] = {}
    for name in LIFECYCLE_FIELDS:
        value = p.get(name) if isinstance(p, dict) else getattr(p, name)
        out[name] = _iso(value) if isinstance(value, dt.date) else value
    return out

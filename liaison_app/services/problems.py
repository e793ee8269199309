"""Problems: record, edit, delete (undoable), the lifecycle steps and follow-up actions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, and_, func, select, text
from sqlalchemy.orm import Session

from liaison_app.domain.fields import PROBLEM_FIELDS
from liaison_app.domain.ids import uuid7
from liaison_app.domain.labels import STATUSES
from liaison_app.domain.lifecycle import (
    FOLLOW_UP_KINDS,
    OPEN_STATUSES,
    StepInput,
    plan_step,
    transition_fields,
    working_days_before,
)
from liaison_app.domain.records import Changes, ProblemRecord, Saved
from liaison_app.domain.validation import clean_problem
from liaison_app.errors import FieldError, NotFoundError, ValidationError
from liaison_app.models import search_index
from liaison_app.models.entities import Enterprise, FollowUpAction, Problem, SearchDoc, Visit
from liaison_app.models.indexing import index_record
from liaison_app.services.base import (
    Service,
    code_lookup,
    district_filter,
    edited,
    get_live,
    get_meta,
    next_counter,
)
from liaison_app.services.convert import problem_record
from liaison_app.sync.capture import capture
from liaison_app.sync.protocol import SYNCED_FIELDS

EDITABLE = PROBLEM_FIELDS
# Never part of a plain edit: the lifecycle steps set these (design.md §3).
STEP_ONLY = {
    "deadline": "the deadline is set by the assign and extend steps "
    "(`liaison problem assign ID --department CODE --deadline DATE`, `problem extend`)",
    "lead_department": "the lead department is set by the assign step "
    "(`liaison problem assign ID --department CODE`)",
    "status": "status changes only through lifecycle steps",
}
_PROVISIONAL = re.compile(r"L-(\d{4})-(\d{1,9})")
_NUMBER = re.compile(r"[A-Z]{2,3}-\d{4}-\d{6}")
SORTS = {
    "raised": (Problem.raised_on.desc(), Problem.id.desc()),
    "deadline": (Problem.deadline.is_(None), Problem.deadline, Problem.id),
    "updated": (Problem.updated_at.desc(), Problem.id.desc()),
}
URGENCY_RANK = {"very_urgent": 0, "urgent": 1, "normal": 2}
ACTION_FIELDS = SYNCED_FIELDS["action"]


def _refuse_step_fields(fields: Mapping[str, Any]) -> None:
    errors = [FieldError(k, "not_editable", why) for k, why in STEP_ONLY.items() if k in fields]
    if errors:
        raise ValidationError(errors)


def find_problem(s: Session, ident: str) -> Problem | None:
    """A problem by id, by the server's number (SY-2026-000123) or by its provisional one."""
    p = s.get(Problem, ident)
    if p is not None:
        return p
    key = (ident or "").strip().upper()
    if _NUMBER.fullmatch(key):
        return s.scalar(select(Problem).where(Problem.number == key))
    m = _PROVISIONAL.fullmatch(key)
    if m:
        found = s.scalar(select(Problem).where(Problem.local_no == int(m[2])))
        if found is not None and found.raised_on.year == int(m[1]):
            return found
    return None


def get_problem(s: Session, ident: str) -> Problem:
    """The live problem with this id or number, else NotFoundError (exit 2)."""
    p = find_problem(s, ident)
    if p is None or p.deleted_at is not None:
        raise NotFoundError("problem", ident)
    return p


class ProblemService(Service):
    # ---- writes ---------------------------------------------------------------------------
    def create(
        self,
        fields: Mapping[str, Any],
        *,
        visit_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> Saved:
        """Record a problem raised during a visit (or by phone, hotline… for an enterprise)."""
        _refuse_step_fields(fields)
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        raw.setdefault("category", None)
        raw.setdefault("description", None)
        with self._db.writing() as s:
            p = self._create(s, raw, visit_id=visit_id, enterprise_id=enterprise_id)
            record = self._record(s, p)
        return Saved(record, Changes(frozenset({"problem"}), frozenset({p.id})))

    def _create(
        self, s: Session, raw: Mapping[str, Any], *, visit_id: str | None, enterprise_id: str | None
    ) -> Problem:
        today = self._clock.today()
        if visit_id:
            visit = get_live(s, Visit, visit_id, "visit")
            enterprise_id = visit.enterprise_id
        elif not enterprise_id:
            raise ValidationError.single(
                "visit", "required", "a visit or an enterprise is required"
            )
        else:
            visit = None
        e = get_live(s, Enterprise, enterprise_id, "enterprise")
        values = clean_problem(raw, code_lookup(s), creating=True, today=today)
        values.setdefault("raised_on", visit.visit_date if visit else today)
        if values["raised_on"] is None:
            values["raised_on"] = visit.visit_date if visit else today
        if not visit and "source" not in raw:
            values["source"] = "phone"
        values.pop("officer", None)  # the author, never a typed value
        now = self._clock.now()
        p = Problem(
            id=uuid7(),
            enterprise_id=e.id,
            visit_id=visit.id if visit else None,
            local_no=next_counter(s, "problem_local_no"),
            status="received",
            officer=get_meta(s, "officer_name"),
            created_at=now,
            updated_at=now,
            **values,
        )
        s.add(p)
        s.flush()
        capture(
            s,
            "problem",
            p.id,
            "create",
            fields={"enterprise_id": e.id, "visit_id": p.visit_id, **values},
            enterprise_id=e.id,
        )
        self._log(s, p, "create", None, "received", text=None)
        index_record(s, "problem", p)
        return p

    def update(self, ident: str, fields: Mapping[str, Any], *, seen: Any = None) -> Saved:
        """Change what the person changed (``seen``: the record the form showed)."""
        _refuse_step_fields(fields)
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        with self._db.writing() as s:
            p = get_problem(s, ident)
            values = clean_problem(raw, code_lookup(s), creating=False, today=self._clock.today())
            for key in ("category", "description", "urgency", "source", "raised_on"):
                if key in values and values[key] is None:
                    raise ValidationError.single(key, "required", "is required")
            changed, base, base_version = edited(values, p, seen)
            for key, value in changed.items():
                setattr(p, key, value)
            if changed:
                p.updated_at = self._clock.now()
                s.flush()
                index_record(s, "problem", p)
                capture(
                    s,
                    "problem",
                    p.id,
                    "update",
                    fields=changed,
                    base=base,
                    base_version=base_version,
                    enterprise_id=p.enterprise_id,
                )
            record = self._record(s, p)
        ids = frozenset({p.id}) if changed else frozenset()
        return Saved(record, Changes(frozenset({"problem"}) if changed else frozenset(), ids))

    def delete(self, ident: str) -> Saved:
        with self._db.writing() as s:
            p = get_problem(s, ident)
            p.deleted_at = p.updated_at = self._clock.now()
            p.deleted_with = None
            search_index.remove(s, [p.id])
            capture(
                s,
                "problem",
                p.id,
                "delete",
                base_version=p.sync_version,
                enterprise_id=p.enterprise_id,
            )
            record = self._record(s, p)
        return Saved(record, Changes(frozenset({"problem"}), frozenset({p.id})))

    def restore(self, ident: str) -> Saved:
        with self._db.writing() as s:
            p = find_problem(s, ident)
            if p is None:
                raise NotFoundError("problem", ident)
            get_live(s, Enterprise, p.enterprise_id, "enterprise")
            if p.visit_id:
                get_live(s, Visit, p.visit_id, "visit")
            if p.deleted_at is not None:
                p.deleted_at = p.deleted_with = None
                p.updated_at = self._clock.now()
                index_record(s, "problem", p)
                capture(
                    s,
                    "problem",
                    p.id,
                    "restore",
                    base_version=p.sync_version,
                    enterprise_id=p.enterprise_id,
                )
            record = self._record(s, p)
        return Saved(record, Changes(frozenset({"problem"}), frozenset({p.id})))

    def step(self, ident: str, step: str, inp: StepInput | None = None) -> Saved:
        """Take one lifecycle step; refused (nothing written) if illegal from the status."""
        inp = inp or StepInput()
        with self._db.writing() as s:
            p = get_problem(s, ident)
            if inp.department is not None:
                codes = code_lookup(s)("departments")
                if inp.department not in codes:
                    raise ValidationError.single(
                        "department",
                        "unknown_code",
                        f"unknown department code {inp.department!r} "
                        "(see `liaison reference list departments`)",
                    )
            plan = plan_step(step, p.status, p.deadline, inp, self._clock.today())
            updates = dict(plan.updates)
            if updates.pop("reopened", False):
                p.reopen_count = (p.reopen_count or 0) + 1
            if step == "callback":
                updates["callback_by"] = get_meta(s, "officer_name")
            for key, value in updates.items():
                setattr(p, key, value)
            # Each transition travels as its own change carrying (from → to) and what it sets.
            for t in plan.transitions:
                capture(
                    s,
                    "problem",
                    p.id,
                    "transition",
                    fields=transition_fields(t.kind, updates),
                    base_version=p.sync_version,
                    enterprise_id=p.enterprise_id,
                    step=t.kind,
                    transition={"from": t.from_status, "to": t.to_status},
                )
            for t in plan.transitions:
                self._log(
                    s,
                    p,
                    t.kind,
                    t.from_status,
                    t.to_status,
                    text=inp.note,
                    department=inp.department if step == "assign" else None,
                    deadline=inp.deadline if step in ("assign", "extend") else None,
                    satisfaction=inp.satisfaction if t.kind == "callback" else None,
                )
            p.status = plan.final_status
            p.updated_at = self._clock.now()
            s.flush()
            if "result" in updates:
                index_record(s, "problem", p)
            record = self._record(s, p)
        return Saved(record, Changes(frozenset({"problem", "action"}), frozenset({p.id})))

    def add_action(self, ident: str, kind: str, text: str) -> Saved:
        """Log a follow-up (chase, supervise, reply, meeting, on-site office, note)."""
        errors = []
        if kind not in FOLLOW_UP_KINDS:
            errors.append(
                FieldError(
                    "kind",
                    "unknown",
                    f"unknown action kind {kind!r}; kinds: {', '.join(FOLLOW_UP_KINDS)} "
                    "(lifecycle steps have their own commands)",
                )
            )
        if not (text or "").strip():
            errors.append(FieldError("text", "required", "is required and may not be blank"))
        if errors:
            raise ValidationError(errors)
        with self._db.writing() as s:
            p = get_problem(s, ident)
            if p.status == "closed":
                raise ValidationError.single(
                    "problem", "closed", "the problem is closed off; reopen it to log more work"
                )
            self._log(s, p, kind, p.status, p.status, text=text.strip())
            p.updated_at = self._clock.now()
            s.flush()
            record = self._record(s, p)
        return Saved(record, Changes(frozenset({"problem", "action"}), frozenset({p.id})))

    def _log(
        self,
        s: Session,
        p: Problem,
        kind: str,
        from_status: str | None,
        to_status: str | None,
        *,
        text: str | None,
        department: str | None = None,
        deadline: dt.date | None = None,
        satisfaction: str | None = None,
    ) -> None:
        """Append one entry to the problem's log (a record of its own: it syncs)."""
        a = FollowUpAction(
            id=uuid7(),
            problem_id=p.id,
            at=self._clock.now(),
            actor=get_meta(s, "officer_name"),
            kind=kind,
            text=(text or "").strip() or None,
            from_status=from_status,
            to_status=to_status,
            department=department,
            deadline=deadline,
            satisfaction=satisfaction,
            created_at=self._clock.now(),
        )
        s.add(a)
        capture(
            s,
            "action",
            a.id,
            "create",
            fields={name: getattr(a, name) for name in ACTION_FIELDS},
            enterprise_id=p.enterprise_id,
        )

    # ---- reads ----------------------------------------------------------------------------
    def _record(self, s: Session, p: Problem, with_actions: bool = True) -> ProblemRecord:
        e = s.get_one(Enterprise, p.enterprise_id)
        actions = (
            list(
                s.scalars(
                    select(FollowUpAction)
                    .where(FollowUpAction.problem_id == p.id)
                    .order_by(FollowUpAction.at, FollowUpAction.id)
                )
            )
            if with_actions
            else None
        )
        return problem_record(p, e.name, e.district_code, self._clock.today(), actions)

    def get(self, ident: str) -> ProblemRecord:
        """A problem by id or by number (the server's, or the provisional one)."""
        with self._db.reading() as s:
            return self._record(s, get_problem(s, ident))

    def conditions(
        self,
        *,
        status: str | Sequence[str] | None = None,
        category: str | None = None,
        department: str | None = None,
        district: str | None = None,
        enterprise_id: str | None = None,
        visit_id: str | None = None,
        officer: str | None = None,
        overdue: bool = False,
        open_only: bool = False,
        due_before: dt.date | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        search: str | None = None,
    ) -> list[Any] | None:
        """WHERE terms for a problem filter (district needs the enterprise joined); None if
        nothing can match."""
        today = self._clock.today()
        where: list[Any] = [Problem.deleted_at.is_(None)]
        if status:
            statuses = [status] if isinstance(status, str) else list(status)
            unknown = [x for x in statuses if x not in STATUSES]
            if unknown:
                raise ValidationError.single(
                    "status",
                    "unknown",
                    f"unknown status {unknown[0]!r}; statuses: {', '.join(STATUSES)}",
                )
            where.append(Problem.status.in_(statuses))
        if category:
            where.append(Problem.category == category)
        if department:
            where.append(Problem.lead_department == department)
        if district:
            where.append(district_filter(Enterprise.district_code, district))
        if enterprise_id:
            where.append(Problem.enterprise_id == enterprise_id)
        if visit_id:
            where.append(Problem.visit_id == visit_id)
        if officer:
            where.append(Problem.officer == officer)
        if overdue:
            where.append(and_(Problem.status.in_(OPEN_STATUSES), Problem.deadline < today))
        if open_only:
            where.append(Problem.status.in_(OPEN_STATUSES))
        if due_before is not None:
            where += [Problem.status.in_(OPEN_STATUSES), Problem.deadline <= due_before]
        if date_from:
            where.append(Problem.raised_on >= date_from)
        if date_to:
            where.append(Problem.raised_on <= date_to)
        if search:
            sub = search_index.match_subquery(search, "problem")
            if sub is None:
                return None
            where.append(Problem.id.in_(sub))
        return where

    def query(self, **filters: Any) -> Select[Any] | None:
        """The filtered select of (Problem, enterprise name, district); None if nothing can match."""
        where = self.conditions(**filters)
        if where is None:
            return None
        return (
            select(Problem, Enterprise.name, Enterprise.district_code)
            .join(Enterprise, Enterprise.id == Problem.enterprise_id)
            .where(*where)
        )

    def _common_term(self, s: Session, search: str, wanted: int) -> bool:
        """Whether a term matches so many problems that walking newest-first finds ``wanted``
        rows sooner than looking up every match (≈1 µs a match) would."""
        hits = search_index.count_matches(s, search, "problem")
        size = s.execute(text("SELECT max(rowid) FROM problem")).scalar() or 0
        return hits * hits >= 2 * wanted * size

    def list(
        self, *, sort: str = "raised", limit: int | None = None, offset: int = 0, **filters: Any
    ) -> list[ProblemRecord]:
        today = self._clock.today()
        with self._db.reading() as s:
            search = filters.get("search")
            q = None
            common = (
                search
                and sort == "raised"
                and limit is not None
                and self._common_term(s, search, offset + limit)
            )
            if common:
                q = self._query_walking_newest_first(search, filters)
            if q is None:
                q = self.query(**filters)
            if q is None:
                return []
            q = q.order_by(*SORTS[sort]).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [problem_record(p, name, district, today) for p, name, district in s.execute(q)]

    def _query_walking_newest_first(
        self, search: str, filters: dict[str, Any]
    ) -> Select[Any] | None:
        """The same rows as query(), joined through search_doc so SQLite scans problems in
        date order and stops at the limit instead of starting from every match."""
        rowids = search_index.matching_rowids(search)
        q = self.query(**{**filters, "search": None})
        if rowids is None or q is None:
            return None
        # "+ 0" keeps SQLite from driving the join from the matches.
        return q.join(SearchDoc, SearchDoc.ref_id == Problem.id).where(
            (SearchDoc.id + 0).in_(rowids)
        )

    def count(self, **filters: Any) -> int:
        with self._db.reading() as s:
            others = {k: v for k, v in filters.items() if k != "search" and v}
            if filters.get("search") and not others:
                # The index holds live problems only, so its count is the answer.
                return search_index.count_matches(s, filters["search"], "problem")
            where = self.conditions(**filters)
            if where is None:
                return 0
            q = select(func.count(Problem.id)).select_from(Problem)
            if filters.get("district"):
                q = q.join(Enterprise, Enterprise.id == Problem.enterprise_id)
            return s.scalar(q.where(*where)) or 0

    def officers(self) -> list[str]:
        """The officers who raised the problems here (their authorship), for a filter."""
        with self._db.reading() as s:
            names = s.scalars(
                select(Problem.officer)
                .where(Problem.deleted_at.is_(None), Problem.officer.isnot(None))
                .distinct()
            )
            return sorted(n for n in names if n)

    def due(
        self,
        within_days: int = 7,
        officer: str | None = None,
        waiting_days: int | None = None,
    ) -> list[ProblemRecord]:
        """What needs chasing: open problems overdue, then (with ``waiting_days``) problems
        received but not accepted for more than that many working days — they have no deadline
        yet, so nothing else shows them — oldest first, then those due within ``within_days``."""
        today = self._clock.today()
        horizon = today + dt.timedelta(days=within_days)
        rows = self.list(due_before=horizon, officer=officer, sort="deadline")
        rows.sort(key=lambda r: (r.deadline, URGENCY_RANK.get(r.urgency, 9)))
        late = [r for r in rows if r.overdue]
        soon = [r for r in rows if not r.overdue]
        waiting: list[ProblemRecord] = []
        if waiting_days is not None:
            cutoff = working_days_before(today, waiting_days + 1)
            listed = {r.id for r in rows}
            waiting = [
                r
                for r in self.list(status="received", date_to=cutoff, officer=officer)
                if r.id not in listed
            ]
            waiting.sort(key=lambda r: (r.raised_on, URGENCY_RANK.get(r.urgency, 9)))
        return late + waiting + soon

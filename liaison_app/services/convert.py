"""ORM rows → frozen records (the only place that knows both shapes)."""

from __future__ import annotations

import datetime as dt

from liaison_app.domain.lifecycle import allowed_steps, is_overdue
from liaison_app.domain.records import (
    ActionRecord,
    EnterpriseRecord,
    ProblemRecord,
    VisitRecord,
)
from liaison_app.models.entities import Enterprise, FollowUpAction, Problem, Visit
from liaison_app.models.indexing import provisional_number

__all__ = [
    "action_record",
    "enterprise_record",
    "problem_record",
    "provisional_number",
    "visit_record",
]


def enterprise_record(e: Enterprise, open_problems: int = 0) -> EnterpriseRecord:
    return EnterpriseRecord(
        id=e.id,
        name=e.name,
        uscc=e.uscc,
        district_code=e.district_code,
        industry_code=e.industry_code,
        size=e.size,
        ownership=e.ownership,
        address=e.address,
        legal_rep=e.legal_rep,
        contact_name=e.contact_name,
        contact_title=e.contact_title,
        phone=e.phone,
        park=e.park,
        officer=e.officer,
        unit=e.unit,
        specialised=bool(e.specialised),
        notes=e.notes,
        created_at=e.created_at,
        updated_at=e.updated_at,
        deleted_at=e.deleted_at,
        open_problems=open_problems,
        version=e.sync_version or 0,
    )


def visit_record(v: Visit, enterprise_name: str) -> VisitRecord:
    return VisitRecord(
        id=v.id,
        enterprise_id=v.enterprise_id,
        enterprise_name=enterprise_name,
        visit_date=v.visit_date,
        mode=v.mode,
        officers=tuple(v.officers or ()),
        people_met=v.people_met,
        business_situation=v.business_situation,
        output_value=v.output_value,
        revenue=v.revenue,
        staff=v.staff,
        capacity_use=v.capacity_use,
        policies=v.policies,
        opinions=v.opinions,
        solved_on_site=v.solved_on_site,
        summary=v.summary,
        created_at=v.created_at,
        updated_at=v.updated_at,
        deleted_at=v.deleted_at,
        version=v.sync_version or 0,
    )


def action_record(a: FollowUpAction) -> ActionRecord:
    return ActionRecord(
        id=a.id,
        problem_id=a.problem_id,
        at=a.at,
        actor=a.actor,
        kind=a.kind,
        text=a.text,
        from_status=a.from_status,
        to_status=a.to_status,
        department=a.department,
        deadline=a.deadline,
        satisfaction=a.satisfaction,
    )


def problem_record(
    p: Problem,
    enterprise_name: str,
    district_code: str | None,
    today: dt.date,
    actions: list[FollowUpAction] | None = None,
) -> ProblemRecord:
    return ProblemRecord(
        id=p.id,
        number=p.number or provisional_number(p.raised_on, p.local_no),
        enterprise_id=p.enterprise_id,
        enterprise_name=enterprise_name,
        visit_id=p.visit_id,
        source=p.source,
        raised_on=p.raised_on,
        category=p.category,
        description=p.description,
        request=p.request,
        urgency=p.urgency,
        shared=bool(p.shared),
        lead_department=p.lead_department,
        co_departments=tuple(p.co_departments or ()),
        accepted_on=p.accepted_on,
        assigned_on=p.assigned_on,
        deadline=p.deadline,
        status=p.status,
        result=p.result,
        resolved_on=p.resolved_on,
        callback_on=p.callback_on,
        callback_by=p.callback_by,
        satisfaction=p.satisfaction,
        dissatisfied_reason=p.dissatisfied_reason,
        closed_on=p.closed_on,
        reopen_count=p.reopen_count or 0,
        officer=p.officer,
        overdue=is_overdue(p.status, p.deadline, today),
        district_code=district_code,
        created_at=p.created_at,
        updated_at=p.updated_at,
        deleted_at=p.deleted_at,
        actions=tuple(action_record(a) for a in actions or ()),
        allowed_steps=tuple(allowed_steps(p.status)) if p.deleted_at is None else (),
        version=p.sync_version or 0,
        number_provisional=p.number is None,
    )

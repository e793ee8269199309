"""Merging duplicate enterprises: the visits and problems of one move onto the other, which
is then deleted — every move an ordinary captured change, so sync carries it (the server
re-scopes each moved record, and its follow-ups and attachments follow: server/recorder.py).

Functions over the caller's Session: EnterpriseService and SyncService (which also settles
the duplicate conflict) each run them as one unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_app.domain.records import Changes, MergePlan
from liaison_app.errors import InputError
from liaison_app.models import search_index
from liaison_app.models.entities import Attachment, Enterprise, FollowUpAction, Problem, Visit
from liaison_app.models.indexing import index_record
from liaison_app.services.base import get_live
from liaison_app.sync.capture import capture

_KINDS = frozenset({"enterprise", "visit", "problem"})


def plan(s: Session, keep: str, drop: str) -> MergePlan:
    """What a merge of ``drop`` into ``keep`` would move (both must be live)."""
    if keep == drop:
        raise InputError("an enterprise cannot be merged with itself")
    k = get_live(s, Enterprise, keep, "enterprise")
    d = get_live(s, Enterprise, drop, "enterprise")
    visits = tuple(
        s.scalars(
            select(Visit.id)
            .where(Visit.enterprise_id == drop, Visit.deleted_at.is_(None))
            .order_by(Visit.id)
        )
    )
    problems = tuple(
        s.scalars(
            select(Problem.id)
            .where(Problem.enterprise_id == drop, Problem.deleted_at.is_(None))
            .order_by(Problem.id)
        )
    )
    action_ids = list(
        s.scalars(select(FollowUpAction.id).where(FollowUpAction.problem_id.in_(problems)))
    )
    actions = len(action_ids)
    owners = [*visits, *problems, *action_ids]
    attachments = 0
    if owners:
        attachments = (
            s.scalar(
                select(func.count()).where(
                    Attachment.owner_id.in_(owners), Attachment.deleted_at.is_(None)
                )
            )
            or 0
        )
    return MergePlan(
        keep_id=k.id,
        keep_name=k.name,
        keep_district=k.district_code,
        drop_id=d.id,
        drop_name=d.name,
        drop_district=d.district_code,
        visits=visits,
        problems=problems,
        actions=actions,
        attachments=attachments,
        keep_officer=k.officer,
        drop_officer=d.officer,
    )


def move(
    s: Session, now: dt.datetime, to: str, visits: Iterable[str], problems: Iterable[str]
) -> list[str]:
    """Move visits and problems onto enterprise ``to``, one captured update each (the base is
    the enterprise they had). Their follow-ups and attachments hang from them and follow."""
    moved: list[str] = []
    for model, kind, ids in ((Visit, "visit", visits), (Problem, "problem", problems)):
        for ident in ids:
            row = s.get(model, ident)
            if row is None or row.enterprise_id == to:
                continue
            before = row.enterprise_id
            row.enterprise_id = to
            row.updated_at = now
            s.flush()
            index_record(s, kind, row)
            capture(
                s,
                kind,
                row.id,
                "update",
                fields={"enterprise_id": to},
                base={"enterprise_id": before},
                base_version=row.sync_version,
                enterprise_id=to,
            )
            moved.append(row.id)
    return moved


def merge(s: Session, now: dt.datetime, keep: str, drop: str) -> tuple[MergePlan, Changes]:
    """Move everything live of ``drop`` onto ``keep``, then delete ``drop`` (a tombstone:
    ``unmerge`` brings it back)."""
    p = plan(s, keep, drop)
    moved = move(s, now, keep, p.visits, p.problems)
    d = get_live(s, Enterprise, drop, "enterprise")
    d.deleted_at = d.updated_at = now
    capture(s, "enterprise", d.id, "delete", base_version=d.sync_version, enterprise_id=d.id)
    search_index.remove(s, [d.id])
    s.flush()
    return p, Changes(_KINDS, frozenset({keep, drop, *moved}))


def unmerge(s: Session, now: dt.datetime, p: MergePlan) -> Changes:
    """Undo a merge: ``drop`` comes back and what moved goes back to it."""
    d = s.get(Enterprise, p.drop_id)
    if d is None:
        raise InputError("the merged enterprise is no longer in this folder")
    if d.deleted_at is not None:
        d.deleted_at = None
        d.updated_at = now
        s.flush()
        index_record(s, "enterprise", d)
        capture(s, "enterprise", d.id, "restore", base_version=d.sync_version, enterprise_id=d.id)
    moved = move(s, now, p.drop_id, p.visits, p.problems)
    return Changes(_KINDS, frozenset({p.keep_id, p.drop_id, *moved}))

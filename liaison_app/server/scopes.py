"""Scope administration: an officer's enterprises, a supervisor's district, and withdrawals.

Each change takes a server sequence value, so the next pull sees it: an enterprise newly in
scope is sent whole, one that left it is a "scope remove" (a withdrawal, after which the
client may no longer write to it once it has pulled past it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from liaison_app.errors import InputError, NotFoundError, ValidationError
from liaison_app.server.audit import audit
from liaison_app.server.schema import districts, memberships, records, scope_removals, users
from liaison_app.server.sequence import next_seq


def _user(conn: Connection, name: str) -> Any:
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise NotFoundError("user", name)
    return row


def assign_enterprise(
    engine: Engine, enterprise_id: str, name: str, actor: str = "admin-cli"
) -> int:
    """Add a liaison to an enterprise (its creator keeps it); their next pull sends it whole."""
    with engine.begin() as conn:
        user = _user(conn, name)
        found = conn.execute(
            select(records.c.id).where(
                records.c.id == enterprise_id, records.c.entity == "enterprise"
            )
        ).first()
        if found is None:
            raise NotFoundError("enterprise", enterprise_id)
        exists = conn.execute(
            select(memberships.c.seq).where(
                memberships.c.user_id == user.id,
                memberships.c.enterprise_id == enterprise_id,
            )
        ).scalar()
        if exists is not None:
            return int(exists)
        seq = next_seq(conn)
        # In scope again: an older withdrawal no longer applies (nor is it sent again).
        conn.execute(
            delete(scope_removals).where(
                scope_removals.c.user_id == user.id,
                scope_removals.c.enterprise_id == enterprise_id,
            )
        )
        conn.execute(
            insert(memberships).values(
                user_id=user.id,
                enterprise_id=enterprise_id,
                seq=seq,
            )
        )
        audit(conn, actor, "assign.enterprise", user=name, enterprise=enterprise_id)
        return seq


def unassign_enterprise(
    engine: Engine, enterprise_id: str, name: str, actor: str = "admin-cli"
) -> int:
    """Withdraw an assignment: the officer's next pull says "scope remove" for the enterprise."""
    with engine.begin() as conn:
        user = _user(conn, name)
        uid = user.id
        gone = conn.execute(
            delete(memberships).where(
                memberships.c.user_id == uid, memberships.c.enterprise_id == enterprise_id
            )
        ).rowcount
        if not gone:
            raise InputError(f"{name} is not assigned to {enterprise_id}")
        seq = next_seq(conn)
        # Still in scope without the assignment (its creator, the district's supervisor, an
        # administrator): nothing is withdrawn — a "scope remove" would make the client drop a
        # firm that no later pull brings back.
        if not _sees_anyway(conn, user, enterprise_id):
            _withdraw(conn, uid, [enterprise_id], seq)
        audit(conn, actor, "unassign.enterprise", user=name, enterprise=enterprise_id)
        return seq


def _sees_anyway(conn: Connection, user: Any, enterprise_id: str) -> bool:
    """Whether the user's scope holds the enterprise without a membership (pull.scope_filter)."""
    if user.role == "admin":
        return True
    row = conn.execute(
        select(records.c.created_by, records.c.district).where(records.c.id == enterprise_id)
    ).first()
    if row is None:
        return False
    if user.role == "supervisor":
        return row.district is not None and row.district == user.district
    return bool(row.created_by == user.id)


def _withdraw(conn: Connection, uid: int, enterprise_ids: list[str], seq: int) -> None:
    if not enterprise_ids:
        return
    conn.execute(
        delete(scope_removals).where(
            scope_removals.c.user_id == uid, scope_removals.c.enterprise_id.in_(enterprise_ids)
        )
    )
    conn.execute(
        insert(scope_removals),
        [{"user_id": uid, "enterprise_id": e, "seq": seq} for e in enterprise_ids],
    )


def assign_district(engine: Engine, district: str, name: str, actor: str = "admin-cli") -> int:
    """Give a supervisor their district: their next pull sends its records whole, and the
    enterprises of the district they leave are withdrawn (scope removes)."""
    with engine.begin() as conn:
        user = _user(conn, name)
        if (
            conn.execute(select(districts.c.code).where(districts.c.code == district)).first()
            is None
        ):
            raise ValidationError.single(
                "district", "unknown_code", f"unknown district code {district!r}"
            )
        role, uid, old = user.role, user.id, user.district
        if role != "supervisor":
            raise InputError(f"{name} is a {role}; districts are assigned to supervisors")
        if old == district:
            return int(user.district_seq or 0)
        seq = next_seq(conn)
        conn.execute(
            update(users).where(users.c.id == uid).values(district=district, district_seq=seq)
        )
        in_district = select(records.c.id).where(
            records.c.entity == "enterprise", records.c.district == district
        )
        conn.execute(
            delete(scope_removals).where(
                scope_removals.c.user_id == uid, scope_removals.c.enterprise_id.in_(in_district)
            )
        )
        if old:
            leaving = list(
                conn.execute(
                    select(records.c.id).where(
                        records.c.entity == "enterprise", records.c.district == old
                    )
                ).scalars()
            )
            _withdraw(conn, uid, leaving, seq)
        audit(conn, actor, "assign.district", user=name, district=district)
        return seq


def district_moves(
    conn: Connection, moves: list[tuple[str, str | None, str | None]], seq: int
) -> None:
    """A push moved enterprises to another district (``seq`` is its sequence): for the
    supervisors of the district each left, a withdrawal (their next pull says "scope remove",
    with the same grace as any withdrawal); for those of the district each entered, a rescan
    of their scope (``district_seq``: the next pull sends the district whole, this firm's
    older visits and problems with it), as when a supervisor's own district changes."""
    for enterprise, before, after in moves:
        leaving = _supervisors(conn, before)
        for uid in leaving:
            _withdraw(conn, uid, [enterprise], seq)
        entering = _supervisors(conn, after)
        if entering:
            conn.execute(
                delete(scope_removals).where(
                    scope_removals.c.user_id.in_(entering),
                    scope_removals.c.enterprise_id == enterprise,
                )
            )
            conn.execute(update(users).where(users.c.id.in_(entering)).values(district_seq=seq))


def _supervisors(conn: Connection, district: str | None) -> list[int]:
    if not district:
        return []
    return list(
        conn.execute(
            select(users.c.id)
            .where(users.c.role == "supervisor", users.c.district == district)
            .order_by(users.c.id)
        ).scalars()
    )

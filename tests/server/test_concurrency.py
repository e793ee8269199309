"""Concurrent pushes against a puller that keeps going: no row is ever skipped or lost.

The pull cursor relies on commit order being sequence order (the sequence is taken last, under
a row lock held until the commit; on PostgreSQL the stamp and the COMMIT go in one pipeline).
If a later sequence could commit first, a puller whose page ended past it would never see the
earlier one: this test would find that record missing.
"""

from __future__ import annotations

import threading
import uuid

from liaison_app.server import accounts
from liaison_app.server.app import _caller
from liaison_app.server.db import reading
from liaison_app.server.pull import pull
from liaison_app.server.push import Caller, push
from tests.server.support import PASSWORD

OFFICERS, PUSHES, VISITS = 4, 12, 5


def caller(engine, name: str, role: str = "officer") -> Caller:
    accounts.add_user(engine, name, role, PASSWORD)
    tokens = accounts.login(engine, name, PASSWORD, None, "test")
    with reading(engine) as conn:
        key = accounts.signing_key(conn)
        return _caller(accounts.identify(conn, accounts.read_token(key, tokens.access_token)))


def send(engine, who: Caller, mutations: list[dict]) -> dict:
    with engine.begin() as conn:
        answer, refused = push(conn, who, mutations)
    assert refused is None
    return answer


def officer_work(engine, who: Caller, pushed: list[str], errors: list[BaseException]) -> None:
    try:
        eid, seq = str(uuid.uuid4()), 1
        first = {"name": f"并发企业{who.user}", "district_code": "210102"}
        send(engine, who, [mutation(seq, "enterprise", eid, first)])
        pushed.append(eid)
        for _ in range(PUSHES):
            batch = []
            for _ in range(VISITS):
                seq += 1
                vid = str(uuid.uuid4())
                fields = {"visit_date": "2026-11-20", "summary": "并发走访"}
                batch.append(mutation(seq, "visit", vid, fields, enterprise_id=eid))
                pushed.append(vid)
            results = send(engine, who, batch)["results"]
            assert {r["status"] for r in results} == {"applied"}
    except BaseException as exc:  # noqa: BLE001 - reported by the test below
        errors.append(exc)


def mutation(seq: int, entity: str, record_id: str, fields: dict, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "entity": entity,
        "op": "create",
        "record_id": record_id,
        "fields": fields,
        **extra,
    }


def test_a_puller_racing_concurrent_pushes_misses_nothing(engine):
    officers = [caller(engine, f"officer{i}") for i in range(OFFICERS)]
    admin = caller(engine, "root", "admin")
    pushed: list[str] = []
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=officer_work, args=(engine, who, pushed, errors))
        for who in officers
    ]
    seen: dict[str, int] = {}
    cursor: str | None = None

    def pull_page() -> dict:
        nonlocal cursor
        with reading(engine) as conn:
            page = pull(conn, admin, cursor, limit=7)  # small pages end inside transactions
        for change in page["changes"]:
            assert change["version"] >= seen.get(change["id"], 0), "a version went backwards"
            seen[change["id"]] = change["version"]
        cursor = page["cursor"]
        return page

    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        pull_page()
    for t in threads:
        t.join()
    assert not errors, errors
    while pull_page()["more"]:
        pass
    assert pull_page()["changes"] == []  # at the head
    assert len(pushed) == OFFICERS * (1 + PUSHES * VISITS)
    assert set(seen) == set(pushed)


def test_the_same_push_sent_twice_at_once_is_answered_as_a_replay(engine):
    """A retry that overtakes the lost answer of a push still running must not look like a
    client that went back in time (409 client_behind would make it renumber and re-pull)."""
    import pytest
    from sqlalchemy import func, select, text

    from liaison_app.server.schema import clients, mutation_ledger

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time (BEGIN IMMEDIATE)")
    wang = caller(engine, "wang")
    eid = str(uuid.uuid4())
    first = {"name": "抚顺石化配件有限公司", "district_code": "210102"}
    send(engine, wang, [mutation(1, "enterprise", eid, first)])
    batch = [
        mutation(seq, "visit", str(uuid.uuid4()), {"visit_date": "2026-11-20"}, enterprise_id=eid)
        for seq in (2, 3)
    ]
    answers: list = []

    def attempt() -> None:
        with engine.begin() as conn:
            answers.append(push(conn, wang, batch))

    with engine.begin() as holder:  # both copies queue behind this lock on the client
        holder.execute(select(clients.c.id).where(clients.c.id == wang.client_id).with_for_update())
        copies = [threading.Thread(target=attempt) for _ in range(2)]
        for t in copies:
            t.start()
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        )
        deadline = threading.Event()
        for _ in range(3000):  # poll until both wait on the lock (a condition, not a timing)
            with engine.connect() as probe:
                if probe.execute(waiting).scalar() >= 2:
                    break
            deadline.wait(0.01)
        else:
            raise AssertionError("the two copies never queued on the client lock")
    for t in copies:
        t.join(timeout=60)
    assert all(refused is None for _, refused in answers), answers
    results = [answer["results"] for answer, _ in answers]
    assert [r["seq"] for r in results[0]] == [r["seq"] for r in results[1]]
    assert sum(all(r.get("replayed") for r in rs) for rs in results) == 1
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count()).where(mutation_ledger.c.client_id == wang.client_id)
        ).scalar()
    assert count == 3  # each mutation took effect exactly once

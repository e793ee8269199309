"""Regressions found by the randomized proof (tests/sync/test_stateful.py), one test each."""

from __future__ import annotations

import json

from liaison_app.domain.lifecycle import StepInput
from liaison_app.models.entities import Problem
from tests.sync.harness import unique
from tests.sync.invariants import check_equal_to_server
from tests.sync.test_engine import firm, visit_with_problem


def test_a_pulled_problem_without_co_departments_can_be_read_and_deleted(server, make_folder):  # type: ignore[no-untyped-def]
    """A problem recorded without co-departments travels without the field; the folder that
    pulls it filled the NOT NULL JSON column with 0 (stored as the integer 0), and reading
    the row back then failed — deleting its visit, listing, showing it."""
    user = server.add_user(unique("wang"))
    a, b = make_folder("a"), make_folder("b")
    a.login(user)
    b.login(user)
    e = firm(a)
    v, p = visit_with_problem(a, e)
    a.sync()
    b.sync()
    assert list(b.store.problems.get(p).co_departments) == []
    b.store.visits.delete(v)
    b.sync()
    a.sync()
    assert a.store.problems.list(visit_id=v) == []


def _shared_problem(server, make_folder):  # type: ignore[no-untyped-def]
    """wang's problem, assigned to li too; both folders synced."""
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    _v, p = visit_with_problem(a, e)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    return a, b, p


def _status_on_server(server, p):  # type: ignore[no-untyped-def]
    (data,) = server.query("SELECT data FROM records WHERE id = :p", p=p)[0]
    return (json.loads(data) if isinstance(data, str) else data)["status"]


def test_a_step_that_met_a_delete_leaves_the_status_the_server_kept(server, make_folder):  # type: ignore[no-untyped-def]
    """The step is kept whole in a "deleted" conflict and changes nothing on the server; once
    it is acknowledged the folder showed its own status for good (no pull ever replaced it)."""
    a, b, p = _shared_problem(server, make_folder)
    a.store.problems.delete(p)
    a.sync()
    b.store.problems.step(p, "accept")  # offline, before b knows of the delete
    b.sync()
    assert [c["kind"] for c in b.store.sync.conflicts()] == ["deleted"]
    b.sync()
    assert _status_on_server(server, p) == "received"
    check_equal_to_server(server, b)
    with b.store.db.reading() as s:
        assert s.get(Problem, p).status == "received"


def test_a_step_from_a_status_the_problem_no_longer_has_is_not_shown(server, make_folder):  # type: ignore[no-untyped-def]
    """A lifecycle conflict leaves the server's status alone; the folder showed its own."""
    a, b, p = _shared_problem(server, make_folder)
    a.store.problems.step(p, "accept")
    a.sync()
    b.store.problems.step(p, "reject", StepInput(note="不属于受理范围"))  # from received, offline
    b.sync()
    assert [c["kind"] for c in b.store.sync.conflicts()] == ["lifecycle"]
    b.sync()
    assert _status_on_server(server, p) == "accepted"
    assert b.store.problems.get(p).status == "accepted"
    check_equal_to_server(server, b)


def test_withdrawing_an_assignment_from_the_creator_keeps_the_firm_in_their_folder(
    server, make_folder
):  # type: ignore[no-untyped-def]
    """The creator keeps an enterprise whatever its memberships say; an assignment given to
    the creator and withdrawn again sent a "scope remove", the folder dropped the firm, and
    nothing ever brought it back while the server still counted it in the scope (server)."""
    user = server.add_user(unique("wang"))
    a = make_folder("a")
    a.login(user)
    e = firm(a)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", user)
    a.sync()
    server.admin("unassign", "--enterprise", e, "--from", user)
    a.sync()
    assert [x.id for x in a.store.enterprises.list()] == [e]
    check_equal_to_server(server, a)


def _officer_and_supervisor(server, make_folder):  # type: ignore[no-untyped-def]
    wang = server.add_user(unique("wang"))
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    a, s = make_folder("a"), make_folder("s")
    a.login(wang)
    s.login(boss)
    return a, s


def test_a_firm_moved_out_of_a_district_leaves_its_supervisors_folder(server, make_folder):  # type: ignore[no-untyped-def]
    """An edit of an enterprise's district took it out of the supervisor's scope with no
    scope event: their folder kept it (and its history) for good (server)."""
    a, s = _officer_and_supervisor(server, make_folder)
    e = firm(a)
    visit_with_problem(a, e)
    a.sync()
    s.sync()
    assert s.store.enterprises.get(e)
    a.store.enterprises.update(e, {"district_code": "210103"})
    a.sync()
    s.sync()
    s.sync()
    assert e not in {x.id for x in s.store.enterprises.list()}
    check_equal_to_server(server, s)


def test_a_firm_moved_into_a_district_arrives_whole_at_its_supervisor(server, make_folder):  # type: ignore[no-untyped-def]
    """Moved into the district, only the enterprise record itself was newer than the
    supervisor's cursor: its older visits and problems never arrived (server)."""
    a, s = _officer_and_supervisor(server, make_folder)
    e = firm(a, district_code="210103")
    _v, p = visit_with_problem(a, e)
    a.sync()
    s.sync()
    a.store.enterprises.update(e, {"district_code": "210102"})
    a.sync()
    s.sync()
    s.sync()
    assert s.store.problems.get(p).enterprise_id == e
    check_equal_to_server(server, s)


def test_a_clash_over_a_number_can_be_read_on_both_sides(server, make_folder):  # type: ignore[no-untyped-def]
    """Two officers set a visit's staff and revenue to different numbers. The conflict's values
    are JSON numbers, which SQLite stores in a JSON column as plain numbers (numeric affinity):
    reading them back through orjson failed, so the server's pull (and the folder's conflict
    list) broke for good on SQLite."""
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    v, _p = visit_with_problem(a, e)
    a.store.visits.update(v, {"staff": 40, "revenue": 1.5})
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    a.store.visits.update(v, {"staff": 41, "revenue": 2.5})
    b.store.visits.update(v, {"staff": 42, "revenue": 3.5})
    a.sync()
    b.sync()
    a.sync()
    for folder in (a, b):
        clashes = {c["field"]: c for c in folder.store.sync.conflicts()}
        assert set(clashes) == {"staff", "revenue"}
        assert {clashes["staff"]["mine"], clashes["staff"]["theirs"]} == {41, 42}
        assert {clashes["revenue"]["mine"], clashes["revenue"]["theirs"]} == {2.5, 3.5}
        assert clashes["staff"]["base"] == 40
    for c in b.store.sync.conflicts():
        b.store.sync.resolve_conflict(c["id"], keep="mine")
    b.sync()
    a.sync()
    assert a.store.visits.get(v).staff == b.store.visits.get(v).staff == 42
    assert a.store.sync.conflicts() == []


def test_a_firm_assigned_again_brings_back_its_open_conflicts(server, make_folder):  # type: ignore[no-untyped-def]
    """Li clashed with Wang over a visit, was withdrawn from the firm (the folder forgot it and
    its conflicts), then assigned again: the firm came back but the conflict, still open on
    the server with Li a party to it, never did (pulls sent only conflicts newer than the
    cursor), so Li could never settle it."""
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    v, _p = visit_with_problem(a, e)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    a.store.visits.update(v, {"staff": 41})
    b.store.visits.update(v, {"staff": 42})
    a.sync()
    b.sync()
    (clash,) = b.store.sync.conflicts()
    server.admin("unassign", "--enterprise", e, "--from", li)
    b.sync()
    assert b.store.enterprises.list() == [] and b.store.sync.conflicts() == []
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    assert [c["id"] for c in b.store.sync.conflicts()] == [clash["id"]]
    b.store.sync.resolve_conflict(clash["id"], keep="mine")
    b.sync()
    a.sync()
    assert a.store.visits.get(v).staff == b.store.visits.get(v).staff == 42
    assert a.store.sync.conflicts() == b.store.sync.conflicts() == []

"""Merging duplicate enterprises across folders: the merge made in one folder converges in the
others and on the server, which re-scopes the moved records."""

from __future__ import annotations

from tests.sync.harness import unique
from tests.sync.invariants import check_equal_to_server, check_every_mutation_reflected
from tests.sync.test_engine import firm, visit_with_problem


def _anchor(server, rid: str) -> str:  # type: ignore[no-untyped-def]
    return server.query("SELECT enterprise_id FROM records WHERE id = :i", i=rid)[0][0]


def test_a_merge_converges_and_moves_the_records_scope(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li, chen = (server.add_user(unique(n)) for n in ("wang", "li", "chen"))
    a, b, c = make_folder("a"), make_folder("b"), make_folder("c")
    a.login(wang)
    b.login(li)
    c.login(chen)
    name = f"沈阳君威新能科技有限公司{unique('')}"
    twin = firm(b, name)  # li's firm, with a visit, a problem and a follow-up
    v, p = visit_with_problem(b, twin)
    b.store.problems.step(p, "accept")
    b.sync()
    server.admin("assign", "--enterprise", twin, "--to", wang)
    a.sync()
    kept = firm(a, name)  # the same name and district: the server flags a duplicate
    a.sync()
    (dup,) = [x for x in a.store.sync.conflicts() if x["kind"] == "duplicate"]
    server.admin("assign", "--enterprise", kept, "--to", chen)

    plan = a.store.enterprises.merge_plan(kept, twin)
    assert (plan.visits, plan.problems, plan.actions) == ((v,), (p,), 2)
    plan, _changes = a.store.sync.merge_duplicate(dup["id"], kept)
    assert a.store.problems.get(p).enterprise_id == kept
    report = a.sync()
    assert report.rejected == []
    assert {_anchor(server, r) for r in (v, p)} == {kept}
    actions = server.query(
        "SELECT enterprise_id FROM records WHERE entity = 'action' AND id IN "
        "(SELECT record_id FROM record_moves)"
    )
    assert {r[0] for r in actions} == {kept}

    # chen, assigned to the kept firm only, gets the moved visit and problem with history.
    c.sync()
    got = c.store.problems.get(p)
    assert (got.enterprise_id, got.status) == (kept, "accepted")
    assert [x.kind for x in got.actions] == ["create", "accept"]
    assert c.store.visits.get(v).enterprise_id == kept
    # li had only the twin: it is deleted, and what moved leaves li's folder.
    b.sync()
    assert [e.id for e in b.store.enterprises.list()] == []
    assert b.store.problems.list() == [] and b.store.visits.list() == []
    assert not [x for x in b.store.sync.conflicts() if x["kind"] == "duplicate"]
    for f in (a, b, c):
        f.sync()
        check_equal_to_server(server, f)
    check_every_mutation_reflected(server, [a, b, c])


def test_an_undone_merge_puts_everything_back(server, make_folder):  # type: ignore[no-untyped-def]
    wang = server.add_user(unique("wang"))
    a = make_folder("a")
    a.login(wang)
    kept, gone = firm(a), firm(a)
    v, p = visit_with_problem(a, gone)
    a.sync()
    plan, _ = a.store.enterprises.merge(kept, gone)
    a.sync()
    assert {_anchor(server, r) for r in (v, p)} == {kept}
    a.store.enterprises.unmerge(plan)
    a.sync()
    assert {_anchor(server, r) for r in (v, p)} == {gone}
    assert a.store.enterprises.get(gone).name
    check_equal_to_server(server, a)


def test_two_offline_twins_with_one_uscc_are_both_stored_until_merged(server, make_folder):  # type: ignore[no-untyped-def]
    """The app refuses a second enterprise with a USCC on record, in its service and not with
    a unique index: two officers offline may still record the same firm, and each folder must
    store the other's twin as a duplicate candidate until someone merges them."""
    wang = server.add_user(unique("wang"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(wang)
    uscc = "91210102MAPJ96WP38"
    mine = firm(a, f"君威新能{unique('')}", uscc=uscc)
    theirs = firm(b, f"沈阳君威新能科技{unique('')}", uscc=uscc)
    a.sync()
    b.sync()
    a.sync()
    for folder in (a, b):
        assert sorted(e.id for e in folder.store.enterprises.list()) == sorted([mine, theirs])
        assert [x["kind"] for x in folder.store.sync.conflicts()] == ["duplicate"]
    # A twin's other fields can still be edited; merging leaves one firm with the USCC.
    a.store.enterprises.update(theirs, {"phone": "13812345678"})
    (dup,) = a.store.sync.conflicts()
    a.store.sync.merge_duplicate(dup["id"], mine)
    a.sync()
    b.sync()
    for folder in (a, b):
        assert [e.id for e in folder.store.enterprises.list()] == [mine]

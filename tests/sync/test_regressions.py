"""Regressions found by the randomized proof (tests/sync/test_stateful.py), one test each."""

from __future__ import annotations

from tests.sync.harness import unique
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

"""The collector paused for a pull comes back as it was: a pull that left it off would let the
app's memory grow for good; one that turned it on would override an embedding host."""

from __future__ import annotations

import gc
import threading

from liaison_app.sync import gcpause
from tests.sync.harness import unique
from tests.sync.test_engine import firm, visit_with_problem


def test_pauses_nest_across_threads_and_restore_the_previous_state() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()

    def other() -> None:
        with gcpause.paused():
            inside.set()
            release.wait(10)

    with gcpause.paused():
        worker = threading.Thread(target=other)
        worker.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    worker.join()
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def test_a_sync_leaves_the_collector_running(server, make_folder) -> None:  # type: ignore[no-untyped-def]
    user = server.add_user(unique("wang"))
    a, b = make_folder("a"), make_folder("b")
    a.login(user)
    b.login(user)
    e = firm(a)
    visit_with_problem(a, e)
    a.sync()
    report = b.sync()
    assert report.pulled >= 3 and gc.isenabled()

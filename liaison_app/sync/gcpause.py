"""Pause Python's cyclic garbage collector while pulled pages are fetched and applied.

Applying a page allocates tens of thousands of short-lived dicts and tuples; each 700 of them
start a collection that walks the young objects, and every few of those walks everything the
process holds (SQLAlchemy's metadata, the app's widgets). That cost a third of a first sync
(bench/sync.py: 16,090 records 2.1 s with collections, 1.4 s without). Nearly all of a page's
objects are freed by reference counting as it goes, so the collector is paused for the pull;
after each page the young generations alone are collected (the few cycles a page makes, its
session's, are young: that walk is short), and the full collector resumes after the pull.

The collector is process-wide: pauses nest and may come from several threads; it resumes
when the last one ends, and only if it was running before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()


def young() -> None:
    """Collect the two young generations (what a page left in cycles), never the old one."""
    gc.collect(1)

"""Pull pages fetched one ahead: the next page travels while this one is being applied.

The server and this process run on different cores, so fetching page N+1 while page N is
written halves a long pull. Each page's cursor is stored only when the page is applied, so a
page fetched ahead and never applied (the sync stopped) is simply fetched again next time.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

Fetch = Callable[[str | None], dict[str, Any]]


class _Stop:
    pass


def pages(fetch: Fetch, cursor: str | None) -> Iterator[dict[str, Any]]:
    """The pages after ``cursor``, each fetched while the previous one is consumed.

    An error of a fetch is raised where the page would have been handed out; leaving the loop
    early stops the fetching after at most one more page.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def run() -> None:
        at = cursor
        try:
            while not stop.is_set():
                page = fetch(at)
                _put(handoff, page, stop)
                if not page.get("more"):
                    return
                at = page.get("cursor")
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            _put(handoff, exc, stop)
        finally:
            _put(handoff, _Stop(), stop)

    worker = threading.Thread(target=run, name="sync-pull-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if isinstance(item, _Stop):
                return
            if isinstance(item, BaseException):
                raise item
            yield item
            if not item.get("more"):
                return
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                handoff.get(timeout=0.05)
        worker.join()


def _put(handoff: queue.Queue[Any], item: Any, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            handoff.put(item, timeout=0.05)
            return
        except queue.Full:
            continue

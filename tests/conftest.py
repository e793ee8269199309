"""Shared fixtures: offscreen Qt, an in-memory keyring, and fresh migrated data folders."""

from __future__ import annotations

import datetime as dt
import os

# Qt must see these before it loads anywhere in the test session.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# Nothing a test starts may write into the real user folders.
os.environ["LIAISON_SERVER_DATA"] = __import__("tempfile").mkdtemp(prefix="liaison-server-test-")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.errors import PasswordDeleteError  # noqa: E402

from liaison_app.services.clock import Clock  # noqa: E402
from liaison_app.services.store import Store, open_store  # noqa: E402

TODAY = dt.date(2026, 11, 20)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in memory: tests never touch the OS secret store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.items[(service, username)]
        except KeyError as exc:
            raise PasswordDeleteError(username) from exc


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


class FixedClock(Clock):
    """A clock whose day can be moved by tests (now stays real, dates are what matter)."""

    def __init__(self, today: dt.date = TODAY) -> None:
        super().__init__()
        self.day = today
        self.today_fn = lambda: self.day


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    """A fresh data folder, migrated by the same code production uses, with an officer."""
    st = open_store(tmp_path / "data", clock=clock)
    st.settings.set_officer_name("王小明")
    yield st
    st.close()


def give_deadline(
    store: Store, ident: str, deadline: str | dt.date, department: str = "finance"
) -> None:
    """Accept and assign a problem with this deadline — the only way one is set — on the
    deadline's day when that lies in the past (as if time had passed since)."""
    from liaison_app.domain.lifecycle import StepInput

    due = deadline if isinstance(deadline, dt.date) else dt.date.fromisoformat(deadline)
    clock = store.clock
    today = clock.today()
    if due < today:
        clock.day = due  # type: ignore[attr-defined]
    try:
        if store.problems.get(ident).status == "received":
            store.problems.step(ident, "accept")
        store.problems.step(ident, "assign", StepInput(department=department, deadline=due))
    finally:
        clock.day = today  # type: ignore[attr-defined]

"""Failed sign-in attempts, counted atomically per account, per source address and per pair.

Three counts, each over the last ``auth.FAILURE_WINDOW``:

- per (account, source address): ``auth.MAX_FAILURES`` (5). This is the limit an officer meets
  when they mistype; it is also all that an attacker at another address can spend on them;
- per account, from sources that never signed in to it: ``auth.MAX_ACCOUNT_FAILURES``. Many
  addresses together get no more guesses than that, yet the officer, signing in from an
  address that worked for them in the last ``auth.KNOWN_SOURCE_FOR``, is only ever held up by
  their own five: nobody elsewhere can lock them out;
- per source address, over all accounts: ``auth.MAX_SOURCE_FAILURES`` (password spraying),
  again not for a pair that is known.

An attempt is recorded as a failure *before* its password is checked, in the same short
transaction that counts (serialised per key: PostgreSQL advisory locks, SQLite's BEGIN
IMMEDIATE), and removed once the password proves right. So however many attempts arrive at
once, at most the limit get their password checked; a refused one is not recorded and so does
not extend the wait. Names and addresses are stored only as keyed hashes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from liaison_app.server import auth
from liaison_app.server.keys import keyed_hash
from liaison_app.server.schema import login_failures, login_sources


@dataclass(frozen=True)
class Keys:
    account: str
    source: str
    pair: str

    @classmethod
    def of(cls, key: str, name: str, address: str) -> Keys:
        return cls(
            keyed_hash(key, "account", name),
            keyed_hash(key, "source", address),
            keyed_hash(key, "pair", f"{name}\x00{address}"),
        )


def _lock(conn: Connection, keys: Keys) -> None:
    """PostgreSQL: one transaction-scoped advisory lock per key, in a fixed order."""
    if conn.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE holds every other writer off already
    for k in sorted({keys.pair, keys.account, keys.source}):
        lock_id = int.from_bytes(bytes.fromhex(k[:16]), "big", signed=True)
        conn.execute(select(func.pg_advisory_xact_lock(lock_id)))


def _count(column: ColumnElement[str], value: str, since: dt.datetime) -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(login_failures)
        .where(column == value, login_failures.c.at > since)
        .scalar_subquery()
    )


def reserve(conn: Connection, keys: Keys, now: dt.datetime) -> int:
    """Inside a write transaction: 0 when this attempt may check its password (it is recorded
    as a failure until ``succeeded``), else the seconds to wait."""
    _lock(conn, keys)
    since = now - auth.FAILURE_WINDOW
    pair, account, source, known = conn.execute(
        select(
            _count(login_failures.c.pair_key, keys.pair, since),
            _count(login_failures.c.account_key, keys.account, since),
            _count(login_failures.c.source_key, keys.source, since),
            select(login_sources.c.last_ok)
            .where(login_sources.c.pair_key == keys.pair)
            .scalar_subquery(),
        )
    ).one()
    trusted = known is not None and known > now - auth.KNOWN_SOURCE_FOR
    binding = None
    if pair >= auth.MAX_FAILURES:
        binding = login_failures.c.pair_key == keys.pair
    elif not trusted and account >= auth.MAX_ACCOUNT_FAILURES:
        binding = login_failures.c.account_key == keys.account
    elif not trusted and source >= auth.MAX_SOURCE_FAILURES:
        binding = login_failures.c.source_key == keys.source
    if binding is not None:
        # Free again when the oldest failure counted leaves the window.
        oldest = conn.execute(
            select(func.min(login_failures.c.at)).where(binding, login_failures.c.at > since)
        ).scalar_one()
        left: dt.timedelta = oldest + auth.FAILURE_WINDOW - now
        return max(1, math.ceil(left.total_seconds()))
    conn.execute(delete(login_failures).where(login_failures.c.at <= since))  # expired ones
    conn.execute(
        insert(login_failures).values(
            account_key=keys.account, source_key=keys.source, pair_key=keys.pair, at=now
        )
    )
    return 0


def succeeded(conn: Connection, keys: Keys, now: dt.datetime) -> None:
    """The password was right: this pair's failures go, and the pair is known from now on."""
    _lock(conn, keys)
    conn.execute(delete(login_failures).where(login_failures.c.pair_key == keys.pair))
    done = conn.execute(
        login_sources.update().where(login_sources.c.pair_key == keys.pair).values(last_ok=now)
    ).rowcount
    if not done:
        conn.execute(insert(login_sources).values(pair_key=keys.pair, last_ok=now))

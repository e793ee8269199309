"""Change capture: an outbox row in the same transaction as every change (design.md §3).

Services call ``capture`` on the one write path; bulk writes (demo data, import) call
``capture_many``. Writes that apply pulled data run with ``applying(session)`` set and are not
captured. Values are stored as they travel: dates as ISO strings, tuples as lists.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from liaison_app.models.base import utcnow
from liaison_app.models.sync_tables import OutboxEntry, SyncMeta

_APPLYING = "liaison_sync_applying"
_CLIENT = "liaison_sync_client"
CLIENT_KEY = "client_id"  # sync_meta: the signed-in client, if any
_OUTBOX = cast(Table, OutboxEntry.__table__)


def wire(value: Any) -> Any:
    """A value as the protocol carries it."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [wire(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): wire(v) for k, v in value.items()}
    return value


def wire_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: wire(v) for k, v in values.items()}


@contextmanager
def applying(session: Session) -> Iterator[None]:
    """Mark writes in this block as coming from the server: nothing is captured."""
    before = session.info.get(_APPLYING, False)
    session.info[_APPLYING] = True
    try:
        yield
    finally:
        session.info[_APPLYING] = before


def _client_id(session: Session) -> str | None:
    if _CLIENT not in session.info:
        session.info[_CLIENT] = session.scalar(
            select(SyncMeta.value).where(SyncMeta.key == CLIENT_KEY)
        )
    value: str | None = session.info[_CLIENT]
    return value


def mutation_row(
    session: Session,
    entity: str,
    record_id: str,
    op: str,
    *,
    fields: Mapping[str, Any] | None = None,
    base: Mapping[str, Any] | None = None,
    base_version: int = 0,
    enterprise_id: str | None = None,
    now: dt.datetime | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The outbox row for one change (not yet written)."""
    body: dict[str, Any] = {"fields": wire_fields(fields or {}), "base_version": base_version}
    if base:
        body["base"] = wire_fields(base)
    # ``value`` (a conflict's chosen value) may be null; other extras are left out when None.
    body.update({k: wire(v) for k, v in extra.items() if v is not None or k == "value"})
    return {
        "mutation_id": str(uuid.uuid4()),
        "client_id": _client_id(session),
        "seq": None,
        "entity": entity,
        "record_id": record_id,
        "enterprise_id": enterprise_id,
        "op": op,
        "body": body,
        "state": "pending",
        "created_at": now or utcnow(),
    }


def capture(
    session: Session,
    entity: str,
    record_id: str,
    op: str,
    *,
    fields: Mapping[str, Any] | None = None,
    base: Mapping[str, Any] | None = None,
    base_version: int = 0,
    enterprise_id: str | None = None,
    **extra: Any,
) -> str | None:
    """Queue one change in the caller's transaction; returns its mutation id (None when the
    write applies pulled data)."""
    if session.info.get(_APPLYING):
        return None
    row = mutation_row(
        session,
        entity,
        record_id,
        op,
        fields=fields,
        base=base,
        base_version=base_version,
        enterprise_id=enterprise_id,
        **extra,
    )
    session.execute(insert(_OUTBOX), row)
    return str(row["mutation_id"])


def capture_many(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Queue many changes at once (bulk writes: demo data, imports); rows from mutation_row."""
    batch = list(rows)
    if batch and not session.info.get(_APPLYING):
        session.execute(insert(_OUTBOX), batch)
    return len(batch)


def forget_client_cache(session: Session) -> None:
    session.info.pop(_CLIENT, None)

"""What every service shares: the database, the clock, the officer and reference-code lookups."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_app.domain.reference import is_city_code
from liaison_app.errors import NotFoundError
from liaison_app.models.base import Base
from liaison_app.models.db import Database
from liaison_app.models.entities import AppMeta
from liaison_app.models.reference import REF_MODELS
from liaison_app.services.clock import Clock
from liaison_app.sync.capture import wire

M = TypeVar("M", bound=Base)


@dataclass
class ServiceContext:
    db: Database
    clock: Clock = field(default_factory=Clock)
    data_dir: Path | None = None  # the data folder (files live beside the database)


class Service:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._db = ctx.db
        self._clock = ctx.clock


def code_lookup(session: Session) -> Callable[[str], Collection[str]]:
    """Reference codes as stored in this database (offices may have added their own)."""
    cache: dict[str, frozenset[str]] = {}

    def codes(kind: str) -> Collection[str]:
        if kind not in cache:
            model = REF_MODELS[kind]
            cache[kind] = frozenset(session.scalars(select(model.code)))  # type: ignore[attr-defined]
        return cache[kind]

    return codes


def get_live(session: Session, model: type[M], ident: str, kind: str) -> M:
    """The record with this id, unless missing or deleted: then NotFoundError (exit 2)."""
    obj = session.get(model, ident)
    if obj is None or getattr(obj, "deleted_at", None) is not None:
        raise NotFoundError(kind, ident)
    return obj


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(AppMeta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str | None) -> None:
    row = session.get(AppMeta, key)
    if row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value


def next_counter(session: Session, key: str, count: int = 1) -> int:
    """Reserve ``count`` numbers from a counter in app_meta; returns the first."""
    current = int(get_meta(session, key) or 0)
    set_meta(session, key, str(current + count))
    return current + 1


def district_filter(column: Any, code: str) -> Any:
    """A district code matches itself; a city code (…00, e.g. 210100) all of its districts."""
    if is_city_code(code):
        return column.like(code[:4] + "%")
    return column == code


def _seen_value(seen: Any, name: str) -> Any:
    if isinstance(seen, Mapping):
        return seen.get(name)
    return getattr(seen, name, None)


def edited(
    values: Mapping[str, Any], row: Any, seen: Any = None
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """What a person changed, as (changed values, the values they saw, the version they saw).

    ``seen`` is what the form showed (the record it opened, or a mapping with ``version``): a
    field that equals what was seen was not touched, even if a pull changed the row meanwhile —
    so a value pulled in the meantime is never silently put back (design.md §3). Without
    ``seen`` (the command line), the row as it stands now is what the person saw.
    """
    if seen is None:
        changed = {k: v for k, v in values.items() if wire(getattr(row, k)) != wire(v)}
        return changed, {k: getattr(row, k) for k in changed}, int(row.sync_version or 0)
    changed = {k: v for k, v in values.items() if wire(_seen_value(seen, k)) != wire(v)}
    version = _seen_value(seen, "version")
    base_version = int(version) if isinstance(version, int) else int(row.sync_version or 0)
    return changed, {k: _seen_value(seen, k) for k in changed}, base_version

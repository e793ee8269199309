"""Import enterprise lists from .xlsx/.csv in one transaction, and undo an import as one step.

The exchange layer reads and validates the sheet; this service matches rows with enterprises
on record (USCC, else name + district), writes creates and updates in bulk with their outbox
entries and search index in the same transaction, and records the batch for undo.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from liaison_app.domain import reference
from liaison_app.domain.ids import uuid7
from liaison_app.domain.records import Changes
from liaison_app.errors import InputError, NotFoundError, ValidationError
from liaison_app.exchange.enterprise_rows import (
    Cancelled,
    ParsedRow,
    ParsedSheet,
    identity_name,
    parse_enterprises,
)
from liaison_app.exchange.headers import header_key
from liaison_app.exchange.preview import PREVIEW_ROWS, SheetPreview, preview_sheet
from liaison_app.exchange.report import ImportBatchRecord, ImportReport, RowIssue, UndoReport
from liaison_app.exchange.resolve import DistrictRef, Resolver
from liaison_app.exchange.sheets import read_sheet
from liaison_app.models import bulk
from liaison_app.models.entities import Enterprise, ImportBatch, Problem, Visit
from liaison_app.models.indexing import index_rows
from liaison_app.models.reference import REF_MODELS, District, Industry
from liaison_app.services.base import Service, get_meta, set_meta
from liaison_app.sync import gcpause
from liaison_app.sync.capture import capture_many, mutation_row, wire

Progress = Callable[[int, int], None]
MAPPING_KEY = "import_mapping:"
_TABLE = cast(Table, Enterprise.__table__)
_LIVE = text(
    "SELECT id, uscc, name, district_code FROM enterprise WHERE deleted_at IS NULL ORDER BY id"
)
_BY_IDS = select(_TABLE).where(bulk.among(_TABLE.c.id))


class _Stop(Exception):
    """Leave the write transaction without committing (a refusal found inside it)."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report


class ImportService(Service):
    def preview(
        self,
        path: Path | str,
        *,
        sheet: str | None = None,
        mapping: Mapping[str, str | None] | None = None,
        limit: int = PREVIEW_ROWS,
        rows: Collection[int] = (),
    ) -> SheetPreview:
        """The header row as the import would map it (the remembered mapping for its headers
        included) and the first data rows, for a person to check; InputError when the file
        cannot be read or has no header row."""
        with self._db.reading() as s:
            remembered = _remembered(s)
        return preview_sheet(
            Path(path), sheet, mapping, recall=remembered.get, limit=limit, rows=rows
        )

    def enterprises(
        self,
        path: Path | str,
        *,
        dry_run: bool = False,
        skip_invalid: bool = False,
        on_duplicate: str = "update",
        sheet: str | None = None,
        mapping: Mapping[str, str | None] | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportReport:
        """Import an enterprise list; InputError when the file cannot be read at all.

        Invalid rows refuse the whole import unless ``skip_invalid``; a row matching a live
        enterprise updates the fields the sheet gives (``on_duplicate="update"``) or is left
        out (``"skip"``); a dry run reports what would happen and writes nothing.
        """
        # Tens of thousands of short-lived rows, freed by reference counting: the cyclic
        # collector's walks over them cost a fifth of the import (as for a pull).
        with gcpause.paused():
            return self._enterprises(
                Path(path), dry_run, skip_invalid, on_duplicate, sheet, mapping, progress, cancelled
            )

    def _enterprises(
        self,
        path: Path,
        dry_run: bool,
        skip_invalid: bool,
        on_duplicate: str,
        sheet: str | None,
        mapping: Mapping[str, str | None] | None,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> ImportReport:
        if on_duplicate not in ("update", "skip"):
            raise ValidationError.single(
                "on_duplicate", "unknown", f"unknown value {on_duplicate!r}; allowed: update, skip"
            )
        with self._db.reading() as s:
            resolver, codes = _reference(s)
            remembered = _remembered(s)
        book = read_sheet(path, sheet)
        try:
            parsed = parse_enterprises(
                book,
                resolver,
                codes.__getitem__,
                mapping,
                recall=remembered.get,
                progress=progress,
                cancelled=cancelled,
                total_hint=book.total,
            )
        except Cancelled:
            return ImportReport(path.name, book.name, dry_run, cancelled=True)
        base = ImportReport(
            path.name,
            book.name,
            dry_run,
            rows=parsed.total,
            header_row=parsed.header.row,
            mapping=parsed.header.mapping,
            encoding=book.encoding,
        )
        if parsed.total == 0:
            issue = RowIssue(None, None, f"no data rows below the header (row {parsed.header.row})")
            return replace(base, errors=(issue,), refused=True)
        if dry_run:
            with self._db.reading() as s:
                return self._plan(s, parsed, base, skip_invalid, on_duplicate, None)
        try:
            with self._db.writing() as s:
                write = _Writer(s, self._clock.now(), get_meta(s, "officer_name"))
                report = self._plan(s, parsed, base, skip_invalid, on_duplicate, write)
                if report.refused or not (report.imported or report.updated):
                    raise _Stop(report)
                if cancelled is not None and cancelled():
                    raise Cancelled
                report = write.commit(report, path.name, book.name)
                if mapping is not None:
                    set_meta(
                        s,
                        MAPPING_KEY + header_key(parsed.header.headers),
                        json.dumps(parsed.header.mapping, ensure_ascii=False),
                    )
        except _Stop as stop:
            return stop.report
        except Cancelled:
            return replace(base, cancelled=True)
        if progress is not None:
            progress(parsed.total, parsed.total)
        return report

    def _plan(
        self,
        s: Session,
        parsed: ParsedSheet,
        base: ImportReport,
        skip_invalid: bool,
        on_duplicate: str,
        write: _Writer | None,
    ) -> ImportReport:
        """Match each valid row with the firms on record and decide create / update / skip."""
        by_uscc: dict[str, str] = {}
        by_name: dict[tuple[str, str | None], list[tuple[str, bool]]] = {}
        for live_id, code, name, district in s.execute(_LIVE):
            if code:
                by_uscc.setdefault(code, live_id)
            by_name.setdefault((identity_name(name), district), []).append((live_id, bool(code)))
        matched: list[tuple[ParsedRow, str]] = []
        creates: list[ParsedRow] = []
        for row in parsed.rows:
            if not row.ok:
                continue
            code = row.values.get("uscc")
            key = row.key
            if code:
                ident: str | None = by_uscc.get(code)
                if ident is None:  # the firm on record before its USCC was known
                    twins = [i for i, has in by_name.get(key, ()) if not has]
                    ident = twins[0] if len(twins) == 1 else None
                if ident is not None:
                    matched.append((row, ident))
                else:
                    creates.append(row)
                continue
            twins = [i for i, _ in by_name.get(key, ())]
            if len(twins) > 1:
                row.errors.append(
                    RowIssue(
                        row.row,
                        row.column_of("name"),
                        f"name and district match {len(twins)} enterprises on record "
                        f"({', '.join(twins[:3])}): merge them or give the USCC",
                        "name",
                        "ambiguous_match",
                    )
                )
            elif twins:
                matched.append((row, twins[0]))
            else:
                creates.append(row)
        claimed: dict[str, int] = {}
        for row, ident in list(matched):
            if ident in claimed:  # two rows, different in the file, are one firm on record
                matched.remove((row, ident))
                row.errors.append(
                    RowIssue(
                        row.row,
                        row.column_of("uscc" if row.values.get("uscc") else "name"),
                        f"names the same enterprise on record ({ident}) as row {claimed[ident]}",
                        "name",
                        "duplicate_row",
                    )
                )
            else:
                claimed[ident] = row.row
        errors = tuple(e for r in parsed.rows for e in r.errors)
        warnings = tuple(w for r in parsed.rows for w in r.warnings)
        invalid = sum(1 for r in parsed.rows if not r.ok)
        report = replace(base, errors=errors, warnings=warnings)
        if invalid and (not skip_invalid or base.dry_run):
            refused = not skip_invalid
            report = replace(report, refused=refused or base.dry_run)
            if refused:
                return report
        updates: list[tuple[ParsedRow, dict[str, Any]]] = []
        unchanged = 0
        skipped = invalid
        if matched and on_duplicate == "skip":
            skipped += len(matched)
        elif matched:
            current = {
                r["id"]: dict(r)
                for r in s.execute(_BY_IDS, {"ids": bulk.ids(i for _, i in matched)}).mappings()
            }
            for row, ident in matched:
                old = current[ident]
                if any(wire(old[k]) != wire(v) for k, v in row.values.items()):
                    updates.append((row, old))
                else:
                    unchanged += 1
        report = replace(
            report,
            imported=len(creates),
            updated=len(updates),
            unchanged=unchanged,
            skipped=skipped,
        )
        if invalid and skip_invalid and not (creates or updates or unchanged):
            issue = RowIssue(None, None, "no valid row to import")
            return replace(report, refused=True, errors=(*report.errors, issue))
        if write is not None:
            write.creates = creates
            write.updates = updates
        return report

    def undo(self, import_id: str) -> tuple[UndoReport, Changes]:
        """Take an import back in one transaction: its enterprises are deleted (tombstones,
        carried by sync) and the fields it updated get their earlier values back."""
        with self._db.writing() as s:
            batch = s.get(ImportBatch, import_id)
            if batch is None:
                raise NotFoundError("import", import_id)
            if batch.undone_at is not None:
                raise InputError(
                    f"import {import_id} ({batch.file_name}) was already undone at "
                    f"{batch.undone_at:%Y-%m-%d %H:%M} UTC"
                )
            now = self._clock.now()
            created = [
                dict(r)
                for r in s.execute(_BY_IDS, {"ids": bulk.ids(batch.created_ids)}).mappings()
                if r["deleted_at"] is None
            ]
            _refuse_if_used(s, import_id, created)
            rows: list[dict[str, Any]] = []
            for r in created:
                r["deleted_at"] = r["updated_at"] = now
                rows.append(
                    mutation_row(
                        s,
                        "enterprise",
                        r["id"],
                        "delete",
                        base_version=r["sync_version"],
                        enterprise_id=r["id"],
                        now=now,
                    )
                )
            previous: dict[str, dict[str, dict[str, Any]]] = batch.previous or {}
            current = {
                r["id"]: dict(r)
                for r in s.execute(_BY_IDS, {"ids": bulk.ids(previous)}).mappings()
                if r["deleted_at"] is None
            }
            restored: list[dict[str, Any]] = []
            kept: list[str] = []
            for ident, changes in previous.items():
                row = current.get(ident)
                if row is None:
                    kept.append(f"{ident}: deleted since the import")
                    continue
                back: dict[str, Any] = {}
                for name, change in changes.items():
                    if wire(row[name]) == change["after"]:
                        back[name] = change["before"]
                    else:
                        kept.append(f"{row['name']}: {name} changed since the import")
                if not back:
                    continue
                base = {k: row[k] for k in back}
                row.update(back, updated_at=now)
                restored.append(row)
                rows.append(
                    mutation_row(
                        s,
                        "enterprise",
                        ident,
                        "update",
                        fields=back,
                        base=base,
                        base_version=row["sync_version"],
                        enterprise_id=ident,
                        now=now,
                    )
                )
            bulk.update_by_id(s, _TABLE, [*created, *restored])
            index_rows(s, "enterprise", [*created, *restored])
            capture_many(s, rows)
            batch.undone_at = now
        ids = frozenset(r["id"] for r in (*created, *restored))
        report = UndoReport(import_id, len(created), len(restored), tuple(kept))
        return report, Changes(frozenset({"enterprise"}) if ids else frozenset(), ids)

    def list(self, limit: int = 20) -> list[ImportBatchRecord]:
        """The most recent imports, newest first."""
        q = select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        with self._db.reading() as s:
            return [
                ImportBatchRecord(
                    b.id,
                    b.kind,
                    b.file_name,
                    b.sheet,
                    b.created_at,
                    b.imported,
                    b.updated,
                    b.skipped,
                    b.undone_at,
                )
                for b in s.scalars(q.limit(limit))
            ]


class _Writer:
    """The writes of one import, inside its transaction."""

    def __init__(self, s: Session, now: Any, officer: str | None) -> None:
        self.s = s
        self.now = now
        self.officer = officer
        self.creates: list[ParsedRow] = []
        self.updates: list[tuple[ParsedRow, dict[str, Any]]] = []

    def commit(self, report: ImportReport, file_name: str, sheet: str) -> ImportReport:
        s, now = self.s, self.now
        blank = {c.name: None for c in _TABLE.columns}
        new_rows: list[dict[str, Any]] = []
        outbox: list[dict[str, Any]] = []
        for row in self.creates:
            values = dict(row.values)
            values.setdefault("officer", self.officer)
            ident = uuid7()
            record = {
                **blank,
                **values,
                "id": ident,
                "created_at": now,
                "updated_at": now,
                "sync_version": 0,
                "specialised": bool(values.get("specialised", False)),
            }
            new_rows.append(record)
            outbox.append(
                mutation_row(
                    s, "enterprise", ident, "create", fields=values, enterprise_id=ident, now=now
                )
            )
        changed_rows: list[dict[str, Any]] = []
        previous: dict[str, dict[str, dict[str, Any]]] = {}
        for row, old in self.updates:
            changed = {k: v for k, v in row.values.items() if wire(old[k]) != wire(v)}
            base = {k: old[k] for k in changed}
            previous[old["id"]] = {
                k: {"before": wire(old[k]), "after": wire(v)} for k, v in changed.items()
            }
            new = {**old, **changed, "updated_at": now}
            changed_rows.append(new)
            outbox.append(
                mutation_row(
                    s,
                    "enterprise",
                    old["id"],
                    "update",
                    fields=changed,
                    base=base,
                    base_version=int(old["sync_version"] or 0),
                    enterprise_id=old["id"],
                    now=now,
                )
            )
        _insert(s, new_rows, now)
        bulk.update_by_id(s, _TABLE, changed_rows)
        index_rows(s, "enterprise", [*new_rows, *changed_rows])
        capture_many(s, outbox)
        batch_id = uuid7()
        created_ids = [r["id"] for r in new_rows]
        s.add(
            ImportBatch(
                id=batch_id,
                kind="enterprises",
                file_name=file_name[:500],
                sheet=sheet[:200],
                created_at=now,
                imported=len(new_rows),
                updated=len(changed_rows),
                skipped=report.skipped,
                created_ids=created_ids,
                previous=previous,
            )
        )
        s.flush()
        ids = frozenset(created_ids) | frozenset(previous)
        return replace(
            report,
            id=batch_id,
            created_ids=tuple(created_ids),
            updated_ids=tuple(previous),
            changes=Changes(frozenset({"enterprise"}), ids),
        )


_COLUMNS = [c.name for c in _TABLE.columns]
_INSERT = (
    f"INSERT INTO enterprise ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
)
_CREATED, _UPDATED = _COLUMNS.index("created_at"), _COLUMNS.index("updated_at")
_FLAG = _COLUMNS.index("specialised")


def _insert(s: Session, rows: list[dict[str, Any]], now: Any) -> None:
    """INSERT the new enterprises in one executemany. They all have the same stamps, so
    those go through the column's bind processor once (bulk.insert converts each row's);
    the other columns are text, integers or None, stored as they are."""
    if not rows:
        return
    stamp = _TABLE.c.created_at.type.bind_processor(s.get_bind().dialect)
    when = stamp(now) if stamp is not None else now
    params: list[list[Any]] = []
    for r in rows:
        values = [r[c] for c in _COLUMNS]
        values[_CREATED] = values[_UPDATED] = when
        values[_FLAG] = 1 if values[_FLAG] else 0
        params.append(values)
    bulk.executemany(s, _INSERT, params)


def _reference(s: Session) -> tuple[Resolver, dict[str, frozenset[str]]]:
    districts = [
        DistrictRef(code, zh, en, city)
        for code, zh, en, city in s.execute(
            select(District.code, District.name_zh, District.name_en, District.city_code)
        )
    ]
    industries = [
        (code, zh, en)
        for code, zh, en in s.execute(select(Industry.code, Industry.name_zh, Industry.name_en))
    ]
    codes = {kind: frozenset(s.scalars(select(model.code))) for kind, model in REF_MODELS.items()}
    return Resolver(districts, reference.cities(), industries), codes


def _remembered(s: Session) -> dict[str, dict[str, str | None]]:
    """Mappings people corrected before, by header-set key."""
    out: dict[str, dict[str, str | None]] = {}
    rows = s.execute(
        text("SELECT key, value FROM app_meta WHERE key LIKE :p"), {"p": MAPPING_KEY + "%"}
    )
    for key, value in rows:
        try:
            data = json.loads(value or "{}")
        except ValueError:
            continue
        if isinstance(data, dict):
            out[key.removeprefix(MAPPING_KEY)] = data
    return out


def _refuse_if_used(s: Session, import_id: str, created: list[dict[str, Any]]) -> None:
    """An enterprise with visits or problems recorded since is no longer the import's alone."""
    ids = [r["id"] for r in created]
    if not ids:
        return
    used: dict[str, list[str]] = {}
    for model, what in ((Visit, "visit"), (Problem, "problem")):
        q = (
            select(model.enterprise_id, func.count())
            .where(bulk.among(model.enterprise_id), model.deleted_at.is_(None))
            .group_by(model.enterprise_id)
        )
        for ident, n in s.execute(q, {"ids": bulk.ids(ids)}):
            used.setdefault(ident, []).append(f"{n} {what}{'s' if n != 1 else ''}")
    if not used:
        return
    names = {r["id"]: r["name"] for r in created}
    shown = "; ".join(f"{names[i]} ({i}): {', '.join(w)}" for i, w in list(used.items())[:5])
    more = f" and {len(used) - 5} more" if len(used) > 5 else ""
    raise InputError(
        f"cannot undo import {import_id}: {len(used)} of the enterprises it created have "
        f"visits or problems recorded since — {shown}{more}. Delete those records first, or "
        "delete the enterprises one by one"
    )

"""Sync for the front ends: sign in and out, sync now, status, conflicts, changes not accepted."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal, select, union_all

from liaison_app.credentials import TokenStore
from liaison_app.domain.permissions import Permissions
from liaison_app.domain.records import Changes, MergePlan
from liaison_app.errors import InputError, NotFoundError
from liaison_app.models.base import utcnow
from liaison_app.models.entities import Attachment
from liaison_app.models.sync_tables import BaseCopy, OutboxEntry, SyncAccount, SyncConflict
from liaison_app.services import merging
from liaison_app.services.base import Service, ServiceContext
from liaison_app.sync import conflicts as conflict_rules
from liaison_app.sync import state
from liaison_app.sync.apply import MODELS, Applier
from liaison_app.sync.blobs import LocalBlobs
from liaison_app.sync.capture import capture, wire
from liaison_app.sync.client import Refused, SyncError
from liaison_app.sync.engine import (
    LoginResult,
    SyncEngine,
    SyncReport,
    SyncStatus,
    normalise_url,
    open_conflicts,
)
from liaison_app.sync.protocol import SYNCED_FIELDS

log = logging.getLogger(__name__)

# What the server's sign-in takes (server/app.py LoginBody): longer is refused there with a 422.
MAX_USER = 100
MAX_PASSWORD = 200
MAX_CONFLICT_ID = 2**63 - 1  # SQLite's and PostgreSQL's largest integer


def _has_blob(blobs: LocalBlobs, sha: str) -> bool:
    try:
        return blobs.has(sha)
    except InputError:  # not a sha256: no file can be that one
        return False


def _shown(value: str, limit: int = 40) -> str:
    """A value for a message: escaped (never a lone surrogate on stderr) and cut short."""
    return repr(value[:limit]) + ("…" if len(value) > limit else "")


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "is not valid text (a lone surrogate, or bytes that are not UTF-8)"
    return None


def check_sign_in(server: str, user: str, password: str) -> tuple[str, str]:
    """The server address and user name as the engine takes them, or InputError (exit 2):
    nothing is written and nothing is sent for values that can never sign in."""
    import httpx

    raw = server or ""
    if raw.strip().rstrip("/").lower() in ("http:", "https:"):
        raise InputError(f"the server address {_shown(raw)} names no host")
    problem = _bad_text(raw)
    if problem is None and any(ch.isspace() or ord(ch) < 32 for ch in raw.strip()):
        problem = "contains spaces or control characters"
    if problem is not None:
        raise InputError(f"the server address {_shown(raw)} {problem}")
    url = normalise_url(raw)
    try:
        port = httpx.URL(url).port
    except httpx.InvalidURL as exc:  # pragma: no cover - normalise_url parsed it already
        raise InputError(f"{_shown(raw)} is not a server address: {exc}") from exc
    if port is not None and not 0 < port < 65536:
        raise InputError(f"{_shown(raw)} is not a server address: port {port} is not 1 to 65535")
    name = (user or "").strip()
    problem = _bad_text(name)
    if problem is None and any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        problem = "contains control characters"
    if problem is None and len(name) > MAX_USER:
        problem = f"is {len(name)} characters long (at most {MAX_USER})"
    if problem is not None:
        raise InputError(f"the user name {_shown(name)} {problem}")
    if not name:
        raise InputError("a user name is required")
    if not password:
        raise InputError("a password is required")
    if _bad_text(password.replace("\x00", "")) is not None:
        raise InputError("the password is not valid text (bytes that are not UTF-8)")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"a password is at most {MAX_PASSWORD} characters")
    return url, name


@dataclass(frozen=True)
class NotAccepted:
    """A change the server refused (or one too large to send), with the reason."""

    id: str
    entity: str
    record_id: str
    record: str | None
    op: str
    reason: str | None
    errors: tuple[dict[str, Any], ...]
    state: str  # rejected | held
    created_at: str
    enterprise_id: str | None = None
    # The firm left this user's scope and stays in the folder only for this change: giving
    # it up lets the firm go.
    left_scope: bool = False


@dataclass(frozen=True)
class RecordSync:
    """Where one record stands with the server, for the lists' sync column and record pages.

    ``state``: "pending" (changes not yet acknowledged), "sent" (the server has it and nothing
    is waiting) or "rejected" (a change the server refused, or one too large to send:
    ``reason`` and ``errors`` say why)."""

    state: str
    reason: str | None = None
    errors: tuple[dict[str, Any], ...] = ()
    held: bool = False  # never sent: too large for any push


# Of several changes waiting for one record, the one that needs the officer wins.
_RANK = {"sent": 0, "pending": 1, "rejected": 2}
STATES_CHUNK = 400  # ids per statement (each id is bound twice; SQLite allows 32,766)


class SyncService(Service):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        if ctx.data_dir is None:
            raise ValueError("sync needs the data folder")
        self._data_dir = ctx.data_dir
        self._tokens = TokenStore()
        self._options: dict[str, Any] = {}

    def configure(self, **options: Any) -> None:
        """Engine options (transport, crash points, progress, sleep, lock wait) for what
        follows: tests and the app set them once."""
        self._options.update(options)

    def engine(self, **options: Any) -> SyncEngine:
        return SyncEngine(
            self._db, self._data_dir, tokens=self._tokens, **{**self._options, **options}
        )

    @property
    def session_only(self) -> bool:
        """True where no usable keyring keeps the sign-in between runs."""
        return self._tokens.session_only

    # ---- the engine's operations ---------------------------------------------------------------
    def login(self, server: str, user: str, password: str) -> LoginResult:
        url, user = check_sign_in(server, user, password)
        with self._db.reading() as s:
            known = s.scalar(
                select(SyncAccount.id).where(
                    SyncAccount.server_url == url, SyncAccount.user == user
                )
            )
        try:
            return self.engine().login(url, user, password)
        except Refused as exc:
            if exc.status in (404, 405):
                raise SyncError(
                    f"no Liaison sync server answers at {url} (HTTP {exc.status}): check the "
                    "address"
                ) from exc
            raise
        finally:
            if known is None:
                self._forget_failed_sign_in(url, user)

    def _forget_failed_sign_in(self, url: str, user: str) -> None:
        """A sign-in that did not complete leaves nothing behind: the engine makes the
        client identity before it asks the server, so take it back when it never became
        this folder's account (a wrong password, an unreachable server, a bad address)."""
        with self._db.writing() as s:
            acct = s.scalar(
                select(SyncAccount).where(SyncAccount.server_url == url, SyncAccount.user == user)
            )
            if acct is None or state.get(s, state.ACCOUNT) == str(acct.id):
                return
            used = s.scalar(
                select(OutboxEntry.id).where(OutboxEntry.client_id == acct.client_id).limit(1)
            )
            if used is None:
                client_id = acct.client_id
                s.delete(acct)
            else:
                return
        try:
            self._tokens.forget(client_id, user)
        except Exception:  # noqa: BLE001 - tokens of a client that no longer exists here
            log.debug("could not forget the tokens of a failed sign-in", exc_info=True)

    def logout(self) -> dict[str, Any]:
        return self.engine().logout()

    def sync(self, progress: Callable[[str, int, int], None] | None = None) -> SyncReport:
        return self.engine(**({"progress": progress} if progress else {})).sync()

    def status(self) -> SyncStatus:
        status = self.engine().status()
        # Files missing are those of live attachments not in the blob store: an attachment
        # pulled by a sync that stopped before its download has no blob row yet.
        with self._db.reading() as s:
            shas = set(s.scalars(select(Attachment.sha256).where(Attachment.deleted_at.is_(None))))
        blobs = LocalBlobs(self._data_dir)
        missing = sum(1 for sha in shas if not _has_blob(blobs, sha))
        return dataclasses.replace(status, files_missing=missing)

    def permissions(self) -> Permissions:
        """Who is signed in here and what the server lets them write (domain.permissions):
        a supervisor's district comes from the scopes hello named."""
        import json

        with self._db.reading() as s:
            acct = state.account(s)
            if acct is None:
                return Permissions()
            try:
                scopes = json.loads(state.get(s, state.SCOPES) or "[]")
            except ValueError:
                scopes = []
            district = next(
                (
                    str(x).removeprefix("district:")
                    for x in scopes
                    if isinstance(x, str) and x.startswith("district:")
                ),
                None,
            )
            return Permissions(acct.role or "officer", district, acct.display_name or acct.user)

    def signed_in(self) -> bool:
        with self._db.reading() as s:
            return state.account(s) is not None

    def unit(self) -> str | None:
        """The signed-in user's unit, as the server has it (None signed out or unset)."""
        with self._db.reading() as s:
            acct = state.account(s)
            return acct.unit if acct is not None else None

    def shows_record_states(self) -> bool:
        """Whether lists show sync marks: once this folder has signed in to a server."""
        with self._db.reading() as s:
            return s.scalar(select(SyncAccount.id).limit(1)) is not None

    def record_states(self, ids: Collection[str]) -> dict[str, RecordSync]:
        """Each record's sync state, for a page of a list: one indexed statement per 400 ids.

        Empty when this folder never signed in to a server (an officer working offline only
        sees no sync marks at all); ids with no state (nothing sent, nothing waiting) are left
        out."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, RecordSync] = {}
        with self._db.reading() as s:
            if s.scalar(select(SyncAccount.id).limit(1)) is None:
                return out
            for start in range(0, len(wanted), STATES_CHUNK):
                chunk = wanted[start : start + STATES_CHUNK]
                known = select(
                    BaseCopy.record_id,
                    literal("sent").label("state"),
                    literal(None).label("result"),
                ).where(BaseCopy.record_id.in_(chunk))
                waiting = select(
                    OutboxEntry.record_id, OutboxEntry.state, OutboxEntry.result
                ).where(
                    OutboxEntry.record_id.in_(chunk),
                    OutboxEntry.state.in_(("pending", "held", "rejected", "sent")),
                )
                # The outbox comes first: its JSON column types the union's result column.
                for record_id, row_state, result in s.execute(union_all(waiting, known)):
                    found = "rejected" if row_state == "held" else row_state
                    if record_id in out and _RANK[out[record_id].state] >= _RANK[found]:
                        continue
                    if found == "rejected":
                        result = result if isinstance(result, dict) else {}
                        out[record_id] = RecordSync(
                            found,
                            result.get("reason"),
                            tuple(result.get("errors") or ()),
                            held=row_state == "held",
                        )
                    else:
                        out[record_id] = RecordSync(found)
        return out

    def unclaimed(self) -> int:
        """Changes made in this folder under no sign-in: the next user to sign in takes them."""
        with self._db.reading() as s:
            return state.unclaimed_count(s)

    # ---- conflicts ------------------------------------------------------------------------------
    def conflicts(self, include_resolved: bool = False) -> list[dict[str, Any]]:
        with self._db.reading() as s:
            return open_conflicts(s, include_resolved)

    def resolve_conflict(
        self, conflict_id: int, keep: str | None = None, value: Any = None
    ) -> dict[str, Any]:
        if not 0 < conflict_id <= MAX_CONFLICT_ID:
            raise NotFoundError("conflict", str(conflict_id))
        with self._db.writing() as s:
            return conflict_rules.resolve(s, conflict_id, keep, value)

    def merge_duplicate(self, conflict_id: int, keep: str) -> tuple[MergePlan, Changes]:
        """Settle a duplicate-enterprise conflict by merging the twins: ``keep`` stays, the
        other's visits and problems move onto it and it is deleted; the conflict is resolved
        (dismissed) in the same unit of work, so both travel together."""
        with self._db.writing() as s:
            c = s.get(SyncConflict, conflict_id)
            if c is None or c.kind != "duplicate":
                raise NotFoundError("duplicate conflict", str(conflict_id))
            twins = {c.record_id, str((c.detail or {}).get("other_enterprise_id") or "")}
            if keep not in twins or "" in twins:
                raise InputError("keep one of the two enterprises of this conflict")
            (drop,) = twins - {keep}
            plan, changes = merging.merge(s, self._clock.now(), keep, drop)
            conflict_rules.resolve(s, conflict_id, "theirs")
        return plan, Changes(changes.kinds | {"conflict"}, changes.ids)

    # ---- changes not accepted ------------------------------------------------------------------
    def not_accepted(self) -> list[NotAccepted]:
        with self._db.reading() as s:
            rows = s.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.state.in_(("rejected", "held")))
                .order_by(OutboxEntry.id)
            ).all()
            leaving = Applier(s, 0).leaving()
            return [
                NotAccepted(
                    id=r.mutation_id,
                    entity=r.entity,
                    record_id=r.record_id,
                    record=conflict_rules._label(s, r.entity, r.record_id),
                    op=r.op,
                    reason=(r.result or {}).get("reason"),
                    errors=tuple((r.result or {}).get("errors") or ()),
                    state=r.state,
                    created_at=r.created_at.isoformat(),
                    enterprise_id=r.enterprise_id,
                    left_scope=r.enterprise_id in leaving,
                )
                for r in rows
            ]

    def _refused(self, s: Any, mutation_id: str) -> OutboxEntry:
        entry = s.scalar(select(OutboxEntry).where(OutboxEntry.mutation_id == mutation_id))
        if entry is None or entry.state not in ("rejected", "held"):
            raise NotFoundError("change not accepted", mutation_id)
        return entry

    def discard(self, mutation_id: str) -> dict[str, Any]:
        """Give up a change the server refused: the record shows the server's values again
        (a record the server never accepted at all is taken off this folder's lists)."""
        with self._db.writing() as s:
            return self._discard(s, mutation_id)

    def discard_many(self, mutation_ids: list[str]) -> list[dict[str, Any]]:
        """Give up several refused changes in one unit of work (all or none)."""
        with self._db.writing() as s:
            return [self._discard(s, m) for m in mutation_ids]

    def _discard(self, s: Any, mutation_id: str) -> dict[str, Any]:
        entry = self._refused(s, mutation_id)
        entry.state = "discarded"
        entry.sent_at = utcnow()
        s.flush()
        applier = Applier(s, state.get_int(s, state.GENERATION))
        # A firm that left this user's scope stayed for this change: now it goes.
        if entry.enterprise_id and applier.waits_to_leave(entry.enterprise_id):
            applier.drop_enterprise(entry.enterprise_id)
        elif s.get(BaseCopy, entry.record_id) is not None:
            applier.refresh_records([entry.record_id])
        elif entry.op == "create":
            row = s.get(MODELS[entry.entity], entry.record_id)
            if row is not None and hasattr(row, "deleted_at") and row.deleted_at is None:
                from liaison_app.models import search_index

                row.deleted_at = utcnow()
                search_index.remove(s, [row.id])
        return {"id": mutation_id, "discarded": True, "record_id": entry.record_id}

    def resend(self, mutation_id: str) -> dict[str, Any]:
        """Send a refused change again (after fixing the record, or once the server would
        accept it), as a new change carrying the record's values as they are now."""
        with self._db.writing() as s:
            entry = self._refused(s, mutation_id)
            body = dict(entry.body)
            if entry.op in ("create", "update"):
                row = s.get(MODELS[entry.entity], entry.record_id)
                if row is None:
                    raise InputError("the record this change was for is gone")
                names = body.get("fields") or {}
                if entry.op == "create":
                    names = {k: None for k in SYNCED_FIELDS[entry.entity] if hasattr(row, k)}
                body["fields"] = {k: wire(getattr(row, k)) for k in names if hasattr(row, k)}
            entry.state = "discarded"
            entry.sent_at = utcnow()
            extra = {k: v for k, v in body.items() if k not in ("fields", "base", "base_version")}
            new = capture(
                s,
                entry.entity,
                entry.record_id,
                entry.op,
                fields=body.get("fields") or {},
                base=body.get("base"),
                base_version=int(body.get("base_version") or 0),
                enterprise_id=entry.enterprise_id,
                **extra,
            )
            if entry.op == "resolve-conflict":
                c = s.get(SyncConflict, body.get("conflict_id"))
                if c is not None:
                    c.pending_mutation = new
            if entry.op == "create":
                # The create carries every field as it is now, so edits made since the refusal
                # are in it; queued before it they would be refused too (no such record yet).
                for later in s.scalars(
                    select(OutboxEntry).where(
                        OutboxEntry.record_id == entry.record_id,
                        OutboxEntry.op == "update",
                        OutboxEntry.state == "pending",
                        OutboxEntry.seq.is_(None),
                        OutboxEntry.mutation_id != new,
                    )
                ):
                    later.state = "discarded"
                    later.sent_at = utcnow()
            return {"id": mutation_id, "resent_as": new}

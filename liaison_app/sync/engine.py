"""The sync engine: hello → reference data → blobs up → push → pull → blobs down.

One sync at a time per data folder (an OS file lock). Every step can be killed and run again:
mutations carry their ids and their numbers are stored before they are sent, each pulled page
is applied with its cursor in one short transaction, files are content-addressed and resumed.
A server or a folder restored from an older copy is detected from the numbers (design.md §3)
and repaired without anyone's help: nothing is refused forever, nothing new is dropped.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from liaison_app.credentials import TokenStore
from liaison_app.errors import InputError
from liaison_app.models.db import Database
from liaison_app.models.entities import Attachment
from liaison_app.models.sync_tables import OutboxEntry, SyncAccount, SyncBlob, SyncConflict
from liaison_app.sync import gcpause, outbox, prefetch, state
from liaison_app.sync.apply import Applier, waiting_rows
from liaison_app.sync.blobs import CHUNK, LocalBlobs
from liaison_app.sync.client import (
    RETRIES,
    DeviceRevoked,
    Refused,
    ServerClient,
    SignInRequired,
    SyncError,
    Tokens,
    Unreachable,
)
from liaison_app.sync.lock import SyncLock
from liaison_app.sync.protocol import MAX_PULL, MAX_PUSH, MAX_PUSH_BYTES
from liaison_app.sync.reference import apply_reference
from liaison_app.sync.repair import resurrect, sweep

log = logging.getLogger(__name__)

Crash = Callable[[str], None]
Progress = Callable[[str, int, int], None]
LOGIN_RETRIES = 2
MAX_ROUNDS = 4  # push/pull rounds in one sync (restores and repairs add rounds)


def _no_crash(_point: str) -> None:
    return None


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass
class SyncReport:
    pushed: list[dict[str, Any]] = field(default_factory=list)
    pulled: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # open after this sync
    new_conflicts: int = 0
    repairs: list[str] = field(default_factory=list)
    blobs_sent: int = 0
    blobs_received: int = 0
    blobs_missing: int = 0
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    seconds: float = 0.0
    server: str = ""
    user: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        lists = {k: data.pop(k) for k in ("pushed", "rejected", "conflicts")}
        lists["pulled"] = data["pulled"]
        return {
            "pushed": len(lists["pushed"]),
            "pulled": self.pulled,
            "rejected": len(lists["rejected"]),
            "conflicts": len(lists["conflicts"]),
            "lists": {
                "pushed": lists["pushed"],
                "rejected": lists["rejected"],
                "conflicts": lists["conflicts"],
            },
            **{k: v for k, v in data.items() if k != "pulled"},
        }


@dataclass(frozen=True)
class LoginResult:
    server: str
    user: str
    display_name: str
    role: str
    client_id: str
    adopted: int
    others_pending: int
    session_only: bool


@dataclass(frozen=True)
class SyncStatus:
    signed_in: bool
    server: str | None
    user: str | None
    display_name: str | None
    role: str | None
    client_id: str | None
    pending: int
    not_accepted: int
    open_conflicts: int
    last_sync_at: str | None
    last_attempt_at: str | None
    last_error: str | None
    files_missing: int
    sync_running: bool


def normalise_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url!r} is not a server address: it starts with http:// or https://")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InputError(f"{url!r} is not a server address: {exc}") from exc
    if not parsed.host:
        raise InputError(f"{url!r} names no host")
    return url


class _Restart(Exception):
    """The pull found the server went back in time: push again, then pull from scratch."""


class SyncEngine:
    def __init__(
        self,
        db: Database,
        data_dir: Path,
        *,
        tokens: TokenStore | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        crash: Crash = _no_crash,
        progress: Progress = _no_progress,
        lock_wait: float = 30.0,
        page_size: int = MAX_PULL,
        push_size: int = MAX_PUSH,
        push_bytes: int = MAX_PUSH_BYTES,
    ) -> None:
        self.db = db
        self.data_dir = data_dir
        self.tokens = tokens or TokenStore()
        self.transport = transport
        self.sleep = sleep
        self.crash = crash
        self.progress = progress
        self.lock_wait = lock_wait
        self.page_size = page_size
        self.push_size = push_size
        self.push_bytes = push_bytes
        self.blobs = LocalBlobs(data_dir)

    # ---- sign in / out ------------------------------------------------------------------------
    def _server(
        self,
        url: str,
        tokens: Tokens | None = None,
        acct: SyncAccount | None = None,
        retries: int = RETRIES,
    ) -> ServerClient:
        def keep(new: Tokens) -> None:
            if acct is not None:
                self.tokens.save(acct.client_id, acct.user, new.access, new.refresh)

        return ServerClient(
            url,
            transport=self.transport,
            tokens=tokens,
            on_tokens=keep,
            sleep=self.sleep,
            retries=retries,
        )

    def login(self, url: str, user: str, password: str, device: str | None = None) -> LoginResult:
        url = normalise_url(url)
        user = (user or "").strip()
        if not user:
            raise InputError("a user name is required")
        if not password:
            raise InputError("a password is required")
        with SyncLock(self.data_dir, self.lock_wait):
            with self.db.writing() as s:
                acct = state.account_for(s, url, user)
                client_id, acct_id = acct.client_id, acct.id
            # A person is waiting for the answer: two tries, not a minute of backoff.
            with self._server(url, retries=LOGIN_RETRIES) as server:
                server.hello()  # a server too new for this app says so before the password
                try:
                    answer = server.login(user, password, client_id, device or _device_name())
                except DeviceRevoked:
                    # The password was right and the officer gave it: register this folder
                    # anew; its unsent work goes out under the new id (design.md §3).
                    client_id = self._reregister(acct_id, user)
                    answer = server.login(user, password, client_id, device or _device_name())
                tokens = server.tokens
                assert tokens is not None
                self.tokens.save(client_id, user, tokens.access, tokens.refresh)
                hello = server.hello()
            with self.db.writing() as s:
                acct = s.get_one(SyncAccount, acct_id)
                adoption = state.activate(s, acct, hello)
                state.put(s, state.SERVER_ID, hello.get("server_id"))
                return LoginResult(
                    server=url,
                    user=user,
                    display_name=acct.display_name or user,
                    role=str(answer.get("role") or hello.get("role") or ""),
                    client_id=client_id,
                    adopted=adoption.adopted,
                    others_pending=adoption.others_pending,
                    session_only=self.tokens.session_only,
                )

    def _reregister(self, acct_id: int, user: str) -> str:
        with self.db.writing() as s:
            acct = s.get_one(SyncAccount, acct_id)
            old = acct.client_id
            new = state.reregister(s, acct)
        log.info("sync: client %s was revoked; registering this folder as %s", old, new)
        try:
            self.tokens.forget(old, user)
        except Exception:  # noqa: BLE001 - the dead tokens of a revoked client
            log.debug("could not forget a revoked client's tokens", exc_info=True)
        return new

    def logout(self) -> dict[str, Any]:
        """Sign out; unsent work stays and is sent when this user signs in again."""
        with SyncLock(self.data_dir, self.lock_wait), self.db.writing() as s:
            acct = state.account(s)
            if acct is None:
                return {"signed_in": False, "pending": state.pending_count(s, None)}
            pending = state.pending_count(s, acct.client_id)
            self.tokens.forget(acct.client_id, acct.user)
            state.deactivate(s)
            return {
                "signed_in": False,
                "user": acct.user,
                "server": acct.server_url,
                "pending": pending,
            }

    # ---- status -------------------------------------------------------------------------------
    def status(self) -> SyncStatus:
        from liaison_app.sync.lock import busy

        with self.db.reading() as s:
            acct = state.account(s)
            client = acct.client_id if acct else None
            not_accepted = (
                s.scalar(select(func.count()).where(OutboxEntry.state.in_(("rejected", "held"))))
                or 0
            )
            conflicts = (
                s.scalar(
                    select(func.count()).where(
                        SyncConflict.resolved_at.is_(None),
                        SyncConflict.pending_mutation.is_(None),
                    )
                )
                or 0
            )
            missing = s.scalar(select(func.count()).where(SyncBlob.state == "missing")) or 0
            return SyncStatus(
                signed_in=acct is not None,
                server=acct.server_url if acct else None,
                user=acct.user if acct else None,
                display_name=acct.display_name if acct else None,
                role=acct.role if acct else None,
                client_id=client,
                pending=state.pending_count(s, client),
                not_accepted=not_accepted,
                open_conflicts=conflicts,
                last_sync_at=state.get(s, state.LAST_SYNC),
                last_attempt_at=state.get(s, state.LAST_ATTEMPT),
                last_error=state.get(s, state.LAST_ERROR),
                files_missing=missing,
                sync_running=busy(self.data_dir),
            )

    # ---- sync ---------------------------------------------------------------------------------
    def sync(self) -> SyncReport:
        started = time.monotonic()
        with SyncLock(self.data_dir, self.lock_wait):
            with self.db.writing() as s:
                acct = state.account(s)
                if acct is None:
                    raise SignInRequired(
                        "this data folder is not signed in to a sync server: "
                        "`liaison login --server URL --user NAME` first"
                    )
                acct_id, url, user, client_id = acct.id, acct.server_url, acct.user, acct.client_id
                state.stamp(s, state.LAST_ATTEMPT)
            stored = self.tokens.load(client_id, user)
            if stored is None:
                raise SignInRequired(
                    f"no sign-in is stored for {user} on this computer"
                    + (" (no usable keyring)" if self.tokens.session_only else "")
                    + ": `liaison login` again"
                )
            report = SyncReport(server=url, user=user)
            with self.db.reading() as s:
                acct = s.get_one(SyncAccount, acct_id)
            with self._server(url, Tokens(*stored), acct) as server:
                try:
                    self._run(server, acct_id, report)
                except SyncError as exc:
                    with self.db.writing() as s:
                        state.put(s, state.LAST_ERROR, str(exc))
                    raise
                finally:
                    report.requests = server.stats.requests
                    report.bytes_sent = server.stats.bytes_sent
                    report.bytes_received = server.stats.bytes_received
            report.seconds = round(time.monotonic() - started, 3)
            return report

    def _run(self, server: ServerClient, acct_id: int, report: SyncReport) -> None:
        self.progress("hello", 0, 0)
        hello = server.hello()
        self._check_hello(hello, acct_id, report)
        self._reference(server, hello)
        self.crash("after_reference")
        for _round in range(MAX_ROUNDS):
            self._blobs_up(server, acct_id, report)
            pushed = self._push(server, acct_id, report)
            try:
                repaired = self._pull(server, acct_id, report, pushed or _round > 0, hello)
            except _Restart:
                hello = server.hello()
                self._check_hello(hello, acct_id, report)
                continue
            if not repaired:
                break
        self._blobs_down(server, report)
        with self.db.writing() as s:
            Applier(s, state.get_int(s, state.GENERATION)).retry_drops()
            outbox.prune_sent_log(s)
            state.stamp(s, state.LAST_SYNC)
            state.put(s, state.LAST_ERROR, None)
        with self.db.reading() as s:
            report.conflicts = open_conflicts(s)

    # ---- hello: who we are, and whether either side went back in time ------------------------
    def _check_hello(self, hello: dict[str, Any], acct_id: int, report: SyncReport) -> None:
        with self.db.writing() as s:
            acct = s.get_one(SyncAccount, acct_id)
            if hello.get("client_id") not in (None, acct.client_id):
                raise SignInRequired("the server knows this sign-in as another device")
            if hello.get("display_name"):
                acct.display_name = hello["display_name"]
            mark = int(hello.get("high_water_mark") or 0)
            acked = (
                s.scalar(
                    select(func.max(OutboxEntry.seq)).where(
                        OutboxEntry.client_id == acct.client_id,
                        OutboxEntry.state.in_(("sent", "rejected")),
                    )
                )
                or 0
            )
            if mark < acked:
                n = outbox.resend_after(s, acct, mark)
                report.repairs.append(f"server restored: {n} changes sent again")
                self._full_pull(s, "restore")
            elif mark > acct.last_seq:
                acct.last_seq = mark
                outbox.renumber(s, acct, mark + 1)
                report.repairs.append("this folder was restored from an older copy")
                self._full_pull(s, "scope")
            scopes = json.dumps(sorted(hello.get("scopes") or []))
            if state.get(s, state.SCOPES) not in (None, scopes):
                report.repairs.append("your scope changed: everything is pulled again")
                self._full_pull(s, "scope")
            state.put(s, state.SCOPES, scopes)
            server_id = hello.get("server_id")
            if server_id and state.get(s, state.SERVER_ID) not in (None, server_id):
                self._full_pull(s, "restore")
            state.put(s, state.SERVER_ID, server_id)

    def _full_pull(self, s: Any, why: str) -> None:
        current = state.get(s, state.FULL_PULL) or ""
        # "restore" wins: it sends lost records again, the others only drop what was not seen.
        if current != "restore":
            state.put(s, state.FULL_PULL, why)
        state.put(s, state.CURSOR, None)
        state.put(s, state.HEAD, None)

    def _reference(self, server: ServerClient, hello: dict[str, Any]) -> None:
        version = hello.get("reference_version")
        with self.db.reading() as s:
            have = state.get(s, state.REFERENCE_VERSION)
        if version is None or (have is not None and int(have) >= int(version)):
            return
        self.progress("reference", 0, 0)
        answer = server.reference(int(have) if have is not None else None)
        with self.db.writing() as s:
            apply_reference(s, answer)
            state.put(s, state.REFERENCE_VERSION, str(answer.get("version", version)))

    # ---- push ---------------------------------------------------------------------------------
    def _push(self, server: ServerClient, acct_id: int, report: SyncReport) -> bool:
        """Send the outbox in order until it is empty; returns whether anything was sent."""
        count, size = self.push_size, self.push_bytes
        refusals = 0
        sent_any = False
        total = self._pending(acct_id)
        done = 0
        while True:
            with self.db.writing() as s:
                acct = s.get_one(SyncAccount, acct_id)
                batch = outbox.next_batch(s, acct, count, size)
                wire = [outbox.to_wire(e) for e in batch.entries]
                for entry in batch.held:
                    report.rejected.append(_summary(entry))
            if not wire:
                return sent_any
            self.progress("push", done, total)
            self.crash("before_push")
            try:
                answer = server.push(wire)
            except Refused as exc:
                refusals += 1
                if refusals > 8:
                    raise SyncError(
                        f"the server keeps refusing this client's changes: {exc}"
                    ) from exc
                self._refused_push(exc, acct_id, wire, report)
                if exc.status == 413 and len(wire) > 1:
                    count = max(1, len(wire) // 2)
                continue
            self.crash("after_push")
            with self.db.writing() as s:
                entries = s.scalars(
                    select(OutboxEntry).where(OutboxEntry.mutation_id.in_([m["id"] for m in wire]))
                ).all()
                outcome = outbox.record_results(s, entries, answer.get("results") or [])
                if outcome.unchanged:
                    # Changes the server only kept in a conflict stop overlaying their rows.
                    applier = Applier(s, state.get_int(s, state.GENERATION))
                    applier.refresh_records(outcome.unchanged)
            self.crash("after_ack")
            sent_any = True
            done += len(wire)
            report.pushed += outcome.applied
            report.rejected += outcome.rejected
            report.new_conflicts += outcome.conflicts

    def _refused_push(
        self, exc: Refused, acct_id: int, wire: list[dict[str, Any]], report: SyncReport
    ) -> None:
        with self.db.writing() as s:
            acct = s.get_one(SyncAccount, acct_id)
            if exc.status == 409 and exc.error == "sequence_gap":
                outbox.renumber(s, acct, int(exc.body.get("expected") or 1))
                return
            if exc.status == 409 and exc.error == "client_behind":
                # This folder went back in time: number after the server's mark, pull again.
                mark = int(exc.body.get("high_water_mark") or 0)
                outbox.renumber(s, acct, mark + 1)
                report.repairs.append("this folder was restored from an older copy")
                self._full_pull(s, "scope")
                return
            if exc.status == 409 and exc.error == "mutation_reused":
                bad = str(exc.body.get("mutation_id") or "")
                entry = s.scalar(select(OutboxEntry).where(OutboxEntry.mutation_id == bad))
                if entry is None and len(wire) == 1:
                    entry = s.scalar(
                        select(OutboxEntry).where(OutboxEntry.mutation_id == wire[0]["id"])
                    )
                if entry is None:
                    raise SyncError(f"the server refused a change it already holds: {exc}")
                outbox.reject_locally(s, entry, "the server holds another change under this id")
                report.rejected.append(_summary(entry))
                outbox.renumber(s, acct, int(entry.seq or 1))
                return
            if exc.status in (400, 413, 422) and len(wire) == 1:
                # This one change cannot be taken at all: kept here, never blocking the rest.
                entry = s.scalar(
                    select(OutboxEntry).where(OutboxEntry.mutation_id == wire[0]["id"])
                )
                if entry is not None:
                    seq = int(entry.seq or 1)
                    outbox.reject_locally(s, entry, str(exc.body.get("message") or exc))
                    entry.state = "held" if exc.status == 413 else "rejected"
                    entry.seq = None
                    report.rejected.append(_summary(entry))
                    outbox.renumber(s, acct, seq)
                return
            if exc.status in (400, 413, 422):
                return  # split: the caller sends smaller batches
            raise exc

    def _pending(self, acct_id: int) -> int:
        with self.db.reading() as s:
            acct = s.get_one(SyncAccount, acct_id)
            return state.pending_count(s, acct.client_id)

    # ---- pull ---------------------------------------------------------------------------------
    def _pull(
        self,
        server: ServerClient,
        acct_id: int,
        report: SyncReport,
        pushed: bool,
        hello: dict[str, Any],
    ) -> bool:
        """Pull every scope until done; returns whether a repair asks for another round."""
        with self.db.writing() as s:
            cursor = state.get(s, state.CURSOR)
            head_seen = state.get(s, state.HEAD)
            if (
                cursor is not None
                and not pushed
                and head_seen is not None
                and str(hello.get("head")) == head_seen
            ):
                return False  # up to date: nothing changed on the server since the last pull
            generation = state.get_int(s, state.GENERATION)
            if cursor is None:
                generation += 1
                state.put(s, state.GENERATION, str(generation))
            why = state.get(s, state.FULL_PULL) or ""
            waiting = waiting_rows(s)
        fetch = partial(server.pull, limit=self.page_size)
        self.crash("before_pull")
        try:
            with gcpause.paused():
                for page in prefetch.pages(lambda at: fetch(at), cursor):
                    self.progress("pull", report.pulled, 0)
                    self.crash("before_apply")
                    with self.db.writing_refetchable() as s:
                        result = Applier(s, generation, waiting).page(page)
                        state.put(s, state.CURSOR, page.get("cursor"))
                        if not page.get("more"):
                            state.put(s, state.HEAD, str(page.get("head")))
                    gcpause.young()
                    self.crash("after_apply")
                    report.pulled += result.received
                    if page.get("more"):
                        self.crash("before_pull")
        except Refused as exc:
            if exc.status == 410:
                with self.db.writing() as s:
                    report.repairs.append("pulling a fresh copy (cursor past the horizon)")
                    self._full_pull(s, "gone")
                raise _Restart from exc
            if exc.status == 409 and exc.error == "cursor_invalid":
                with self.db.writing() as s:
                    report.repairs.append("the server went back in time: re-pulling")
                    self._full_pull(s, "restore")
                raise _Restart from exc
            raise
        if not why:
            return False
        n = 0
        with self.db.writing() as s:
            applier = Applier(s, generation, waiting)
            if why == "restore":
                n = resurrect(s, applier)
                if n:
                    report.repairs.append(f"{n} records the server had lost sent again")
            else:
                sweep(s, applier)
            state.put(s, state.FULL_PULL, "")
            return why == "restore" and n > 0

    # ---- blobs --------------------------------------------------------------------------------
    def _blobs_up(self, server: ServerClient, acct_id: int, report: SyncReport) -> None:
        with self.db.reading() as s:
            todo = [
                (b.sha256, b.size)
                for b in s.scalars(select(SyncBlob).where(SyncBlob.state == "local"))
            ]
        for sha, size in todo:
            if not self.blobs.has(sha):
                continue
            self.progress("upload", 0, size)
            status = server.blob_status(sha)
            if not (status.get("complete") or status.get("committed")):
                offset = int(status.get("received") or 0)
                while offset < size:
                    chunk = self.blobs.read_from(sha, offset, CHUNK)
                    try:
                        answer = server.blob_upload(sha, offset, chunk)
                    except Refused as exc:
                        if exc.status == 409 and "received" in exc.body:
                            offset = int(exc.body["received"])
                            continue
                        raise
                    offset = int(answer.get("received") or offset + len(chunk))
                    self.progress("upload", offset, size)
                    self.crash("after_chunk")
                    if answer.get("complete") or answer.get("committed"):
                        break
                server.blob_commit(sha)
            with self.db.writing() as s:
                row = s.get(SyncBlob, sha)
                if row is not None:
                    row.state = "uploaded"
            report.blobs_sent += 1

    def _download_progress(self, size: int, done: int, _total: int) -> None:
        self.progress("download", done, size)

    def _blobs_down(self, server: ServerClient, report: SyncReport) -> None:
        with self.db.writing() as s:
            wanted = dict(
                s.execute(
                    select(Attachment.sha256, Attachment.size).where(
                        Attachment.deleted_at.is_(None)
                    )
                ).all()
            )
            known = {b.sha256: b for b in s.scalars(select(SyncBlob))}
            for sha, size in wanted.items():
                here = self.blobs.has(sha)
                row = known.get(sha)
                if row is None:
                    s.add(SyncBlob(sha256=sha, size=size, state="present" if here else "missing"))
                elif here and row.state == "missing":
                    row.state = "present"
            s.flush()
            missing = [
                (b.sha256, b.size)
                for b in s.scalars(select(SyncBlob).where(SyncBlob.state == "missing"))
            ]
        for sha, size in missing:
            self.progress("download", 0, size)
            on_chunk = functools.partial(self._download_progress, size)
            try:
                got = self.blobs.receive(
                    sha, server.blob_download(sha, self.blobs.partial_size(sha)), on_chunk
                )
            except Refused as exc:
                if exc.status in (403, 404, 416):
                    report.blobs_missing += 1
                    if exc.status == 416:
                        self.blobs.partial(sha).unlink(missing_ok=True)
                    continue
                raise
            except Unreachable:
                raise
            with self.db.writing() as s:
                row = s.get(SyncBlob, sha)
                if row is not None:
                    row.state = "present" if got else "missing"
                    row.error = None if got else "the downloaded bytes did not match"
            if got:
                report.blobs_received += 1
            else:
                report.blobs_missing += 1


def _summary(entry: OutboxEntry) -> dict[str, Any]:
    result = entry.result or {}
    return {
        "id": entry.mutation_id,
        "entity": entry.entity,
        "record_id": entry.record_id,
        "op": entry.op,
        "reason": result.get("reason"),
        "errors": result.get("errors") or [],
    }


def open_conflicts(s: Any, include_resolved: bool = False) -> list[dict[str, Any]]:
    from liaison_app.sync.conflicts import conflict_view

    q = select(SyncConflict).order_by(SyncConflict.id)
    if not include_resolved:
        q = q.where(SyncConflict.resolved_at.is_(None), SyncConflict.pending_mutation.is_(None))
    return [conflict_view(s, c) for c in s.scalars(q)]


def _device_name() -> str:
    import platform

    return f"Liaison on {platform.node() or 'this computer'}"[:200]

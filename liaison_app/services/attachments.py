"""Attachments: photos and documents on a visit or a problem, their files kept by content."""

from __future__ import annotations

import dataclasses
import mimetypes
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import select

from liaison_app.domain.ids import uuid7
from liaison_app.domain.records import AttachmentRecord, Changes, Saved
from liaison_app.errors import InputError, NotFoundError, ValidationError
from liaison_app.models.entities import Attachment, FollowUpAction, Problem, Visit
from liaison_app.models.sync_tables import SyncBlob
from liaison_app.services import photos
from liaison_app.services.base import Service, ServiceContext
from liaison_app.services.problems import find_problem
from liaison_app.sync.blobs import LocalBlobs
from liaison_app.sync.capture import capture
from liaison_app.sync.protocol import SYNCED_FIELDS

MAX_CAPTION = 500


def shown(path: Path | str) -> str:
    """A path for a message: a name that is not UTF-8 is escaped (printing it never fails)."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def display_name(path: Path) -> str:
    """The file's name as text to keep and show: bytes that are not UTF-8 (a name written
    in another encoding) become U+FFFD, so the name can be stored and sent."""
    raw = os.fsencode(path.name)
    return raw.decode("utf-8", "replace")


class AttachmentService(Service):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        if ctx.data_dir is None:
            raise ValueError("attachments need the data folder")
        self.blobs = LocalBlobs(ctx.data_dir)
        # Full-size originals of photos attached shrunk: kept in this folder only, never sent.
        self.originals = ctx.data_dir / "originals"
        self._work = ctx.data_dir / "tmp"
        self.thumbnails = ctx.data_dir / "thumbnails"  # small copies for reports, by sha256

    def _record(self, a: Attachment) -> AttachmentRecord:
        return AttachmentRecord(
            id=a.id,
            owner_kind=a.owner_kind,
            owner_id=a.owner_id,
            filename=a.filename,
            mime_type=a.mime_type,
            size=a.size,
            sha256=a.sha256,
            caption=a.caption,
            created_at=a.created_at,
            available=self.blobs.has(a.sha256),
            deleted_at=a.deleted_at,
            has_original=self._original(a.id) is not None,
        )

    def _original(self, ident: str) -> Path | None:
        if not self.originals.is_dir():
            return None
        return next(iter(self.originals.glob(f"{ident}.*")), None)

    def _owner(self, s, ident: str) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
        """(kind, id, enterprise id) of a live visit, problem or follow-up action."""
        v = s.get(Visit, ident)
        if v is not None and v.deleted_at is None:
            return "visit", v.id, v.enterprise_id
        p = find_problem(s, ident)
        if p is not None and p.deleted_at is None:
            return "problem", p.id, p.enterprise_id
        a = s.get(FollowUpAction, ident)
        if a is not None:
            owner = s.get(Problem, a.problem_id)
            if owner is not None and owner.deleted_at is None:
                return "action", a.id, owner.enterprise_id
        raise NotFoundError("visit or problem", ident)

    def add(
        self,
        owner: str,
        path: Path,
        caption: str | None = None,
        *,
        shrink: bool = False,
        keep_original: bool = True,
    ) -> Saved:
        """Attach a file to a visit, a problem or a follow-up action; the file is copied in.

        ``shrink``: a photo larger than 2000 pixels is attached as a smaller JPEG (what the
        server and colleagues get); ``keep_original`` then keeps the full-size photo in this
        folder beside it. The officer's own file is never changed."""
        if not shrink or not photos.is_photo(path.name) or not path.is_file():
            return self._add(owner, path, caption)
        self._work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._work) as work:
            small = photos.shrink(path, Path(work))
            saved = self._add(owner, small or path, caption)
        if small is not None and keep_original:
            self.originals.mkdir(parents=True, exist_ok=True)
            suffix = path.suffix.lower() if path.suffix.isascii() else ".bin"
            shutil.copyfile(path, self.originals / f"{saved.record.id}{suffix}")
            saved = Saved(dataclasses.replace(saved.record, has_original=True), saved.changes)
        return saved

    def _add(self, owner: str, path: Path, caption: str | None) -> Saved:
        caption = (caption or "").strip() or None
        if caption is not None and len(caption) > MAX_CAPTION:
            raise ValidationError.single("caption", "too_long", f"at most {MAX_CAPTION} characters")
        if caption is not None and "\x00" in caption:
            raise ValidationError.single("caption", "invalid", "contains a NUL character")
        if not path.is_file():
            raise InputError(f"{shown(path)} is not a file")
        name = display_name(path)
        if not name or len(name) > 255 or "\x00" in name:
            raise InputError("the file name must be 1 to 255 characters")
        with self._db.reading() as s:
            self._owner(s, owner)  # refuse before copying a large file in
        sha, size = self.blobs.add_file(path)
        mime = mimetypes.guess_type(name)[0]
        with self._db.writing() as s:
            kind, owner_id, enterprise_id = self._owner(s, owner)
            now = self._clock.now()
            a = Attachment(
                id=uuid7(),
                owner_kind=kind,
                owner_id=owner_id,
                filename=name,
                mime_type=mime,
                size=size,
                sha256=sha,
                caption=caption,
                created_at=now,
                updated_at=now,
            )
            s.add(a)
            blob = s.get(SyncBlob, sha)
            if blob is None:
                s.add(SyncBlob(sha256=sha, size=size, state="local"))
            elif blob.state in ("missing", "present"):
                blob.state = "local" if blob.state == "missing" else blob.state
            s.flush()
            capture(
                s,
                "attachment",
                a.id,
                "create",
                fields={k: getattr(a, k) for k in SYNCED_FIELDS["attachment"]},
                enterprise_id=enterprise_id,
            )
            record = self._record(a)
        return Saved(record, Changes(frozenset({"attachment"}), frozenset({a.id})))

    def list(self, owner: str) -> list[AttachmentRecord]:
        with self._db.reading() as s:
            _kind, owner_id, _e = self._owner(s, owner)
            rows = s.scalars(
                select(Attachment)
                .where(Attachment.owner_id == owner_id, Attachment.deleted_at.is_(None))
                .order_by(Attachment.created_at, Attachment.id)
            ).all()
            return [self._record(a) for a in rows]

    def get(self, ident: str) -> AttachmentRecord:
        with self._db.reading() as s:
            a = s.get(Attachment, ident)
            if a is None or a.deleted_at is not None:
                raise NotFoundError("attachment", ident)
            return self._record(a)

    def save_copy(self, ident: str, target: Path) -> Path:
        """Write the attachment's file to ``target`` (refused while it is still missing)."""
        record = self.get(ident)
        if target.is_dir():
            raise InputError(f"{shown(target)} is a folder: give the name of the file to write")
        if not target.parent.is_dir():
            raise InputError(f"folder {shown(target.parent)} does not exist")
        if not record.available:
            raise InputError(
                f"{record.filename} has not arrived from the server yet; sync, then try again"
            )
        return self.blobs.copy_out(record.sha256, target)

    def save_original(self, ident: str, target: Path) -> Path:
        """Write the full-size original of a photo attached shrunk (kept in this folder only)."""
        self.get(ident)
        original = self._original(ident)
        if original is None:
            raise InputError("no full-size original of this photo is kept in this folder")
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(original, partial)
        partial.replace(target)
        return target

    def file_path(self, ident: str) -> Path | None:
        """The stored file itself, to read (thumbnails); None while it has not arrived."""
        record = self.get(ident)
        return self.blobs.path(record.sha256) if record.available else None

    def delete(self, ident: str) -> Saved:
        with self._db.writing() as s:
            a = s.get(Attachment, ident)
            if a is None or a.deleted_at is not None:
                raise NotFoundError("attachment", ident)
            _k, _o, enterprise_id = self._owner(s, a.owner_id)
            a.deleted_at = a.updated_at = self._clock.now()
            capture(
                s,
                "attachment",
                a.id,
                "delete",
                base_version=a.sync_version,
                enterprise_id=enterprise_id,
            )
            record = self._record(a)
        return Saved(record, Changes(frozenset({"attachment"}), frozenset({a.id})))

    def restore(self, ident: str) -> Saved:
        """Undo a removal: the attachment is back on its visit or problem."""
        with self._db.writing() as s:
            a = s.get(Attachment, ident)
            if a is None:
                raise NotFoundError("attachment", ident)
            _k, _o, enterprise_id = self._owner(s, a.owner_id)
            if a.deleted_at is not None:
                a.deleted_at = None
                a.updated_at = self._clock.now()
                capture(
                    s,
                    "attachment",
                    a.id,
                    "restore",
                    base_version=a.sync_version,
                    enterprise_id=enterprise_id,
                )
            record = self._record(a)
        return Saved(record, Changes(frozenset({"attachment"}), frozenset({a.id})))

"""Reports: gather the records, hand them to reports/, return or write the PDFs."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from liaison_app.domain.labels import SIGNED_SCAN_CAPTIONS
from liaison_app.domain.records import VisitRecord
from liaison_app.domain.reference import district_names
from liaison_app.errors import InputError, ValidationError
from liaison_app.reports.layout import Report, punct
from liaison_app.reports.ledger import render_ledger
from liaison_app.reports.statistics import render_statistics
from liaison_app.reports.visit_record import VisitRecordData, render_visit_records
from liaison_app.reports.words import Names
from liaison_app.services.attachments import AttachmentService
from liaison_app.services.base import Service, ServiceContext
from liaison_app.services.enterprises import EnterpriseService
from liaison_app.services.photos import is_readable_image, shrink
from liaison_app.services.problems import ProblemService
from liaison_app.services.quick import QuickReads
from liaison_app.services.settings import FolderSettings
from liaison_app.services.statistics import StatisticsService
from liaison_app.services.visits import VisitService

THUMB = 800  # pixels, the longest side of a photo printed on a visit record
LEDGER_LIMIT = 20_000  # rows in one ledger PDF; narrow the filter beyond that
Progress = Callable[[int, int], None]


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:60]


class ReportService(Service):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self._enterprises = EnterpriseService(ctx)
        self._visits = VisitService(ctx)
        self._problems = ProblemService(ctx)
        self._stats = StatisticsService(ctx)
        self._quick = QuickReads(ctx.db.path)
        self._attachments = AttachmentService(ctx) if ctx.data_dir is not None else None

    def names(self, lang: str) -> Names:
        reference = {
            kind: {r.code: (r.name_zh, r.name_en) for r in self._quick.reference(kind, True)}
            for kind in ("categories", "departments", "industries")
        }
        reference["districts"] = district_names(
            (r.code, r.name_zh, r.name_en, r.parent)
            for r in self._quick.reference("districts", True)
        )
        settings = FolderSettings(self._quick, lambda: self._db)
        return Names(lang, reference, settings.officer_name() or "", settings.officer_unit() or "")

    def _visit_data(self, visit: VisitRecord) -> VisitRecordData:
        problems = [self._problems.get(p.id) for p in self._problems.list(visit_id=visit.id)]
        problems.sort(key=lambda p: (p.raised_on, p.number))
        return VisitRecordData(
            self._enterprises.get(visit.enterprise_id), visit, problems, self._photos(visit.id)
        )

    def _photos(self, visit_id: str) -> tuple[Path, ...]:
        """Thumbnails of the visit's photos that are in this folder (not the signed scan): a
        12-megapixel photo embedded whole would make a record of a few pages weigh megabytes."""
        if self._attachments is None:
            return ()
        out: list[Path] = []
        thumbs = self._attachments.thumbnails
        for a in self._attachments.list(visit_id):
            if not a.available or not (a.mime_type or "").startswith("image/"):
                continue
            if (a.caption or "") in SIGNED_SCAN_CAPTIONS:
                continue
            thumb = thumbs / f"{a.sha256}.jpg"
            if not thumb.exists():
                thumbs.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryDirectory(dir=thumbs) as work:
                    made = shrink(self._attachments.blobs.path(a.sha256), Path(work), THUMB)
                    if made is None:  # small already (or not readable): the file itself
                        source = self._attachments.blobs.path(a.sha256)
                        if not is_readable_image(source):
                            continue
                        shutil.copyfile(source, made := Path(work) / "copy")
                    os.replace(made, thumb)
            out.append(thumb)
        return tuple(out)

    def visit_record(self, visit_id: str, lang: str = "zh_CN") -> Report:
        return render_visit_records(
            [self._visit_data(self._visits.get(visit_id))], self.names(lang)
        )

    def visit_records(
        self, date_from: dt.date | None, date_to: dt.date | None, lang: str = "zh_CN"
    ) -> Report:
        """Every visit record of a period in one document (oldest first)."""
        if date_from is None or date_to is None:
            raise InputError("give the period: --from DATE --to DATE")
        if date_from > date_to:
            raise ValidationError.single("from", "after_to", f"{date_from} is after {date_to}")
        visits = self._visits.list(date_from=date_from, date_to=date_to)[::-1]
        if not visits:
            raise InputError(f"no visits between {date_from} and {date_to}")
        return render_visit_records([self._visit_data(v) for v in visits], self.names(lang))

    def ledger(self, lang: str = "zh_CN", **filters: Any) -> Report:
        """The ledger of the problems a filter selects (period by date raised)."""
        total = self._problems.count(**filters)
        if total > LEDGER_LIMIT:
            raise InputError(
                f"{total:,} problems match; a ledger holds at most {LEDGER_LIMIT:,}: narrow the filter"
            )
        problems = self._problems.list(sort="raised", **filters)
        problems.reverse()  # oldest first, as a ledger is read
        figures = self._stats.figures_for(lang=lang, **filters)
        names = self.names(lang)
        return render_ledger(problems, figures, self._describe(filters, names), names)

    def _describe(self, filters: dict[str, Any], names: Names) -> str:
        kinds = {
            "category": "categories",
            "department": "departments",
            "district": "districts",
            "status": "status",
        }
        parts = []
        for key, value in filters.items():
            if value in (None, False, ""):
                continue
            if key in kinds:
                parts.append(names(kinds[key], value))
            elif key == "overdue":
                parts.append(names.word("overdue"))
            elif isinstance(value, dt.date):
                parts.append(f"{names.word('raised')} {'≥' if key == 'date_from' else '≤'} {value}")
            else:
                parts.append(f"{key}={value}")
        return punct(names.lang)[1].join(parts)

    def statistics(
        self, date_from: dt.date | None, date_to: dt.date | None, lang: str = "zh_CN"
    ) -> Report:
        reports = {
            by: self._stats.figures(date_from, date_to, by, lang)
            for by in ("category", "department", "district")
        }
        return render_statistics(reports, date_from, date_to, self.names(lang))

    def export_visits(
        self,
        date_from: dt.date,
        date_to: dt.date,
        folder: Path,
        *,
        combined: bool = False,
        lang: str = "zh_CN",
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Path]:
        """Every visit record of a period, one file each or one combined; stops when cancelled.

        Each file is written under a temporary name and renamed, so a cancel or crash never
        leaves half a PDF behind.
        """
        if date_from > date_to:
            raise ValidationError.single("from", "after_to", f"{date_from} is after {date_to}")
        if not folder.is_dir():
            raise InputError(f"folder {folder} does not exist")
        visits = self._visits.list(date_from=date_from, date_to=date_to)[::-1]
        names = self.names(lang)
        written: list[Path] = []
        items: list[VisitRecordData] = []
        for i, visit in enumerate(visits, start=1):
            if cancelled():
                break
            data = self._visit_data(visit)
            if combined:
                items.append(data)
            else:
                target = (
                    folder
                    / f"{visit.visit_date}_{_safe(visit.enterprise_name)}_{visit.id[-8:]}.pdf"
                )
                _write(target, render_visit_records([data], names).pdf)
                written.append(target)
            if progress:
                progress(i, len(visits))
        if combined and items and not cancelled():
            target = folder / f"visits_{date_from}_{date_to}.pdf"
            _write(target, render_visit_records(items, names).pdf)
            written.append(target)
        return written


def _write(target: Path, pdf: bytes) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(pdf)
    partial.replace(target)

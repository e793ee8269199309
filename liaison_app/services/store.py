"""Open a data folder: database at the current schema and every service over it.

Services that need the ORM are built on first use (under a lock, as background workers may ask
first), so a start-up that only shows lists never imports SQLAlchemy's ORM (design.md §5).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from liaison_app import paths
from liaison_app.errors import StorageError
from liaison_app.models.migrate import ensure_schema
from liaison_app.services.clock import Clock
from liaison_app.services.quick import QuickReads
from liaison_app.services.reference import ReferenceService
from liaison_app.services.settings import FolderSettings

if TYPE_CHECKING:
    from liaison_app.models.db import Database
    from liaison_app.services.attachments import AttachmentService
    from liaison_app.services.base import ServiceContext
    from liaison_app.services.demo.generator import DemoService
    from liaison_app.services.enterprises import EnterpriseService
    from liaison_app.services.exports import ExportService
    from liaison_app.services.imports import ImportService
    from liaison_app.services.maintenance import MaintenanceService
    from liaison_app.services.problems import ProblemService
    from liaison_app.services.reports import ReportService
    from liaison_app.services.search import SearchService
    from liaison_app.services.statistics import StatisticsService
    from liaison_app.services.sync import SyncService
    from liaison_app.services.visits import VisitService

# attribute → (module, class) of the ORM-backed services
_LAZY = {
    "enterprises": ("liaison_app.services.enterprises", "EnterpriseService"),
    "visits": ("liaison_app.services.visits", "VisitService"),
    "problems": ("liaison_app.services.problems", "ProblemService"),
    "stats": ("liaison_app.services.statistics", "StatisticsService"),
    "search": ("liaison_app.services.search", "SearchService"),
    "maintenance": ("liaison_app.services.maintenance", "MaintenanceService"),
    "demo": ("liaison_app.services.demo.generator", "DemoService"),
    "reports": ("liaison_app.services.reports", "ReportService"),
    "sync": ("liaison_app.services.sync", "SyncService"),
    "attachments": ("liaison_app.services.attachments", "AttachmentService"),
    "imports": ("liaison_app.services.imports", "ImportService"),
    "exports": ("liaison_app.services.exports", "ExportService"),
}


class Store:
    """Everything a front end (GUI or CLI) needs, built once per data folder."""

    enterprises: EnterpriseService
    visits: VisitService
    problems: ProblemService
    stats: StatisticsService
    search: SearchService
    maintenance: MaintenanceService
    demo: DemoService
    reports: ReportService
    sync: SyncService
    attachments: AttachmentService
    imports: ImportService
    exports: ExportService

    def __init__(self, data_dir: Path, clock: Clock, schema_action: str) -> None:
        self.data_dir = data_dir
        self.path = paths.database_path(data_dir)
        self.clock = clock
        self.schema_action = schema_action
        self.quick = QuickReads(self.path)
        self.reference = ReferenceService(self.quick)
        self.settings = FolderSettings(self.quick, lambda: self.db)
        self._lock = threading.RLock()
        self._db: Database | None = None
        self._services: dict[str, Any] = {}

    @property
    def db(self) -> Database:
        with self._lock:
            if self._db is None:
                from liaison_app.models.db import Database

                self._db = Database(self.path)
            return self._db

    def _context(self) -> ServiceContext:
        from liaison_app.services.base import ServiceContext

        return ServiceContext(self.db, self.clock, self.data_dir)

    def __getattr__(self, name: str) -> Any:
        if name not in _LAZY:
            raise AttributeError(name)
        with self._lock:
            if name not in self._services:
                import importlib

                module, cls = _LAZY[name]
                self._services[name] = getattr(importlib.import_module(module), cls)(
                    self._context()
                )
            return self._services[name]

    def warm_up(self) -> None:
        """Load the ORM now (e.g. in the background right after the window shows)."""
        for name in _LAZY:
            getattr(self, name)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def open_store(data_dir: Path, clock: Clock | None = None) -> Store:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the data folder {data_dir}: {exc}") from exc
    action = ensure_schema(paths.database_path(data_dir), paths.backups_dir(data_dir))
    return Store(data_dir, clock or Clock(), action)

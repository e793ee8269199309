"""Open a data folder: database at the current schema and every service over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from liaison_app import paths
from liaison_app.errors import StorageError
from liaison_app.models.db import Database
from liaison_app.models.migrate import ensure_schema
from liaison_app.services.base import Clock, ServiceContext
from liaison_app.services.demo.generator import DemoService
from liaison_app.services.enterprises import EnterpriseService
from liaison_app.services.maintenance import MaintenanceService
from liaison_app.services.problems import ProblemService
from liaison_app.services.reference import ReferenceService
from liaison_app.services.search import SearchService
from liaison_app.services.settings import FolderSettings
from liaison_app.services.statistics import StatisticsService
from liaison_app.services.visits import VisitService


@dataclass
class Store:
    """Everything a front end (GUI or CLI) needs, built once per data folder."""

    data_dir: Path
    db: Database
    schema_action: str
    enterprises: EnterpriseService
    visits: VisitService
    problems: ProblemService
    stats: StatisticsService
    search: SearchService
    reference: ReferenceService
    settings: FolderSettings
    maintenance: MaintenanceService
    demo: DemoService
    clock: Clock

    def close(self) -> None:
        self.db.dispose()


def open_store(data_dir: Path, clock: Clock | None = None) -> Store:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the data folder {data_dir}: {exc}") from exc
    db = Database(paths.database_path(data_dir))
    action = ensure_schema(db, paths.backups_dir(data_dir))
    ctx = ServiceContext(db, clock or Clock())
    return Store(
        data_dir=data_dir,
        db=db,
        schema_action=action,
        enterprises=EnterpriseService(ctx),
        visits=VisitService(ctx),
        problems=ProblemService(ctx),
        stats=StatisticsService(ctx),
        search=SearchService(ctx),
        reference=ReferenceService(ctx),
        settings=FolderSettings(ctx),
        maintenance=MaintenanceService(ctx),
        demo=DemoService(ctx),
        clock=ctx.clock,
    )

"""All client tables in one metadata (import this to see the whole schema)."""

from __future__ import annotations

from liaison_app.models import entities, reference, sync_tables  # noqa: F401  (registers the tables)
from liaison_app.models.base import Base

metadata = Base.metadata

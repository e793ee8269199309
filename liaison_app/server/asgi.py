"""The ASGI app for multi-worker serving (`uvicorn liaison_app.server.asgi:app --workers N`).

The database URL comes from LIAISON_SERVER_DB (the `serve` command sets it); the schema must be
up to date already (`liaison-server migrate`).
"""

from __future__ import annotations

from liaison_app.server.app import create_app
from liaison_app.server.db import database_url, make_engine

app = create_app(make_engine(database_url()))

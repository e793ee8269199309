"""Alembic environment of the server tree (its own version table; run from code)."""

from __future__ import annotations

from alembic import context

from liaison_app.server.schema import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("server migrations run from code with a live connection")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        version_table="server_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

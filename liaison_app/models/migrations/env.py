"""Alembic environment for the client database: run from code with a live connection."""

from __future__ import annotations

from alembic import context

from liaison_app.models import schema

config = context.config
# No fileConfig(): it would overwrite the application's logging set-up.


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # FTS5 shadow tables are managed by SQLite, not by the models.
    return not (type_ == "table" and name is not None and name.startswith("search_fts"))


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("client migrations run from code with a live connection")
    context.configure(
        connection=connection,
        target_metadata=schema.metadata,
        render_as_batch=True,
        include_object=include_object,
        version_table="alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

"""The local SQLite record: ORM models, engine and pragmas, migrations, the search index."""

"""Where Liaison keeps its data, logs and backups on this machine."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Liaison"
DB_FILENAME = "liaison.sqlite3"


def default_data_dir() -> Path:
    """The user data folder (``LIAISON_DATA_DIR`` overrides it, e.g. for scripts and tests)."""
    override = os.environ.get("LIAISON_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """The data folder as an absolute path (``--data-dir data`` works from any folder)."""
    return (Path(data_dir).expanduser() if data_dir else default_data_dir()).absolute()


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def backups_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def logs_dir(data_dir: Path) -> Path:
    return data_dir / "logs"

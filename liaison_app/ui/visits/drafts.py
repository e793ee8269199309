"""Autosaved drafts of the visit form: written atomically, so a crash never loses typing."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class DraftStore:
    """The form's draft (``path``), and drafts the person chose to keep for later (``held``):
    a held draft stays until they restore or discard it, whatever they type meanwhile."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "drafts" / "visit.json"
        self.held_dir = folder / "drafts" / "held"

    def held(self) -> list[Path]:
        """Drafts kept for later, oldest first."""
        try:
            return sorted(self.held_dir.glob("*.json"))
        except OSError:
            return []

    def hold(self, source: Path) -> Path:
        """Keep ``source`` aside for later (the form's draft gets a name of its own)."""
        if source.parent == self.held_dir:
            return source
        self.held_dir.mkdir(parents=True, exist_ok=True)
        stamp = f"{source.stat().st_mtime_ns:020d}"
        target = self.held_dir / f"{stamp}.json"
        n = 0
        while target.exists():
            n += 1
            target = self.held_dir / f"{stamp}-{n}.json"
        source.replace(target)
        return target

    def read(self, path: Path) -> dict[str, Any] | None:
        try:
            return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("unreadable visit draft %s kept aside", path, exc_info=True)
            path.replace(path.with_suffix(".broken"))
            return None

    def save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self.path)  # atomic: the old draft or the new one, never half

    def load(self) -> dict[str, Any] | None:
        return self.read(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

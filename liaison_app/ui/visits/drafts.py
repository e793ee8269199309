"""Autosaved drafts of the visit form: written atomically, so a crash never loses typing."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "drafts" / "visit.json"

    def save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self.path)  # atomic: the old draft or the new one, never half

    def load(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.path.read_text("utf-8"))  # type: ignore[no-any-return]
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("unreadable visit draft %s kept aside", self.path, exc_info=True)
            self.path.replace(self.path.with_suffix(".broken"))
            return None

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

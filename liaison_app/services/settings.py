"""Facts about this data folder that live in its database: the officer's name."""

from __future__ import annotations

from liaison_app.errors import ValidationError
from liaison_app.services.base import Service, get_meta, set_meta


class FolderSettings(Service):
    def officer_name(self) -> str | None:
        with self._db.reading() as s:
            return get_meta(s, "officer_name")

    def set_officer_name(self, name: str) -> None:
        name = (name or "").strip()
        if not name:
            raise ValidationError.single("officer_name", "required", "is required")
        if len(name) > 100:
            raise ValidationError.single("officer_name", "too_long", "at most 100 characters")
        with self._db.writing() as s:
            set_meta(s, "officer_name", name)

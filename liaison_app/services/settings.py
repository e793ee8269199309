"""Facts about this data folder that live in its database: the officer's name and unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from liaison_app.errors import ValidationError
from liaison_app.services.quick import QuickReads

if TYPE_CHECKING:
    from liaison_app.models.db import Database


class FolderSettings:
    def __init__(self, quick: QuickReads, db: Callable[[], Database]) -> None:
        self._quick = quick
        self._db = db

    def officer_name(self) -> str | None:
        return self._quick.meta("officer_name")

    def set_officer_name(self, name: str) -> None:
        from liaison_app.services.base import set_meta

        name = (name or "").strip()
        if self._quick.signed_in():
            raise ValidationError.single(
                "officer_name",
                "signed_in",
                "while this folder is signed in to a sync server, the officer's name is the "
                "server's name for the user; sign out to change it here",
            )
        if not name:
            raise ValidationError.single("officer_name", "required", "is required")
        if len(name) > 100:
            raise ValidationError.single("officer_name", "too_long", "at most 100 characters")
        with self._db().writing() as s:
            set_meta(s, "officer_name", name)

    def officer_unit(self) -> str | None:
        """The officer's unit (走访单位 / 填报单位 on the printed forms)."""
        return self._quick.meta("officer_unit")

    def set_officer_unit(self, unit: str) -> None:
        from liaison_app.services.base import set_meta

        unit = (unit or "").strip()
        if self._quick.signed_in():
            raise ValidationError.single(
                "officer_unit",
                "signed_in",
                "while this folder is signed in to a sync server, the officer's unit is the "
                "server's; sign out to change it here",
            )
        if len(unit) > 100:
            raise ValidationError.single("officer_unit", "too_long", "at most 100 characters")
        with self._db().writing() as s:
            set_meta(s, "officer_unit", unit or None)

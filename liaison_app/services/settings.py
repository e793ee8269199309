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
        self._set("officer_name", name, "the officer's name is the server's name for the user",
                  required=True)  # fmt: skip

    def officer_unit(self) -> str | None:
        """The officer's unit (走访单位 / 填报单位 on the printed forms)."""
        return self._quick.meta("officer_unit")

    def set_officer_unit(self, unit: str) -> None:
        self._set("officer_unit", unit, "the officer's unit is the server's", required=False)

    def _set(self, key: str, value: str, whose: str, *, required: bool) -> None:
        """Write the name or the unit: refused while signed in (the server's then), checked."""
        from liaison_app.services.base import set_meta

        value = (value or "").strip()
        if self._quick.signed_in():
            raise ValidationError.single(
                key,
                "signed_in",
                f"while this folder is signed in to a sync server, {whose}; "
                "sign out to change it here",
            )
        if required and not value:
            raise ValidationError.single(key, "required", "is required")
        if len(value) > 100:
            raise ValidationError.single(key, "too_long", "at most 100 characters")
        with self._db().writing() as s:
            set_meta(s, key, value or None)

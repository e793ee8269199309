"""The LiaisonError hierarchy: user-facing failures with stable message codes (no Qt, no SQL)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


class LiaisonError(Exception):
    """Base of every error the application reports to a person.

    ``code`` is a stable, machine-readable identifier; ``str(error)`` is the English message.
    """

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class InputError(LiaisonError):
    """Something the user supplied is wrong; nothing was written (CLI exit status 2)."""

    code = "bad_input"


@dataclass(frozen=True)
class FieldError:
    """One invalid field: which field, a stable code, an English message naming what is wrong,
    and the values in it (``params``) so front ends can say it in another language."""

    field: str
    code: str
    message: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(InputError):
    """One or more fields are invalid. ``errors`` lists them, for display next to each field."""

    code = "invalid"

    def __init__(self, errors: list[FieldError] | FieldError) -> None:
        self.errors: list[FieldError] = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ValidationError:
        return cls(FieldError(field, code, message))

    def for_field(self, field: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field), None)


class NotFoundError(InputError):
    """An id or code that names nothing (or a deleted record)."""

    code = "not_found"

    def __init__(self, kind: str, ident: str) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"no {kind} with id or code {ident!r}")


class LifecycleError(InputError):
    """A lifecycle step that is not allowed from the problem's current state."""

    code = "illegal_transition"

    def __init__(self, step: str, current: str, allowed: list[str]) -> None:
        self.step = step
        self.current = current
        self.allowed = allowed
        steps = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"cannot {step} a problem whose status is {current!r}; allowed steps from "
            f"{current!r}: {steps}"
        )


class StorageError(LiaisonError):
    """The local database cannot be opened, migrated or written."""

    code = "storage"


class IntegrityProblem(LiaisonError):
    """An integrity check found damage in the local database."""

    code = "integrity"

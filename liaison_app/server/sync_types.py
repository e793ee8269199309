"""Who is pushing or pulling (Caller), and how a sync request is refused as a whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liaison_app.errors import LiaisonError


class SyncRefused(LiaisonError):
    """The batch cannot go on (HTTP 409): a sequence gap, a reused id, a client gone back in time.

    Mutations before the refused one are committed; sending them again replays their results.
    """

    code = "sync_refused"

    def __init__(self, code: str, message: str, **detail: Any) -> None:
        super().__init__(message, code=code)
        self.detail = detail


@dataclass(frozen=True)
class Caller:
    user_id: int
    user: str
    role: str
    district: str | None
    client_id: str
    display_name: str = ""  # the server's name for the user: authorship (empty: the user name)
    unit: str | None = None

    @property
    def author(self) -> str:
        """The name written as officer, actor and call-back author."""
        return self.display_name or self.user

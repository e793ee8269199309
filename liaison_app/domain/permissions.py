"""What the signed-in user may write, as the sync server decides it (server/access.py).

Answered here so the screens can disable what the server would refuse — nothing typed in
vain — with a reason code the UI words. Not signed in (a local folder), everything is allowed:
the first user to sign in takes the folder's records (design.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass

# Reasons a write would be refused (the UI words each one).
OUTSIDE_DISTRICT = "outside_district"  # a supervisor's write to a firm of another district
NO_DISTRICT = "no_district"  # a supervisor the server has given no district yet
SAME_FIRM = "same_firm"  # a merge of an enterprise with itself


@dataclass(frozen=True)
class Permissions:
    """The signed-in account's role and district, and what follows from them."""

    role: str | None = None  # None: not signed in; officer | supervisor | admin
    district: str | None = None  # a supervisor's district (from the server's scopes)
    display_name: str | None = None

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"

    @property
    def sees_everyone(self) -> bool:
        """The folder holds several officers' records (a district, or everything): lists
        offer a filter by officer and the dashboard a breakdown by officer."""
        return self.role in ("supervisor", "admin")

    def create_enterprise(self, district_code: str | None) -> str | None:
        """Why the server would refuse a new enterprise in this district (None: it would not).

        A supervisor creates enterprises in their own district only (server/recorder.py)."""
        if not self.supervisor:
            return None
        if not self.district:
            return NO_DISTRICT
        return None if district_code == self.district else OUTSIDE_DISTRICT

    def write_enterprise(self, district_code: str | None) -> str | None:
        """Why a write to this enterprise or anything under it would be refused: a
        supervisor's scope is their district (server/access.py ``Access.sees``)."""
        if not self.supervisor:
            return None
        if not self.district:
            return NO_DISTRICT
        return None if district_code == self.district else OUTSIDE_DISTRICT

    def merge(
        self, keep: str, keep_district: str | None, drop: str, drop_district: str | None
    ) -> str | None:
        """Why merging ``drop`` into ``keep`` would be refused: it writes to both."""
        if keep == drop:
            return SAME_FIRM
        return self.write_enterprise(keep_district) or self.write_enterprise(drop_district)

"""Lifecycle steps over the wire: a transition's fields, checked by the domain's own rules,
and the state of a problem created with its history. Pure: no Connection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from liaison_app.domain.lifecycle import clean_lifecycle_state, clean_transition


def plan_transition(
    data: dict[str, Any],
    m: dict[str, Any],
    *,
    department_codes: Collection[str],
    today: dt.date,
    author: str,
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """What a transition sets: (forced, merged) — the status and server-kept fields, applied
    as they are, and the step's fields, merged like any edit — or None when the problem is no
    longer in the status the client saw (a lifecycle conflict; nothing changes).

    Raises ValidationError when the step, the move or any field is wrong: the whole
    transition is refused, whatever the current status.
    """
    move = m.get("transition") or {}
    step, before, after = m.get("step"), move.get("from"), move.get("to")
    cleaned = clean_transition(
        step,
        before,
        after,
        m.get("fields") or {},
        department_codes=department_codes,
        latest_today=today,
    )
    if data.get("status") != before:
        return None
    forced: dict[str, Any] = {"status": after}
    if step == "reopen":
        count = data.get("reopen_count")
        known = count if isinstance(count, int) and not isinstance(count, bool) else 0
        forced.update(reopen_count=max(known, 0) + 1, resolved_on=None, closed_on=None)
        cleaned = {}
    if step == "callback":
        forced["callback_by"] = author
        cleaned.pop("callback_by", None)
    return forced, cleaned


def created_state(
    state: Any, *, department_codes: Collection[str], today: dt.date, author: str
) -> dict[str, Any]:
    """A problem's lifecycle state sent with its create (history made before the first sync)."""
    out = clean_lifecycle_state(state, department_codes=department_codes, latest_today=today)
    if out.get("callback_by") is not None or out.get("callback_on") is not None:
        out["callback_by"] = author
    return out

"""How the command prints: UTF-8 JSON with Chinese unescaped, or short human-readable text."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from liaison_app.domain.records import record_to_dict


def to_data(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "__dataclass_fields__"):
        return record_to_dict(value)
    return value


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(to_data(value), ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


_held: list[str] | None = None  # with --json: warnings kept for the error object


def hold_warnings() -> None:
    global _held
    _held = []


def release_warnings(emit: bool = True) -> list[str]:
    """The warnings held back; printed as lines unless an error object carries them."""
    global _held
    held, _held = _held or [], None
    if emit:
        warn(held)
    return held


def warn(messages: Iterable[str]) -> None:
    for message in messages:
        if _held is not None:
            _held.append(message)
        else:
            print(f"liaison: warning: {message}", file=sys.stderr)


def emit_fields(data: dict[str, Any], skip: Sequence[str] = ()) -> None:
    width = max((len(k) for k in data), default=0)
    for key, value in data.items():
        if key in skip or value in (None, "", [], ()):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        print(f"{key.ljust(width)}  {value}")


def emit_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    """Columns padded by display width (a Chinese character takes two cells)."""
    import unicodedata

    def cells(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    table = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(cells(row[i]) for row in table) for i in range(len(headers))]
    for row in table:
        print(
            "  ".join(v + " " * (w - cells(v)) for v, w in zip(row, widths, strict=True)).rstrip()
        )


def row_progress(quiet: bool, at_least: int) -> Callable[[int, int], None] | None:
    """A "done/total rows" counter on stderr for long imports and exports (none with --json,
    nor for files under ``at_least`` rows: they finish before a counter is worth printing)."""
    if quiet:
        return None

    def show(done: int, total: int) -> None:
        if total >= at_least:
            end = "\n" if done >= total else ""
            print(f"\r{done:,}/{total:,} rows", end=end, file=sys.stderr, flush=True)

    return show

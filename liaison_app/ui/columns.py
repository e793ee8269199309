"""Column widths a person gives a list are kept: per list, across restarts, and never reflowed
by what else happens on the screen (a wider detail pane, a longer label)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableView

from liaison_app.ui.settings import AppSettings, Key


def _key(name: str) -> Key[str]:
    return Key(f"columns/{name}", str, "")


def keep_column_widths(
    table: QTableView, settings: AppSettings, name: str, widths: dict[int, int]
) -> None:
    """Every column but a fixed one (the sync marks) takes a width the person may drag; it
    starts at ``widths`` (or the header's default) and then at what they last gave it."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionsMovable(False)
    fixed = {
        i
        for i in range(header.count())
        if header.sectionResizeMode(i) == QHeaderView.ResizeMode.Fixed
    }
    for i in range(header.count()):
        if i not in fixed:
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(i, widths.get(i, header.defaultSectionSize()))
    saved = settings.get(_key(name)).split(",")
    if len(saved) == header.count():
        for i, text in enumerate(saved):
            if i not in fixed and text.isdigit() and int(text) > 0:
                header.resizeSection(i, int(text))

    def remember(section: int, _old: int, new: int) -> None:
        if section in fixed or new <= 0:
            return  # a hidden column reports 0: it keeps its width for when it shows
        current = settings.get(_key(name)).split(",")
        if len(current) != header.count():
            current = [str(header.sectionSize(i)) for i in range(header.count())]
        current[section] = str(new)
        settings.set(_key(name), ",".join(current))

    header.sectionResized.connect(remember)

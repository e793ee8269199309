"""The import wizard's tables: the sheet's first rows, the validation report, one row's cells."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from liaison_app.domain.messages import FIELD_NAMES_ZH
from liaison_app.exchange.preview import SheetPreview
from liaison_app.exchange.report import RowIssue
from liaison_app.ui.forms import current_language

Index = QModelIndex | QPersistentModelIndex
ERROR_BRUSH = QBrush(QColor(255, 224, 224))


def field_label(field: str | None) -> str:
    """An enterprise field's name in the UI's language (None: the column is left out)."""
    names = {
        None: QCoreApplication.translate("ImportFields", "(do not import)"),
        "name": QCoreApplication.translate("ImportFields", "Enterprise name"),
        "uscc": QCoreApplication.translate("ImportFields", "USCC"),
        "district_code": QCoreApplication.translate("ImportFields", "District"),
        "industry_code": QCoreApplication.translate("ImportFields", "Industry"),
        "size": QCoreApplication.translate("ImportFields", "Size"),
        "ownership": QCoreApplication.translate("ImportFields", "Ownership"),
        "address": QCoreApplication.translate("ImportFields", "Address"),
        "legal_rep": QCoreApplication.translate("ImportFields", "Legal representative"),
        "contact_name": QCoreApplication.translate("ImportFields", "Contact person"),
        "contact_title": QCoreApplication.translate("ImportFields", "Contact's title"),
        "phone": QCoreApplication.translate("ImportFields", "Phone"),
        "park": QCoreApplication.translate("ImportFields", "Park / street"),
        "officer": QCoreApplication.translate("ImportFields", "Liaison officer"),
        "unit": QCoreApplication.translate("ImportFields", "Officer's unit"),
        "specialised": QCoreApplication.translate("ImportFields", "Specialised & innovative"),
        "notes": QCoreApplication.translate("ImportFields", "Notes"),
        "city": QCoreApplication.translate("ImportFields", "City (to tell districts apart)"),
    }
    return names.get(field, field or "")


# Row problems by code, in Chinese ({field}: the field's name); others keep their English words.
_ISSUES_ZH = {
    "required": "{field}为必填项",
    "too_long": "{field}过长",
    "unknown": "{field}的值无效",
    "unknown_code": "{field}代码不存在",
    "bad_date": "{field}不是有效日期",
    "in_future": "{field}不能晚于今天",
    "not_number": "{field}不是有效数字",
    "out_of_range": "{field}超出范围",
    "uscc_length": "统一社会信用代码应为 18 位",
    "uscc_charset": "统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）",
    "uscc_check": "统一社会信用代码校验位不对，可能有字符输入错误",
    "bad_phone": "联系电话不是有效的手机号或固定电话",
    "bad_cell": "{field}单元格无法读取（含有控制字符，或数字位数已丢失）",
    "unresolved": "{field}无法识别（名称不存在或有重名，请填写代码或所属城市）",
    "duplicate_row": "与文件中前面的一行是同一家企业：每家企业只能出现一次",
    "ambiguous_match": "名称和区县与多家已登记企业相同：请先合并这些企业，或填写统一社会信用代码",
}


def issue_text(issue: RowIssue) -> str:
    """A row problem for the report, in the UI's language (the English words as they came)."""
    template = _ISSUES_ZH.get(issue.code or "")
    if current_language() != "zh_CN" or template is None:
        return issue.message
    field = FIELD_NAMES_ZH.get(issue.field or "", issue.field or "")
    return template.format(field=field)


class PreviewTableModel(QAbstractTableModel):
    """The sheet's first rows under "letter header → field" headings; rows are Excel's."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.preview: SheetPreview | None = None
        self.fields: list[str | None] = []
        self.marked: tuple[int, int] | None = None  # (row index, column index) of an error

    def set_preview(self, preview: SheetPreview | None) -> None:
        self.beginResetModel()
        self.preview = preview
        self.fields = [c.field for c in preview.columns] if preview else []
        self.marked = None
        self.endResetModel()

    def set_field(self, column: int, field: str | None) -> None:
        self.fields[column] = field
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def row_index(self, number: int) -> int:
        if self.preview is None:
            return -1
        return next((i for i, (n, _) in enumerate(self.preview.rows) if n == number), -1)

    def column_index(self, letter: str | None) -> int:
        if self.preview is None or letter is None:
            return -1
        return next((i for i, c in enumerate(self.preview.columns) if c.letter == letter), -1)

    def mark(self, row: int, column: int) -> None:
        self.marked = (row, column)
        if self.rowCount():
            last = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.preview is None else len(self.preview.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.preview is None else len(self.preview.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.preview is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(self.preview.rows[section][0])
        c = self.preview.columns[section]
        return f"{c.letter} {c.header}\n→ {field_label(self.fields[section])}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.preview is None or not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.preview.rows[index.row()][1][index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and self.marked is not None:
            row, column = self.marked
            if index.row() == row and (column < 0 or index.column() == column):
                return ERROR_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and self.fields[index.column()] is None:
            return QBrush(QColor(128, 128, 128))  # a column that is not imported
        return None


class IssuesTableModel(QAbstractTableModel):
    """The validation report: one line per problem, with its row and column."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.issues: list[tuple[RowIssue, bool]] = []  # (issue, is an error)

    def set_issues(self, errors: tuple[RowIssue, ...], warnings: tuple[RowIssue, ...]) -> None:
        self.beginResetModel()
        self.issues = [(e, True) for e in errors] + [(w, False) for w in warnings]
        self.endResetModel()

    def issue(self, row: int) -> RowIssue | None:
        return self.issues[row][0] if 0 <= row < len(self.issues) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.issues)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            QCoreApplication.translate("IssuesTableModel", "Row"),
            QCoreApplication.translate("IssuesTableModel", "Column"),
            QCoreApplication.translate("IssuesTableModel", "Kind"),
            QCoreApplication.translate("IssuesTableModel", "Problem"),
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        issue, error = self.issues[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return issue.message
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        kind = (
            QCoreApplication.translate("IssuesTableModel", "Error")
            if error
            else QCoreApplication.translate("IssuesTableModel", "Warning")
        )
        return (
            "" if issue.row is None else str(issue.row),
            issue.column or "",
            kind,
            issue_text(issue),
        )[index.column()]


class RowCellsTableModel(QAbstractTableModel):
    """One row of the sheet, a cell per line: where the report's problem is, shown whole."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.cells: list[tuple[str, str, str | None, str]] = []  # letter, header, field, value
        self.marked = -1

    def set_row(
        self, preview: SheetPreview, fields: list[str | None], cells: tuple[str, ...], mark: int
    ) -> None:
        self.beginResetModel()
        self.cells = [
            (c.letter, c.header, fields[i], cells[i]) for i, c in enumerate(preview.columns)
        ]
        self.marked = mark
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.cells, self.marked = [], -1
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            QCoreApplication.translate("RowCellsTableModel", "Column"),
            QCoreApplication.translate("RowCellsTableModel", "Header in the file"),
            QCoreApplication.translate("RowCellsTableModel", "Imported as"),
            QCoreApplication.translate("RowCellsTableModel", "Value"),
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        letter, header, field, value = self.cells[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == self.marked:
            return ERROR_BRUSH
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (letter, header, field_label(field), value)[index.column()]

"""The import wizard's first pages: the file, the mapping with a preview, the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from liaison_app.domain.messages import error_text
from liaison_app.errors import LiaisonError
from liaison_app.exchange.preview import SheetPreview
from liaison_app.exchange.report import ImportReport
from liaison_app.ui.exchange.import_models import (
    IssuesTableModel,
    PreviewTableModel,
    RowCellsTableModel,
    field_label,
)
from liaison_app.ui.forms import current_language

if TYPE_CHECKING:
    from liaison_app.ui.exchange.import_wizard import ImportWizard


def wrapped_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def table_of(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setDefaultSectionSize(24)
    return view


def said(exc: BaseException) -> str:
    """An error the page shows in place (a file that cannot be read, a refused import)."""
    if isinstance(exc, LiaisonError):
        return error_text(exc, current_language())
    return str(exc)


class ProgressRow(QWidget):
    """A progress bar with its Cancel button, shown while a background step runs."""

    def __init__(self, cancel: Callable[[], None]) -> None:
        super().__init__()
        self.bar = QProgressBar()
        self.button = QPushButton()
        self.button.clicked.connect(cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.button)
        self.setVisible(False)

    def start(self) -> None:
        self.bar.setRange(0, 0)  # busy until the first figures arrive
        self.button.setEnabled(True)
        self.setVisible(True)

    def advance(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, done, 1))
        self.bar.setValue(done)

    def stop(self) -> None:
        self.setVisible(False)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._w = wizard
        self.path = QLineEdit()
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.path.returnPressed.connect(self.load)
        self.sheet = QComboBox()
        self.sheet_label = QLabel()
        self.sheet_label.setBuddy(self.sheet)
        self.path_label = QLabel()
        self.path_label.setBuddy(self.path)
        self.status = wrapped_label()
        self.sheet.activated.connect(lambda _i: self.load(self.sheet.currentText()))
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form = QFormLayout(self)
        form.addRow(self.path_label, row)
        form.addRow(self.sheet_label, self.sheet)
        form.addRow(self.status)
        self._show_sheets(False)
        self._loading = False

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Choose the file"))
        self.setSubTitle(
            self.tr(
                "An Excel workbook (.xlsx) or a CSV file with one enterprise per row and a "
                "header row naming the columns (title rows above it are fine)."
            )
        )
        self.path_label.setText(self.tr("&File:"))
        self.sheet_label.setText(self.tr("&Sheet:"))
        self.browse.setText(self.tr("&Browse…"))
        self.path.setPlaceholderText(self.tr("Path of an .xlsx or .csv file"))
        self._describe()

    def _show_sheets(self, shown: bool) -> None:
        self.sheet.setVisible(shown)
        self.sheet_label.setVisible(shown)

    def _browse(self) -> None:
        name = type(self._w).choose_file(self, self._w.start_folder())
        if name:
            self.path.setText(name)
            self.load()

    def load(self, sheet: str | None = None) -> None:
        text = self.path.text().strip()
        if not text or self._w.busy:
            return
        path = Path(text).expanduser()
        if sheet is None:
            self._show_sheets(False)
        self._w.preview = None
        self._loading = True
        self.completeChanged.emit()
        self.status.setText(self.tr("Reading %1…").replace("%1", path.name))
        imports = self._w.ctx.store.imports
        self._w.run(
            lambda _s: imports.preview(path, sheet=sheet),
            lambda preview: self._loaded(path, preview),
            self._failed,
        )

    def _loaded(self, path: Path, preview: SheetPreview) -> None:
        self._loading = False
        self._w.path, self._w.preview = path, preview
        self._w.remember_folder(path)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(preview.sheet_names))
        self.sheet.setCurrentText(preview.sheet)
        self.sheet.blockSignals(False)
        self._show_sheets(len(preview.sheet_names) > 1)
        self._describe()
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self._w.path = self._w.preview = None
        self.status.setText(self.tr("Cannot import this file: %1").replace("%1", said(exc)))
        if not isinstance(exc, LiaisonError):
            self._w.show_error(exc)
        self.completeChanged.emit()

    def _describe(self) -> None:
        p = self._w.preview
        if p is None:
            return
        self.status.setText(
            self.tr("Sheet “%1”: the header is row %2, with %3 columns. Next: check the mapping.")
            .replace("%1", p.sheet)
            .replace("%2", str(p.header_row))
            .replace("%3", str(len(p.columns)))
        )

    def isComplete(self) -> bool:
        return self._w.preview is not None and not self._loading

    def validatePage(self) -> bool:
        typed = Path(self.path.text().strip()).expanduser()
        if self._w.path != typed:  # typed another path without pressing Enter
            self.load()
            return False
        return True


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._w = wizard
        self.intro = wrapped_label()
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(3, 1)
        self.headings = [QLabel() for _ in range(4)]
        bold = QFont(self.font())
        bold.setBold(True)
        for i, h in enumerate(self.headings):
            h.setFont(bold)
            self.grid.addWidget(h, 0, i)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.model = PreviewTableModel(self)
        self.preview_table = table_of(self.model)
        self.preview_table.horizontalHeader().setDefaultSectionSize(140)
        self.preview_label = QLabel()
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.preview_label)
        ll.addWidget(self.preview_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(scroll)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        # The mapping is what this page is for: most of the room, and a few rows at least.
        scroll.setMinimumHeight(120)
        self.preview_table.setMinimumHeight(100)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([3000, 2000])
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        self.combos: list[QComboBox] = []
        self._cells: list[QWidget] = []
        self._for: SheetPreview | None = None

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Check the mapping"))
        self.setSubTitle(self.tr("Which enterprise field each column of the file fills."))
        for h, text in zip(
            self.headings,
            (
                self.tr("Column"),
                self.tr("Header in the file"),
                self.tr("Import as"),
                self.tr("First row"),
            ),
            strict=True,
        ):
            h.setText(text)
        self.preview_label.setText(self.tr("The first rows of the sheet:"))
        self._describe()
        for combo in self.combos:
            for i in range(combo.count()):
                combo.setItemText(i, field_label(combo.itemData(i)))
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, max(0, self.model.columnCount() - 1)
        )

    def _describe(self) -> None:
        p = self._w.preview
        if p is None:
            return
        text = self.tr(
            "Row %1 of “%2” is the header row. Choose “(do not import)” for a column the "
            "enterprise list should leave out; the enterprise name is required."
        )
        text = text.replace("%1", str(p.header_row)).replace("%2", p.sheet)
        if p.remembered:
            text += " " + self.tr("The mapping you chose for these headers last time is used.")
        self.intro.setText(text)

    def initializePage(self) -> None:
        p = self._w.preview
        if p is None or p is self._for:
            return  # back from the report: the mapping stays as the person left it
        self._for = p
        for w in self._cells:
            self.grid.removeWidget(w)
            w.deleteLater()
        self._cells, self.combos = [], []
        first = p.rows[0][1] if p.rows else ()
        for i, c in enumerate(p.columns):
            combo = QComboBox()
            combo.addItem(field_label(None), None)
            for f in p.fields:
                combo.addItem(field_label(f), f)
            combo.setCurrentIndex(max(0, combo.findData(c.field)))
            combo.currentIndexChanged.connect(lambda _j, i=i: self._on_combo_changed(i))
            combo.setAccessibleName(c.header)
            sample = QLabel(first[i] if i < len(first) else "")
            sample.setToolTip(sample.text())
            header = QLabel(c.header)
            header.setBuddy(combo)
            cells = [QLabel(c.letter), header, combo, sample]
            for col, w in enumerate(cells):
                self.grid.addWidget(w, i + 1, col)
            self._cells.extend(cells)
            self.combos.append(combo)
        self.model.set_preview(p)
        self._describe()
        if self.combos:
            self.combos[0].setFocus()

    def _on_combo_changed(self, column: int) -> None:
        self.model.set_field(column, self.combos[column].currentData())
        self.completeChanged.emit()

    def fields(self) -> list[str | None]:
        return [c.currentData() for c in self.combos]

    def mapping(self) -> dict[str, str | None]:
        p = self._w.preview
        if p is None:
            return {}
        return {
            c.header: combo.currentData() for c, combo in zip(p.columns, self.combos, strict=True)
        }

    def isComplete(self) -> bool:
        return "name" in self.fields()


class CheckPage(QWizardPage):
    """A dry run with the mapping and options: every problem with its row and column; Enter
    (or a double click) on one shows that row's cells with the cell at fault marked."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._w = wizard
        self.setCommitPage(True)
        self.summary = wrapped_label()
        self.progress = ProgressRow(wizard.cancel_task)
        self.skip_invalid = QCheckBox()
        self.on_duplicate = QComboBox()
        self.on_duplicate.addItems(["", ""])
        self.duplicate_label = QLabel()
        self.duplicate_label.setBuddy(self.on_duplicate)
        self.skip_invalid.toggled.connect(lambda _b: self._on_option_changed())
        self.on_duplicate.currentIndexChanged.connect(lambda _i: self._on_option_changed())
        self.issues = IssuesTableModel(self)
        self.issues_table = table_of(self.issues)
        header = self.issues_table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.issues_table.verticalHeader().hide()
        self.issues_table.activated.connect(self.jump)
        self.issues_table.doubleClicked.connect(self.jump)
        self.cells = RowCellsTableModel(self)
        self.cells_table = table_of(self.cells)
        self.cells_table.verticalHeader().hide()
        cells_header = self.cells_table.horizontalHeader()
        for column in range(3):
            cells_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        cells_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.cells_label = QLabel()
        options = QHBoxLayout()
        options.addWidget(self.skip_invalid)
        options.addSpacing(16)
        options.addWidget(self.duplicate_label)
        options.addWidget(self.on_duplicate)
        options.addStretch(1)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.cells_label)
        ll.addWidget(self.cells_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.issues_table)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.fetched: dict[int, tuple[str, ...]] = {}  # rows read beyond the preview

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Check the rows"))
        self.setSubTitle(self.tr("A trial run: nothing is written until you press Import."))
        self.skip_invalid.setText(self.tr("S&kip rows with errors (import the others)"))
        self.duplicate_label.setText(self.tr("Enterprises already on &record:"))
        self.on_duplicate.setItemText(0, self.tr("update them with the file's values"))
        self.on_duplicate.setItemText(1, self.tr("leave them as they are"))
        self.progress.button.setText(self.tr("&Cancel check"))
        self.cells_label.setText(self.tr("Press Enter on a problem to see its row here."))
        if self._w.dry_run is not None:
            self._show(self._w.dry_run)

    def options(self) -> dict[str, Any]:
        return {
            "skip_invalid": self.skip_invalid.isChecked(),
            "on_duplicate": "skip" if self.on_duplicate.currentIndex() == 1 else "update",
        }

    def initializePage(self) -> None:
        self.fetched.clear()
        self.cells.clear()
        self.check()

    def _on_option_changed(self) -> None:
        if self._w.currentPage() is self:
            self.check()

    def _enable_options(self, enabled: bool) -> None:
        self.skip_invalid.setEnabled(enabled)
        self.on_duplicate.setEnabled(enabled)

    def check(self) -> None:
        w = self._w
        if w.busy or w.path is None or w.preview is None:
            return
        w.dry_run = None
        self._enable_options(False)
        self.issues.set_issues((), ())
        self.completeChanged.emit()
        self.summary.setText(self.tr("Checking every row…"))
        self.progress.start()
        w.run(w.import_task(dry_run=True), self._done, self._failed, self.progress.advance)

    def _done(self, report: ImportReport) -> None:
        self.progress.stop()
        self._enable_options(True)
        self._w.dry_run = report
        self._show(report)
        self.completeChanged.emit()
        if report.errors:
            self.issues_table.setFocus()
            self.issues_table.selectRow(0)

    def _failed(self, exc: BaseException) -> None:
        self.progress.stop()
        self._enable_options(True)
        self.summary.setText(self.tr("The check failed: %1").replace("%1", said(exc)))
        if not isinstance(exc, LiaisonError):
            self._w.show_error(exc)

    def _show(self, r: ImportReport) -> None:
        if r.cancelled:
            self.summary.setText(self.tr("Check cancelled. Press Back, or change an option."))
            return
        self.issues.set_issues(r.errors, r.warnings)
        text = (
            self.tr(
                "%1 rows read: %2 new enterprises, %3 to update, %4 unchanged, %5 rows skipped."
            )
            .replace("%1", f"{r.rows:,}")
            .replace("%2", f"{r.imported:,}")
            .replace("%3", f"{r.updated:,}")
            .replace("%4", f"{r.unchanged:,}")
            .replace("%5", f"{r.skipped:,}")
        )
        if r.errors and not self.options()["skip_invalid"]:
            # Refused: the service stopped before counting what it would write.
            text = self.tr("%1 rows read.").replace("%1", f"{r.rows:,}")
            text += " " + self.tr(
                "%n problem(s) found: nothing is imported while a row has an error. Correct "
                "the file and choose it again, or skip the rows with errors.",
                "",
                len(r.errors),
            )
        elif r.errors:
            text += " " + self.tr("%n problem(s) found in the rows skipped.", "", len(r.errors))
        elif not (r.imported or r.updated):
            text += " " + self.tr("Nothing to import: every enterprise is already on record.")
        else:
            text += " " + self.tr("No problems found.")
        self.summary.setText(text)

    def importable(self) -> bool:
        r = self._w.dry_run
        if r is None or r.cancelled or not (r.imported or r.updated):
            return False
        return not r.errors or self.options()["skip_invalid"]

    def isComplete(self) -> bool:
        return not self._w.busy and self.importable()

    def jump(self, index: QModelIndex) -> None:
        """Show the row of the problem at ``index``, its cell marked (read from the file when
        it is beyond the preview's first rows)."""
        issue = self.issues.issue(index.row())
        w = self._w
        if issue is None or issue.row is None or w.preview is None or w.path is None:
            return
        number = issue.row
        cells = w.preview.row(number) or self.fetched.get(number)
        if cells is not None:
            self._show_row(number, cells, issue.column)
            return
        if w.busy:
            return
        imports, path, sheet, mapping = w.ctx.store.imports, w.path, w.preview.sheet, w.mapping()

        def got(preview: SheetPreview) -> None:
            found = preview.row(number)
            if found is not None:
                self.fetched[number] = found
                self._show_row(number, found, issue.column)

        w.run(
            lambda _s: imports.preview(path, sheet=sheet, mapping=mapping, limit=0, rows=(number,)),
            got,
            w.show_error,
        )

    def _show_row(self, number: int, cells: tuple[str, ...], column: str | None) -> None:
        p = self._w.preview
        assert p is not None
        mark = next((i for i, c in enumerate(p.columns) if c.letter == column), -1)
        self.cells.set_row(p, self._w.mapping_page.fields(), cells, mark)
        self.cells_label.setText(self.tr("Row %1 of the sheet:").replace("%1", str(number)))
        preview = self._w.mapping_page.model
        if (row := preview.row_index(number)) >= 0:
            preview.mark(row, mark)
        self.cells_table.setFocus()
        if mark >= 0:
            self.cells_table.selectRow(mark)
            self.cells_table.scrollTo(self.cells.index(mark, 0))

    def validatePage(self) -> bool:
        return self.importable()

"""Guard for the Qt binding we pin: None returned from a model override must not leak away.

PySide6 6.12.0 on Python 3.11 drops a reference to None each time C++ calls a Python data()
that returns None; after enough scrolling the interpreter aborts ("deallocating None").
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt


class NoneModel(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 3

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def test_none_from_python_overrides_keeps_its_references(qapp):
    model = NoneModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(1, 1)
    before = sys.getrefcount(None)
    for _ in range(5_000):
        proxy.data(index, Qt.ItemDataRole.DisplayRole)  # C++ calls the Python override
    assert sys.getrefcount(None) - before > -100

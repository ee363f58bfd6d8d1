"""A read-only list of records: the records behind a figure, or those a check points at."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from zhaocun_desktop.registers import Register
from zhaocun_desktop.validation import display_value


class RecordsDialog(QDialog):
    """Shows ``rows`` (dicts of a register's records) with the register's list columns."""

    def __init__(self, register: Register, rows: list[dict], heading: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"{register.title}：{len(rows)} 条记录")
        fields = register.list_fields
        self.table = QTableWidget(len(rows), len(fields))
        self.table.setObjectName("records")
        self.table.setHorizontalHeaderLabels([f.label for f in fields])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        for row, record in enumerate(rows):
            for column, field in enumerate(fields):
                self.table.setItem(row, column, QTableWidgetItem(display_value(field, record.get(field.key))))
        for column, field in enumerate(fields):
            self.table.setColumnWidth(column, field.width)
        label = QLabel(heading)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(1000, 560)

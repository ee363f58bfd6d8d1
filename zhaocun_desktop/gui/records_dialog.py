"""A list of records: the records behind a figure, or those a check points at.

Given the database, a double click (or Enter) on a row opens that record for editing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QMessageBox, QTableWidget, QTableWidgetItem, QVBoxLayout

from zhaocun_desktop import county_scope, queries
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.gui.screen import fit_to_screen
from zhaocun_desktop.registers import Register
from zhaocun_desktop.validation import display_value

if TYPE_CHECKING:
    from sqlite_utils import Database


class RecordsDialog(QDialog):
    """Shows ``rows`` (dicts of a register's records) with the register's list columns.

    With ``db``, rows open in the edit dialog; ``edited`` is then True after any save.
    """

    def __init__(self, register: Register, rows: list[dict], heading: str, parent=None, db: Database | None = None):
        super().__init__(parent)
        self.register, self.rows, self.db = register, list(rows), db
        self.edited = False
        self.setWindowTitle(f"{register.title}：{len(rows)} 条记录")
        self.fields = register.list_fields
        self.table = QTableWidget(len(rows), len(self.fields))
        self.table.setObjectName("records")
        self.table.setHorizontalHeaderLabels([f.label for f in self.fields])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        for row in range(len(self.rows)):
            self._fill_row(row)
        for column, field in enumerate(self.fields):
            self.table.setColumnWidth(column, field.width)
        if db is not None:
            heading += "\n双击一行可查看该记录（县级汇总数据库只能查看）。" if county_scope.in_county(db) else "\n双击一行可打开该记录修改。"
        label = QLabel(heading)
        label.setWordWrap(True)
        if db is not None:
            self.table.activated.connect(lambda index: self.open_row(index.row()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        fit_to_screen(self, 1000, 560)

    def _fill_row(self, row: int) -> None:
        record = self.rows[row]
        for column, field in enumerate(self.fields):
            self.table.setItem(row, column, QTableWidgetItem(display_value(field, record.get(field.key))))

    def open_row(self, row: int) -> bool:
        """Edit the record of ``row``; returns whether it was saved."""
        from zhaocun_desktop.gui.record_dialog import RecordDialog

        record_id = self.rows[row]["id"]
        try:
            dialog = RecordDialog(self.db, self.register, record_id, parent=self)
        except UserError as error:  # deleted meanwhile
            QMessageBox.warning(self, "无法打开", str(error))
            return False
        if not dialog.exec():
            return False
        self.rows[row] = queries.get(self.db, self.register, record_id)
        self._fill_row(row)
        self.edited = True
        return True

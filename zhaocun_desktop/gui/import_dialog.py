"""The import preview: every row of the file, problem cells marked, then import or cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)
from PySide6.QtCore import Qt

from zhaocun_desktop.excel.importing import ImportPreview, commit_import
from zhaocun_desktop.validation import display_value

if TYPE_CHECKING:
    from sqlite_utils import Database

PROBLEM = QColor("#f8d7da")
DUPLICATE = QColor("#fff3cd")


class ImportDialog(QDialog):
    """Shows an ``ImportPreview``; ``accept()`` commits it. ``result_message`` says what was done."""

    def __init__(self, db: Database, preview: ImportPreview, parent=None):
        super().__init__(parent)
        self.db, self.preview = db, preview
        self.result_message = ""
        self.setWindowTitle(f"导入预览 - {preview.path.name}")
        register = preview.register
        fields = [f for f in register.import_fields if f in preview.match.columns.values()]
        self.fields = fields

        summary = QLabel(preview.summary())
        summary.setObjectName("import_summary")
        summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if preview.already_imported:
            again = QLabel(preview.already_imported)
            again.setStyleSheet("color: #b00020; font-weight: bold;")
            again.setWordWrap(True)
            layout.addWidget(again)
        for note in preview.notes:
            label = QLabel(note)
            label.setWordWrap(True)
            layout.addWidget(label)

        self.table = QTableWidget(len(preview.rows), len(fields) + 1)
        self.table.setObjectName("import_rows")
        self.table.setHorizontalHeaderLabels(["状态", *(f.label for f in fields)])
        self.table.setVerticalHeaderLabels([str(row.excel_row) for row in preview.rows])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for index, row in enumerate(preview.rows):
            by_label = {problem.label: problem.message for problem in row.problems}
            status = "有问题" if row.problems else ("疑似重复" if row.duplicate_of else "可导入")
            state = QTableWidgetItem(status)
            if row.problems:
                state.setBackground(QBrush(PROBLEM))
                state.setToolTip("\n".join(str(p) for p in row.problems))
            elif row.duplicate_of:
                state.setBackground(QBrush(DUPLICATE))
                state.setToolTip(row.duplicate_of)
            self.table.setItem(index, 0, state)
            for column, field in enumerate(fields, start=1):
                value = row.clean.get(field.key) if row.valid else row.raw.get(field.key)
                if row.valid and field not in register.fields:  # a first party's number from the one-line form
                    value = next((c[0].get(field.key) for child in register.children if (c := row.clean.get(child.key))), None)
                text = display_value(field, value, reveal=True) if row.valid else ("" if value is None else str(value))
                cell = QTableWidgetItem(text)
                if field.label in by_label:
                    cell.setBackground(QBrush(PROBLEM))
                    cell.setToolTip(by_label[field.label])
                self.table.setItem(index, column, cell)
        self.table.resizeColumnsToContents()

        self.problem_list = QListWidget()
        self.problem_list.setObjectName("import_problems")
        self.problem_list.setWordWrap(True)
        self.problem_list.addItems([str(p) for p in preview.problems] or ["没有发现问题。"])
        self.problem_list.currentRowChanged.connect(self._show_problem)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.problem_list)
        splitter.setStretchFactor(0, 3)
        layout.addWidget(splitter, 1)

        duplicates = sum(1 for row in preview.valid_rows if row.duplicate_of)
        self.include_duplicates = QCheckBox(f"同时导入疑似重复的 {duplicates} 行")
        self.include_duplicates.setVisible(bool(duplicates))
        self.include_duplicates.toggled.connect(self._update_button)
        layout.addWidget(self.include_duplicates)
        hint = QLabel("只导入“可导入”的行；有问题的行不会导入，请让村里改正后再发来（同一文件改过后可以重新导入）。")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_button()
        self.resize(1100, 680)

    def chosen_count(self) -> int:
        if self.preview.already_imported:
            return 0
        return sum(1 for row in self.preview.valid_rows if self.include_duplicates.isChecked() or not row.duplicate_of)

    def _update_button(self, *args) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        count = self.chosen_count()
        button.setText(f"导入 {count} 条记录")
        button.setEnabled(count > 0)

    def _show_problem(self, index: int) -> None:
        problems = self.preview.problems
        if not 0 <= index < len(problems):
            return
        problem = problems[index]
        row = next(i for i, r in enumerate(self.preview.rows) if r.excel_row == problem.row)
        column = next((c for c, f in enumerate(self.fields, start=1) if f.label == problem.label), 0)
        self.table.setCurrentCell(row, column)

    def accept(self) -> None:
        result = commit_import(self.db, self.preview, include_duplicates=self.include_duplicates.isChecked())
        self.result_message = result["message"]
        super().accept()

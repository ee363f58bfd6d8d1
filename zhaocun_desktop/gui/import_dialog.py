"""The import preview: every row of the file, problem cells marked, then import or cancel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.importing import ImportPreview, RegisterUnclear, commit_import, preview_import
from zhaocun_desktop.gui.screen import fit_to_screen
from zhaocun_desktop.registers import REGISTERS, Register
from zhaocun_desktop.validation import display_value
from zhaocun_desktop.villages import OTHER_PLACES

if TYPE_CHECKING:
    from sqlite_utils import Database

PROBLEM = QColor("#f8d7da")
DUPLICATE = QColor("#fff3cd")
HIDDEN = QColor("#e2e3e5")


def choose_register(parent: QWidget | None, message: str, guess: Register | None) -> Register | None:
    """Ask which register a file is, the likeliest one offered first; None when cancelled."""
    ordered = ([guess] if guess else []) + [r for r in REGISTERS if r is not guess]
    labels = [r.title for r in ordered]
    label, ok = QInputDialog.getItem(parent, "选择台账", f"{message}\n\n这个文件是哪一本台账？", labels, 0, False)
    return ordered[labels.index(label)] if ok and label in labels else None


def preview_file(parent: QWidget | None, db: Database, path: str) -> ImportPreview | None:
    """The preview of one file; when its register cannot be told, the clerk chooses it.

    Raises UserError when the file cannot be imported; None when the clerk cancels the choice.
    """
    from zhaocun_desktop.gui.jobs import run_job

    def read(register=None) -> ImportPreview:  # a large file takes a while: the window keeps painting
        return run_job(parent, "导入", f"正在读取“{Path(path).name}”…", db, lambda own, progress: preview_import(own, path, register), cancellable=False)

    try:
        return read()
    except RegisterUnclear as unclear:
        register = choose_register(parent, str(unclear), unclear.guess)
        return read(register) if register else None


class ImportDialog(QDialog):
    """Shows an ``ImportPreview``; ``accept()`` commits it. ``result_message`` says what was done.

    The clerk may choose another register or include hidden rows and sheets: the file is then
    previewed again.
    """

    def __init__(self, db: Database, preview: ImportPreview, parent=None):
        super().__init__(parent)
        self.db, self.preview = db, preview
        self.result_message = ""
        self.setWindowTitle(f"导入预览 - {preview.path.name}")

        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.again = QLabel()
        self.again.setStyleSheet("color: #b00020; font-weight: bold;")
        self.again.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setObjectName("import_notes")
        self.notes.setWordWrap(True)
        # names in a village column that are not on the 村(居) list: the clerk keeps each as a place, or not
        self.places_label = QLabel(f"以下名称不在本镇的村(居)名单中。确是镇直单位或其他地点的，请勾选，记为“{OTHER_PLACES}”后导入；"
                                   "村名写错的不要勾选，请让村里改正后再导入：")  # fmt: skip
        self.places_label.setWordWrap(True)
        self.places = QListWidget()
        self.places.setObjectName("import_places")
        self.places.itemChanged.connect(self._reload)

        self.register_box = QComboBox()
        self.register_box.setObjectName("import_register")
        for register in REGISTERS:
            self.register_box.addItem(register.title, register.key)
        self.include_hidden = QCheckBox("包括隐藏的行和工作表")
        self.include_hidden.setObjectName("import_hidden")
        choice = QHBoxLayout()
        choice.addWidget(QLabel("台账："))
        choice.addWidget(self.register_box)
        choice.addSpacing(20)
        choice.addWidget(self.include_hidden)
        choice.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(choice)
        layout.addWidget(self.again)
        layout.addWidget(self.notes)
        layout.addWidget(self.places_label)
        layout.addWidget(self.places)

        self.table = QTableWidget()
        self.table.setObjectName("import_rows")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("import_problems")
        self.problem_list.setWordWrap(True)
        self.problem_list.currentRowChanged.connect(self._show_problem)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.problem_list)
        splitter.setStretchFactor(0, 3)
        layout.addWidget(splitter, 1)

        self.include_duplicates = QCheckBox()
        self.include_duplicates.toggled.connect(self._update_button)
        layout.addWidget(self.include_duplicates)
        hint = QLabel("只导入“可导入”的行；有问题的行不会导入，请让村里改正后再发来（同一文件改过后可以重新导入，已经导入的行不会重复导入）。")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._show(preview)
        self.register_box.currentIndexChanged.connect(self._reload)
        self.include_hidden.toggled.connect(self._reload)
        fit_to_screen(self, 1100, 680)

    def _show(self, preview: ImportPreview) -> None:
        """Fill every widget from ``preview``."""
        self.preview = preview
        register = preview.register
        self.register_box.blockSignals(True)
        self.register_box.setCurrentIndex(self.register_box.findData(register.key))
        self.register_box.blockSignals(False)
        self.include_hidden.blockSignals(True)
        self.include_hidden.setChecked(preview.include_hidden)
        self.include_hidden.blockSignals(False)
        self.include_hidden.setVisible(bool(preview.hidden_rows or preview.hidden_sheets or preview.include_hidden))
        self.summary.setText(preview.summary())
        self.again.setText(preview.already_imported)
        self.again.setVisible(bool(preview.already_imported))
        self.notes.setText("\n".join(preview.notes))
        self._show_places(preview)

        fields = [f for f in register.import_fields if f in preview.match.columns.values()]
        self.fields = fields
        table = self.table
        table.clear()
        table.setRowCount(len(preview.rows))
        table.setColumnCount(len(fields) + 1)
        table.setHorizontalHeaderLabels(["状态", *(f.label for f in fields)])
        table.setVerticalHeaderLabels([str(row.excel_row) for row in preview.rows])
        for index, row in enumerate(preview.rows):
            status, colour, tip = self._state(row)
            state = QTableWidgetItem(status)
            if colour is not None:
                state.setBackground(QBrush(colour))
                state.setToolTip(tip)
            table.setItem(index, 0, state)
            by_label = {problem.label: problem.message for problem in row.problems}
            for column, field in enumerate(fields, start=1):
                cell = QTableWidgetItem(self._cell_text(row, field))
                if field.label in by_label:
                    cell.setBackground(QBrush(PROBLEM))
                    cell.setToolTip(by_label[field.label])
                table.setItem(index, column, cell)
        table.resizeColumnsToContents()

        self.problem_list.clear()
        self.problem_list.addItems([str(p) for p in preview.problems] or ["没有发现问题。"])
        repeatable = sum(1 for row in preview.valid_rows if row.duplicate_of and row.repeatable)
        self.include_duplicates.setText(f"同时导入疑似重复的 {repeatable} 行")
        self.include_duplicates.setVisible(bool(repeatable) and not preview.already_imported)
        self._update_button()

    def _state(self, row) -> tuple[str, QColor | None, str]:
        """A row's status in the first column: its words, colour and tooltip."""
        if row.problems:
            return "有问题", PROBLEM, "\n".join(str(p) for p in row.problems)
        if row.hidden and not self.preview.include_hidden:
            return "隐藏（不导入）", HIDDEN, "这一行在文件中被隐藏；勾选“包括隐藏的行和工作表”才会导入"
        if row.duplicate_of:
            return ("疑似重复" if row.repeatable else "重复（不导入）"), DUPLICATE, row.duplicate_of
        return "可导入", None, ""

    def _cell_text(self, row, field) -> str:
        """A cell as the table shows it: the checked value of a valid row, else what the file holds."""
        register = self.preview.register
        value = row.clean.get(field.key) if row.valid else row.raw.get(field.key)
        if row.valid and field not in register.fields:  # a first party's number from the one-line form
            value = next((c[0].get(field.key) for child in register.children if (c := row.clean.get(child.key))), None)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # calamine reads every number as float: 3.0 was typed 3
        return display_value(field, value, reveal=True) if row.valid else ("" if value is None else str(value))

    def _show_places(self, preview: ImportPreview) -> None:
        """One line per place not on the 村(居) list, ticked when the clerk keeps it as another place."""
        names = sorted(set(preview.unknown_places) | set(preview.other_places))
        self.places.blockSignals(True)
        self.places.clear()
        for name in names:
            rows = preview.unknown_places.get(name)
            item = QListWidgetItem(f"{name}" + (f"（第{'、'.join(str(n) for n in rows[:8])}{'等' if len(rows) > 8 else ''}行）" if rows else ""))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in preview.other_places else Qt.CheckState.Unchecked)
            self.places.addItem(item)
        self.places.blockSignals(False)
        self.places.setMaximumHeight(self.places.sizeHintForRow(0) * min(len(names), 5) + 2 * self.places.frameWidth() + 2 if names else 0)
        self.places.setVisible(bool(names))
        self.places_label.setVisible(bool(names))

    def other_places(self) -> list[str]:
        """The places the clerk ticked as 镇直及其他地点."""
        items = (self.places.item(index) for index in range(self.places.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked]

    def _reload(self, *args) -> None:
        """Preview the file again with the chosen register, hidden-row choice and other places."""
        from zhaocun_desktop.gui.jobs import run_job

        register = next(r for r in REGISTERS if r.key == self.register_box.currentData())
        path, include_hidden, places = self.preview.path, self.include_hidden.isChecked(), self.other_places()
        try:  # as the first reading: a large file takes a while, and the dialog keeps painting meanwhile
            preview = run_job(self, "导入", f"正在重新读取“{path.name}”…", self.db,
                              lambda own, progress: preview_import(own, path, register, include_hidden=include_hidden, other_places=places),
                              cancellable=False)  # fmt: skip
        except UserError as error:
            self.summary.setText(str(error))
            self.table.setRowCount(0)
            self.problem_list.clear()
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self._show(preview)

    def chosen_count(self) -> int:
        return len(self.preview.chosen_rows(self.include_duplicates.isChecked()))

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
        if problem.sheet:  # a row of a child sheet: no row of the table shows it
            return
        row = next(i for i, r in enumerate(self.preview.rows) if r.excel_row == problem.row)
        column = next((c for c, f in enumerate(self.fields, start=1) if f.label == problem.label), 0)
        self.table.setCurrentCell(row, column)

    def accept(self) -> None:
        """Import in a worker thread with progress; 取消 rolls the whole file back and keeps the dialog open."""
        from zhaocun_desktop.gui.jobs import run_job
        from zhaocun_desktop.progress import Cancelled

        include = self.include_duplicates.isChecked()
        try:
            result = run_job(self, "导入", f"正在导入“{self.preview.path.name}”…", self.db,
                             lambda db, progress: commit_import(db, self.preview, include_duplicates=include, progress=progress))  # fmt: skip
        except Cancelled:
            QMessageBox.information(self, "已取消导入", "已取消，这个文件的记录一条也没有导入。")
            return
        self.result_message = result["message"]
        super().accept()

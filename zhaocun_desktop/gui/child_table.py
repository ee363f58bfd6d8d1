"""The rows of a child register (a case's 当事人 …) edited in place inside the parent's form."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop.registers import Field, Kind, Register
from zhaocun_desktop.validation import display_value


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down editor for choice and yes/no columns; other columns are typed."""

    def __init__(self, fields: tuple[Field, ...], parent=None):
        super().__init__(parent)
        self.fields = fields

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt override)
        field = self.fields[index.column()]
        if field.kind not in (Kind.CHOICE, Kind.BOOL):
            return super().createEditor(parent, option, index)
        editor = QComboBox(parent)
        editor.addItems(["", *(field.choices if field.kind is Kind.CHOICE else ("是", "否"))])
        return editor

    def setEditorData(self, editor, index):  # noqa: N802 (Qt override)
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data() or "")
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt override)
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)


class ChildTable(QWidget):
    """One table row per child record; 添加 / 删除 change the rows, saving happens with the parent.

    ID and phone numbers are shown in full here: the clerk is editing them.
    """

    def __init__(self, child: Register, parent=None):
        super().__init__(parent)
        self.child = child
        self.fields = child.fields
        self.table = QTableWidget(0, len(self.fields))
        self.table.setObjectName(f"children_{child.key}")
        self.table.setHorizontalHeaderLabels([f"{f.label}*" if f.required else f.label for f in self.fields])
        self.table.setItemDelegate(ChoiceDelegate(self.fields, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, field in enumerate(self.fields):
            self.table.setColumnWidth(column, field.width)
            if field.hint:
                self.table.horizontalHeaderItem(column).setToolTip(field.hint)
        # the table is as tall and as wide as its rows and columns and the form around it scrolls: at
        # 1366x768 a table of its own scrolling showed only its header row and cut the 身份证号 column
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        model = self.table.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._fit_height)
        self._fit_height()
        # the stored id of each row (None for a new one), kept here rather than in item data:
        # reading an empty item role returns None through PySide, which leaks None references
        self.row_ids: list[int | None] = []
        self.add_button = QPushButton(f"添加{child.title}")
        self.remove_button = QPushButton(f"删除选中的{child.title}")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        # rows with long text (a 调解 session's statements): written in a form of their own, not in a cell
        self.detail_button = QPushButton(f"详细填写选中的{child.title}…")
        self.detail_button.clicked.connect(lambda: self.edit_row(self.table.currentRow()))
        self.detail_button.setVisible(any(field.kind is Kind.MEMO for field in self.fields))
        self.error = QLabel()
        self.error.setObjectName(f"error_{child.key}")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        self.heading = QLabel(f"<b>{child.title}</b>（双击格子填写；带 * 的必填）")
        buttons.addWidget(self.heading)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.detail_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.error)

    def _fit_height(self, *_) -> None:
        """Room for every row (three at least, so an empty table still reads as one) and a horizontal scroll bar."""
        from shiboken6 import isValid

        if not isValid(self) or not isValid(self.table):  # rows removed while the dialog is being deleted
            return
        rows = max(3, self.table.rowCount())
        header = self.table.horizontalHeader().sizeHint().height()
        bar = self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(header + rows * self.table.verticalHeader().defaultSectionSize() + bar + 2 * self.table.frameWidth() + 2)

    def add_row(self, values: dict | None = None) -> int:
        """Append a row (empty, or holding a stored child's values); returns its index."""
        values = values or {}
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, field in enumerate(self.fields):
            value = values.get(field.key)
            text = display_value(field, value, reveal=True) if value is not None else ""
            if field.kind is Kind.CHOICE and not values and self.child.split_defaults and field.key in self.child.split_defaults[min(row, 1)]:
                text = self.child.split_defaults[min(row, 1)][field.key]  # a new row: 申请人 first, then 被申请人
            self.table.setItem(row, column, QTableWidgetItem(text))
        self.row_ids.append(values.get("id"))
        return row

    def edit_row(self, row: int) -> bool:
        """The row's fields in a form of their own (long text has room there); OK writes them back into the row.
        A new row is added when none is selected. Returns whether the clerk pressed OK."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QScrollArea

        from zhaocun_desktop.gui.field_form import FieldForm

        if row < 0:
            row = self.add_row()
        dialog = QDialog(self)
        dialog.setWindowTitle(f"{self.child.title}（第{row + 1}行）")
        form = FieldForm(self.fields, columns=1)
        form.set_values({field.key: self.table.item(row, column).text() for column, field in enumerate(self.fields) if self.table.item(row, column)})
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        dialog.resize(620, 640)
        dialog.form = form  # the row's editors, as a RecordDialog's
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        for column, field in enumerate(self.fields):
            self.table.setItem(row, column, QTableWidgetItem(form.values().get(field.key) or ""))
        return True

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
            del self.row_ids[row]

    def set_read_only(self) -> None:
        """Show the rows only: no editing, no 添加 / 删除."""
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.heading.setText(f"<b>{self.child.title}</b>")
        self.add_button.hide()
        self.remove_button.hide()

    def set_rows(self, rows: list[dict]) -> None:
        self.table.setRowCount(0)
        self.row_ids.clear()
        for row in rows:
            self.add_row(row)

    def rows(self) -> list[dict]:
        """The rows as typed (the core parses and checks them), each with its stored id if any."""
        self.table.setCurrentCell(-1, -1)  # commit an open editor
        found = []
        for row in range(self.table.rowCount()):
            values = {}
            for column, field in enumerate(self.fields):
                item = self.table.item(row, column)
                values[field.key] = item.text().strip() if item else ""
            if self.row_ids[row] is not None:
                values["id"] = self.row_ids[row]
            found.append(values)
        return found

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

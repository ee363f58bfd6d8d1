"""操作记录: the audit log, filtered by register, record and date; old and new value of each field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from zhaocun_desktop import audit
from zhaocun_desktop.gui.screen import fit_to_screen
from zhaocun_desktop.values import parse_date

if TYPE_CHECKING:
    from sqlite_utils import Database

COLUMNS = ("时间", "台账", "记录编号", "操作", "字段", "原值", "新值", "说明")
SHOWN_AT_MOST = 2000  # entries; beyond that the clerk narrows the filter


class AuditLogDialog(QDialog):
    """The audit log, newest first; ``entries`` holds what the table shows."""

    def __init__(self, db: Database, parent=None, table: str | None = None, record_id: int | None = None):
        super().__init__(parent)
        self.db = db
        self.entries: list[audit.AuditEntry] = []
        self.setWindowTitle("操作记录")
        self.setObjectName("audit_log")
        self.register = QComboBox()
        self.register.setObjectName("audit_register")
        self.register.addItem("全部台账", None)
        for key, title in audit.audit_tables().items():
            self.register.addItem(title, key)
        self.record_id = QLineEdit()
        self.record_id.setObjectName("audit_record_id")
        self.record_id.setPlaceholderText("全部")
        self.record_id.setMaximumWidth(80)
        self.date_from, self.date_to = QLineEdit(), QLineEdit()
        for editor, name in ((self.date_from, "audit_from"), (self.date_to, "audit_to")):
            editor.setObjectName(name)
            editor.setPlaceholderText("如 2023-01-01")
            editor.setMaximumWidth(120)
            editor.returnPressed.connect(self.refresh)
        self.record_id.returnPressed.connect(self.refresh)
        self.register.currentIndexChanged.connect(self.refresh)
        search = QPushButton("查询")
        search.setObjectName("audit_search")
        search.clicked.connect(self.refresh)

        filters = QHBoxLayout()
        for label, widget in (("台账：", self.register), ("记录编号：", self.record_id), ("从：", self.date_from), ("到：", self.date_to)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(search)
        filters.addStretch(1)
        from PySide6.QtWidgets import QCheckBox

        self.reveal_box = QCheckBox("显示完整号码")  # through the door: the password and an entry of its own
        self.reveal_box.setObjectName("audit_reveal")
        self.reveal_box.toggled.connect(self._reveal)
        filters.addWidget(self.reveal_box)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("audit_table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((140, 100, 70, 60, 110, 200, 200, 260)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel()
        self.status.setObjectName("audit_status")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("新增、修改、删除、导入和导出完整信息都会记在这里；身份证号、电话已遮盖。"))
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        fit_to_screen(self, 1180, 620)

        if table:
            self.register.blockSignals(True)
            self.register.setCurrentIndex(max(self.register.findData(table), 0))
            self.register.blockSignals(False)
        if record_id is not None:
            self.record_id.setText(str(record_id))
        self.refresh()

    def _reveal(self, on: bool) -> None:
        from zhaocun_desktop.gui.lock import through_door

        if on and not through_door(self, self.db, "查看完整的操作记录（含身份证号、电话）"):
            self.reveal_box.blockSignals(True)
            self.reveal_box.setChecked(False)
            self.reveal_box.blockSignals(False)
            return
        self.refresh()

    def _filters(self):
        """The filters as typed; a wrong one is named in the status line and None is returned."""
        text = self.record_id.text().strip()
        if text and not text.isdigit():
            return None, "记录编号应为数字。"
        dates = []
        for editor, name in ((self.date_from, "开始日期"), (self.date_to, "结束日期")):
            try:
                value = parse_date(editor.text()) if editor.text().strip() else None
            except ValueError:
                value = False
            if value is False or (editor.text().strip() and value is None):
                return None, f"{name}“{editor.text()}”无法识别，请写成 2023-01-31。"
            dates.append(value)
        return (self.register.currentData(), int(text) if text else None, *dates), ""

    def refresh(self) -> None:
        """Read the log again with the current filters."""
        filters, problem = self._filters()
        if filters is None:
            self.status.setText(problem)
            self.status.setStyleSheet("color: #b00020")
            return
        self.status.setStyleSheet("")
        self.entries = audit.audit_entries(self.db, *filters, limit=SHOWN_AT_MOST, reveal=self.reveal_box.isChecked())
        total = audit.audit_count(self.db, *filters)
        rows = []
        for entry in self.entries:
            head = [entry.at.replace("T", " "), entry.title, "" if entry.record_id is None else str(entry.record_id), entry.action]
            for index, (label, old, new) in enumerate(entry.changes or [("", "", "")]):
                rows.append([*(head if index == 0 else [""] * 4), label, old, new, entry.note if index == 0 else ""])
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text if len(text) > 20 else "")
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        if not self.entries:
            self.status.setText("没有符合条件的操作记录。")
        elif total > len(self.entries):
            self.status.setText(f"共 {total} 条操作记录，显示最近 {len(self.entries)} 条；请用上面的条件缩小范围。")
        else:
            self.status.setText(f"共 {total} 条操作记录。")

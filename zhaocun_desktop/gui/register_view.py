"""The list of one register: toolbar, search, year and village filters, table, count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop import audit, county_scope, queries, records, villages
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.gui.record_dialog import RecordDialog
from zhaocun_desktop.gui.table_model import RecordTableModel
from zhaocun_desktop.registers import VILLAGE, Register

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database

ALL_YEARS = "全部年度"
ALL_VILLAGES = "全部村(居)"


class RecordTable(QTableView):
    """The list: the Delete key asks to delete the selected rows even where the action's
    shortcut does not reach (the view is not in an active window, or another widget took it)."""

    delete_requested = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.delete_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class RegisterView(QWidget):
    """A register's records with 新增 / 编辑 / 删除. Emits ``records_changed`` after any write.

    On a county database (``county``) the list is read-only (查看 instead of 编辑) and has a
    乡镇 column, shown while the whole county is in scope.
    """

    records_changed = Signal(str)  # the register key

    def __init__(self, db: Database, register: Register, ui_state: QSettings, parent=None):
        super().__init__(parent)
        self.db, self.register, self.ui_state = db, register, ui_state
        self.county = county_scope.in_county(db)
        self.setObjectName(f"view_{register.key}")
        # a county's 乡镇 first; hidden while one township is shown
        self.model = RecordTableModel(db, register, self, leading=county_scope.township_column(db, register, always=True))

        self.table = RecordTable()
        self.table.setObjectName(f"table_{register.key}")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(vertical.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, field in enumerate((*(f for f, _ in self.model.leading), *self.model.fields)):
            header.resizeSection(column, max(field.width, header.fontMetrics().horizontalAdvance(field.label) + 28))
        self._restore_header()
        self.table.setSortingEnabled(True)

        self.add_action = self._action("新增", "Ctrl+N", self.add_record, "新增一条记录（Ctrl+N）")
        self.edit_action = self._action("编辑", "Return", self.edit_record, "编辑选中的记录（回车或双击）")
        self.delete_action = self._action("删除", QKeySequence.StandardKey.Delete, self.delete_records, "删除选中的记录（Delete）")
        self.refresh_action = self._action("刷新", "F5", self.refresh, "重新读取（F5）")
        self.export_action = self._action("导出 Excel…", "Ctrl+E", self.export, "把当前列表（含筛选条件）导出为 Excel（Ctrl+E）")
        self.documents_action = self._action("打印文书…", "Ctrl+Shift+P", self.print_documents, "打印选中记录的文书：预览后打印，或导出 Word、PDF（Ctrl+Shift+P）")
        self.documents_action.setVisible(register.printable)
        self.print_action = self._action("打印…", "Ctrl+P", lambda: self.print_list(), "打印当前列表（含筛选条件），先显示打印预览（Ctrl+P）")
        self.history_action = QAction("操作记录…", self)  # context menu only: who changed what, old and new values
        self.history_action.triggered.connect(lambda: self.show_history())
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.add_action, self.edit_action, self.delete_action, self.refresh_action, self.export_action, self.print_action):
            toolbar.addAction(action)
        if register.printable:  # a case's 调解申请书, 协议书 …: on the list, not only in its right-click menu
            toolbar.addAction(self.documents_action)
        self.merge_action = None
        if register is VILLAGE:  # 撤并: the only way a village with records goes away
            self.merge_action = self._action("撤并到…", None, lambda: self.merge_village(), "把选中村(居)的全部记录移到另一个村(居)，并删除选中的村(居)")
            toolbar.addAction(self.merge_action)
        if self.county:  # the townships' records: look, export and print, never change
            for action in (self.add_action, self.delete_action, self.merge_action, self.history_action):
                if action is not None:
                    action.setVisible(False)
                    action.setEnabled(False)
            self.edit_action.setText("查看")
            self.edit_action.setToolTip("查看选中的记录（回车或双击）；县级汇总数据库只能查看，不能修改")

        self.search_box = QLineEdit()
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText("搜索：输入任意文字，如姓名、村名、类型")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(240)
        self.year_box = QComboBox()
        self.year_box.setObjectName("year")
        self.year_box.setVisible(bool(register.date_field))
        self.village_box = QComboBox()
        self.village_box.setObjectName("village")
        self.village_box.setVisible(bool(register.village_field))
        self.village_box.setMinimumContentsLength(8)
        self.reveal_box = QCheckBox("显示完整号码")
        self.reveal_box.setObjectName("reveal")
        self.reveal_box.setToolTip("列表中身份证号、电话默认遮盖；勾选后显示完整号码（离开电脑前请取消勾选）")
        self.reveal_box.setVisible(any(f.sensitive for f in register.list_fields))
        self.reveal_box.toggled.connect(self._reveal)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self._fill_filters()
        self._show_scope()

        bar = QHBoxLayout()
        bar.addWidget(toolbar)
        bar.addStretch(1)
        bar.addWidget(self.search_box)
        bar.addWidget(self.year_box)
        bar.addWidget(self.village_box)
        bar.addWidget(self.reveal_box)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search_box.textChanged.connect(self._search_timer.start)
        self.year_box.currentIndexChanged.connect(self.apply_filters)
        self.village_box.currentIndexChanged.connect(self.apply_filters)
        # "activated": Enter on a row, or a double click (the view takes the Enter key itself,
        # so the action's Return shortcut would never see it)
        self.table.activated.connect(lambda index: self.edit_record())
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.delete_requested.connect(self.delete_records)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        header.sectionResized.connect(lambda *args: self._save_header())
        header.sortIndicatorChanged.connect(self._sorted)
        self._update_count()
        self._update_actions()

    def _action(self, text: str, shortcut, slot, tip: str) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- filters ----------------------------------------------------------------

    def _fill_filters(self) -> None:
        """(Re)fill the year and village lists, keeping the current choice where it still exists."""
        for box, first, items in (
            (self.year_box, ALL_YEARS, [f"{year}年" for year in queries.years(self.db, self.register)]),
            (self.village_box, ALL_VILLAGES, queries.village_names(self.db)),
        ):
            current = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItem(first)
            box.addItems(items)
            box.setCurrentIndex(max(box.findText(current), 0))
            box.blockSignals(False)

    def apply_filters(self) -> None:
        year_text = self.year_box.currentText()
        village = self.village_box.currentText()
        query = self.model.query._replace(
            search=self.search_box.text(),
            year=int(year_text[:-1]) if year_text and year_text != ALL_YEARS else None,
            village=village if village and village != ALL_VILLAGES else None,
        )
        self.model.set_query(query)

    def refresh(self) -> None:
        self._fill_filters()
        self._show_scope()
        self.apply_filters()

    def _show_scope(self) -> None:
        """County: the 乡镇 column while the whole county is shown; the village filter only within
        one township (village names are unique within a township, not across the county)."""
        if not self.county:
            return
        from zhaocun_desktop import county_scope

        whole_county = county_scope.current_scope(self.db) is None
        for column in range(len(self.model.leading)):
            self.table.setColumnHidden(column, not whole_county)
        if whole_county:
            self.village_box.setCurrentIndex(0)
        self.village_box.setVisible(bool(self.register.village_field) and not whole_county)

    def _reveal(self, on: bool) -> None:
        from zhaocun_desktop.gui.lock import through_door

        if on and not through_door(self, self.db, f"在列表中显示{self.register.title}的完整身份证号、电话", self.register.key):
            self.reveal_box.blockSignals(True)
            self.reveal_box.setChecked(False)
            self.reveal_box.blockSignals(False)
            return
        self.model.reveal = on
        self.model.refresh()

    def _update_count(self) -> None:
        total = queries.count(self.db, self.register)
        shown = self.model.rowCount()
        more = self.model.has_more()  # a common word: the list is read on as it is scrolled
        if more:  # short: at 1024 px a longer text pushed 打印 and 打印文书 behind the toolbar's » menu
            self.count_label.setText(f"已列出 {shown} / 共 {total} 条")
        else:
            self.count_label.setText(f"共 {total} 条" if shown == total else f"显示 {shown} 条 / 共 {total} 条")
        self.count_label.setToolTip("向下滚动列出更多" if more else "")

    def _update_actions(self) -> None:
        selected = len(self.table.selectionModel().selectedRows())
        self.edit_action.setEnabled(selected == 1)
        self.delete_action.setEnabled(selected > 0 and not self.county)
        self.documents_action.setEnabled(selected == 1)

    # -- actions --------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [record_id for record_id in map(self.model.record_id, rows) if record_id is not None]

    def show_history(self) -> None:
        """操作记录 of the selected record (of the whole register when none or several are selected)."""
        from zhaocun_desktop.gui.audit_view import AuditLogDialog

        ids = self.selected_ids()
        AuditLogDialog(self.db, self, self.register.key, ids[0] if len(ids) == 1 else None).exec()

    def add_record(self) -> None:
        if self.county:
            return
        dialog = RecordDialog(self.db, self.register, parent=self)
        if dialog.exec():
            self._after_write(dialog.saved_id)

    def edit_record(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        try:
            dialog = RecordDialog(self.db, self.register, ids[0], parent=self)
        except UserError as error:
            QMessageBox.warning(self, "无法编辑", str(error))
            self.refresh()
            return
        if dialog.exec():
            self._after_write(dialog.saved_id)

    def delete_records(self) -> None:
        ids = self.selected_ids()
        if not ids or self.county:
            return
        answer = QMessageBox.question(
            self,
            "确认删除",
            f"确定要删除选中的 {len(ids)} 条{self.register.title}记录吗？\n删除后可在操作记录中查到原内容。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            records.delete(self.db, self.register, ids)
        except UserError as error:
            QMessageBox.warning(self, "无法删除", str(error))
        self._after_write(None)

    def merge_village(self, target: str | None = None, confirm: bool = True) -> dict | None:
        """撤并 the selected village into ``target`` (asked for when None); returns the records moved."""
        ids = self.selected_ids()
        if len(ids) != 1:
            QMessageBox.information(self, "撤并村(居)", "请先选中一个要撤并的村(居)。")
            return None
        source = queries.get(self.db, VILLAGE, ids[0])
        others = [name for name in queries.village_names(self.db) if name != source["name"]]
        if target is None:
            target, ok = QInputDialog.getItem(self, "撤并村(居)", f"把“{source['name']}”的全部记录移到：", others, 0, False)
            if not ok:
                return None
        if target not in others:
            QMessageBox.warning(self, "无法撤并", f"“{target}”不是本镇的另一个村(居)。")
            return None
        used = villages.village_usage(self.db, source["id"])
        if confirm:
            listed = "、".join(f"{title}{n}条" for title, n in used.items()) or "没有记录"
            answer = QMessageBox.question(
                self, "确认撤并", f"把“{source['name']}”撤并入“{target}”？\n将移动：{listed}。\n“{source['name']}”随后从村(居)名单中删除；此操作记入操作记录，撤并前自动备份。",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return None
        target_id = next(v["id"] for v in queries.rows_by_id(self.db, VILLAGE) if v["name"] == target)
        try:
            moved = villages.merge_villages(self.db, source["id"], target_id)
        except UserError as error:
            QMessageBox.warning(self, "无法撤并", str(error))
            return None
        self._after_write(target_id)
        return moved

    def _after_write(self, record_id: int | None) -> None:
        self.refresh()
        if record_id is not None:
            self.model.record_id(0)  # reads the first page
            row = self.model.row_of(record_id)
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
        self.records_changed.emit(self.register.key)

    def export(self, path: str | None = None, reveal: bool | None = None) -> int | None:
        """Export exactly the rows the table shows (search, filters, sort); returns the count."""
        from zhaocun_desktop.excel.writing import safe_file_name, write_export
        from zhaocun_desktop.gui.jobs import run_job
        from zhaocun_desktop.paths import data_dir
        from zhaocun_desktop.progress import Cancelled

        if reveal is None:
            # every register: a 事由 or 备注 may hold an ID number where no field is one
            answer = QMessageBox.question(
                self, "导出个人信息？", "是否导出完整的身份证号和电话（包括写在事由、备注等文字中的）？\n选“否”则遮盖为 410423********1234、138****8000（推荐）。\n"
                "导出完整信息需要程序密码（如已设置），并记入操作记录。",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
            )  # fmt: skip
            reveal = answer == QMessageBox.StandardButton.Yes
        if path is None:
            folder = data_dir() / "导出"
            folder.mkdir(parents=True, exist_ok=True)
            path, _ = QFileDialog.getSaveFileName(self, "导出 Excel", str(folder / f"{safe_file_name(self.register.title)}.xlsx"), "Excel 工作簿 (*.xlsx)")
            if not path:
                return None
        from zhaocun_desktop.gui.lock import through_door

        if reveal and not through_door(self, self.db, f"导出{self.register.title}完整信息（含身份证号、电话）：{path}", self.register.key):
            return None
        query = self.model.query
        try:
            count = run_job(self, "导出 Excel", f"正在导出{self.register.title}…", self.db,
                            lambda db, progress: write_export(db, self.register, path, query, reveal=reveal, progress=progress))  # fmt: skip
        except UserError as error:
            QMessageBox.warning(self, "无法导出", str(error))
            return None
        except Cancelled:
            self._status("已取消导出，没有生成文件。")
            return None
        self._status(f"已导出 {count} 条：{path}")
        return count

    def print_list(self, open_dialog: bool = True):
        """Print the rows the table shows (search, filters, sort) after a preview; numbers stay
        masked unless 显示完整号码 is on. Returns the preview dialog (shown when ``open_dialog``)."""
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from zhaocun_desktop.gui.list_print import paint_list, setup_list_printer
        from zhaocun_desktop.gui.screen import fit_to_screen
        from zhaocun_desktop.listing import printed_list

        document = printed_list(self.db, self.register, self.model.query, reveal=self.reveal_box.isChecked())
        self._printer = printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # the dialog keeps only a pointer to it
        printer.setDocName(document.title)
        setup_list_printer(printer)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setObjectName("list_print_preview")
        dialog.setWindowTitle(f"打印预览：{document.title}（{len(document.rows)} 条）")
        dialog.paintRequested.connect(lambda target: paint_list(target, document))
        fit_to_screen(dialog, 1100, 760)
        dialog.document = document  # what is being printed (tests and the status line read it)
        if self.reveal_box.isChecked() and not self.reveal_box.isHidden():  # shown where the list has numbers to mask
            # printed (or saved as PDF: the preview accepts after either) with full numbers: in 操作记录, as such an export is
            dialog.accepted.connect(lambda: audit.audit(
                self.db, self.register.key, None, "print", None, None, f"打印含完整身份证号/电话的{self.register.title} {len(document.rows)} 条"
            ))  # fmt: skip
        if open_dialog:
            dialog.exec()
        return dialog

    def _status(self, message: str) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(message, 15000)

    def print_documents(self) -> None:
        """打印文书 for the selected record (the first, when several are selected)."""
        ids = self.selected_ids()
        if not self.register.printable or not ids:
            return
        from zhaocun_desktop.gui.document_dialog import DocumentDialog
        from zhaocun_desktop.gui.lock import through_door

        if through_door(self, self.db, f"打印调解文书（含完整身份证号、电话）：第{ids[0]}号{self.register.title}", self.register.key):
            DocumentDialog(self.db, ids[0], self).exec()

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        for action in (self.add_action, self.edit_action, self.delete_action, self.refresh_action, self.export_action, self.print_action, self.history_action):
            if action.isVisible():
                menu.addAction(action)
        if self.register.printable:
            menu.addSeparator()
            menu.addAction(self.documents_action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- remembered layout ----------------------------------------------------

    def _sorted(self, section: int, order) -> None:
        self._save_header()

    def _header_key(self) -> str:
        # a county list has one more column: its widths and order are remembered apart
        return f"{self.register.key}/{'county_header' if self.county else 'header'}"

    def _save_header(self) -> None:
        self.ui_state.setValue(self._header_key(), self.table.horizontalHeader().saveState())

    def _restore_header(self) -> None:
        state = self.ui_state.value(self._header_key())
        header = self.table.horizontalHeader()
        if state is not None and header.restoreState(state):
            section = header.sortIndicatorSection()
            if self.model.sort_field(section) is not None:
                self.model.sort(section, header.sortIndicatorOrder())
        else:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

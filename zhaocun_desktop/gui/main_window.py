"""The main window: a tab per register group, the 村(居) list and the settings.

Tabs are built when first shown, and the window can be shown before its database is
attached: the clerk sees the window at once, and the records follow a moment later.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QTabWidget, QVBoxLayout, QWidget

from zhaocun_desktop import APP_NAME, __version__, county_scope, queries, settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.gui.deferred import QFileDialog, QInputDialog, QMessageBox
from zhaocun_desktop.gui.first_paint import after_first_paint
from zhaocun_desktop.gui.forms.ui_main_window import Ui_MainWindow
from zhaocun_desktop.paths import data_dir
from zhaocun_desktop.registers import BY_KEY, TABS, VILLAGE

if TYPE_CHECKING:  # the views' modules are imported when their tabs are first opened (start-up time)
    from sqlite_utils import Database

    from zhaocun_desktop.gui.overview_view import OverviewView
    from zhaocun_desktop.gui.register_view import RegisterView
    from zhaocun_desktop.gui.settings_view import SettingsView

SETTINGS_KEY = "settings"
OVERVIEW_KEY = "overview"
REPORT_KEY = "report"
_county_windows: set = set()  # county windows opened from a township window: no Python parent keeps them


class MainWindow(QMainWindow):
    """State: ``db`` is None until ``attach``; ``views`` holds the register views built so far
    (``view(key)`` builds one on demand); ``_slots`` maps a register key (or "settings") to the
    empty page that its view goes into.
    """

    TOWNSHIP_TABS = (REPORT_KEY, SETTINGS_KEY)  # a township's own (report texts, settings): a county window has none

    def __init__(self, db_path: Path, ui_state: QSettings, demo: bool = False, db: Database | None = None):
        super().__init__()
        self.db: Database | None = None
        self.db_path, self.ui_state, self.demo = Path(db_path), ui_state, demo
        self.form = Ui_MainWindow()
        self.form.setupUi(self)
        title = f"{APP_NAME} {__version__}"
        self.setWindowTitle(f"{title}（示例数据）" if demo else title)
        self.views: dict[str, RegisterView] = {}
        self._settings_view: SettingsView | None = None
        self._overview_view: OverviewView | None = None  # built when its tab is first opened
        self._report_view = None  # ReportView, likewise
        self.county = None  # CountyMode when the database is a county's (gui/county_mode.py)
        self.idle_lock = None  # IdleLock, once the first screen has painted
        self._slots: dict[str, QWidget] = {}
        self.form.tabs.addTab(self._slot(OVERVIEW_KEY), "总览")
        for tab_title, registers in TABS:
            if len(registers) == 1:
                self.form.tabs.addTab(self._slot(registers[0].key), tab_title)
                continue
            inner = QTabWidget()
            inner.setObjectName(f"tabs_{registers[0].key}")
            for register in registers:
                inner.addTab(self._slot(register.key), register.title)
            inner.currentChanged.connect(self._build_current)
            self.form.tabs.addTab(inner, tab_title)
        self.form.tabs.addTab(self._slot(REPORT_KEY), "年度报告")
        self.form.tabs.addTab(self._slot(SETTINGS_KEY), "设置")
        self.form.tabs.currentChanged.connect(self._build_current)
        self.form.tabs.currentChanged.connect(self._autosave_report)
        self.form.actionQuit.triggered.connect(self.close)
        self.form.actionImport.triggered.connect(lambda: self.import_files())
        self.form.actionUndoImport.triggered.connect(self.undo_import)
        self.form.actionTemplate.triggered.connect(self.write_one_template)
        self.form.actionBackupTo.triggered.connect(lambda: self.backup_to())
        self.form.actionRestore.triggered.connect(self.restore_backup)
        # the database line is a widget, not a message: a menu item's status tip replaces the message and
        # clears it when the pointer leaves, and the line was gone once the 文件 menu had been opened
        self.database_label = QLabel()
        self.database_label.setObjectName("database_status")
        self.statusBar().addWidget(self.database_label, 1)
        self.backup_label = QLabel()
        self.backup_label.setObjectName("backup_status")
        self.statusBar().addPermanentWidget(self.backup_label)
        self.due_button = QPushButton()  # a quiet badge: what is due, one click to 总览
        self.due_button.setObjectName("due_status")
        self.due_button.setFlat(True)
        self.due_button.setToolTip("查看到期事项")
        self.due_button.clicked.connect(self.show_due)
        self.due_button.hide()
        self.statusBar().addPermanentWidget(self.due_button)
        self.form.actionAllTemplates.triggered.connect(self.write_every_template)
        self.form.actionPackage.triggered.connect(lambda: self.export_package())
        self.form.actionRollup.triggered.connect(lambda: self.open_county_database())
        self.form.actionAbout.triggered.connect(self.show_about)
        self.county_action = self.form.menuFile.addAction("统计报表（报县司法局）…")
        self.county_action.setObjectName("actionCountyTables")
        self.form.menuFile.insertAction(self.form.actionBackupTo, self.county_action)
        self.county_action.triggered.connect(self.show_county_tables)
        self.form.actionAuditLog.triggered.connect(lambda: self.show_audit_log())
        self.statusBar().showMessage(f"正在打开数据库：{self.db_path} …")

        geometry = ui_state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.form.tabs.setCurrentIndex(int(ui_state.value("window/tab", 0)))
        # 正在读取… on the page shown until its records are read, centered by its markup (vertically by QLabel's default:
        # setAlignment would build PySide's Qt namespace before the first screen, see gui/charts.py). The other pages stay
        # empty until they are first opened, which builds their views at once: a label on each cost the start ~4 ms.
        current = self._slots.get(self.current_key())
        if current is not None:
            current.layout().addWidget(QLabel("<center>正在读取…</center>"))
        if db is not None:
            self.attach(db)

    def _slot(self, key: str) -> QWidget:
        slot = QWidget()
        slot.setObjectName(f"slot_{key}")
        layout = QVBoxLayout(slot)
        layout.setContentsMargins(0, 0, 0, 0)
        self._slots[key] = slot
        return slot

    def _fill_slot(self, key: str, widget: QWidget) -> None:
        layout = self._slots[key].layout()
        while layout.count():
            placeholder = layout.takeAt(0).widget()
            placeholder.hide()  # deleteLater waits for the event loop; it must not show meanwhile
            placeholder.deleteLater()
        layout.addWidget(widget)

    # -- database -----------------------------------------------------------

    def attach(self, db: Database) -> None:
        """Show ``db``: builds the visible tab now, the others when they are first opened."""
        self.db = db
        note = "（示例数据，与正式数据分开）" if self.demo else ""
        self.statusBar().clearMessage()
        self.database_label.setText(f"数据库：{self.db_path}{note}")
        self._enter_county_mode()
        self._build_current()
        self.after_first_screen(self.show_last_backup, at_latest_ms=2000)  # reads the backup folder: not before the records
        if self._overview_view is None:  # a 总览 just built reads the due list after its charts: its due_read shows the count
            self.show_due_count()
        # The idle lock (its module builds the password dialog's classes) and its application-wide Python
        # event filter (PySide wraps every object that gets an event, and builds its enums) come after the
        # first screen: they cost the start nothing.
        self.after_first_screen(self._watch_input, at_latest_ms=2000)
        self.after_first_screen(self._add_shortcuts, at_latest_ms=2000)

    def _enter_county_mode(self) -> None:
        """A county database: the 乡镇 chooser, read-only lists, the county's own menu entries."""
        if county_scope.in_county(self.db):  # asked without importing rollup: a township starts faster
            from zhaocun_desktop.gui.county_mode import CountyMode

            self.county = CountyMode(self)

    def _add_shortcuts(self) -> None:
        """Ctrl+Q and Ctrl+I, set here and not in the Designer form: ``QAction.setShortcut`` builds PySide's ``Qt``
        namespace, which the first screen leaves unbuilt (see gui/charts.py)."""
        self.form.actionQuit.setShortcut("Ctrl+Q")
        self.form.actionImport.setShortcut("Ctrl+I")

    def _watch_input(self) -> None:
        from PySide6.QtWidgets import QApplication

        from zhaocun_desktop.gui.lock import IdleLock

        if self.isVisible() and self.db is not None:  # not for a window closed meanwhile
            self.idle_lock = IdleLock(self, self.db)
            QApplication.instance().installEventFilter(self.idle_lock)

    def after_first_screen(self, then, at_latest_ms: int | None = None) -> None:
        """Run ``then`` once the current page's records (``first_screen``) have painted, or after
        ``at_latest_ms`` when they have not by then (the clerk switched tabs before they did)."""
        done = []

        def once() -> None:
            if not done:
                done.append(True)
                then()

        shown = self.first_screen()
        if shown is None:
            QTimer.singleShot(0, once)
        else:
            after_first_paint(shown, once)
        if at_latest_ms is not None:  # a child of the window, so not for a window deleted meanwhile (QTimer.singleShot
            # with a context object would do the same, but its overload builds QMetaMethod's class and two enums: 0.8 M
            # instructions, ~0.3 ms)
            later = QTimer(self, singleShot=True, interval=at_latest_ms)
            later.timeout.connect(once)
            later.timeout.connect(later.deleteLater)
            later.start()

    def show_due_count(self, items=None) -> None:
        """The status-bar badge and the 总览 tab title: how many items are due (none: hidden).

        ``items``: the due list as of today when the caller has just read it.
        """
        import datetime as dt

        from zhaocun_desktop.due import due_items, overdue_count

        today = dt.date.today()
        items = due_items(self.db, today) if items is None else items
        overdue = overdue_count(items, today)
        index = self.form.tabs.indexOf(self._slots[OVERVIEW_KEY])
        self.form.tabs.setTabText(index, f"总览（{len(items)}）" if items else "总览")
        self.due_button.setText(f"到期事项 {len(items)} 项" + (f"，逾期 {overdue} 项" if overdue else ""))
        self.due_button.setStyleSheet("color: #b00020;" if overdue else "")
        self.due_button.setVisible(bool(items))

    def show_county_tables(self) -> None:
        """The 统计报表 dialog: the county's tables for a chosen period."""
        from zhaocun_desktop.gui.county_dialog import CountyDialog

        CountyDialog(self.db, self).exec()

    def show_due(self) -> None:
        """Open 总览 at its list of what is due."""
        self.form.tabs.setCurrentWidget(self._slots[OVERVIEW_KEY])
        self.overview_view.due_list.setFocus()

    def current_key(self) -> str:
        """The key of the page the clerk sees: a register key, "overview", "report" or "settings"."""
        page = self.form.tabs.currentWidget()
        if isinstance(page, QTabWidget):
            page = page.currentWidget()
        return page.objectName().removeprefix("slot_") if page is not None else ""

    def _build_current(self, *args) -> None:
        if self.db is None:
            return
        key = self.current_key()
        if key == SETTINGS_KEY:
            self.settings_view  # noqa: B018 (builds it)
        elif key == OVERVIEW_KEY:
            if self._overview_view is None:
                self._build_overview()
            else:
                self._overview_view.refresh()  # figures may have changed
        elif key == REPORT_KEY:
            self.report_view.refresh() if self._report_view else self.report_view
        elif key in BY_KEY:
            self.view(key)

    def import_first_screen(self) -> None:
        """Import the modules the current page's first screen is built from (no database needed): the start of an
        encrypted file does it while the key is derived, so that its records show sooner after (gui/app.py)."""
        key = self.current_key()
        if key == OVERVIEW_KEY:
            from zhaocun_desktop.gui import overview_view  # noqa: F401 (imported now, used by _build_overview)
        elif key in BY_KEY:
            from zhaocun_desktop.gui import register_view  # noqa: F401 (imported now, used by view)

    def first_screen(self) -> QWidget | None:
        """The widget whose painting shows the current page's records: a list's rows, 总览's charts
        (None before ``attach``). The start-up benchmark waits for it to paint."""
        key = self.current_key()
        if key == OVERVIEW_KEY and self._overview_view is not None:
            return self._overview_view.month_chart
        if key in self.views:
            return self.views[key].table.viewport()
        page = {SETTINGS_KEY: self._settings_view, REPORT_KEY: self._report_view}.get(key)
        return page

    def _autosave_report(self, *args) -> None:
        """Leaving the 年度报告 tab saves its texts: nothing typed there is lost by looking elsewhere."""
        if self._report_view is not None and self.form.tabs.currentWidget() is not self._slots[REPORT_KEY]:
            self._report_view.autosave()

    def view(self, key: str) -> RegisterView:
        """The view of register ``key``, built on first use."""
        if key not in self.views:
            from zhaocun_desktop.gui.register_view import RegisterView

            view = RegisterView(self.db, BY_KEY[key], self.ui_state)
            view.records_changed.connect(self._records_changed)
            self.views[key] = view
            self._fill_slot(key, view)
        return self.views[key]

    @property
    def settings_view(self) -> SettingsView:
        if self._settings_view is None:
            from zhaocun_desktop.gui.settings_view import SettingsView

            self._settings_view = SettingsView(self.db)
            self._fill_slot(SETTINGS_KEY, self._settings_view)
        return self._settings_view

    def _build_overview(self) -> OverviewView:
        """The 总览 tab with its first screen (charts, what is due) filled; the rest (the figures
        table, the report's checks) follows once the window has painted."""
        from zhaocun_desktop.gui.overview_view import OverviewView

        self._overview_view = OverviewView(self.db, first_screen_only=True)
        self._overview_view.records_changed.connect(self._saved_from_overview)
        self._overview_view.due_read.connect(self.show_due_count)  # its due list serves the badge too: one query, not two
        self._fill_slot(OVERVIEW_KEY, self._overview_view)
        return self._overview_view

    @property
    def overview_view(self) -> OverviewView:
        """The 总览 tab, built (and completed) on first use."""
        view = self._overview_view or self._build_overview()
        view.complete()
        return view

    @property
    def report_view(self):
        from zhaocun_desktop.gui.report_view import ReportView

        if self._report_view is None:
            self._report_view = ReportView(self.db)
            self._report_view.settings_requested.connect(lambda: self.form.tabs.setCurrentWidget(self._slots[SETTINGS_KEY]))
            self._fill_slot(REPORT_KEY, self._report_view)
        return self._report_view

    def _saved_from_overview(self, key: str) -> None:
        if key in self.views:  # the register's list shows the change too
            self.views[key].refresh()
        self._records_changed(key)

    def _records_changed(self, key: str) -> None:
        if self._overview_view is not None and self._overview_view.due_list is not None:
            self._overview_view.refresh_due()  # its due list and the badge from one reading (due_read): they agree
        else:
            self.show_due_count()
        if key == VILLAGE.key:  # the village filters of every list follow the 村(居) register
            for view in self.views.values():
                if view.register.village_field:
                    view.refresh()

    # -- backups ----------------------------------------------------------------

    def show_last_backup(self) -> None:
        from zhaocun_desktop.backup_files import last_backup

        latest = last_backup(self.db_path)
        self.backup_label.setText(f"上次备份：{latest.made_at:%Y-%m-%d %H:%M}" if latest else "尚未备份")

    def backup_to(self, folder: str | None = None) -> Path | None:
        """A verified backup into a folder the clerk picks (a USB stick)."""
        from zhaocun_desktop.backup_files import make_backup
        from zhaocun_desktop.gui.jobs import run_job

        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "备份到（可选U盘）", str(Path.home()))
            if not folder:
                return None
        from zhaocun_desktop.gui.lock import through_door

        if not through_door(self, self.db, f"备份到“{folder}”（完整数据）"):
            return None
        try:
            made = run_job(self, "备份", "正在备份并校验…", self.db,
                           lambda db, progress: make_backup(db.conn, self.db_path, "manual", folder=Path(folder)), cancellable=False)  # fmt: skip
        except UserError as error:
            QMessageBox.warning(self, "备份失败", str(error))
            return None
        self.statusBar().showMessage(f"已备份（已校验）：{made}", 15000)
        self.show_last_backup()
        return made

    def restore_backup(self) -> None:
        # its own first; then, marked, other databases' in the same folder (the database was renamed, or
        # is a copy): restoring one of them asks once more (OtherDatabaseBackup)
        from zhaocun_desktop import crypto
        from zhaocun_desktop.backup import OtherDatabaseBackup, restore
        from zhaocun_desktop.backup_files import list_backups, other_backups

        readable = lambda b: b.counts is not None or crypto.is_encrypted(b.path)  # noqa: E731 (under another password: asked when chosen)
        own = [b for b in list_backups(self.db_path) if readable(b)]
        others = [b for b in other_backups(self.db_path, with_counts=True) if readable(b)]
        backups = own + others
        if not backups:
            QMessageBox.information(self, "从备份恢复", "还没有可用的备份。")
            return
        labels = [b.describe() for b in own] + [f"{b.describe()}  （{b.database}.db 的备份）" for b in others]
        choice, ok = QInputDialog.getItem(self, "从备份恢复", "选择要恢复的备份（恢复前会自动把当前数据另存一份）：", labels, 0, False)
        if not ok:
            return
        chosen = backups[labels.index(choice)]
        if QMessageBox.question(self, "确认恢复", f"确定用这个备份替换当前全部数据吗？\n{chosen.describe()}") != QMessageBox.StandardButton.Yes:
            return
        if crypto.is_encrypted(chosen.path) and crypto.known_key(chosen.path) is None:  # made under an earlier password
            from zhaocun_desktop.gui.lock import unlock_file

            if unlock_file(chosen.path, self, "这个备份是用以前的密码加密的，请输入备份时的程序密码（或那时的恢复密钥）", self.db_path) is None:
                return
        try:
            try:
                safety = restore(self.db.conn, self.db_path, chosen.path)
            except OtherDatabaseBackup as error:  # another town's, or sample data: only if the clerk insists
                if QMessageBox.question(self, "这个备份不像是当前数据库的", f"{error}\n\n仍要用它替换当前全部数据吗？（恢复前会把当前数据另存一份）",
                                        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                        QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:  # fmt: skip
                    return
                safety = restore(self.db.conn, self.db_path, chosen.path, force=True)
        except UserError as error:
            QMessageBox.warning(self, "无法恢复", str(error))
            return
        for view in self.views.values():
            view.refresh()
        for view in (self._overview_view, self._report_view):
            if view is not None:
                view.refresh() if view is self._overview_view else view.load_year()
        self.show_last_backup()
        QMessageBox.information(self, "已恢复", f"已恢复到 {chosen.made_at:%Y-%m-%d %H:%M} 的数据。\n恢复前的数据已另存为：{safety.name}")

    # -- Excel exchange -----------------------------------------------------------

    def _exports_folder(self) -> Path:
        folder = data_dir() / "导出"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def import_files(self, paths: list[str] | None = None) -> list[str]:
        """Preview each chosen workbook and import what the clerk confirms; returns the messages."""
        from zhaocun_desktop.gui.import_dialog import ImportDialog, preview_file

        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, "选择村(居)报送的 Excel 文件", str(Path.home()), "Excel 表格 (*.xlsx *.xls);;所有文件 (*)")
        messages = []
        for path in paths:
            try:
                preview = preview_file(self, self.db, path)
            except UserError as error:
                QMessageBox.warning(self, "无法导入", str(error))
                messages.append(str(error))
                continue
            if preview is None:  # the clerk did not choose a register
                continue
            dialog = ImportDialog(self.db, preview, self)
            if dialog.exec():
                messages.append(dialog.result_message)
                self.statusBar().showMessage(dialog.result_message, 15000)
                self._refresh_register(preview.register.key)
        return messages

    def _refresh_register(self, key: str) -> None:
        if key in self.views:
            self.views[key].refresh()
        self._records_changed(key)

    def undo_import(self) -> None:
        from zhaocun_desktop.excel.importing import batches, undo_batch

        open_batches = [b for b in batches(self.db) if not b["undone_at"]]
        if not open_batches:
            QMessageBox.information(self, "撤销导入", "还没有可以撤销的导入。")
            return
        titles = {r.key: r.title for r in BY_KEY.values()}
        labels = [f"{b['imported_at'].replace('T', ' ')}  {b['file_name']}（{titles.get(b['register'], b['register'])} {b['rows_imported']} 条）" for b in open_batches]
        choice, ok = QInputDialog.getItem(self, "撤销导入", "选择要撤销的导入（该次导入的记录将全部删除）：", labels, 0, False)
        if not ok:
            return
        batch = open_batches[labels.index(choice)]
        if QMessageBox.question(self, "确认撤销", f"确定删除“{batch['file_name']}”导入的 {batch['rows_imported']} 条记录吗？") != QMessageBox.StandardButton.Yes:
            return
        try:
            deleted = undo_batch(self.db, batch["id"])
        except UserError as error:
            QMessageBox.warning(self, "无法撤销", str(error))
            return
        self.statusBar().showMessage(f"已撤销导入“{batch['file_name']}”，删除 {deleted} 条记录。", 15000)
        self._refresh_register(batch["register"])

    # -- Packages for the county ------------------------------------------------------

    def export_package(self, year: int | None = None, path: str | None = None, reveal: bool | None = None) -> str | None:
        """文件 → 导出上报数据包: asks what it is not given; returns the status message (None when cancelled)."""
        from zhaocun_desktop.package import write_package

        if year is None:
            default = int(township_settings.settings(self.db).get("report_year") or __import__("datetime").date.today().year)
            year, ok = QInputDialog.getInt(self, "导出上报数据包", "年度：", default, 2000, 2100)
            if not ok:
                return None
        if reveal is None:
            answer = QMessageBox.question(
                self,
                "导出上报数据包",
                "数据包默认遮盖身份证号和电话。\n\n是否包含完整的身份证号和电话？（选择“是”会记入操作日志，请妥善保管数据包）",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            reveal = answer == QMessageBox.StandardButton.Yes
        if path is None:
            town = township_settings.settings(self.db).get("town") or "本镇"
            suggested = self._exports_folder() / f"{town}_{year}年上报数据包.zip"
            path, _ = QFileDialog.getSaveFileName(self, "保存上报数据包", str(suggested), "上报数据包 (*.zip)")
            if not path:
                return None
        from zhaocun_desktop.gui.lock import through_door

        if reveal and not through_door(self, self.db, f"导出{year}年上报数据包（含完整身份证号、电话）：{path}", "package"):
            return None
        seal = None
        from zhaocun_desktop import security

        if reveal and security.is_encrypted(self.db):  # it leaves the office encrypted: a password told to the county apart
            from zhaocun_desktop.gui.lock import NewPasswordDialog

            dialog = NewPasswordDialog(self, "数据包密码", "含完整个人信息的数据包将加密保存。请设置一个数据包密码，另行（如电话）告诉县司法局，导入时需要。")
            if not dialog.exec():
                return None
            seal = dialog.first.text()
        try:
            write_package(self.db, year, Path(path), reveal=reveal, seal_with=seal)
        except UserError as error:
            QMessageBox.warning(self, "无法导出数据包", str(error))
            return None
        message = f"已导出{year}年上报数据包：{path}" + ("（含完整个人信息，请妥善保管）" if reveal else "（身份证号、电话已遮盖）")
        self.statusBar().showMessage(message, 15000)
        return message

    def open_county_database(self, path: str | None = None):
        """文件 → 打开或新建县级汇总数据库: the county database in its own window (see gui/county_mode.py)."""
        return open_county_window(self, path)

    def write_one_template(self) -> None:
        from zhaocun_desktop.excel.writing import safe_file_name, template_registers, write_template

        registers = template_registers()
        title, ok = QInputDialog.getItem(self, "生成填报模板", "台账：", [r.title for r in registers], 0, False)
        if not ok:
            return
        register = next(r for r in registers if r.title == title)
        village = None
        if register.village_field and queries.village_names(self.db):
            none = "（不指定村(居)）"
            village, ok = QInputDialog.getItem(self, "生成填报模板", "给哪个村(居)？", [none, *queries.village_names(self.db)], 0, False)
            if not ok:
                return
            village = None if village == none else village
        name = f"{safe_file_name(village)}_{register.title}.xlsx" if village else f"{register.title}填报模板.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "保存模板", str(self._exports_folder() / name), "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        try:
            write_template(self.db, register, Path(path), village)
        except UserError as error:
            QMessageBox.warning(self, "无法生成模板", str(error))
            return
        self.statusBar().showMessage(f"已生成模板：{path}", 15000)

    def write_every_template(self) -> None:
        from zhaocun_desktop.excel.writing import write_all_templates
        from zhaocun_desktop.gui.jobs import run_job
        from zhaocun_desktop.progress import Cancelled

        folder = QFileDialog.getExistingDirectory(self, "选择保存模板的文件夹（如U盘）", str(self._exports_folder()))
        if not folder:
            return
        target = Path(folder) / "填报模板"
        try:
            written = run_job(self, "生成填报模板", "正在为各村(居)生成填报模板…", self.db, lambda db, progress: write_all_templates(db, target, progress))
        except UserError as error:
            QMessageBox.warning(self, "无法生成模板", str(error))
            return
        except Cancelled:
            QMessageBox.information(self, "已取消", f"已取消。取消前生成的模板保留在“{target}”。")
            return
        QMessageBox.information(self, "已生成模板", f"已在“{Path(folder) / '填报模板'}”生成 {len(written)} 个模板，可发给各村(居)填写。")

    # -- window ---------------------------------------------------------------

    def show_audit_log(self, table: str | None = None, record_id: int | None = None) -> None:
        """操作记录 (文件 menu), optionally opened on one register or record."""
        if self.db is None:
            return
        from zhaocun_desktop.gui.audit_view import AuditLogDialog

        dialog = AuditLogDialog(self.db, self, table, record_id)
        self.audit_dialog = dialog  # tests reach the open dialog here
        dialog.exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"关于{APP_NAME}",
            f"<b>{APP_NAME}</b> 版本 {__version__}<br>"
            "乡镇司法所台账与法治政府建设年度报告，离线使用。<br><br>"
            f"数据库：{self.db_path}<br>数据文件夹：{data_dir()}",
        )

    def unsaved_work(self) -> list[str]:
        """What closing now would lose, in the clerk's words (empty when nothing)."""
        from zhaocun_desktop.gui.record_dialog import RecordDialog

        lost = [f"正在编辑的“{dialog.windowTitle()}”" for dialog in self.findChildren(RecordDialog) if dialog.isVisible() and dialog.changed()]
        if self._report_view is not None and self._report_view.dirty:
            lost.append(f"{self._report_view.year}年度报告中未保存的文字")
        return lost

    def save_unsaved_work(self) -> bool:
        """Save open edit dialogs and the report texts; False when a dialog refused (invalid input)."""
        from zhaocun_desktop.gui.record_dialog import RecordDialog

        for dialog in self.findChildren(RecordDialog):
            if dialog.isVisible() and dialog.changed():
                dialog.accept()  # validates; stays open (and visible) when something is wrong
                if dialog.isVisible():
                    dialog.raise_()
                    return False
        if self._report_view is not None and self._report_view.dirty:
            self._report_view.save()
        return True

    def discard_unsaved_work(self) -> None:
        from zhaocun_desktop.gui.record_dialog import RecordDialog

        for dialog in self.findChildren(RecordDialog):
            if dialog.isVisible():
                dialog.reject()
        if self._report_view is not None:
            self._report_view.dirty = False

    def ask_before_closing(self) -> bool:
        """保存 / 不保存 / 取消 when closing would lose work; True when the window may close."""
        lost = self.unsaved_work()
        if not lost:
            return True
        box = QMessageBox(QMessageBox.Icon.Warning, "尚未保存", "以下内容尚未保存：\n" + "\n".join(f"· {item}" for item in lost) + "\n\n关闭前要保存吗？", parent=self)
        box.setObjectName("unsaved_question")
        save = box.addButton("保存", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("不保存", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.exec()
        if box.clickedButton() is save:
            return self.save_unsaved_work()
        if box.clickedButton() is discard:
            self.discard_unsaved_work()
            return True
        return False

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        from zhaocun_desktop.gui.jobs import job_running

        if job_running():  # closing would kill the worker thread in the middle of its file or transaction
            event.ignore()
            self.statusBar().showMessage("正在处理（见进度窗口），请等它完成或点“取消”后再关闭。", 10000)
            return
        if not self.ask_before_closing():
            event.ignore()
            return
        self.ui_state.setValue("window/geometry", self.saveGeometry())
        self.ui_state.setValue("window/tab", self.form.tabs.currentIndex())
        self.ui_state.sync()
        for timer in self.findChildren(QTimer):  # no delayed refresh may reach a closed database
            timer.stop()
        if self.idle_lock is not None:
            from PySide6.QtWidgets import QApplication

            QApplication.instance().removeEventFilter(self.idle_lock)
        super().closeEvent(event)


def open_county_window(window: MainWindow, path: str | None = None) -> MainWindow | None:
    """文件 → 打开或新建县级汇总数据库: the county database in a window of its own (created when the
    name is new); a township's own database is refused untouched. Returns the new window."""
    from PySide6.QtCore import QLockFile, Qt  # here: the Qt namespace costs ~15 ms on the way to the first screen

    from zhaocun_desktop.county import rollup
    from zhaocun_desktop.gui.upgrade import upgrade_in_dialog

    if path is None:
        path, _ = QFileDialog.getSaveFileName(
            window, "打开或新建县级汇总数据库", str(window._exports_folder() / "县级汇总.db"), "县级汇总数据库 (*.db)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if not path:
            return None
    path = Path(path).resolve()
    if path == window.db_path.resolve():
        QMessageBox.information(window, APP_NAME, "这是当前打开的乡镇数据库，不能作为县级汇总数据库。请另选一个文件名。")
        return None
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)
    if not lock.tryLock(200):
        QMessageBox.information(window, APP_NAME, f"这个县级汇总数据库已经打开：\n{path}\n\n请在任务栏中切换到已打开的窗口。")
        return None
    from zhaocun_desktop import crypto

    key = None
    if crypto.is_encrypted(path):  # a county database with its own password
        from zhaocun_desktop.gui.lock import unlock_file

        key = unlock_file(path, window, "县级汇总数据库已加密，请输入它的程序密码（或恢复密钥）")
        if key is None:
            lock.unlock()
            return None
    try:
        db = rollup.open_county(path, upgrade_with=upgrade_in_dialog(window), key=key)
    except UserError as error:
        lock.unlock()
        QMessageBox.warning(window, "无法打开县级汇总数据库", str(error))
        return None
    county_window = MainWindow(path, window.ui_state, db=db)
    county_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def closed() -> None:  # the window owns its connection and its lock
        _county_windows.discard(county_window)
        db.close()
        lock.unlock()

    _county_windows.add(county_window)
    county_window.destroyed.connect(closed)
    county_window.show()
    county_window.raise_()
    return county_window

"""County mode of the main window: a county database (the townships' packages rolled up) is shown
read-only, one township or the whole county at a time.

The window's connection carries the scope (``county_scope.set_scope``): every list, 总览 and 统计报表
read through it sees only the chosen township, and so do the jobs started from them (``gui.jobs``:
``db.open_again`` carries the scope). Taking in packages and the county summary workbook work on
the whole county whatever the scope (county/rollup.py sees to that).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QWidget

from zhaocun_desktop import APP_NAME, __version__, settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.progress import Cancelled

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow
    from sqlite_utils import Database

WHOLE_COUNTY = "全县"
# a township's writes, and 从备份恢复 (backup.restore takes a township's backups only; a county
# database is rebuilt from the packages instead)
ACTIONS_NOT_FOR_COUNTY = ("actionImport", "actionUndoImport", "actionTemplate", "actionAllTemplates", "actionPackage", "actionRollup", "actionRestore")


def unit_name(db: Database) -> str:
    """Who the figures read through a county database belong to: the chosen township, or 全县."""
    from zhaocun_desktop import county_scope

    scope = county_scope.current_scope(db)
    return WHOLE_COUNTY if scope is None else dict(county_scope.township_choices(db)).get(scope, "")


def county_name(db: Database) -> str:
    """The county the database rolls up (its settings, or the chosen township's), "" when not known yet."""
    return township_settings.settings(db).get("county") or ""


class CountyMode(QObject):
    """The county side of one main window.

    State: ``township_box`` lists 全县 and every township (item data: the township id, None for
    全县); the window's database connection is scoped to the chosen one.
    """

    def __init__(self, window: QMainWindow):  # gui.main_window.MainWindow (above this module)
        super().__init__(window)
        self.window = window
        form = window.form
        self.township_box = QComboBox()
        self.township_box.setObjectName("township_scope")
        self.township_box.setMinimumContentsLength(8)
        self.township_box.setToolTip("选择要查看的乡镇；“全县”显示全部乡镇的合计，列表中多一列“乡镇”")
        self.note = QLabel()
        self.note.setObjectName("county_note")
        bar = QWidget()
        bar.setObjectName("county_bar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 4, 6, 0)
        label = QLabel("乡镇：")
        label.setBuddy(self.township_box)
        row.addWidget(label)
        row.addWidget(self.township_box)
        row.addSpacing(16)
        row.addWidget(self.note)
        row.addStretch(1)
        form.centralLayout.insertWidget(0, bar)
        self.bar = bar

        for key in window.TOWNSHIP_TABS:  # the townships' report texts and settings are theirs
            slot = window._slots[key]
            form.tabs.removeTab(form.tabs.indexOf(slot))
            slot.hide()
        for name in ACTIONS_NOT_FOR_COUNTY:
            action = getattr(form, name)
            action.setVisible(False)
            action.setEnabled(False)
        self.import_action = QAction("导入乡镇数据包…", window)
        self.import_action.setObjectName("actionImportPackages")
        self.import_action.setToolTip("选择各乡镇的上报数据包（可多选）导入本县级汇总数据库")
        self.import_action.triggered.connect(lambda: self.import_packages())
        self.summary_action = QAction("导出全县汇总表…", window)
        self.summary_action.setObjectName("actionCountySummary")
        self.summary_action.triggered.connect(lambda: self.export_summary())
        self.password_action = QAction("设置或修改程序密码…", window)  # the county's own password and encryption
        self.password_action.setObjectName("actionCountyPassword")
        self.password_action.triggered.connect(lambda: self.change_password())
        self.keys_action = QAction("乡镇签名公钥…", window)
        self.keys_action.setObjectName("actionPinnedKeys")
        self.keys_action.setToolTip("各乡镇数据包的签名公钥指纹（导入时确认的），可导出核对")
        self.keys_action.triggered.connect(lambda: self.show_keys())
        first = form.menuFile.actions()[0]
        form.menuFile.insertAction(first, self.import_action)
        form.menuFile.insertAction(first, self.summary_action)
        form.menuFile.insertAction(first, self.keys_action)
        form.menuFile.insertAction(first, self.password_action)
        form.menuFile.insertSeparator(first)

        self.fill_choices()
        self.township_box.currentIndexChanged.connect(lambda index: self.choose(self.township_box.itemData(index)))
        self._show_scope()

    def change_password(self) -> bool:
        """The county database's own password: the file re-encrypted like a township's (gui.lock.change_password)."""
        from zhaocun_desktop.gui.lock import change_password

        return change_password(self.window, self.window.db)

    @property
    def db(self) -> Database:
        return self.window.db

    # -- scope -------------------------------------------------------------------

    def fill_choices(self) -> None:
        """(Re)fill the chooser: 全县, then every township; the current choice stays when it still exists."""
        from zhaocun_desktop import county_scope

        current = county_scope.current_scope(self.db)
        box = self.township_box
        box.blockSignals(True)
        box.clear()
        box.addItem(WHOLE_COUNTY, None)
        for township_id, name in county_scope.township_choices(self.db):
            box.addItem(name, township_id)
        index = box.findData(current) if current is not None else 0
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)
        if index < 0:  # the township went away (a restored backup): back to the whole county
            self.choose(None)

    def choose(self, township_id: int | None) -> None:
        """Show ``township_id`` (None: the whole county) in every view of the window."""
        from zhaocun_desktop import county_scope

        county_scope.set_scope(self.db, township_id)
        index = self.township_box.findData(township_id) if township_id is not None else 0
        if index >= 0 and index != self.township_box.currentIndex():
            self.township_box.blockSignals(True)
            self.township_box.setCurrentIndex(index)
            self.township_box.blockSignals(False)
        self._show_scope()
        self.refresh_views()

    def _show_scope(self) -> None:
        name = unit_name(self.db)
        county = county_name(self.db)
        towns = self.township_box.count() - 1
        self.note.setText(f"{county}县级汇总数据库，共 {towns} 个乡镇；正在查看：{name}（只读，不能修改）" if towns else
                          "县级汇总数据库中还没有乡镇数据：请用“文件 → 导入乡镇数据包…”导入各乡镇的上报数据包。")  # fmt: skip
        self.window.setWindowTitle(f"{county}县级汇总 · {name} — {APP_NAME} {__version__}")

    def refresh_views(self) -> None:
        """Re-read every view built so far (the others read the new scope when first opened)."""
        window = self.window
        for view in window.views.values():
            view.refresh()
        if window._overview_view is not None:
            window._overview_view.refresh()  # its due list serves the badge too (due_read): read once, not twice
        else:
            window.show_due_count()

    # -- packages and the county workbook -----------------------------------------------

    def import_packages(self, paths: list[str] | None = None) -> str | None:
        """文件 → 导入乡镇数据包: take in the chosen packages; returns what happened (None: nothing)."""
        from zhaocun_desktop.county import rollup
        from zhaocun_desktop.gui.jobs import run_job
        from zhaocun_desktop.gui.package_trust import ask_consent

        window = self.window
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(window, "选择各乡镇的上报数据包（可多选）", str(Path.home()), "上报数据包 (*.zip);;所有文件 (*)")
            if not paths:
                return None
        from zhaocun_desktop import crypto
        from zhaocun_desktop.gui.lock import unlock_file

        for path in paths:  # a sealed full package: the password its township gave (asked here, before the job)
            if crypto.is_encrypted(path) and crypto.known_key(path) is None:
                if unlock_file(Path(path), window, f"“{Path(path).name}”是加密的数据包，请输入乡镇告诉您的数据包密码") is None:
                    return None
        consent = rollup.Consent()
        while True:  # the clerk's answers (a first or changed key, another county), then again with them
            try:
                outcomes = run_job(window, "导入乡镇数据包", f"正在检查并导入 {len(paths)} 个数据包…", self.db,
                                   lambda db, progress: rollup.roll_up(db, paths, progress, consent))  # noqa: B023  # fmt: skip (run_job returns once it ran)
                break
            except rollup.NeedsConsent as error:
                answered = ask_consent(window, error.questions, consent)
                if answered is None:
                    message = "没有确认数据包的来源，这一批数据包都没有导入。"
                    window.statusBar().showMessage(message, 15000)
                    return message
                consent = answered
            except UserError as error:
                QMessageBox.warning(window, "没有导入", str(error))
                return None
            except Cancelled:
                message = "已取消导入乡镇数据包，县级汇总数据库没有任何改动。"
                window.statusBar().showMessage(message, 15000)
                return message
        message = rollup.describe(outcomes)
        self.fill_choices()
        self._show_scope()
        self.refresh_views()
        window.statusBar().showMessage(message.splitlines()[0], 15000)
        QMessageBox.information(window, "导入乡镇数据包", message)
        return message

    def show_keys(self) -> None:
        """文件 → 乡镇签名公钥: the pinned keys, to read and to export."""
        from zhaocun_desktop.gui.package_trust import PinnedKeysDialog

        dialog = PinnedKeysDialog(self.db, self.window)
        dialog.exec()
        dialog.deleteLater()

    def export_summary(self, year: int | None = None, path: str | None = None) -> Path | None:
        """文件 → 导出全县汇总表: every township's figures and the county total for one year."""
        from zhaocun_desktop.county import figures as county_figures, summary as county_summary
        from zhaocun_desktop.gui.jobs import run_job

        window = self.window
        if year is None:
            years = county_figures.years(self.db)
            if not years:
                QMessageBox.information(window, "导出全县汇总表", "还没有导入任何乡镇数据包。请先用“文件 → 导入乡镇数据包…”导入。")
                return None
            choice, ok = QInputDialog.getItem(window, "导出全县汇总表", "年度：", [f"{y}年" for y in years], 0, False)
            if not ok:
                return None
            year = int(choice.removesuffix("年"))
        if path is None:
            folder = window._exports_folder()
            path, _ = QFileDialog.getSaveFileName(window, "导出全县汇总表", str(folder / f"{county_name(self.db)}{year}年全县汇总表.xlsx"), "Excel 工作簿 (*.xlsx)")
            if not path:
                return None
        target = Path(path) if str(path).lower().endswith(".xlsx") else Path(f"{path}.xlsx")
        try:
            written = run_job(window, "导出全县汇总表", f"正在生成{year}年全县汇总表…", self.db,
                              lambda db, progress: county_summary.write_county_summary(db, year, target), cancellable=False)  # fmt: skip
        except UserError as error:
            QMessageBox.warning(window, "无法导出", str(error))
            return None
        window.statusBar().showMessage(f"已导出{year}年全县汇总表：{written}", 15000)
        return written

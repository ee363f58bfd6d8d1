"""The main window: a tab per register group, the 村(居) list and the settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget
from sqlite_utils import Database

from zhaocun_desktop import APP_NAME, __version__
from zhaocun_desktop.gui.forms.ui_main_window import Ui_MainWindow
from zhaocun_desktop.gui.register_view import RegisterView
from zhaocun_desktop.gui.settings_view import SettingsView
from zhaocun_desktop.paths import data_dir
from zhaocun_desktop.registers import TABS, VILLAGE


class MainWindow(QMainWindow):
    """Holds one ``RegisterView`` per register; ``views`` maps register key to view."""

    def __init__(self, db: Database, db_path: Path, ui_state: QSettings, demo: bool = False):
        super().__init__()
        self.db, self.db_path, self.ui_state = db, db_path, ui_state
        self.form = Ui_MainWindow()
        self.form.setupUi(self)
        title = f"{APP_NAME} {__version__}"
        self.setWindowTitle(f"{title}（示例数据）" if demo else title)
        self.views: dict[str, RegisterView] = {}
        for tab_title, registers in TABS:
            if len(registers) == 1:
                self.form.tabs.addTab(self._view(registers[0]), tab_title)
                continue
            inner = QTabWidget()
            inner.setObjectName(f"tabs_{registers[0].key}")
            for register in registers:
                inner.addTab(self._view(register), register.title)
            self.form.tabs.addTab(inner, tab_title)
        self.settings_view = SettingsView(db)
        self.form.tabs.addTab(self.settings_view, "设置")
        self.form.actionQuit.triggered.connect(self.close)
        self.form.actionAbout.triggered.connect(self.show_about)
        self.statusBar().showMessage(f"数据库：{db_path}" + ("（示例数据，与正式数据分开）" if demo else ""))

        geometry = ui_state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.form.tabs.setCurrentIndex(int(ui_state.value("window/tab", 0)))

    def _view(self, register) -> RegisterView:
        view = RegisterView(self.db, register, self.ui_state)
        view.records_changed.connect(self._records_changed)
        self.views[register.key] = view
        return view

    def _records_changed(self, key: str) -> None:
        if key == VILLAGE.key:  # the village filters of every list follow the 村(居) register
            for view in self.views.values():
                if view.register.village_field:
                    view.refresh()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"关于{APP_NAME}",
            f"<b>{APP_NAME}</b> 版本 {__version__}<br>"
            "乡镇司法所台账与法治政府建设年度报告，离线使用。<br><br>"
            f"数据库：{self.db_path}<br>数据文件夹：{data_dir()}",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.ui_state.setValue("window/geometry", self.saveGeometry())
        self.ui_state.setValue("window/tab", self.form.tabs.currentIndex())
        self.ui_state.sync()
        super().closeEvent(event)

"""The 设置 tab: the township's names and the report's fonts, generated from ``SETTINGS``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from zhaocun_desktop import records
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.gui.field_form import FieldForm
from zhaocun_desktop.registers import SETTINGS

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


class SettingsView(QWidget):
    """Edits the settings; emits ``settings_saved`` after a successful save."""

    settings_saved = Signal()

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.setObjectName("view_settings")
        self.form = FieldForm(SETTINGS.fields, columns=1)
        self.form.set_values(records.settings(db))
        self.save_button = QPushButton("保存设置")
        self.save_button.setObjectName("save_settings")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("settings_status")

        group = QGroupBox("本镇信息与报告格式")
        inner = QVBoxLayout(group)
        inner.addWidget(QLabel("这些信息用于报告标题、落款和汇总表；每个乡镇填写自己的名称即可使用。"))
        inner.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        inner.addLayout(buttons)
        group.setMaximumWidth(720)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addStretch(1)

    def save(self) -> None:
        try:
            saved = records.save_settings(self.db, self.form.values())
        except InvalidRecord as error:
            self.form.show_errors(error.errors)
            self.status.setText("未保存：请按红字提示修改。")
            return
        self.form.show_errors({})
        self.form.set_values(saved)
        self.status.setText("已保存。")
        self.settings_saved.emit()

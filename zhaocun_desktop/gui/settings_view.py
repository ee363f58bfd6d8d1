"""The 设置 tab: the township's names and the report's fonts, generated from ``SETTINGS``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from zhaocun_desktop import security, settings as township_settings
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.gui import lock
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
        self.form = FieldForm(SETTINGS.fields, columns=1, captions=True)
        self.form.set_values(township_settings.settings(db))
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

        lock_group = QGroupBox("程序密码与自动锁定")
        lock_group.setMaximumWidth(720)
        self.password_state = QLabel()
        self.password_button = QPushButton("设置密码…")
        self.password_button.setObjectName("set_password")
        self.password_button.clicked.connect(self.change_password)
        self.remove_password_button = QPushButton("取消密码")
        self.remove_password_button.clicked.connect(self.remove_password)
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(1, 240)
        self.lock_minutes.setSuffix(" 分钟无操作后自动锁定")
        self.lock_minutes.setValue(security.lock_minutes(db))
        self.lock_minutes.valueChanged.connect(lambda value: security.set_lock_minutes(self.db, value))
        lock_layout = QVBoxLayout(lock_group)
        explain = QLabel("台账含当事人身份证号、电话等个人信息。设置密码后，数据库文件、备份和完整数据包都加密保存（拷走的文件、U盘上的备份不泄露任何内容），"
                         "打开程序、离开电脑一段时间后、导出或打印完整号码时都需要输入密码。")  # fmt: skip
        explain.setWordWrap(True)
        lock_layout.addWidget(explain)
        row = QHBoxLayout()
        row.addWidget(self.password_state)
        row.addWidget(self.password_button)
        row.addWidget(self.remove_password_button)
        row.addWidget(self.lock_minutes)
        row.addStretch(1)
        lock_layout.addLayout(row)
        self._show_password_state()

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(group)
        layout.addWidget(lock_group)
        from zhaocun_desktop.gui.package_trust import township_key_group  # the page is built when first opened

        layout.addWidget(township_key_group(db, content))
        layout.addStretch(1)
        scroll = QScrollArea()  # the form is taller than a 1024x600 screen leaves the tab: it scrolls
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _show_password_state(self) -> None:
        on = security.has_password(self.db)
        self.password_state.setText("已设置密码" if on else "未设置密码")
        self.password_button.setText("修改密码…" if on else "设置密码…")
        self.remove_password_button.setEnabled(on)
        self.lock_minutes.setEnabled(on)

    def change_password(self) -> None:
        if lock.change_password(self, self.db):
            self._show_password_state()

    def remove_password(self) -> None:
        if lock.remove_password(self, self.db):
            self._show_password_state()

    def save(self) -> None:
        try:
            saved = township_settings.save_settings(self.db, self.form.values())
        except InvalidRecord as error:
            self.form.show_errors(error.errors)
            self.status.setText("未保存：请按红字提示修改。")
            return
        self.form.show_errors({})
        self.form.set_values(saved)
        self.status.setText("已保存。")
        self.settings_saved.emit()

"""The program password: asking for it at start and after idle time, and setting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from zhaocun_desktop import security

if TYPE_CHECKING:
    from sqlite_utils import Database


class PasswordDialog(QDialog):
    """Asks for the program password; stays open until it is right or the clerk cancels."""

    def __init__(self, db: Database, reason: str = "请输入程序密码", parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("已锁定")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(reason + "。台账含个人信息，离开电脑时程序会自动锁定。"))
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if security.check_password(self.db, self.password.text()):
            super().accept()
            return
        self.message.setText("密码不对，请重新输入。忘记密码请联系技术支持人员。")
        self.password.selectAll()
        self.password.setFocus()


class NewPasswordDialog(QDialog):
    """Two entries of a new password."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("设置程序密码")
        self.first, self.second = QLineEdit(), QLineEdit()
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow("新密码", self.first)
        form.addRow("再输一遍", self.second)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if len(self.first.text()) < 4:
            self.message.setText("密码至少需要4个字符。")
        elif self.first.text() != self.second.text():
            self.message.setText("两次输入的密码不一样，请重新输入。")
        else:
            super().accept()


class IdleLock(QObject):
    """Locks the window after ``minutes`` without keyboard or mouse input (when a password is set)."""

    INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, window, db: Database):
        super().__init__(window)
        self.window, self.db = window, db
        self.locked = False
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.lock)
        self.restart()

    def restart(self) -> None:
        self.timer.start(security.lock_minutes(self.db) * 60_000)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() in self.INPUT and not self.locked:
            self.timer.start()
        return False

    def lock(self) -> None:
        if self.locked or not security.has_password(self.db):
            self.restart()
            return
        self.locked = True
        central = self.window.centralWidget()
        central.setVisible(False)
        dialog = PasswordDialog(self.db, "程序已自动锁定，请输入密码继续", self.window)
        if not dialog.exec():  # no password: the program closes (everything is already saved)
            self.window.close()
            return
        central.setVisible(True)
        self.locked = False
        self.restart()

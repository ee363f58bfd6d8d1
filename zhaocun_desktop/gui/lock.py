"""The program password in the window: asking for it (at start, after idle time, at the door to full personal
data), setting it (the recovery key shown once), and locking every window of the program at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from zhaocun_desktop import security
from zhaocun_desktop.errors import UserError

if TYPE_CHECKING:
    from zhaocun_desktop.db import Database

WRONG = "密码不对，请重新输入。忘记密码时可以输入恢复密钥（设置密码时打印的13组字母数字）。"


class PasswordDialog(QDialog):
    """Asks for the program password (or the recovery key); stays open until it is right or the clerk cancels.

    ``check(text)`` says whether it is right (default: the open database's password); a wrong guess makes the
    next one wait (``security.wait_seconds``): the OK button stays off and says how long, the window never blocks.
    """

    def __init__(self, db: Database | None, reason: str = "请输入程序密码", parent=None, check: Callable[[str], bool] | None = None, path: Path | None = None):
        super().__init__(parent)
        self.db = db
        self.check = check or (lambda text: security.check_password(db, text, sleep=lambda _s: None))
        self.path = path or (security.database_file(db) if db is not None else None)
        self.setWindowTitle("已锁定")
        self.setMinimumWidth(460)  # the messages wrap in two lines, not in five
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        self.buttons = self._make_buttons()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.timer = QTimer(self, interval=500)
        self.timer.timeout.connect(self._show_wait)
        self.secret = ""
        self.said = ""  # what the last guess got (shown above the wait)
        self._lay_out(reason)
        self._show_wait()

    def _lay_out(self, reason: str) -> None:
        layout = QVBoxLayout(self)
        note = QLabel(reason + "。台账含个人信息，离开电脑时程序会自动锁定。")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _make_buttons(self) -> QDialogButtonBox:
        return QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def cancel_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

    def _wait(self) -> float:
        return security.wait_seconds(self.path) if self.path is not None else 0.0

    def _show_wait(self) -> None:
        left = self._wait()
        ok = self.ok_button()
        ok.setEnabled(left <= 0)
        if left > 0:
            self.message.setText(f"{self.said}请等 {int(left) + 1} 秒后再试（每次输错，等待时间加倍）。")
            self.timer.start()
        elif self.timer.isActive():
            self.timer.stop()
            self.message.setText(self.said)

    def accept(self) -> None:
        if self._wait() > 0:
            self._show_wait()
            return
        text = self.password.text()
        try:
            right = self.check(text)
        except UserError as error:  # a stored hash the program refuses: said, never a traceback
            self.message.setText(str(error))
            return
        if right:
            self.secret = text
            super().accept()
            return
        self.said = WRONG + "\n"
        self.message.setText(WRONG)
        self.password.selectAll()
        self.password.setFocus()
        self._show_wait()


class LoginDialog(PasswordDialog):
    """The program's first dialog when its database has a password (an encrypted file), before the main window shows:
    the program's name, which file, the password or the recovery key, 确定 / 退出. ``check(text)`` opens the file with
    it (the start builds the window meanwhile: gui/app.py); a wrong guess waits and is recorded as in every
    PasswordDialog. The township's name is inside the encrypted file: the dialog names the file and its folder.
    ``typed(text)`` hears every change of the password box (the start derives its key ahead: ``crypto.KeyDeriver``)."""

    def __init__(self, path: Path, check: Callable[[str], bool], typed: Callable[[str], None] | None = None, parent=None):
        self.database = Path(path)
        super().__init__(None, "", parent, check=check, path=self.database)
        if typed is not None:
            self.password.textChanged.connect(typed)
        from zhaocun_desktop import APP_NAME

        self.setWindowTitle(APP_NAME)

    def _lay_out(self, reason: str) -> None:
        from zhaocun_desktop import APP_NAME

        title = QLabel(APP_NAME)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        name = QLabel(self.database.name)
        folder = QLabel(re.sub(r"([\\/])", "\\1\u200b", str(self.database.parent)))  # a long path wraps after a separator
        folder.setWordWrap(True)  # (not elided: QFontMetrics.elidedText would build PySide's Qt namespace, ~30 ms)
        hint = QLabel("数据库已加密，打开需要程序密码。忘记密码时，输入设置密码时打印的恢复密钥（13组字母数字）也能打开。")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("数据库", name)
        form.addRow("位置", folder)
        form.addRow("程序密码", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.password.setFocus()  # the clerk types at once

    def _make_buttons(self) -> QDialogButtonBox:
        """确定 and 退出 as buttons of our own: a box of standard buttons (their icons from the style) takes 13-25 ms to
        build, before the program's first dialog can paint."""
        buttons = QDialogButtonBox()
        self._ok = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self._cancel = buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        return buttons

    def ok_button(self) -> QPushButton:
        return self._ok

    def cancel_button(self) -> QPushButton:
        return self._cancel

    def forget(self) -> None:
        """Drop what was typed (the file is open, or the clerk quit)."""
        self.password.clear()
        self.secret = ""


class NewPasswordDialog(QDialog):
    """Two entries of a new password."""

    def __init__(self, parent=None, title: str = "设置程序密码", explanation: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
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
        explain = QLabel(explanation or "设置密码后，数据库文件、它的备份和完整数据包都加密保存：拷走的文件、U盘上的备份不泄露任何个人信息。\n"
                         "程序会先备份，再把数据库重新加密，然后显示一次“恢复密钥”，请打印后锁好。")  # fmt: skip
        explain.setWordWrap(True)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            security.check_new_password(self.first.text())
        except UserError as error:
            self.message.setText(str(error))
            return
        if self.first.text() != self.second.text():
            self.message.setText("两次输入的密码不一样，请重新输入。")
        else:
            super().accept()


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once after the password is set: to print and lock away."""

    def __init__(self, recovery: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("恢复密钥（只显示这一次）")
        self.recovery = recovery
        key = QLabel(recovery)
        key.setObjectName("recovery_key")
        key.setStyleSheet("font-family: monospace; font-size: 16pt; padding: 8px;")
        key.setTextInteractionFlags(key.textInteractionFlags() | key.textInteractionFlags().TextSelectableByMouse)
        note = QLabel("这是数据库的恢复密钥。忘记程序密码时，在要求输入密码的地方输入它即可打开数据库（然后请设置新密码）。\n"
                      "它只显示这一次：请现在打印或抄写，锁在柜子里，不要和电脑放在一起。修改密码后会有新的恢复密钥。")  # fmt: skip
        note.setWordWrap(True)
        print_button = QPushButton("打印…")
        print_button.clicked.connect(self.print_key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.addButton(print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(key)
        layout.addWidget(buttons)

    def print_key(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            document = QTextDocument()
            document.documentLayout().setPaintDevice(printer)
            document.setHtml(f"<h2>司法所台账 数据库恢复密钥</h2><p style='font-size:16pt;font-family:monospace'>{self.recovery}</p>"
                             "<p>忘记程序密码时，在要求输入密码的地方输入它。请锁好保管。</p>")  # fmt: skip
            document.print_(printer)


def _confirm_current(parent, db: Database) -> bool:
    return not security.has_password(db) or bool(PasswordDialog(db, "请先输入当前密码（或恢复密钥）", parent).exec())


def _busy(parent, work: Callable[[], object]):
    """Re-encrypting takes a moment (seconds for a county's database): a wait cursor, errors said in Chinese."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from zhaocun_desktop.gui.deferred import QMessageBox

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return work()
    except UserError as error:
        QMessageBox.warning(parent, "程序密码", str(error))
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()


def change_password(parent, db: Database) -> bool:
    """Set or change the program password of ``db`` (the file re-encrypted), then show the recovery key once."""
    from zhaocun_desktop import encryption

    if not _confirm_current(parent, db):
        return False
    dialog = NewPasswordDialog(parent)
    if not dialog.exec():
        return False
    recovery = _busy(parent, lambda: encryption.set_password(db, dialog.first.text()))
    if recovery is None:
        return False
    RecoveryKeyDialog(recovery, parent).exec()
    return True


def remove_password(parent, db: Database) -> bool:
    """Remove the program password of ``db`` (the file decrypted; its backups keep theirs)."""
    from zhaocun_desktop import encryption
    from zhaocun_desktop.gui.deferred import QMessageBox

    if not _confirm_current(parent, db):
        return False
    answer = QMessageBox.question(parent, "取消程序密码", "取消密码后，数据库文件不再加密：拷走这个文件就能读出全部个人信息。\n"
                                  "以前的备份仍然加密，恢复时需要当时的密码。确定取消吗？")  # fmt: skip
    if answer != QMessageBox.StandardButton.Yes:
        return False
    return _busy(parent, lambda: encryption.remove_password(db) or True) is not None


def through_door(parent, db: Database, what: str, table: str = "setting") -> bool:
    """The door to full personal data in the window (privacy.reveal): asks for the password when one is set,
    writes the 操作记录 entry. False when the clerk cancelled (nothing may be shown or written then)."""
    from zhaocun_desktop import privacy

    if not security.has_password(db):
        privacy.reveal(db, what, None, table)
        return True

    def check(text: str) -> bool:
        try:
            privacy.reveal(db, what, text, table, sleep=lambda _s: None)
        except privacy.Refused:
            return False
        return True

    return bool(PasswordDialog(db, f"{what}：需要输入程序密码", parent, check=check).exec())


def unlock_file(path: Path, parent=None, reason: str = "数据库已加密，请输入程序密码（或恢复密钥）", attempts_of: Path | None = None):
    """The key of the encrypted database file at ``path``, asked for in a dialog; None when the clerk cancelled.
    Opened with the recovery key, the clerk is asked to set a new password."""
    found = []

    def check(text: str) -> bool:
        from zhaocun_desktop.backup_files import open_encrypted

        found.append(open_encrypted(path, text, attempts_of, sleep=lambda _s: None))  # the dialog waits before it asks
        return found[-1] is not None

    dialog = PasswordDialog(None, reason, parent, check=check, path=attempts_of or path)
    if not dialog.exec():
        return None
    if found[-1].by_recovery_key:
        tell_recovery_key_used(parent)
    return found[-1].key


def tell_recovery_key_used(parent) -> None:
    from zhaocun_desktop.gui.deferred import QMessageBox

    QMessageBox.information(parent, "已用恢复密钥打开", "您用恢复密钥打开了数据库。请到“设置”页设置一个新密码（会显示新的恢复密钥）。")


_locked: dict = {"by": None}  # the one lock of the whole program: which IdleLock holds it


def _cover_everything() -> Callable[[], None]:
    """Hide what every window of the program shows (a county window opened from a township's included): a
    main window's contents are hidden, any other window (a form, a preview) covered by a blank sheet. Returns
    how to show it all again."""
    undo = []
    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible() or isinstance(widget, PasswordDialog):
            continue
        central = widget.centralWidget() if hasattr(widget, "centralWidget") else None
        if central is not None:
            if central.isVisible():
                central.setVisible(False)
                undo.append(lambda c=central: c.setVisible(True))
            continue
        sheet = QWidget(widget)  # not hide(): a dialog waiting in exec() would end, its typing lost
        sheet.setObjectName("lock_sheet")
        sheet.setAutoFillBackground(True)
        sheet.setGeometry(widget.rect())
        sheet.show()
        sheet.raise_()
        undo.append(sheet.deleteLater)
    return lambda: [step() for step in undo]


class IdleLock(QObject):
    """Locks every window of the program after ``minutes`` without keyboard or mouse input (when a password is set)."""

    INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, window, db: Database):
        super().__init__(window)
        self.window, self.db = window, db
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.lock)
        self.restart()

    @property
    def locked(self) -> bool:
        return _locked["by"] is not None

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
        _locked["by"] = self
        show_again = _cover_everything()
        dialog = PasswordDialog(self.db, "程序已自动锁定，请输入密码继续", self.window)
        try:
            if not dialog.exec():  # no password: the program closes (everything is already saved)
                _locked["by"] = None
                for widget in QApplication.topLevelWidgets():
                    if hasattr(widget, "centralWidget") and widget.isVisible():
                        widget.close()
                return
        finally:
            _locked["by"] = None
        show_again()
        self.restart()

"""The password in the window: the dialog, the idle lock over every window, the door to full numbers,
setting the password (the recovery key shown once) and the county database's own password."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from zhaocun_desktop import audit, crypto, encryption, queries, records, security
from zhaocun_desktop.db import open_db
from zhaocun_desktop.gui.lock import NewPasswordDialog, PasswordDialog, RecoveryKeyDialog
from zhaocun_desktop.registers import MEDIATION_CASE


def test_password_dialog_accepts_only_the_password_and_makes_the_next_guess_wait(qtbot, db):
    encryption.set_password(db, "2024司法")
    dialog = PasswordDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("wrong")
    dialog.accept()
    assert dialog.isVisible() and "密码不对" in dialog.message.text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "请等" in dialog.message.text()  # the next guess waits; the window does not block
    qtbot.waitUntil(ok.isEnabled, timeout=3000)
    dialog.password.setText("2024司法")
    dialog.accept()
    assert dialog.result() == 1
    assert any("程序密码输入错误" in (r["note"] or "") for r in audit.audit_rows(db, "setting"))


def test_idle_lock_hides_every_window_until_the_password(qtbot, open_window, monkeypatch, tmp_path):
    window = open_window(demo=True)
    county_window = window.open_county_database(str(tmp_path / "县级汇总.db"))  # opened from the township window
    encryption.set_password(window.db, "1234")
    seen = []

    def answer(self):
        seen.append((window.centralWidget().isVisible(), county_window.centralWidget().isVisible()))
        self.password.setText("1234")
        PasswordDialog.accept(self)
        return self.result()

    monkeypatch.setattr(PasswordDialog, "exec", answer)
    qtbot.waitUntil(lambda: window.idle_lock is not None)  # made once the first screen has painted
    window.idle_lock.lock()
    assert seen == [(False, False)]  # both windows hid their records while locked
    assert window.centralWidget().isVisible() and county_window.centralWidget().isVisible() and not window.idle_lock.locked
    county_window.close()
    QApplication.processEvents()


def test_showing_full_numbers_in_the_list_goes_through_the_door(qtbot, open_window, monkeypatch):
    window = open_window(demo=True)
    encryption.set_password(window.db, "1234")
    view = window.view(MEDIATION_CASE.key)
    monkeypatch.setattr(PasswordDialog, "exec", lambda self: 0)  # the clerk cancels
    view.reveal_box.setChecked(True)
    assert not view.reveal_box.isChecked() and not view.model.reveal

    def right(self):
        self.password.setText("1234")
        PasswordDialog.accept(self)
        return self.result()

    monkeypatch.setattr(PasswordDialog, "exec", right)
    view.reveal_box.setChecked(True)
    assert view.model.reveal
    assert any(r["action"] == "reveal" for r in audit.audit_rows(window.db, MEDIATION_CASE.key))


def test_setting_the_password_encrypts_and_shows_the_recovery_key_once(qtbot, open_window, monkeypatch):
    window = open_window()
    shown = []

    def new_password(self):
        self.first.setText("新的密码1")
        self.second.setText("新的密码1")
        NewPasswordDialog.accept(self)
        return self.result()

    monkeypatch.setattr(NewPasswordDialog, "exec", new_password)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: shown.append(self.recovery) or 1)
    from zhaocun_desktop.gui import lock

    assert lock.change_password(window, window.db)
    assert security.is_encrypted(window.db) and crypto.is_encrypted(window.db_path)
    assert len(shown) == 1 and crypto.recovery_key(shown[0]) == crypto.key_of(window.db.conn).key
    assert queries.count(window.db, MEDIATION_CASE) >= 0  # the window's connection points at the new file


def test_a_county_database_has_its_own_password(qtbot, open_window, monkeypatch, tmp_path):
    window = open_window(demo=True)
    county_window = window.open_county_database(str(tmp_path / "县级汇总.db"))
    monkeypatch.setattr(NewPasswordDialog, "exec", lambda self: (self.first.setText("县里密码"), self.second.setText("县里密码"), NewPasswordDialog.accept(self), self.result())[-1])
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: 1)
    assert county_window.county.change_password()
    assert crypto.is_encrypted(tmp_path / "县级汇总.db") and not crypto.is_encrypted(window.db_path)
    county_window.close()
    QApplication.processEvents()
    crypto.forget_keys()

    def right(self):
        self.password.setText("县里密码")
        PasswordDialog.accept(self)
        return self.result()

    monkeypatch.setattr(PasswordDialog, "exec", right)
    again = window.open_county_database(str(tmp_path / "县级汇总.db"))
    assert again is not None and again.county is not None
    again.close()
    QApplication.processEvents()


def test_the_full_audit_log_goes_through_the_door(qtbot, db, monkeypatch):
    from zhaocun_desktop.gui.audit_view import AuditLogDialog
    from zhaocun_desktop.registers import PETITION

    records.insert(db, PETITION, dict(reg_date="2023-05-06", level="本镇", status="在办", matter="信访人电话138 0013 8000"))
    encryption.set_password(db, "1234")
    view = AuditLogDialog(db)
    qtbot.addWidget(view)
    shown = lambda: " ".join(view.table.item(r, c).text() for r in range(view.table.rowCount()) for c in range(view.table.columnCount()) if view.table.item(r, c))  # noqa: E731
    assert "138 **** 8000" in shown() and "0013" not in shown()
    monkeypatch.setattr(PasswordDialog, "exec", lambda self: 0)
    view.reveal_box.setChecked(True)
    assert not view.reveal_box.isChecked() and "0013" not in shown()

    def right(self):
        self.password.setText("1234")
        PasswordDialog.accept(self)
        return self.result()

    monkeypatch.setattr(PasswordDialog, "exec", right)
    view.reveal_box.setChecked(True)
    assert "138 0013 8000" in shown()


START = """
import sys
from zhaocun_desktop.gui import app as gui_app
from zhaocun_desktop.gui.deferred import QMessageBox
from zhaocun_desktop.gui.lock import PasswordDialog

asked = []

def type_it(self):
    asked.append("password")
    self.password.setText(sys.argv[1])
    PasswordDialog.accept(self)
    return self.result()

PasswordDialog.exec = type_it
QMessageBox.question = lambda parent, title, text, *a: asked.append(title) or QMessageBox.StandardButton.Yes
QMessageBox.information = lambda *a: None
status = gui_app.run_gui(demo=True)
print("ASKED", "|".join(asked), "STATUS", status, flush=True)
"""


def _start(data_dir, password: str) -> str:
    """The window's real start on the sample database of ``data_dir``, in a process of its own, the password typed."""
    import os
    import subprocess
    import sys

    from zhaocun_desktop.gui.app import QUIT_AFTER_SHOW, RECORDS_MARKER

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHAOCUN_DATA_DIR=str(data_dir), **{QUIT_AFTER_SHOW: "1"})
    result = subprocess.run([sys.executable, "-c", START, password], env=env, capture_output=True, text=True, timeout=120)
    assert RECORDS_MARKER in result.stdout, result.stdout + result.stderr
    return result.stdout.split("ASKED ", 1)[1].strip()


def test_an_encrypted_database_opens_after_its_password_and_its_checks(tmp_path, data_dir):
    from zhaocun_desktop.demo import build_demo

    path = data_dir / "示例数据.db"
    build_demo(path)
    db = open_db(path)
    encryption.set_password(db, "示例密码1")
    db.close()
    assert _start(data_dir, "示例密码1") == "password STATUS 0"  # asked once, before the checks read the file through its key
    assert crypto.is_encrypted(path)


def test_a_damaged_encrypted_database_is_offered_its_newest_backup(tmp_path, data_dir):
    from zhaocun_desktop import backup_files
    from zhaocun_desktop.demo import build_demo

    path = data_dir / "示例数据.db"
    build_demo(path)
    db = open_db(path)
    encryption.set_password(db, "示例密码1")
    backup_files.make_backup(db.conn, path, "manual")
    db.close()
    with open(path, "r+b") as file:  # the first page damaged: no password opens it
        file.seek(100)
        file.write(b"\xff" * 200)
    assert _start(data_dir, "示例密码1") == "password|数据库已损坏 STATUS 0"
    assert list(path.parent.glob("示例数据_损坏_*.db"))

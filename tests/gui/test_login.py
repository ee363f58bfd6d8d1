"""The password of an encrypted database asked before the main window (``gui.lock.LoginDialog``): the right one opens
it, a wrong one is said and makes the next guess wait, 退出 ends the program, the recovery key opens it; the start-up
checks still read the file through the key (damage beyond its first page is found after the records show), and an
older version's password is still turned into encryption. Typed with real key events (ASCII passwords: keyClicks
cannot type Chinese)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from zhaocun_desktop import audit, backup_files, crypto, encryption, security
from zhaocun_desktop.db import open_db
from zhaocun_desktop.gui.app import BENCH_PASSWORD, BENCH_TYPING_MS, LOGIN_MARKER, OK_MARKER, QUIT_AFTER_SHOW, RECORDS_MARKER, STAY_OPEN
from zhaocun_desktop.gui.lock import LoginDialog

PASSWORD = "abc12345"

CLERK = """
import os
import sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow
from zhaocun_desktop import crypto
from zhaocun_desktop.gui import app as gui_app
from zhaocun_desktop.gui.deferred import QMessageBox
from zhaocun_desktop.gui.lock import PasswordDialog, RecoveryKeyDialog

entries, seen = sys.argv[1:], []
QMessageBox.information = lambda parent, title, *a: seen.append(title)
QMessageBox.critical = lambda parent, title, *a: seen.append(title)
QMessageBox.question = lambda parent, title, *a: seen.append(title) or QMessageBox.StandardButton.Yes
RecoveryKeyDialog.exec = lambda self: seen.append("recovery key shown") or 1


def clerk():
    dialog = QApplication.activeModalWidget()
    ok = dialog.ok_button() if isinstance(dialog, PasswordDialog) else None
    if ok is None or not ok.isEnabled() or not entries:  # no dialog yet, or a wrong guess's wait
        QTimer.singleShot(50, clerk)
        return
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    seen.append(type(dialog).__name__ + (" over the window" if windows else " alone") + (" said " + dialog.message.text()[:4] if dialog.message.text() else ""))
    entry = entries.pop(0)
    if entry.endswith("退出"):  # "typed退出": typed (its key derived ahead meanwhile), then 退出 at once
        QTest.keyClicks(dialog.password, entry[:-2])
        QTest.mouseClick(dialog.cancel_button(), Qt.MouseButton.LeftButton)
    else:
        QTest.keyClicks(dialog.password, entry)
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    QTimer.singleShot(50, clerk)


def encrypted_and_shown():  # without QUIT_AFTER_SHOW: ends once the window shows the file encrypted
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and getattr(w, "db", None) is not None]
    if windows and crypto.is_encrypted(windows[0].db_path):
        QApplication.quit()
    else:
        QTimer.singleShot(100, encrypted_and_shown)


QTimer.singleShot(0, clerk)
if not os.environ.get(gui_app.QUIT_AFTER_SHOW):
    QTimer.singleShot(0, encrypted_and_shown)
status = gui_app.run_gui(demo=True)
print("SEEN", "|".join(seen), "STATUS", status, flush=True)
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample database, built once (plain); each test copies it."""
    from zhaocun_desktop.demo import build_demo

    path = tmp_path_factory.mktemp("sample") / "示例数据.db"
    build_demo(path)
    return path


def _encrypted_sample(sample, data_dir) -> str:
    """The sample in ``data_dir`` with the program password set (the file encrypted); returns the recovery key."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "示例数据.db"
    shutil.copy(sample, path)
    db = open_db(path)
    recovery = encryption.set_password(db, PASSWORD)
    backup_files.make_backup(db.conn, path, "manual")
    db.close()
    crypto.forget_keys()
    return recovery


def _start(data_dir, *entries: str, stay: float | None = None, quit_after_show: bool = True) -> tuple[str, str]:
    """The window's real start on the sample of ``data_dir`` in a process of its own, the clerk typing ``entries``
    (or clicking 退出) in each password dialog; returns (what the clerk saw, the exit status) and asserts the output."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHAOCUN_DATA_DIR=str(data_dir))
    env.pop(QUIT_AFTER_SHOW, None)
    if quit_after_show:
        env[QUIT_AFTER_SHOW] = "1"
    if stay:
        env[STAY_OPEN] = str(stay)
    result = subprocess.run([sys.executable, "-c", CLERK, *entries], env=env, capture_output=True, text=True, timeout=180)
    assert "SEEN" in result.stdout, result.stdout + result.stderr
    seen, status = result.stdout.split("SEEN ", 1)[1].rsplit(" STATUS ", 1)
    return seen.strip(), status.strip(), result.stdout


@pytest.mark.parametrize("ahead", [False, True], ids=["derived-on-ok", "derived-while-typed"])
def test_the_login_dialog_takes_the_password_and_makes_a_wrong_guess_wait(qtbot, sample, data_dir, ahead):
    _encrypted_sample(sample, data_dir)
    path = data_dir / "示例数据.db"
    found = []
    deriver = crypto.KeyDeriver(crypto.file_salt(path)) if ahead else None

    def check(text: str) -> bool:  # as the start's worker does (the dialog waits before it asks)
        found.append(crypto.open_with(path, text, sleep=lambda _s: None, deriver=deriver))
        return found[-1] is not None

    dialog = LoginDialog(path, check, deriver.feed if ahead else None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.password  # the clerk types at once
    assert dialog.ok_button().text() == "确定" and dialog.ok_button().isDefault()  # Enter in the password box presses it
    assert dialog.cancel_button().text() == "退出"
    QTest.keyClicks(dialog.password, "wrong-one")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    ok = dialog.ok_button()
    assert dialog.isVisible() and found == [None] and "密码不对" in dialog.message.text()
    assert not ok.isEnabled() and "请等" in dialog.message.text()  # the next guess waits
    QTest.keyClicks(dialog.password, PASSWORD)  # typed over the wrong one (selected)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and len(found) == 1  # not tried during the wait
    qtbot.waitUntil(ok.isEnabled, timeout=5000)
    if ahead:
        qtbot.waitUntil(lambda: deriver.ready(PASSWORD), timeout=5000)  # derived while the wait ran, not yet tried
        assert len(found) == 1 and len(crypto.Attempts(path).wrong()) == 1
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == 1 and found[-1].proven and not found[-1].by_recovery_key
    if ahead:
        deriver.close()
    db = open_db(path, key=found[-1].key)  # the wrong guess is in the 操作记录 once the file opens
    assert any("打开数据库前程序密码输错 1 次" in (r["note"] or "") for r in audit.audit_rows(db, "setting"))
    db.close()


def test_a_chinese_password_opens_the_file(qtbot, db_path):
    db = open_db(db_path)
    encryption.set_password(db, "司法所密码2024")
    db.close()
    crypto.forget_keys()
    found = []
    dialog = LoginDialog(db_path, lambda text: found.append(backup_files.open_encrypted(db_path, text, sleep=lambda _s: None)) or found[-1] is not None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.password.setText("司法所密码2024")  # (keyClicks cannot type Chinese)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == 1 and found[-1].proven
    open_db(db_path, key=found[-1].key).close()


def test_the_password_comes_before_the_window_and_a_wrong_one_is_said(sample, data_dir):
    _encrypted_sample(sample, data_dir)
    seen, status, output = _start(data_dir, "wrong-one", PASSWORD)
    assert status == "0" and RECORDS_MARKER in output
    assert seen == "LoginDialog alone|LoginDialog alone said 密码不对"  # no window before the password is right


def test_quitting_at_the_login_ends_the_program_without_opening_the_file(sample, data_dir):
    _encrypted_sample(sample, data_dir)
    seen, status, output = _start(data_dir, "退出")
    assert (seen, status) == ("LoginDialog alone", "1") and RECORDS_MARKER not in output
    assert not (data_dir / "示例数据.db.lock").exists()  # the next start is not taken for a second copy


def test_the_recovery_key_opens_the_file_and_the_clerk_is_told_to_set_a_new_password(sample, data_dir):
    recovery = _encrypted_sample(sample, data_dir)
    seen, status, output = _start(data_dir, recovery)
    assert (seen, status) == ("LoginDialog alone|已用恢复密钥打开", "0") and RECORDS_MARKER in output


def test_damage_beyond_the_first_page_is_found_through_the_key_after_the_records_show(sample, data_dir):
    """The key opens the file (its first page and schema are sound), so the records show while the rest is checked;
    the check, through the key, finds the damaged page: the clerk is told, and the program opens the file again, checked
    first (no second password), offering the newest sound backup."""
    _encrypted_sample(sample, data_dir)
    path = data_dir / "示例数据.db"
    key = crypto.unlock(path, PASSWORD)
    conn = crypto.connect(path, key, readonly=True)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'search_mediation_case_data'").fetchone()[0]
    size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.close()
    crypto.forget_keys()
    with open(path, "r+b") as file:  # a page of a search index: the first screen does not read it
        file.seek((page - 1) * size + 200)
        file.write(os.urandom(300))
    seen, status, output = _start(data_dir, PASSWORD, stay=1.5)
    assert seen == "LoginDialog alone|数据库已损坏|数据库已损坏|已恢复", output
    assert status == "0" and output.count(RECORDS_MARKER) == 2  # the damaged file's records, then the backup's
    assert list(data_dir.glob("示例数据_损坏_*.db"))


def test_an_older_versions_password_is_asked_over_the_window_and_the_file_encrypted(sample, data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "示例数据.db"
    shutil.copy(sample, path)
    db = open_db(path)
    db.execute("INSERT INTO setting (key, value) VALUES (?, ?)", [security.PASSWORD_KEY, security.hash_password(PASSWORD)])
    db.close()
    seen, status, output = _start(data_dir, "wrong-one", PASSWORD, quit_after_show=False)
    assert status == "0", output
    assert seen == "PasswordDialog over the window|PasswordDialog over the window said 密码不对|加密数据库|recovery key shown"
    assert crypto.is_encrypted(path) and crypto.unlock(path, PASSWORD)


def test_a_password_typed_with_key_events_has_its_key_derived_ahead_and_enter_opens_the_file(qtbot, sample, data_dir):
    """As the start wires it: every change of the password box fed to a KeyDeriver; Enter checks the key derived for
    the final text (a deleted character's key is not the one used) and opens the file."""
    _encrypted_sample(sample, data_dir)
    path = data_dir / "示例数据.db"
    deriver = crypto.KeyDeriver(crypto.file_salt(path))
    found = []
    dialog = LoginDialog(path, lambda text: found.append(crypto.open_with(path, text, sleep=lambda _s: None, deriver=deriver)) or found[-1] is not None,
                         deriver.feed)  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QTest.keyClicks(dialog.password, PASSWORD + "9")
    qtbot.waitUntil(lambda: deriver.ready(PASSWORD + "9"), timeout=5000)
    QTest.keyClick(dialog.password, Qt.Key.Key_Backspace)  # the last character deleted: that key dropped
    assert not deriver.ready(PASSWORD + "9")
    qtbot.waitUntil(lambda: deriver.ready(PASSWORD), timeout=5000)
    QTest.keyClick(dialog.password, Qt.Key.Key_Enter)
    assert dialog.result() == 1 and found[-1].proven and found[-1].key.key == crypto.derive(PASSWORD, crypto.file_salt(path))
    dialog.forget()
    deriver.close()
    assert dialog.password.text() == "" and dialog.secret == "" and not deriver.ready(PASSWORD)


def test_quitting_while_a_key_is_derived_ends_the_program(sample, data_dir):
    _encrypted_sample(sample, data_dir)
    seen, status, output = _start(data_dir, PASSWORD + "退出")
    assert (seen, status) == ("LoginDialog alone", "1") and RECORDS_MARKER not in output
    assert crypto.Attempts(data_dir / "示例数据.db").wrong(all_of_them=True) == []  # nothing tried, nothing counted


def test_the_benchmark_types_the_password_into_the_login_dialog(sample, data_dir):
    """bench/startup.py --encrypted: the password typed at a stated pace into the real dialog, 确定 pressed, the
    markers in the order the benchmark reads them."""
    _encrypted_sample(sample, data_dir)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHAOCUN_DATA_DIR=str(data_dir), **{QUIT_AFTER_SHOW: "1", BENCH_PASSWORD: PASSWORD,
               BENCH_TYPING_MS: "30"})  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "zhaocun_desktop", "--demo"], env=env, capture_output=True, text=True, timeout=180)
    lines = [line for line in result.stdout.splitlines() if line in (LOGIN_MARKER, OK_MARKER, RECORDS_MARKER)]
    assert result.returncode == 0 and lines == [LOGIN_MARKER, OK_MARKER, RECORDS_MARKER], result.stdout + result.stderr

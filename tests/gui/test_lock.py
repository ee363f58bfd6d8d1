"""The password dialog and the idle lock."""

from zhaocun_desktop import security
from zhaocun_desktop.gui.lock import PasswordDialog


def test_password_dialog_accepts_only_the_password(qtbot, db):
    security.set_password(db, "2024司法")
    dialog = PasswordDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("wrong")
    dialog.accept()
    assert dialog.isVisible() and "密码不对" in dialog.message.text()
    dialog.password.setText("2024司法")
    dialog.accept()
    assert dialog.result() == 1


def test_idle_lock_hides_the_data_until_the_password(qtbot, open_window, monkeypatch):
    window = open_window()
    security.set_password(window.db, "1234")
    seen = []

    def answer(self):
        seen.append(window.centralWidget().isVisible())
        self.password.setText("1234")
        PasswordDialog.accept(self)
        return self.result()

    monkeypatch.setattr(PasswordDialog, "exec", answer)
    qtbot.waitUntil(lambda: window.idle_lock is not None)  # made once the first screen has painted
    window.idle_lock.lock()
    assert seen == [False]  # the lists were hidden while locked
    assert window.centralWidget().isVisible() and not window.idle_lock.locked

"""GUI fixtures: a main window over a real database file, and a way to drive modal dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from zhaocun_desktop import queries, records
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.gui.app import install_chinese, ui_state_file
from zhaocun_desktop.gui.main_window import MainWindow
from zhaocun_desktop.registers import VILLAGE


@pytest.fixture(scope="session")
def qapp_cls():
    return QApplication


@pytest.fixture(scope="session", autouse=True)
def chinese_qt(qapp):
    install_chinese(qapp)


@pytest.fixture
def open_window(qtbot, db_path):
    """Open a main window on ``db_path``; returns a function so a test can reopen it."""
    opened = []

    def opener(demo: bool = False, villages: tuple[str, ...] = ("赵村村", "中汤村")):
        db = open_db(db_path)
        if demo and queries.count(db, VILLAGE) == 0:
            fill_demo(db)
        elif villages and queries.count(db, VILLAGE) == 0:
            records.insert_many(db, VILLAGE, [dict(name=v) for v in villages])
        window = MainWindow(db_path, ui_state_file(), db=db)
        # not qtbot.addWidget: pytest-qt closes its widgets before fixtures tear down, and a
        # window with unsaved text would then wait for an answer to 保存 / 不保存 / 取消
        window.show()
        qtbot.waitExposed(window)
        opened.append((window, db))
        return window

    yield opener
    for window, db in opened:
        window.discard_unsaved_work()  # else closing asks 保存 / 不保存 / 取消 and waits for an answer
        window.close()
        window.deleteLater()
        db.close()


@pytest.fixture
def when_modal():
    """``when_modal(handle)``: run ``handle(dialog)`` on the next modal dialog (before the action opening it)."""
    return _when_modal


def _when_modal(handle):
    state = {"done": False}

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
            return
        try:
            handle(dialog)
        finally:
            state["done"] = True

    QTimer.singleShot(0, poll)
    return state


@pytest.fixture
def clerk_confirms(monkeypatch):
    """The clerk answers 确认数据包的来源 (the real dialog) as after checking every fingerprint by
    phone: each first key ticked, each changed key typed. ``clerk_confirms`` lists the questions."""
    from zhaocun_desktop.gui import package_trust

    asked = []

    def confirm(parent, questions, given):
        asked.append(questions)
        dialog = package_trust.TrustDialog(questions, parent)
        for question, widget in dialog.answers:
            if question.kind == "changed_key":
                widget.setText(question.fingerprint.lower().replace("-", " "))
            else:
                widget.setChecked(True)
        assert dialog.accept_button.isEnabled()
        answered = dialog.consent(given)
        dialog.deleteLater()
        return answered

    monkeypatch.setattr(package_trust, "ask_consent", confirm)
    return asked

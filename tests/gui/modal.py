"""Driving modal dialogs from a GUI test without blocking: act once the dialog is up."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton


def when_shown(kind, ready, handle):
    """Run ``handle(widget)`` once the active modal widget is a ``kind`` and ``ready(widget)`` holds."""
    state = {"done": False}

    def poll():
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible() and ready(widget):
            handle(widget)
            state["done"] = True
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return state


def click(box, text):
    """Click the button of ``box`` labelled ``text``."""
    next(b for b in box.findChildren(QPushButton) if b.text() == text).click()

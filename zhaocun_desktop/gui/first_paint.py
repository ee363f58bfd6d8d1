"""``after_first_paint``: work that waits until a window has painted once (the first screen comes first).

Below ``gui/app.py`` and ``gui/main_window.py``, which both use it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer


class _FirstPaint(QObject):
    """Calls ``then`` once the watched window has painted for the first time."""

    def __init__(self, then, parent=None):
        super().__init__(parent)
        self.then = then

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.then)  # after this paint has finished
        return False


def after_first_paint(widget, then) -> None:
    """Run ``then`` once ``widget`` has painted for the first time (after that paint has finished)."""
    widget.installEventFilter(_FirstPaint(then, widget))

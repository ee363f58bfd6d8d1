"""Window sizes that fit the screen: a dialog asks for a size and gets at most what the screen has room for.

Township offices run 1366x768 and 1024x600 screens with a taskbar; a dialog taller than the
screen hides its 确定 / 取消 below the edge.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TITLE_BAR = 40  # px above the dialog's contents the window manager takes (title bar and frame)
FRAME = 10  # px each side


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The part of the screen ``widget``'s window is on (else the primary screen's) that windows
    may use: the whole screen less the taskbar."""
    screen = widget.window().screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 600)


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """Give ``dialog`` the size ``width`` x ``height``, but never more than its screen has room for
    with the title bar and frame; what does not fit must scroll (the dialog's own layout).

    Qt centres a dialog on its parent (and keeps it on the screen) when it is first shown, so
    only the size is set here: moving it would stop that.
    """
    area = available_geometry(dialog.parentWidget() or dialog)
    dialog.resize(min(width, area.width() - 2 * FRAME), min(height, area.height() - TITLE_BAR - FRAME))

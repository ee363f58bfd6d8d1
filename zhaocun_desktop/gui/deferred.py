"""Qt classes that only an answer from the clerk needs, imported at their first use.

PySide builds a class and its enums when it is first imported: ``QMessageBox`` costs about 2 ms and five
enums, ``QFileDialog`` 1 ms and five. The modules on the way to the first screen (``gui/app.py``,
``gui/main_window.py``, ``gui/overview_view.py``) name these classes in dozens of places but use them
only when something goes wrong or the clerk chooses a file; they import them from here.
A ``Deferred`` passes every attribute and call on to the class, so ``QMessageBox.question(…)``,
``QMessageBox.StandardButton.Yes`` and ``QMessageBox(…)`` read as usual, and a test that patches the
PySide class patches what these modules use.
"""

from __future__ import annotations

import importlib


class Deferred:
    """Stands for ``module.name`` and imports it at the first attribute or call."""

    def __init__(self, module: str, name: str):
        self._module, self._name = module, name

    def _class(self):
        return getattr(importlib.import_module(self._module), self._name)

    def __getattr__(self, attribute: str):
        return getattr(self._class(), attribute)

    def __call__(self, *args, **kwargs):
        return self._class()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Deferred({self._module}.{self._name})"


QMessageBox = Deferred("PySide6.QtWidgets", "QMessageBox")
QFileDialog = Deferred("PySide6.QtWidgets", "QFileDialog")
QInputDialog = Deferred("PySide6.QtWidgets", "QInputDialog")

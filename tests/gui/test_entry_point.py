"""The real entry point in a subprocess, the single-instance guard, and the compiled .ui forms."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QMessageBox

from zhaocun_desktop.gui import app as gui_app
from zhaocun_desktop.gui.app import QUIT_AFTER_SHOW, RECORDS_MARKER, SHOWN_MARKER

ROOT = Path(__file__).resolve().parents[2]


def test_entry_point_reaches_the_main_window_and_quits(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHAOCUN_DATA_DIR=str(tmp_path), **{QUIT_AFTER_SHOW: "1"})
    result = subprocess.run([sys.executable, "-m", "zhaocun_desktop", "--demo"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert SHOWN_MARKER in result.stdout
    assert result.stdout.index(RECORDS_MARKER) > result.stdout.index(SHOWN_MARKER), "the window first, then its records"
    assert (tmp_path / "示例数据.db").is_file()
    assert not (tmp_path / "示例数据.db.lock").exists(), "the lock is released on exit"


def test_a_second_copy_on_the_same_database_says_so(qapp, tmp_path, monkeypatch):
    path = tmp_path / "台账.db"
    first = QLockFile(str(path) + ".lock")
    assert first.tryLock(0)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    assert gui_app.run_gui(db_path=path) == 1
    assert "已经打开了这个数据库" in shown[0]
    assert not path.exists(), "the second copy must not touch the database"
    first.unlock()


def _tool(name: str):
    """A script of ``tools/`` as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compiled_forms_match_their_ui_files():
    """``zhaocun_desktop/gui/forms`` must be compiled again (``tools/compile_ui.py``) whenever ``ui/`` changes."""
    compile_ui = _tool("compile_ui")
    strip = lambda text: [line for line in text.splitlines() if "Created by: Qt User Interface Compiler" not in line]  # noqa: E731
    forms = sorted((ROOT / "ui").glob("*.ui"))
    assert forms
    for ui in forms:
        committed = ROOT / "zhaocun_desktop" / "gui" / "forms" / f"ui_{ui.stem}.py"
        assert strip(committed.read_text(encoding="utf-8")) == strip(compile_ui.compile_form(ui)), "run: .venv/bin/python tools/compile_ui.py"


def test_a_compiled_form_imports_only_the_classes_it_uses():
    """PySide builds every class a module imports (with its enums) at import: uic's import of some thirty
    classes cost the start about 40 ms. The cut keeps what the form names, and nothing else."""
    compile_ui = _tool("compile_ui")
    source = (
        "from PySide6.QtCore import (QCoreApplication, QDate,\n    QMetaObject, Qt)\n"
        "from PySide6.QtGui import (QBrush, QColor)\n"
        "from PySide6.QtWidgets import QLabel, QWidget\n\n"
        "# Qt QColor in a comment\nclass Ui_Form(object):\n    def setupUi(self, Form):\n"
        "        self.label = QLabel(Form)\n        QMetaObject.connectSlotsByName(Form)\n"
        "        self.label.setText(QCoreApplication.translate('Form', 'QDate', None))\n"
    )
    cut = compile_ui.used_imports_only(source)
    assert cut.splitlines()[:3] == ["from PySide6.QtCore import QCoreApplication, QMetaObject", "from PySide6.QtWidgets import QLabel", ""]
    assert cut.endswith(source[source.index("# Qt QColor"):])

"""The real entry point in a subprocess, the single-instance guard, and the compiled .ui forms."""

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


def test_compiled_forms_match_their_ui_files(tmp_path):
    """``zhaocun_desktop/gui/forms`` must be regenerated (pyside6-uic) whenever ``ui/`` changes."""
    uic = Path(sys.executable).with_name("pyside6-uic")
    for ui in sorted((ROOT / "ui").glob("*.ui")):
        generated = tmp_path / f"ui_{ui.stem}.py"
        subprocess.run([str(uic) if uic.exists() else "pyside6-uic", str(ui), "-o", str(generated)], check=True)
        committed = ROOT / "zhaocun_desktop" / "gui" / "forms" / f"ui_{ui.stem}.py"
        strip = lambda text: [line for line in text.splitlines() if "Created by: Qt User Interface Compiler" not in line]  # noqa: E731
        assert strip(committed.read_text(encoding="utf-8")) == strip(generated.read_text(encoding="utf-8")), f"run: pyside6-uic {ui} -o {committed}"

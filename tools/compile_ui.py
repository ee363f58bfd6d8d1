"""Compile the Designer files in ``ui/`` into ``zhaocun_desktop/gui/forms/ui_NAME.py``.

    .venv/bin/python tools/compile_ui.py          # after changing a file in ui/

pyside6-uic writes the form, then its ``from PySide6.QtX import (...)`` lines are cut down to the
names the form uses. uic imports some thirty classes whatever the form holds (gradients, cursors,
the font database, the ``Qt`` namespace, ...), and PySide builds each imported class, with all its
enums, at import: for the main window that was about 40 ms of every start (``bench/startup.py``).
A test compiles the files again and compares (tests/gui/test_entry_point.py).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "zhaocun_desktop" / "gui" / "forms"
_IMPORT = re.compile(r"^from (PySide6\.\w+) import (\([^()]*\)|[^\n]*)\n", re.MULTILINE)


def uic() -> str:
    """pyside6-uic of the Python that runs this (the project's .venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("pyside6-uic")
    return str(beside) if beside.exists() else "pyside6-uic"


def used_imports_only(source: str) -> str:
    """``source`` (uic's output) with each PySide6 import cut to the names the rest of it uses;
    an import left with no name is dropped."""
    used_names = {node.id for node in ast.walk(ast.parse(_IMPORT.sub("", source))) if isinstance(node, ast.Name)}

    def keep(match: re.Match) -> str:
        names = [name.strip() for name in match.group(2).strip("()").split(",") if name.strip()]
        used = [name for name in names if name in used_names]
        return f"from {match.group(1)} import {', '.join(used)}\n" if used else ""

    return _IMPORT.sub(keep, source)


def compile_form(ui: Path) -> str:
    """The Python text of the form in ``ui``."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "form.py"
        subprocess.run([uic(), str(ui), "-o", str(out)], check=True)
        return used_imports_only(out.read_text(encoding="utf-8"))


def main() -> int:
    for ui in sorted((ROOT / "ui").glob("*.ui")):
        target = FORMS / f"ui_{ui.stem}.py"
        target.write_text(compile_form(ui), encoding="utf-8")
        print(f"{ui.relative_to(ROOT)} -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

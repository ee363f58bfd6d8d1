"""Compile resources/translations/*.ts into the .qm files beside them (pyside6-lrelease).

    .venv/bin/python tools/compile_translations.py      # after changing a .ts file

The .qm travels with the program (wheel and frozen build take resources/ whole); a test compiles the
.ts again and compares (tests/gui/test_entry_point.py).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "resources" / "translations"


def lrelease() -> str:
    """pyside6-lrelease of the Python that runs this (the project's .venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    return str(beside) if beside.exists() else "pyside6-lrelease"


def compile_ts(ts: Path) -> bytes:
    """The .qm bytes of ``ts``."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.qm"
        subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(out)], check=True)
        return out.read_bytes()


def main() -> int:
    for ts in sorted(FOLDER.glob("*.ts")):
        target = ts.with_suffix(".qm")
        target.write_bytes(compile_ts(ts))
        print(f"{ts.relative_to(ROOT)} -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

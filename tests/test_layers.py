"""The layers of the package (pyproject.toml's import-linter contracts) hold, and they stop an upward import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
FRONT_ENDS = {"gui", "cli", "__main__", "selftest"}  # selftest checks a frozen build's Qt translation


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def _lint(package_parent: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT), "--no-cache", "--config", str(ROOT / "pyproject.toml")], cwd=package_parent, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_every_core_module_is_in_the_contract_that_forbids_qt():
    """A new module of the core is named in the forbidden contract (the layers contract, exhaustive, already
    makes it choose a layer)."""
    package = ROOT / "zhaocun_desktop"
    modules = {path.stem for path in package.glob("*.py")} | {path.name for path in package.iterdir() if (path / "__init__.py").is_file()}
    core = {f"zhaocun_desktop.{name}" for name in modules - FRONT_ENDS - {"__init__"}}
    assert set(_contracts()["core-without-qt"]["source_modules"]) == core


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 broken." in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(tmp_path):
    """registers (the descriptions, near the bottom) reaching up to records in a function, as the string hook
    and the lazy pattern check once did: the run fails and names the import."""
    copy = tmp_path / "zhaocun_desktop"
    shutil.copytree(ROOT / "zhaocun_desktop", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "registers.py").open("a", encoding="utf-8") as file:
        file.write("\n\ndef _upward():\n    from zhaocun_desktop import records\n\n    return records\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "zhaocun_desktop.registers -> zhaocun_desktop.records" in result.stdout


def test_qt_in_the_core_breaks_the_forbidden_contract(tmp_path):
    copy = tmp_path / "zhaocun_desktop"
    shutil.copytree(ROOT / "zhaocun_desktop", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "figures.py").open("a", encoding="utf-8") as file:
        file.write("\n\ndef _window():\n    from PySide6.QtWidgets import QWidget\n\n    return QWidget\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "zhaocun_desktop.figures is not allowed to import PySide6" in result.stdout

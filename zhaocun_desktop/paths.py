"""Where things are: read-only resources (three ways of running) and the writable data folder.

This is the only module that knows whether the program runs from a checkout, an
installed wheel or a PyInstaller bundle.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
APP_DIR_NAME = "zhaocun-desktop"


def _base(name: str) -> Path:
    """The folder ``name`` (resources or ui) for the way the program is running."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:  # PyInstaller bundle: the spec copies the folders next to the code
        return Path(frozen) / name
    inside = PACKAGE_DIR / name  # installed wheel: hatchling force-includes them here
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name  # source checkout or editable install


def resource(*parts: str) -> Path:
    """A file under ``resources/``."""
    return _base("resources").joinpath(*parts)


def ui_file(name: str) -> Path:
    """A Designer file under ``ui/``."""
    return _base("ui") / name


def data_dir() -> Path:
    """The user's writable folder for the database, backups, logs and exports.

    ``ZHAOCUN_DATA_DIR`` overrides it (tests, portable use).
    """
    override = os.environ.get("ZHAOCUN_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        root = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(root) / APP_DIR_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_DIR_NAME


def default_db_path() -> Path:
    return data_dir() / "台账.db"


def demo_db_path() -> Path:
    return data_dir() / "示例数据.db"

"""Resources are found from a checkout and from an installed wheel; data goes to the data folder."""

import subprocess
import sys
import zipfile
from pathlib import Path

from zhaocun_desktop import paths

ROOT = Path(__file__).resolve().parents[1]


def test_resources_from_the_checkout():
    assert paths.resource("icons", "app.png").is_file()
    assert paths.ui_file("main_window.ui").is_file()


def test_data_folder_follows_the_override(data_dir):
    assert paths.data_dir() == data_dir
    assert paths.default_db_path().parent == data_dir and paths.demo_db_path() != paths.default_db_path()


def test_wheel_carries_resources_and_ui(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "zhaocun_desktop/resources/icons/app.png" in names
    assert "zhaocun_desktop/ui/main_window.ui" in names
    assert "zhaocun_desktop/gui/forms/ui_main_window.py" in names


def test_frozen_bundle_path(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resource("icons", "app.png") == tmp_path / "resources" / "icons" / "app.png"

"""The real program on a real X server (Xvfb, Qt's xcb plugin, not offscreen): painted, then quits.

This is what a 统信UOS / 麒麟 / Debian desktop runs; it fails when a library the xcb plugin needs
is missing (tools/system-deps.sh installs them).
"""

import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from xwd import colours, read_xwd, save_png

from zhaocun_desktop import APP_NAME
from zhaocun_desktop.gui.app import QUIT_AFTER_SHOW, RECORDS_MARKER, STAY_OPEN

needs_x = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("Xvfb", "xwd", "xwininfo")), reason="Xvfb, xwd or xwininfo missing (tools/system-deps.sh)"
)


@pytest.fixture
def x_display():
    """A private Xvfb server; yields its DISPLAY."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(10)


def _main_window(display: str) -> tuple[int, int, int, int]:
    """Geometry (x, y, width, height) of the mapped top-level window whose title starts with the program's name."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=dict(os.environ, DISPLAY=display), capture_output=True, text=True, check=True).stdout
    for line in tree.splitlines():
        match = re.search(r'"' + re.escape(APP_NAME) + r' [^"]*": \(.*\)\s+(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', line)
        if match:
            width, height, x, y = map(int, match.groups())
            return x, y, width, height
    raise AssertionError("no main window on the X server:\n" + tree)


@needs_x
def test_the_program_paints_its_window_on_a_real_x_server_and_quits(x_display, tmp_path):
    env = dict(
        os.environ,
        DISPLAY=x_display,
        QT_QPA_PLATFORM="xcb",
        ZHAOCUN_DATA_DIR=str(tmp_path),
        **{QUIT_AFTER_SHOW: "1", STAY_OPEN: "15"}  # time for xwininfo and xwd on a busy machine,
    )
    program = subprocess.Popen([sys.executable, "-m", "zhaocun_desktop", "--demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        for line in program.stdout:
            if RECORDS_MARKER in line or time.monotonic() > deadline:
                break
        assert RECORDS_MARKER in line, program.stderr.read()
        x, y, width, height = _main_window(x_display)
        assert width > 600 and height > 400
        dump = tmp_path / "screen.xwd"
        subprocess.run(["xwd", "-root", "-silent", "-out", str(dump)], env=dict(os.environ, DISPLAY=x_display), check=True)
        screen_width, screen_height, rows = read_xwd(dump)
        save_png(rows, screen_width, screen_height, tmp_path / "screen.png")
        inside = colours(rows, max(x, 0), max(y, 0), min(width, screen_width), min(height, screen_height))
        outside = colours(rows, screen_width - 20, screen_height - 20, 20, 20)
        # An unpainted window is one flat colour; text, grid lines and the tab bar give many.
        assert len(inside) > 50, f"window looks unpainted: {len(inside)} colours"
        assert len(outside) <= 2, "the bare X root is flat: the window is where we think it is"
        assert program.wait(60) == 0, program.stderr.read()
    finally:
        if program.poll() is None:
            program.kill()

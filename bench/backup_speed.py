"""Backups and the start-up check of a large database file, beside raw SQLite doing the same in the same run;
and how long the window's event loop stalls while they run in the background (issue 27: no stall > 100 ms).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/backup_speed.py [DATABASE]

DATABASE defaults to bench/large_table.py's 1,000,000-case file (868 MB; run that bench first to build it). It is
copied into a temporary data folder (the original is not touched). Times are the median of REPEAT runs where said.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPEAT = 3


def median(function, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<58}{seconds:>8.2f} s  {note}")


def raw_anchors(path: Path, work: Path) -> dict[str, float]:
    """sqlite3 alone: VACUUM INTO, the backup API, and the two checks of the copy."""
    copy = work / "raw_copy.db"

    def vacuum_into() -> None:
        copy.unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        conn.execute("VACUUM INTO ?", [str(copy)])
        conn.close()

    def backup_api() -> None:
        copy.unlink(missing_ok=True)
        source, target = sqlite3.connect(path), sqlite3.connect(copy)
        source.backup(target)
        target.close()
        source.close()

    def check(pragma: str):
        def run() -> None:
            conn = sqlite3.connect(copy)
            assert conn.execute(f"PRAGMA {pragma}").fetchone()[0] == "ok"
            conn.close()

        return run

    def start_up_check() -> None:  # what dbcheck.check_database + link_problems run on the file itself
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("PRAGMA quick_check").fetchall()
        conn.execute("PRAGMA foreign_key_check").fetchall()
        conn.close()

    found = {"backup API (raw)": median(backup_api), "VACUUM INTO (raw)": median(vacuum_into), "quick_check of the copy (raw)": median(check("quick_check")),
             "integrity_check of the copy (raw, once)": median(check("integrity_check"), 1), "start-up check: quick_check + foreign_key_check (raw)": median(start_up_check)}  # fmt: skip
    copy.unlink(missing_ok=True)
    return found


class StallMeter:
    """Counts a QTimer's ticks (every ``interval`` ms) and keeps the longest gap between two: how long the
    window's event loop could not turn."""

    def __init__(self, interval: int = 5):
        from PySide6.QtCore import QTimer

        self.longest, self.ticks, self._last = 0.0, 0, None
        self.timer = QTimer()
        self.timer.setInterval(interval)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.longest = max(self.longest, now - self._last)
        self._last, self.ticks = now, self.ticks + 1

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._tick()


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if source is None:
        from zhaocun_desktop.db import SCHEMA_VERSION

        source = Path(tempfile.gettempdir()) / f"zhaocun_bench_1000000_v{SCHEMA_VERSION}.db"
    if not source.exists():
        print(f"{source} is missing: run bench/large_table.py first (it builds it), or name a database file")
        return 2
    work = Path(tempfile.mkdtemp(prefix="zhaocun_backup_bench_"))
    os.environ["ZHAOCUN_DATA_DIR"] = str(work)
    path = work / "台账.db"
    shutil.copy(source, path)
    size = path.stat().st_size
    print(f"{path.name}: {size / 2**20:.0f} MB (a copy of {source})")

    print("\nraw sqlite3, the same file (median of 3 unless said)")
    raw = raw_anchors(path, work)
    for label, seconds in raw.items():
        line(label, seconds)

    from PySide6.QtWidgets import QApplication

    from zhaocun_desktop import backup_files
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.gui.app import create_app, finish_on_exit, open_checked, start_checks, ui_state_file
    from zhaocun_desktop.gui.background import background_running
    from zhaocun_desktop.gui.main_window import MainWindow

    app = create_app()
    print("\nours")
    db = open_db(path)

    def ours() -> None:
        made = backup_files.make_backup(db.conn, path, "manual")
        made.unlink()

    mine = median(ours)
    line("backup_files.make_backup (VACUUM INTO + quick_check)", mine,
         f"{mine / (raw['VACUUM INTO (raw)'] + raw['quick_check of the copy (raw)']):.2f}x raw VACUUM INTO + quick_check; "
         f"before (+ integrity_check): ~{raw['VACUUM INTO (raw)'] + raw['integrity_check of the copy (raw, once)']:.1f} s")  # fmt: skip
    db.close()

    def opened(defer: bool) -> float:
        started = time.perf_counter()
        checks = start_checks(path)
        db = open_checked(path, None, checks, daily_backup=False, defer_large=defer)
        seconds = time.perf_counter() - started
        checks.join()
        db.close()
        return seconds

    waited = statistics.median(opened(False) for _ in range(REPEAT))
    deferred = statistics.median(opened(True) for _ in range(REPEAT))
    line("start: checks + open, waiting for the damage check (before)", waited)
    line("start: checks + open, the damage check in the background", deferred, f"{deferred / waited:.2f}x")

    print("\nthe window's event loop while backups run (a QTimer every 5 ms; the longest gap between two ticks)")
    db = open_checked(path, None, start_checks(path), daily_backup=False)
    window = MainWindow(path, ui_state_file(), db=db)
    window.resize(1280, 800)
    window.show()
    for _ in range(20):
        app.processEvents()
    from zhaocun_desktop.gui.app import back_up_today

    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    back_up_today(window, path)  # the day's first backup (none yet in this folder)
    while background_running():
        app.processEvents()
        time.sleep(0.001)
    meter.stop()
    line("day's first backup in the background (back_up_today)", time.perf_counter() - started,
         f"longest stall {meter.longest * 1000:.0f} ms over {meter.ticks} ticks (goal < 100 ms)")  # fmt: skip
    assert [b.reason for b in backup_files.list_backups(path)] == ["daily"], "the day's backup was made"

    for item in backup_files.list_backups(path):
        item.path.unlink()
    back_up_today(window, path)  # closing while it runs: the dialog waits for it, then the closing backup
    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    window.hide()
    finish_on_exit(window.db)
    meter.stop()
    line("closing while it runs (finish_on_exit: wait, then the closing backup)", time.perf_counter() - started,
         f"longest stall {meter.longest * 1000:.0f} ms over {meter.ticks} ticks")  # fmt: skip
    assert sorted(b.reason for b in backup_files.list_backups(path)) == ["daily", "exit"]
    window.db.close()
    window.db = None
    window.close()
    QApplication.processEvents()
    shutil.rmtree(work, ignore_errors=True)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

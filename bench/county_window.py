"""The county window: how long changing the 乡镇 chooser takes with the lists and 总览 built.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/county_window.py [TOWNSHIPS | --packages FOLDER]

Builds TOWNSHIPS demo townships (default 5; `demo --town --seed`), their 2023 packages and the
county database, opens the main window on it with every register list and the 总览 built, then
times switching to each township and back to 全县 (set_scope plus every view re-read), then five more times back to
全县 (the median is the figure to quote: goals < 0.3 s at 20 townships, < 0.5 s at 50), beside sqlite3 alone counting
every township's cases of the year. The townships and the county are built once per count in a temporary folder
and reused; PROFILE=1 profiles one more switch there and back.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def build(work: Path, count: int) -> None:
    """TOWNSHIPS demo townships, their 2023 packages and the county database rolled up from them, in ``work``."""
    from zhaocun_desktop.county import rollup
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import build_demo
    from zhaocun_desktop.package import write_package

    packages, seed = [], 1
    while len(packages) < count:
        seed += 1
        town = f"第{len(packages) + 1}镇"
        try:
            build_demo(work / f"{town}.db", seed=seed, town=town)
        except Exception:  # noqa: BLE001 (some seeds make a sample demo.py cannot fill: too few villages, a repeated case number)
            for leftover in work.glob(f"{town}.db*"):
                leftover.unlink()
            continue
        db = open_db(work / f"{town}.db")
        packages.append(write_package(db, 2023, work / f"{town}.zip"))
        db.close()
    county = rollup.open_county(work / "县.db.part")
    started = time.perf_counter()
    rollup.roll_up(county, packages, consent=rollup.Consent(new_keys=True))
    print(f"roll_up {time.perf_counter() - started:.2f} s")
    county.close()
    (work / "县.db.part").rename(work / "县.db")


def main() -> int:
    from zhaocun_desktop.db import SCHEMA_VERSION

    if len(sys.argv) > 2 and sys.argv[1] == "--packages":  # a folder of packages, e.g. bench/county_scale.py's 20 x 10 years
        folder = Path(sys.argv[2])
        count = len({path.name.rstrip("0123456789.zip") for path in folder.glob("*.zip")})
        work = folder / "county_window"
        work.mkdir(exist_ok=True)
        if not (work / "县.db").exists():
            from zhaocun_desktop.county import rollup

            county = rollup.open_county(work / "县.db.part")
            rollup.roll_up(county, sorted(folder.glob("*.zip")), consent=rollup.Consent(new_keys=True))
            county.close()
            (work / "县.db.part").rename(work / "县.db")
    else:
        count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
        work = Path(tempfile.gettempdir()) / f"zhaocun_county_window_{count}_v{SCHEMA_VERSION}"  # built once, reused (delete it after changing demo.py)
        work.mkdir(exist_ok=True)
        if not (work / "县.db").exists():
            build(work, count)
    os.environ["ZHAOCUN_DATA_DIR"] = str(work)

    from PySide6.QtWidgets import QApplication

    from zhaocun_desktop import queries
    from zhaocun_desktop.county import rollup
    from zhaocun_desktop.gui.app import create_app, open_checked, ui_state_file
    from zhaocun_desktop.gui.main_window import MainWindow
    from zhaocun_desktop.registers import MEDIATION_CASE, REGISTERS

    county = rollup.open_county(work / "县.db")
    cases = queries.count(county, MEDIATION_CASE)
    county.close()

    app = create_app()
    db = open_checked(work / "县.db", daily_backup=False)
    window = MainWindow(work / "县.db", ui_state_file(), db=db)
    window.resize(1280, 800)
    window.show()
    for register in REGISTERS:
        window.view(register.key)
    window.form.tabs.setCurrentWidget(window._slots["overview"])
    app.processEvents()
    box = window.county.township_box
    times = []
    for index in [*range(1, box.count()), 0]:
        started = time.perf_counter()
        box.setCurrentIndex(index)
        QApplication.processEvents()
        times.append(time.perf_counter() - started)
    back = []  # five more times to a township and back to 全县: the whole county's figures and due list are the cost
    for index in range(1, 6):
        box.setCurrentIndex(index % box.count())
        QApplication.processEvents()
        started = time.perf_counter()
        box.setCurrentIndex(0)
        QApplication.processEvents()
        back.append(time.perf_counter() - started)
    if os.environ.get("PROFILE"):  # PROFILE=1: where one more switch to a township and back to 全县 goes
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        box.setCurrentIndex(1)
        QApplication.processEvents()
        box.setCurrentIndex(0)
        QApplication.processEvents()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    print(f"{count} 个乡镇，{cases} 件调解案件")
    print(f"切换乡镇（{len(REGISTERS)} 个列表 + 总览重读）：中位数 {sorted(times)[len(times) // 2]:.2f} s，最长 {max(times):.2f} s，回到全县 {times[-1]:.2f} s；"
          f"再回到全县 5 次：中位数 {sorted(back)[2]:.2f} s（{min(back):.2f}–{max(back):.2f} s）")
    started = time.perf_counter()  # the raw anchor: sqlite3 alone counting every township's cases of the year (one GROUP BY)
    raw = sqlite3.connect(work / "县.db")
    raw.execute("SELECT township_id, count(*) FROM mediation_case WHERE accepted >= '2023-01-01' AND accepted < '2024-01-01' GROUP BY township_id").fetchall()
    raw.close()
    print(f"（对照：sqlite3 按乡镇统计一年的调解案件 {time.perf_counter() - started:.3f} s）")
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

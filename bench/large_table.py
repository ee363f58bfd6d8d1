"""The mediation-case tab over 1,000,000 rows: first paint, jump to the last row, search, memory.

    .venv/bin/python bench/large_table.py [ROWS]

The database is built once (raw executemany, one transaction) in a temporary folder
and reused by later runs. Goals (issue 2): first paint < 0.5 s after opening the tab,
jump to last row < 0.2 s, search across all rows < 1 s, resident memory < 300 MB.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build(path: Path, rows: int) -> None:
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import VILLAGES, SampleMaker
    from zhaocun_desktop.registers import DISPUTE_TYPES, MEDIATION_CASE

    from zhaocun_desktop import records
    from zhaocun_desktop.registers import VILLAGE

    db = open_db(path)
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGES])
    ids = records.village_ids(db)
    db.close()
    maker = SampleMaker(2023, 1)
    rng = random.Random(1)
    names = [maker.name() for _ in range(5000)]
    keys = records.stored_columns(MEDIATION_CASE)  # the village is stored as its id
    sql = f"INSERT INTO mediation_case ({', '.join(keys)}, created_at, updated_at) VALUES ({', '.join('?' * (len(keys) + 2))})"
    conn = sqlite3.connect(path)
    with conn:
        batch = []
        for number in range(rows):
            accepted = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            values = dict(
                case_no=f"（{accepted[:4]}）赵人调字第{number}号", accepted=accepted, village=rng.choice(VILLAGES),
                org=rng.choice(("村调委会", "镇调委会", "其他")), dispute_type=rng.choice(DISPUTE_TYPES), source="排查发现",
                parties=f"{rng.choice(names)}与{rng.choice(names)}", id_number=None, phone=None, people=2, amount=None,
                summary="双方因琐事产生矛盾，经调解员耐心疏导达成一致。", mediator=rng.choice(names), result="调解成功",
                agreement="书面", closed=accepted, confirmed=0, note=None,
            )  # fmt: skip
            values = records.stored_values(MEDIATION_CASE, values, ids)
            batch.append([values[key] for key in keys] + ["2024-01-01T00:00:00"] * 2)
            if len(batch) == 10000:
                conn.executemany(sql, batch)
                batch.clear()
        conn.executemany(sql, batch)
    conn.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = Path(tempfile.gettempdir()) / f"zhaocun_bench_{rows}.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, rows)
        print(f"built {rows:,} cases in {time.perf_counter() - started:.1f} s: {path}")

    os.environ["ZHAOCUN_DATA_DIR"] = tempfile.mkdtemp()
    from PySide6.QtCore import QCoreApplication

    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.gui.app import create_app, ui_state_file
    from zhaocun_desktop.gui.register_view import RegisterView
    from zhaocun_desktop.registers import MEDIATION_CASE

    app = create_app()
    db = open_db(path)
    before = rss_mb()

    started = time.perf_counter()
    view = RegisterView(db, MEDIATION_CASE, ui_state_file())
    view.resize(1280, 760)
    view.show()
    view.repaint()
    first_paint = time.perf_counter() - started
    assert view.model.rowCount() == rows

    started = time.perf_counter()
    view.table.scrollToBottom()
    QCoreApplication.processEvents()
    view.table.viewport().repaint()
    jump = time.perf_counter() - started
    last = view.model.data(view.model.index(rows - 1, 0))

    word = db.execute("SELECT parties FROM mediation_case WHERE id = ?", [rows // 2]).fetchone()[0].split("与")[0]
    started = time.perf_counter()
    view.search_box.setText(word)
    view.apply_filters()  # what the 250 ms typing pause triggers
    view.table.viewport().repaint()
    search = time.perf_counter() - started
    found = view.model.rowCount()

    started = time.perf_counter()
    view.year_box.setCurrentText("2020年")
    view.table.viewport().repaint()
    year_filter = time.perf_counter() - started

    started = time.perf_counter()
    view.search_box.setText("")
    view.year_box.setCurrentIndex(0)
    view.model.sort(6, view.model.sort.__defaults__[0])  # by 当事人, an unindexed column
    view.table.scrollToBottom()
    view.table.viewport().repaint()
    sort_jump = time.perf_counter() - started

    print(f"rows: {rows:,}  (last row case number: {last})")
    print(f"first paint after opening the tab : {first_paint:.3f} s   (goal < 0.5 s)")
    print(f"jump to the last row              : {jump:.3f} s   (goal < 0.2 s)")
    print(f"search '{word}' over all rows       : {search:.3f} s   (goal < 1 s), {found:,} found")
    print(f"year filter 2020 (indexed)        : {year_filter:.3f} s")
    print(f"sort by 当事人 + jump to bottom     : {sort_jump:.3f} s   (no goal; unindexed column)")
    print(f"resident memory                   : {rss_mb():.0f} MB   (goal < 300 MB; {before:.0f} MB before the tab)")
    view.close()
    db.close()
    del app


if __name__ == "__main__":
    main()

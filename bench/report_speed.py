"""The complete report (.docx) and summary workbook for a year with 100,000 records.

    .venv/bin/python bench/report_speed.py [RECORDS]        (PROFILE=1: where report + summary go)

Goals (issue 4, issue 27 at 300,000): report + summary under 2 s together; the statistics queries under 0.3 s,
measured against the same queries on a copy without the indexes, in the same run; the summary beside its own
queries plus a bare openpyxl workbook of the same values. The database is built once per size and schema
version in a temporary folder (``zhaocun_report_<records>_v<schema>``) and reused.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path


def build(path: Path, total: int) -> None:
    from zhaocun_desktop import audit, queries, villages
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import VILLAGES, fill_demo
    from zhaocun_desktop.registers import ADVISOR_WORK, ADVISOR_WORK_TYPES, DISPUTE_TYPES, MEDIATION_CASE, PETITION, PUBLICITY_EVENT

    db = open_db(path)
    fill_demo(db)  # villages, staff, settings and a believable base
    db.close()
    rng = random.Random(7)
    day = lambda: f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"  # noqa: E731
    shares = {MEDIATION_CASE: 0.4, ADVISOR_WORK: 0.4, PUBLICITY_EVENT: 0.1, PETITION: 0.1}
    makers = {
        MEDIATION_CASE: lambda: dict(accepted=day(), village=rng.choice(VILLAGES), org=rng.choice(("村调委会", "镇调委会", "其他")),
                                     dispute_type=rng.choice(DISPUTE_TYPES), parties="甲与乙", result=rng.choice(("调解成功", "调解不成功", "调解中")),
                                     amount=rng.choice((None, 1000.0)), confirmed=0),
        ADVISOR_WORK: lambda: dict(work_date=day(), advisor_type=rng.choice(("政府法律顾问", "村(居)法律顾问")), advisor="律师",
                                   village=rng.choice(VILLAGES), work_type=rng.choice(ADVISOR_WORK_TYPES), quantity=rng.randint(1, 3), people=rng.randint(1, 9)),
        PUBLICITY_EVENT: lambda: dict(event_date=day(), title="宣传", event_type=rng.choice(PUBLICITY_EVENT.field("event_type").choices),
                                      occasion=rng.choice(PUBLICITY_EVENT.field("occasion").choices), place=rng.choice(VILLAGES),
                                      participants=rng.randint(10, 300), materials=rng.randint(0, 500), partners=rng.choice(("派出所", None))),
        PETITION: lambda: dict(reg_date=day(), level=rng.choice(("本镇", "到县", "到市", "到省", "进京")), status="在办"),
    }  # fmt: skip
    conn = sqlite3.connect(path)
    with conn:
        ids = dict(conn.execute("SELECT name, id FROM village").fetchall())
        for register, share in shares.items():
            keys = queries.stored_columns(register)  # village fields store the village's id
            sql = f"INSERT INTO {register.key} ({', '.join(keys)}, created_at, updated_at) VALUES ({', '.join('?' * (len(keys) + 2))})"
            rows = []
            for _ in range(int(total * share)):
                values = villages.stored_values(register, makers[register](), ids)
                rows.append([values.get(key) for key in keys] + [audit.now()] * 2)
            conn.executemany(sql, rows)
    conn.execute("ANALYZE")
    conn.close()


def best(function, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    from zhaocun_desktop.db import SCHEMA_VERSION

    folder = Path(tempfile.gettempdir()) / f"zhaocun_report_{total}_v{SCHEMA_VERSION}"  # built once, reused by later runs
    folder.mkdir(exist_ok=True)
    path = folder / "bench.db"
    if not path.exists():
        build(folder / "bench.db.part", total)
        (folder / "bench.db.part").rename(path)
    (folder / "no_indexes.db").unlink(missing_ok=True)

    from zhaocun_desktop import figures
    from zhaocun_desktop.db import STATISTICS_INDEXES, open_db
    from zhaocun_desktop.report import build_draft
    from zhaocun_desktop.report_docx import write_docx
    from zhaocun_desktop.summary import write_summary

    bare = folder / "no_indexes.db"
    conn = sqlite3.connect(path)
    conn.execute(f"VACUUM INTO '{bare}'")
    conn.close()
    conn = sqlite3.connect(bare)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").fetchall():
        conn.execute(f"DROP INDEX {name}")
    conn.commit()
    conn.close()

    db, db_bare = open_db(path), open_db(bare)
    # open_db re-creates missing indexes only through migrations, which have run: the copy stays bare
    assert not db_bare.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'stats_%'").fetchone()[0]
    counted = sum(db.execute(f"SELECT count(*) FROM {t} WHERE 1").fetchone()[0] for t in STATISTICS_INDEXES)
    with_index = best(lambda: figures.yearly_figures(db, 2023))
    without = best(lambda: figures.yearly_figures(db_bare, 2023))
    draft_time = best(lambda: build_draft(db, 2023), 3)
    docx_time = best(lambda: write_docx(build_draft(db, 2023), folder / "r.docx"), 3)
    summary_time = best(lambda: write_summary(db, 2023, folder / "s.xlsx"), 3)
    both = best(lambda: (write_docx(build_draft(db, 2023), folder / "r.docx"), write_summary(db, 2023, folder / "s.xlsx")), 3)
    from openpyxl import Workbook

    from zhaocun_desktop.summary import build_tables

    tables_time = best(lambda: build_tables(db, 2023), 3)
    tables = build_tables(db, 2023)

    def bare_openpyxl() -> None:  # the anchor: the same values, a plain workbook (no styles, print settings or charts)
        book = Workbook()
        book.remove(book.active)
        for table in tables:
            sheet = book.create_sheet(table.sheet)
            sheet.append(table.headers)
            for row in table.rows:
                sheet.append(row)
        book.save(folder / "bare.xlsx")

    bare_time = best(bare_openpyxl, 3)
    queries = []
    db.conn.set_trace_callback(queries.append)
    write_summary(db, 2023, folder / "s.xlsx")
    db.conn.set_trace_callback(None)
    print(f"records in the statistics tables: {counted:,}")
    print(f"statistics (all {len(figures.FIGURES)} figures), covering indexes : {with_index:.3f} s   (goal < 0.3 s)")
    print(f"statistics, same queries without indexes            : {without:.3f} s   ({without / with_index:.1f}x slower)")
    print(f"report draft (figures + texts + checks-free)        : {draft_time:.3f} s")
    print(f"report .docx written                                : {docx_time:.3f} s")
    print(f"summary workbook written                            : {summary_time:.3f} s   ({len(queries)} SQL statements)")
    print(f"  its tables' queries (build_tables)                : {tables_time:.3f} s")
    print(f"  the same values, a bare openpyxl workbook (raw)   : {bare_time:.3f} s   (summary = {summary_time / (tables_time + bare_time):.2f}x queries + bare write)")
    print(f"report + summary together                           : {both:.3f} s   (goal < 2 s)")
    print("(each the best of 3-5 runs)")
    if os.environ.get("PROFILE"):  # PROFILE=1: where report + summary go
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        write_docx(build_draft(db, 2023), folder / "r.docx")
        write_summary(db, 2023, folder / "s.xlsx")
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()

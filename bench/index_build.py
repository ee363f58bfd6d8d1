"""The first open by a newer program: the search index rebuilt slice by slice (``search.build_index``,
what the upgrade dialog reports progress from) against one slice and against the index filled by one
FTS5 'rebuild' (as before), and the whole upgrading open with the moment of its first progress step.

    PYTHONPATH=. .venv/bin/python bench/index_build.py [CASES] [RUNS]

The sample database's cases are doubled (plain INSERT … SELECT, the index's triggers keep up) until there
are at least CASES (default 300,000); the file is kept in a temporary folder for the runs. Each run
times every fill of the 调解案件 index (drop, create, fill, in one transaction) on the same file, the
order turning from run to run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path


def build(path: Path, cases: int) -> int:
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import build_demo

    build_demo(path)
    db = open_db(path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(mediation_case)") if row[1] not in ("id", "case_no")]
    while db.execute("SELECT count(*) FROM mediation_case").fetchone()[0] < cases:
        with db.atomic():
            db.execute(f"INSERT INTO mediation_case ({', '.join(columns)}) SELECT {', '.join(columns)} FROM mediation_case")
    count = db.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
    db.close()
    return count


def filled(rows_a_slice: int | None):
    """``search.build_index`` (drop, create, fill) with ``rows_a_slice`` records a statement; None: the
    index created empty and filled by one FTS5 'rebuild', as build_index did before it reported progress."""

    def fill(db, register) -> None:
        from zhaocun_desktop import search

        search.FILL_ROWS = rows_a_slice if rows_a_slice is not None else 0
        with db.atomic():
            search.build_index(db, register)
            if rows_a_slice is None:
                fts = search.index_table(register)
                db.execute(f"INSERT INTO main.{fts}({fts}) VALUES ('rebuild')")

    return fill


def main() -> None:
    from zhaocun_desktop import search
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.registers import MEDIATION_CASE

    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    cases, runs = (numbers + [300_000, 2][len(numbers):])[:2]
    path = Path(tempfile.mkdtemp()) / "cases.db"
    count = build(path, cases)
    from zhaocun_desktop import search as search_module

    default = search_module.FILL_ROWS
    variants = {
        f"{default:,} a slice (now)": filled(default),
        "one slice": filled(10**12),
        "one 'rebuild' (before)": filled(None),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for run in range(runs):
        for name, fill in list(variants.items())[run % len(variants):] + list(variants.items())[: run % len(variants)]:
            db = open_db(path)
            started = time.perf_counter()
            fill(db, MEDIATION_CASE)
            times[name].append(time.perf_counter() - started)
            db.close()
    search_module.FILL_ROWS = default
    print(f"{count:,} cases, {runs} runs each (median, min-max):")
    for name, seconds in times.items():
        print(f"  build_index, {name:<24} {statistics.median(seconds):6.2f} s  ({min(seconds):.2f}-{max(seconds):.2f})")

    db = open_db(path)  # an index of an earlier kind: the next open rebuilds it, and says so
    db.execute(f"DROP VIEW {search.content_view(MEDIATION_CASE)}")
    db.close()
    said, steps = [], []
    started = time.perf_counter()

    def upgrade(text, work):
        said.append(time.perf_counter() - started)
        work(lambda done, total, _text: steps.append((time.perf_counter() - started, done, total)))

    open_db(path, upgrade_with=upgrade).close()
    total = time.perf_counter() - started
    print(f"upgrading open: sentence ready after {said[0]:.2f} s, first progress step after {steps[0][0]:.2f} s, "
          f"{len(steps)} steps, done after {total:.2f} s")


if __name__ == "__main__":
    main()

"""Excel import and export against the raw library, side by side.

    .venv/bin/python bench/excel_speed.py [--also DIR] [--rows 10000,100000]
    /usr/bin/time -v .venv/bin/python bench/excel_speed.py --import FILE.xlsx   # one import, for its peak memory

Goals (issue 21): importing a 10,000-row mediation workbook (validation included) takes no more than
openpyxl's own read-only read of the same file (1x); 100,000 rows import in under 15 s with memory under
400 MB; exporting 100,000 rows takes no more than 1.5x openpyxl write-only writing the same cells.

Each import says where its time goes: reading (opening the file and reading every row of its sheet, done
once more on its own), checking (the rest of the preview), search-index upkeep (the trigram index filled
at the end of the transaction) and writing (the rest of the commit). The CPU time is given beside the wall
clock's: on a machine busy with other work the wall clock of single runs varies by 2x, the CPU time by a
few per cent. ``--also DIR`` imports the same files
with the program in DIR as well (a worktree of an earlier commit: the before and after of a change), in
the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT_CHILD = """
import json, resource, sys, time
from contextlib import contextmanager
from pathlib import Path
from zhaocun_desktop import records, search
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import VILLAGES
from zhaocun_desktop.excel.importing import commit_import, preview_import
from zhaocun_desktop.excel.reading import open_book
from zhaocun_desktop.registers import VILLAGE
db = open_db(sys.argv[2])
records.insert_many(db, VILLAGE, [dict(name=v) for v in VILLAGES])
started, cpu = time.perf_counter(), time.process_time()
book = open_book(sys.argv[1])
rows = sum(1 for sheet in book.visible for _ in sheet.iter_rows())
reading = time.perf_counter() - started
del book
indexing = [0.0]
adding_many = search.adding_many

@contextmanager
def timed(*args):  # the index is filled when the block ends: timed from there
    with adding_many(*args):
        yield
        began = time.perf_counter()
    indexing[0] += time.perf_counter() - began

search.adding_many = timed
started, cpu = time.perf_counter(), time.process_time()  # the import itself, from here
preview = preview_import(db, sys.argv[1])
checked = time.perf_counter() - started
result = commit_import(db, preview, include_duplicates=True)
total = time.perf_counter() - started
print(json.dumps(dict(total=total, reading=reading, checking=checked - reading, indexing=indexing[0], writing=total - checked - indexing[0],
                      cpu=time.process_time() - cpu, imported=result["imported"], problems=len(preview.problems),
                      rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
"""

READ_CHILD = """
import json, resource, sys, time
import openpyxl
started, cpu = time.perf_counter(), time.process_time()
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = 0
for sheet in book.worksheets:
    for row in sheet.iter_rows(values_only=True):
        rows += 1
book.close()
print(json.dumps(dict(total=time.perf_counter() - started, cpu=time.process_time() - cpu, rows=rows, rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
"""


def make_workbook(path: Path, rows: int) -> None:
    """A realistic village workbook (as the template's data sheet would be filled in)."""
    import openpyxl

    from zhaocun_desktop.demo import VILLAGES, SampleMaker
    from zhaocun_desktop.registers import DISPUTE_TYPES, MEDIATION_CASE

    maker = SampleMaker(2023, 3)
    rng = random.Random(3)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(MEDIATION_CASE.title)
    keys = ("case_no", "accepted", "village", "org", "dispute_type", "source", "parties", "people", "amount", "summary", "mediator",
            "result", "agreement", "closed", "confirmed")  # fmt: skip
    sheet.append([MEDIATION_CASE.field(key).label for key in keys])  # by key: the columns follow the register's description
    for number in range(rows):
        accepted = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365))
        result = rng.choice(("调解成功", "调解中"))
        row = dict(
            case_no=f"（2023）赵人调字第{number}号", accepted=accepted, village=rng.choice(VILLAGES), org=rng.choice(("村调委会", "镇调委会")),
            dispute_type=rng.choice(DISPUTE_TYPES), source="当事人申请", parties=f"{maker.name()}与{maker.name()}", people=2,
            amount=rng.choice((None, 5000)), summary="双方因琐事产生矛盾，经调解员耐心疏导达成一致。", mediator=maker.name(), result=result,
            agreement="书面" if result == "调解成功" else None, closed=accepted + dt.timedelta(days=3) if result == "调解成功" else None, confirmed="否",
        )  # fmt: skip
        sheet.append([row[key] for key in keys])
    book.save(path)


def child(code: str, *args: str, program: Path | None = None) -> dict:
    """Run ``code`` in a fresh interpreter (with the program in ``program`` first on its path); its last line as JSON."""
    env = None
    if program is not None:
        import os

        env = dict(os.environ, PYTHONPATH=str(program))
    # run in the program's folder: "-c" puts the working folder first on the path, before PYTHONPATH
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env, cwd=program).stdout
    return json.loads(out.strip().splitlines()[-1])


def phases(result: dict) -> str:
    return (f"reading {result['reading']:.2f}, checking {result['checking']:.2f}, search index {result['indexing']:.2f}, "
            f"writing {result['writing']:.2f} s")  # fmt: skip


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["--import"]:  # one import, alone in this process (for /usr/bin/time -v)
        folder = Path(tempfile.mkdtemp())
        sys.argv = ["-c", arguments[1], str(folder / "db.db")]
        exec(compile(IMPORT_CHILD, "import", "exec"), {"__name__": "__main__"})
        return
    others = [Path(arguments[i + 1]).resolve() for i, a in enumerate(arguments[:-1]) if a == "--also"]
    sizes = next((tuple(int(n) for n in arguments[i + 1].split(",")) for i, a in enumerate(arguments[:-1]) if a == "--rows"), (10_000, 100_000))
    folder = Path(tempfile.mkdtemp())
    programs = [(None, "this program")] + [(other, f"program in {other}") for other in others]
    for rows in sizes:
        path = folder / f"cases_{rows}.xlsx"
        make_workbook(path, rows)
        runs = 5 if rows <= 10_000 else 2
        reads, imports = [], {number: [] for number in range(len(programs))}
        for run in range(runs):  # interleaved, the fastest of each kept: other work on the machine slows single runs
            reads.append(child(READ_CHILD, str(path)))
            for number, (program, _) in enumerate(programs):
                imports[number].append(child(IMPORT_CHILD, str(path), str(folder / f"db_{rows}_{run}_p{number}.db"), program=program))
        read, read_cpu = min(reads, key=lambda r: r["total"]), min(r["cpu"] for r in reads)
        print(f"{rows:>7,} rows  openpyxl read-only read : {read['total']:.2f} s, {read_cpu:.2f} s CPU  ({read['rss_mb']:.0f} MB peak; fastest of {runs})")
        for number, (_, name) in enumerate(programs):
            ours, cpu = min(imports[number], key=lambda r: r["total"]), min(r["cpu"] for r in imports[number])
            assert ours["imported"] == rows, ours
            print(f"{rows:>7,} rows  import, {name:<13}: {ours['total']:.2f} s, {cpu:.2f} s CPU  ({phases(ours)}; {ours['rss_mb']:.0f} MB peak)"
                  f"  ratio {ours['total'] / read['total']:.2f}x, CPU {cpu / read_cpu:.2f}x")  # fmt: skip
    if 100_000 not in sizes:
        return

    # export: our formatted export vs openpyxl write-only writing the same cells
    from openpyxl import Workbook

    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.excel.writing import write_export
    from zhaocun_desktop.queries import RecordList, RecordQuery
    from zhaocun_desktop.registers import MEDIATION_CASE
    from zhaocun_desktop.validation import display_value

    db = open_db(folder / "db_100000_0_p0.db")
    listing = RecordList(db, MEDIATION_CASE, RecordQuery(), MEDIATION_CASE.keys)
    rows = listing.rows(0, listing.count)
    cells = [[display_value(f, row[i + 1]) for i, f in enumerate(MEDIATION_CASE.fields)] for row in rows]

    def raw_write() -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("x")
        for row in cells:
            sheet.append(row)
        book.save(folder / "raw.xlsx")

    def ours() -> None:
        write_export(db, MEDIATION_CASE, folder / "export.xlsx")

    def best(function) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        return min(times)

    raw, export = best(raw_write), best(ours)
    print(f"{listing.count:>7,} rows  openpyxl write-only write: {raw:.2f} s")
    print(f"{listing.count:>7,} rows  export (query + format) : {export:.2f} s  ratio {export / raw:.2f}x")


if __name__ == "__main__":
    main()

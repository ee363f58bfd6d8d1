"""A county at scale: 20 townships x 10 years built with ``demo``, one data package per township per
year (signed; every record checked as an import checks it), all rolled up into one county database; then the roll-up, search, list, statistics and
summary-workbook times, each beside the raw library doing the same work where that makes sense.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen .venv/bin/python bench/county_scale.py [--towns 20] [--years 2015-2024]

The township databases and packages are built once in a temporary folder
(``zhaocun_county_<towns>x<years>_v<schema>``) and reused by later runs (delete it after changing
demo.py or package.py); the county database is rebuilt every run (the roll-up is what is
measured). Times are the best of 3 unless said.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TOWNS = (
    "赵村镇", "瓦屋镇", "下汤镇", "尧山镇", "梁洼镇", "张良镇", "张官营镇", "四棵树乡", "团城乡", "熊背乡",
    "董周乡", "背孜乡", "仓头乡", "让河乡", "观音寺乡", "磙子营乡", "辛集乡", "马楼乡", "库区乡", "土门街道",
)  # fmt: skip


def best(function, repeat: int = 3) -> tuple[float, object]:
    """The best time of ``repeat`` runs (seconds) and the last result."""
    fastest, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest, result


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<52}{seconds:>9.3f} s  {note}")


def build_townships(folder: Path, towns: list[str], first: int, last: int) -> dict[str, Path]:
    """One township database per town (cached): ``demo --town T --seed N --years first-last``."""
    from zhaocun_desktop.demo import build_demo

    paths = {}
    for index, town in enumerate(towns):
        path = folder / f"{town}.db"
        if not path.exists():
            partial = path.with_name(path.name + ".part")  # never reuse a half-built file
            partial.unlink(missing_ok=True)
            started = time.perf_counter()
            written = build_demo(partial, year=last, seed=1000 + index, town=town, first_year=first)
            partial.rename(path)
            print(f"  built {town} {first}-{last}: {sum(written.values()):,} records in {time.perf_counter() - started:.1f} s")
        paths[town] = path
    return paths


def write_packages(folder: Path, townships: dict[str, Path], first: int, last: int) -> list[Path]:
    """One package per township per year (cached), written by the ``package`` verb's function."""
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.package import write_package

    made, started, written = [], time.perf_counter(), 0
    for town, path in townships.items():
        db = None
        for year in range(first, last + 1):
            out = folder / f"{town}{year}.zip"
            if not out.exists():
                db = db or open_db(path)
                write_package(db, year, out.with_name(out.name + ".part"))
                out.with_name(out.name + ".part").rename(out)
                written += 1
            made.append(out)
        if db:
            db.close()
    if written:
        print(f"  wrote {written} packages in {time.perf_counter() - started:.1f} s ({(time.perf_counter() - started) / written:.3f} s each)")
    return made


def raw_load(packages: list[Path], path: Path) -> int:
    """The raw libraries doing a roll-up's bare work: unzip, parse the JSON, insert every row (one transaction)."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE record (package INTEGER, register TEXT, data TEXT)")
    rows = 0
    with conn:
        for number, package in enumerate(packages):
            with zipfile.ZipFile(package) as archive:
                for name in archive.namelist():
                    if name.startswith("records/"):
                        raw_data = archive.read(name)  # JSON lines (format 2) or one JSON array (format 1)
                        data = [json.loads(line) for line in raw_data.splitlines()] if name.endswith(".jsonl") else json.loads(raw_data)
                        conn.executemany("INSERT INTO record VALUES (?, ?, ?)", ((number, name, json.dumps(row, ensure_ascii=False)) for row in data))
                        rows += len(data)
    conn.close()
    return rows


def county_records(db) -> tuple[int, dict[str, int]]:
    """How many records the county database holds (per register table when records have their own tables)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "package_record" in tables:  # the first county design: each record as JSON in one table
        per = dict(db.execute("SELECT register, count(*) FROM package_record GROUP BY register").fetchall())
    else:
        from zhaocun_desktop.package import package_registers

        per = {r.key: db.execute(f"SELECT count(*) FROM {r.key}").fetchone()[0] for r in package_registers(db)}
    return sum(per.values()), per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--years", default="2015-2024")
    args = parser.parse_args()
    first, last = (int(part) for part in args.years.split("-"))
    towns = list(TOWNS[: args.towns])

    from zhaocun_desktop.county import rollup, summary as county_summary
    from zhaocun_desktop.db import SCHEMA_VERSION

    cache = Path(tempfile.gettempdir()) / f"zhaocun_county_{len(towns)}x{first}-{last}_v{SCHEMA_VERSION}"
    cache.mkdir(exist_ok=True)
    print(f"county of {len(towns)} townships x {last - first + 1} years ({first}-{last}); cache: {cache}")
    townships = build_townships(cache, towns, first, last)
    packages = write_packages(cache, townships, first, last)
    size = sum(p.stat().st_size for p in packages)
    print(f"  {len(packages)} packages, {size / 2**20:.1f} MB")

    work = Path(tempfile.mkdtemp(prefix="zhaocun_county_run_"))
    county_path = work / "county.db"

    print("\nroll-up (rollup.roll_up; once, not best of 3)")
    db = rollup.open_county(county_path)
    started = time.perf_counter()
    outcomes = rollup.roll_up(db, packages, consent=rollup.Consent(new_keys=True))
    total = time.perf_counter() - started
    added = sum(o.action == "added" for o in outcomes)
    started = time.perf_counter()
    again = rollup.roll_up(db, packages, consent=rollup.Consent(new_keys=True))
    skipped_time = time.perf_counter() - started
    skipped = sum(o.action == "skipped" for o in again)
    raw, raw_rows = best(lambda: raw_load(packages, work / "raw.db"), repeat=1)
    line(f"all {len(packages)} packages into an empty county db ({added} added)", total, f"{total / len(packages) * 1000:.0f} ms a package")
    line(f"raw: unzip + json + executemany of {raw_rows:,} rows", raw, f"ratio {total / raw:.2f}x")
    line(f"the same {len(packages)} again ({skipped} skipped)", skipped_time, f"{skipped_time / len(packages) * 1000:.0f} ms a package")
    # what keeping the search indexes row by row (their triggers) would cost: the same packages with
    # rollup.REBUILD_SHARE out of reach, so the roll-up keeps the triggers instead of rebuilding at the end
    kept = rollup.open_county(work / "county_triggers.db")
    share, rollup.REBUILD_SHARE = rollup.REBUILD_SHARE, 2.0
    try:
        started = time.perf_counter()
        rollup.roll_up(kept, packages, consent=rollup.Consent(new_keys=True))
        triggered = time.perf_counter() - started
    finally:
        rollup.REBUILD_SHARE = share
        kept.close()
    line("the same roll-up keeping the search-index triggers", triggered, f"(the roll-up above drops them and rebuilds the indexes once: {triggered / total:.2f}x faster)")
    count, per = county_records(db)
    print(f"  county db: {count:,} records, {county_path.stat().st_size / 2**20:.0f} MB  ({', '.join(f'{k} {v:,}' for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:4])} …)")

    if hasattr(rollup, "set_scope"):
        scoped_measures(db, county_path, townships, last)
    else:
        print("\nsearch / list / statistics over the county: need the county database with township tables (county_scope.set_scope); not measured")

    print("\ncounty summary workbook (rollup.write_county_summary)")
    summary, _ = best(lambda: county_summary.write_county_summary(db, last, work / "summary.xlsx"))
    raw_book = min(raw_workbook(work / "summary.xlsx", work / "raw.xlsx") for _ in range(3))
    line(f"{last} summary, {len(towns)} townships", summary)
    line("raw: openpyxl writing the same cells", raw_book, f"ratio {summary / raw_book:.2f}x")
    db.close()


def raw_workbook(ours: Path, out: Path) -> float:
    """Seconds openpyxl takes to write the cells of our workbook's sheets, with no styles."""
    from openpyxl import Workbook, load_workbook

    source = load_workbook(ours, read_only=True)
    cells = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in source.worksheets}
    source.close()
    started = time.perf_counter()
    book = Workbook()
    book.remove(book.active)
    for title, rows in cells.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(out)
    return time.perf_counter() - started


def first_paint(db, register) -> float:
    """Seconds from creating the register's tab to its first paint (offscreen), as bench/large_table.py measures it."""
    from zhaocun_desktop.gui.app import ui_state_file
    from zhaocun_desktop.gui.register_view import RegisterView

    started = time.perf_counter()
    view = RegisterView(db, register, ui_state_file())
    view.resize(1280, 760)
    view.show()
    view.repaint()
    seconds = time.perf_counter() - started
    view.close()
    view.deleteLater()
    return seconds


def scoped_measures(db, county_path: Path, townships: dict[str, Path], year: int) -> None:
    """Search, list first paint and statistics on the county database (whole county and one township),
    beside the same on one township's own database."""
    sys.path.insert(0, str(Path(__file__).parent))
    from large_table import search_times

    from zhaocun_desktop import county_scope, statistics
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.figures import yearly_figures
    from zhaocun_desktop.gui.app import create_app
    from zhaocun_desktop.registers import MEDIATION_CASE

    choices = county_scope.township_choices(db)
    town_id, town = choices[0]
    own = open_db(townships[town])
    county_scope.set_scope(db, None)
    middle = db.execute("SELECT parties, case_no FROM mediation_case WHERE id >= (SELECT max(id) / 2 FROM mediation_case) AND case_no IS NOT NULL LIMIT 1").fetchone()
    name = max(middle[0].split("、"), key=len)
    parties = [row[0] for row in db.execute("SELECT parties FROM mediation_case WHERE parties IS NOT NULL LIMIT 200")]
    short = next(part for text in parties for part in text.split("、") if len(part) == 2)  # a two-character name: no index
    print()
    search_times(db, MEDIATION_CASE, [name, middle[1], "耐心疏导", "调解成功", "镇调委会", short, "调解"])

    os.environ.setdefault("ZHAOCUN_DATA_DIR", tempfile.mkdtemp())
    app = create_app()  # noqa: F841 (kept alive while views are painted)
    print("\nlist first paint of the 调解案件 tab (offscreen; best of 3)")
    county_paint, _ = best(lambda: first_paint(db, MEDIATION_CASE))
    county_scope.set_scope(db, town_id)
    scoped_paint, _ = best(lambda: first_paint(db, MEDIATION_CASE))
    own_paint, _ = best(lambda: first_paint(own, MEDIATION_CASE))
    county_scope.set_scope(db, None)
    line(f"whole county ({db.execute('SELECT count(*) FROM mediation_case').fetchone()[0]:,} cases)", county_paint, f"ratio {county_paint / own_paint:.2f}x the township's own db")
    line(f"one township in the county db ({town})", scoped_paint, f"ratio {scoped_paint / own_paint:.2f}x")
    line(f"{town}'s own database ({own.execute('SELECT count(*) FROM mediation_case').fetchone()[0]:,} cases)", own_paint)

    print(f"\nyearly statistics for {year} (best of 3)")
    for label, function in (("figures.yearly_figures", yearly_figures), ("statistics.build_county_tables", statistics.build_county_tables)):
        county_scope.set_scope(db, None)
        whole, _ = best(lambda: function(db, year))
        county_scope.set_scope(db, town_id)
        scoped, _ = best(lambda: function(db, year))
        county_scope.set_scope(db, None)
        alone, _ = best(lambda: function(own, year))
        line(f"{label}: whole county", whole, f"ratio {whole / alone:.2f}x one township's own db ({len(choices)} townships)")
        line(f"{label}: one township in the county db", scoped, f"ratio {scoped / alone:.2f}x")
        line(f"{label}: the township's own db", alone)
    own.close()


if __name__ == "__main__":
    sys.exit(main())

"""The mediation-case tab over 1,000,000 rows: first paint, jump to the last row, search, memory;
and the search index (FTS5 trigram) side by side with the instr() scan: times, size, insert cost.

    .venv/bin/python bench/large_table.py [ROWS] [--searches] [--encrypted]

``--searches``: the search table alone (no window); ``--encrypted``: on the same file encrypted (its copy made
by bench/encryption.py's ``encrypted_copy`` and cached beside it). An older checkout's code on the same file:
``PYTHONPATH=/path/to/old/checkout .venv/bin/python bench/large_table.py --searches``.

The database is built once (raw executemany, one transaction) in a temporary folder
and reused by later runs. Goals (issue 2): first paint < 0.5 s after opening the tab,
jump to last row < 0.2 s, search across all rows < 1 s (issue 12: < 0.1 s; issue 27: whatever the word's
length, one and two characters too: the last rows of the search table), resident memory < 300 MB.
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
    from zhaocun_desktop import queries, records, search, villages
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import VILLAGES, SampleMaker
    from zhaocun_desktop.registers import DISPUTE_TYPES, MEDIATION_CASE, VILLAGE

    db = open_db(path)
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGES])
    ids = villages.village_ids(db)
    search.drop_triggers(db)  # bulk load first, then one index rebuild when the database next opens
    db.close()
    maker = SampleMaker(2023, 1)
    rng = random.Random(1)
    names = [maker.name() for _ in range(5000)]
    keys = queries.stored_columns(MEDIATION_CASE)  # the village is stored as its id
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
            values = villages.stored_values(MEDIATION_CASE, values, ids)
            batch.append([values.get(key) for key in keys] + ["2024-01-01T00:00:00"] * 2)
            if len(batch) == 10000:
                conn.executemany(sql, batch)
                batch.clear()
        conn.executemany(sql, batch)
    conn.close()
    started = time.perf_counter()
    open_db(path).close()
    print(f"search index built over {rows:,} rows in {time.perf_counter() - started:.1f} s")


def _timed(function, repeat: int = 3) -> tuple[float, object]:
    """The best of ``repeat`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def search_times(db, register, words: list[str]) -> None:
    """Each search through the index and by instr() scan (all ids in order), and as the list on screen reads it."""
    from zhaocun_desktop import queries
    from zhaocun_desktop.queries import RecordQuery

    print(f"search over {queries.count(db, register):,} rows (best of 3): all ids in order through the index and by instr() scan;")
    print("  'list': what the list on screen does (RecordList(lazy=True) + its first page of 256 rows)")
    print(f"  {'query':<24}{'found':>9}{'index':>10}{'instr scan':>12}{'list':>10}   (raw: instr scan is sqlite3 alone, no index)")
    for word in words:
        query = RecordQuery(search=word)

        served = queries._indexed_words(db, register, query)  # the words the index serves (2+ characters, unless common)

        def run(indexed: bool):
            where, params = query.where(register, served if indexed else None)
            return db.execute(f"SELECT id FROM {register.key} WHERE {where} ORDER BY {query.order_by(register, use_index=False)}", params).fetchall()

        with_index, found = _timed(lambda: run(True))
        without, same = _timed(lambda: run(False))
        assert found == same, word

        def first_page():
            listing = queries.RecordList(db, register, query, lazy=True)
            return listing, listing.rows(0, 256)

        listed, (listing, rows) = _timed(first_page)
        assert [row[0] for row in rows] == [row[0] for row in found[: len(rows)]], word  # the same first rows, in the same order
        assert len(rows) >= min(len(found), queries.RecordList.FIRST), word
        unserved = [w for w in query.words() if w not in served]
        note = ("" if listing.complete else f"  lazy: {listing.count:,} read so far") + (f"  (not in the index: {' '.join(unserved)})" if unserved else "")
        print(f"  {word!r:<24}{len(found):>9,}{with_index:>9.3f}s{without:>11.3f}s{listed:>9.3f}s{note}")


def search_side_by_side(db, register) -> None:
    """The same searches through the index and through the instr() scan; the index's size; its insert cost."""
    from zhaocun_desktop import queries, records, search
    from zhaocun_desktop.validation import validate

    middle = db.execute(f"SELECT parties, case_no FROM {register.key} WHERE id = (SELECT max(id) / 2 FROM {register.key})").fetchone()
    name = middle[0].split("与")[0]
    short = db.execute(f"SELECT mediator FROM {register.key} WHERE length(mediator) = 2 LIMIT 1").fetchone()[0]  # a two-character name
    vocabulary = f"{search.index_table(register)}_all_terms"
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocabulary} USING fts5vocab(main, {search.index_table(register)}, row)")
    rarest = db.execute(f"SELECT substr(term, 1, 1) FROM temp.{vocabulary} WHERE term NOT GLOB '[0-9 ]*' GROUP BY 1 ORDER BY sum(doc) LIMIT 1").fetchone()[0]
    search_times(db, register, [name, name + "与", middle[0], middle[1], "耐心疏导", "调解成功", "调解", short, name[-2:], "秦国", "赵村 调解成功",
                                # one and two characters: in no record, in a few, in some, in all (issue 27: each < 0.1 s)
                                "龘", "鬯龘", rarest, name[0], name[-1], "调", "号", "与", "调 龘", "调解 秦国", "与 调 " + rarest,
                                # words common alone but rare together (search.rare_together), and a year: its records
                                # lie together in the date order the list walks (issue 27's slowest left)
                                "（2015） 2020", "村调委会 镇调委会", "镇调委会 2020", "2020",
                                "赵人调字 其他 书面 2016", "婚姻 镇调委会 2019", "2024", "2015"])
    try:
        size = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?", [search.index_table(register) + "%"]).fetchone()[0]
        table = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", [register.key]).fetchone()[0]
        print(f"index size: {size / 2**20:.0f} MB (the table itself: {table / 2**20:.0f} MB)")
    except Exception as error:  # noqa: BLE001 (dbstat is a compile-time option of SQLite: any failure means not measured)
        print(f"index size: not measured ({error})")
    template = queries.rows_by_id(db, register, [1])[0]
    cleaned = [validate(register, {key: template[key] for key in register.keys if key != "case_no"})] * 20_000

    def insert_and_roll_back() -> None:
        db.execute("SAVEPOINT bench")
        records.insert_clean(db, register, cleaned)
        db.execute("ROLLBACK TO bench")
        db.execute("RELEASE bench")

    with_triggers, _ = _timed(insert_and_roll_back, repeat=2)
    db.execute("SAVEPOINT no_triggers")
    for action in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER search_{register.key}_{action}")
    without_triggers, _ = _timed(insert_and_roll_back, repeat=2)
    dates = search.dates_index(register) if hasattr(search, "dates_index") else None  # an older checkout has none
    if dates:
        db.execute(f"DROP INDEX IF EXISTS {dates}")
        without_either, _ = _timed(insert_and_roll_back, repeat=2)
    db.execute("ROLLBACK TO no_triggers")
    db.execute("RELEASE no_triggers")
    print(
        f"insert 20,000 records (records.insert_clean, one transaction): {with_triggers:.2f} s with the index, "
        f"{without_triggers:.2f} s without ({with_triggers / without_triggers:.2f}x)"
        + (f"; without the index of dates by id too {without_either:.2f} s" if dates else "")
    )


def main() -> None:
    arguments = sys.argv[1:]
    rows = int(next((a for a in arguments if a.isdigit()), 1_000_000))
    from zhaocun_desktop.db import SCHEMA_VERSION

    path = Path(tempfile.gettempdir()) / f"zhaocun_bench_{rows}_v{SCHEMA_VERSION}.db"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_name(path.name + ".part")  # a build stopped halfway must not be reused as the cache
        partial.unlink(missing_ok=True)
        build(partial, rows)
        partial.rename(path)
        print(f"built {rows:,} cases in {time.perf_counter() - started:.1f} s: {path}")

    os.environ["ZHAOCUN_DATA_DIR"] = tempfile.mkdtemp()
    from PySide6.QtCore import QCoreApplication

    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.gui.app import create_app, ui_state_file
    from zhaocun_desktop.gui.register_view import RegisterView
    from zhaocun_desktop.registers import MEDIATION_CASE

    app = create_app()
    key = None
    if "--encrypted" in arguments:  # the same file encrypted (bench/encryption.py's copy, cached beside it): issue 23
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from encryption import encrypted_copy

        encrypted = path.with_name(path.stem + "_encrypted.db")
        key = encrypted_copy(path, encrypted)
        path = encrypted
        print(f"encrypted copy: {path}")
    started = time.perf_counter()
    db = open_db(path, key=key)
    print(f"opened in {time.perf_counter() - started:.1f} s (the search index rebuilt when out of step with this version)")
    search_side_by_side(db, MEDIATION_CASE)
    if "--searches" in arguments:  # the search table alone
        db.close()
        return
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
    view.search_box.setText("调解成功")  # in every record
    view.apply_filters()
    view.table.viewport().repaint()
    common = time.perf_counter() - started
    common_found = view.model.rowCount()
    view.search_box.setText(word)  # the year filter below is measured with the name searched, as before
    view.apply_filters()

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
    print(f"search '{word}' over all rows       : {search:.3f} s   (goal < 0.1 s), {found:,} found")
    print(f"search '调解成功' (in every row)     : {common:.3f} s   (goal < 0.1 s), {common_found:,} listed so far")
    print(f"year filter 2020 (indexed)        : {year_filter:.3f} s")
    print(f"sort by 当事人 + jump to bottom     : {sort_jump:.3f} s   (no goal; unindexed column)")
    print(f"resident memory                   : {rss_mb():.0f} MB   (goal < 300 MB; {before:.0f} MB before the tab)")
    view.close()
    db.close()
    del app


if __name__ == "__main__":
    main()

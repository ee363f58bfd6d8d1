"""A year typed as a search word (issue 27): its records lie together in the list's date order, far from its top.

The list on screen then takes its first rows from the date index walked against the search index's matches
(queries.RecordList._after_first_slice, search._matching) instead of walking records one by one. Whatever the plan,
the list is what a plain scan finds, in the list's order: checked on a real file whose case numbers and 事由 hold
years too (第2020号 in 2023, "2020年的纠纷" in 2017), page by page across the years' boundaries.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from zhaocun_desktop import queries, records, search, villages
from zhaocun_desktop.db import open_db
from zhaocun_desktop.queries import RecordQuery
from zhaocun_desktop.registers import DISPUTE_TYPES, MEDIATION_CASE, VILLAGE

VILLAGE_NAMES = ["赵村", "钱庄", "孙家湾"]
YEARS = range(2016, 2025)


class SmallSteps(queries.RecordList):
    """Thresholds scaled down to this file (about 60 cases a year), so a year's cases are common to the list."""

    RARE, FIRST, WALK_BUDGET, WALK_SHARE, WALK_STEP = 40, 5, 60, 1, 7


@pytest.fixture(scope="module")
def years_file(tmp_path_factory) -> Path:
    """Cases of 2016-2024 whose case numbers carry their year; a few also hold another year in their number
    (第2020号) or their 事由 (2020年的纠纷), in other years."""
    path = tmp_path_factory.mktemp("years") / "years.db"
    db = open_db(path)
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGE_NAMES])
    ids = villages.village_ids(db)
    db.close()
    rng = random.Random(27)
    keys = queries.stored_columns(MEDIATION_CASE)
    rows = []
    for number in range(540):
        year = YEARS[number % len(YEARS)]
        accepted = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        case_no = f"（{year}）赵人调字第{number}号"
        summary = "双方因琐事产生矛盾。"
        if number % 97 == 5:
            case_no = f"（{year}）赵人调字第{number}2020号"  # another year inside the number
        if number % 131 == 7:
            summary = f"{rng.choice((2019, 2020, 2021))}年的纠纷，经调解达成一致。"
        values = dict(
            case_no=case_no, accepted=accepted, village=rng.choice(VILLAGE_NAMES), org=rng.choice(("村调委会", "镇调委会")),
            dispute_type=rng.choice(DISPUTE_TYPES), source="排查发现", parties="甲与乙", people=2, summary=summary,
            mediator="丙", result="调解成功", agreement=rng.choice(("书面", "口头")), closed=accepted, confirmed=0,
        )  # fmt: skip
        values = villages.stored_values(MEDIATION_CASE, values, ids)
        rows.append([values.get(key) for key in keys] + ["2024-01-01T00:00:00"] * 2)
    conn = sqlite3.connect(path)  # the search triggers index each row as it is added
    with conn:
        conn.executemany(
            f"INSERT INTO mediation_case ({', '.join(keys)}, created_at, updated_at) VALUES ({', '.join('?' * (len(keys) + 2))})", rows
        )
    conn.close()
    return path


def scanned(db, query: RecordQuery) -> list[int]:
    """The list by its definition: every word a substring of some searchable column (a village read as its name),
    the year's and the village's filters, newest first (the list's default order; ties by id) or as sorted."""
    names = dict(db.execute("SELECT id, name FROM village").fetchall())
    fields = [field for field in MEDIATION_CASE.fields if field.searchable]
    found = []
    for row in queries.rows_by_id(db, MEDIATION_CASE):
        shown = [names.get(row.get(f.id_column)) or row[f.key] if f.id_column else row[f.key] for f in fields]
        texts = [text for text in shown if isinstance(text, str)]
        if not all(any(word in text for text in texts) for word in query.words()):
            continue
        if query.year is not None and not row["accepted"].startswith(str(query.year)):
            continue
        if query.village is not None and names.get(row["village_id"]) != query.village:
            continue
        found.append(row)
    descending = query.descending or query.sort_key is None
    return [row["id"] for row in sorted(found, key=lambda row: (row["accepted"], row["id"]), reverse=descending)]


def paged(listing: queries.RecordList, size: int) -> list[int]:
    """Every id of a list, ``size`` more at a time the way the view reads on, each page read by position."""
    while not listing.complete:
        listing.extend(listing.more(size))
    return [row[0] for start in range(0, listing.count, size) for row in listing.rows(start, size)]


def statements_of(db, make):
    """What ``make()`` returns and the SQL statements it ran."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        return make(), statements
    finally:
        db.conn.set_trace_callback(None)


def test_a_year_word_takes_its_first_rows_through_the_index_in_date_order(years_file, tmp_path):
    """2020: a few newer cases hold it in their number or 事由, then every case of 2020 (its case numbers): the first
    rows cross from the newer years into 2020, and the list is not walked record by record to its budget. The
    index's matches are put in date order through the index of dates by id; without it (a file where it is not made
    yet), by walking the date index against them: the same rows either way."""
    path = tmp_path / "years.db"
    shutil.copy(years_file, path)
    db = open_db(path)
    try:
        query = RecordQuery(search="2020")
        expected = scanned(db, query)
        newer = [record_id for record_id in expected if queries.get(db, MEDIATION_CASE, record_id)["accepted"] >= "2021"]
        assert 0 < len(newer) < SmallSteps.FIRST < len(expected)  # the first screen crosses the year's boundary
        for way in (f"INDEXED BY {search.dates_index(MEDIATION_CASE)}", "+id IN (SELECT rowid"):
            lazy, statements = statements_of(db, lambda: SmallSteps(db, MEDIATION_CASE, query, ["id"], lazy=True))
            assert any(way in sql for sql in statements), way
            assert sum("OFFSET" in sql and "instr(" in sql for sql in statements) == 1  # the first slice walked, no more
            assert not lazy.complete and lazy.count == SmallSteps.FIRST
            assert [row[0] for row in lazy.rows(0, lazy.count)] == expected[: SmallSteps.FIRST]
            assert paged(lazy, 3) == expected
            db.execute(f"DROP INDEX IF EXISTS {search.dates_index(MEDIATION_CASE)}")
        assert paged(queries.RecordList(db, MEDIATION_CASE, query, ["id"]), 50) == expected  # the eager list agrees
    finally:
        db.close()
    assert search.dates_index(MEDIATION_CASE) in open_db(path).execute("SELECT group_concat(name) FROM sqlite_master").fetchone()[0]  # made again on open


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_year_words_list_what_a_scan_finds_page_by_page(years_file, data):
    """Years alone, inside a case number or 事由 (（2020）, 2020年, 第…2020号), with common words, in no record at all; with
    the year's and the village's filters and either order: the lazy list read a page at a time is the scan's."""
    db = open_db(years_file)
    try:
        word = st.sampled_from(
            [str(year) for year in range(2014, 2026)]
            + ["（2020）", "2020年", "2020年的纠纷", "2020号", "第52020", "2020）赵", "镇调委会", "书面", "赵人调字", "调解", "纠纷", "龘", "2099", "赵村"]
        )
        words = data.draw(st.lists(word, min_size=1, max_size=3))
        query = RecordQuery(
            search=" ".join(words),
            year=data.draw(st.sampled_from([None, 2019, 2020, 2021])),
            village=data.draw(st.sampled_from([None, *VILLAGE_NAMES[:2]])),
            sort_key=data.draw(st.sampled_from([None, MEDIATION_CASE.date_field])),
            descending=data.draw(st.booleans()),
        )
        expected = scanned(db, query)
        assert paged(SmallSteps(db, MEDIATION_CASE, query, ["id"], lazy=True), data.draw(st.integers(1, 40))) == expected, query
        assert paged(queries.RecordList(db, MEDIATION_CASE, query, ["id"]), 64) == expected, query
    finally:
        db.close()


def test_a_year_in_no_record_and_years_rare_together_list_nothing_or_their_few(years_file):
    db = open_db(years_file)
    try:
        for text in ("2099", "2020 2099", "（2016） （2017）", "2020年的纠纷 （2017）", "（2017） 2020"):
            query = RecordQuery(search=text)
            lazy = SmallSteps(db, MEDIATION_CASE, query, ["id"], lazy=True)
            assert paged(lazy, 4) == scanned(db, query), text
        assert scanned(db, RecordQuery(search="2099")) == [] and scanned(db, RecordQuery(search="（2017） 2020"))  # both kinds here
        assert search.has_index(db, MEDIATION_CASE)
    finally:
        db.close()

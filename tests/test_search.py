"""The FTS5 trigram search index gives exactly the rows the instr() search gives.

Checked against a plain-Python definition of the search (every word in some searchable column)
after inserts, edits, deletes, real Excel imports and their undo, on every register.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from zhaocun_desktop import queries, records, search
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import build_demo
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.excel.importing import commit_import, preview_import, undo_batch
from zhaocun_desktop.excel.writing import write_export
from zhaocun_desktop.queries import RecordQuery
from zhaocun_desktop.registers import Kind


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path)
    return path


def expected_ids(db, register, query: RecordQuery) -> set[int]:
    """The search by its definition: every word is a substring of some searchable column."""
    names = dict(db.execute("SELECT id, name FROM village").fetchall())
    fields = [field for field in register.fields if field.searchable]
    found = set()
    for row in queries.rows_by_id(db, register):
        # a village field reads as its village's name when it refers to one (queries.column_sql)
        shown = [names.get(row.get(f.id_column)) or row[f.key] if f.id_column else row[f.key] for f in fields]
        texts = [text for text in shown if isinstance(text, str)]
        if all(any(word in text for text in texts) for word in query.words()):
            found.add(row["id"])
    return found


def _copy(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the module's demo database that a test may change."""
    path = tmp_path / "copy.db"
    shutil.copy(demo_file, path)
    return path


def listed_ids(db, register, query: RecordQuery) -> set[int]:
    result = queries.RecordList(db, register, query, ["id"])
    ids = [row[0] for row in result.rows(0, result.count)]
    assert len(ids) == result.count == queries.count(db, register, query)
    return set(ids)


def words_from(db, register, limit: int = 6) -> list[str]:
    """Query words cut from stored values: 1 to 6 characters, from the start, middle and end."""
    words = []
    for row in queries.rows_by_id(db, register)[:limit]:
        for column in search.search_columns(register):
            text = row[column]
            if isinstance(text, str) and text.strip():
                text = text.split()[0]
                words += {text[:1], text[:2], text[-3:], text[1:5], text}
    return [word for word in words if word]


def test_every_register_with_searchable_columns_is_indexed_and_kept_by_triggers(demo_file):
    db = open_db(demo_file)
    indexed = search.indexed_registers(db)
    assert {"mediation_case", "village", "publicity_event"} <= {r.key for r in indexed}
    for register in indexed:
        assert search.has_index(db, register), register.key
        stored = db.execute(f"SELECT count(*) FROM {search.index_table(register)}").fetchone()[0]
        assert stored == queries.count(db, register)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_indexed_search_equals_instr_search_on_every_register(demo_file):
    db = open_db(demo_file)
    for register in search.indexed_registers(db):
        words = words_from(db, register)
        assert any(search.uses_index(word) for word in words), register.key
        villages = [name[cut] for name in queries.village_names(db)[:4] for cut in (slice(0, 3), slice(1, None), slice(0, 2))]
        for word in words + villages + ["不存在的词语", "村 调", '"引号"', "a*b", "OR", "NEAR(x)"]:
            query = RecordQuery(search=word)
            assert listed_ids(db, register, query) == expected_ids(db, register, query), (register.key, word)
    db.close()


def _integrity_checked(db, register) -> None:
    """FTS5's own check of an external-content index against the text it reads (the padded view)."""
    fts = search.index_table(register)
    db.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def test_two_character_words_are_looked_up_in_the_index(demo_file, tmp_path):
    """A two-character name at a value's end, or as the whole value, is found through the trigrams that
    start with it (the indexed text ends with a space); the rows are those instr() finds."""
    from zhaocun_desktop.registers import MEDIATION_CASE, PARTY

    path = _copy(demo_file, tmp_path)
    db = open_db(path)
    case = queries.rows_by_id(db, MEDIATION_CASE)[3]
    records.update(db, MEDIATION_CASE, case["id"], {"summary": "双方因宅基地界址发生争执，经调解由秦岭"})  # at the end
    other = queries.rows_by_id(db, MEDIATION_CASE)[7]
    records.update(db, MEDIATION_CASE, other["id"], {"mediator": "秦岭"})  # the whole value
    for register, word, ids in ((MEDIATION_CASE, "秦岭", {case["id"], other["id"]}), (MEDIATION_CASE, "由秦", {case["id"]})):
        query = RecordQuery(search=word)
        assert word in queries._indexed_words(db, register, query), "served by the index, not by a scan"
        assert listed_ids(db, register, query) == expected_ids(db, register, query) == ids
        assert queries.RecordList(db, register, query, ["id"], lazy=True).complete, "a rare word: read at once"
    for register in (MEDIATION_CASE, PARTY):
        _integrity_checked(db, register)
    records.delete(db, MEDIATION_CASE, [case["id"]])
    assert listed_ids(db, MEDIATION_CASE, RecordQuery(search="秦岭")) == {other["id"]}
    _integrity_checked(db, MEDIATION_CASE)
    db.close()


def test_one_character_words_are_looked_up_in_the_index(demo_file, tmp_path):
    """A single character is found through the trigrams that start with it: at a value's end (the indexed
    text ends with two spaces), as a whole one-character value, in the middle; a character no record holds
    is known to be in none from the vocabulary alone (no trigram starts with it), without a scan."""
    from zhaocun_desktop.registers import MEDIATION_CASE

    db = open_db(_copy(demo_file, tmp_path))
    cases = queries.rows_by_id(db, MEDIATION_CASE)
    records.update(db, MEDIATION_CASE, cases[3]["id"], {"summary": "双方因宅基地界址发生争执，经调解由鬯"})  # at the end
    records.update(db, MEDIATION_CASE, cases[7]["id"], {"mediator": "鬯"})  # the whole value
    records.update(db, MEDIATION_CASE, cases[9]["id"], {"note": "甲鬯乙"})  # in the middle
    query = RecordQuery(search="鬯")
    assert search.is_short("鬯") and "鬯" in queries._indexed_words(db, MEDIATION_CASE, query), "served by the index, not by a scan"
    assert listed_ids(db, MEDIATION_CASE, query) == expected_ids(db, MEDIATION_CASE, query) == {cases[n]["id"] for n in (3, 7, 9)}
    assert queries.RecordList(db, MEDIATION_CASE, query, ["id"], lazy=True).complete, "a rare word: read at once"
    _integrity_checked(db, MEDIATION_CASE)
    nowhere = search.lookup(db, MEDIATION_CASE, "龘")
    assert nowhere == search.Lookup("", 0, 0, villages=()), "no trigram starts with it, no village's name holds it"
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    assert queries.RecordList(db, MEDIATION_CASE, RecordQuery(search="龘"), ["id"]).count == 0
    db.conn.set_trace_callback(None)
    listed = [sql for sql in statements if sql.startswith("SELECT id FROM mediation_case")]
    assert listed and not any("instr(" in sql for sql in listed), "answered by the index: no instr() over the records"
    # a rare word is read through the index alone: no village subquery beside it (that made SQLite read every record)
    where, params = queries._where(db, MEDIATION_CASE, query)
    plan = " ".join(str(row[-1]) for row in db.execute(f"EXPLAIN QUERY PLAN SELECT id FROM mediation_case WHERE {where}", params))
    assert "SCAN mediation_case" not in plan and "instr" not in where, plan
    db.close()


def test_a_common_two_character_word_is_walked_not_looked_up(demo_file, monkeypatch):
    from zhaocun_desktop.registers import MEDIATION_CASE

    db = open_db(demo_file)
    query = RecordQuery(search="调解")
    assert "调解" in queries._indexed_words(db, MEDIATION_CASE, query)
    expected = listed_ids(db, MEDIATION_CASE, query)
    monkeypatch.setattr(search, "MAX_SHORT_TERMS", 1)  # more trigrams than that start with 调解: a common word
    assert queries._indexed_words(db, MEDIATION_CASE, query) == {}
    assert listed_ids(db, MEDIATION_CASE, query) == expected == expected_ids(db, MEDIATION_CASE, query)
    db.close()


def test_an_index_of_before_the_padding_is_rebuilt_on_open(demo_file, tmp_path):
    from zhaocun_desktop.db import schema_out_of_step
    from zhaocun_desktop.registers import MEDIATION_CASE

    path = _copy(demo_file, tmp_path)
    db = open_db(path)
    register = search.indexed_registers(db)[0]
    db.execute(f"DROP VIEW {search.content_view(register)}")  # as an index built by the previous version has none
    assert not search.has_index(db, register) and schema_out_of_step(db)
    # the previous version rebuilding its own kind of index next to this version's view: read from the table, no padding
    fts, names = search.index_table(MEDIATION_CASE), ", ".join(search.search_columns(MEDIATION_CASE))
    db.execute(f"DROP TABLE {fts}")
    db.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{MEDIATION_CASE.key}', content_rowid='id', tokenize='trigram case_sensitive 1')")
    db.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    assert not search.has_index(db, MEDIATION_CASE)
    db.close()
    db = open_db(path)
    assert search.has_index(db, register) and search.has_index(db, MEDIATION_CASE) and not schema_out_of_step(db)
    _integrity_checked(db, register)
    _integrity_checked(db, MEDIATION_CASE)
    db.close()


def test_a_migration_may_rebuild_a_table_once_the_search_objects_are_dropped(demo_file, tmp_path):
    """SQLite checks every view on ALTER TABLE: the views the indexes read go with the triggers."""
    from zhaocun_desktop.registers import MEDIATION_CASE

    path = _copy(demo_file, tmp_path)
    db = open_db(path)
    search.drop_triggers(db)
    table = MEDIATION_CASE.key
    columns = ", ".join(row[1] for row in db.execute(f"PRAGMA table_info({table})"))
    db.execute("PRAGMA foreign_keys = OFF")
    with db.atomic():  # the usual rebuild: copy, drop, rename
        db.execute(f"CREATE TABLE {table}_new AS SELECT {columns} FROM {table}")
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    db.close()
    db = open_db(path)
    assert search.has_index(db, MEDIATION_CASE)
    query = RecordQuery(search="调解")
    assert listed_ids(db, MEDIATION_CASE, query) == expected_ids(db, MEDIATION_CASE, query)
    db.close()


def test_a_stale_index_is_rebuilt_and_not_used_meanwhile(demo_file, tmp_path):
    path = _copy(demo_file, tmp_path)
    db = open_db(path)
    register = search.indexed_registers(db)[0]
    db.execute(f"DROP TRIGGER search_{register.key}_insert")
    assert not search.has_index(db, register)  # lists fall back to instr(): still right, only slower
    word = words_from(db, register)[-1]
    assert listed_ids(db, register, RecordQuery(search=word)) == expected_ids(db, register, RecordQuery(search=word))
    db.close()
    db = open_db(path)  # opening re-syncs
    assert search.has_index(db, register)
    db.close()


def test_words_in_no_village_name_are_one_match_and_find_what_a_scan_finds(demo_file):
    """Several words the index serves alone are asked in one MATCH (FTS5 intersects their lists); a word in a
    village's name keeps its own condition (its village's records match too)."""
    from zhaocun_desktop.registers import MEDIATION_CASE

    db = open_db(demo_file)
    case = queries.rows_by_id(db, MEDIATION_CASE)[2]
    village, merged = queries.village_names(db)[0], []
    for text in (f"{case['parties'][:3]} {case['case_no'][-4:]}", "调解成功 调委会", f"调解 {village}", f"{village} 调解成功 耐心"):
        query = RecordQuery(search=text)
        where, params = queries._where(db, MEDIATION_CASE, query)
        looked_up = queries._indexed_words(db, MEDIATION_CASE, query)
        alone = [word for word, how in looked_up.items() if how.expression and not how.villages]
        named = [word for word, how in looked_up.items() if how.expression and how.villages]
        assert where.count("MATCH ?") == min(len(alone), 1) + len(named), (text, where)
        if len(alone) > 1:
            assert " AND ".join(f"({looked_up[word].expression})" for word in alone) in params
            merged.append(text)
        assert listed_ids(db, MEDIATION_CASE, query) == expected_ids(db, MEDIATION_CASE, query), text
    assert "调解成功 调委会" in merged and f"调解 {village}" not in merged
    db.close()


def test_an_index_padded_by_one_space_is_rebuilt_on_open(demo_file, tmp_path):
    """An index made before single characters were looked up pads each value with one space: a value's
    last character starts no trigram there, so a one-character search would miss it. Opening rebuilds it."""
    from zhaocun_desktop.db import schema_out_of_step
    from zhaocun_desktop.registers import MEDIATION_CASE

    path = _copy(demo_file, tmp_path)
    db = open_db(path)
    view, columns = search.content_view(MEDIATION_CASE), search.search_columns(MEDIATION_CASE)
    search.drop_triggers(db)
    db.execute(f"CREATE VIEW {view} AS SELECT id, {', '.join(f'{c} || {chr(39)} {chr(39)} AS {c}' for c in columns)} FROM {MEDIATION_CASE.key}")
    assert not search.has_index(db, MEDIATION_CASE) and schema_out_of_step(db)
    db.close()
    db = open_db(path)
    assert search.has_index(db, MEDIATION_CASE) and not schema_out_of_step(db)
    _integrity_checked(db, MEDIATION_CASE)
    case_no = queries.rows_by_id(db, MEDIATION_CASE)[0]["case_no"]
    query = RecordQuery(search=case_no[-1])  # 号: the last character of every case number
    assert case_no[-1] in queries._indexed_words(db, MEDIATION_CASE, query)
    assert listed_ids(db, MEDIATION_CASE, query) == expected_ids(db, MEDIATION_CASE, query)
    db.close()


# ---------------------------------------------------------------------------
# Property: one- and two-character words give what a scan gives.

RARE_CHARACTERS = "鬯龘齉㐀𠀀zZ号、 "  # mostly in no record; 号 and 、 end or split values


def short_words(db, register) -> st.SearchStrategy[str]:
    """One- and two-character words: cut from stored values (start, end, middle, a whole short value) or
    made of characters mostly in no record."""
    cut = []
    for row in queries.rows_by_id(db, register)[:12]:
        for column in search.search_columns(register):
            text = row[column]
            if isinstance(text, str) and text.strip():
                text = "".join(text.split())
                cut += {text[:1], text[:2], text[-1:], text[-2:], text[len(text) // 2 : len(text) // 2 + 2]}
    made = st.text(alphabet=RARE_CHARACTERS + "".join(cut)[:60], min_size=1, max_size=2).map(lambda text: "".join(text.split()))
    return st.one_of(st.sampled_from(sorted(word for word in cut if word)), made).filter(bool)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_short_words_equal_a_scan(demo_file, data):
    """Any one- or two-character word (one or two of them), on any register: the list is the scan's,
    read at once or walked lazily, and the index serves the word unless it is too common for its vocabulary."""
    db = open_db(demo_file)
    try:
        register = data.draw(st.sampled_from(search.indexed_registers(db)))
        words = data.draw(st.lists(short_words(db, register), min_size=1, max_size=2))
        query = RecordQuery(search=" ".join(words))
        assert listed_ids(db, register, query) == expected_ids(db, register, query), words
        served = queries._indexed_words(db, register, query)
        for word in words:
            assert word in served or search.lookup(db, register, word) is None, word
        if register.date_field:
            eager = queries.RecordList(db, register, query, ["id"])
            assert read_whole(SmallSteps(db, register, query, ["id"], lazy=True)) == [row[0] for row in eager.rows(0, eager.count)], words
    finally:
        db.close()


# ---------------------------------------------------------------------------
# Property: after any sequence of writes, the index and the definition agree.

ALPHABET = "赵村甲乙丙调解aAbB 1"
texts = st.text(alphabet=ALPHABET, min_size=1, max_size=8).map(str.strip).filter(bool)
operation = st.one_of(
    st.tuples(st.just("insert"), texts),
    st.tuples(st.just("edit"), st.integers(0, 50), texts),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("import"), st.integers(0, 50)),
    st.tuples(st.just("undo"), st.integers(0, 5)),
)


def _writable_text_fields(register):
    """Free-text fields a random text can go into without failing validation."""
    return [f.key for f in register.fields if f.kind in (Kind.TEXT, Kind.MEMO) and not f.unique and not f.choices]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=1, max_size=8), searched=st.lists(texts, min_size=1, max_size=4))
def test_index_agrees_with_the_definition_after_any_writes(demo_file, operations, searched):
    folder = Path(tempfile.mkdtemp(prefix="search-"))
    try:
        path = folder / "db.db"
        shutil.copy(demo_file, path)
        db = open_db(path)
        register = max(search.indexed_registers(db), key=lambda r: len(_writable_text_fields(r)))
        fields = _writable_text_fields(register)
        template = queries.rows_by_id(db, register)[0]
        base = {key: template[key] for key in register.keys}
        for step, (kind, *args) in enumerate(operations):
            ids = [row["id"] for row in queries.rows_by_id(db, register)]
            try:
                if kind == "insert":
                    records.insert(db, register, {**base, **{key: args[0] for key in fields}})
                elif kind == "edit" and ids:
                    records.update(db, register, ids[args[0] % len(ids)], {fields[args[0] % len(fields)]: args[1]})
                elif kind == "delete" and ids:
                    records.delete(db, register, [ids[args[0] % len(ids)]])
                elif kind == "import" and ids:
                    chosen = ids[args[0] % len(ids)]
                    out = folder / f"import{step}.xlsx"
                    write_export(db, register, out, RecordQuery(), reveal=True)
                    records.delete(db, register, [chosen])  # the file then brings that one record back
                    commit_import(db, preview_import(db, out, register))
                elif kind == "undo":
                    batches = [row[0] for row in db.execute("SELECT id FROM import_batch WHERE undone_at IS NULL ORDER BY id")]
                    if batches:
                        undo_batch(db, batches[args[0] % len(batches)])
            except InvalidRecord:
                pass  # a random text the register refuses: nothing written
        for text in searched + words_from(db, register, limit=3):
            query = RecordQuery(search=text)
            assert listed_ids(db, register, query) == expected_ids(db, register, query), text
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------
# The list on screen reads a common search lazily, walking the date index: the same rows, in the same order.


class SmallSteps(queries.RecordList):
    """A lazy list with thresholds scaled down to a demo year, so its walk takes many slices."""

    RARE, FIRST, WALK_BUDGET, WALK_SHARE, WALK_STEP = 40, 5, 60, 1, 7


def read_whole(listing: queries.RecordList) -> list[int]:
    """Every id of a list, reading a lazy one to its end the way the view does."""
    while not listing.complete:
        listing.extend(listing.more(11))
    return [row[0] for row in listing.rows(0, listing.count)]


def test_a_common_word_is_listed_lazily_in_the_same_order(demo_file):
    from zhaocun_desktop.registers import MEDIATION_CASE

    db = open_db(demo_file)
    query = RecordQuery(search="调解")  # in nearly every case
    eager = queries.RecordList(db, MEDIATION_CASE, query, ["id"])
    lazy = SmallSteps(db, MEDIATION_CASE, query, ["id"], lazy=True)
    assert not lazy.complete and SmallSteps.FIRST <= lazy.count < eager.count
    assert read_whole(lazy) == [row[0] for row in eager.rows(0, eager.count)]
    rare = SmallSteps(db, MEDIATION_CASE, RecordQuery(search=queries.rows_by_id(db, MEDIATION_CASE)[5]["case_no"]), ["id"], lazy=True)
    assert rare.complete and rare.count == 1  # a rare word: read at once, as before
    db.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_lazy_lists_equal_eager_lists(demo_file, data):
    db = open_db(demo_file)
    try:
        register = data.draw(st.sampled_from([r for r in search.indexed_registers(db) if r.date_field]))
        words = data.draw(st.lists(st.sampled_from(words_from(db, register, limit=4) + ["调解", "村", "赵村", "2023", "镇调委会", "与", "龘", "调", "号"]), max_size=3))
        villages = [None, *queries.village_names(db)[:3]]
        query = RecordQuery(
            search=" ".join(words),
            year=data.draw(st.sampled_from([None, 2022, 2023])),
            village=data.draw(st.sampled_from(villages)) if register.village_field else None,
            sort_key=data.draw(st.sampled_from([None, register.date_field])),
            descending=data.draw(st.booleans()),
        )
        eager = queries.RecordList(db, register, query, ["id"])
        assert read_whole(SmallSteps(db, register, query, ["id"], lazy=True)) == [row[0] for row in eager.rows(0, eager.count)], query
    finally:
        db.close()


def test_a_small_table_is_read_at_once(demo_file):
    from zhaocun_desktop.registers import MEDIATION_CASE

    db = open_db(demo_file)
    assert queries.RecordList(db, MEDIATION_CASE, RecordQuery(search="调解"), ["id"], lazy=True).complete  # a few hundred cases: a scan is instant
    db.close()


def test_an_index_is_filled_slice_by_slice_each_slice_seeking_to_its_first_record(demo_file, tmp_path, monkeypatch):
    """Each slice of ``build_index`` starts where the last one ended (a bound SQLite seeks to), not at
    the table's start: else a million records would be read again for every slice."""
    from zhaocun_desktop.registers import MEDIATION_CASE

    db = open_db(_copy(demo_file, tmp_path))
    monkeypatch.setattr(search, "FILL_ROWS", 50)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with db.atomic():
        filled = search.build_index(db, MEDIATION_CASE)
    db.conn.set_trace_callback(None)
    assert filled == queries.count(db, MEDIATION_CASE) > 100
    slices = [sql for sql in statements if sql.startswith("SELECT max(id), count(*)")]
    assert len(slices) == -(-filled // 50) + (filled % 50 == 0)  # and one that finds nothing, after an exact fill
    for sql in slices[1:]:
        plan = " ".join(str(row[-1]) for row in db.execute("EXPLAIN QUERY PLAN " + sql))
        # by the table's rowid or by the index of dates by id (search.dates_index), which leads with the id
        assert "SEARCH" in plan and ("rowid>" in plan.replace(" ", "") or f"{search.dates_index(MEDIATION_CASE)} (id>?)" in plan), plan
    _integrity_checked(db, MEDIATION_CASE)
    db.close()


def test_many_records_added_at_once_are_indexed_in_one_statement_and_found(demo_file, tmp_path):
    """An import of search.BULK_ROWS records or more sets the insert triggers aside and indexes the
    added rows (cases and their parties) at the end: the index agrees with the table, the search
    with its definition, the triggers are back; a failed one leaves the index as it was."""
    from zhaocun_desktop.registers import MEDIATION_CASE, PARTY

    db = open_db(_copy(demo_file, tmp_path))
    village = db.execute("SELECT name FROM village ORDER BY id LIMIT 1").fetchone()[0]
    case = dict(accepted="2023-05-04", village=village, org="村调委会", dispute_type="邻里", result="调解中")
    many = [dict(case, parties=f"欧阳{n:03d}与司马{n:03d}") for n in range(search.BULK_ROWS + 20)]
    ids = records.insert_many(db, MEDIATION_CASE, many)
    assert search.has_index(db, MEDIATION_CASE) and search.has_index(db, PARTY)
    for register in (MEDIATION_CASE, PARTY):
        _integrity_checked(db, register)
    for word in ("欧阳007", "司马119", "欧阳", "阳0"):
        query = RecordQuery(search=word)
        assert listed_ids(db, MEDIATION_CASE, query) == expected_ids(db, MEDIATION_CASE, query), word
    assert set(ids) <= listed_ids(db, MEDIATION_CASE, RecordQuery(search="欧阳"))
    records.insert(db, MEDIATION_CASE, dict(case, parties="诸葛亮与周瑜"))  # one at a time again: the trigger indexes it
    assert len(listed_ids(db, MEDIATION_CASE, RecordQuery(search="诸葛亮"))) == 1
    # a failure (the 121st record's 案件编号 already used) writes nothing, the triggers stay
    used = db.execute("SELECT case_no FROM mediation_case WHERE case_no IS NOT NULL LIMIT 1").fetchone()[0]
    failing = [dict(case, parties=f"上官{n:03d}与令狐") for n in range(search.BULK_ROWS + 20)] + [dict(case, parties="甲与乙", case_no=used)]
    with pytest.raises(InvalidRecord):
        records.insert_many(db, MEDIATION_CASE, failing)
    assert not listed_ids(db, MEDIATION_CASE, RecordQuery(search="上官")) and search.has_index(db, MEDIATION_CASE)
    _integrity_checked(db, MEDIATION_CASE)
    db.close()


def test_thousands_added_at_once_are_written_in_statements_of_many_rows(demo_file, tmp_path):
    """An import writes a thousand records at a time, each table's rows in statements of many rows
    (records._insert_rows): every row, child row and audit entry arrives once and in order, the index agrees
    with the table; an error SQLite raises in the third thousand (a trigger refusing one party of the 2,300th
    case) reaches the caller and nothing is written, no audit entry either; the index's triggers stay."""
    import sqlite3

    from zhaocun_desktop.registers import MEDIATION_CASE, PARTY

    db = open_db(_copy(demo_file, tmp_path))
    village = db.execute("SELECT name FROM village ORDER BY id LIMIT 1").fetchone()[0]
    case = dict(accepted="2023-05-04", village=village, org="村调委会", dispute_type="邻里", result="调解中")
    before = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("mediation_case", "mediation_party", "audit_log")}
    many = [dict(case, parties=f"端木{n:04d}与公孙{n:04d}") for n in range(2_500)]
    for register in (MEDIATION_CASE, PARTY):  # as an index built before search.BULK_HASH_BYTES has it
        db.execute(f"DELETE FROM {search.index_table(register)}_config WHERE k = 'hashsize'")
    ids = records.insert_many(db, MEDIATION_CASE, many)
    after = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in before}
    added = {table: after[table] - before[table] for table in before}
    assert added["mediation_case"] == 2_500 and added["mediation_party"] >= 2_500  # (digits: the text stays one party)
    assert added["audit_log"] == added["mediation_case"] + added["mediation_party"]  # each row audited once
    assert [row[0] for row in db.execute(f"SELECT parties FROM mediation_case WHERE id >= {ids[0]} ORDER BY id")] == [m["parties"] for m in many]
    for register in (MEDIATION_CASE, PARTY):
        _integrity_checked(db, register)
        hashsize = db.execute(f"SELECT v FROM {search.index_table(register)}_config WHERE k = 'hashsize'").fetchone()
        assert hashsize == (search.BULK_HASH_BYTES,)  # set by the bulk add
    for word in ("端木0007", "公孙2499", "端木", "孙1"):
        query = RecordQuery(search=word)
        assert listed_ids(db, MEDIATION_CASE, query) == expected_ids(db, MEDIATION_CASE, query), word
    db.execute("CREATE TRIGGER refuse_one BEFORE INSERT ON mediation_party WHEN NEW.name = '拒绝' BEGIN SELECT RAISE(ABORT, 'refused'); END")
    failing = [dict(case, parties=f"东方{n:04d}与西门") for n in range(2_299)] + [dict(case, parties="南宫与拒绝")] + [dict(case, parties="北堂与西门")] * 300
    with pytest.raises(sqlite3.IntegrityError, match="refused"):
        records.insert_many(db, MEDIATION_CASE, failing)
    assert {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in before} == after
    assert not listed_ids(db, MEDIATION_CASE, RecordQuery(search="东方")) and search.has_index(db, MEDIATION_CASE) and search.has_index(db, PARTY)
    db.execute("DROP TRIGGER refuse_one")
    for register in (MEDIATION_CASE, PARTY):
        _integrity_checked(db, register)
    db.close()


def test_adding_many_needs_a_transaction(demo_file, tmp_path):
    """Outside a transaction DROP TRIGGER commits by itself, and a failure would leave it dropped."""
    from zhaocun_desktop.registers import PETITION

    db = open_db(_copy(demo_file, tmp_path))
    with pytest.raises(RuntimeError, match="transaction"):
        with search.adding_many(db, [PETITION]):
            pass
    assert search.has_index(db, PETITION)
    db.close()


def test_words_common_alone_but_rare_together_are_read_at_once(demo_file):
    """Two words each in more records than RARE but together in fewer (search.rare_together, counted by the
    index alone) are read whole at once, not walked in date order to the walk's budget first; words common
    together are still walked. Either way the list is what the scan finds, in the same order."""
    from zhaocun_desktop.registers import MEDIATION_CASE

    db = open_db(demo_file)
    try:
        candidates = ["镇调委会", "村调委会", "调解成功", "调解中", "当事人申请", "排查发现", "2022", "2023", "2024", "书面", "口头"]
        alone = {word: len(expected_ids(db, MEDIATION_CASE, RecordQuery(search=word))) for word in candidates}
        common = [word for word in candidates if alone[word] >= SmallSteps.RARE and len(word) >= search.MIN_INDEXED_LENGTH]
        pairs = {(a, b): len(expected_ids(db, MEDIATION_CASE, RecordQuery(search=f"{a} {b}"))) for a in common for b in common if a < b}
        rare = [pair for pair, together in pairs.items() if together < SmallSteps.RARE]
        often = [pair for pair, together in pairs.items() if together >= SmallSteps.RARE]
        assert rare and often, pairs  # the demo has both kinds
        for pair in rare + often:
            query = RecordQuery(search=" ".join(pair))
            looked_up = queries._indexed_words(db, MEDIATION_CASE, query, short=False)
            assert search.rare_together(db, MEDIATION_CASE, list(looked_up.values()), SmallSteps.RARE) is (pair in rare), pair
            statements: list[str] = []
            db.conn.set_trace_callback(statements.append)
            lazy = SmallSteps(db, MEDIATION_CASE, query, ["id"], lazy=True)
            db.conn.set_trace_callback(None)
            walked = [sql for sql in statements if "OFFSET" in sql]  # the walk's slices (RecordList.more)
            if pair in rare:
                assert lazy.complete and lazy.count == pairs[pair] and not walked, pair  # read whole at once, not walked first
            else:
                assert walked, pair
            eager = queries.RecordList(db, MEDIATION_CASE, query, ["id"])
            assert read_whole(lazy) == [row[0] for row in eager.rows(0, eager.count)], pair
            assert set(read_whole(lazy)) == expected_ids(db, MEDIATION_CASE, query), pair
    finally:
        db.close()

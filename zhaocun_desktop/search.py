"""The full-text search index: one FTS5 trigram table per register over its searchable columns.

A list's search finds records whose searchable columns contain every typed word (case-sensitive
substring, the same as ``instr``). Words of three or more characters are looked up in the index
(milliseconds at a million rows). The index is an external-content FTS5 table (it stores only the
index, not a second copy of the text) kept in step by triggers, so every write path — forms,
imports, undo, restores, raw SQL in migrations — updates it without Python code. One exception for
speed: a transaction adding ``BULK_ROWS`` records or more (an import) sets the insert triggers aside
and indexes the added rows in one statement at its end (``adding_many``).

Shorter words are looked up too (``lookup``): a name such as 秦国, a village such as 赵村, a single
character such as 梁 or 号. Each value is indexed with two spaces after it (``PAD``; the index reads its
text through the view ``search_<register>_text``), so every character of a value starts a trigram:
the character and the next two, or the spaces at the value's end (a one-character value is a trigram
too). The trigrams that start with the word are read from the index's vocabulary (``fts5vocab``, a
range of terms) and looked up together; none at all: no record holds the word, known without a scan.
Reading them costs as much as the rows they hold (60-80 ms for 调解, in every one of a million cases),
so the list on screen first walks its newest records (queries.RecordList) and asks the vocabulary only
when they did not already fill a screen. When more than ``MAX_SHORT_TERMS`` trigrams start with the
word it is common, and the list walks the records instead.

Beside each index of a register with a date field, a plain index of each record's date by its id (``dates_index``):
the list on screen puts the matches of a word whose records lie far down its date order (a year) in that order
through it, without reading their rows (queries.RecordList._through_index).

``sync_search_indexes`` makes the indexes match the descriptions: it (re)builds an index whose
columns differ from the register's searchable fields, whose triggers or view are missing (a
migration drops them before it rebuilds a table), or that does not read its view (an index made
before the padding). It runs after every migration, so a new register or a
new searchable field is indexed with no edit here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from zhaocun_desktop import registers
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.registers import Register

if TYPE_CHECKING:
    from sqlite_utils import Database

MIN_INDEXED_LENGTH = 3  # a trigram index finds these directly
SHORT_LENGTH = 1  # ... and these through the trigrams that start with them (PAD)
PAD = "  "  # after every indexed value: every character, the last one too, starts a trigram
# more trigrams start with a short word: it is common, the list walks the records (an OR of 176 trigrams
# found 64,205 of a million cases in 62 ms; of 3,011, every case in 11 s)
MAX_SHORT_TERMS = 200
_TRIGGERS = ("insert", "delete", "update")


def search_columns(register: Register) -> list[str]:
    """The columns a list's search looks in."""
    return [field.key for field in register.fields if field.searchable]


def index_table(register: Register) -> str:
    return f"search_{register.key}"


def content_view(register: Register) -> str:
    """The view the index reads its text from: each searchable value followed by ``PAD``."""
    return f"search_{register.key}_text"


def dates_index(register: Register) -> str | None:
    """The index of each record's date by its id (``id, date``), for a register with a date field: a search's matches
    are put in the list's date order reading it (a few MB) instead of their rows (0.9 us a match: 100,000 matches of
    2020 at a million cases took 94 ms to look up before their sort, against ~25 ms here)."""
    return f"search_{register.key}_dates" if register.date_field else None


def _trigger(register: Register, action: str) -> str:
    return f"search_{register.key}_{action}"


def uses_index(word: str) -> bool:
    """True when the index can be asked for ``word`` (``lookup`` may still refuse a short word that is too common)."""
    return len(word) >= SHORT_LENGTH


def is_short(word: str) -> bool:
    """True for a word found through the index's vocabulary (a read that costs as much as the rows it holds)."""
    return SHORT_LENGTH <= len(word) < MIN_INDEXED_LENGTH


def match_phrase(word: str) -> str:
    """``word`` as an FTS5 phrase: every character literal (quotes doubled)."""
    return '"' + word.replace('"', '""') + '"'


def _table_columns(db: Database, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()]


def indexed_registers(db: Database) -> list[Register]:
    """Every described register whose table exists here with its searchable columns.

    Read from the ``registers`` module rather than a fixed list so child registers and
    registers added later are indexed too; the key/value settings table is not a register table.
    """
    return [register for register in described_registers() if _indexable(register, _table_columns(db, register.key))]


def described_registers() -> list[Register]:
    """Every register the ``registers`` module describes (child registers too), once each."""
    found, seen = [], set()
    for value in vars(registers).values():
        candidates: Iterable = value if isinstance(value, (tuple, list)) else (value,)
        for register in candidates:
            if isinstance(register, Register) and register.key not in seen:
                seen.add(register.key)
                found.append(register)
    return found


def _indexable(register: Register, columns: Iterable[str]) -> bool:
    wanted, columns = search_columns(register), set(columns)
    return bool(wanted) and "id" in columns and set(wanted) <= columns


def indexes_out_of_step(columns: dict[str, list[str]], triggers: set[str], index_sql: dict[str, str]) -> bool:
    """True when ``sync_search_indexes`` would rebuild something, judged from the schema read once:
    ``columns`` of every table and view (in order), the names of every trigger and the indexes' statements."""
    for register in described_registers():
        if not _indexable(register, columns.get(register.key, ())):
            continue
        if columns.get(index_table(register), []) != search_columns(register):
            return True
        if columns.get(content_view(register), []) != ["id", *search_columns(register)]:  # an index of before PAD
            return True
        if not reads_its_view(register, index_sql.get(index_table(register))) or not pads(index_sql.get(content_view(register))):
            return True
        if not all(_trigger(register, action) in triggers for action in _TRIGGERS):
            return True
        if dates_index(register) and dates_index(register) not in index_sql:
            return True
    return False


def pads(view_sql: str | None) -> bool:
    """True when the view an index reads pads each value with ``PAD`` (an index made before single
    characters were looked up padded with one space: its last characters start no trigram)."""
    return f"|| '{PAD}'" in (view_sql or "")


def reads_its_view(register: Register, index_sql: str | None) -> bool:
    """True when the index's ``CREATE VIRTUAL TABLE`` statement reads the padded view (an index made by an
    earlier version, even next to a view made by this one, reads the table and has no padded text)."""
    return f"content='{content_view(register)}'" in (index_sql or "")


def has_index(db: Database, register: Register) -> bool:
    """True when ``register`` has a search index in step with its description and kept by its triggers."""
    if _table_columns(db, index_table(register)) != search_columns(register):
        return False
    if _table_columns(db, content_view(register)) != ["id", *search_columns(register)]:
        return False
    sql = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE name IN (?, ?)", [index_table(register), content_view(register)]).fetchall())
    if not reads_its_view(register, sql.get(index_table(register))) or not pads(sql.get(content_view(register))):
        return False
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", [register.key])}
    return all(_trigger(register, action) in names for action in _TRIGGERS)


def drop_index(db: Database, register: Register) -> None:
    """Remove a register's search index and its triggers (a list search then uses instr only)."""
    for action in _TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS main.{_trigger(register, action)}")
    db.execute(f"DROP TABLE IF EXISTS main.{index_table(register)}")
    db.execute(f"DROP VIEW IF EXISTS main.{content_view(register)}")


def drop_triggers(db: Database) -> None:
    """Drop every search trigger and the views the indexes read, so a migration may rebuild, alter or drop a
    table (SQLite checks every view on ALTER TABLE); ``sync_search_indexes`` restores them."""
    for kind, name in db.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') AND name LIKE 'search\\_%' ESCAPE '\\'"
    ).fetchall():
        db.execute(f"DROP {kind.upper()} main.{name}")


FILL_ROWS = 100_000  # records indexed per statement when an index is built (bench/index_build.py times it against one 'rebuild')


def _padded(column: str) -> str:
    """SQL: the text the index holds for ``column``, the value followed by ``PAD`` (NULL stays NULL)."""
    return f"{column} || '{PAD}'"


def _create_trigger(db: Database, register: Register, action: str) -> None:
    """One of the triggers that keep ``register``'s index in step with its table (``_TRIGGERS``)."""
    table, fts, columns = register.key, index_table(register), search_columns(register)
    names = ", ".join(columns)
    new, old = (", ".join(_padded(f"{row}.{column}") for column in columns) for row in ("new", "old"))
    remove = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    when = {"insert": f"AFTER INSERT ON {table} BEGIN {add} END", "delete": f"AFTER DELETE ON {table} BEGIN {remove} END",
            "update": f"AFTER UPDATE OF id, {names} ON {table} BEGIN {remove} {add} END"}[action]  # fmt: skip
    # main.: a county connection may show one township through TEMP views of the same names (county_scope.set_scope)
    db.execute(f"CREATE TRIGGER main.{_trigger(register, action)} {when}")


BULK_ROWS = 100  # records one transaction adds from which their index entries are written in one statement
# FTS5 gathers the terms of the rows a statement adds in memory and writes them out as a segment of the index each
# time they reach its 'hashsize' (1 MB by default), segments it merges later: with 4 MB, indexing 100,000 cases took
# 0.63-0.67 s of CPU against 0.91-0.94 s (fewer, larger segments). A setting of the index (kept in its _config table).
BULK_HASH_BYTES = 4 * 2**20


def _bulk_hash(db: Database, register: Register) -> None:
    fts = index_table(register)
    if db.execute(f"SELECT v FROM main.{fts}_config WHERE k = 'hashsize'").fetchone() != (BULK_HASH_BYTES,):
        db.execute(f"INSERT INTO main.{fts}({fts}, rank) VALUES ('hashsize', ?)", [BULK_HASH_BYTES])


@contextmanager
def adding_many(db: Database, tables: Iterable[Register]) -> Iterator[None]:
    """For one transaction (``db.atomic``) that only adds rows to ``tables`` (an import): their insert
    triggers are set aside, and the rows added are indexed in one statement at the end. Row by row,
    the trigram index took more than half of an import's writing (3,000 cases with their parties:
    1.0-1.6 s without the triggers, 2.8 s with them). A failure rolls the triggers back with the rows.

    Only adds: a row added here and then updated or deleted before the end would have its (missing)
    index entry removed by the other triggers, which breaks the index. records.insert_clean is the
    only caller."""
    if not db.conn.in_transaction:  # DROP TRIGGER would commit on its own, and a failure leave it dropped
        raise RuntimeError("search.adding_many needs a transaction (db.atomic)")
    indexed = [register for register in tables if db.execute(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'trigger' AND name = ?", [_trigger(register, "insert")]).fetchone()]  # fmt: skip
    before = {register.key: db.execute(f"SELECT coalesce(max(id), 0) FROM main.{register.key}").fetchone()[0] for register in indexed}
    for register in indexed:
        db.execute(f"DROP TRIGGER main.{_trigger(register, 'insert')}")
    yield
    for register in indexed:  # every row above the largest id before is one this transaction added
        _bulk_hash(db, register)
        names = ", ".join(search_columns(register))
        db.execute(f"INSERT INTO main.{index_table(register)}(rowid, {names}) SELECT id, {names} FROM main.{content_view(register)} WHERE id > ?",
                   [before[register.key]])  # fmt: skip
        _create_trigger(db, register, "insert")


def build_index(db: Database, register: Register, progress: Progress = None) -> int:
    """Create (or re-create) a register's search index, its triggers, and fill it from the table;
    returns the records indexed. ``progress`` hears the records indexed so far, before each slice of
    ``FILL_ROWS``."""
    drop_index(db, register)
    table, fts, view, columns = register.key, index_table(register), content_view(register), search_columns(register)
    names = ", ".join(columns)
    # the text as indexed: what 'rebuild' reads, and what the triggers add and remove (they must agree)
    db.execute(f"CREATE VIEW main.{view} AS SELECT id, {', '.join(f'{_padded(column)} AS {column}' for column in columns)} FROM {table}")
    # case_sensitive 1: the same matches as instr(), which compares characters exactly
    db.execute(
        f"CREATE VIRTUAL TABLE main.{fts} USING fts5({names}, content='{view}', content_rowid='id', "
        "tokenize='trigram case_sensitive 1')"
    )
    # merge index segments 16 at a time instead of 4: fewer, larger merges, less work per insert (at a
    # million rows, 20,000 records took 16 s with 4 and 10-12 s with 16; 1.1-2 s without any index);
    # queries stay in milliseconds
    db.execute(f"INSERT INTO main.{fts}({fts}, rank) VALUES ('automerge', 16)")
    for action in _TRIGGERS:
        _create_trigger(db, register, action)
    _bulk_hash(db, register)
    # filled a slice of ids at a time (what 'rebuild' does in one statement, as fast), so a long build can
    # say how far it is: a county's million records take tens of seconds
    total, done, last = db.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0], 0, None
    while done < total:
        step(progress, done, total, f"正在重建“{register.title}”的检索索引")
        # a plain lower bound, so SQLite seeks to it (``? IS NULL OR id > ?`` made every slice read from the start)
        after, bound = ("", []) if last is None else ("WHERE id > ?", [last])
        upto, rows = db.execute(f"SELECT max(id), count(*) FROM (SELECT id FROM main.{table} {after} ORDER BY id LIMIT {FILL_ROWS})", bound).fetchone()
        if not rows:
            break
        upper = "WHERE id <= ?" if last is None else "AND id <= ?"
        db.execute(f"INSERT INTO main.{fts}(rowid, {names}) SELECT id, {names} FROM main.{view} {after} {upper}", [*bound, upto])
        done, last = done + rows, upto
    return done


def sync_search_indexes(db: Database, progress: Progress = None) -> list[str]:
    """(Re)build every search index that is missing or out of step, and the indexes of dates by id (``dates_index``);
    returns the registers rebuilt. ``progress`` hears the records indexed so far, of all the indexes rebuilt (before each slice)."""
    for register in indexed_registers(db):  # 0.8 s at a million cases, the first time
        if dates_index(register):
            db.execute(f"CREATE INDEX IF NOT EXISTS main.{dates_index(register)} ON {register.key}(id, {register.date_field})")
    stale = [register for register in indexed_registers(db) if not has_index(db, register)]
    total = sum(db.execute(f"SELECT count(*) FROM main.{register.key}").fetchone()[0] for register in stale)
    done = 0
    if stale:  # at once: dropping a large old index takes seconds before the first slice
        step(progress, 0, total, "正在重建检索索引")
    for register in stale:
        done += build_index(db, register, progress and (lambda rows, _, text: progress(done + rows, total, text)))  # noqa: B023 (called within this turn)
    return [register.key for register in stale]


class Lookup(NamedTuple):  # not a dataclass: 0.25 ms to create against ~1 ms, on the way to the first screen
    """How the index finds a word: ``expression``, the FTS5 query ("" when no indexed row holds the
    word); for a short word, ``fewest`` and ``most`` rows that can hold it, from the vocabulary
    alone (its most frequent trigram, and all of its trigrams added); ``villages``: the ids of the
    villages whose names hold it (their records match too), None when the register has no village field."""

    expression: str
    fewest: int | None = None
    most: int | None = None
    villages: tuple[int, ...] | None = None


def lookup(db: Database, register: Register, word: str) -> Lookup | None:
    """How the index finds the rows containing ``word``; None when it cannot (a short word that
    starts more than ``MAX_SHORT_TERMS`` trigrams: a common word)."""
    villages = None
    if any(field.searchable and field.id_column for field in register.fields):  # the small village table, read first:
        # an empty list leaves the condition to the index (a subquery beside it made SQLite read every record)
        villages = tuple(row[0] for row in db.execute("SELECT id FROM village WHERE instr(name, ?) > 0", [word]))
    if len(word) >= MIN_INDEXED_LENGTH:
        return Lookup(match_phrase(word), villages=villages)
    if len(word) < SHORT_LENGTH:
        return None
    vocabulary = f"{index_table(register)}_vocabulary"
    # per connection (temp): the index's terms, read by range (the word, then anything after it). Each
    # term's row count is counted through its rows: 40-130 ms for a word in every one of a million rows
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocabulary} USING fts5vocab(main, {index_table(register)}, row)")
    terms = {term: rows for term, rows in db.execute(
        f"SELECT term, doc FROM temp.{vocabulary} WHERE term >= ? AND term < ? LIMIT ?", [word, word + chr(0x10FFFF), MAX_SHORT_TERMS + 1]
    ) if term.startswith(word)}  # fmt: skip
    if len(terms) > MAX_SHORT_TERMS:
        return None
    return Lookup(" OR ".join(match_phrase(term) for term in terms), max(terms.values(), default=0), sum(terms.values()), villages)


def _matching(register: Register, walked: bool) -> str:
    """SQL: the record's id is among the index's matches of one MATCH expression (a parameter). ``walked``: written
    ``+id``, so SQLite keeps to the list's order (walking its date index) and checks each record against the matches,
    read once; else it looks each match up by id and sorts them all (right when they are few)."""
    fts = index_table(register)
    return f"{'+' if walked else ''}id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"


def indexed_condition(register: Register, word: str, how: Lookup, walked: bool = False) -> tuple[str, list]:
    """The SQL condition (and parameters) for rows whose searchable columns contain ``word``, through the
    index (``how``: its ``lookup``; ``walked``: see ``_matching``). A village field is read as the clerk sees it
    (queries.column_sql): the village's name through its id (the villages ``how`` found), or the place typed when it
    is not a village."""
    terms, params = ([_matching(register, walked)], [how.expression]) if how.expression else ([], [])
    for field in register.fields:
        if not (field.searchable and field.id_column):
            continue
        if how.villages is None:
            terms.append(f"{field.id_column} IN (SELECT id FROM village WHERE instr(name, ?) > 0)")
            params.append(word)
        elif how.villages:  # ids read from the database: integers, written out as such
            terms.append(f"{field.id_column} IN ({', '.join(str(int(village)) for village in how.villages)})")
    return "(" + (" OR ".join(terms) or "0") + ")", params


def every_word_condition(register: Register, found: list[Lookup], walked: bool = False) -> tuple[str, list]:
    """The SQL condition (and parameters) for rows holding every word of ``found`` (their lookups, none of them in a
    village's name): one MATCH of them all, which FTS5 answers by intersecting their lists (``walked``: see ``_matching``)."""
    return _matching(register, walked), [" AND ".join(f"({how.expression})" for how in found)]



def rare_together(db: Database, register: Register, found: list[Lookup], rare: int, short: bool = False) -> bool:
    """True when fewer than ``rare`` rows hold every word of ``found`` (their lookups; two or more words the index
    finds directly), counted by the index alone: words each in a tenth of the records but rarely together
    ((2015) 2020: 30 of a million cases) were walked in date order to the walk's budget and then read whole
    (0.12 s); their intersection, counted to ``rare``, says at once that they are to be read whole. Counting stops
    at ``rare`` (FTS5 intersects the words' lists in rowid order): milliseconds when they are common together.
    ``short``: the short words' lookups count too (once read from the vocabulary: 婚姻 镇调委会 2019, 1,822 of a
    million cases, was walked in date order to 2019 and then read whole, 0.12 s)."""
    expressions = [how.expression for how in found if how.expression and (short or how.most is None)]
    if len(expressions) < 2:
        return False
    fts = index_table(register)
    condition = " AND ".join(f"({expression})" for expression in expressions)
    return db.execute(f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH ? LIMIT {int(rare)})", [condition]).fetchone()[0] < rare

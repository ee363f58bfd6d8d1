"""Reading records: one record (``get``), rows by id, a list's query (``RecordQuery``: search, year, village,
sort) counted and paged in SQL (``RecordList``), through the search indexes (search.py).

Below ``records`` (the writes) and ``villages``; reads only. Village fields are read as names (``column_sql``),
a whole county's lists lead with the township (county_scope).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from zhaocun_desktop import search
from zhaocun_desktop.county_scope import TOWNSHIP, whole_county
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.registers import VILLAGE, Kind, Register

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


def children(db: Database, child: Register, parent_id: int) -> list[dict]:
    """The child rows of one parent record, in the order they were entered."""
    rows = list(db.query(f"SELECT * FROM {child.key} WHERE {child.parent_column} = ? ORDER BY id", [parent_id]))
    for row in rows:
        for field in child.fields:
            if field.kind is Kind.BOOL and row.get(field.key) is not None:
                row[field.key] = bool(row[field.key])
    return rows


def get(db: Database, register: Register, record_id: int) -> dict:
    """One record as a dict (id, fields, timestamps); UserError when it no longer exists."""
    rows = list(db.query(f"SELECT {select_list(db, register)} FROM {register.key} WHERE id = ?", [record_id]))
    if not rows:
        raise UserError(f"{register.title}中找不到这条记录（编号 {record_id}），可能已被删除。请刷新列表。")
    record = rows[0]
    for field in register.fields:
        if field.kind is Kind.BOOL and record.get(field.key) is not None:
            record[field.key] = bool(record[field.key])
    return record


def rows_by_id(db: Database, register: Register, record_ids: Sequence[int] = ()) -> list[dict]:
    """The records with these ids (all records when none are given), in id order."""
    if not record_ids:
        return list(db.query(f"SELECT {select_list(db, register)} FROM {register.key} ORDER BY id"))
    found = []
    for start in range(0, len(record_ids), 500):  # SQLite limits the number of parameters
        chunk = list(record_ids[start : start + 500])
        found += db.query(f"SELECT {select_list(db, register)} FROM {register.key} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
    return sorted(found, key=lambda row: row["id"])


class RecordQuery(NamedTuple):
    """What a list shows: search text, year and village filters, sort order (changed with ``_replace``). A NamedTuple,
    not a frozen dataclass: defining that class cost every start ~1 ms."""

    search: str = ""
    year: int | None = None
    village: str | None = None
    sort_key: str | None = None  # a field key; None means the register's default
    descending: bool = False

    def words(self) -> list[str]:
        """The search words: a record matches when it contains every one."""
        from zhaocun_desktop import values

        return values.clean_text(self.search).split()

    def where(
        self, register: Register, indexed: dict[str, search.Lookup] | None = None, townships: bool | dict[str, tuple[int, ...]] = False, walked: bool = False
    ) -> tuple[str, list]:
        """The WHERE clause (without the keyword) and its parameters.

        ``indexed``: the words to look up in the register's search index, each with its ``search.lookup``;
        the others are compared with instr() over the columns. ``townships``: a whole county's list, which
        shows 乡镇 (township_column): a word also finds the records of every township whose name holds it
        (中汤 lists 中汤镇's); given as ``{word: township ids}``, those ids (read before, from the small table).
        ``walked``: the index's matches are checked while SQLite walks the list's order (search._matching).
        """
        indexed = indexed or {}
        clauses, params = self._filters(register)
        words = list(dict.fromkeys(self.words()))
        # words found through the index alone (in no village's or township's name): one MATCH of them all, which FTS5
        # answers by intersecting their lists (镇调委会 2020 at a million cases: 0.07 s against 0.5 s, one MATCH each)
        alone = [word for word in words if word in indexed and indexed[word].expression and not indexed[word].villages
                 and not (townships and (not isinstance(townships, dict) or townships.get(word)))]  # fmt: skip
        if len(alone) > 1:
            clause, word_params = search.every_word_condition(register, [indexed[word] for word in alone], walked)
            clauses.append(clause)
            params += word_params
            words = [word for word in words if word not in alone]
        for word in words:
            clause, word_params = self._word_condition(register, word, indexed, townships, walked)
            clauses.append(clause)
            params += word_params
        return (" AND ".join(clauses) or "1"), params

    def _filters(self, register: Register) -> tuple[list[str], list]:
        """The year's and the village's conditions, with their parameters."""
        clauses, params = [], []
        if self.year is not None and register.date_field:
            clauses.append(f"{register.date_field} >= ? AND {register.date_field} < ?")
            params += [f"{self.year:04d}-01-01", f"{self.year + 1:04d}-01-01"]
        if self.village and register.village_field:
            key, id_column = register.village_field, register.field(register.village_field).id_column
            # IN: in a county database's whole-county view two townships may each have a village of that name
            clauses.append(f"({id_column} IN (SELECT id FROM village WHERE name = ?) OR ({id_column} IS NULL AND {key} = ?))")
            params += [self.village, self.village]
        return clauses, params

    @staticmethod
    def _word_condition(register: Register, word: str, indexed: dict, townships: bool | dict, walked: bool = False) -> tuple[str, list]:
        """One word's condition: through the index, or instr() over the searchable columns; in a whole county's
        list also the townships whose name holds it."""
        if word in indexed:
            clause, word_params = search.indexed_condition(register, word, indexed[word], walked)
        else:  # one instr() per column: several times faster than instr() over a concatenation
            columns = [column_sql(register, f.key) for f in register.fields if f.searchable]
            clause, word_params = "(" + " OR ".join(f"instr({key}, ?) > 0" for key in columns) + ")", [word] * len(columns)
        named = townships.get(word) if isinstance(townships, dict) else None
        if named:
            clause = f"({clause} OR township_id IN ({', '.join(str(int(township)) for township in named)}))"
        elif townships and named is None:
            clause, word_params = f"({clause} OR township_id IN (SELECT id FROM main.township WHERE instr(name, ?) > 0))", [*word_params, word]
        return clause, word_params

    def order_by(self, register: Register, use_index: bool = True) -> str:
        """The ORDER BY terms; ``use_index=False`` keeps SQLite from walking an index in order
        (right when a search matches few rows: scanning and sorting them is far faster)."""
        plus = "" if use_index else "+"
        direction = "DESC" if self.descending else "ASC"
        if self.sort_key in register.keys:
            return f"{plus}{column_sql(register, self.sort_key)} {direction}, id {direction}"
        default = f"{plus}{register.date_field} DESC, id DESC" if register.date_field else "id ASC"
        if self.sort_key == TOWNSHIP.key:  # a whole county's list by 乡镇 (township_column), each township's rows as usual
            return f"(SELECT name FROM main.township WHERE main.township.id = {register.key}.township_id) {direction}, {default}"
        return default

    def follows_index(self, register: Register) -> bool:
        """True when rows come in index order with no search: paging by OFFSET is then cheap."""
        return not self.search.strip() and self.sort_key in (None, register.date_field)


def _where(db: Database, register: Register, query: RecordQuery, looked_up: dict[str, search.Lookup] | None = None, walked: bool = False) -> tuple[str, list]:
    """The query's WHERE clause, using the search index when one is in step and it can serve a word
    (``looked_up``: the words' lookups when the caller has them already; ``walked``: RecordQuery.where)."""
    looked_up = _indexed_words(db, register, query) if looked_up is None else looked_up
    townships: bool | dict = whole_county(db)
    if townships:  # the small township table read first: a subquery beside the index made SQLite read every record
        townships = {word: tuple(row[0] for row in db.execute("SELECT id FROM main.township WHERE instr(name, ?) > 0", [word])) for word in query.words()}
    return query.where(register, looked_up, townships=townships, walked=walked)


def _indexed_words(db: Database, register: Register, query: RecordQuery, short: bool = True) -> dict[str, search.Lookup]:
    """The query's words the search index serves, each with its ``search.lookup``; ``short=False``: only the
    words the index finds directly (a short word reads the index's vocabulary, as costly as its rows)."""
    words = [word for word in query.words() if search.uses_index(word) and (short or not search.is_short(word))]
    if not words or not search.has_index(db, register):
        return {}
    found = {word: search.lookup(db, register, word) for word in words}
    return {word: how for word, how in found.items() if how is not None}


def count(db: Database, register: Register, query: RecordQuery = RecordQuery()) -> int:
    """How many records the query matches."""
    where, params = _where(db, register, query)
    return db.execute(f"SELECT count(*) FROM {register.key} WHERE {where}", params).fetchone()[0]


def page(db: Database, register: Register, query: RecordQuery, offset: int, limit: int, columns: Sequence[str] | None = None) -> list[tuple]:
    """Rows ``offset`` to ``offset + limit`` of the query, as tuples (id, *columns)."""
    columns = list(columns or register.keys)
    where, params = _where(db, register, query)
    sql = (
        f"SELECT id, {', '.join(column_sql(register, c) for c in columns)} FROM {register.key} WHERE {where} "
        f"ORDER BY {query.order_by(register)} LIMIT ? OFFSET ?"
    )
    return db.execute(sql, [*params, limit, offset]).fetchall()


class _Matches(NamedTuple):
    """The search index's matches of some words in a list's order (``sql``: LIMIT and OFFSET follow ``params``), and the
    condition the other words put on their records (``check`` and ``check_params``; "" for none), with the ``share``
    of matches expected to pass it (how large a chunk to read). See RecordList._through_index."""

    sql: str
    params: list
    check: str
    check_params: list
    share: float


class RecordList:
    """The rows of one query, readable by position, for lists of any length.

    In index order without a search, ``count`` is one COUNT and each ``rows()`` call one
    LIMIT/OFFSET query. Otherwise the ordered ids are read once (``_ids``, 8 bytes a row)
    and ``rows()`` fetches the records of a slice of them: a search or an unindexed sort
    costs one scan, and every later jump is instant.

    ``lazy`` (the list on screen): a search in the list's date order whose words are all common
    (no word is RARE in the search index) is read by walking the date index with the search condition,
    a slice at a time: the first rows are found after a few hundred records instead of a million ids
    being found and sorted. ``count`` is then the rows read so far and ``complete`` is False until
    ``more`` has walked every record. The rows and their order are the same as reading them at once.
    A short word (one or two characters, ``search.is_short``) is asked of the index only when the first
    slice walked did not fill a screen: its vocabulary costs as much as its rows (60-80 ms for 调解, in
    every case of a million), the slice a few milliseconds.
    """

    RARE = 10_000  # fewer matches than this in the index: finding and sorting them all takes milliseconds
    FIRST = 64  # rows wanted before a lazy list is shown (a screenful and more)
    WALK_BUDGET = 20_000  # records walked looking for them; fewer found: the search is rare, read it whole
    WALK_SHARE = 20  # ... and at most 1/20 of the table: a record read in date order costs about five read in table order,
    # so a search that is rare but not found so in the index (words common alone but rare together; a short word
    # too common for its vocabulary) pays at most a quarter of a scan more (measured before two-character words used
    # the index: a rare two-character name took 0.2-0.3 s walked against 0.1 s scanned at 36,512 cases when the budget was 20,000)
    WALK_STEP = 1_000  # the first slice walked; each later slice is as long as all before it
    MAX_CHUNK = 20_000  # the most matches read in order at once when other words are checked on them (_more_matches)

    def __init__(self, db: Database, register: Register, query: RecordQuery, columns: Sequence[str] | None = None, lazy: bool = False):
        self.db, self.register, self.query = db, register, query
        self.columns = list(columns or register.keys)
        self._ids: array | None = None
        self.complete = True
        if query.follows_index(register):
            self.count = count(db, register, query)
            return
        walks = lazy and query.sort_key in (None, register.date_field)
        looked_up = _indexed_words(db, register, query, short=not walks)  # once: a short word reads the index's vocabulary
        if walks and not self._rare(looked_up):
            self._walked, self._walked_all, self._matches, self._hits = 0, False, None, None
            first = self.more(self.FIRST, budget=self.WALK_STEP)
            if len(first) < self.FIRST and not self.complete:
                first = self._after_first_slice(first, looked_up)
            if first is not None:
                self._ids = array("q", first)
                self.count = len(self._ids)
                return
            self.complete, self._matches = True, None  # rare after all (a short word, words rare together): read it whole below
        elif walks:
            looked_up = _indexed_words(db, register, query)
        where, params = _where(db, register, query, looked_up)
        sql = f"SELECT id FROM {register.key} WHERE {where} ORDER BY {query.order_by(register, use_index=False)}"
        self._ids = array("q", (row[0] for row in db.execute(sql, params)))
        self.count = len(self._ids)

    def _after_first_slice(self, first: list[int], looked_up: dict[str, search.Lookup]) -> list[int] | None:
        """The plan once the first slice walked did not fill a screen (``first``: what it found), chosen by what the
        slice and the index say of the words; returns the first rows, or None to read the list whole:
        - a short word the index finds rarely, or words rare together once the short ones are looked up: read whole;
        - matches as dense in the slice as the walk's budget needs to fill a screen: walk on, checking each record;
        - else some word the index serves that is not in most records (a year: its records lie together, far down
          the date order; 2020 at a million cases walked 20,000 records in vain, then sorted 100,000 matches,
          0.25 s): the index's matches are read in the list's order, a chunk at a time, the other words checked
          on their records (``_through_index``);
        - nothing such: read whole."""
        short_before = sum(search.is_short(word) for word in looked_up)
        if self._short_word_rare(looked_up):
            return None
        if sum(search.is_short(word) for word in looked_up) > short_before and search.rare_together(
            self.db, self.register, list(self._in_no_name(looked_up).values()), self.RARE, short=True
        ):
            return None
        highest = self.db.execute(f"SELECT max(id) FROM {self.register.key}").fetchone()[0] or 0  # the table's size, from the end of its b-tree
        budget = max(self.WALK_STEP, min(self.WALK_BUDGET, highest // self.WALK_SHARE))
        if len(first) * budget >= self.FIRST * self.WALK_STEP:  # at the slice's density the budget fills a screen
            first += self.more(self.FIRST - len(first), budget=budget - self._walked)
            return first if len(first) >= self.FIRST or self.complete else None
        # a word in most of the slice's records filters nothing: read from the index it costs as much as the rows
        # (赵人调字, in every case: 58 ms), checked with instr() on the records the others match it costs nothing
        hits = self._slice_hits()
        selective = {word: how for word, how in self._in_no_name(looked_up).items() if how.expression and hits[word] * 2 < self._walked}
        if not selective:
            return None
        self._matches, self._matched = self._through_index(selective, hits), 0
        return self.more(self.FIRST)

    def _through_index(self, selective: dict[str, search.Lookup], hits: dict[str, int]) -> _Matches:
        """How ``more`` reads the index's matches of the ``selective`` words in the list's order, and checks the others.

        Put in order through the register's index of dates by id (search.dates_index: ~25 ms for 100,000 matches,
        however far down the date order they lie), or, where it cannot serve (a village filter, one township of a
        county shown through views), by walking the date index and checking each record against the matches (60 ms
        for 2020 at a million cases, 230 ms for a word only in the oldest year's records)."""
        db, register, query, table = self.db, self.register, self.query, self.register.key
        searched = query._replace(search=" ".join(selective))
        dates = search.dates_index(register)
        narrow = (
            dates and not query.village
            and db.execute("SELECT 1 FROM main.sqlite_master WHERE type = 'index' AND name = ?", [dates]).fetchone()
            and not db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?", [table]).fetchone()
        )  # fmt: skip
        if narrow:
            where, params = _where(db, register, searched, selective)
            sql = f"SELECT id FROM {table} INDEXED BY {dates} WHERE {where} ORDER BY {query.order_by(register, use_index=False)} LIMIT ? OFFSET ?"
        else:
            where, params = _where(db, register, searched, selective, walked=True)
            sql = f"SELECT id FROM {table} WHERE {where} ORDER BY {query.order_by(register)} LIMIT ? OFFSET ?"
        others = [word for word in dict.fromkeys(query.words()) if word not in selective]
        check, check_params = RecordQuery(search=" ".join(others)).where(register, townships=whole_county(db)) if others else ("", [])
        share = 1.0  # of the matches that the other words let pass, as in the first slice (a word it never found: 1/64)
        for word in others:
            share *= max(hits.get(word, 0), self._walked / 64) / max(self._walked, 1)
        return _Matches(sql, params, check, check_params, max(share, 1 / 64))

    def _slice_hits(self) -> dict[str, int]:
        """How many records of the first slice walked hold each word (one read of the slice, when first asked: ~3 ms)."""
        if self._hits is not None:
            return self._hits
        words = list(dict.fromkeys(self.query.words()))
        conditions = [RecordQuery(search=word).where(self.register, townships=whole_county(self.db)) for word in words]
        filters, params = self.query._replace(search="").where(self.register)
        hits = self.db.execute(
            f"SELECT {', '.join(f'sum({clause})' for clause, _ in conditions)} FROM (SELECT * FROM {self.register.key} WHERE {filters} "
            f"ORDER BY {self.query.order_by(self.register)} LIMIT {self.WALK_STEP}) AS {self.register.key}",
            [value for _, word_params in conditions for value in word_params] + params,
        ).fetchone()  # fmt: skip
        self._hits = {word: hit or 0 for word, hit in zip(words, hits)}
        return self._hits

    def _short_word_rare(self, looked_up: dict[str, search.Lookup]) -> bool:
        """After a first slice walked that did not fill a screen: ask the vocabulary for the
        short words, the one found least in the slice first, and stop at the first that is rare (adding the
        lookups to ``looked_up``); a word found in a screenful of the slice is common and not asked. The
        others stay unread: 调 in every record costs ~100 ms to read, and ``调 龘`` needs only 龘's, which is nowhere."""
        words = [word for word in dict.fromkeys(self.query.words()) if search.is_short(word) and word not in looked_up]
        if len(words) > 1:  # a word in a screenful of the slice's records is common: no vocabulary read for it (与 in every case: ~100 ms)
            hits = self._slice_hits()
            words = [word for word in sorted(words, key=hits.get) if hits[word] < self.FIRST]
        for word in words:
            how = _indexed_words(self.db, self.register, RecordQuery(search=word)).get(word)
            if how is not None:
                looked_up[word] = how
                if self._rare({word: how}):
                    return True
        return False

    def _in_no_name(self, looked_up: dict[str, search.Lookup]) -> dict[str, search.Lookup]:
        """The words in no village's name (nor, in a whole county's list, a township's): those match only through the index."""
        # a word in a village's name also matches every record of that village (not through the index): the
        # index cannot say it is rare (赵村 调解成功: 34,597 of a million, read whole took 0.6-0.8 s); likewise
        # a word in a township's name, in a whole county's list (the 乡镇 column)
        names = village_names(self.db) if any(field.searchable and field.id_column for field in self.register.fields) else []
        if whole_county(self.db):
            names += [row[0] for row in self.db.execute("SELECT name FROM main.township")]
        return {word: how for word, how in looked_up.items() if not any(word in name for name in names)}

    def _rare(self, looked_up: dict[str, search.Lookup]) -> bool:
        """True when some word is found fewer than RARE times in the search index (the list is then read at once)."""
        fts = search.index_table(self.register)
        probe = f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH ? LIMIT {self.RARE})"  # FTS5 stops at the limit
        looked_up = self._in_no_name(looked_up)
        for how in sorted(looked_up.values(), key=lambda how: len(how.expression)):  # a short expression is quick to count
            # a two-character word: the vocabulary's row counts usually decide (counting through an OR of
            # many trigrams took 0.5 s at a million rows)
            if how.most is not None and how.most < self.RARE:
                return True
            if how.fewest is not None and how.fewest >= self.RARE:
                continue
            if not how.expression or self.db.execute(probe, [how.expression]).fetchone()[0] < self.RARE:
                return True
        return search.rare_together(self.db, self.register, list(looked_up.values()), self.RARE)

    def more(self, wanted: int, budget: int | None = None) -> list[int]:
        """The ids of the next ``wanted`` rows (or all that are left) of a lazy list, not yet counted in it
        (``extend`` adds them); walks at most ``budget`` more records when given."""
        register, table = self.register, self.register.key
        if self._matches is not None:  # the index's matches in order, a chunk at a time (budget: not needed)
            return self._more_matches(wanted)
        filters, params = self.query._replace(search="").where(register)
        words, word_params = RecordQuery(search=self.query.search).where(register, townships=whole_county(self.db))  # instr: checked on the walked records only
        order = self.query.order_by(register)  # the date index, walked in order
        walk = f"SELECT * FROM {table} WHERE {filters} ORDER BY {order} LIMIT ? OFFSET ?"
        matching = f"SELECT id FROM ({walk}) AS {table} WHERE {words} ORDER BY {order}"
        walked = f"SELECT count(*) FROM ({walk.replace('SELECT *', 'SELECT 1', 1)})"  # the slice's length: the end is where it is short
        found, start = [], self._walked
        while len(found) < wanted and not self._walked_all and (budget is None or self._walked - start < budget):
            step = max(self.WALK_STEP, self._walked)
            if budget is not None:
                step = min(step, start + budget - self._walked)
            found += [row[0] for row in self.db.execute(matching, [*params, step, self._walked, *word_params])]
            length = self.db.execute(walked, [*params, step, self._walked]).fetchone()[0]
            self._walked += length
            self._walked_all = length < step
        self.complete = self._walked_all
        return found

    def _more_matches(self, wanted: int) -> list[int]:
        """``more`` through the index (``_through_index``): the next matches in order, those the other words let pass."""
        matches, found = self._matches, []
        while len(found) < wanted and not self.complete:
            size = wanted if not matches.check else min(int((wanted - len(found)) / matches.share) + self.FIRST, self.MAX_CHUNK)
            chunk = [row[0] for row in self.db.execute(matches.sql, [*matches.params, size, self._matched])]
            self._matched += len(chunk)
            self.complete = len(chunk) < size
            if matches.check and chunk:  # the chunk as one parameter (a JSON list): any length
                passed = {row[0] for row in self.db.execute(
                    f"SELECT id FROM {self.register.key} WHERE id IN (SELECT value FROM json_each(?)) AND {matches.check}",
                    [json.dumps(chunk), *matches.check_params])}  # fmt: skip
                chunk = [record_id for record_id in chunk if record_id in passed]
            found += chunk
        return found

    def extend(self, ids: Sequence[int]) -> None:
        """Add the ids ``more`` returned to the end of a lazy list."""
        self._ids.extend(ids)
        self.count = len(self._ids)

    def rows(self, offset: int, limit: int) -> list[tuple]:
        """Rows ``offset`` to ``offset + limit`` as tuples ``(id, *columns)``."""
        if self._ids is None:
            return page(self.db, self.register, self.query, offset, limit, self.columns)
        ids = self._ids[offset : offset + limit].tolist()
        if not ids:
            return []
        sql = f"SELECT id, {', '.join(column_sql(self.register, c) for c in self.columns)} FROM {self.register.key} WHERE id IN ({', '.join('?' * len(ids))})"
        by_id = {row[0]: row for row in self.db.execute(sql, ids)}
        return [by_id[record_id] for record_id in ids if record_id in by_id]


def years(db: Database, register: Register) -> list[int]:
    """The years that have records, newest first."""
    if not register.date_field:
        return []
    key = register.date_field
    # One seek of the date index per year (the newest date before the year found last), not a walk over every
    # record: 1M cases took 0.1 s plain and 0.2-0.5 s encrypted (each index page decrypted) before the list showed.
    rows = db.execute(
        f"WITH RECURSIVE found(year) AS (SELECT substr(max({key}), 1, 4) FROM {register.key} WHERE {key} IS NOT NULL "
        f"UNION ALL SELECT (SELECT substr(max({key}), 1, 4) FROM {register.key} WHERE {key} < found.year) FROM found "
        f"WHERE found.year IS NOT NULL AND found.year != '') SELECT year FROM found"
    ).fetchall()
    return [int(row[0]) for row in rows if row[0] and row[0].isdigit()]


def village_names(db: Database) -> list[str]:
    """The township's villages in the order the clerk entered them."""
    return [row[0] for row in db.execute(f"SELECT name FROM {VILLAGE.key} ORDER BY id").fetchall()]


def column_sql(register: Register, key: str) -> str:
    """SQL reading column ``key`` of ``register`` as the clerk sees it: for a village field, the
    village's current name (or the place typed when it is not a village)."""
    field = next((f for f in register.fields if f.key == key), None)
    if field is None or field.id_column is None:
        return key
    return f"coalesce((SELECT name FROM {VILLAGE.key} WHERE {VILLAGE.key}.id = {register.key}.{field.id_column}), {register.key}.{key})"


def select_list(db: Database, register: Register) -> str:
    """Every column of the register's table, village fields read as names (for ``SELECT``)."""
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({register.key})")]
    return ", ".join(column if column_sql(register, column) == column else f"{column_sql(register, column)} AS {column}" for column in columns)


def stored_columns(register: Register) -> list[str]:
    """The columns a write fills: every field, plus the id column of each village field."""
    return [column for field in register.fields for column in (field.key, field.id_column) if column]

"""Writing records: add (one, or thousands in one transaction), change and delete them, with timestamps and
audit entries, child rows with their parent; what a form offers (choices, rosters, proposals).

The records layer's rooms below it: ``audit`` (the log), ``queries`` (reading, lists, search), ``villages``
(by identity, merges, renames), ``settings``; callers import each name from its room. A register's own behaviour comes from its description's hooks (``Register.hooks``,
installed by the module that owns it), never from ``if register is ...`` here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

from zhaocun_desktop import search
from zhaocun_desktop.audit import audit, audit_values, child_note, now
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.queries import children, get, stored_columns, village_names
from zhaocun_desktop.registers import Register
from zhaocun_desktop.settings import settings
from zhaocun_desktop.villages import check_villages, stored_values, village_ids

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


class NewIds:
    """The ids of the rows one transaction adds, table by table: ``first_unused_id`` once per table,
    then counted on (an import adds thousands of child rows)."""

    def __init__(self, db: Database):
        self.db, self.next = db, {}

    def take(self, table: str) -> int:
        taken = self.next.get(table) or first_unused_id(self.db, table)
        self.next[table] = taken + 1
        return taken


def first_unused_id(db: Database, table: str) -> int:
    """The id the next new row of ``table`` gets: above every id the table holds and every id the audit
    log names for it. SQLite would give a deleted newest record's number to the next one, and 操作记录
    would then show two records' histories as one."""
    return db.conn.execute(
        f"SELECT max(coalesce((SELECT max(id) FROM main.{table}), 0), coalesce((SELECT max(record_id) FROM main.audit_log WHERE table_name = ?), 0)) + 1",
        [table],
    ).fetchone()[0]


def _check_unique(db: Database, register: Register, record: dict, record_id: int | None = None) -> dict[str, str]:
    errors = {}
    for field in register.fields:
        value = record.get(field.key)
        if not field.unique or value is None:
            continue
        sql = f"SELECT id FROM {register.key} WHERE {field.key} = ?"
        params: list = [value]
        if record_id is not None:
            sql += " AND id != ?"
            params.append(record_id)
        if db.execute(sql + " LIMIT 1", params).fetchone():
            errors[field.key] = f"“{value}”已被另一条记录使用，请核对，不能重复"
    return errors


def insert(db: Database, register: Register, raw: dict) -> int:
    """Validate and add one record; returns its id. Raises InvalidRecord."""
    return insert_many(db, register, [raw])[0]


def insert_many(
    db: Database,
    register: Register,
    raws: Sequence[dict],
    note: str | None = None,
    progress: Callable[[int], None] | None = None,
    batch_id: int | None = None,
) -> list[int]:
    """Validate every record, then add them all in one transaction, or none.

    Raises InvalidRecord naming the first bad record (1-based) and its problems.
    ``progress`` is called with the number written so far, every 1,000 records.
    """
    from zhaocun_desktop.validation import validate_with_children

    cleaned = []
    labels = dict(register.labels, **{child.key: child.title for child in register.children})
    choices = field_choices(db, register)
    for number, raw in enumerate(raws, start=1):
        try:
            cleaned.append(validate_with_children(register, raw, choices))
        except InvalidRecord as error:
            prefix = f"第{number}条：" if len(raws) > 1 else ""
            raise InvalidRecord({k: prefix + v for k, v in error.errors.items()}, labels) from None
    return insert_clean(db, register, cleaned, note, progress, batch_id)


def insert_clean(
    db: Database,
    register: Register,
    cleaned: Sequence[dict],
    note: str | None = None,
    progress: Callable[[int], None] | None = None,
    batch_id: int | None = None,
) -> list[int]:
    """Add records that ``validation.validate_with_children`` has already checked, in one transaction, or none.

    A record may carry its child rows under each child register's key; they are added with it. The rows,
    their child rows and their audit entries are written a thousand records at a time (``executemany``):
    row by row, the statements were most of an import's writing.
    """
    stamp = now()
    village_fields = register.village_fields
    held = set().union(*cleaned)
    held.update(field.id_column for field in village_fields if field.key in held)  # (stored_values fills it)
    keys = named_columns(db, register.key, stored_columns(register), held)
    sql = _insert_sql(register.key, ["id", *keys, "created_at", "updated_at", "batch_id"])
    by_name = village_ids(db) if village_fields else {}
    known = set(by_name) if any(f.required for f in village_fields) else set()
    ids: list[int] = []
    with db.atomic():
        new_ids = NewIds(db)
        taken = _UniqueValues(db, register, cleaned)
        pending = _Pending(db, stamp, note)
        child_inserts = [_child_insert(db, child, cleaned) for child in register.children]
        # many at once (an import): indexed for search in one statement at the end, not row by row, with the
        # indexes' pages kept in memory meanwhile
        many = search.adding_many(db, (register, *register.children)) if len(cleaned) >= search.BULK_ROWS else nullcontext()
        with many, _page_cache(db, BULK_CACHE_KB if len(cleaned) >= search.BULK_ROWS else 0):
            for record in cleaned:
                errors = taken.problems(record)
                errors.update(check_villages(register, record, known, village_fields))
                if errors:
                    raise InvalidRecord(errors, register.labels)
                row = stored_values(register, record, by_name, village_fields)
                record_id = new_ids.take(register.key)
                pending.add(sql, [record_id, *map(row.get, keys), stamp, stamp, batch_id])
                pending.audit(register.key, record_id, audit_values(register, record))
                ids.append(record_id)
                for child, child_sql, child_keys in child_inserts:
                    if child.key in record:
                        _add_children(pending, child, child_sql, child_keys, record_id, record[child.key], stamp, new_ids)
                if len(ids) % 1000 == 0:
                    pending.write()
                    if progress:
                        progress(len(ids))
            pending.write()
        if register.hooks.after_insert is not None:  # e.g. a new village: records that typed its name as a place refer to it
            register.hooks.after_insert(db, cleaned)
    return ids


BULK_CACHE_KB = 65_536  # SQLite's page cache while many records are added: 100,000 cases wrote in 13.2 s with the default 2 MB, 9.4 s with 128 MB


@contextmanager
def _page_cache(db: Database, kilobytes: int) -> Iterator[None]:
    """SQLite's page cache at least ``kilobytes`` for a while (0: as it is)."""
    before = db.conn.execute("PRAGMA cache_size").fetchone()[0]
    if kilobytes:
        db.conn.execute(f"PRAGMA cache_size = -{int(kilobytes)}")
    try:
        yield
    finally:
        db.conn.execute(f"PRAGMA cache_size = {int(before)}")


class _Pending:
    """Rows and audit entries a transaction adds, written by ``write`` as statements of many rows each."""

    def __init__(self, db: Database, stamp: str, note: str | None):
        self.db, self.stamp, self.note = db, stamp, note
        self.rows: dict[str, list] = {}
        self.audits: list[tuple] = []
        self.variables = _variable_limit(db)

    def add(self, sql: str, values: list) -> None:
        self.rows.setdefault(sql, []).append(values)

    def audit(self, table: str, record_id: int, new: str | None, note: str | None = None) -> None:
        self.audits.append((self.stamp, table, record_id, "insert", None, new, self.note if note is None else note))

    def write(self) -> None:
        self.rows[_AUDIT_INSERT] = self.audits
        for sql, rows in self.rows.items():
            _insert_rows(self.db, sql, rows, self.variables)
        self.rows, self.audits = {}, []


_AUDIT_INSERT = "INSERT INTO audit_log (at, table_name, record_id, action, old_values, new_values, note) VALUES (?, ?, ?, ?, ?, ?, ?)"
_MANY_ROWS: dict[tuple[str, int], str] = {}  # (one row's INSERT, rows) → the INSERT of that many rows


def _insert_rows(db: Database, sql: str, rows: list, variables: int) -> None:
    """``rows`` through ``sql`` (an INSERT of one row), up to a thousand rows a statement (``VALUES (…), (…), …``):
    7-9 % less CPU than ``executemany``'s statement per row for an import's 100,000 cases with their parties and
    audit entries (bench/excel_speed.py)."""
    if not rows:
        return
    per = max(1, min(1000, variables // len(rows[0])))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        many = _MANY_ROWS.get((sql, len(chunk)))
        if many is None:
            one = sql[sql.rindex(" VALUES ") + len(" VALUES ") :]
            many = _MANY_ROWS[(sql, len(chunk))] = sql + "".join([", " + one] * (len(chunk) - 1))
        db.conn.execute(many, [value for row in chunk for value in row])


def _variable_limit(db: Database) -> int:
    """The most values one statement may bind (SQLITE_MAX_VARIABLE_NUMBER: 32,766 since SQLite 3.32, 999 before)."""
    conn = db.conn
    if hasattr(conn, "getlimit"):  # Python 3.11's sqlite3; sqlcipher3's connection has no getlimit
        return conn.getlimit(9)  # SQLITE_LIMIT_VARIABLE_NUMBER
    for (option,) in conn.execute("PRAGMA compile_options"):
        if option.startswith("MAX_VARIABLE_NUMBER="):
            return int(option.split("=", 1)[1])
    version = tuple(int(part) for part in conn.execute("SELECT sqlite_version()").fetchone()[0].split(".")[:2])
    return 32_766 if version >= (3, 32) else 999


def named_columns(db: Database, table: str, columns: Sequence[str], held: set[str]) -> list[str]:
    """Of ``columns``, those an INSERT names: the ones the rows hold (``held``), and every one with a default (a
    value a row lacks is then NULL, as before). The others are left out, NULL all the same: an import's cases fill
    15 of 46 columns, and binding the other 31 NULLs was half of the statement's time (bench/excel_speed.py)."""
    defaults = {row[1] for row in db.conn.execute(f"PRAGMA main.table_info({table})") if row[4] is not None}
    return [column for column in columns if column in held or column in defaults]


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _child_insert(db: Database, child: Register, cleaned: Sequence[dict]) -> tuple[Register, str, list[str]]:
    """A child register's INSERT for the child rows of ``cleaned`` (the columns they fill), and its keys."""
    held = set().union(*(row for record in cleaned for row in record.get(child.key) or ()))
    keys = named_columns(db, child.key, child.keys, held)
    return child, _insert_sql(child.key, ["id", child.parent_column, *keys, "created_at", "updated_at"]), keys


def _add_children(pending: _Pending, child: Register, sql: str, keys: Sequence[str], parent_id: int, rows: Sequence[dict], stamp: str,
                  new_ids: NewIds) -> None:  # fmt: skip
    """The child rows of a new record (checked already), each audited; ``sql`` adds one (``_child_insert``)."""
    if not rows:
        return
    note = child_note(child, parent_id)
    for row in rows:
        row_id = new_ids.take(child.key)
        pending.add(sql, [row_id, parent_id, *map(row.get, keys), stamp, stamp])
        pending.audit(child.key, row_id, audit_values(child, row), note)


class _UniqueValues:
    """The values of unique fields (案件编号) that stored records hold, read once for the records being added,
    and those the records before took."""

    def __init__(self, db: Database, register: Register, cleaned: Sequence[dict]):
        self.fields = [f for f in register.fields if f.unique]
        self.taken: dict[str, set] = {}
        for field in self.fields:
            wanted = list({record[field.key] for record in cleaned if record.get(field.key) is not None})
            found = set()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(row[0] for row in db.execute(f"SELECT {field.key} FROM {register.key} WHERE {field.key} IN ({', '.join('?' * len(chunk))})", chunk))
            self.taken[field.key] = found

    def problems(self, record: dict) -> dict[str, str]:
        errors = {}
        for field in self.fields:
            value = record.get(field.key)
            if value is None:
                continue
            if value in self.taken[field.key]:
                errors[field.key] = f"“{value}”已被另一条记录使用，请核对，不能重复"
            self.taken[field.key].add(value)
        return errors


def update(db: Database, register: Register, record_id: int, raw: dict) -> dict:
    """Change the given fields of one record; returns the stored record. Raises InvalidRecord."""
    from zhaocun_desktop.validation import validate_with_children

    with db.atomic():
        old = get(db, register, record_id)
        merged = {key: old.get(key) for key in register.keys}
        merged.update(raw)
        record = validate_with_children(register, merged, field_choices(db, register))
        for child in register.children:  # children not named in ``raw`` stay as stored
            if child.key in raw:
                _write_children(db, child, record_id, record[child.key], now())
            record.pop(child.key, None)
        errors = _check_unique(db, register, record, record_id)
        if record.get(register.village_field) != old.get(register.village_field or ""):
            errors.update(check_villages(register, record, set(village_names(db))))
        if errors:
            raise InvalidRecord(errors, register.labels)
        changed = {key: value for key, value in record.items() if old.get(key) != value}
        if not changed:
            return old
        stored = stored_values(register, changed, village_ids(db) if register.village_fields else {})
        assignments = ", ".join(f"{key} = ?" for key in stored)
        db.execute(
            f"UPDATE {register.key} SET {assignments}, updated_at = ? WHERE id = ?",
            [*stored.values(), now(), record_id],
        )
        if register.hooks.after_update is not None:  # e.g. a renamed village: records refer to the id, they follow the new name
            register.hooks.after_update(db, record_id, changed)
        audit(
            db,
            register.key,
            record_id,
            "update",
            audit_values(register, {k: old.get(k) for k in changed}),
            audit_values(register, changed),
        )
        return get(db, register, record_id)


def delete(db: Database, register: Register, record_ids: Iterable[int]) -> int:
    """Delete records (all or none); returns how many were deleted. Several at once: backup first."""
    record_ids = list(record_ids)
    if len(record_ids) > 1:
        from zhaocun_desktop.backup_files import safety_backup

        safety_backup(db.conn, "delete")
    deleted = 0
    with db.atomic():
        for record_id in record_ids:
            old = get(db, register, record_id)
            if register.hooks.before_delete is not None:  # e.g. a village still used by records: refused
                register.hooks.before_delete(db, record_id, old)
            for child in register.children:  # the rows go by ON DELETE CASCADE; the log says which
                for row in children(db, child, record_id):
                    audit(db, child.key, row["id"], "delete", audit_values(child, row), None, f"随{register.title}（编号 {record_id}）删除")
            db.execute(f"DELETE FROM {register.key} WHERE id = ?", [record_id])
            audit(db, register.key, record_id, "delete", audit_values(register, old), None)
            deleted += 1
    return deleted


def field_choices(db: Database, register: Register) -> dict[str, tuple[str, ...]]:
    """The full choices of fields that the office extends in 设置 (本镇纠纷类型): built-in ones first."""
    return choices_in(register, settings(db)) if any(field.choices_setting for field in register.fields) else {}


def choices_in(register: Register, given: dict) -> dict[str, tuple[str, ...]]:
    """``field_choices`` from the settings ``given`` (a township's package brings its own)."""
    from zhaocun_desktop.registers import local_types

    found = {}
    for field in register.fields:
        if field.choices_setting:
            local = tuple(name for name in local_types(given.get(field.choices_setting)) if name not in field.choices)
            found[field.key] = field.choices + local
    return found


def roster_names(db: Database, field) -> list[str]:
    """The names a field offers from its roster (人民调解员, 法律顾问), in the order entered."""
    if not field.roster:
        return []
    return [row[0] for row in db.execute(f"SELECT DISTINCT name FROM {field.roster} WHERE name IS NOT NULL ORDER BY id")]


def proposed_values(db: Database, register: Register, values: dict) -> dict:
    """What a new record's form fills in from what is typed so far (the register's ``hooks.propose``)."""
    if not register.proposer_inputs:
        return {}
    if register.hooks.propose is None:  # a bug: the module that owns the rule installs it at import
        raise RuntimeError(f"{register.key} proposes values but no module installed hooks.propose (import zhaocun_desktop.mediation)")
    return register.hooks.propose(db, values)


def _write_children(db: Database, child: Register, parent_id: int, rows: Sequence[dict], stamp: str, new_ids: NewIds | None = None) -> None:
    """Make the parent's child rows equal ``rows`` (checked already): rows with an ``id`` are
    updated, rows without are added, stored rows not named are deleted; each change audited."""
    keys = child.keys
    new_ids = new_ids or NewIds(db)
    existing = {row["id"]: row for row in children(db, child, parent_id)}
    kept = {row["id"] for row in rows if row.get("id") in existing}
    note = child_note(child, parent_id)
    for row_id, old in existing.items():
        if row_id not in kept:
            db.execute(f"DELETE FROM {child.key} WHERE id = ?", [row_id])
            audit(db, child.key, row_id, "delete", audit_values(child, old), None, note, at=stamp)
    for row in rows:
        values_ = [row.get(key) for key in keys]
        if row.get("id") in existing:
            old = existing[row["id"]]
            changed = {key: row.get(key) for key in keys if old.get(key) != row.get(key)}
            if changed:
                assignments = ", ".join(f"{key} = ?" for key in changed)
                db.execute(f"UPDATE {child.key} SET {assignments}, updated_at = ? WHERE id = ?", [*changed.values(), stamp, row["id"]])
                audit(db, child.key, row["id"], "update", audit_values(child, {k: old.get(k) for k in changed}), audit_values(child, changed), note, at=stamp)
            continue
        sql = (
            f"INSERT INTO {child.key} (id, {child.parent_column}, {', '.join(keys)}, created_at, updated_at) "
            f"VALUES (?, ?, {', '.join('?' * len(keys))}, ?, ?)"
        )
        row_id = new_ids.take(child.key)
        db.conn.execute(sql, [row_id, parent_id, *values_, stamp, stamp])
        audit(db, child.key, row_id, "insert", None, audit_values(child, row), note, at=stamp)

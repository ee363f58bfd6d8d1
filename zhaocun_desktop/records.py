"""Reading and writing register records, with timestamps and an audit log.

Every write goes through here so that validation, uniqueness, timestamps and the
audit row happen together, in one transaction. Lists are filtered, sorted and
paged in SQL (see ``RecordQuery``), never in Python.
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence, TYPE_CHECKING


from zhaocun_desktop import values
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.registers import SETTING_DEFAULTS, SETTINGS, VILLAGE, Kind, Register
from zhaocun_desktop.validation import check_record, validate_with_children

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


def now() -> str:
    """The local time as stored in created_at / updated_at / audit_log.at."""
    return dt.datetime.now().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------
# Audit


def _audit_values(register: Register, record: dict | None) -> str | None:
    """A record as JSON for the audit log, with ID and phone numbers masked."""
    if record is None:
        return None
    shown = {}
    for field in register.fields:
        if field.key not in record:
            continue
        value = record[field.key]
        if value is not None and field.kind is Kind.ID_NUMBER:
            value = values.mask_id_number(value)
        elif value is not None and field.kind is Kind.PHONE:
            value = values.mask_phone(value)
        shown[field.key] = value
    return json.dumps(shown, ensure_ascii=False)


def audit(
    db: Database, table: str, record_id: int | None, action: str, old: str | None = None, new: str | None = None, note: str | None = None, at: str | None = None
) -> None:
    """Append one row to the audit log (inside the caller's transaction, if any)."""
    db.conn.execute(
        "INSERT INTO audit_log (at, table_name, record_id, action, old_values, new_values, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at or now(), table, record_id, action, old, new, note),
    )


def audit_rows(db: Database, table: str | None = None, record_id: int | None = None) -> list[dict]:
    """The audit log, oldest first, optionally for one table or record."""
    sql, params = "SELECT * FROM audit_log WHERE 1", []
    if table:
        sql += " AND table_name = ?"
        params.append(table)
    if record_id is not None:
        sql += " AND record_id = ?"
        params.append(record_id)
    rows = list(db.query(sql + " ORDER BY id", params))
    for row in rows:
        for key in ("old_values", "new_values"):
            row[key] = json.loads(row[key]) if row[key] else None
    return rows


# ---------------------------------------------------------------------------
# Writes


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

    A record may carry its child rows under each child register's key; they are added with it.
    """
    stamp = now()
    keys = register.keys
    sql = (
        f"INSERT INTO {register.key} ({', '.join(keys)}, created_at, updated_at, batch_id) "
        f"VALUES ({', '.join('?' * len(keys))}, ?, ?, ?)"
    )
    unique = [f for f in register.fields if f.unique]
    known = set(village_names(db)) if any(f.kind is Kind.VILLAGE and f.required for f in register.fields) else set()
    ids: list[int] = []
    with db.atomic():
        for record in cleaned:
            errors = _check_unique(db, register, record) if unique else {}
            errors.update(_check_villages(register, record, known))
            if errors:
                raise InvalidRecord(errors, register.labels)
            record_id = db.conn.execute(sql, [record.get(key) for key in keys] + [stamp, stamp, batch_id]).lastrowid
            ids.append(record_id)
            audit(db, register.key, record_id, "insert", None, _audit_values(register, record), note, at=stamp)
            for child in register.children:
                if child.key in record:
                    _write_children(db, child, record_id, record[child.key], stamp)
            if progress and len(ids) % 1000 == 0:
                progress(len(ids))
    return ids


def _check_villages(register: Register, record: dict, known: set[str]) -> dict[str, str]:
    """A required village must be one of the township's (when the 村(居) list is filled in)."""
    errors = {}
    for field in register.fields:
        value = record.get(field.key)
        if field.kind is Kind.VILLAGE and field.required and value and known and value not in known:
            errors[field.key] = f"“{value}”不是本镇的村(居)，请核对名称或先在“村(居)”页添加"
    return errors


def update(db: Database, register: Register, record_id: int, raw: dict) -> dict:
    """Change the given fields of one record; returns the stored record. Raises InvalidRecord."""
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
            errors.update(_check_villages(register, record, set(village_names(db))))
        if errors:
            raise InvalidRecord(errors, register.labels)
        changed = {key: value for key, value in record.items() if old.get(key) != value}
        if not changed:
            return old
        assignments = ", ".join(f"{key} = ?" for key in changed)
        db.execute(
            f"UPDATE {register.key} SET {assignments}, updated_at = ? WHERE id = ?",
            [*changed.values(), now(), record_id],
        )
        audit(
            db,
            register.key,
            record_id,
            "update",
            _audit_values(register, {k: old.get(k) for k in changed}),
            _audit_values(register, changed),
        )
        return get(db, register, record_id)


def delete(db: Database, register: Register, record_ids: Iterable[int]) -> int:
    """Delete records (all or none); returns how many were deleted. Several at once: backup first."""
    record_ids = list(record_ids)
    if len(record_ids) > 1:
        from zhaocun_desktop.backup import safety_backup

        safety_backup(db.conn, "delete")
    count = 0
    with db.atomic():
        for record_id in record_ids:
            old = get(db, register, record_id)
            for child in register.children:  # the rows go by ON DELETE CASCADE; the log says which
                for row in children(db, child, record_id):
                    audit(db, child.key, row["id"], "delete", _audit_values(child, row), None, f"随{register.title}（编号 {record_id}）删除")
            db.execute(f"DELETE FROM {register.key} WHERE id = ?", [record_id])
            audit(db, register.key, record_id, "delete", _audit_values(register, old), None)
            count += 1
    return count


def field_choices(db: Database, register: Register) -> dict[str, tuple[str, ...]]:
    """The full choices of fields that the office extends in 设置 (本镇纠纷类型): built-in ones first."""
    from zhaocun_desktop.registers import local_types

    found = {}
    for field in register.fields:
        if field.choices_setting:
            local = tuple(name for name in local_types(settings(db).get(field.choices_setting)) if name not in field.choices)
            found[field.key] = field.choices + local
    return found


def roster_names(db: Database, field) -> list[str]:
    """The names a field offers from its roster (人民调解员, 法律顾问), in the order entered."""
    if not field.roster:
        return []
    return [row[0] for row in db.execute(f"SELECT DISTINCT name FROM {field.roster} WHERE name IS NOT NULL ORDER BY id")]


def proposed_values(db: Database, register: Register, values: dict) -> dict:
    """What a new record's form fills in from what is typed so far (the register's ``proposer``)."""
    if not register.proposer:
        return {}
    import importlib

    module, function = register.proposer.split(":")
    return getattr(importlib.import_module(module), function)(db, values)


def children(db: Database, child: Register, parent_id: int) -> list[dict]:
    """The child rows of one parent record, in the order they were entered."""
    rows = list(db.query(f"SELECT * FROM {child.key} WHERE {child.parent_column} = ? ORDER BY id", [parent_id]))
    for row in rows:
        for field in child.fields:
            if field.kind is Kind.BOOL and row.get(field.key) is not None:
                row[field.key] = bool(row[field.key])
    return rows


def _write_children(db: Database, child: Register, parent_id: int, rows: Sequence[dict], stamp: str) -> None:
    """Make the parent's child rows equal ``rows`` (checked already): rows with an ``id`` are
    updated, rows without are added, stored rows not named are deleted; each change audited."""
    keys = child.keys
    existing = {row["id"]: row for row in children(db, child, parent_id)}
    kept = {row["id"] for row in rows if row.get("id") in existing}
    note = f"{child.title}（{child.parent_column} = {parent_id}）"
    for row_id, old in existing.items():
        if row_id not in kept:
            db.execute(f"DELETE FROM {child.key} WHERE id = ?", [row_id])
            audit(db, child.key, row_id, "delete", _audit_values(child, old), None, note, at=stamp)
    for row in rows:
        values_ = [row.get(key) for key in keys]
        if row.get("id") in existing:
            old = existing[row["id"]]
            changed = {key: row.get(key) for key in keys if old.get(key) != row.get(key)}
            if changed:
                assignments = ", ".join(f"{key} = ?" for key in changed)
                db.execute(f"UPDATE {child.key} SET {assignments}, updated_at = ? WHERE id = ?", [*changed.values(), stamp, row["id"]])
                audit(db, child.key, row["id"], "update", _audit_values(child, {k: old.get(k) for k in changed}), _audit_values(child, changed), note, at=stamp)
            continue
        sql = (
            f"INSERT INTO {child.key} ({child.parent_column}, {', '.join(keys)}, created_at, updated_at) "
            f"VALUES (?, {', '.join('?' * len(keys))}, ?, ?)"
        )
        row_id = db.conn.execute(sql, [parent_id, *values_, stamp, stamp]).lastrowid
        audit(db, child.key, row_id, "insert", None, _audit_values(child, row), note, at=stamp)


def get(db: Database, register: Register, record_id: int) -> dict:
    """One record as a dict (id, fields, timestamps); UserError when it no longer exists."""
    rows = list(db.query(f"SELECT * FROM {register.key} WHERE id = ?", [record_id]))
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
        return list(db.query(f"SELECT * FROM {register.key} ORDER BY id"))
    found = []
    for start in range(0, len(record_ids), 500):  # SQLite limits the number of parameters
        chunk = list(record_ids[start : start + 500])
        found += db.query(f"SELECT * FROM {register.key} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
    return sorted(found, key=lambda row: row["id"])


# ---------------------------------------------------------------------------
# Lists


@dataclass(frozen=True)
class RecordQuery:
    """What a list shows: search text, year and village filters, sort order."""

    search: str = ""
    year: int | None = None
    village: str | None = None
    sort_key: str | None = None  # a field key; None means the register's default
    descending: bool = False

    def where(self, register: Register) -> tuple[str, list]:
        """The WHERE clause (without the keyword) and its parameters."""
        clauses, params = [], []
        if self.year is not None and register.date_field:
            clauses.append(f"{register.date_field} >= ? AND {register.date_field} < ?")
            params += [f"{self.year:04d}-01-01", f"{self.year + 1:04d}-01-01"]
        if self.village and register.village_field:
            clauses.append(f"{register.village_field} = ?")
            params.append(self.village)
        for word in values.clean_text(self.search).split():
            # one instr() per column: several times faster than instr() over a concatenation
            columns = [f.key for f in register.fields if f.searchable]
            clauses.append("(" + " OR ".join(f"instr({key}, ?) > 0" for key in columns) + ")")
            params += [word] * len(columns)
        return (" AND ".join(clauses) or "1"), params

    def order_by(self, register: Register, use_index: bool = True) -> str:
        """The ORDER BY terms; ``use_index=False`` keeps SQLite from walking an index in order
        (right when a search matches few rows: scanning and sorting them is far faster)."""
        plus = "" if use_index else "+"
        if self.sort_key in register.keys:
            direction = "DESC" if self.descending else "ASC"
            return f"{plus}{self.sort_key} {direction}, id {direction}"
        if register.date_field:
            return f"{plus}{register.date_field} DESC, id DESC"
        return "id ASC"

    def follows_index(self, register: Register) -> bool:
        """True when rows come in index order with no search: paging by OFFSET is then cheap."""
        return not self.search.strip() and self.sort_key in (None, register.date_field)


def count(db: Database, register: Register, query: RecordQuery = RecordQuery()) -> int:
    """How many records the query matches."""
    where, params = query.where(register)
    return db.execute(f"SELECT count(*) FROM {register.key} WHERE {where}", params).fetchone()[0]


def page(db: Database, register: Register, query: RecordQuery, offset: int, limit: int, columns: Sequence[str] | None = None) -> list[tuple]:
    """Rows ``offset`` to ``offset + limit`` of the query, as tuples (id, *columns)."""
    columns = list(columns or register.keys)
    where, params = query.where(register)
    sql = (
        f"SELECT id, {', '.join(columns)} FROM {register.key} WHERE {where} "
        f"ORDER BY {query.order_by(register)} LIMIT ? OFFSET ?"
    )
    return db.execute(sql, [*params, limit, offset]).fetchall()


class RecordList:
    """The rows of one query, readable by position, for lists of any length.

    In index order without a search, ``count`` is one COUNT and each ``rows()`` call one
    LIMIT/OFFSET query. Otherwise the ordered ids are read once (``_ids``, 8 bytes a row)
    and ``rows()`` fetches the records of a slice of them: a search or an unindexed sort
    costs one scan, and every later jump is instant.
    """

    def __init__(self, db: Database, register: Register, query: RecordQuery, columns: Sequence[str] | None = None):
        self.db, self.register, self.query = db, register, query
        self.columns = list(columns or register.keys)
        self._ids: array | None = None
        if query.follows_index(register):
            self.count = count(db, register, query)
        else:
            where, params = query.where(register)
            sql = f"SELECT id FROM {register.key} WHERE {where} ORDER BY {query.order_by(register, use_index=False)}"
            self._ids = array("q", (row[0] for row in db.execute(sql, params)))
            self.count = len(self._ids)

    def rows(self, offset: int, limit: int) -> list[tuple]:
        """Rows ``offset`` to ``offset + limit`` as tuples ``(id, *columns)``."""
        if self._ids is None:
            return page(self.db, self.register, self.query, offset, limit, self.columns)
        ids = self._ids[offset : offset + limit].tolist()
        if not ids:
            return []
        sql = f"SELECT id, {', '.join(self.columns)} FROM {self.register.key} WHERE id IN ({', '.join('?' * len(ids))})"
        by_id = {row[0]: row for row in self.db.execute(sql, ids)}
        return [by_id[record_id] for record_id in ids if record_id in by_id]


def years(db: Database, register: Register) -> list[int]:
    """The years that have records, newest first."""
    if not register.date_field:
        return []
    key = register.date_field
    rows = db.execute(
        f"SELECT DISTINCT substr({key}, 1, 4) FROM {register.key} WHERE {key} IS NOT NULL ORDER BY 1 DESC"
    ).fetchall()
    return [int(row[0]) for row in rows if row[0] and row[0].isdigit()]


def village_names(db: Database) -> list[str]:
    """The township's villages in the order the clerk entered them."""
    return [row[0] for row in db.execute(f"SELECT name FROM {VILLAGE.key} ORDER BY id").fetchall()]


# ---------------------------------------------------------------------------
# Settings


def settings(db: Database) -> dict:
    """All settings, with defaults for those never saved."""
    stored = dict(db.execute("SELECT key, value FROM setting").fetchall())
    result = dict(SETTING_DEFAULTS)
    for field in SETTINGS.fields:
        if field.key in stored and stored[field.key] is not None:
            result[field.key] = int(stored[field.key]) if field.kind is Kind.INT else stored[field.key]
    return result


def save_settings(db: Database, raw: dict) -> dict:
    """Validate and store settings (all or none); returns the stored settings."""
    described = SETTINGS
    current = settings(db)
    merged = {key: current.get(key) for key in described.keys}
    merged.update(raw)
    clean, errors = check_record(described, merged)
    if errors:
        raise InvalidRecord(errors, described.labels)
    with db.atomic():
        old = settings(db)
        for key, value in clean.items():
            db.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, None if value is None else str(value)],
            )
        changed = {k: v for k, v in clean.items() if old.get(k) != v}
        if changed:
            audit(db, "setting", None, "update", json.dumps({k: old.get(k) for k in changed}, ensure_ascii=False), json.dumps(changed, ensure_ascii=False))
    return settings(db)

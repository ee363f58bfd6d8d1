"""Reading and writing register records, with timestamps and an audit log.

Every write goes through here so that validation, uniqueness, timestamps and the
audit row happen together, in one transaction. Lists are filtered, sorted and
paged in SQL (see ``RecordQuery``), never in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence


from zhaocun_desktop import search
from zhaocun_desktop.county_scope import TOWNSHIP, whole_county
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.registers import SETTING_DEFAULTS, SETTINGS, VILLAGE, Field, Kind, Register, parent_of

# json, values and validation (their patterns and checks, ~5 ms) are imported in the functions that write, mask or
# search records, or read the audit log: the window's first screen only reads
if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


def now() -> str:
    """The local time as stored in created_at / updated_at / audit_log.at."""
    return dt.datetime.now().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------
# Audit


_AUDIT_JSON = []  # the encoder, made on first use (json.dumps makes one per call: a tenth of an import's writing)


_AUDIT_PLANS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, Callable], ...]]] = {}  # register key → its fields' keys, the masked ones


def _audit_values(register: Register, record: dict | None) -> str | None:
    """A record as JSON for the audit log, with ID and phone numbers masked."""
    if record is None:
        return None
    plan = _AUDIT_PLANS.get(register.key)
    if plan is None:  # made once per register (an import audits every record it adds)
        import json

        from zhaocun_desktop import values

        _AUDIT_JSON[:] = [json.JSONEncoder(ensure_ascii=False, check_circular=False)]  # (the same text; a record holds no cycles)
        masks = {Kind.ID_NUMBER: values.mask_id_number, Kind.PHONE: values.mask_phone}
        plan = _AUDIT_PLANS[register.key] = (tuple(field.key for field in register.fields),
                                             tuple((field.key, masks[field.kind]) for field in register.fields if field.kind in masks))  # fmt: skip
    keys, masked = plan
    shown = {key: record[key] for key in keys if key in record}  # the fields' order, those the record has
    for key, mask in masked:
        value = shown.get(key)
        if value is not None:
            shown[key] = mask(value)
    return _AUDIT_JSON[0].encode(shown)


def audit(
    db: Database, table: str, record_id: int | None, action: str, old: str | None = None, new: str | None = None, note: str | None = None, at: str | None = None
) -> None:
    """Append one row to the audit log (inside the caller's transaction, if any)."""
    db.conn.execute(
        "INSERT INTO audit_log (at, table_name, record_id, action, old_values, new_values, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at or now(), table, record_id, action, old, new, note),
    )


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


def _audit_filter(
    table: str | None, record_id: int | None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> tuple[str, list]:
    """The audit-log query's FROM and WHERE, narrowed to one table, record and/or date range
    (both ends included); every reader and counter of the log uses it."""
    sql, params = "FROM audit_log WHERE 1", []
    if table:
        sql += " AND table_name = ?"
        params.append(table)
    if record_id is not None:
        sql += " AND record_id = ?"
        params.append(record_id)
    if date_from:
        sql += " AND at >= ?"
        params.append(date_from.isoformat())
    if date_to:
        sql += " AND at < ?"
        params.append((date_to + dt.timedelta(days=1)).isoformat())
    return sql, params


def audit_rows(db: Database, table: str | None = None, record_id: int | None = None) -> list[dict]:
    """The audit log, oldest first, optionally for one table or record."""
    import json

    sql, params = _audit_filter(table, record_id)
    rows = list(db.query(f"SELECT * {sql} ORDER BY id", params))
    for row in rows:
        for key in ("old_values", "new_values"):
            row[key] = json.loads(row[key]) if row[key] else None
    return rows


ACTIONS = {
    "insert": "新增", "update": "修改", "delete": "删除", "export": "导出", "import": "导入", "undo": "撤销导入",
    "replace": "替换", "upgrade": "升级", "print": "打印",  # a county database: a newer package replaced an older one; a first-format file upgraded
    "reveal": "查看完整个人信息", "password": "程序密码",  # the door to full ID numbers and phones (privacy.py); wrong guesses, set/removed
    "pin": "确认公钥", "other_county": "确认属于本县",  # a county database: a township's signing key trusted; another county's package taken in
}  # fmt: skip
# What the audit log's table names read as, beyond the registers and the settings.
OTHER_TABLES = {"report_text": "年度报告文字", "import_batch": "导入批次", "package": "上报数据包", "township_key": "乡镇签名公钥"}


def audit_tables() -> dict[str, str]:
    """Every table name the audit log uses, with its Chinese title, in menu order: a child register
    (当事人, 回访) follows its parent, named with it (调解案件·当事人)."""
    from zhaocun_desktop.registers import REGISTERS, SETTINGS

    titles = {}
    for register in REGISTERS:
        titles[register.key] = register.title
        titles.update({child.key: f"{register.title}·{child.title}" for child in register.children})
    return {**titles, SETTINGS.key: SETTINGS.title, **OTHER_TABLES}


def _child_note(child: Register, parent_id: int) -> str:
    """The audit note of a child row's change: whose row it is (当事人（属于第358号调解案件）)."""
    return f"{child.title}（属于第{parent_id}号{parent_of(child).title}）"


def _note_text(register: Register | None, note: str) -> str:
    """An audit note as the clerk reads it. Older versions wrote a child row's note with the
    parent's column name, ``当事人（case_id = 358）``: it reads as _child_note says it now."""
    if register is not None and register.is_child:
        old = re.fullmatch(re.escape(f"{register.title}（{register.parent_column} = ") + r"(\d+)）", note)
        if old:
            return _child_note(register, int(old.group(1)))
    return note


class AuditEntry(NamedTuple):  # not a dataclass: 0.25 ms to create against ~1 ms, on the way to the first screen
    """One audit row as the clerk reads it: Chinese names, and each changed field's old and new value."""

    id: int
    at: str
    table: str
    title: str  # the register's (or other table's) Chinese title
    record_id: int | None
    action: str  # Chinese: 新增 / 修改 / 删除 …
    changes: tuple[tuple[str, str, str], ...]  # (field label, old value, new value), masked
    note: str

    def lines(self) -> list[str]:
        """The entry as text lines (the CLI prints these)."""
        which = "" if self.record_id is None else f" {self.record_id}年度" if self.table == "report_text" else f" 第{self.record_id}号"
        head = f"{self.at.replace('T', ' ')}  {self.title}{which}  {self.action}" + (f"  {self.note}" if self.note else "")
        if self.action in (ACTIONS["insert"], ACTIONS["delete"]):  # one side only: the record's values
            return [head] + [f"    {label}：{new or old}" for label, old, new in self.changes]
        return [head] + [f"    {label}：{old or '（空）'} → {new or '（空）'}" for label, old, new in self.changes]


def _audit_text(field, value, reveal: bool = False) -> str:
    from zhaocun_desktop import values
    from zhaocun_desktop.validation import display_value

    text = display_value(field, value, reveal) if field is not None else ("" if value is None else str(value))
    if reveal or (field is not None and field.unique):  # an identifier (案件编号) is no personal number
        return text
    return values.mask_numbers(text)  # an ID or phone number typed into free text is masked too


def audit_entries(
    db: Database,
    table: str | None = None,
    record_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int | None = None,
    reveal: bool = False,
) -> list[AuditEntry]:
    """The audit log, newest first, filtered by table, record and date range (both ends included);
    at most ``limit`` entries (audit_count tells how many there are). ID and phone numbers masked unless
    ``reveal`` (after ``privacy.reveal``: the password and an entry of its own)."""
    import json

    from zhaocun_desktop import values
    from zhaocun_desktop.registers import BY_KEY, SETTINGS

    sql, params = _audit_filter(table, record_id, date_from, date_to)
    sql = f"SELECT * {sql} ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
    titles = audit_tables()
    entries = []
    for row in db.query(sql, params):
        register = BY_KEY.get(row["table_name"]) or (SETTINGS if row["table_name"] == SETTINGS.key else None)
        old = json.loads(row["old_values"]) if row["old_values"] else {}
        new = json.loads(row["new_values"]) if row["new_values"] else {}
        keys = list(dict.fromkeys([*old, *new]))
        if register is not None:  # description order, then anything the description no longer has
            keys = [k for k in register.keys if k in keys] + [k for k in keys if k not in register.keys]
        changes = []
        for key in keys:
            field = register.field(key) if register is not None and key in register.keys else None
            label = field.label if field is not None else key
            before, after = _audit_text(field, old.get(key), reveal), _audit_text(field, new.get(key), reveal)
            if before or after:  # a new record's empty fields are not changes
                changes.append((label, before, after))
        entries.append(AuditEntry(
            row["id"], row["at"], row["table_name"], titles.get(row["table_name"], row["table_name"]), row["record_id"],
            ACTIONS.get(row["action"], row["action"]), tuple(changes), (lambda note: note if reveal else values.mask_numbers(note))(_note_text(register, row["note"] or "")),
        ))  # fmt: skip
    return entries


def audit_count(
    db: Database, table: str | None = None, record_id: int | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> int:
    """How many audit entries the filters of ``audit_entries`` match (all of them, whatever is shown)."""
    sql, params = _audit_filter(table, record_id, date_from, date_to)
    return db.execute(f"SELECT count(*) {sql}", params).fetchone()[0]


def audit_table_key(name: str) -> str:
    """The audit table name for a register given by key or Chinese title; UserError naming the choices."""
    for key, title in audit_tables().items():
        if name in (key, title):
            return key
    choices = "、".join(f"{key}（{title}）" for key, title in audit_tables().items())
    raise UserError(f"没有名为“{name}”的台账。可用：{choices}")


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
    keys = stored_columns(register)
    sql = (
        f"INSERT INTO {register.key} (id, {', '.join(keys)}, created_at, updated_at, batch_id) "
        f"VALUES (?, {', '.join('?' * len(keys))}, ?, ?, ?)"
    )
    village_fields = register.village_fields
    by_name = village_ids(db) if village_fields else {}
    known = set(by_name) if any(f.required for f in village_fields) else set()
    ids: list[int] = []
    with db.atomic():
        new_ids = NewIds(db)
        taken = _UniqueValues(db, register, cleaned)
        pending = _Pending(db, stamp, note)
        # many at once (an import): indexed for search in one statement at the end, not row by row, with the
        # indexes' pages kept in memory meanwhile
        many = search.adding_many(db, (register, *register.children)) if len(cleaned) >= search.BULK_ROWS else nullcontext()
        with many, _page_cache(db, BULK_CACHE_KB if len(cleaned) >= search.BULK_ROWS else 0):
            for record in cleaned:
                errors = taken.problems(record)
                errors.update(_check_villages(register, record, known, village_fields))
                if errors:
                    raise InvalidRecord(errors, register.labels)
                row = stored_values(register, record, by_name, village_fields)
                record_id = new_ids.take(register.key)
                pending.add(sql, [record_id, *map(row.get, keys), stamp, stamp, batch_id])
                pending.audit(register.key, record_id, _audit_values(register, record))
                ids.append(record_id)
                for child in register.children:
                    if child.key in record:
                        _add_children(pending, child, record_id, record[child.key], stamp, new_ids)
                if len(ids) % 1000 == 0:
                    pending.write()
                    if progress:
                        progress(len(ids))
            pending.write()
        if register is VILLAGE:
            for record in cleaned:
                _link_place_names(db, record.get("name"))
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


def _add_children(pending: _Pending, child: Register, parent_id: int, rows: Sequence[dict], stamp: str, new_ids: NewIds) -> None:
    """The child rows of a new record (checked already), each audited."""
    if not rows:
        return
    keys = child.keys
    sql = (
        f"INSERT INTO {child.key} (id, {child.parent_column}, {', '.join(keys)}, created_at, updated_at) "
        f"VALUES (?, ?, {', '.join('?' * len(keys))}, ?, ?)"
    )
    note = _child_note(child, parent_id)
    for row in rows:
        row_id = new_ids.take(child.key)
        pending.add(sql, [row_id, parent_id, *map(row.get, keys), stamp, stamp])
        pending.audit(child.key, row_id, _audit_values(child, row), note)


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


def _check_villages(register: Register, record: dict, known: set[str], village_fields: tuple[Field, ...] | None = None) -> dict[str, str]:
    """A required village must be one of the township's (when the 村(居) list is filled in)."""
    errors = {}
    if not known:
        return errors
    for field in register.village_fields if village_fields is None else village_fields:
        value = record.get(field.key)
        if field.required and value and value not in known:
            errors[field.key] = f"“{value}”不是本镇的村(居)，请核对名称或先在“村(居)”页添加"
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
            errors.update(_check_villages(register, record, set(village_names(db))))
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
        if register is VILLAGE and "name" in changed:  # records refer to the id: they follow the new name
            _link_place_names(db, changed["name"])
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
        from zhaocun_desktop.backup_files import safety_backup

        safety_backup(db.conn, "delete")
    count = 0
    with db.atomic():
        for record_id in record_ids:
            old = get(db, register, record_id)
            if register is VILLAGE and village_usage(db, record_id):
                used = "、".join(f"{title}{n}条" for title, n in village_usage(db, record_id).items())
                raise UserError(f"“{old['name']}”还有记录（{used}），不能删除。村(居)撤并请用“撤并到…”，把记录移到合并后的村(居)。")
            for child in register.children:  # the rows go by ON DELETE CASCADE; the log says which
                for row in children(db, child, record_id):
                    audit(db, child.key, row["id"], "delete", _audit_values(child, row), None, f"随{register.title}（编号 {record_id}）删除")
            db.execute(f"DELETE FROM {register.key} WHERE id = ?", [record_id])
            audit(db, register.key, record_id, "delete", _audit_values(register, old), None)
            count += 1
    return count


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


def children(db: Database, child: Register, parent_id: int) -> list[dict]:
    """The child rows of one parent record, in the order they were entered."""
    rows = list(db.query(f"SELECT * FROM {child.key} WHERE {child.parent_column} = ? ORDER BY id", [parent_id]))
    for row in rows:
        for field in child.fields:
            if field.kind is Kind.BOOL and row.get(field.key) is not None:
                row[field.key] = bool(row[field.key])
    return rows


def _write_children(db: Database, child: Register, parent_id: int, rows: Sequence[dict], stamp: str, new_ids: NewIds | None = None) -> None:
    """Make the parent's child rows equal ``rows`` (checked already): rows with an ``id`` are
    updated, rows without are added, stored rows not named are deleted; each change audited."""
    keys = child.keys
    new_ids = new_ids or NewIds(db)
    existing = {row["id"]: row for row in children(db, child, parent_id)}
    kept = {row["id"] for row in rows if row.get("id") in existing}
    note = _child_note(child, parent_id)
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
            f"INSERT INTO {child.key} (id, {child.parent_column}, {', '.join(keys)}, created_at, updated_at) "
            f"VALUES (?, ?, {', '.join('?' * len(keys))}, ?, ?)"
        )
        row_id = new_ids.take(child.key)
        db.conn.execute(sql, [row_id, parent_id, *values_, stamp, stamp])
        audit(db, child.key, row_id, "insert", None, _audit_values(child, row), note, at=stamp)


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


# ---------------------------------------------------------------------------
# Lists


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

    def where(self, register: Register, indexed: dict[str, search.Lookup] | None = None, townships: bool | dict[str, tuple[int, ...]] = False) -> tuple[str, list]:
        """The WHERE clause (without the keyword) and its parameters.

        ``indexed``: the words to look up in the register's search index, each with its ``search.lookup``;
        the others are compared with instr() over the columns. ``townships``: a whole county's list, which
        shows 乡镇 (township_column): a word also finds the records of every township whose name holds it
        (中汤 lists 中汤镇's); given as ``{word: township ids}``, those ids (read before, from the small table).
        """
        indexed = indexed or {}
        clauses, params = self._filters(register)
        words = list(dict.fromkeys(self.words()))
        # words found through the index alone (in no village's or township's name): one MATCH of them all, which FTS5
        # answers by intersecting their lists (镇调委会 2020 at a million cases: 0.07 s against 0.5 s, one MATCH each)
        alone = [word for word in words if word in indexed and indexed[word].expression and not indexed[word].villages
                 and not (townships and (not isinstance(townships, dict) or townships.get(word)))]  # fmt: skip
        if len(alone) > 1:
            clause, word_params = search.every_word_condition(register, [indexed[word] for word in alone])
            clauses.append(clause)
            params += word_params
            words = [word for word in words if word not in alone]
        for word in words:
            clause, word_params = self._word_condition(register, word, indexed, townships)
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
    def _word_condition(register: Register, word: str, indexed: dict, townships: bool | dict) -> tuple[str, list]:
        """One word's condition: through the index, or instr() over the searchable columns; in a whole county's
        list also the townships whose name holds it."""
        if word in indexed:
            clause, word_params = search.indexed_condition(register, word, indexed[word])
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


def _where(db: Database, register: Register, query: RecordQuery, looked_up: dict[str, search.Lookup] | None = None) -> tuple[str, list]:
    """The query's WHERE clause, using the search index when one is in step and it can serve a word
    (``looked_up``: the words' lookups when the caller has them already)."""
    looked_up = _indexed_words(db, register, query) if looked_up is None else looked_up
    townships: bool | dict = whole_county(db)
    if townships:  # the small township table read first: a subquery beside the index made SQLite read every record
        townships = {word: tuple(row[0] for row in db.execute("SELECT id FROM main.township WHERE instr(name, ?) > 0", [word])) for word in query.words()}
    return query.where(register, looked_up, townships=townships)


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
            self._walked, self._walked_all = 0, False
            highest = db.execute(f"SELECT max(id) FROM {register.key}").fetchone()[0] or 0  # the table's size, from the end of its b-tree
            budget = max(self.WALK_STEP, min(self.WALK_BUDGET, highest // self.WALK_SHARE))
            first = self.more(self.FIRST, budget=self.WALK_STEP)
            if len(first) < self.FIRST and not self.complete and self._short_word_rare(looked_up):
                first = None  # a short word the index finds few records of: read it whole below
            if first is not None and len(first) < self.FIRST and not self.complete:
                first += self.more(self.FIRST - len(first), budget=budget - self._walked)
            if first is not None and (len(first) >= self.FIRST or self.complete):
                self._ids = array("q", first)
                self.count = len(self._ids)
                return
            self.complete = True  # rare after all (words common alone but rare together, a short word): read it whole below
        elif walks:
            looked_up = _indexed_words(db, register, query)
        where, params = _where(db, register, query, looked_up)
        sql = f"SELECT id FROM {register.key} WHERE {where} ORDER BY {query.order_by(register, use_index=False)}"
        self._ids = array("q", (row[0] for row in db.execute(sql, params)))
        self.count = len(self._ids)

    def _short_word_rare(self, looked_up: dict[str, search.Lookup]) -> bool:
        """After a first slice walked that did not fill a screen: ask the vocabulary for the
        short words, the one found least in the slice first, and stop at the first that is rare (adding the
        lookups to ``looked_up``); a word found in a screenful of the slice is common and not asked. The
        others stay unread: 调 in every record costs ~100 ms to read, and ``调 龘`` needs only 龘's, which is nowhere."""
        words = [word for word in dict.fromkeys(self.query.words()) if search.is_short(word) and word not in looked_up]
        if len(words) > 1:  # how often each was found in the slice (one read of it)
            conditions = [RecordQuery(search=word).where(self.register, townships=whole_county(self.db)) for word in words]
            filters, params = self.query._replace(search="").where(self.register)
            hits = self.db.execute(
                f"SELECT {', '.join(f'sum({clause})' for clause, _ in conditions)} FROM (SELECT * FROM {self.register.key} WHERE {filters} "
                f"ORDER BY {self.query.order_by(self.register)} LIMIT {self.WALK_STEP}) AS {self.register.key}",
                [value for _, word_params in conditions for value in word_params] + params,
            ).fetchone()  # fmt: skip
            # a word in a screenful of the slice's records is common: no vocabulary read for it (与 in every case: ~100 ms)
            words = [word for hit, word in sorted(zip([hit or 0 for hit in hits], words), key=lambda pair: pair[0]) if hit < self.FIRST]
        for word in words:
            how = _indexed_words(self.db, self.register, RecordQuery(search=word)).get(word)
            if how is not None:
                looked_up[word] = how
                if self._rare({word: how}):
                    return True
        return False

    def _rare(self, looked_up: dict[str, search.Lookup]) -> bool:
        """True when some word is found fewer than RARE times in the search index (the list is then read at once)."""
        fts = search.index_table(self.register)
        probe = f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH ? LIMIT {self.RARE})"  # FTS5 stops at the limit
        # a word in a village's name also matches every record of that village (not through the index): the
        # index cannot say it is rare (赵村 调解成功: 34,597 of a million, read whole took 0.6-0.8 s); likewise
        # a word in a township's name, in a whole county's list (the 乡镇 column)
        names = village_names(self.db) if any(field.searchable and field.id_column for field in self.register.fields) else []
        if whole_county(self.db):
            names += [row[0] for row in self.db.execute("SELECT name FROM main.township")]
        looked_up = {word: how for word, how in looked_up.items() if not any(word in name for name in names)}
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


# ---------------------------------------------------------------------------
# Villages by identity: a village field stores the village's id (``Field.id_column``); its own
# column holds only a place that is not a village. Everything reads the name through
# ``column_sql``, so a renamed village keeps its records, and ``merge_villages`` moves them.

OTHER_PLACES = "镇直及其他地点"  # the by-village tables' row for records not at one of the villages


def column_sql(register: Register, key: str) -> str:
    """SQL reading column ``key`` of ``register`` as the clerk sees it: for a village field, the
    village's current name (or the place typed when it is not a village)."""
    field = next((f for f in register.fields if f.key == key), None)
    if field is None or field.id_column is None:
        return key
    return f"coalesce((SELECT name FROM {VILLAGE.key} WHERE {VILLAGE.key}.id = {register.key}.{field.id_column}), {register.key}.{key})"


COUNTY_VILLAGE_MARK = "·"  # 中汤镇·邱店村: a whole county names a village with its township


def village_labels(db: Database) -> list[str]:
    """The rows of a by-village table, in the order the villages were entered: their names, or in a
    whole county (village names are unique within a township only) 乡镇·村, townships in the order the
    乡镇 chooser lists them (rollup.township_choices)."""
    if not whole_county(db):
        return village_names(db)
    return [row[0] for row in db.execute(
        f"SELECT t.name || '{COUNTY_VILLAGE_MARK}' || v.name FROM {VILLAGE.key} AS v JOIN main.township AS t ON t.id = v.township_id ORDER BY t.name, v.id"
    )]  # fmt: skip


def village_group_sql(db: Database, register: Register, key: str) -> str:
    """SQL naming the village a record belongs to for a by-village table, as ``village_labels``
    names it, or 镇直及其他地点 for any other place (so the rows add up to every record)."""
    field = register.field(key)
    name = "v.name"
    if whole_county(db):
        name = f"(SELECT t.name FROM main.township AS t WHERE t.id = v.township_id) || '{COUNTY_VILLAGE_MARK}' || v.name"
    return f"coalesce((SELECT {name} FROM {VILLAGE.key} AS v WHERE v.id = {register.key}.{field.id_column}), '{OTHER_PLACES}')"


def select_list(db: Database, register: Register) -> str:
    """Every column of the register's table, village fields read as names (for ``SELECT``)."""
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({register.key})")]
    return ", ".join(column if column_sql(register, column) == column else f"{column_sql(register, column)} AS {column}" for column in columns)


def stored_columns(register: Register) -> list[str]:
    """The columns a write fills: every field, plus the id column of each village field."""
    return [column for field in register.fields for column in (field.key, field.id_column) if column]


def village_ids(db: Database) -> dict[str, int]:
    """Each village's id by its name."""
    return {name: village_id for village_id, name in db.execute(f"SELECT id, name FROM {VILLAGE.key}")}


def stored_values(register: Register, record: dict, ids: dict[str, int], village_fields: tuple[Field, ...] | None = None) -> dict:
    """``record`` as stored: a village name becomes the village's id, any other place stays text.
    (``village_fields``: the register's, when the caller has them at hand.)"""
    stored = dict(record)
    for field in register.village_fields if village_fields is None else village_fields:
        if field.key in record:
            village_id = ids.get(record[field.key])
            stored[field.id_column] = village_id
            stored[field.key] = None if village_id is not None else record[field.key]
    return stored


def _link_place_names(db: Database, name: str | None) -> None:
    """Records that typed ``name`` as a place before it was a village now refer to the village."""
    if not name:
        return
    from zhaocun_desktop.registers import REGISTERS

    for register in REGISTERS:
        for field in register.village_fields:
            db.execute(
                f"UPDATE {register.key} SET {field.id_column} = (SELECT id FROM {VILLAGE.key} WHERE name = ?), {field.key} = NULL "
                f"WHERE {field.id_column} IS NULL AND {field.key} = ?",
                [name, name],
            )


def village_usage(db: Database, village_id: int) -> dict[str, int]:
    """How many records of each register refer to the village (by register title; none: empty)."""
    from zhaocun_desktop.registers import REGISTERS

    used: dict[str, int] = {}
    for register in REGISTERS:
        for field in register.village_fields:
            count = db.execute(f"SELECT count(*) FROM {register.key} WHERE {field.id_column} = ?", [village_id]).fetchone()[0]
            if count:
                used[register.title] = used.get(register.title, 0) + count
    return used


def merge_villages(db: Database, source_id: int, target_id: int) -> dict[str, int]:
    """撤并: move every record of village ``source_id`` to ``target_id`` and remove the source,
    in one transaction with an audit entry; returns how many records moved, by register title."""
    from zhaocun_desktop.registers import REGISTERS

    if source_id == target_id:
        raise UserError("撤并的两个村(居)是同一个，请选择另一个村(居)。")
    source, target = get(db, VILLAGE, source_id), get(db, VILLAGE, target_id)
    from zhaocun_desktop.backup_files import safety_backup

    safety_backup(db.conn, "merge")
    moved = village_usage(db, source_id)
    with db.atomic():
        for register in REGISTERS:
            for field in register.village_fields:
                db.execute(f"UPDATE {register.key} SET {field.id_column} = ?, updated_at = ? WHERE {field.id_column} = ?", [target_id, now(), source_id])
        db.execute(f"DELETE FROM {VILLAGE.key} WHERE id = ?", [source_id])
        audit(
            db, VILLAGE.key, source_id, "merge", _audit_values(VILLAGE, source), _audit_values(VILLAGE, target),
            f"“{source['name']}”撤并入“{target['name']}”，移动记录：" + ("、".join(f"{t}{n}条" for t, n in moved.items()) or "无"),
        )  # fmt: skip
    return moved


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
    import json

    from zhaocun_desktop.validation import check_record

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

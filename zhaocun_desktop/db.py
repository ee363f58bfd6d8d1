"""The database file: connection settings, schema from the descriptions, migrations.

The schema version lives in ``PRAGMA user_version``. Each migration is a function
that takes the database from version N-1 to N inside one transaction. After the
migrations, ``sync_columns`` adds any column a description has gained since (adding
a field to a register needs no migration of its own).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from zhaocun_desktop.county_scope import COUNTY_APPLICATION_ID  # the county's own id (county_scope owns what a county is)
from zhaocun_desktop.errors import DatabaseTooNew, UserError
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.registers import CHILD_REGISTERS, REGISTERS, Register, parent_of

STAMP_COLUMNS = ("created_at", "updated_at")
# PRAGMA application_id of every database this program makes ("ZCDS"): a foreign SQLite file is
# recognised before anything is written to it, and a restore takes only our own backups.
APPLICATION_ID = 0x5A434453
# Tables every version of our database has had since data version 1.
OUR_TABLES = ("setting", "audit_log", "village")
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another program before "database is locked"
_PY_TYPES = {"TEXT": str, "INTEGER": int, "REAL": float}
_NO_ROWS = {"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "VACUUM", "ATTACH", "DETACH", "ANALYZE", "REINDEX"}


class Database:
    """The open database: ``conn`` plus the four calls the program makes (execute, query, atomic, close).

    The same interface as ``sqlite_utils.Database`` for what we use, without importing sqlite-utils
    (and click, dateutil, pluggy with it: a quarter of a second at start-up). Anything else —
    ``table()``, ``db["name"]``, ``insert_all`` — goes to a ``sqlite_utils.Database`` over the same
    connection, created on first use.
    """

    def __init__(self, conn: sqlite3.Connection, execute_plugins: bool = False):
        # execute_plugins: accepted for sqlite-utils' signature; no sqlite-utils plugin ever runs here
        self.conn = conn
        self._utils = None

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Run one statement (autocommit unless inside ``atomic``); returns the cursor."""
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def query(self, sql: str, params: Any = None) -> Iterator[dict]:
        """Rows of a SELECT as dicts; a statement that returns no rows is refused (ValueError), as sqlite-utils does."""
        words = sql.lstrip().split(None, 1)
        if words and words[0].upper() in _NO_ROWS and "RETURNING" not in sql.upper():
            raise ValueError("query() can only be used with SQL that returns rows - use execute() for other statements")
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() can only be used with SQL that returns rows - use execute() for other statements")
        keys = [column[0] for column in cursor.description]
        return (dict(zip(keys, row)) for row in cursor)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction (a savepoint when nested): everything inside is written, or nothing."""
        if self.conn.in_transaction:
            savepoint = f"atomic_{os.urandom(8).hex()}"  # not secrets: it loads OpenSSL (start-up time)
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # a RAISE(ROLLBACK) may already have ended the transaction
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
        else:
            self.conn.execute("BEGIN")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.rollback()
                    raise

    def rollback(self) -> None:
        """Roll back the open transaction, if any."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self.__dict__.get("_utils") is None:
            from sqlite_utils import Database as UtilsDatabase

            self._utils = UtilsDatabase(self.conn, execute_plugins=False)
        return getattr(self._utils, name)

    def __getitem__(self, name: str):
        return self.__getattr__("table")(name)

_SQL_TYPES = {python: sql for sql, python in _PY_TYPES.items()}


def register_columns(register: Register) -> dict[str, type]:
    """The columns of a register's table, in order, with their Python types."""
    columns: dict[str, type] = {"id": int}
    if register.is_child:
        columns[register.parent_column] = int
    for field in register.fields:
        columns[field.key] = _PY_TYPES[field.kind.sql_type]
        if field.id_column:
            columns[field.id_column] = int
    columns.update({name: str for name in STAMP_COLUMNS})
    return columns


def create_child_table(db: Database, child: Register) -> None:
    """A child register's table: its rows go when their parent record is deleted."""
    parent = parent_of(child)
    columns = [
        "id INTEGER PRIMARY KEY",
        f"{child.parent_column} INTEGER NOT NULL REFERENCES {parent.key}(id) ON DELETE CASCADE",
    ]
    for field in child.fields:
        columns.append(f"{field.key} {field.kind.sql_type}")
    columns += [f"{name} TEXT" for name in STAMP_COLUMNS]
    db.execute(f"CREATE TABLE IF NOT EXISTS {child.key} ({', '.join(columns)})")
    db.execute(f"CREATE INDEX IF NOT EXISTS ix_{child.key}_parent ON {child.key}({child.parent_column})")


def _create_tables(db: Database) -> None:
    for register in REGISTERS:
        db.table(register.key).create(register_columns(register), pk="id")
    db.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            table_name TEXT NOT NULL,
            record_id INTEGER,
            action TEXT NOT NULL,
            old_values TEXT,
            new_values TEXT,
            note TEXT
        )"""
    )


def _create_indexes(db: Database) -> None:
    """Indexes for the year/village filters, the default sort and unique fields."""
    for register in REGISTERS:
        if not db[register.key].exists():  # a register added later: its own migration indexes it
            continue
        for key in (register.date_field, register.village_field):
            if key:
                db.execute(f"CREATE INDEX IF NOT EXISTS ix_{register.key}_{key} ON {register.key}({key})")
        for field in register.fields:
            if field.unique:
                db.execute(
                    f"CREATE UNIQUE INDEX IF NOT EXISTS ux_{register.key}_{field.key} "
                    f"ON {register.key}({field.key}) WHERE {field.key} IS NOT NULL"
                )
    db.execute("CREATE INDEX IF NOT EXISTS ix_audit_record ON audit_log(table_name, record_id)")


# Covering indexes for the report figures (figures.py): the year range first, then every
# column the figures of that register test or add up, so no figure reads the table itself.
STATISTICS_INDEXES = {
    "publicity_event": ("event_date", "event_type", "occasion", "partners", "participants", "passed", "materials"),
    "advisor_work": ("work_date", "advisor_type", "work_type", "result", "village", "quantity", "people"),
    "mediation_case": ("accepted", "org", "result", "confirmed", "dispute_type", "village", "amount"),
    "petition": ("reg_date", "level"),  # widened by _petition_life (migration 5)
    "enforcement_training": ("train_date", "train_type", "hours", "participants", "passed"),
}


def _add_report_texts(db: Database) -> None:
    """The clerk's report texts per year, and the statistics indexes."""
    db.execute(
        """CREATE TABLE report_text (
            year INTEGER NOT NULL,
            key TEXT NOT NULL,
            text TEXT,
            updated_at TEXT,
            PRIMARY KEY (year, key)
        )"""
    )
    for table, columns in STATISTICS_INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS stats_{table} ON {table}({', '.join(columns)})")


def _add_import_batches(db: Database) -> None:
    """Imported files (to refuse the same file twice and to undo an import) and each record's batch."""
    db.execute(
        """CREATE TABLE import_batch (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            register TEXT NOT NULL,
            village TEXT,
            imported_at TEXT NOT NULL,
            rows_in_file INTEGER NOT NULL,
            rows_imported INTEGER NOT NULL,
            rows_skipped INTEGER NOT NULL,
            undone_at TEXT
        )"""
    )
    db.execute("CREATE INDEX ix_import_batch_sha256 ON import_batch(sha256)")
    for register in REGISTERS:
        if not db[register.key].exists():  # a register added later: its own migration adds batch_id
            continue
        db.execute(f"ALTER TABLE {register.key} ADD COLUMN batch_id INTEGER REFERENCES import_batch(id)")
        db.execute(f"CREATE INDEX ix_{register.key}_batch ON {register.key}(batch_id)")


def _set_application_id(db: Database) -> None:
    """Mark the file as ours (databases made before this version carry application_id 0); a county database keeps its own mark."""
    if db.execute("PRAGMA application_id").fetchone()[0] != COUNTY_APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


PETITION_STATISTICS_INDEX = ("reg_date", "level", "status", "done_date", "extended", "satisfied", "visitors")


def _add_missing_columns(db: Database, register: Register) -> None:
    """The columns of ``register`` that its table lacks (a migration needs them before sync_columns)."""
    existing = {row[1] for row in db.execute(f"PRAGMA table_info({register.key})").fetchall()}
    for name, kind in register_columns(register).items():
        if name not in existing:
            db.execute(f"ALTER TABLE {register.key} ADD COLUMN {name} {_SQL_TYPES[kind]}")


def _petition_life(db: Database) -> None:
    """信访 gets a life (状态, 延期, 人次); 按期办结 is computed from the dates, no longer typed.

    The typed flag ``on_time`` becomes 状态: 已办结 when a 办结日期 is filled in, else 在办.
    Where the clerk had typed 按期 for a petition concluded 61–90 days after acceptance, the
    extension that made it on time is recorded (its reason to be completed), so the rate the
    clerk reported does not change. Then the typed column is dropped.
    """
    from zhaocun_desktop.registers import PETITION, PETITION_DAYS, PETITION_EXTENSION_DAYS

    _add_missing_columns(db, PETITION)
    columns = {row[1] for row in db.execute("PRAGMA table_info(petition)").fetchall()}
    db.execute("DROP INDEX IF EXISTS stats_petition")
    if "on_time" in columns:
        db.execute("UPDATE petition SET status = CASE WHEN done_date IS NULL THEN '在办' ELSE '已办结' END WHERE status IS NULL")
        db.execute(
            f"""UPDATE petition SET extended = 1, extension_reason = '由原“是否按期办结”迁移：请补填延期理由'
                WHERE on_time = 1 AND done_date > date(reg_date, '+{PETITION_DAYS} days')
                  AND done_date <= date(reg_date, '+{PETITION_DAYS + PETITION_EXTENSION_DAYS} days')"""
        )
        db.execute("ALTER TABLE petition DROP COLUMN on_time")
    db.execute(f"CREATE INDEX stats_petition ON petition({', '.join(PETITION_STATISTICS_INDEX)})")


def _add_import_rows(db: Database) -> None:
    """Each imported row's fingerprint and the record it became: a file imported again (after the
    village fixed some rows) adds only the rows not yet in, even when records were edited since."""
    db.execute(
        """CREATE TABLE import_row (
            batch_id INTEGER NOT NULL REFERENCES import_batch(id),
            register TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            record_id INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX ix_import_row_fingerprint ON import_row(register, fingerprint)")


def _villages_by_id(db: Database) -> None:
    """Records refer to villages by id: each village field gains ``<key>_id``; a name that is one
    of the villages becomes its id (the text column is cleared), any other place keeps its text.
    Renaming a village then keeps its records, and merging two moves them (records.merge_villages).
    """
    from zhaocun_desktop.registers import REGISTERS

    for register in REGISTERS:
        if not register.village_fields or not db[register.key].exists():  # a register added later: made whole by sync_columns
            continue
        _add_missing_columns(db, register)
        for field in register.village_fields:
            column = field.id_column
            db.execute(
                f"UPDATE {register.key} SET {column} = (SELECT v.id FROM village v WHERE v.name = {register.key}.{field.key}) "
                f"WHERE {column} IS NULL AND {field.key} IN (SELECT name FROM village)"
            )
            db.execute(f"UPDATE {register.key} SET {field.key} = NULL WHERE {column} IS NOT NULL")
            db.execute(f"CREATE INDEX IF NOT EXISTS ix_{register.key}_{column} ON {register.key}({column})")
    # 走访村数 counts distinct villages by id: the advisors' covering index carries it
    db.execute("DROP INDEX IF EXISTS stats_advisor_work")
    db.execute(f"CREATE INDEX stats_advisor_work ON advisor_work({', '.join(STATISTICS_INDEXES['advisor_work'])}, village_id)")


def _dated_history(db: Database) -> None:
    """Certificates get a register of their own (one row per certificate, valid from … until …);
    staff get in-post dates; villages a review and a revocation year. Each certificate typed on a
    staff row becomes a certificate row, and those columns leave the staff table."""
    from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, ENFORCEMENT_STAFF, VILLAGE

    if not db[ENFORCEMENT_CERTIFICATE.key].exists():
        db.table(ENFORCEMENT_CERTIFICATE.key).create(register_columns(ENFORCEMENT_CERTIFICATE), pk="id")
        db.execute(f"ALTER TABLE {ENFORCEMENT_CERTIFICATE.key} ADD COLUMN batch_id INTEGER REFERENCES import_batch(id)")
    db.execute(f"CREATE INDEX IF NOT EXISTS ix_{ENFORCEMENT_CERTIFICATE.key}_batch ON {ENFORCEMENT_CERTIFICATE.key}(batch_id)")
    db.execute(f"CREATE INDEX IF NOT EXISTS ix_{ENFORCEMENT_CERTIFICATE.key}_valid_from ON {ENFORCEMENT_CERTIFICATE.key}(valid_from)")
    db.execute(f"CREATE INDEX IF NOT EXISTS ix_{ENFORCEMENT_CERTIFICATE.key}_holder ON {ENFORCEMENT_CERTIFICATE.key}(holder, valid_until)")
    db.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS ux_{ENFORCEMENT_CERTIFICATE.key}_cert_no ON {ENFORCEMENT_CERTIFICATE.key}(cert_no) WHERE cert_no IS NOT NULL")
    _add_missing_columns(db, ENFORCEMENT_STAFF)
    _add_missing_columns(db, VILLAGE)
    staff_columns = {row[1] for row in db.execute(f"PRAGMA table_info({ENFORCEMENT_STAFF.key})")}
    if "cert_no" in staff_columns:
        db.execute(
            f"""INSERT INTO {ENFORCEMENT_CERTIFICATE.key} (holder, cert_no, cert_type, issuer, valid_from, valid_until, note, created_at, updated_at)
                SELECT name, cert_no, cert_type, issuer, coalesce(issue_date, date(valid_until, '-3 years')), valid_until,
                       CASE WHEN issue_date IS NULL THEN '发证日期由升级程序按有效期三年推定，请核对' END, created_at, updated_at
                FROM {ENFORCEMENT_STAFF.key} WHERE cert_no IS NOT NULL AND valid_until IS NOT NULL"""
        )
        db.execute(
            f"""UPDATE {ENFORCEMENT_STAFF.key} SET note = trim(coalesce(note, '') || ' 原执法证号' || cert_no || '未填有效期，升级时未转入“执法证”，请补录')
                WHERE cert_no IS NOT NULL AND valid_until IS NULL"""
        )
        db.execute(f"DROP INDEX IF EXISTS ux_{ENFORCEMENT_STAFF.key}_cert_no")
        for column in ("cert_no", "cert_type", "issuer", "issue_date", "valid_until"):
            if column in staff_columns:
                db.execute(f"ALTER TABLE {ENFORCEMENT_STAFF.key} DROP COLUMN {column}")


def _add_search_indexes(db: Database) -> None:
    """A full-text (FTS5 trigram) index over each register's searchable columns, with its triggers."""
    from zhaocun_desktop.search import sync_search_indexes

    sync_search_indexes(db)


def _add_parties(db: Database) -> None:
    """当事人 as people: a mediation_party table, filled from each case's one-line 当事人 text.

    "甲与乙", "甲、乙", "甲和乙" become one party each (the first 申请人, the others 被申请人); a text
    that cannot be split becomes one party named by the whole text, and the case keeps its text
    as it was. The case's single ID and phone number go to its first party and leave the case.
    The table is written out as it was at this version; later fields come from ``sync_columns``.
    """
    from zhaocun_desktop.values import split_names

    db.execute(
        """CREATE TABLE mediation_party (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE,
            role TEXT, name TEXT, gender TEXT, ethnicity TEXT, birth_date TEXT, age INTEGER,
            occupation TEXT, phone TEXT, address TEXT, id_number TEXT,
            created_at TEXT, updated_at TEXT
        )"""
    )
    db.execute("CREATE INDEX ix_mediation_party_parent ON mediation_party(case_id)")
    present = {row[1] for row in db.execute("PRAGMA table_info(mediation_case)").fetchall()}
    if not {"id_number", "phone"} <= present:  # a new database: created without the old columns
        return
    cases = db.execute("SELECT id, parties, id_number, phone, created_at, updated_at FROM mediation_case ORDER BY id").fetchall()
    for case_id, parties, id_number, phone, created, updated in cases:
        text = (parties or "").strip()
        names = split_names(text) or ([text] if text else [])
        if not names and (id_number or phone):
            names = ["（未填姓名）"]
        for position, name in enumerate(names):
            first = position == 0
            db.execute(
                "INSERT INTO mediation_party (case_id, role, name, phone, id_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [case_id, "申请人" if first else "被申请人", name, phone if first else None, id_number if first else None, created, updated],
            )
    # secure_delete is on: the numbers moved to the parties do not linger in the case rows
    db.execute("UPDATE mediation_case SET id_number = NULL, phone = NULL WHERE id_number IS NOT NULL OR phone IS NOT NULL")


def _dispute_types_as_data(db: Database) -> None:
    """纠纷类型 follow the national categories with their newer splits; local types live in 设置.

    土地承包 was one of the program's fixed types but is no national category: it becomes the
    local type 土地承包经营, counted under 山林土地 (disputes over contracted land and its use are
    land-rights disputes, which the county's tables put under 山林土地; 房屋宅基地 is for homesteads
    only). 劳动争议 and 消费 are now split: their cases cannot be told apart afterwards, so they go
    to 其他劳动争议 and 其他消费, which keep the national totals unchanged.
    """
    mapped = db.execute("SELECT count(*) FROM mediation_case WHERE dispute_type = '土地承包'").fetchone()[0]
    for old, new in (("土地承包", "土地承包经营"), ("劳动争议", "其他劳动争议"), ("消费", "其他消费")):
        db.execute("UPDATE mediation_case SET dispute_type = ? WHERE dispute_type = ?", [new, old])
    if mapped and not db.execute("SELECT 1 FROM setting WHERE key = 'local_dispute_types'").fetchone():
        db.execute("INSERT INTO setting (key, value) VALUES ('local_dispute_types', '土地承包经营=山林土地')")


def _case_file_records(db: Database) -> None:
    """A case holds what its documents need: each 调解 session is a row of mediation_session.

    A case's one 调解日期 and 调解地点 become its first session (dated, as the old 调解记录 was
    printed, with the 受理日期 when the 调解日期 was blank), whose 本次结果 follows the case's
    result; the two case columns are then emptied (kept, unused, as migration 11 kept the case's
    ID and phone). A settled case's 协议日期 is its 结案日期, the date its 协议书 was printed with
    until now. The 简要案情 stays the case's summary. The table is written out as it was at this
    version; its later fields and the other new child tables come from ``sync_columns``.
    """
    db.execute(
        """CREATE TABLE IF NOT EXISTS mediation_session (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE,
            session_date TEXT, session_time TEXT, session_place TEXT, mediators TEXT, attendees TEXT, recorder TEXT,
            notice TEXT, applicant_says TEXT, respondent_says TEXT, verified TEXT, proposal TEXT, outcome TEXT,
            created_at TEXT, updated_at TEXT
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS ix_mediation_session_parent ON mediation_session(case_id)")
    present = {row[1] for row in db.execute("PRAGMA table_info(mediation_case)").fetchall()}
    if not {"mediation_date", "mediation_place"} <= present:  # a database made at an earlier version had no such fields yet
        return
    if db.execute("PRAGMA application_id").fetchone()[0] == COUNTY_APPLICATION_ID:
        return  # a county file holds what the packages carried: the townships' next packages bring the sessions
    from zhaocun_desktop.registers import AGREED, ENDED, FAILED, PAUSED, SUCCESS, SUSPENDED

    outcome = {SUCCESS: AGREED, FAILED: ENDED, SUSPENDED: PAUSED}
    cases = db.execute(
        "SELECT id, accepted, mediation_date, mediation_place, result, created_at, updated_at FROM mediation_case "
        "WHERE mediation_date IS NOT NULL OR mediation_place IS NOT NULL ORDER BY id"
    ).fetchall()
    for case_id, accepted, day, place, result, created, updated in cases:
        db.execute(
            "INSERT INTO mediation_session (case_id, session_date, session_place, outcome, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [case_id, day or accepted, place, outcome.get(result), created, updated],
        )
    db.execute("UPDATE mediation_case SET mediation_date = NULL, mediation_place = NULL WHERE mediation_date IS NOT NULL OR mediation_place IS NOT NULL")
    if "agreement_date" not in present:
        db.execute("ALTER TABLE mediation_case ADD COLUMN agreement_date TEXT")
    db.execute("UPDATE mediation_case SET agreement_date = closed WHERE result = ? AND agreement_date IS NULL", [SUCCESS])


def _add_signing_key(db: Database) -> None:
    """The township's Ed25519 key that signs its data packages (signing.py); a county file gets the
    table but no key (it signs nothing)."""
    from zhaocun_desktop import signing

    signing.create_key_table(db)
    if db.execute("PRAGMA application_id").fetchone()[0] != COUNTY_APPLICATION_ID:
        signing.ensure_key(db)


# MIGRATIONS[n - 1] takes a database from version n - 1 to n.
MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    _create_tables,  # 1: the registers, settings, audit log
    _create_indexes,  # 2: filter, sort and uniqueness indexes
    _add_report_texts,  # 3: report texts per year, statistics indexes
    _add_import_batches,  # 4: import batches; batch_id on every register
    _set_application_id,  # 5: PRAGMA application_id
    _petition_life,  # 6: 信访 状态/延期/人次; 按期办结 computed instead of typed
    _add_import_rows,  # 7: each imported row's fingerprint, for re-imports after a fix
    _villages_by_id,  # 8: village fields refer to the village's id
    _dated_history,  # 9: certificates one row each; staff in-post dates; 示范村 review and revocation
    _add_search_indexes,  # 10: FTS5 trigram search index per register, kept by triggers
    _add_parties,  # 11: 当事人 as people (mediation_party), split from the case's 当事人 text
    _dispute_types_as_data,  # 12: 纠纷类型 by the national categories; 土地承包 a local type under 山林土地
    _case_file_records,  # 13: 调解 sessions (mediation_session) from the case's 调解日期/地点; 协议日期 of settled cases
    _add_signing_key,  # 14: the township's key that signs its data packages
)
SCHEMA_VERSION = len(MIGRATIONS)


def sync_columns(db: Database) -> list[str]:
    """Add the columns that the descriptions name and the tables lack; returns what was added."""
    added = []
    present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for register in REGISTERS:  # a register added since (a roster …): its table, as the others have it
        if register.key not in present:
            db.table(register.key).create(register_columns(register), pk="id")
            db.execute(f"ALTER TABLE {register.key} ADD COLUMN batch_id INTEGER REFERENCES import_batch(id)")
            db.execute(f"CREATE INDEX ix_{register.key}_batch ON {register.key}(batch_id)")
            for key in (register.date_field, register.village_field):
                if key:
                    db.execute(f"CREATE INDEX ix_{register.key}_{key} ON {register.key}({key})")
            for field in register.fields:
                if field.unique:
                    db.execute(f"CREATE UNIQUE INDEX ux_{register.key}_{field.key} ON {register.key}({field.key}) WHERE {field.key} IS NOT NULL")
            added.append(register.key)
    for child in CHILD_REGISTERS:  # a child register added since: its table (no data to move)
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [child.key]).fetchone():
            create_child_table(db, child)
            added.append(child.key)
    for register in REGISTERS + CHILD_REGISTERS:
        existing = {row[1] for row in db.execute(f"PRAGMA table_info({register.key})").fetchall()}
        for name, kind in register_columns(register).items():
            if name not in existing:
                sql_type = next(sql for sql, python in _PY_TYPES.items() if python is kind)
                db.execute(f"ALTER TABLE {register.key} ADD COLUMN {name} {sql_type}")
                added.append(f"{register.key}.{name}")
    return added


ENCRYPTED_CACHE_KIB = 64 * 1024  # the page cache of a connection to an encrypted file (bench/large_table.py --encrypted)


def connect(path: str | Path, key=None) -> sqlite3.Connection:
    """A connection with the settings every part of the program relies on.

    The one place that knows about keys: a plain file opens through the standard library; an encrypted one
    (a program password is set: ``crypto``) through SQLCipher with ``key`` (a ``crypto.Key``), and without
    one it is refused (``crypto.KeyNeeded``, a UserError the front ends answer by asking for the password).
    ``foreign_keys`` must be set before any transaction starts (it is ignored inside one);
    ``secure_delete`` overwrites deleted rows so removed ID numbers do not linger in the file.
    """
    from zhaocun_desktop import crypto

    if key is not None or crypto.is_encrypted(path):
        if key is None:
            raise crypto.KeyNeeded(
                f"数据库“{Path(path).name}”已加密（设置了程序密码），需要输入程序密码（或恢复密钥）才能打开；"
                "命令行请加 --password-stdin 从标准输入给出密码。如果没有设置过密码，这个文件可能已损坏或不是数据库文件。"
            )
        try:
            conn = crypto.connect(path, key)
        except sqlite3.OperationalError:
            raise UserError(f"无法打开数据库“{path}”：文件夹不存在或没有访问权限。请检查路径和权限。") from None
        # every page read is decrypted, and the system's file cache keeps only the encrypted one: a larger page cache
        # keeps the pages a search reads (the search index's lists, the index of dates by id) decrypted for the next
        # search. 2020 at a million cases, to the list's first page: 0.16 s with SQLite's 2 MB, 0.07 s with 64 MB
        conn.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
    else:
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.OperationalError:
            raise UserError(f"无法打开数据库“{path}”：文件夹不存在或没有访问权限。请检查路径和权限。") from None
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as error:
        conn.close()
        if "locked" in str(error) or "busy" in str(error):
            raise
        raise UserError(f"无法读取数据库“{path}”：没有读取权限，或文件正被其他程序独占。") from None
    except sqlite3.DatabaseError:
        conn.close()
        raise UserError(f"“{path}”不是本程序的数据库文件（或文件已损坏），无法打开。请选择正确的数据库文件。") from None
    return conn


def key_of(db: Database | sqlite3.Connection):
    """The key the database was opened with (a ``crypto.Key``); None for a plain file."""
    from zhaocun_desktop import crypto

    return crypto.key_of(getattr(db, "conn", db))


def is_county_file(path: str | Path, key=None) -> bool:
    """True when the file at ``path`` is a county database (read from its header, nothing opened for writing;
    an encrypted file's header is read through its ``key``, and without one it is not taken for a county's)."""
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError:
        return False
    if header[:16] != b"SQLite format 3\x00" and len(header) == 100:
        from zhaocun_desktop import crypto

        key = key or crypto.known_key(path)
        if key is None:
            return False
        try:
            conn = crypto.connect(path, key, readonly=True)
        except (UserError, sqlite3.DatabaseError):
            return False
        try:
            return conn.execute("PRAGMA application_id").fetchone()[0] == COUNTY_APPLICATION_ID
        finally:
            conn.close()
    return header[:16] == b"SQLite format 3\x00" and int.from_bytes(header[68:72], "big") == COUNTY_APPLICATION_ID


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def foreign_reason(conn: sqlite3.Connection) -> str | None:
    """Why the open file is not one of our databases (None when it is ours or still empty)."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if application_id == APPLICATION_ID:
        return None
    if application_id == COUNTY_APPLICATION_ID:
        return "它是县级汇总数据库，不是乡镇的台账数据库"
    if application_id != 0:
        return "它是其他软件的数据库文件"
    tables = table_names(conn)
    if not tables:
        return None  # a new or empty file: it becomes ours
    if schema_version(conn) == 0 or not set(OUR_TABLES) <= tables:
        return "其中没有本程序的台账数据表，它是其他软件的数据库文件"
    return None  # made by a version before application_id was set: the migration marks it


def write_problem(path: Path) -> str | None:
    """Why the database at ``path`` cannot be written (read-only file or folder), in Chinese."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return (f"数据库文件“{path}”是只读的，程序无法保存任何修改。"
                "请在文件属性中取消“只读”，或把它复制到可写的文件夹（如“文档”）后再打开。")  # fmt: skip
    if not os.access(folder, os.W_OK):
        return (f"数据库所在的文件夹“{folder}”不可写（只读或没有权限；光盘、受保护的文件夹都会这样），"
                "程序无法保存修改和备份。请把数据库放到可写的文件夹（如“文档”）后再打开。")  # fmt: skip
    return None


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def wait_for_writers(conn: sqlite3.Connection, on_busy: Callable[[str], None] | None = None) -> None:
    """When another program is writing to the database, say so through ``on_busy`` and wait for it
    (up to BUSY_TIMEOUT_MS); "database is locked" when it does not finish in time."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if on_busy:
        on_busy(f"另一个程序正在写入这个数据库，正在等待它完成（最多 {BUSY_TIMEOUT_MS // 1000 or 1} 秒）…")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("ROLLBACK")


Upgrade = Callable[[str, Callable[[Progress], None]], None]  # (what it does, said for the clerk; the work)


def _upgrade_text(db: Database, version: int) -> str:
    """What upgrading ``db`` from data version ``version`` does, said for the clerk (shown while it runs)."""
    from zhaocun_desktop import search

    tables = table_names(db.conn)
    rebuilt = [  # a migration drops the search triggers: every index is rebuilt; else the stale ones
        register for register in search.described_registers()
        if register.key in tables and search.search_columns(register) and (version < SCHEMA_VERSION or not search.has_index(db, register))
    ]  # fmt: skip
    rows = sum(db.execute(f"SELECT count(*) FROM {register.key}").fetchone()[0] for register in rebuilt)
    work = [f"数据版本 {version} → {SCHEMA_VERSION}"] if version < SCHEMA_VERSION else []
    # before a migration the count is the records as they are (a migration may add some: 当事人 split from a case)
    work += [f"重建{'约 ' if version < SCHEMA_VERSION else ' '}{rows:,} 条记录的检索索引"] if rebuilt else []
    return f"正在升级数据库（{'，'.join(work or ['补充新的数据列'])}）。\n换用新版本后第一次打开时进行一次，请稍候，不要关闭程序。"


def open_db(path: str | Path, on_busy: Callable[[str], None] | None = None, allow_county: bool = False, upgrade_with: Upgrade | None = None, key=None) -> Database:
    """Open (creating if needed) and upgrade the database at ``path``.

    A database from a newer program, or another program's SQLite file, is refused before anything
    is written to it. ``on_busy`` is told when another program is writing and the open waits for it.
    A county database (county/rollup.py) is refused with a Chinese message unless ``allow_county``: every
    township path (CLI verbs, the window, restores) opens through here, so none of them writes
    to one. Allowed, it is upgraded by the same migrations as a township's (``rollup.is_county``
    tells the two apart; ``rollup.open_county`` adds the county's own tables).

    The first open by a newer program upgrades the file: a safety backup, the migrations, the search
    indexes rebuilt; tens of seconds for a county of a million records. ``upgrade_with(text, work)``
    is then called and must call ``work(progress)`` (the window runs it in a worker thread under a
    dialog that shows ``text``; a verb prints ``text`` first); without it the work runs here, unseen.
    A new database is made directly, and an up-to-date one costs a single read of its schema.
    An encrypted file (a program password is set) needs its ``key`` (``crypto.unlock``); wrong guesses made
    before it opened are written to its 操作记录 then.
    """
    path = Path(path)
    if str(path) != ":memory:":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise UserError(f"无法创建数据库所在的文件夹“{path.parent}”：没有权限或磁盘只读。请换一个位置。") from None
        problem = write_problem(path)
        if problem:
            raise UserError(problem)
    if str(path) != ":memory:":
        from zhaocun_desktop import crypto

        crypto.finish_interrupted(path)
    conn = connect(path, key)
    is_county = conn.execute("PRAGMA application_id").fetchone()[0] == COUNTY_APPLICATION_ID
    if is_county and not allow_county:
        conn.close()
        raise UserError(
            f"“{path.name}”是县级汇总数据库，只能导入乡镇上报数据包（rollup）和生成统计报表（stats），"
            "不能在这里录入、导入或修改台账。请打开乡镇的台账数据库；此文件未被改动。"
        )
    foreign = None if is_county else foreign_reason(conn)
    if foreign:
        conn.close()
        raise UserError(f"“{path.name}”不是本程序的数据库（{foreign}），程序没有改动它。请选择本程序的数据库文件（如“台账.db”）。")
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        conn.close()
        raise DatabaseTooNew(
            f"数据库“{path.name}”由更新版本的程序创建（数据版本 {version}），"
            f"本程序只能打开数据版本 {SCHEMA_VERSION} 及以前的数据库。"
            "请安装最新版程序后再打开；此文件未被改动。"
        )
    try:
        wait_for_writers(conn, on_busy)
    except sqlite3.OperationalError:
        conn.close()
        raise
    set_pragmas(conn)
    db = Database(conn)
    if version == 0:  # a new (empty) database: its tables
        migrate(db)
    elif version < SCHEMA_VERSION or schema_out_of_step(db):  # on most starts neither: one read, no transaction

        def upgrade(progress: Progress) -> None:
            if version < SCHEMA_VERSION:  # existing data about to be upgraded: keep the old state
                from zhaocun_desktop.backup_files import safety_backup

                step(progress, 0, 1, "正在备份升级前的数据库")
                safety_backup(conn, "migration")
            migrate(db, progress=progress)

        try:
            if upgrade_with is None:
                upgrade(None)
            else:  # the sentence counts the records: only when someone shows it
                upgrade_with(_upgrade_text(db, version), upgrade)
        except BaseException:
            conn.close()
            raise
    if key is not None:
        note_wrong_guesses(db, path)
    if str(path) != ":memory:":  # start-up check: backups a crash or a full disk left half-written
        from zhaocun_desktop.dbcheck import backup_dir, remove_partial_backups

        remove_partial_backups(backup_dir(path))
    return db


def set_pragmas(conn: sqlite3.Connection) -> None:
    """The settings of a connection the program writes through (after ``connect``, before any transaction)."""
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def note_wrong_guesses(db: Database, path: str | Path) -> None:
    """Wrong passwords typed for ``path`` before it opened (kept beside it: ``crypto.Attempts``) go to its 操作记录."""
    from zhaocun_desktop import crypto

    attempts = crypto.Attempts(path)
    times = attempts.wrong()
    if not times or "audit_log" not in table_names(db.conn):
        return
    import datetime as dt

    when = "、".join(dt.datetime.fromtimestamp(t).isoformat(sep=" ", timespec="seconds") for t in times[-5:])
    db.execute(
        "INSERT INTO audit_log (at, table_name, record_id, action, old_values, new_values, note) VALUES (?, 'setting', NULL, 'password', NULL, NULL, ?)",
        [dt.datetime.now().isoformat(timespec="seconds"), f"打开数据库前程序密码输错 {len(times)} 次（{when}{'等' if len(times) > 5 else ''}）"],
    )
    attempts.succeeded()


def temp_schema(conn: sqlite3.Connection) -> list[tuple[str, str, list]]:
    """The connection's own TEMP tables (with their rows), views and triggers (a county's scope and write guard)."""
    kept = []
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_temp_master WHERE sql IS NOT NULL ORDER BY type = 'trigger', type = 'view'").fetchall():
        rows = conn.execute(f'SELECT * FROM temp."{name}"').fetchall() if kind == "table" else []
        kept.append((name, "CREATE TEMP " + sql.split(" ", 1)[1], rows))
    return kept


def reconnect(db: Database, path: str | Path, key=None, temp: list | None = None) -> None:
    """Point ``db`` (every view holds it) at a new connection to ``path`` with ``key``, after the file was
    re-encrypted (``encryption.py``); ``temp`` (``temp_schema`` of the old connection) is made again on it."""
    conn = connect(path, key)
    set_pragmas(conn)
    for name, sql, rows in temp or []:
        conn.execute(sql)
        if rows:
            conn.executemany(f'INSERT INTO temp."{name}" VALUES ({", ".join("?" * len(rows[0]))})', rows)
    db.conn, db._utils = conn, None


def open_again(db: Database) -> Database:
    """A second connection to ``db``'s file with the same settings, for a worker thread.

    Each thread keeps its own connection, so a job's transaction never mixes with what the
    window reads or writes meanwhile (WAL lets both read at once). No migration runs: ``db``
    is already up to date. In a county database the new connection shows the same township
    (``county_scope.set_scope``: the views are the connection's own).
    """
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    conn = connect(path, key_of(db))
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA synchronous = FULL")
    again = Database(conn)
    if conn.execute("PRAGMA application_id").fetchone()[0] == COUNTY_APPLICATION_ID:  # a job sees the township the window shows
        from zhaocun_desktop import county_scope

        county_scope.guard_connection(again)
        county_scope.set_scope(again, county_scope.current_scope(db))
    return again


def migrate(db: Database, target: int = SCHEMA_VERSION, progress: Progress = None) -> int:
    """Run the migrations up to ``target``; each in its own transaction. Returns the new version.
    ``progress`` hears each migration, then the search indexes' rebuilding (records indexed so far)."""
    from zhaocun_desktop import search

    version = schema_version(db.conn)
    if version < target:  # a migration may rebuild or alter a table: the search triggers come back below
        with db.atomic():
            search.drop_triggers(db)
    while version < target:
        step(progress, 0, 1, f"正在升级数据版本 {version} → {version + 1}")
        with db.atomic():
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        version += 1
    if target == SCHEMA_VERSION and schema_out_of_step(db):  # on most starts nothing is: one read, no transaction
        with db.atomic():
            sync_columns(db)
            search.sync_search_indexes(db, progress)  # new registers or searchable fields, or triggers a migration dropped
    return version


def schema_out_of_step(db: Database) -> bool:
    """True when ``sync_columns`` or ``search.sync_search_indexes`` would change something, judged
    from the schema read in two queries (instead of a query per table on every start)."""
    from zhaocun_desktop import search

    indexes = search.described_registers()
    wanted = [r.key for r in REGISTERS + CHILD_REGISTERS] + [search.index_table(r) for r in indexes] + [search.content_view(r) for r in indexes]
    columns: dict[str, list[str]] = {}
    for table, column in db.execute(  # only these tables: the search indexes' own shadow tables need not be opened
        "SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p "
        f"WHERE m.type IN ('table', 'view') AND m.name IN ({', '.join('?' * len(wanted))}) ORDER BY m.name, p.cid",
        wanted,
    ):
        columns.setdefault(table, []).append(column)
    for register in REGISTERS + CHILD_REGISTERS:
        if not set(register_columns(register)) <= set(columns.get(register.key, ())):
            return True
    triggers, index_sql = set(), {}
    for kind, name, sql in db.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'table', 'view', 'index') AND name LIKE 'search\\_%' ESCAPE '\\'"):
        if kind == "trigger":
            triggers.add(name)
        else:
            index_sql[name] = sql
    return search.indexes_out_of_step(columns, triggers, index_sql)


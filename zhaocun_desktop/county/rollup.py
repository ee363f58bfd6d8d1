"""County mode's roll-up: one county database holding many townships, built from their data packages.

A county database is the township schema itself, opened through ``db.open_db`` (the same
migrations, register tables and search indexes, so a future migration upgrades it too) and
marked with ``PRAGMA application_id`` = COUNTY_APPLICATION_ID, plus: ``township`` (one row per
township: name, county, the settings of its newest package), ``package`` (one row per package
taken in: township, year, SHA-256, when it was made; a replaced package keeps its row with
``replaced_at``), ``package_figure`` (the figures the township computed itself), and on every
register table (children and villages too) ``township_id`` and ``package_id``. Unique fields
(村(居)名称, 案件编号, 执法证号) are unique within a township.

A package's records are real rows, so every query of the program works on a county file:
``set_scope(db, township_id)`` (county_scope.py, re-exported here) shadows each register table and the settings with a TEMP VIEW of
that township's rows (SQLite resolves an unqualified name in ``temp`` first), and lists, 总览,
figures, 统计报表 and search see one township; ``set_scope(db, None)`` shows the whole county.
The views belong to one connection (``db.open_again`` gives a worker the same scope). Writes here
name ``main.`` tables, so a roll-up works while a scope is active. A whole county's figures are its
townships' added up (``figures.period_figures``), so a name shared by two townships never links a
record of one to a record of the other. Every other write to the records or settings is refused
inside SQLite (``guard_connection``): the county's records stay what the townships sent.

Rules: the same package twice adds nothing; a newer package of the same township and year
replaces the older one (audited), its rows removed; a damaged or foreign package is refused with
a reason and nothing of the whole roll-up is written. The registers that travel whole
(``package.travels_whole``: villages, staff, rosters, certificates) are kept from the township's
newest package only (ten yearly packages must not count the roster ten times); a village that
records still refer to is never removed. A township database is never opened as a county one,
and the township paths (``open_db``) refuse a county file.

Trust: a package is checked as strictly as a village's workbook (package.py: signature, settings,
clock, every record as an import checks it) and must be signed by the key the county pinned for its
township (signing.py, ``township_key``): a township's first key, a changed key and a package naming
another county are taken only once the clerk confirms (``Consent``; ``NeedsConsent`` lists the
questions), and each confirmation is audited. The county's figures are computed from the records;
a package's own figures.json is only compared with them (``Outcome.differences``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import audit, queries, search, signing
from zhaocun_desktop.county.figures import _differences
from zhaocun_desktop.county_scope import WRITING_TABLE, guard_connection, in_county  # the scope lives below the figures and records
from zhaocun_desktop.db import COUNTY_APPLICATION_ID, Upgrade
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.package import CLOCK_SLACK, Package, RecordReader, made_at, open_package, travels_whole
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.registers import CHILD_REGISTERS, REGISTERS, VILLAGE, Register
from zhaocun_desktop.villages import stored_values

if TYPE_CHECKING:
    from sqlite_utils import Database

COUNTY_TOTAL = "全县合计"


def county_registers() -> tuple[Register, ...]:
    """Every register table of a county database, parents before their children."""
    return REGISTERS + CHILD_REGISTERS


def is_county(db: Database) -> bool:
    """True when ``db`` is a county database (False for a township's)."""
    return in_county(db)


def _columns(db: Database, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA main.table_info({table})")]


def _county_tables(db: Database) -> None:
    """The county's own tables and columns over the township schema; safe to run at every open
    (a register added by a later version gets its columns and indexes here)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS main.township (
            id INTEGER PRIMARY KEY,
            name TEXT UNIQUE NOT NULL,
            county TEXT,
            settings TEXT,  -- JSON: the settings in the township's newest package
            package_id INTEGER  -- that package: the source of the settings and of the registers that travel whole
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS main.package (
            id INTEGER PRIMARY KEY,
            township_id INTEGER REFERENCES township(id),
            township TEXT NOT NULL,
            county TEXT,
            year INTEGER NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            file_name TEXT NOT NULL,
            made_at TEXT NOT NULL,
            program_version TEXT,
            schema_version INTEGER,
            personal_data TEXT,
            imported_at TEXT NOT NULL,
            replaced_at TEXT
        )"""
    )
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS main.ux_package_current ON package(township, year) WHERE replaced_at IS NULL")
    signing.create_pin_table(db)
    db.execute(
        """CREATE TABLE IF NOT EXISTS main.package_figure (
            package_id INTEGER NOT NULL REFERENCES package(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value REAL,
            numerator INTEGER,
            denominator INTEGER,
            PRIMARY KEY (package_id, key)
        )"""
    )
    for register in county_registers():
        columns = _columns(db, register.key)
        if not columns:
            continue
        for column in ("township_id", "package_id"):
            if column not in columns:
                db.execute(f"ALTER TABLE main.{register.key} ADD COLUMN {column} INTEGER")
        lead = register.date_field or register.parent_column
        db.execute(f"CREATE INDEX IF NOT EXISTS main.ix_{register.key}_township ON {register.key}(township_id{', ' + lead if lead else ''})")
        db.execute(f"CREATE INDEX IF NOT EXISTS main.ix_{register.key}_package ON {register.key}(package_id)")
        for item in register.fields:
            if not item.unique:
                continue
            name = f"ux_{register.key}_{item.key}"
            found = db.execute("SELECT sql FROM main.sqlite_master WHERE type = 'index' AND name = ?", [name]).fetchone()
            if found is None or "township_id" not in found[0]:  # unique within a township, not across the county
                db.execute(f"DROP INDEX IF EXISTS main.{name}")
                db.execute(f"CREATE UNIQUE INDEX main.{name} ON {register.key}(township_id, {item.key}) WHERE {item.key} IS NOT NULL")


def _county_statistics_indexes(db: Database) -> None:
    """Each statistics covering index (db.STATISTICS_INDEXES and the ones migrations widened) again
    with ``township_id`` first, so the figures of one township read only its index entries."""
    stats = db.execute("SELECT name, tbl_name FROM main.sqlite_master WHERE type = 'index' AND name LIKE 'stats\\_%' ESCAPE '\\'").fetchall()
    for name, table in stats:
        columns = ["township_id", *(row[2] for row in db.execute(f"PRAGMA main.index_info({name})"))]
        county_name = f"county_{name}"
        present = [row[2] for row in db.execute(f"PRAGMA main.index_info({county_name})")]
        if present != columns:  # missing, or the township index was widened since
            db.execute(f"DROP INDEX IF EXISTS main.{county_name}")
            db.execute(f"CREATE INDEX main.{county_name} ON {table}({', '.join(columns)})")


def open_county(path: str | Path, upgrade_with: Upgrade | None = None, on_busy: Callable[[str], None] | None = None, key=None) -> Database:
    """Open (creating if needed) a county database; a township database is refused untouched.

    A county database of the first format (records kept as JSON in ``package_record``) is
    upgraded: its records become rows, nothing is lost (a safety backup is made first).
    ``upgrade_with``, ``on_busy``, ``key`` (an encrypted county database): as for ``db.open_db``.
    """
    from zhaocun_desktop.db import connect, open_db, table_names

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path, key)
    try:
        kind = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = table_names(conn)
        if kind != COUNTY_APPLICATION_ID and tables:
            raise UserError(f"“{path.name}”不是县级汇总数据库（可能是乡镇的台账数据库）。请另选一个文件名新建县级汇总数据库，此文件未被改动。")
        if kind != COUNTY_APPLICATION_ID:  # a new file: marked before the township schema is written into it
            conn.execute(f"PRAGMA application_id = {COUNTY_APPLICATION_ID}")
        set_aside = "first_package_record" in tables  # a conversion stopped half-way: it is taken up again
        first_format = "package_record" in tables or set_aside
        records_kept = conn.execute(f"SELECT count(*) FROM {'first_' if set_aside else ''}package_record").fetchone()[0] if first_format else 0
    finally:
        conn.close()
    opened: list[Database] = []

    def open_it(progress: Progress = None) -> None:
        if first_format and not set_aside:
            step(progress, 0, 1, "正在备份升级前的数据库")
            again = connect(path, key)
            try:
                _set_aside_first_format(again)
            finally:
                again.close()
        if first_format:
            step(progress, 0, 1, "正在把旧格式的记录转为台账记录")
        in_worker = first_format and upgrade_with is not None  # on_busy speaks to the window: its thread only
        db = open_db(path, None if in_worker else on_busy, allow_county=True, upgrade_with=None if first_format else upgrade_with, key=key)
        try:
            with db.atomic():
                _county_tables(db)
                _county_statistics_indexes(db)
                _rebuild_first_format(db)
            guard_connection(db)
        except BaseException:
            db.close()
            raise
        opened.append(db)

    if first_format and upgrade_with is not None:  # the first format's records become rows: a long upgrade, said so
        upgrade_with(f"正在升级县级汇总数据库（{records_kept:,} 条旧格式的记录转为台账记录）。\n只进行一次，请稍候，不要关闭程序。", open_it)
    else:
        open_it()
    return opened[0]


FIRST_FORMAT = ("package", "package_figure", "package_record", "audit_log")


def _set_aside_first_format(conn) -> None:
    """A county file of the first format: its four tables renamed ``first_*`` (after a safety backup),
    so the township schema can be created beside them and ``_rebuild_first_format`` moves their data."""
    from zhaocun_desktop.backup_files import safety_backup

    safety_backup(conn, "migration")
    conn.execute("BEGIN")
    try:
        conn.execute("DROP INDEX IF EXISTS ux_package_current")
        conn.execute("DROP INDEX IF EXISTS ix_package_record")
        for table in FIRST_FORMAT:
            conn.execute(f"ALTER TABLE {table} RENAME TO first_{table}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _rebuild_first_format(db: Database) -> None:
    """The first format's packages, figures, audit log and records, as rows of this format."""
    if not _columns(db, "first_package"):
        return
    db.execute(
        "INSERT INTO main.audit_log (at, table_name, record_id, action, old_values, new_values, note) "
        "SELECT at, table_name, record_id, action, old_values, new_values, note FROM main.first_audit_log ORDER BY id"
    )
    names = ("id", "township", "county", "year", "sha256", "file_name", "made_at", "program_version", "schema_version", "personal_data", "imported_at", "replaced_at")
    for row in db.execute(f"SELECT {', '.join(names)} FROM main.first_package ORDER BY id").fetchall():
        old = dict(zip(names, row))
        township_id = _township_id(db, old["township"], old["county"])
        db.execute(
            f"INSERT INTO main.package (township_id, {', '.join(names)}) VALUES (?, {', '.join('?' * len(names))})", [township_id, *row]
        )
        db.execute("INSERT INTO main.package_figure SELECT * FROM main.first_package_figure WHERE package_id = ?", [old["id"]])
        if old["replaced_at"]:
            continue
        rows: dict[str, list[dict]] = {}
        for register, data in db.execute("SELECT register, data FROM main.first_package_record WHERE package_id = ? ORDER BY id", [old["id"]]):
            rows.setdefault(register, []).append(json.loads(data))
        manifest = {"township": old["township"], "county": old["county"], "year": old["year"], "made_at": old["made_at"]}
        package = Package(Path(old["file_name"]), old["sha256"], manifest, {}, {}, records=rows)
        _take_records(db, township_id, old["id"], package, lambda register: rows.get(register.key, []))  # noqa: B023 (called within this turn)
    for table in FIRST_FORMAT:
        db.execute(f"DROP TABLE main.first_{table}")
    _county_settings(db)
    audit.audit(db, "package", None, "upgrade", None, None, "县级汇总数据库升级：各数据包的记录由旧格式转为台账记录")


@dataclass
class Outcome:
    """What taking in one package did: added, replaced an older one, or nothing (and why); ``notes``
    (a key pinned, another county accepted) and ``differences``: ``(figure key, reported, computed)``
    wherever the package's own figures.json differs from what the county computes from its records."""

    package: Package
    action: str  # "added", "replaced", "skipped"
    message: str
    notes: list[str] = field(default_factory=list)
    differences: list[tuple[str, object, object]] = field(default_factory=list)


@dataclass
class Consent:
    """What the clerk said yes to for one roll-up (the CLI's flags, the window's confirmation)."""

    new_keys: bool = False  # every township's first key (its fingerprint shown and audited)
    keys: dict[str, str] = field(default_factory=dict)  # township -> the fingerprint the clerk checked (a first or a changed key)
    other_county: set[str] = field(default_factory=set)  # townships whose package names another county but belong here


@dataclass
class Question:
    """Something only the clerk can decide before a package is taken in."""

    kind: str  # "new_key", "changed_key", "other_county"
    township: str
    file_name: str
    fingerprint: str  # the package's key
    pinned: str = ""  # changed_key: the fingerprint trusted until now
    county: str = ""  # other_county: the package's county
    ours: str = ""  # other_county: this county database's

    @property
    def text(self) -> str:
        where = f"{self.township}（“{self.file_name}”）"
        if self.kind == "new_key":
            return (f"{where}：第一次收到该乡镇的数据包，签名公钥指纹 {self.fingerprint}。请打电话请乡镇在程序“设置”页"
                    "查看本镇的公钥指纹并念给您听，逐字相同时再确认。")  # fmt: skip
        if self.kind == "changed_key":
            return (f"{where}：签名公钥与已确认的不同！已确认的指纹 {self.pinned}，这个数据包的指纹 {self.fingerprint}。"
                    "只有乡镇换了电脑或重装了程序（没有恢复备份）时才会这样；请电话核对新指纹，否则可能是冒充的数据包。")  # fmt: skip
        return f"{where}：数据包是{self.county}的，本县级汇总数据库是{self.ours}的。只有该乡镇确属本县时才导入。"


class NeedsConsent(UserError):
    """Packages that may be taken in only once the clerk confirms (``questions``); nothing was written."""

    def __init__(self, questions: list[Question]):
        self.questions = questions
        super().__init__("以下数据包需要您确认后才能导入，本次没有写入任何内容：\n" + "\n".join(f"· {q.text}" for q in questions))


def county_name(db: Database) -> str:
    """The county this database rolls up (set by its first packages); "" while it has none."""
    row = db.execute("SELECT value FROM main.setting WHERE key = 'county'").fetchone()
    return (row[0] or "") if row else ""


def _trust(db: Database, packages: list[Package], consent: Consent) -> tuple[list[tuple[str, bytes, str]], list[Package], str]:
    """Who signed and which county: ``(keys to pin as (township, key, how), packages of another county
    accepted, this county's name)``; NeedsConsent for what the clerk has not confirmed, UserError for
    what no confirmation can mend."""
    questions: list[Question] = []
    to_pin: dict[str, tuple[bytes, str]] = {}
    by_town: dict[str, list[Package]] = {}
    for package in packages:
        by_town.setdefault(package.township, []).append(package)
    for township, sent in by_town.items():
        _township_keys(db, township, sent, consent, to_pin, questions)
    ours = county_name(db)
    if not ours:  # a new county database: the county most of its first packages name
        counties = [package.county for package in packages]
        ours = max(counties, key=lambda name: (counties.count(name), -counties.index(name))) if counties else ""
    other = [package for package in packages if package.county != ours]
    for package in other:
        if package.township not in consent.other_county:
            questions.append(Question("other_county", package.township, package.path.name, package.fingerprint, county=package.county, ours=ours))
    if questions:
        raise NeedsConsent(questions)
    return [(township, public, how) for township, (public, how) in to_pin.items()], other, ours


def _township_keys(db: Database, township: str, sent: list[Package], consent: Consent, to_pin: dict[str, tuple[bytes, str]], questions: list[Question]) -> None:
    """The keys one township's packages are signed with: the pinned one passes, a confirmed one goes to ``to_pin``,
    any other becomes a question; UserError for two new keys at once or another township's key."""
    keys = {package.public_key: package for package in sent}
    pinned = signing.pinned_key(db, township)
    confirmed = consent.keys.get(township)
    if pinned is None and len(keys) > 1:
        files = "、".join(f"“{package.path.name}”（指纹 {package.fingerprint}）" for package in keys.values())
        raise UserError(f"{township}的这几个数据包用不同的密钥签名：{files}。无法确认哪一个来自{township}，本次没有写入任何内容。"
                        f"请电话向{township}核对公钥指纹，只导入指纹相符的数据包。")  # fmt: skip
    for public, package in keys.items():
        owner = signing.township_of(db, public)
        if owner is not None and owner != township:  # one key, one township: a package relabelled by another township
            raise UserError(f"“{package.path.name}”写的是{township}，签名公钥却是{owner}的（指纹 {package.fingerprint}）："
                            f"这是{owner}的数据包，或被改过乡镇名称。本次没有写入任何内容；请向{township}和{owner}核实。")  # fmt: skip
        if public == pinned:
            continue
        if confirmed is not None and signing.same_fingerprint(confirmed, signing.fingerprint(public)):
            how = "首次导入，指纹已核对" if pinned is None else f"更换公钥（原指纹 {signing.fingerprint(pinned)}），指纹已核对"
            to_pin[township] = (public, how)
        elif pinned is None and consent.new_keys:
            to_pin[township] = (public, "首次导入")
        elif pinned is None:
            questions.append(Question("new_key", township, package.path.name, package.fingerprint))
        else:
            questions.append(Question("changed_key", township, package.path.name, package.fingerprint, pinned=signing.fingerprint(pinned)))


def _township_id(db: Database, name: str, county: str | None) -> int:
    found = db.execute("SELECT id FROM main.township WHERE name = ?", [name]).fetchone()
    if found:
        return found[0]
    settings = json.dumps({"town": name, "county": county}, ensure_ascii=False)
    return db.execute("INSERT INTO main.township (name, county, settings) VALUES (?, ?, ?)", [name, county, settings]).lastrowid


def _insert(db: Database, package: Package, township_id: int, shared: dict | None = None) -> int:
    """The package's row, its reported figures and its records, read and checked as they stream in;
    UserError (the caller rolls back) when any record is refused."""
    from zhaocun_desktop.figures import BY_KEY

    manifest = package.manifest
    package_id = db.execute(
        "INSERT INTO main.package (township_id, township, county, year, sha256, file_name, made_at, program_version, schema_version, personal_data, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [township_id, package.township, manifest.get("county"), package.year, package.sha256, package.path.name, manifest["made_at"],
         manifest.get("program_version"), manifest.get("schema_version"), manifest.get("personal_data"), audit.now()],
    ).lastrowid  # fmt: skip
    for key, value in package.figures.items():
        if key not in BY_KEY:  # a figure this program does not know: nothing to compare it with
            continue
        if isinstance(value, dict):
            db.execute("INSERT INTO main.package_figure (package_id, key, numerator, denominator) VALUES (?, ?, ?, ?)",
                       [package_id, key, value.get("numerator"), value.get("denominator")])  # fmt: skip
        else:
            db.execute("INSERT INTO main.package_figure (package_id, key, value) VALUES (?, ?, ?)", [package_id, key, value])
    with RecordReader(package, shared) as reader:
        _take_records(db, township_id, package_id, package, reader.rows)
        reader.finish()
    return package_id


def _from_the_future(stamp: str) -> bool:
    """True for a package time later than today + 1 day: a wrong clock (such a package is refused now;
    one taken in by an earlier version must not make every later package look older)."""
    return _made(stamp).date() > dt.date.today() + CLOCK_SLACK


def _is_newer(package: Package, stamp: str) -> bool:
    return made_at(package) > _made(stamp) or _from_the_future(stamp)


def _is_newest(db: Database, township_id: int, package: Package) -> bool:
    """True when ``package`` was made after the one the township's whole registers come from."""
    found = db.execute(
        "SELECT p.made_at FROM main.township t JOIN main.package p ON p.id = t.package_id WHERE t.id = ?", [township_id]
    ).fetchone()
    return found is None or _is_newer(package, found[0])


def _take_records(db: Database, township_id: int, package_id: int, package: Package, rows: Callable[[Register], Iterable[dict]]) -> None:
    """The package's records (``rows(register)``) as rows of the township: villages by name (missing
    ones added), child rows re-pointed to their parent's new id; the whole registers only from the
    newest package."""
    whole = _is_newest(db, township_id, package)
    stamp = package.manifest["made_at"]
    if whole:
        settings = dict(package.settings or {}, town=package.township)
        db.execute(
            "UPDATE main.township SET settings = ?, county = coalesce(?, county), package_id = ? WHERE id = ?",
            [json.dumps(settings, ensure_ascii=False), package.manifest.get("county"), package_id, township_id],
        )
    by_name = _take_villages(db, township_id, package_id, rows(VILLAGE), whole, stamp)
    for register in REGISTERS:
        if register is VILLAGE:
            continue
        if travels_whole(register):
            if not whole:
                continue  # (a RecordReader still reads and checks them at its finish)
            for table in (*register.children, register):
                db.execute(f"DELETE FROM main.{table.key} WHERE township_id = ?", [township_id])
        new_ids = _insert_rows(db, register, rows(register), by_name, (township_id, package_id, stamp), package)
        for child in register.children:
            column = child.parent_column
            taken = (dict(row, **{column: new_ids[row.get(column)]}) for row in rows(child) if row.get(column) in new_ids)
            _insert_rows(db, child, taken, by_name, (township_id, package_id, stamp), package)
    _prune_villages(db, township_id)


def _take_villages(db: Database, township_id: int, package_id: int, rows: Iterable[dict], whole: bool, stamp: str) -> dict[str, int]:
    """The package's villages into the township's (matched by name); returns the township's ids by name.
    From the newest package a village's fields are updated; from an older one only missing villages are added."""
    by_name = {name: id_ for id_, name in db.execute("SELECT id, name FROM main.village WHERE township_id = ?", [township_id])}
    keys = [key for key in queries.stored_columns(VILLAGE) if key in _columns(db, VILLAGE.key)]
    for row in rows:
        name = row.get("name")
        if not name:
            continue
        values = [row.get(key) for key in keys]
        if name in by_name:
            if whole:
                assignments = ", ".join(f"{key} = ?" for key in keys)
                db.execute(f"UPDATE main.village SET {assignments}, package_id = ?, updated_at = ? WHERE id = ?", [*values, package_id, stamp, by_name[name]])
            continue
        by_name[name] = db.execute(
            f"INSERT INTO main.village ({', '.join(keys)}, township_id, package_id, created_at, updated_at) VALUES ({', '.join('?' * len(keys))}, ?, ?, ?, ?)",
            [*values, township_id, package_id, stamp, stamp],
        ).lastrowid
    return by_name


def _prune_villages(db: Database, township_id: int) -> None:
    """Villages neither in the township's newest package nor referred to by any record go (each
    candidate looked up through the village-id indexes: a county holds millions of records)."""
    referred = " ".join(
        f"AND NOT EXISTS (SELECT 1 FROM main.{register.key} AS r WHERE r.{field.id_column} = v.id)"
        for register in county_registers() for field in register.village_fields
    )  # fmt: skip
    db.execute(
        f"DELETE FROM main.village WHERE id IN (SELECT v.id FROM main.village AS v WHERE v.township_id = ? "
        f"AND v.package_id IS NOT (SELECT package_id FROM main.township WHERE id = ?) {referred})",
        [township_id, township_id],
    )


def _insert_rows(db: Database, register: Register, rows: Iterable[dict], by_name: dict[str, int], owner: tuple, package: Package) -> dict:
    """Add ``rows`` (as the package holds them, streamed) to ``register``'s table, a few thousand at a
    time; returns new id by the package's id."""
    present = set(_columns(db, register.key))
    columns = [column for column in ([register.parent_column] if register.parent_column else []) + queries.stored_columns(register) if column in present]
    first = db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM main.{register.key}").fetchone()[0]
    sql = (
        f"INSERT INTO main.{register.key} (id, {', '.join(columns)}, township_id, package_id, created_at, updated_at) "
        f"VALUES (?, {', '.join('?' * len(columns))}, ?, ?, ?, ?)"
    )
    township_id, package_id, stamp = owner
    new_ids, values, count = {}, [], 0
    villages = bool(register.village_fields)  # a property: read once, not per row

    def flush() -> None:
        try:
            db.conn.executemany(sql, values)
        except sqlite3.IntegrityError:
            unique = "、".join(f.label for f in register.fields if f.unique) or "编号"
            raise UserError(
                f"{package.township}{package.year}年数据包“{package.path.name}”中的{register.title}，与该乡镇已导入的其他年度数据包中的记录{unique}重复"
                f"（同一乡镇内不能重复，可能是乡镇把记录改到了另一年度）。请让{package.township}把有关年度重新导出后一起导入；本次没有写入任何内容。"
            ) from None
        values.clear()

    for row in rows:
        new_id = first + count
        count += 1
        new_ids[row.get("id")] = new_id
        stored = stored_values(register, row, by_name) if villages else row
        values.append([new_id, *(stored.get(column) for column in columns), township_id, package_id, stamp, stamp])
        if len(values) >= 5000:
            flush()
    if values:
        flush()
    return new_ids


def _remove_package_rows(db: Database, package_id: int) -> None:
    """Every row a package brought (children first); its villages go later, if nothing refers to them."""
    for register in reversed(county_registers()):
        if register is not VILLAGE and _columns(db, register.key):
            db.execute(f"DELETE FROM main.{register.key} WHERE package_id = ?", [package_id])


def _county_settings(db: Database) -> None:
    """The county's own settings (whole-county tables): its name as 填报单位, the newest year as 报告年度,
    and every township's local dispute types (the first township naming a type decides its class)."""
    from zhaocun_desktop.registers import LOCAL_TYPES_SETTING, local_types

    townships_ = db.execute("SELECT county, settings FROM main.township ORDER BY name").fetchall()
    counties = [county for county, _ in townships_ if county]
    county = max(set(counties), key=counties.count) if counties else ""
    stored = dict(db.execute("SELECT key, value FROM main.setting").fetchall())
    wanted = {}
    if not stored.get("town"):  # the county's name heads its tables; packages without one: 全县
        wanted.update(town=county or "全县", county=county, office=f"{county or '县'}司法局", signer=f"{county or '县'}司法局")
    newest = db.execute("SELECT max(year) FROM main.package WHERE replaced_at IS NULL").fetchone()[0]
    if newest:
        wanted["report_year"] = str(newest)
    merged: dict[str, str] = {}
    for _, settings in townships_:
        for name, category in local_types((json.loads(settings or "{}") or {}).get(LOCAL_TYPES_SETTING)).items():
            merged.setdefault(name, category)
    wanted[LOCAL_TYPES_SETTING] = "\n".join(f"{name}={category}" for name, category in merged.items())
    for key, value in wanted.items():
        db.execute("INSERT INTO main.setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])


def roll_up(db: Database, paths: Sequence[str | Path], progress: Progress = None, consent: Consent | None = None) -> list[Outcome]:
    """Take in packages: every file is opened and checked first (signature, settings, clock), then
    who signed it and which county it is of (NeedsConsent for what the clerk must confirm: ``consent``
    says what was); one bad file, one refused record, means nothing is written.

    ``progress`` hears ``(done, total, text)``: each file checked, then each package written (2 steps a
    file); a ``Cancelled`` it raises leaves the county database as it was (one transaction)."""
    packages = _opened(paths, progress)
    to_pin, other, ours = _trust(db, packages, consent or Consent())
    notes: dict[str, list[str]] = {}
    outcomes: dict[int, Outcome] = {}
    with db.atomic(), _writing(db):
        _pin_keys(db, to_pin, notes)
        decided = _decide(db, packages, outcomes)
        bulk = _rebuild_indexes_after(db, [package for package, _ in decided])
        if bulk:  # before the removals too: each index rebuilt once at the end, not kept row by row (rolled back with the rest)
            search.drop_triggers(db)
        for _package, current in decided:
            if current:
                db.execute("UPDATE main.package SET replaced_at = ? WHERE id = ?", [audit.now(), current[0]])
                _remove_package_rows(db, current[0])
                db.execute("DELETE FROM main.package_figure WHERE package_id = ?", [current[0]])
        steps = (len(paths), len(paths) + len(decided))
        _take_packages(db, decided, {id(package) for package in other}, ours, outcomes, notes, progress, steps)
        if decided:
            _county_settings(db)
        if bulk:
            step(progress, steps[1], steps[1], "正在重建检索索引…")
            search.sync_search_indexes(db)
        step(progress, steps[1], steps[1], "正在保存…")
    return _told(db, [outcomes[id(package)] for package in packages], notes)


def _opened(paths: Sequence[str | Path], progress: Progress) -> list[Package]:
    """Every file opened and checked (no records in memory: read again, streaming, when its turn comes);
    UserError naming every file refused."""
    packages, refused = [], []
    for number, path in enumerate(paths):
        step(progress, number, 2 * len(paths), f"正在检查“{Path(path).name}”（{number + 1}/{len(paths)}）")
        try:
            packages.append(open_package(path))
        except UserError as error:
            refused.append(str(error))
    if refused:
        raise UserError("以下文件不能导入，本次没有写入任何内容：\n" + "\n".join(refused))
    return packages


def _pin_keys(db: Database, to_pin: list[tuple[str, bytes, str]], notes: dict[str, list[str]]) -> None:
    """The keys the clerk confirmed, pinned and audited."""
    for township, public, how in to_pin:
        signing.pin(db, township, public, how)
        note = f"{township}的数据包签名公钥（指纹 {signing.fingerprint(public)}）：{how}"
        audit.audit(db, signing.PIN_TABLE, None, "pin", None, None, note)
        notes.setdefault(township, []).append(f"已确认{note}。")


def _decide(db: Database, packages: list[Package], outcomes: dict[int, Outcome]) -> list[tuple[Package, tuple | None]]:
    """The packages to take, each with the current package it replaces (None: added); the others get their
    "skipped" outcome. Every decision comes before any removal or insert: a record that a township moved from one
    year to another (a newer package of each) is then never in two packages at once, whatever the order of the files."""
    decided: list[tuple[Package, tuple | None]] = []
    chosen: dict[tuple[str, int], Package] = {}
    for package in packages:
        label = _label(package)
        key = (package.township, package.year)
        if db.execute("SELECT 1 FROM main.package WHERE sha256 = ?", [package.sha256]).fetchone() or any(
            other.sha256 == package.sha256 for other in chosen.values()
        ):
            outcomes[id(package)] = Outcome(package, "skipped", f"{label}已经导入过，没有重复添加。")
            continue
        rival = chosen.get(key)
        if rival is not None:  # two packages of one township and year in this run: the newer is taken
            older, package = (rival, package) if made_at(package) > made_at(rival) else (package, rival)
            outcomes[id(older)] = Outcome(older, "skipped", f"{_label(older)}不比同时导入的“{package.path.name}”新，没有导入。")
            decided = [item for item in decided if item[0] is not older]
            if package is rival:
                continue
        current = db.execute(
            "SELECT id, made_at, file_name FROM main.package WHERE township = ? AND year = ? AND replaced_at IS NULL", [*key]
        ).fetchone()
        if current and not _is_newer(package, current[1]):
            outcomes[id(package)] = Outcome(package, "skipped", f"{label}不比已导入的“{current[2]}”（{current[1].replace('T', ' ')}导出）新，没有替换。")
            continue
        chosen[key] = package
        decided.append((package, tuple(current) if current else None))
    return decided


def _take_packages(db: Database, decided: list[tuple[Package, tuple | None]], other_county: set[int], ours: str, outcomes: dict[int, Outcome],
                   notes: dict[str, list[str]], progress: Progress, steps: tuple[int, int]) -> None:  # fmt: skip
    """Each decided package's records written and audited; UserError naming every package refused (all are tried,
    so the clerk hears of every bad one at once; the caller's transaction then writes nothing)."""
    bad: list[str] = []
    shared: dict = {}  # the rosters' lines, checked once for the ten yearly packages that carry them
    for number, (package, current) in enumerate(decided):
        label = _label(package)
        step(progress, steps[0] + number, steps[1], f"正在导入{label}（{number + 1}/{len(decided)}）")
        try:
            with db.atomic():  # a savepoint: a refused package leaves nothing behind for the next one to trip on
                package_id = _insert(db, package, _township_id(db, package.township, package.county), shared)
        except UserError as error:
            bad.append(str(error))
            continue
        if id(package) in other_county:
            note = f"{label}是{package.county}的数据包（本县级汇总数据库是{ours}的），经确认属于本县后导入"
            audit.audit(db, "package", package_id, "other_county", None, None, note)
            notes.setdefault(package.township, []).append(note + "。")
        if current:
            note = f"{label}（{package.manifest['made_at'].replace('T', ' ')}导出）替换了较旧的“{current[2]}”"
            audit.audit(db, "package", package_id, "replace", None, None, note)
            outcomes[id(package)] = Outcome(package, "replaced", note + "。")
        else:
            audit.audit(db, "package", package_id, "import", None, None, f"导入{label}")
            outcomes[id(package)] = Outcome(package, "added", f"已导入{label}。")
    if bad:
        raise UserError("以下数据包不能导入，本次没有写入任何内容：\n" + "\n".join(bad))


def _told(db: Database, result: list[Outcome], notes: dict[str, list[str]]) -> list[Outcome]:
    """The outcomes with a township's notes once (on a package taken, if any) and the figures that differ from its own."""
    told: set[str] = set()
    taken: dict[str, set[int]] = {}
    for outcome in sorted(result, key=lambda each: each.action == "skipped"):
        if outcome.package.township not in told:
            outcome.notes = notes.get(outcome.package.township, [])
            told.add(outcome.package.township)
        if outcome.action != "skipped":
            taken.setdefault(outcome.package.township, set()).add(outcome.package.year)
    differences = _differences(db, taken) if taken else {}
    for outcome in result:
        if outcome.action != "skipped":
            outcome.differences = differences.get((outcome.package.township, outcome.package.year), [])
    return result


def describe(outcomes: list[Outcome]) -> str:
    """What a roll-up did, for the clerk (the CLI prints it, the window shows it): the counts first,
    then one line per package with its notes, then every figure the records give differently from the
    township's own report."""
    from zhaocun_desktop.figures import BY_KEY

    counts = {action: sum(o.action == action for o in outcomes) for action in ("added", "replaced", "skipped")}
    lines = [f"新导入 {counts['added']} 个、替换 {counts['replaced']} 个、未导入 {counts['skipped']} 个数据包。"]
    marks = {"added": "✔ ", "replaced": "↻ ", "skipped": "— "}
    shown: set[str] = set()
    for outcome in outcomes:
        lines.append(marks.get(outcome.action, "") + outcome.message)
        lines += [f"  {note}" for note in outcome.notes if note not in shown]
        shown.update(outcome.notes)
    differences = [(o.package, found) for o in outcomes for found in o.differences]
    if differences:
        lines.append("\n请注意：以下数字按导入的记录重新计算，与乡镇上报的不一致（全县汇总按记录计算的数字；请该乡镇核对后重新导出数据包）：")
        for package, (key, reported, computed) in differences:
            label = BY_KEY[key].label if key in BY_KEY else key
            lines.append(f"· {package.township}{package.year}年 {label}：上报 {_figure_text(reported)}，按记录计算 {_figure_text(computed)}")
    return "\n".join(lines)


def _figure_text(value) -> str:
    if isinstance(value, tuple):  # a rate: numerator / denominator
        return "—" if None in value else f"{value[0]}/{value[1]}"
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


# Keeping the search indexes row by row (their triggers) costs about nine times as much a row as
# rebuilding an index (bench/county_scale.py: 19.6 s of triggers for 211,397 rows, 2.1 s to rebuild
# them all). A roll-up bringing at least this share of the county's records therefore drops the
# triggers and rebuilds every index once at the end; a smaller one keeps them.
REBUILD_SHARE = 0.1


def _rebuild_indexes_after(db: Database, packages: Sequence[Package]) -> bool:
    """True when the roll-up of ``packages`` brings at least ``REBUILD_SHARE`` of the records the county
    will then hold (the manifests count them)."""
    incoming = sum(sum(int(n) for n in (package.manifest.get("records") or {}).values()) for package in packages)
    if not incoming:
        return False
    present = sum(db.execute(f"SELECT count(*) FROM main.{register.key}").fetchone()[0] for register in county_registers() if _columns(db, register.key))
    return incoming >= REBUILD_SHARE * (present + incoming)


def _label(package: Package) -> str:
    return f"{package.township}{package.year}年数据包“{package.path.name}”"


def _made(text: str):
    import datetime as dt

    return dt.datetime.fromisoformat(text)


# ---------------------------------------------------------------------------
# Township as a filter


@contextlib.contextmanager
def _writing(db: Database):
    """The roll-up's own writes pass the guard (inside its transaction)."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {WRITING_TABLE} (since TEXT)")
    db.execute(f"INSERT INTO temp.{WRITING_TABLE} VALUES (?)", [audit.now()])
    try:
        yield
    finally:
        db.execute(f"DELETE FROM temp.{WRITING_TABLE}")



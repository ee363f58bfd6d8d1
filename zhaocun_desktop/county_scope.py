"""The township a county database's connection shows (its scope), and the guard on its records.

A county database (county/rollup.py) holds every township's records in the township schema, with
``township_id`` on each row. ``set_scope(db, township_id)`` makes every query of the program on this
connection see one township: each register table and the settings are shadowed by a TEMP VIEW of the
same name (SQLite resolves an unqualified name in ``temp`` first) that keeps the rows of the township
named in the one-row TEMP table ``county_scope``. ``set_scope(db, None)`` shows the whole county (the
views and the table go). The views read the township from the table, so going from one township to
another is one UPDATE: no schema change, no statement prepared again (creating a view for each of ~20
tables and three refusing triggers on each took ~4 ms, and a whole county's figures change scope
twice per township). The views belong to the connection (``db.open_again`` gives a worker the same scope).

``guard_connection`` refuses, inside SQLite, every write to the records and settings of a county
database except the roll-up's (while ``county_writing`` has a row).

``in_county``, ``whole_county`` and ``township_column`` say what a database is and shows; ``in_each_township`` and
``summed_over_townships`` read it township by township (a whole county is the sum of its townships).

Here, below ``db``, ``records`` and the figures, so that they, ``db.open_again`` and the roll-up share one owner
of the scope and none of them imports upwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from zhaocun_desktop.errors import COUNTY_READ_ONLY, UserError
from zhaocun_desktop.registers import CHILD_REGISTERS, REGISTERS, Field, Register

if TYPE_CHECKING:
    from sqlite_utils import Database

T = TypeVar("T")

# A county database (county/rollup.py: the township schema holding many townships) carries its own PRAGMA
# application_id ("ZCOU"), so a township path never writes to it and the county never takes a township file.
COUNTY_APPLICATION_ID = 0x5A434F55

SCOPE_TABLE = "county_scope"  # TEMP: the township the views show (absent: the whole county)
WRITING_TABLE = "county_writing"  # TEMP: has a row while the roll-up writes records
_ACTIONS = ("INSERT", "UPDATE", "DELETE")


def _tables(db: Database) -> list[str]:
    """The register tables this county database has, parents before their children."""
    present = {row[0] for row in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    return [register.key for register in REGISTERS + CHILD_REGISTERS if register.key in present]


def _refusal(table: str, action: str, when: str = "") -> str:
    message = COUNTY_READ_ONLY.replace("'", "''")
    return f"CREATE TEMP TRIGGER IF NOT EXISTS county_{action.split()[-1].lower()}_{table} {action} ON {table} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END"


def guard_connection(db: Database) -> None:
    """Refuse, inside SQLite, every write to the records and settings of a county database except the
    roll-up's: whatever path a write comes by (a form, an import, a script), the county's records stay
    what the townships sent, and the clerk reads errors.COUNTY_READ_ONLY. TEMP triggers: this connection's own."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {WRITING_TABLE} (since TEXT)")
    when = f"WHEN NOT EXISTS (SELECT 1 FROM temp.{WRITING_TABLE})"
    for table in [*_tables(db), "setting"]:
        for action in _ACTIONS:
            db.execute(_refusal(table, f"BEFORE {action}", when).replace(f" ON {table} ", f" ON main.{table} "))


def current_scope(db: Database) -> int | None:
    """The township id ``set_scope`` shows on this connection; None for the whole county."""
    if not _views_made(db):
        return None
    return db.execute(f"SELECT township_id FROM temp.{SCOPE_TABLE}").fetchone()[0]


def set_scope(db: Database, township_id: int | None) -> None:
    """Show one township (its id) or, with None, the whole county, to every query on this connection."""
    shown = _views_made(db)
    if township_id is None:
        if shown:
            _drop_views(db)
        return
    township_id = int(township_id)
    if not db.execute("SELECT 1 FROM main.township WHERE id = ?", [township_id]).fetchone():
        raise UserError(f"县级汇总数据库中没有编号为 {township_id} 的乡镇。请重新选择乡镇。")
    if shown:  # another township: the views stay, they read it from the table
        db.execute(f"UPDATE temp.{SCOPE_TABLE} SET township_id = ?", [township_id])
        return
    db.execute(f"CREATE TEMP TABLE {SCOPE_TABLE} (township_id INTEGER NOT NULL)")
    db.execute(f"INSERT INTO temp.{SCOPE_TABLE} VALUES (?)", [township_id])
    shown_township = f"(SELECT township_id FROM temp.{SCOPE_TABLE})"
    tables = _tables(db)
    for table in tables:
        db.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} WHERE township_id = {shown_township}")
    # the township's own settings (its name as 填报单位, its local dispute types) as the setting table reads
    db.execute(f"CREATE TEMP VIEW setting AS SELECT key, value FROM json_each((SELECT settings FROM main.township WHERE id = {shown_township}))")
    for table in [*tables, "setting"]:  # a write to a view says why, not "cannot modify … because it is a view"
        for action in _ACTIONS:
            db.execute(_refusal(table, f"INSTEAD OF {action}").replace("county_", "county_view_", 1))


def _views_made(db: Database) -> bool:
    return db.execute("SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = ?", [SCOPE_TABLE]).fetchone() is not None


def _drop_views(db: Database) -> None:
    for (name,) in db.execute("SELECT name FROM temp.sqlite_master WHERE type = 'view'").fetchall():
        db.execute(f"DROP VIEW temp.{name}")  # its triggers go with it
    db.execute(f"DROP TABLE IF EXISTS temp.{SCOPE_TABLE}")


def in_county(db: Database) -> bool:
    """True for a county database (county/rollup.py), told by its application id: the window asks on every
    start, and importing rollup for it would cost a township's start-up."""
    return db.execute("PRAGMA main.application_id").fetchone()[0] == COUNTY_APPLICATION_ID


def whole_county(db: Database) -> bool:
    """True when ``db`` is a county database showing the whole county (False for a township's, or
    while one township is chosen: county_scope.set_scope)."""
    if not in_county(db):  # a township's database asks too: no rollup import for it
        return False
    return current_scope(db) is None


TOWNSHIP = Field("township", "乡镇", width=90)  # a county list's first column; no register's field


def township_column(db: Database, register: Register, always: bool = False) -> tuple[tuple[Field, str], ...]:
    """The 乡镇 column a county database's list leads with, as ``((field, SQL),)``: the township's
    name read through the record's ``township_id`` (county/rollup.py). Only while the whole county is
    shown (one township's list needs none), or ``always``; none for a township's database."""
    if not (in_county(db) if always else whole_county(db)):
        return ()
    return ((TOWNSHIP, f"(SELECT name FROM main.township WHERE main.township.id = {register.key}.township_id)"),)


def in_each_township(db: Database, read: Callable[[], T]) -> list[T]:
    """``read()`` under each township's scope in turn, for what a single query over the whole county
    would get wrong (a record matched to another by a person's name, such as a certificate to its
    holder, must not match a namesake in another township). Shows the scope it found again at the end."""
    before, results = current_scope(db), []
    try:
        for township, _ in township_choices(db):
            set_scope(db, township)
            results.append(read())
    finally:
        set_scope(db, before)
    return results


def township_choices(db: Database) -> list[tuple[int, str]]:
    """Every township of the county as ``(id, name)``, in name order."""
    return [(row[0], row[1]) for row in db.execute("SELECT id, name FROM main.township ORDER BY name")]


def township_id(db: Database, name: str) -> int:
    """The id of the township called ``name``; UserError naming the townships there are."""
    for found, town in township_choices(db):
        if town == name.strip():
            return found
    names = "、".join(town for _, town in township_choices(db)) or "（还没有导入任何数据包）"
    raise UserError(f"县级汇总数据库中没有“{name}”。已有的乡镇：{names}")


def summed_over_townships(db: Database, read: Callable[[], dict]) -> dict:
    """A whole county is the sum of its townships: ``read()`` (a ``{key: number}``) under each township's
    scope in turn, added key by key (``in_each_township``)."""
    total: dict = {}
    for part in in_each_township(db, read):
        for key, value in part.items():
            total[key] = total.get(key, 0) + value
    return total

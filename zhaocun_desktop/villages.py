"""Villages by identity: a village field stores the village's id (``Field.id_column``); its own column holds only
a place that is not a village. Everything reads the name through ``queries.column_sql``, so a renamed village keeps
its records, and ``merge_villages`` (撤并) moves them.

The 村(居) register's own behaviour is installed on its description at import (``VILLAGE.hooks``): records
that typed a new or renamed village's name as a place now refer to it; a village still used cannot be deleted.
``records`` imports this module, so the hooks are there whenever records are written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaocun_desktop.audit import audit, audit_values, now
from zhaocun_desktop.county_scope import whole_county
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.queries import get, village_names
from zhaocun_desktop.registers import VILLAGE, Field, Register

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


def check_villages(register: Register, record: dict, known: set[str], village_fields: tuple[Field, ...] | None = None) -> dict[str, str]:
    """A required village must be one of the township's (when the 村(居) list is filled in)."""
    errors = {}
    if not known:
        return errors
    for field in register.village_fields if village_fields is None else village_fields:
        value = record.get(field.key)
        if field.required and value and value not in known:
            errors[field.key] = f"“{value}”不是本镇的村(居)，请核对名称或先在“村(居)”页添加"
    return errors


OTHER_PLACES = "镇直及其他地点"  # the by-village tables' row for records not at one of the villages
COUNTY_VILLAGE_MARK = "·"  # 中汤镇·邱店村: a whole county names a village with its township


def village_labels(db: Database) -> list[str]:
    """The rows of a by-village table, in the order the villages were entered: their names, or in a
    whole county (village names are unique within a township only) 乡镇·村, townships in the order the
    乡镇 chooser lists them (county_scope.township_choices)."""
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


def link_place_names(db: Database, name: str | None) -> None:
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
            db, VILLAGE.key, source_id, "merge", audit_values(VILLAGE, source), audit_values(VILLAGE, target),
            f"“{source['name']}”撤并入“{target['name']}”，移动记录：" + ("、".join(f"{t}{n}条" for t, n in moved.items()) or "无"),
        )  # fmt: skip
    return moved


def _after_insert(db: Database, added: list[dict]) -> None:
    for record in added:
        link_place_names(db, record.get("name"))


def _after_update(db: Database, village_id: int, changed: dict) -> None:
    if "name" in changed:
        link_place_names(db, changed["name"])


def _before_delete(db: Database, village_id: int, old: dict) -> None:
    usage = village_usage(db, village_id)
    if usage:
        used = "、".join(f"{title}{n}条" for title, n in usage.items())
        raise UserError(f"“{old['name']}”还有记录（{used}），不能删除。村(居)撤并请用“撤并到…”，把记录移到合并后的村(居)。")


# The 村(居) register's behaviour, on its description (records.insert_clean, update and delete call the hooks)
VILLAGE.hooks.after_insert = _after_insert
VILLAGE.hooks.after_update = _after_update
VILLAGE.hooks.before_delete = _before_delete

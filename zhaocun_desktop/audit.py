"""The audit log (操作记录): one row for every change, with ID and phone numbers masked; reading it back.

The lowest room of the records layer: ``records``, ``villages`` and ``settings`` write through ``audit``;
the window's 操作记录 reads ``audit_entries``. ``now`` is the one clock of stored times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from zhaocun_desktop.errors import UserError
from zhaocun_desktop.registers import Kind, Register, parent_of

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


def now() -> str:
    """The local time as stored in created_at / updated_at / audit_log.at."""
    return dt.datetime.now().isoformat(timespec="seconds")


_AUDIT_JSON = []  # the encoder, made on first use (json.dumps makes one per call: a tenth of an import's writing; jsonshape.encoder)
_AUDIT_PLANS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, Callable], ...]]] = {}  # register key → its fields' keys, the masked ones
_AUDIT_ORDERS: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}  # (register key, a record's keys) → its fields' keys among them


def audit_values(register: Register, record: dict | None) -> str | None:
    """A record as JSON for the audit log, with ID and phone numbers masked."""
    if record is None:
        return None
    plan = _AUDIT_PLANS.get(register.key)
    if plan is None:  # made once per register (an import audits every record it adds)
        from zhaocun_desktop import jsonshape, values

        _AUDIT_JSON[:] = [jsonshape.encoder()]
        masks = {Kind.ID_NUMBER: values.mask_id_number, Kind.PHONE: values.mask_phone}
        plan = _AUDIT_PLANS[register.key] = (tuple(field.key for field in register.fields),
                                             tuple((field.key, masks[field.kind]) for field in register.fields if field.kind in masks))  # fmt: skip
    keys, masked = plan
    held = (register.key, tuple(record))
    order = _AUDIT_ORDERS.get(held)
    if order is None:  # the fields' order, those the record has: found once for the records of an import (they hold the same keys)
        order = tuple(key for key in keys if key in record)
        if len(_AUDIT_ORDERS) < 256:
            _AUDIT_ORDERS[held] = order
    shown = {key: record[key] for key in order}
    for key, mask in masked:
        value = shown.get(key)
        if value is not None:
            shown[key] = mask(value)
    return _AUDIT_JSON[0](shown)


def audit(
    db: Database, table: str, record_id: int | None, action: str, old: str | None = None, new: str | None = None, note: str | None = None, at: str | None = None
) -> None:
    """Append one row to the audit log (inside the caller's transaction, if any)."""
    db.conn.execute(
        "INSERT INTO audit_log (at, table_name, record_id, action, old_values, new_values, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at or now(), table, record_id, action, old, new, note),
    )


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


def child_note(child: Register, parent_id: int) -> str:
    """The audit note of a child row's change: whose row it is (当事人（属于第358号调解案件）)."""
    return f"{child.title}（属于第{parent_id}号{parent_of(child).title}）"


def _note_text(register: Register | None, note: str) -> str:
    """An audit note as the clerk reads it. Older versions wrote a child row's note with the
    parent's column name, ``当事人（case_id = 358）``: it reads as child_note says it now."""
    if register is not None and register.is_child:
        old = re.fullmatch(re.escape(f"{register.title}（{register.parent_column} = ") + r"(\d+)）", note)
        if old:
            return child_note(register, int(old.group(1)))
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

"""The township's settings (设置): read with their defaults, saved checked through ``registers.SETTINGS``, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaocun_desktop.audit import audit
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.registers import SETTING_DEFAULTS, SETTINGS, Kind

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


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

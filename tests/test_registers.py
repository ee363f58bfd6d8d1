"""The descriptions are consistent, and the schema follows them."""

import dataclasses

import pytest

from zhaocun_desktop import db as db_module
from zhaocun_desktop.registers import BY_KEY, REGISTERS, SETTINGS, TABS, Field, Kind


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.key)
def test_description_is_consistent(register):
    keys = register.keys
    assert len(set(keys)) == len(keys), "field keys repeat"
    assert len({f.label for f in register.fields}) == len(keys), "labels repeat"
    for field in register.fields:
        assert field.key.isidentifier() and field.key not in ("id", "created_at", "updated_at")
        if field.kind is Kind.CHOICE:
            assert field.choices and len(set(field.choices)) == len(field.choices)
        else:
            assert not field.choices
    if register.date_field:
        assert register.field(register.date_field).kind is Kind.DATE
        assert register.field(register.date_field).required
    if register.village_field:
        assert register.field(register.village_field).kind is Kind.VILLAGE
    for field_key, synonyms in register.choice_synonyms.items():
        assert set(synonyms.values()) <= set(register.field(field_key).choices)


def test_every_register_has_a_tab_once():
    placed = [register.key for _, registers in TABS for register in registers]
    # child registers (当事人 …) are edited inside their parent's form, not in a tab of their own
    assert sorted(placed) == sorted(key for key, register in BY_KEY.items() if not register.is_child)


def test_schema_follows_descriptions(db):
    for register in REGISTERS:
        columns = {row[1]: row[2] for row in db.execute(f"PRAGMA table_info({register.key})").fetchall()}
        stored = [column for field in register.fields for column in (field.key, field.id_column) if column]
        assert list(columns) == ["id", *stored, "created_at", "updated_at", "batch_id"]
        for field in register.fields:
            assert columns[field.key] == field.kind.sql_type
            assert field.id_column is None or columns[field.id_column] == "INTEGER"
    assert {f.key for f in SETTINGS.fields} >= {"town", "county", "office", "signer", "report_year"}


def test_adding_a_field_is_one_line(db_path, monkeypatch):
    """A field added to a description appears as a column when an existing database opens."""
    db = db_module.open_db(db_path)
    db.close()
    case = BY_KEY["mediation_case"]
    grown = dataclasses.replace(case, fields=case.fields + (Field("revisit", "回访情况"),))
    monkeypatch.setattr(db_module, "REGISTERS", tuple(grown if r.key == case.key else r for r in REGISTERS))
    db = db_module.open_db(db_path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(mediation_case)").fetchall()]
    db.close()
    assert "revisit" in columns

"""Villages by identity: rename keeps every record and figure, 撤并 moves records with an audit entry."""

import sqlite3
from pathlib import Path

import pytest
from report_data import fill_known_ledger

from zhaocun_desktop import audit, figures as fig, queries, records, villages
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.overview import year_picture
from zhaocun_desktop.registers import ADVISOR_WORK, MEDIATION_CASE, PUBLICITY_EVENT, REGISTERS, VILLAGE
from zhaocun_desktop.summary import build_tables

SNAPSHOTS = Path(__file__).parent / "data"


def village_id(db, name):
    return db.execute("SELECT id FROM village WHERE name = ?", [name]).fetchone()[0]


def everything(db):
    """Every figure of two years and every summary table, as plain values."""
    values = {year: {k: str(v) for k, v in fig.yearly_figures(db, year).values.items()} for year in (2022, 2023)}
    tables = {t.sheet: [list(map(str, row)) for row in t.rows] for t in build_tables(db, 2023)}
    return values, tables


def test_records_store_the_id_and_read_the_name(db):
    fill_known_ledger(db)
    stored = db.execute("SELECT village, village_id FROM mediation_case WHERE accepted = '2023-01-10'").fetchone()
    assert stored == (None, village_id(db, "甲村"))
    case_id = db.execute("SELECT id FROM mediation_case WHERE accepted = '2023-01-10'").fetchone()[0]
    assert queries.get(db, MEDIATION_CASE, case_id)["village"] == "甲村"


def test_renaming_a_village_keeps_its_records_and_every_figure(db):
    fill_demo(db)
    before_values, before_tables = everything(db)
    old = "赵村村"
    listed = queries.count(db, MEDIATION_CASE, queries.RecordQuery(village=old))
    assert listed > 0
    records.update(db, VILLAGE, village_id(db, old), dict(name="赵村社区"))
    after_values, after_tables = everything(db)
    assert after_values == before_values
    for sheet, rows in before_tables.items():
        renamed = [[("赵村社区" if cell == old else cell) for cell in row] for row in rows]
        assert after_tables[sheet] == renamed, sheet
    assert queries.count(db, MEDIATION_CASE, queries.RecordQuery(village="赵村社区")) == listed
    assert queries.count(db, MEDIATION_CASE, queries.RecordQuery(village=old)) == 0
    assert queries.count(db, MEDIATION_CASE, queries.RecordQuery(search="赵村社区")) >= listed
    pictured = dict(year_picture(db, 2023).villages)
    assert old not in pictured and "未填写" not in pictured and sum(pictured.values()) >= 1


def test_merging_two_villages_moves_their_records_in_one_step(db):
    fill_demo(db)
    before_values, before_tables = everything(db)
    source, target = village_id(db, "中汤村"), village_id(db, "赵村村")
    counts = {r.title: queries.count(db, r, queries.RecordQuery(village="中汤村")) for r in REGISTERS if r.village_field}
    target_cases = queries.count(db, MEDIATION_CASE, queries.RecordQuery(village="赵村村"))
    moved = villages.merge_villages(db, source, target)
    assert moved == {title: n for title, n in counts.items() if n}
    assert "中汤村" not in queries.village_names(db)
    assert queries.count(db, MEDIATION_CASE, queries.RecordQuery(village="赵村村")) == target_cases + counts["调解案件"]
    after_values, after_tables = everything(db)
    for year, values in before_values.items():  # the township's figures do not change ...
        changed = {key for key in values if after_values[year][key] != values[key]}
        assert changed <= {"visited_villages", "demo_villages"}, changed  # ... but one village fewer exists
        assert int(values["visited_villages"]) - 1 <= int(after_values[year]["visited_villages"]) <= int(values["visited_villages"])
    for sheet in ("调解-按村", "宣传-按村", "顾问-按村"):
        before = {row[0]: row for row in before_tables[sheet]}
        after = {row[0]: row for row in after_tables[sheet]}
        assert "中汤村" not in after
        for column in range(1, len(after["赵村村"])):
            assert float(after["赵村村"][column]) == float(before["赵村村"][column]) + float(before["中汤村"][column])
    entry = audit.audit_rows(db, "village", source)[-1]
    assert entry["action"] == "merge" and "中汤村" in entry["note"] and "赵村村" in entry["note"]


def test_a_failed_merge_changes_nothing(db, monkeypatch):
    fill_known_ledger(db)
    source, target = village_id(db, "乙村"), village_id(db, "甲村")
    before = db.execute("SELECT id, village_id FROM mediation_case ORDER BY id").fetchall()
    real_audit = audit.audit

    def failing(db_, table, *args, **kwargs):
        if args and args[1] == "merge":
            raise RuntimeError("disk full")
        return real_audit(db_, table, *args, **kwargs)

    monkeypatch.setattr(villages, "audit", failing)  # the merge's own audit entry fails
    with pytest.raises(RuntimeError):
        villages.merge_villages(db, source, target)
    assert db.execute("SELECT id, village_id FROM mediation_case ORDER BY id").fetchall() == before
    assert "乙村" in queries.village_names(db)
    with pytest.raises(UserError, match="同一个"):
        villages.merge_villages(db, target, target)


def test_a_village_with_records_cannot_be_deleted(db):
    fill_known_ledger(db)
    with pytest.raises(UserError, match="撤并"):
        records.delete(db, VILLAGE, [village_id(db, "甲村")])
    assert records.delete(db, VILLAGE, [village_id(db, "丙村")]) == 1  # no records: fine


def test_by_village_tables_have_a_row_for_other_places_and_add_up(db):
    fill_known_ledger(db)
    records.insert_many(db, PUBLICITY_EVENT, [dict(event_date="2023-09-01", title="镇政府普法", event_type="法治讲座", place="镇政府会议室", participants="30")])
    records.insert_many(db, ADVISOR_WORK, [dict(work_date="2023-09-02", advisor_type="政府法律顾问", advisor="王律师", work_type="依法行政咨询", quantity="2")])
    figures = fig.yearly_figures(db, 2023)
    tables = {t.sheet: t for t in build_tables(db, 2023)}
    place = tables["宣传-按村"]
    assert place.rows[-1][0] == villages.OTHER_PLACES and place.rows[-1][1] == 5  # four without a place, one at 镇政府
    assert place.totals()[1] == figures["publicity_events"] and place.totals()[2] == figures["publicity_people"] + 40  # 考试 40 人 too
    assert tables["调解-按村"].totals()[-1] == figures["cases"]


def test_a_place_typed_before_the_village_existed_joins_it(db):
    records.insert_many(db, PUBLICITY_EVENT, [dict(event_date="2023-09-01", title="普法", event_type="法治讲座", place="新村")])
    assert db.execute("SELECT place, place_id FROM publicity_event").fetchone() == ("新村", None)
    records.insert(db, VILLAGE, dict(name="新村"))
    assert db.execute("SELECT place, place_id FROM publicity_event").fetchone() == (None, village_id(db, "新村"))


def test_migration_turns_names_into_ids(tmp_path):
    path = tmp_path / "v7.db"
    conn = sqlite3.connect(path)
    conn.executescript((SNAPSHOTS / "schema_v7.sql").read_text(encoding="utf-8"))
    conn.executemany("INSERT INTO village (id, name) VALUES (?, ?)", [(1, "甲村"), (2, "乙村")])
    conn.executemany(
        "INSERT INTO mediation_case (accepted, village, org, dispute_type, parties, result) VALUES (?, ?, '村调委会', '邻里', '甲与乙', '调解中')",
        [("2023-01-01", "甲村"), ("2023-02-01", "乙村"), ("2023-03-01", "已撤销的村")],
    )
    conn.execute("INSERT INTO publicity_event (event_date, title, event_type, place) VALUES ('2023-01-02', '宣传', '法治讲座', '镇政府')")
    conn.commit()
    conn.close()
    db = open_db(path)
    assert db.execute("SELECT village, village_id FROM mediation_case ORDER BY accepted").fetchall() == [(None, 1), (None, 2), ("已撤销的村", None)]
    assert db.execute("SELECT place, place_id FROM publicity_event").fetchone() == ("镇政府", None)
    assert [row["village"] for row in queries.rows_by_id(db, MEDIATION_CASE)] == ["甲村", "乙村", "已撤销的村"]
    records.update(db, VILLAGE, 1, dict(name="甲社区"))
    assert [row["village"] for row in queries.rows_by_id(db, MEDIATION_CASE)] == ["甲社区", "乙村", "已撤销的村"]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_mediation_case_village_id" in indexes
    db.close()


def test_an_export_after_a_rename_names_the_village_as_it_is_now(db, tmp_path):
    import openpyxl

    from zhaocun_desktop.excel.writing import write_export

    fill_known_ledger(db)
    records.update(db, VILLAGE, village_id(db, "甲村"), dict(name="甲社区"))
    count = write_export(db, MEDIATION_CASE, tmp_path / "案件.xlsx", queries.RecordQuery(village="甲社区", year=2023))
    assert count == 3
    cells = {cell for row in openpyxl.load_workbook(tmp_path / "案件.xlsx").active.iter_rows(values_only=True) for cell in row}
    assert "甲社区" in cells and "甲村" not in cells

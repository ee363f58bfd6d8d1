"""CRUD, audit log, uniqueness, filters, sorting and paging against a real SQLite file."""

import pytest

from zhaocun_desktop import audit, queries, records, settings as township_settings
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.queries import RecordQuery
from zhaocun_desktop.registers import MEDIATION_CASE, PARTY, PETITION, VILLAGE

CASE = dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", parties="张三与李四",
            result="调解成功", agreement="书面", closed="2023-05-10", id_number="11010519491231002X", phone="13800138000")  # fmt: skip


def add_case(db, **change):
    return records.insert(db, MEDIATION_CASE, dict(CASE, **change))


def test_insert_get_update_delete_with_audit(db):
    record_id = add_case(db)
    stored = queries.get(db, MEDIATION_CASE, record_id)
    assert stored["parties"] == "张三与李四" and stored["created_at"] == stored["updated_at"]

    records.update(db, MEDIATION_CASE, record_id, {"result": "调解不成功", "agreement": ""})
    assert queries.get(db, MEDIATION_CASE, record_id)["result"] == "调解不成功"

    records.delete(db, MEDIATION_CASE, [record_id])
    with pytest.raises(UserError, match="找不到这条记录"):
        queries.get(db, MEDIATION_CASE, record_id)

    log = audit.audit_rows(db, MEDIATION_CASE.key, record_id)
    assert [row["action"] for row in log] == ["insert", "update", "delete"]
    assert log[1]["old_values"]["result"] == "调解成功" and log[1]["new_values"]["result"] == "调解不成功"
    assert set(log[1]["new_values"]) == {"result", "agreement"}  # only what changed
    # the one-line form made two parties, the numbers going to the first; masked in the log too
    party_log = audit.audit_rows(db, PARTY.key)
    inserted = [row["new_values"] for row in party_log if row["action"] == "insert"]
    assert [row["name"] for row in inserted] == ["张三", "李四"]
    assert inserted[0]["id_number"] == "110105********002X" and inserted[0]["phone"] == "138****8000"
    deleted = [row for row in party_log if row["action"] == "delete"]
    assert len(deleted) == 2 and deleted[0]["old_values"]["phone"] == "138****8000"
    assert db.execute("SELECT count(*) FROM mediation_party").fetchone()[0] == 0  # gone with the case


def test_a_deleted_records_number_is_never_given_to_another(db):
    """SQLite gives a deleted newest row's id to the next insert: 操作记录 of 第358号 then showed two
    cases (王大山's and 赵小军's) as one record's history. A new record, and a new party, gets a number
    above every one the audit log names, also after an undone import or a party removed in an edit."""
    first = add_case(db, parties="王大山与李二妮")
    first_parties = [row["id"] for row in queries.children(db, PARTY, first)]
    records.delete(db, MEDIATION_CASE, [first])
    second = add_case(db, parties="赵小军与孙丽")
    assert second == first + 1
    assert [row["id"] for row in queries.children(db, PARTY, second)] == [first_parties[-1] + 1, first_parties[-1] + 2]
    assert {row["new_values"]["parties"] for row in audit.audit_rows(db, MEDIATION_CASE.key, first) if row["new_values"]} == {"王大山与李二妮"}
    # a party removed in an edit, then one added: a new number too
    kept, dropped = queries.children(db, PARTY, second)
    records.update(db, MEDIATION_CASE, second, {PARTY.key: [kept]})
    records.update(db, MEDIATION_CASE, second, {PARTY.key: [kept, dict(role="被申请人", name="孙丽")]})
    added = queries.children(db, PARTY, second)[-1]
    assert added["name"] == "孙丽" and added["id"] == dropped["id"] + 1
    # many at once (an import) count on from there
    many = records.insert_many(db, MEDIATION_CASE, [dict(CASE, parties=f"甲{n}与乙{n}") for n in range(3)])
    assert many == [second + 1, second + 2, second + 3]


def test_many_records_holding_different_fields_are_stored_as_given(db):
    # insert_clean names in its INSERTs only the columns the records hold: each record still gets its own
    # values, NULL where it holds none, for the case and for its parties
    ids = records.insert_many(db, MEDIATION_CASE, [dict(CASE, amount=5000), dict(CASE, parties="王五", note="备注", id_number="", phone="")])
    first, second = (queries.get(db, MEDIATION_CASE, record_id) for record_id in ids)
    assert first["amount"] == 5000 and first["note"] is None and second["amount"] is None and second["note"] == "备注"
    first_parties, second_parties = (queries.children(db, PARTY, record_id) for record_id in ids)
    assert [(p["name"], p["id_number"]) for p in first_parties] == [("张三", "11010519491231002X"), ("李四", None)]
    assert [(p["name"], p["id_number"], p["phone"]) for p in second_parties] == [("王五", None, None)]


def test_a_column_with_a_default_is_still_written_null_when_a_record_lacks_it(db):
    # a column a later migration adds with a default: left out of an INSERT it would take the default, so it
    # stays named (and NULL) as when every column was bound
    db.execute(f"ALTER TABLE {MEDIATION_CASE.key} ADD COLUMN note_extra TEXT DEFAULT 'x'")
    assert "note_extra" in records.named_columns(db, MEDIATION_CASE.key, ["note_extra", "amount"], set())
    assert records.named_columns(db, MEDIATION_CASE.key, ["note_extra", "amount"], {"amount"}) == ["note_extra", "amount"]
    assert records.named_columns(db, MEDIATION_CASE.key, ["amount", "note"], set()) == []


def test_invalid_record_writes_nothing(db):
    with pytest.raises(InvalidRecord):
        add_case(db, parties="")
    assert queries.count(db, MEDIATION_CASE) == 0
    assert audit.audit_rows(db) == []


def test_update_that_changes_nothing_leaves_no_audit_row(db):
    record_id = add_case(db)
    records.update(db, MEDIATION_CASE, record_id, {"parties": "张三与李四"})
    assert len(audit.audit_rows(db, MEDIATION_CASE.key, record_id)) == 1


def test_unique_fields_get_a_message_not_a_crash(db):
    add_case(db, case_no="（2023）赵人调字第1号")
    with pytest.raises(InvalidRecord) as caught:
        add_case(db, case_no="（2023）赵人调字第1号")
    assert "不能重复" in caught.value.errors["case_no"]
    other = add_case(db, case_no="（2023）赵人调字第2号")
    with pytest.raises(InvalidRecord):
        records.update(db, MEDIATION_CASE, other, {"case_no": "（2023）赵人调字第1号"})
    add_case(db)  # empty numbers never collide
    add_case(db)


def test_insert_many_is_all_or_nothing(db):
    rows = [dict(CASE, parties=f"甲{i}与乙") for i in range(5)] + [dict(CASE, village="")]
    with pytest.raises(InvalidRecord, match="第6条"):
        records.insert_many(db, MEDIATION_CASE, rows)
    assert queries.count(db, MEDIATION_CASE) == 0
    dupes = [dict(CASE, case_no="A"), dict(CASE, case_no="A")]
    with pytest.raises(InvalidRecord):
        records.insert_many(db, MEDIATION_CASE, dupes)
    assert queries.count(db, MEDIATION_CASE) == 0


def test_filters_search_sort_and_pages(db):
    records.insert_many(db, VILLAGE, [dict(name="赵村村"), dict(name="中汤村")])
    for i in range(30):
        add_case(db, accepted=f"{2022 + i % 2}-0{1 + i % 9}-1{i % 10}", closed="2023-12-31",
                 village="赵村村" if i % 3 else "中汤村", parties=f"当事人{i:02d}与王某", dispute_type="邻里" if i % 5 else "合同")
    assert queries.count(db, MEDIATION_CASE) == 30
    assert queries.count(db, MEDIATION_CASE, RecordQuery(year=2023)) == 15
    assert queries.count(db, MEDIATION_CASE, RecordQuery(village="中汤村")) == 10
    assert queries.count(db, MEDIATION_CASE, RecordQuery(year=2023, village="中汤村")) == 5
    assert queries.count(db, MEDIATION_CASE, RecordQuery(search="合同")) == 6
    assert queries.count(db, MEDIATION_CASE, RecordQuery(search="当事人07")) == 1
    assert queries.count(db, MEDIATION_CASE, RecordQuery(search="合同 中汤村")) == 2  # words are ANDed
    assert queries.years(db, MEDIATION_CASE) == [2023, 2022]

    ordered = RecordQuery(sort_key="parties")
    names = [row[1] for row in queries.page(db, MEDIATION_CASE, ordered, 0, 100, ["parties"])]
    assert names == sorted(names) and len(names) == 30
    first = queries.page(db, MEDIATION_CASE, ordered, 0, 10, ["parties"])
    second = queries.page(db, MEDIATION_CASE, ordered, 10, 10, ["parties"])
    assert [r[1] for r in first + second] == names[:20]
    default = [row[1] for row in queries.page(db, MEDIATION_CASE, RecordQuery(), 0, 100, ["accepted"])]
    assert default == sorted(default, reverse=True)
    assert queries.village_names(db) == ["赵村村", "中汤村"]


def test_record_survives_reopening(db_path):
    db = open_db(db_path)
    record_id = add_case(db)
    db.close()
    db = open_db(db_path)
    assert queries.get(db, MEDIATION_CASE, record_id)["village"] == "赵村村"
    db.close()


def test_settings_defaults_validation_and_audit(db):
    assert township_settings.settings(db)["font_body"] == "仿宋_GB2312"
    with pytest.raises(InvalidRecord) as caught:
        township_settings.save_settings(db, dict(town="赵村镇", county="", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023"))
    assert "county" in caught.value.errors
    saved = township_settings.save_settings(db, dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023"))
    assert saved["report_year"] == 2023 and saved["town"] == "赵村镇"
    assert audit.audit_rows(db, "setting")[-1]["new_values"]["county"] == "鲁山县"


def test_boolean_fields_come_back_as_bools(db):
    record_id = records.insert(db, PETITION, dict(reg_date="2023-01-01", level="本镇", status="在办", extended="否"))
    assert queries.get(db, PETITION, record_id)["extended"] is False


def test_record_list_reads_the_same_rows_in_both_modes(db):
    rows = [dict(CASE, accepted=f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}", closed="2023-12-31", parties=f"P{(i * 7) % 50:02d}与乙") for i in range(700)]
    records.insert_many(db, MEDIATION_CASE, rows)
    by_index = queries.RecordList(db, MEDIATION_CASE, RecordQuery(), ["accepted", "parties"])
    assert by_index._ids is None and by_index.count == 700
    everything = by_index.rows(0, 1000)
    assert [r[1] for r in everything] == sorted((r[1] for r in everything), reverse=True)
    assert by_index.rows(690, 256) == everything[690:]

    by_ids = queries.RecordList(db, MEDIATION_CASE, RecordQuery(sort_key="parties", descending=True), ["accepted", "parties"])
    assert by_ids._ids is not None and by_ids.count == 700
    paged = by_ids.rows(0, 300) + by_ids.rows(300, 300) + by_ids.rows(600, 300)
    assert paged == queries.page(db, MEDIATION_CASE, RecordQuery(sort_key="parties", descending=True), 0, 1000, ["accepted", "parties"])

    searched = queries.RecordList(db, MEDIATION_CASE, RecordQuery(search="P07"), ["parties"])
    assert searched.count == 14 and {r[1] for r in searched.rows(0, 100)} == {"P07与乙"}
    assert searched.rows(14, 10) == []


def test_rows_by_id(db):
    ids = records.insert_many(db, MEDIATION_CASE, [dict(CASE, parties=f"甲{i}与乙") for i in range(3)])
    assert [r["parties"] for r in queries.rows_by_id(db, MEDIATION_CASE, [ids[2], ids[0]])] == ["甲0与乙", "甲2与乙"]
    assert len(queries.rows_by_id(db, MEDIATION_CASE)) == 3

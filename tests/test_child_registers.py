"""Child registers (a case's 当事人) as part of the declarative mechanism: schema, validation,
writes with audit, import (one-line column and a keyed sheet), export and masking."""

import datetime as dt
import sqlite3

import openpyxl
import pytest

from zhaocun_desktop import audit, queries, records
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.excel.importing import commit_import, preview_import
from zhaocun_desktop.excel.writing import write_export
from zhaocun_desktop.registers import CHILD_REGISTERS, MEDIATION_CASE, PARTY, REGISTERS, VILLAGE, parent_of
from zhaocun_desktop.values import split_names

CASE = dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", result="调解中")
ZHANG = dict(role="申请人", name="张三", gender="男", ethnicity="汉族", birth_date="1990-03-08", id_number="410423199003081234", phone="13800138000", address="赵村村三组")
LI = dict(role="被申请人", name="李四", age="45", phone="0375-1234567")
WANG = dict(role="第三人", name="王五")


def party_rows(db, case_id):
    return queries.children(db, PARTY, case_id)


def test_every_child_is_described_once_with_a_parent():
    assert PARTY in CHILD_REGISTERS and parent_of(PARTY) is MEDIATION_CASE
    for child in CHILD_REGISTERS:
        parent = parent_of(child)
        assert child not in REGISTERS and child.is_child
        assert parent.field(child.parent_key_field).unique  # a child sheet names its parent by it
        if child.parent_summary:
            assert parent.field(child.parent_summary) not in parent.form_fields
            assert child.field(child.name_field).required


def test_schema_has_a_cascading_foreign_key(db):
    for child in CHILD_REGISTERS:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({child.key})").fetchall()]
        assert columns == ["id", child.parent_column, *child.keys, "created_at", "updated_at"]
        keys = db.execute(f"PRAGMA foreign_key_list({child.key})").fetchall()
        assert [(k[2], k[3], k[4], k[6]) for k in keys] == [(parent_of(child).key, child.parent_column, "id", "CASCADE")]
    with pytest.raises(sqlite3.IntegrityError):  # no party without its case
        db.execute("INSERT INTO mediation_party (case_id, role, name) VALUES (999, '申请人', '无主')")


@pytest.mark.parametrize(
    "text, names",
    [("张三与李四", ["张三", "李四"]), ("张三、李四、王五", ["张三", "李四", "王五"]), ("张三和李四", ["张三", "李四"]),
     ("李和平与张三", ["李和平", "张三"]), ("王某某", ["王某某"]), ("张三等5户与李四", None), ("某公司（法定代表人王五）", None)],
)  # fmt: skip
def test_one_line_party_texts_split_only_into_names(text, names):
    assert split_names(text) == names


def test_case_with_three_parties_and_the_summary(db):
    case_id = records.insert(db, MEDIATION_CASE, dict(CASE, mediation_party=[ZHANG, LI, WANG, {"name": "", "role": ""}]))
    stored = party_rows(db, case_id)
    assert [(p["role"], p["name"]) for p in stored] == [("申请人", "张三"), ("被申请人", "李四"), ("第三人", "王五")]
    assert stored[1]["age"] == 45 and stored[1]["phone"] == "0375-1234567"
    assert queries.get(db, MEDIATION_CASE, case_id)["parties"] == "张三、李四、王五"


def test_child_problems_name_the_party_and_nothing_is_written(db):
    with pytest.raises(InvalidRecord) as caught:
        records.insert(db, MEDIATION_CASE, dict(CASE, mediation_party=[ZHANG, dict(LI, id_number="410423199003081235")]))
    assert "第2位当事人的“身份证号”" in caught.value.errors["mediation_party"]
    assert "当事人：第2位当事人" in str(caught.value)
    with pytest.raises(InvalidRecord) as caught:
        records.insert(db, MEDIATION_CASE, dict(CASE, mediation_party=[]))
    assert caught.value.errors == {"mediation_party": "请至少填写1位当事人"}
    assert queries.count(db, MEDIATION_CASE) == 0 and db.execute("SELECT count(*) FROM mediation_party").fetchone()[0] == 0


def test_update_edits_adds_and_removes_parties_with_masked_audit(db):
    case_id = records.insert(db, MEDIATION_CASE, dict(CASE, mediation_party=[ZHANG, LI]))
    zhang, li = party_rows(db, case_id)
    records.update(db, MEDIATION_CASE, case_id, {"mediation_party": [dict(zhang, phone="13900139000"), WANG]})
    after = party_rows(db, case_id)
    assert [p["name"] for p in after] == ["张三", "王五"] and after[0]["id"] == zhang["id"]
    assert queries.get(db, MEDIATION_CASE, case_id)["parties"] == "张三、王五"
    log = audit.audit_rows(db, PARTY.key)
    assert [row["action"] for row in log] == ["insert", "insert", "delete", "update", "insert"]
    assert log[0]["new_values"]["id_number"] == "410423********1234"
    assert log[3]["old_values"] == {"phone": "138****8000"} and log[3]["new_values"] == {"phone": "139****9000"}
    # an update that does not name the parties leaves them alone
    records.update(db, MEDIATION_CASE, case_id, {"result": "调解不成功", "closed": "2023-06-01"})
    assert [p["id"] for p in party_rows(db, case_id)] == [p["id"] for p in after]
    records.delete(db, MEDIATION_CASE, [case_id])
    assert db.execute("SELECT count(*) FROM mediation_party").fetchone()[0] == 0
    assert [row["action"] for row in audit.audit_rows(db, PARTY.key)][-2:] == ["delete", "delete"]


def test_the_audit_log_names_child_rows_in_chinese(db):
    from zhaocun_desktop.registers import VISIT

    case_id = records.insert(db, MEDIATION_CASE, dict(CASE, mediation_party=[ZHANG, LI]))
    titles = audit.audit_tables()
    assert titles[PARTY.key] == "调解案件·当事人" and titles[VISIT.key] == "调解案件·回访"
    assert list(titles).index(PARTY.key) == list(titles).index(MEDIATION_CASE.key) + 1  # in the menu after its parent
    assert audit.audit_table_key("调解案件·当事人") == PARTY.key
    entries = audit.audit_entries(db, PARTY.key)
    assert [(e.title, e.note) for e in entries] == [("调解案件·当事人", f"当事人（属于第{case_id}号调解案件）")] * 2
    # a note written by an older version, with the parent's column name, reads the same
    db.execute("UPDATE audit_log SET note = ? WHERE table_name = ?", [f"当事人（case_id = {case_id}）", PARTY.key])
    assert {e.note for e in audit.audit_entries(db, PARTY.key)} == {f"当事人（属于第{case_id}号调解案件）"}


def test_audit_count_counts_what_the_filters_match_beyond_the_limit(db):
    records.insert(db, MEDIATION_CASE, dict(CASE, mediation_party=[ZHANG, LI, WANG]))
    everything = len(audit.audit_rows(db))
    assert len(audit.audit_entries(db, limit=2)) == 2
    assert audit.audit_count(db) == everything and audit.audit_count(db, PARTY.key) == 3
    assert audit.audit_count(db, PARTY.key, date_from=dt.date(2100, 1, 1)) == 0


def write_book(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


CASE_HEADER = ["案件编号", "受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "身份证号", "联系电话", "调解结果"]


def test_import_reads_the_old_one_line_column(db, tmp_path):
    path = write_book(tmp_path / "old.xlsx", {"调解案件": [
        CASE_HEADER,
        ["A-1", "2023-03-08", "赵村村", "村调委会", "邻里", "张三与李四", "410423199003081234", "13800138000", "调解中"],
        ["A-2", "2023-03-09", "赵村村", "村调委会", "邻里", "张三等5户与李四", "", "", "调解中"],
    ]})  # fmt: skip
    preview = preview_import(db, path)
    assert not preview.problems
    commit_import(db, preview)
    first, second = (queries.rows_by_id(db, MEDIATION_CASE))
    assert [(p["name"], p["id_number"], p["phone"]) for p in party_rows(db, first["id"])] == [("张三", "410423199003081234", "13800138000"), ("李四", None, None)]
    assert [p["name"] for p in party_rows(db, second["id"])] == ["张三等5户与李四"] and second["parties"] == "张三等5户与李四"


def test_import_reads_a_party_sheet_keyed_by_case_number(db, tmp_path):
    path = write_book(tmp_path / "new.xlsx", {
        "调解案件": [CASE_HEADER[:6] + ["调解结果"],
                 ["A-1", "2023-03-08", "赵村村", "村调委会", "邻里", "张三与李四", "调解中"],
                 [None, "2023-03-09", "赵村村", "村调委会", "合同", "赵六", "调解中"]],
        "当事人": [["案件编号", "身份", "姓名", "性别", "身份证号", "联系方式"],
                ["A-1", "申请人", "张三", "男", "410423199003081234", "13800138000"],
                ["A-1", "被申请人", "李四", "", "", ""],
                ["A-1", "第三人", "王五", "", "", ""],
                ["第3行", "申请人", "赵六", "女", "", ""],
                ["B-9", "申请人", "无主", "", "", ""]],
    })  # fmt: skip
    preview = preview_import(db, path)
    (orphan,) = preview.problems  # a party of no case: named by sheet, row and column, never dropped unsaid
    assert (orphan.sheet, orphan.row, orphan.column) == ("当事人", 6, "A") and "“B-9”" in orphan.message and "找不到" in orphan.message
    assert str(orphan).startswith("工作表“当事人”第6行，A列“案件编号”") and "另有 1 行找不到所属的记录" in preview.summary()
    assert all(row.valid for row in preview.rows)  # no case is near "B-9": both cases import
    commit_import(db, preview)
    first, second = queries.rows_by_id(db, MEDIATION_CASE)
    assert [p["name"] for p in party_rows(db, first["id"])] == ["张三", "李四", "王五"]
    assert first["parties"] == "张三、李四、王五"  # the sheet, not the one-line text, decides
    assert [(p["name"], p["gender"]) for p in party_rows(db, second["id"])] == [("赵六", "女")]


def test_a_bad_party_row_stops_its_case(db, tmp_path):
    path = write_book(tmp_path / "bad.xlsx", {
        "调解案件": [CASE_HEADER[:6] + ["调解结果"], ["A-1", "2023-03-08", "赵村村", "村调委会", "邻里", "张三", "调解中"]],
        "当事人": [["案件编号", "身份", "姓名", "身份证号"], ["A-1", "原告", "张三", "410423199003081235"]],
    })  # fmt: skip
    preview = preview_import(db, path)
    messages = [str(p) for p in preview.problems]
    assert len(messages) == 1 and "第1位当事人的“身份”" in messages[0] and "校验位" in messages[0]


def test_export_writes_a_party_sheet_that_reimports(db, tmp_path):
    records.insert(db, VILLAGE, dict(name="赵村村"))
    records.insert(db, MEDIATION_CASE, dict(CASE, case_no="C-1", mediation_party=[ZHANG, LI, WANG]))
    records.insert(db, MEDIATION_CASE, dict(CASE, mediation_party=[dict(ZHANG, name="孙七", id_number="", birth_date="")]))
    masked, full = tmp_path / "masked.xlsx", tmp_path / "full.xlsx"
    write_export(db, MEDIATION_CASE, masked)
    write_export(db, MEDIATION_CASE, full, reveal=True)
    sheet = openpyxl.load_workbook(masked)["当事人"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("案件编号", "身份", "姓名")
    assert [(r[0], r[2]) for r in rows[1:]] == [("C-1", "张三"), ("C-1", "李四"), ("C-1", "王五"), ("第4行", "孙七")] or \
        [(r[0], r[2]) for r in rows[1:]] == [("第4行", "孙七"), ("C-1", "张三"), ("C-1", "李四"), ("C-1", "王五")]  # fmt: skip
    id_column = rows[0].index("身份证号")
    assert "410423********1234" in [r[id_column] for r in rows]

    fresh = open_db(tmp_path / "fresh.db")
    records.insert(fresh, VILLAGE, dict(name="赵村村"))
    preview = preview_import(fresh, full, MEDIATION_CASE)
    assert not preview.problems
    commit_import(fresh, preview)
    columns = ", ".join(["role", "name", "gender", "ethnicity", "birth_date", "age", "phone", "address", "id_number"])
    query = f"SELECT c.case_no, {columns} FROM mediation_party p JOIN mediation_case c ON c.id = p.case_id ORDER BY coalesce(c.case_no, ''), p.id"
    assert fresh.execute(query).fetchall() == db.execute(query).fetchall()
    fresh.close()

    masked_preview = preview_import(open_db(tmp_path / "other.db"), masked, MEDIATION_CASE)
    assert any("已被遮盖" in str(p) for p in masked_preview.problems)

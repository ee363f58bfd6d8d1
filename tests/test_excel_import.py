"""Importing village workbooks: a corpus of bad files made here, each refused with its reason
and the database left byte for byte as it was; and the good paths (.xlsx, .xls, templates)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from zhaocun_desktop import audit, queries, records
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel import reading
from zhaocun_desktop.excel.importing import commit_import, preview_import, undo_batch
from zhaocun_desktop.excel.writing import write_template
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE

HEADERS = ["受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "身份证号", "调解结果"]
GOOD = [dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "张三与李四", "11010519491231002X", "调解中"]


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "台账.db"
    db = open_db(path)
    records.insert_many(db, VILLAGE, [dict(name="赵村村"), dict(name="中汤村")])
    db.close()
    return path


def write_xlsx(path: Path, rows: list[list], before=None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "调解案件"
    for row in rows:
        sheet.append(row)
    if before:
        before(sheet)
    book.save(path)
    return path


def rewrite_zip(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as archive:
        items = {name: archive.read(name) for name in archive.namelist()}
    change(items)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items.items():
            archive.writestr(name, data)
    return target


def database_bytes(path: Path) -> bytes:
    db = open_db(path)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.read_bytes()


# --- the corpus of bad files -------------------------------------------------------------


def make_csv(folder):
    path = folder / "调解.xlsx"
    path.write_text("受理日期,村(居),当事人\n2023-03-08,赵村村,张三\n", encoding="utf-8")
    return path


def make_html(folder):
    path = folder / "调解.xls"
    path.write_text("<html><body><table><tr><td>受理日期</td></tr></table></body></html>", encoding="utf-8")
    return path


def make_word(folder):
    from docx import Document

    document = Document()
    document.add_paragraph("受理日期 村(居) 当事人")
    document.save(folder / "调解.docx")
    (folder / "调解.docx").rename(folder / "调解.xlsx")
    return folder / "调解.xlsx"


def make_empty(folder):
    path = folder / "调解.xlsx"
    path.write_bytes(b"")
    return path


def make_lock_file(folder):
    path = folder / "~$调解.xlsx"
    path.write_bytes(b"\x06zhang san" + b"\x00" * 150)
    return path


def make_truncated(folder):
    whole = write_xlsx(folder / "whole.xlsx", [HEADERS, GOOD])
    path = folder / "调解.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return path


def make_password(folder):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(folder / "plain.xlsx", [HEADERS, GOOD])
    path = folder / "调解.xlsx"
    with plain.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt("123456", target)
    return path


def make_strict(folder):
    plain = write_xlsx(folder / "plain.xlsx", [HEADERS, GOOD])

    def strict(items):
        items["xl/workbook.xml"] = items["xl/workbook.xml"].replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"
        )

    return rewrite_zip(plain, folder / "调解.xlsx", strict)


def make_zip_bomb(folder):
    plain = write_xlsx(folder / "plain.xlsx", [HEADERS, GOOD])
    path = folder / "调解.xlsx"
    rewrite_zip(plain, path, lambda items: None)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/padding.bin", "w", force_zip64=True) as member:
        block = b"\x00" * (1024 * 1024)
        for _ in range(320):
            member.write(block)
    return path


def make_entity_bomb(folder):
    plain = write_xlsx(folder / "plain.xlsx", [HEADERS, GOOD])

    def bomb(items):
        entities = b'<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        sheet = items["xl/worksheets/sheet1.xml"]  # openpyxl writes strings inline
        sheet = sheet.replace(b"<worksheet", entities + b"<worksheet", 1).replace(b"<t>", b"<t>&c;", 1)
        items["xl/worksheets/sheet1.xml"] = sheet

    return rewrite_zip(plain, folder / "调解.xlsx", bomb)


def make_formula(folder):
    return write_xlsx(folder / "调解.xlsx", [HEADERS, GOOD[:4] + ['="张三"&"与李四"'] + GOOD[5:]])


def make_merged(folder):
    rows = [HEADERS, GOOD, [GOOD[0], "赵村村", "村调委会", "邻里", "王五与赵六", None, "调解中"]]
    return write_xlsx(folder / "调解.xlsx", rows, before=lambda sheet: sheet.merge_cells("B2:B3"))


def make_id_as_number(folder):
    return write_xlsx(folder / "调解.xlsx", [HEADERS, GOOD[:5] + [4.10423199003081e17] + GOOD[6:]])


def make_no_headers(folder):
    return write_xlsx(folder / "调解.xlsx", [["序号", "年龄", "住址"], [1, 30, "赵村"]])


def make_missing_required(folder):
    return write_xlsx(folder / "调解.xlsx", [HEADERS[:3] + HEADERS[4:], GOOD[:3] + GOOD[4:]])


BAD_FILES = {
    "csv": (make_csv, "CSV"),
    "html": (make_html, "网页"),
    "word": (make_word, "Word 文档"),
    "empty": (make_empty, "空的"),
    "lock": (make_lock_file, "锁定文件"),
    "truncated": (make_truncated, "损坏或不完整"),
    "password": (make_password, "密码"),
    "strict": (make_strict, "Strict Open XML"),
    "zip_bomb": (make_zip_bomb, "压缩炸弹"),
    "entity_bomb": (make_entity_bomb, "XML 实体"),
    "formula": (make_formula, "没有保存计算结果"),
    "merged": (make_merged, "合并单元格"),
    "id_as_number": (make_id_as_number, "末几位已经丢失"),
    "no_headers": (make_no_headers, "没有找到"),
    "missing_required": (make_missing_required, "缺少调解案件的必填列：纠纷类型"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_refused_with_its_reason_and_nothing_written(case, db_file, tmp_path, capsys):
    maker, fragment = BAD_FILES[case]
    folder = tmp_path / case
    folder.mkdir()
    path = maker(folder)
    before = database_bytes(db_file)
    db = open_db(db_file)
    with pytest.raises(UserError) as caught:
        preview_import(db, path)
    db.close()
    message = str(caught.value)
    assert fragment in message and path.name in message
    assert "Traceback" not in message
    status = main(["import", "--db", str(db_file), str(path)])
    assert status == 2 and fragment in capsys.readouterr().err
    assert database_bytes(db_file) == before


def test_sheet_formatted_to_the_last_row_stops_at_the_data(db_file, tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", [HEADERS, GOOD])

    def pad(items):
        sheet = items["xl/worksheets/sheet1.xml"]
        empty = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % row for row in range(3, 1_048_577))
        items["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetData>", empty + b"</sheetData>").replace(b'<dimension ref="A1:G2"/>', b'<dimension ref="A1:XFD1048576"/>')

    path = rewrite_zip(plain, tmp_path / "调解.xlsx", pad)
    (sheet,) = reading.read_workbook(path)
    assert len(sheet.rows) == 2 and len(sheet.rows[0]) == len(HEADERS)
    db = open_db(db_file)
    preview = preview_import(db, path)
    assert len(preview.rows) == 1 and preview.rows[0].valid
    db.close()


def test_values_are_normalised_and_problems_named_by_row_and_column(db_file, tmp_path):
    rows = [
        ["说明：本表由赵村村填写"],  # a title line above the headers
        ["案件编号", " 受理 日期 ", "村（居）", "调解组织*", "纠纷类型", "当事人姓名", "身份证号码", "调解结果", "备 注", "多余的列"],
        ["A-1", "２０２３年３月８日", "赵村村", "村调委会", "邻里纠纷", "张三\u200b与李四", "11010519491231002x", "调解中", "", "x"],
        ["A-2", "2023.3.9", "赵村", "镇调委会", "打架", "王五", "", "成功", "", ""],
        [None] * 10,
        ["A-3", 44995, "中汤村", "镇调委会", "婚姻家庭", "赵六与钱七", None, "调解中", "", ""],
    ]
    path = write_xlsx(tmp_path / "调解.xlsx", rows)
    db = open_db(db_file)
    preview = preview_import(db, path)
    assert [row.excel_row for row in preview.rows] == [3, 4, 6]
    first = preview.rows[0]
    assert first.valid and first.clean["accepted"] == "2023-03-08" and first.clean["dispute_type"] == "邻里"
    assert first.clean["parties"] == "张三与李四"  # the old one-line form: two parties, the number to the first
    assert [(p["role"], p["name"], p.get("id_number")) for p in first.clean["mediation_party"]] == [("申请人", "张三", "11010519491231002X"), ("被申请人", "李四", None)]
    assert preview.rows[2].clean["accepted"] == "2023-03-10"  # an Excel serial number
    problems = [str(p) for p in preview.rows[1].problems]
    assert any(p.startswith("第4行，C列“村(居)”") and "不是本镇的村(居)" in p for p in problems)
    assert any(p.startswith("第4行，E列“纠纷类型”") for p in problems)
    assert any("多余的列" in note for note in preview.notes)
    result = commit_import(db, preview)
    assert result["imported"] == 2 and result["skipped"] == 1
    db.close()


def test_same_file_twice_adds_nothing_and_undo_removes_the_batch(db_file, tmp_path, capsys):
    path = write_xlsx(tmp_path / "赵村村调解.xlsx", [HEADERS, GOOD, [dt.date(2023, 4, 1), "中汤村", "镇调委会", "合同", "甲与乙", None, "调解中"]])
    assert main(["import", "--db", str(db_file), str(path)]) == 0
    assert "导入调解案件 2 条" in capsys.readouterr().out
    copy = tmp_path / "改了名字.xlsx"
    copy.write_bytes(path.read_bytes())
    assert main(["import", "--db", str(db_file), str(copy)]) == 0
    assert "导入过" in capsys.readouterr().out
    db = open_db(db_file)
    assert queries.count(db, MEDIATION_CASE) == 2
    # the same records in a different file are flagged and skipped
    other = write_xlsx(tmp_path / "另一份.xlsx", [HEADERS, GOOD, [dt.date(2023, 5, 1), "赵村村", "村调委会", "邻里", "新甲与新乙", None, "调解中"]])
    preview = preview_import(db, other)
    assert preview.rows[0].duplicate_of and not preview.rows[1].duplicate_of
    assert commit_import(db, preview)["imported"] == 1
    assert queries.count(db, MEDIATION_CASE) == 3
    batch = db.execute("SELECT id FROM import_batch WHERE file_name = '赵村村调解.xlsx'").fetchone()[0]
    assert undo_batch(db, batch) == 2
    assert queries.count(db, MEDIATION_CASE) == 1
    with pytest.raises(UserError, match="撤销过"):
        undo_batch(db, batch)
    assert [row["action"] for row in audit.audit_rows(db, "import_batch")][-1] == "undo"
    db.close()


def test_real_xls_file_imports(db_file, tmp_path):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("调解案件")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for column, header in enumerate(HEADERS):
        sheet.write(0, column, header)
    sheet.write(1, 0, dt.date(2023, 3, 8), date_style)
    for column, value in enumerate(GOOD[1:], start=1):
        sheet.write(1, column, value)
    sheet.write(2, 0, "2023/6/1")
    for column, value in enumerate(["中汤村", "镇调委会", "宅基地纠纷", "王五与赵六", "", "失败"], start=1):
        sheet.write(2, column, value)
    path = tmp_path / "调解.xls"
    book.save(str(path))
    db = open_db(db_file)
    preview = preview_import(db, path)
    assert [r.valid for r in preview.rows] == [True, False]  # 调解不成功 needs a 结案日期
    assert preview.rows[0].clean["accepted"] == "2023-03-08"
    assert "结案日期" in str(preview.rows[1].problems[0])
    assert commit_import(db, preview)["imported"] == 1
    db.close()


def test_template_filled_by_a_village_imports(db_file, tmp_path):
    db = open_db(db_file)
    path = write_template(db, MEDIATION_CASE, tmp_path / "赵村村_调解案件.xlsx", village="赵村村")
    book = openpyxl.load_workbook(path)
    sheet = book["调解案件"]
    headers = [cell.value for cell in sheet[1]]
    column = {h.rstrip("*"): i + 1 for i, h in enumerate(headers)}
    for row, (date, parties) in enumerate([("2023-03-08", "甲与乙"), ("2023年4月1日", "丙与丁")], start=2):
        sheet.cell(row, column["受理日期"], date)
        sheet.cell(row, column["调解组织"], "村调委会")
        sheet.cell(row, column["纠纷类型"], "邻里")
        sheet.cell(row, column["当事人"], parties)
        sheet.cell(row, column["调解结果"], "调解中")
    book.save(path)
    preview = preview_import(db, path)
    assert len(preview.rows) == 2 and all(r.valid for r in preview.rows)
    assert preview.village == "赵村村"
    assert commit_import(db, preview)["imported"] == 2
    batch = db.execute("SELECT village, rows_imported FROM import_batch").fetchone()
    assert tuple(batch) == ("赵村村", 2)
    db.close()


def test_a_month_typed_as_a_number_is_refused_not_filed_in_1905(db_file, tmp_path):
    """受理日期 2023.3 in a date cell is Excel's day 2023 (1905-07-15): the row is named with its
    problem and nothing is imported; the template's own date rule allows the same range as the import."""
    db = open_db(db_file)
    path = write_template(db, MEDIATION_CASE, tmp_path / "赵村村_调解案件.xlsx", village="赵村村")
    book = openpyxl.load_workbook(path)
    sheet = book["调解案件"]
    column = {cell.value.rstrip("*"): cell.column for cell in sheet[1]}
    rule = next(v for v in sheet.data_validations.dataValidation if v.type == "date" and openpyxl.utils.get_column_letter(column["受理日期"]) in str(v.sqref))
    assert (rule.operator, rule.formula1, rule.formula2) == ("between", "18264", "73050")  # 1950-01-01 .. 2099-12-31
    for row, day in ((2, 2023.3), (3, 20230409)):
        sheet.cell(row, column["受理日期"], day)
        sheet.cell(row, column["调解组织"], "村调委会")
        sheet.cell(row, column["纠纷类型"], "邻里")
        sheet.cell(row, column["当事人"], f"甲{row}与乙")
        sheet.cell(row, column["调解结果"], "调解中")
    book.save(path)
    preview = preview_import(db, path)
    bad, good = preview.rows
    # the template's date cell shows 2023.3 as 1905/7/15 in Excel too, and the message says so
    assert not bad.valid and "第2行" in str(preview.problems[0]) and "“1905-07-15”不在 1950—2099 年之间" in str(preview.problems[0])
    assert good.valid and good.clean["accepted"] == "2023-04-09"  # 20230409 typed as a number
    db.close()


def test_a_chosen_register_cannot_override_what_the_file_plainly_is(db_file, tmp_path):
    """An advisor-work sheet chosen as 联席例会 (only 日期 is required there) filed one meeting and
    raised the report's 例会次数; a case template chosen as 村(居) filed three villages. Both are
    refused, naming the register the file is, and nothing is written."""
    from zhaocun_desktop.registers import BY_KEY

    db = open_db(db_file)
    advisor, meeting = BY_KEY["advisor_work"], BY_KEY["joint_meeting"]
    template = write_template(db, advisor, tmp_path / "赵村村_法律顾问工作.xlsx", village="赵村村")
    with pytest.raises(UserError, match="这是程序生成的法律顾问工作填报模板。请选择“法律顾问工作”"):
        preview_import(db, template, meeting)
    case_template = write_template(db, MEDIATION_CASE, tmp_path / "赵村村_调解案件.xlsx", village="赵村村")
    with pytest.raises(UserError, match="调解案件填报模板"):
        preview_import(db, case_template, VILLAGE)

    plain = write_xlsx(tmp_path / "顾问.xlsx", [["日期", "顾问类别", "顾问姓名", "工作类型", "数量"], ["2023-03-08", "政府法律顾问", "王平", "走访", 1]])
    with pytest.raises(UserError, match="这些列是“法律顾问工作”的") as refused:
        preview_import(db, plain, meeting)
    assert "顾问姓名" in str(refused.value)
    assert preview_import(db, plain, advisor).rows[0].valid  # chosen rightly, it imports
    assert db.execute("SELECT count(*) FROM joint_meeting").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM village").fetchone()[0] == 2
    db.close()


def test_an_import_committed_after_the_preview_stops_the_second_one(db_file, tmp_path):
    """Two imports of one file started together (two command lines, or the window and a command line)
    both went in: each preview found nothing imported. The commit now looks again, holding the write
    lock, and refuses when another import has been committed since its preview."""
    first, second = open_db(db_file), open_db(db_file)
    path = write_xlsx(tmp_path / "调解.xlsx", [HEADERS, GOOD])
    early, late = preview_import(first, path), preview_import(second, path)
    assert early.rows[0].valid and not early.rows[0].duplicate_of and not late.rows[0].duplicate_of
    assert commit_import(first, early)["imported"] == 1
    with pytest.raises(UserError, match="预览之后.*又从“调解.xlsx”导入了调解案件.*请重新导入这个文件"):
        commit_import(second, late)
    assert queries.count(second, MEDIATION_CASE) == 1
    assert second.execute("SELECT count(*) FROM import_batch").fetchone()[0] == 1
    again = preview_import(second, path)  # previewed again: the clerk sees it was imported
    assert again.already_imported and commit_import(second, again)["imported"] == 0
    first.close()
    second.close()


def test_a_sheet_sent_again_with_a_petition_closed_is_not_filed_twice(db_file, tmp_path):
    """A village sent its petition sheet again after 周某's petition was closed (在办 → 已办结, with
    办结日期): it was filed as a second petition, the count doubled and the open one stayed overdue.
    The row is 疑似重复 now, naming the record and what changed; a genuinely different petition of the
    same day (another 事由) is new, and a repeat can still be taken when the clerk chooses."""
    db = open_db(db_file)
    headers = ["受理日期", "信访人", "村(居)", "层级", "事由", "状态", "办结日期"]
    titled = lambda sheet: setattr(sheet, "title", "信访")  # noqa: E731
    first = write_xlsx(tmp_path / "信访.xlsx", [headers, ["2024-06-01", "周某", "赵村村", "本镇", "宅基地界址", "在办", None]], titled)
    assert commit_import(db, preview_import(db, first))["imported"] == 1
    again = write_xlsx(tmp_path / "信访（更新）.xlsx", [
        headers,
        ["2024-06-01", "周某", "赵村村", "本镇", "宅基地界址", "已办结", "2024-06-20"],
        ["2024-06-01", "周某", "赵村村", "本镇", "灌溉用水", "在办", None],
    ], titled)
    preview = preview_import(db, again)
    update, other = preview.rows
    assert update.valid and "像是已有记录（信访第" in update.duplicate_of and "只有状态、办结日期不同" in update.duplicate_of
    assert other.valid and not other.duplicate_of
    assert commit_import(db, preview)["imported"] == 1
    assert db.execute("SELECT count(*) FROM petition WHERE petitioner = '周某'").fetchone()[0] == 2
    assert db.execute("SELECT status FROM petition WHERE matter = '宅基地界址'").fetchall() == [("在办",)]
    db.close()


def test_a_sheet_with_both_the_open_and_the_closed_line_of_a_petition_files_it_once(db_file, tmp_path):
    """A village's sheet kept 周某's petition twice, as it was (在办) and as it ended (已办结, 办结日期): both went in
    and the petition was counted twice, the open one overdue. The later line is the news: it is imported, the
    earlier one is 疑似重复 naming it; another petition of that day stays, and the clerk can still take both."""
    db = open_db(db_file)
    headers = ["受理日期", "信访人", "村(居)", "层级", "事由", "状态", "办结日期"]
    titled = lambda sheet: setattr(sheet, "title", "信访")  # noqa: E731
    path = write_xlsx(tmp_path / "信访.xlsx", [
        headers,
        ["2024-06-01", "周某", "赵村村", "本镇", "宅基地界址", "在办", None],
        ["2024-06-01", "吴某", "赵村村", "本镇", "宅基地界址", "在办", None],
        ["2024-06-01", "周某", "赵村村", "本镇", "宅基地界址", "已办结", "2024-06-20"],
    ], titled)  # fmt: skip
    preview = preview_import(db, path)
    opened, other, closed = preview.rows
    assert opened.valid and opened.duplicate_of.startswith("本文件第4行像是同一件事的新情况：只有状态、办结日期不同")
    assert other.valid and not other.duplicate_of and closed.valid and not closed.duplicate_of
    assert "疑似重复 1 行" in preview.summary()
    assert commit_import(db, preview)["imported"] == 2
    assert db.execute("SELECT petitioner, status, done_date FROM petition ORDER BY id").fetchall() == [
        ("吴某", "在办", None), ("周某", "已办结", "2024-06-20")]  # fmt: skip
    db.close()
    both = open_db(tmp_path / "另一个.db")
    records.insert_many(both, VILLAGE, [dict(name="赵村村")])
    assert commit_import(both, preview_import(both, path), include_duplicates=True)["imported"] == 3
    both.close()


def test_a_case_whose_sheet_holds_it_twice_with_one_number_is_filed_once_as_it_ended(db_file, tmp_path):
    """The same case (one 案件编号) as 调解中 and, further down, 调解成功 with its 结案日期: the later line was refused
    (案件编号 repeated) and the earlier one went in as still open. Now the later line is imported and the earlier
    one is 疑似重复; a different case with another number is not touched."""
    db = open_db(db_file)
    headers = ["案件编号", "受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "简要案情", "调解结果", "协议形式", "结案日期"]
    path = write_xlsx(tmp_path / "调解.xlsx", [
        headers,
        ["（2023）赵村人调字第7号", dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "张三与李四", "排水沟争议", "调解中", None, None],
        ["（2023）赵村人调字第8号", dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "王五与赵六", "排水沟争议", "调解中", None, None],
        ["（2023）赵村人调字第7号", dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "张三与李四", "排水沟争议", "调解成功", "口头", dt.date(2023, 3, 20)],
    ])  # fmt: skip
    preview = preview_import(db, path)
    assert [row.valid for row in preview.rows] == [True, True, True]
    assert "本文件第4行像是同一件事的新情况：只有调解结果、协议形式、结案日期不同" in preview.rows[0].duplicate_of
    assert not preview.rows[1].duplicate_of and not preview.rows[2].duplicate_of
    assert commit_import(db, preview)["imported"] == 2
    assert db.execute("SELECT case_no, result FROM mediation_case ORDER BY case_no").fetchall() == [
        ("（2023）赵村人调字第7号", "调解成功"), ("（2023）赵村人调字第8号", "调解中")]  # fmt: skip
    db.close()


def test_a_sheet_listing_the_newest_line_first_keeps_the_finished_one(db_file, tmp_path):
    """The same two lines in the other order (the newest first, as many village sheets keep them): the finished line
    is still the one imported, the earlier state is 疑似重复. With one 案件编号 the earlier state cannot be taken as
    well (the number would be there twice): choosing the repeats imports the others, not it. A line whose other
    fields differ (a 备注 only the first has) is not taken for the same matter: both stay, the clerk decides."""
    db = open_db(db_file)
    headers = ["案件编号", "受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "简要案情", "调解结果", "协议形式", "结案日期"]
    path = write_xlsx(tmp_path / "调解.xlsx", [
        headers,
        ["（2023）赵村人调字第7号", dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "张三与李四", "排水沟争议", "调解成功", "口头", dt.date(2023, 3, 20)],
        ["（2023）赵村人调字第7号", dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "张三与李四", "排水沟争议", "调解中", None, None],
    ])  # fmt: skip
    preview = preview_import(db, path)
    finished, older = preview.rows
    assert finished.valid and not finished.duplicate_of
    assert older.valid and older.duplicate_of.startswith("像是本文件第2行那件事较早的情况：只有调解结果、协议形式、结案日期不同")
    assert "案件编号相同，不能再导入一次" in older.duplicate_of and not older.repeatable
    assert commit_import(db, preview, include_duplicates=True)["imported"] == 1
    assert db.execute("SELECT result FROM mediation_case").fetchall() == [("调解成功",)]
    db.close()
    headers = ["受理日期", "信访人", "村(居)", "层级", "事由", "状态", "办结日期", "备注"]
    titled = lambda sheet: setattr(sheet, "title", "信访")  # noqa: E731
    noted = write_xlsx(tmp_path / "信访.xlsx", [
        headers,
        ["2024-06-01", "周某", "赵村村", "本镇", "宅基地界址", "在办", None, "申请人腿脚不便，上门回访"],
        ["2024-06-01", "周某", "赵村村", "本镇", "宅基地界址", "已办结", "2024-06-20", None],
    ], titled)  # fmt: skip
    other = open_db(tmp_path / "另一个.db")
    records.insert_many(other, VILLAGE, [dict(name="赵村村")])
    assert [row.duplicate_of for row in preview_import(other, noted).rows] == ["", ""]
    other.close()


def test_a_shared_case_number_is_never_taken_twice_when_the_clerk_takes_the_repeats(db_file, tmp_path):
    """The earlier state of a case superseded by a later line of the file carries the same 案件编号: taking the
    repeats (同时导入疑似重复的行, ``--include-duplicates``) made the whole import fail with 预览之后台账有了变化."""
    db = open_db(db_file)
    headers = ["案件编号", "受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "简要案情", "调解结果", "协议形式", "结案日期"]
    path = write_xlsx(tmp_path / "调解.xlsx", [
        headers,
        ["（2023）赵村人调字第7号", dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "张三与李四", "排水沟争议", "调解中", None, None],
        ["（2023）赵村人调字第7号", dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里纠纷", "张三与李四", "排水沟争议", "调解成功", "口头", dt.date(2023, 3, 20)],
    ])  # fmt: skip
    preview = preview_import(db, path)
    assert not preview.rows[0].repeatable and "案件编号相同，不能再导入一次" in preview.rows[0].duplicate_of
    assert commit_import(db, preview, include_duplicates=True)["imported"] == 1
    assert db.execute("SELECT result FROM mediation_case").fetchall() == [("调解成功",)]
    db.close()


def test_with_no_village_list_the_preview_says_the_names_were_not_checked(tmp_path):
    """Without the township's 村(居) list any name went in without a word (赵村村委会, 不存在村): typos
    stay unlinked and uncounted by village. The preview says so; with the list it does not."""
    db = open_db(tmp_path / "空.db")
    path = write_xlsx(tmp_path / "调解.xlsx", [HEADERS, GOOD])
    assert any("本镇还没有村(居)名单" in note for note in preview_import(db, path).notes)
    records.insert_many(db, VILLAGE, [dict(name="赵村村")])
    assert not any("村(居)名单" in note for note in preview_import(db, path).notes)
    db.close()


def test_same_day_petitions_told_apart_only_by_their_state_or_note_stay_two(db_file, tmp_path):
    """Without 信访人 or 事由 (names withheld), two petitions of one day, village and level that differ
    only in 状态 or 备注 are two petitions: the rule for a record's news needs a field that tells
    matters apart, and 备注 is not how a matter went on."""
    db = open_db(db_file)
    headers = ["受理日期", "村(居)", "层级", "人次", "状态", "办结日期", "备注"]
    titled = lambda sheet: setattr(sheet, "title", "信访")  # noqa: E731
    first = write_xlsx(tmp_path / "信访.xlsx", [headers, ["2024-03-05", "赵村村", "本镇", 1, "在办", None, "王家"]], titled)
    assert commit_import(db, preview_import(db, first))["imported"] == 1
    second = write_xlsx(tmp_path / "信访2.xlsx", [headers, ["2024-03-05", "赵村村", "本镇", 1, "在办", None, "李家"],
                                                  ["2024-03-05", "赵村村", "本镇", 1, "已办结", "2024-03-20", "王家"]], titled)  # fmt: skip
    preview = preview_import(db, second)
    assert [(row.valid, row.duplicate_of) for row in preview.rows] == [(True, ""), (True, "")]
    assert commit_import(db, preview)["imported"] == 2
    db.close()

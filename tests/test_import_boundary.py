"""The way in, with the program's own templates filled with believable village data: which
register a sheet is, duplicates that are duplicates, re-import after a fix, hostile cell values,
hidden rows and sheets, and the exit codes of ``import``."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from zhaocun_desktop import audit, queries, records, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.importing import RegisterUnclear, commit_import, preview_import
from zhaocun_desktop.excel.reading import MARKER_SHEET, open_book
from zhaocun_desktop.excel.writing import write_template
from zhaocun_desktop.registers import ADVISOR_WORK, ENFORCEMENT_STAFF, JOINT_MEETING, MEDIATION_CASE, PETITION, VILLAGE

VILLAGES = ["赵村村", "中汤村", "上汤村", "孙义村", "堂沟村", "西竹园村", "东竹园村", "黄土岭村", "寺沟村", "白草坪村", "纸房村", "砚台沟村"]
SETTINGS = dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023")


@pytest.fixture
def town(db_path):
    """A township database: settings and twelve villages."""
    db = open_db(db_path)
    township_settings.save_settings(db, SETTINGS)
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGES])
    yield db
    db.close()


def fill_template(db, register, path: Path, rows: list[dict], village: str | None = None, change=None) -> Path:
    """The program's template for ``register``, filled in as a village would (labels → values)."""
    write_template(db, register, path, village)
    book = openpyxl.load_workbook(path)
    sheet = book[register.title]
    column = {str(cell.value).rstrip("*"): cell.column for cell in sheet[1]}
    for number, row in enumerate(rows, start=2):
        for label, value in row.items():
            sheet.cell(number, column[label], value)
    if change:
        change(book, sheet)
    book.save(path)
    return path


def plain_sheet(path: Path, title: str, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def patch_sheet_xml(path: Path, replacements: dict[bytes, bytes], sheet_member: str = "xl/worksheets/sheet2.xml") -> Path:
    """Write into the sheet's XML what openpyxl refuses to write (1e400, NaN, error cells)."""
    with zipfile.ZipFile(path) as archive:
        items = {name: archive.read(name) for name in archive.namelist()}
    for old, new in replacements.items():
        assert old in items[sheet_member], old
        items[sheet_member] = items[sheet_member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items.items():
            archive.writestr(name, data)
    return path


def case_row(day: str, parties: str, village: str | None = None, **extra) -> dict:
    row = {"受理日期": day, "调解组织": "村调委会", "纠纷类型": "邻里", "当事人": parties, "调解结果": "调解中"}
    if village:
        row["村(居)"] = village
    row.update(extra)
    return row


def advisor_row(day: str, village: str, advisor: str, kind: str = "走访", quantity: int = 1, people: int | None = None) -> dict:
    row = {"日期": day, "顾问类别": "村(居)法律顾问", "顾问姓名": advisor, "村(居)": village, "工作类型": kind, "数量": quantity}
    if people is not None:
        row["服务人次"] = people
    return row


# --- 1. which register a sheet is ------------------------------------------------------------


def test_template_marker_tells_the_register_even_with_renamed_sheet_and_headers(town, tmp_path):
    def disguise(book, sheet):
        sheet.title = "Sheet1"  # a clerk renames the sheet and adds a column of her own
        sheet.cell(1, 30, "联系人")

    path = fill_template(town, PETITION, tmp_path / "信访.xlsx", [{"受理日期": "2023-05-06", "层级": "本镇", "状态": "在办"}], change=disguise)
    assert open_book(path).marker["台账"] == "petition"
    preview = preview_import(town, path)
    assert preview.register is PETITION and preview.rows[0].valid
    assert any("模板的标记" in note for note in preview.notes)


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("target", ["xlsx", "xls"])
def test_template_marker_survives_a_libreoffice_save(town, tmp_path, target):
    (tmp_path / "source").mkdir()
    source = fill_template(town, ADVISOR_WORK, tmp_path / "source" / "顾问.xlsx", [advisor_row("2023-03-02", "中汤村", "李律师", people=4)])
    office = shutil.which("soffice") or shutil.which("libreoffice")
    out = tmp_path / "out"
    subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", target, "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out / f"顾问.{target}"
    book = open_book(saved)
    assert book.marker["台账"] == "advisor_work" and book.marker["镇"] == "赵村镇"
    assert MARKER_SHEET not in [sheet.name for sheet in book.sheets]
    preview = preview_import(town, saved)
    assert preview.register is ADVISOR_WORK and [row.valid for row in preview.rows] == [True]


def test_sheet_titled_as_a_register_is_never_taken_for_another(town, tmp_path, capsys):
    """The issue's sheet: titled 调解案件 with ordinary headers; 日期 alone once made it 9 联席例会."""
    headers = ["序号", "村（社区）", "姓名", "身份证号", "日期", "备注"]
    rows = [headers] + [[n, VILLAGES[n], f"村民{n}", None, f"2023-0{n}-1{n}", ""] for n in range(1, 10)]
    path = plain_sheet(tmp_path / "调解.xlsx", "调解案件", rows)
    with pytest.raises(UserError) as caught:
        preview_import(town, path)
    assert "调解案件" in str(caught.value) and "当事人" in str(caught.value) and "联席例会" not in str(caught.value)
    assert main(["import", "--db", town_path(town), str(path)]) == 2
    assert queries.count(town, JOINT_MEETING) == 0 and queries.count(town, MEDIATION_CASE) == 0


def town_path(db) -> str:
    return db.execute("PRAGMA database_list").fetchone()[2]


def test_headers_mostly_foreign_are_refused_with_the_best_guess(town, tmp_path, capsys):
    headers = ["序号", "村（社区）", "姓名", "身份证号", "日期", "备注"]
    path = plain_sheet(tmp_path / "名单.xlsx", "Sheet1", [headers, [1, "赵村村", "张三", None, "2023-03-08", ""]])
    with pytest.raises(RegisterUnclear) as caught:
        preview_import(town, path)
    assert caught.value.guess is JOINT_MEETING
    message = str(caught.value)
    assert "联席例会" in message and "--register joint_meeting" in message and "姓名" in message
    assert main(["import", "--db", town_path(town), str(path)]) == 2
    assert "--register joint_meeting" in capsys.readouterr().err
    # chosen explicitly, it imports (the clerk knows it is a meeting list)
    assert main(["import", "--db", town_path(town), "--register", "joint_meeting", str(path)]) == 0
    assert queries.count(town, JOINT_MEETING) == 1


def test_village_list_changes_only_when_that_register_is_chosen(town, tmp_path, capsys):
    path = plain_sheet(tmp_path / "村.xlsx", "Sheet1", [["村(居)名称", "备注"], ["新庄村", ""], ["老庄村", "新设"]])
    with pytest.raises(RegisterUnclear):
        preview_import(town, path)
    assert main(["import", "--db", town_path(town), str(path)]) == 2
    assert set(queries.village_names(town)) == set(VILLAGES)
    assert main(["import", "--db", town_path(town), "--register", "village", str(path)]) == 0
    assert {"新庄村", "老庄村"} <= set(queries.village_names(town))


def test_headers_of_one_register_are_recognised_without_title_or_marker(town, tmp_path):
    headers = ["序号", "受理日期", "信访人", "层级", "状态", "办结日期", "备注"]
    path = plain_sheet(tmp_path / "x.xlsx", "Sheet1", [headers, [1, "2023-04-01", "王某", "到市", "已办结", "2023-04-20", ""]])
    preview = preview_import(town, path)
    assert preview.register is PETITION and preview.rows[0].valid and any("按表头" in n for n in preview.notes)


# --- 2. duplicates that are duplicates ---------------------------------------------------------


def test_different_records_on_the_same_day_are_not_duplicates(town, tmp_path):
    rows = [
        advisor_row("2023-06-12", "赵村村", "李明", people=5),
        advisor_row("2023-06-12", "中汤村", "李明", people=5),  # same day, type, quantity: another village
        advisor_row("2023-06-12", "上汤村", "王芳", people=5),
        advisor_row("2023-06-12", "赵村村", "李明", people=5),  # a real repeat of the first row
    ]
    path = fill_template(town, ADVISOR_WORK, tmp_path / "顾问工作.xlsx", rows)
    preview = preview_import(town, path)
    assert [row.duplicate_of for row in preview.rows[:3]] == ["", "", ""]
    assert preview.rows[3].duplicate_of == "与本文件第2行相同"
    assert commit_import(town, preview)["imported"] == 3

    petitions = [
        {"受理日期": "2023-07-03", "信访人": "刘某", "村(居)": "孙义村", "层级": "本镇", "状态": "在办"},
        {"受理日期": "2023-07-03", "信访人": "陈某", "村(居)": "堂沟村", "层级": "本镇", "状态": "在办"},
    ]
    preview = preview_import(town, fill_template(town, PETITION, tmp_path / "信访.xlsx", petitions))
    assert all(row.valid and not row.duplicate_of for row in preview.rows)
    assert commit_import(town, preview)["imported"] == 2

    # a row repeating a stored record says which record: one imported before (never again), one typed in (the clerk may take it)
    typed = records.insert(town, ADVISOR_WORK, dict(work_date="2023-06-20", advisor_type="村(居)法律顾问", advisor="王芳", village="堂沟村", work_type="走访", quantity=1))
    again = fill_template(town, ADVISOR_WORK, tmp_path / "又一份.xlsx", [rows[1], advisor_row("2023-06-13", "中汤村", "李明"), advisor_row("2023-06-20", "堂沟村", "王芳")])
    preview = preview_import(town, again)
    stored = town.execute("SELECT id FROM advisor_work WHERE village_id = (SELECT id FROM village WHERE name = '中汤村')").fetchone()[0]
    assert preview.rows[0].duplicate_of == f"已于 {audit.now()[:10]} 从“顾问工作.xlsx”导入（法律顾问工作第{stored}号）" and not preview.rows[0].repeatable
    assert not preview.rows[1].duplicate_of
    assert preview.rows[2].duplicate_of == f"与已有记录（法律顾问工作第{typed}号）相同" and preview.rows[2].repeatable
    assert len(preview.chosen_rows(include_duplicates=True)) == 2


def test_repeated_case_numbers_are_row_problems_and_the_commit_takes_the_rest(town, tmp_path):
    records.insert(town, MEDIATION_CASE, dict(case_no="（2023）赵人调字第1号", accepted="2023-01-05", village="赵村村", org="村调委会",
                                             dispute_type="邻里", parties="甲与乙", result="调解中"))  # fmt: skip
    rows = [
        case_row("2023-02-01", "张某与李某", 案件编号="（2023）赵人调字第2号"),
        case_row("2023-02-02", "王某与赵某", 案件编号="（2023）赵人调字第2号"),  # repeated in the file
        case_row("2023-02-03", "孙某与周某", 案件编号="（2023）赵人调字第1号"),  # already used by a stored case
        case_row("2023-02-04", "吴某与郑某", 案件编号="（2023）赵人调字第3号"),
    ]
    path = fill_template(town, MEDIATION_CASE, tmp_path / "赵村村_调解案件.xlsx", rows, village="赵村村")
    preview = preview_import(town, path)
    assert [row.valid for row in preview.rows] == [True, False, False, True]
    assert "与本文件第2行重复" in str(preview.rows[1].problems[0]) and str(preview.rows[1].problems[0]).startswith("第3行，A列“案件编号”")
    assert "已被已有记录" in str(preview.rows[2].problems[0])
    result = commit_import(town, preview)
    assert result["imported"] == 2 and queries.count(town, MEDIATION_CASE) == 3


def test_each_file_gets_its_own_outcome(town, tmp_path, capsys):
    good = fill_template(town, MEDIATION_CASE, tmp_path / "中汤村.xlsx", [case_row("2023-03-01", "甲与乙")], village="中汤村")
    partly = fill_template(town, MEDIATION_CASE, tmp_path / "上汤村.xlsx", [
        case_row("2023-03-02", "丙与丁", 案件编号="S-1"), case_row("2023-03-03", "戊与己", 案件编号="S-1"),
    ], village="上汤村")  # fmt: skip
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"")
    other = fill_template(town, PETITION, tmp_path / "信访.xlsx", [{"受理日期": "2023-03-04", "层级": "到县", "状态": "在办"}])
    status = main(["import", "--db", town_path(town), str(broken), str(good), str(partly), str(other)])
    output = capsys.readouterr()
    assert status == 2 and "坏文件.xlsx" in output.err
    assert queries.count(town, MEDIATION_CASE) == 2 and queries.count(town, PETITION) == 1
    assert "与本文件第2行重复" in output.out


# --- 3. re-import after a fix -------------------------------------------------------------------


def test_same_file_after_a_fix_imports_exactly_the_rows_not_yet_in(db_path, tmp_path, capsys):
    db = open_db(db_path)
    township_settings.save_settings(db, SETTINGS)
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGES[:3]])
    rows = [case_row("2023-04-01", "甲与乙", "赵村村"), case_row("2023-04-01", "丙与丁", "新建村"), case_row("2023-04-02", "戊与己", "中汤村")]
    path = fill_template(db, MEDIATION_CASE, tmp_path / "镇调解汇总.xlsx", rows)
    db.close()
    assert main(["import", "--db", str(db_path), str(path)]) == 1  # 新建村 is not in the list
    assert "不是本镇的村(居)" in capsys.readouterr().out
    db = open_db(db_path)
    assert queries.count(db, MEDIATION_CASE) == 2
    records.insert(db, VILLAGE, dict(name="新建村"))  # the clerk adds the missing village
    db.close()
    assert main(["import", "--db", str(db_path), str(path)]) == 0
    assert "导入调解案件 1 条" in capsys.readouterr().out
    assert main(["import", "--db", str(db_path), "--include-duplicates", str(path)]) == 0  # the same file twice adds nothing
    assert "没有导入任何记录" in capsys.readouterr().out
    db = open_db(db_path)
    assert sorted(r[0] for r in db.execute("SELECT parties FROM mediation_case")) == ["丙与丁", "戊与己", "甲与乙"]
    db.close()


def test_edited_records_are_not_imported_again(town, tmp_path):
    """After import the clerk corrects a record; the village sends the file again with one more row."""
    rows = [case_row("2023-04-03", "甲与乙"), case_row("2023-04-04", "丙与丁")]
    path = fill_template(town, MEDIATION_CASE, tmp_path / "孙义村.xlsx", rows, village="孙义村")
    assert commit_import(town, preview_import(town, path))["imported"] == 2
    first = town.execute("SELECT id FROM mediation_case WHERE parties = '甲与乙'").fetchone()[0]
    records.update(town, MEDIATION_CASE, first, dict(parties="甲某与乙某", summary="当事人姓名已核实"))
    path = fill_template(town, MEDIATION_CASE, tmp_path / "孙义村（补充）.xlsx", [*rows, case_row("2023-04-05", "戊与己")], village="孙义村")
    preview = preview_import(town, path)
    assert [bool(row.duplicate_of) for row in preview.rows] == [True, True, False]
    assert commit_import(town, preview, include_duplicates=True)["imported"] == 1
    assert queries.count(town, MEDIATION_CASE) == 3
    # a record deleted by the clerk may come in again from the file
    records.delete(town, MEDIATION_CASE, [first])
    assert [bool(row.duplicate_of) for row in preview_import(town, path).rows] == [False, True, True]


# --- 4. cell values --------------------------------------------------------------------------------


def test_error_values_huge_numbers_and_nan_are_refused_per_cell(town, tmp_path):
    rows = [
        case_row("2023-05-01", "甲与乙", 涉及人数=2, **{"涉及金额(元)": 111111}),
        case_row("2023-05-02", "丙与丁", 涉及人数=2, **{"涉及金额(元)": 222222}),
        case_row("2023-05-03", "戊与己", 涉及人数=2, **{"涉及金额(元)": 333333}),
        case_row("2023-05-04", "庚与辛", 涉及人数=5_000_000),
        case_row("2023-05-05", "壬与癸", 涉及人数=3, 简要案情="#N/A"),
        case_row("ERRCELL", "子与丑", 涉及人数=3),
    ]
    path = fill_template(town, MEDIATION_CASE, tmp_path / "赵村村.xlsx", rows, village="赵村村")
    patch_sheet_xml(path, {b"<v>111111</v>": b"<v>1e400</v>", b"<v>222222</v>": b"<v>NaN</v>", b"<v>333333</v>": b"<v>inf</v>"})
    column = {f.label: openpyxl.utils.get_column_letter(i) for i, f in enumerate(MEDIATION_CASE.fields, start=1)}
    patch_sheet_xml(path, {b't="inlineStr"><is><t>ERRCELL</t></is>': b't="e"><v>#DIV/0!</v>'})  # as Excel saves =1/0
    preview = preview_import(town, path)
    problems = {row.excel_row: [str(p) for p in row.problems] for row in preview.rows}
    amount = f"{column['涉及金额(元)']}列“涉及金额(元)”"
    assert any(amount in p and "过大" in p for p in problems[2])
    assert any(amount in p and "NaN" in p for p in problems[3])
    assert any(amount in p and "过大" in p for p in problems[4])
    assert any("涉及人数" in p and "不能大于 100,000" in p for p in problems[5])
    assert any("简要案情" in p and "#N/A" in p for p in problems[6])
    assert any(f"{column['受理日期']}列“受理日期”" in p and "#DIV/0!" in p for p in problems[7])
    assert not any("必填" in p for p in problems[7])  # an error value is not read as empty
    assert commit_import(town, preview)["imported"] == 0


def test_control_characters_removed_with_a_notice_and_long_text_refused(town, tmp_path):
    rows = [
        case_row("2023-06-01", "张三_x000B_与李四"),
        case_row("2023-06-02", "王五与赵六", 简要案情="长" * 10_001),
        case_row("2023-06-03", "当" * 256),
    ]
    path = fill_template(town, MEDIATION_CASE, tmp_path / "赵村村.xlsx", rows, village="赵村村")
    preview = preview_import(town, path)
    assert preview.rows[0].valid and preview.rows[0].clean["parties"] == "张三与李四"
    assert any("控制字符" in note and "2" in note for note in preview.notes)
    assert "10,000" in str(preview.rows[1].problems[0]) and "简要案情" in str(preview.rows[1].problems[0])
    assert "255" in str(preview.rows[2].problems[0])
    commit_import(town, preview)
    out = tmp_path / "导出.xlsx"
    assert main(["export", "--db", town_path(town), "--register", "mediation_case", "--out", str(out)]) == 0


def test_hidden_rows_and_sheets_are_listed_and_left_out_unless_chosen(town, tmp_path, capsys):
    rows = [case_row("2023-07-01", "甲与乙"), case_row("2023-07-02", "丙与丁"), case_row("2023-07-03", "戊与己")]
    path = fill_template(town, MEDIATION_CASE, tmp_path / "赵村村.xlsx", rows, village="赵村村",
                         change=lambda book, sheet: setattr(sheet.row_dimensions[3], "hidden", True))  # fmt: skip
    preview = preview_import(town, path)
    assert [row.hidden for row in preview.rows] == [False, True, False]
    assert any("第3行在文件中被隐藏" in note for note in preview.notes)
    assert len(preview.chosen_rows()) == 2
    assert preview_import(town, path, include_hidden=True).chosen_rows().__len__() == 3
    assert main(["import", "--db", town_path(town), str(path)]) == 0
    assert "隐藏 1 行（不导入）" in capsys.readouterr().out and queries.count(town, MEDIATION_CASE) == 2
    assert main(["import", "--db", town_path(town), "--include-hidden", str(path)]) == 0
    assert queries.count(town, MEDIATION_CASE) == 3  # the hidden row, and only it

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active["A1"] = "请看第二页"
    data = book.create_sheet("信访登记")
    data.append(["受理日期", "层级", "状态"])
    data.append(["2023-08-01", "到市", "在办"])
    data.sheet_state = "hidden"
    hidden_sheet = tmp_path / "隐藏页.xlsx"
    book.save(hidden_sheet)
    with pytest.raises(UserError, match="隐藏的工作表：信访登记"):
        preview_import(town, hidden_sheet)
    assert preview_import(town, hidden_sheet, include_hidden=True).register is PETITION


def test_xls_named_xlsx_imports(town, tmp_path):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("执法人员")
    for column, header in enumerate(["姓名", "单位/科室", "是否执法岗位", "人员类别"]):
        sheet.write(0, column, header)
    for row, values in enumerate([["王某", "综合执法大队", "是", "在编人员"], ["李某", "自然资源所", "是", "在编人员"]], start=1):
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    path = tmp_path / "执法人员.xlsx"  # really .xls, as WPS and e-mail leave them
    book.save(str(path))
    preview = preview_import(town, path)
    assert preview.register is ENFORCEMENT_STAFF and [row.valid for row in preview.rows] == [True, True]


def test_xls_error_cells_and_hidden_rows_are_seen(town, tmp_path):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("信访")
    for column, header in enumerate(["受理日期", "信访人", "层级", "状态"]):
        sheet.write(0, column, header)
    for row, values in enumerate([["2023-02-01", "刘某", "本镇", "在办"], ["2023-02-02", None, "到县", "在办"], ["2023-02-03", "陈某", "到市", "在办"]], start=1):
        for column, value in enumerate(values):
            if value is not None:
                sheet.write(row, column, value)
    sheet.row(2).set_cell_error(1, 0x2A)  # #N/A in 信访人 of Excel row 3
    sheet.row(3).hidden = True
    path = tmp_path / "信访.xls"
    book.save(str(path))
    preview = preview_import(town, path)
    assert [row.valid for row in preview.rows] == [True, False, True]
    assert str(preview.rows[1].problems[0]).startswith("第3行，B列“信访人”") and "#N/A" in str(preview.rows[1].problems[0])
    assert [row.hidden for row in preview.rows] == [False, False, True]
    assert len(preview.chosen_rows()) == 1


# --- 5. exit codes --------------------------------------------------------------------------------


def test_exit_codes(town, tmp_path, capsys):
    path = town_path(town)
    good = fill_template(town, MEDIATION_CASE, tmp_path / "好.xlsx", [case_row("2023-09-01", "甲与乙")], village="寺沟村")
    partly = fill_template(town, MEDIATION_CASE, tmp_path / "部分.xlsx", [case_row("2023-09-02", "丙与丁"), case_row("2023-09-03", "")], village="寺沟村")
    refused = tmp_path / "空.xlsx"
    refused.write_bytes(b"")
    assert main(["import", "--db", path, "--check", str(partly)]) == 1
    assert main(["import", "--db", path, str(good)]) == 0
    assert main(["import", "--db", path, str(partly)]) == 1
    assert main(["import", "--db", path, str(refused)]) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = capsys.readouterr().out
    assert "退出码" in text and "\n0 全部行已导入" in text and "\n1 有的行有问题" in text and "\n2 有文件整个无法导入" in text


def test_number_bounds_and_text_limits_live_in_the_description_and_the_template_guide(town, tmp_path):
    from zhaocun_desktop.registers import EXCEL_CELL_LIMIT, REGISTERS, Kind

    for register in REGISTERS:
        for field in register.fields:
            if field.kind in (Kind.INT, Kind.MONEY):
                assert field.upper_bound is not None and field.upper_bound < 1e12, field
            assert field.length_limit <= EXCEL_CELL_LIMIT
    path = write_template(town, MEDIATION_CASE, tmp_path / "t.xlsx")
    guide = {row[0]: row[2] for row in openpyxl.load_workbook(path)["填写说明"].iter_rows(values_only=True) if row and row[0]}
    assert "0 至 100,000" in guide["涉及人数"] and "不超过 10,000 字" in guide["简要案情"]


def test_a_date_cell_beyond_any_calendar_refuses_the_file_naming_its_row(town, tmp_path, capsys):
    def absurd_date(book, sheet):
        sheet["A4"].number_format = "[h]:mm:ss"  # calamine converts it while building row 4 and overflows
        sheet["A4"].value = -1e10

    rows = [dict(日期="2023-03-01", 议题="排查矛盾"), dict(日期="2023-04-01", 议题="排查矛盾")]
    path = fill_template(town, JOINT_MEETING, tmp_path / "例会.xlsx", rows, change=absurd_date)
    with pytest.raises(UserError, match="第4行.*日期或时间格式"):
        preview_import(town, path)
    assert main(["import", "--db", town_path(town), str(path)]) == 2
    assert "第4行" in capsys.readouterr().err
    assert queries.count(town, JOINT_MEETING) == 0

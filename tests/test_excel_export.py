"""Templates and exports written for real and read back; the full round trip between databases."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from zhaocun_desktop import audit, queries, records
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.importing import commit_import, preview_import
from zhaocun_desktop.excel.writing import PERSONAL_NOTE, template_registers, write_all_templates, write_export, write_template
from zhaocun_desktop.queries import RecordList, RecordQuery
from zhaocun_desktop.registers import MEDIATION_CASE, REGISTERS, VILLAGE, Kind

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def demo_db(db):
    fill_demo(db)
    return db


def test_template_follows_the_description(demo_db, tmp_path):
    path = write_template(demo_db, MEDIATION_CASE, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert set(book.sheetnames) == {"填写说明", "调解案件", "选项", "模板信息", *(child.title for child in MEDIATION_CASE.children)}
    assert {"当事人", "调查", "调解", "履行", "回访", "归档材料"} <= set(book.sheetnames)
    assert book["模板信息"].sheet_state == "hidden" and book["模板信息"]["B2"].value == "mediation_case"
    assert book["选项"].sheet_state == "hidden"
    sheet = book["调解案件"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [f"{f.label}*" if f.required else f.label for f in MEDIATION_CASE.fields]
    from openpyxl.utils import get_column_letter

    column = {f.key: sheet.column_dimensions[get_column_letter(i + 1)] for i, f in enumerate(MEDIATION_CASE.fields)}
    assert column["parties"].number_format == "@"
    parties = book["当事人"]
    party_headers = [cell.value for cell in parties[1]]
    assert party_headers[0] == "案件编号*" and "身份证号" in party_headers
    party_columns = {header.rstrip("*"): get_column_letter(i + 1) for i, header in enumerate(party_headers)}
    assert parties.column_dimensions[party_columns["身份证号"]].number_format == "@"
    assert parties.column_dimensions[party_columns["联系方式"]].number_format == "@"
    assert column["accepted"].number_format == "yyyy-mm-dd"
    assert sheet.cell(1, 1).protection.locked and not column["case_no"].protection.locked
    assert sheet.protection.sheet
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    for field in MEDIATION_CASE.fields:
        if field.kind in (Kind.CHOICE, Kind.BOOL, Kind.VILLAGE):
            assert f"=list_{field.key}" in formulas, field.key
    assert "list_dispute_type" in book.defined_names
    choices = [c.value for c in book["选项"]["A"] if c.value]
    assert choices[0] == "村(居)"  # the first list column holds the villages
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert sheet.freeze_panes == "A2"


def test_village_template_has_its_village_filled_and_locked(demo_db, tmp_path):
    path = write_template(demo_db, MEDIATION_CASE, tmp_path / "t.xlsx", village="赵村村")
    sheet = openpyxl.load_workbook(path)["调解案件"]
    column = [f.key for f in MEDIATION_CASE.fields].index("village") + 1
    assert sheet.cell(2, column).value == "赵村村" and sheet.cell(2, column).protection.locked
    assert sheet.cell(501, column).value == "赵村村"
    with pytest.raises(UserError, match="不是本镇的村"):
        write_template(demo_db, MEDIATION_CASE, tmp_path / "x.xlsx", village="外镇村")


def test_one_action_writes_every_template(demo_db, tmp_path):
    written = write_all_templates(demo_db, tmp_path / "模板")
    per_village = [r for r in template_registers() if r.village_field]
    township = [r for r in template_registers() if not r.village_field]
    assert len(written) == 29 * len(per_village) + len(township)
    assert (tmp_path / "模板" / "赵村村_调解案件.xlsx").is_file() and (tmp_path / "模板" / "执法人员.xlsx").is_file()


def test_export_masks_personal_data_unless_asked(demo_db, tmp_path):
    masked = tmp_path / "masked.xlsx"
    count = write_export(demo_db, MEDIATION_CASE, masked)
    book = openpyxl.load_workbook(masked)
    sheet, parties = book.active, book["当事人"]
    assert "已遮盖" in sheet["A2"].value and f"共 {count} 条" in sheet["A2"].value
    id_column = [c.value for c in parties[1]].index("身份证号") + 1
    numbers = [row[0].value for row in parties.iter_rows(min_row=2, min_col=id_column, max_col=id_column) if row[0].value]
    assert numbers and all("********" in number for number in numbers)
    assert not [r for r in audit.audit_rows(demo_db, MEDIATION_CASE.key) if r["action"] == "export"]

    full = tmp_path / "full.xlsx"
    write_export(demo_db, MEDIATION_CASE, full, reveal=True)
    book = openpyxl.load_workbook(full)
    sheet, parties = book.active, book["当事人"]
    numbers = [row[0].value for row in parties.iter_rows(min_row=2, min_col=id_column, max_col=id_column) if row[0].value]
    assert PERSONAL_NOTE in sheet["A2"].value and numbers and not any("*" in number for number in numbers)
    exports = [r for r in audit.audit_rows(demo_db, MEDIATION_CASE.key) if r["action"] == "export"]
    assert len(exports) == 1 and "full.xlsx" in exports[0]["note"]


def test_export_writes_exactly_the_filtered_rows_in_table_order(demo_db, tmp_path):
    query = RecordQuery(year=2023, village="赵村村", sort_key="parties")
    path = tmp_path / "e.xlsx"
    count = write_export(demo_db, MEDIATION_CASE, path, query)
    listing = RecordList(demo_db, MEDIATION_CASE, query, ["parties"])
    assert count == listing.count > 0
    sheet = openpyxl.load_workbook(path).active
    assert "2023年" in sheet["A1"].value and "赵村村" in sheet["A1"].value
    parties_column = [f.key for f in MEDIATION_CASE.fields].index("parties")
    exported = [row[parties_column] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert exported == [row[1] for row in listing.rows(0, count)]


@pytest.mark.parametrize("register", [r for r in REGISTERS if r is not VILLAGE], ids=lambda r: r.key)
def test_round_trip_between_databases(demo_db, tmp_path, register):
    path = tmp_path / f"{register.key}.xlsx"
    write_export(demo_db, register, path, reveal=True)
    fresh = open_db(tmp_path / "fresh.db")
    records.insert_many(fresh, VILLAGE, [dict(name=v) for v in queries.village_names(demo_db)])
    preview = preview_import(fresh, path, register)
    assert not preview.problems
    commit_import(fresh, preview, include_duplicates=True)
    columns = ", ".join(register.keys)
    before = sorted(map(repr, demo_db.execute(f"SELECT {columns} FROM {register.key}").fetchall()))
    after = sorted(map(repr, fresh.execute(f"SELECT {columns} FROM {register.key}").fetchall()))
    fresh.close()
    assert after == before


def test_masked_export_does_not_import_as_if_complete(demo_db, tmp_path):
    path = tmp_path / "masked.xlsx"
    write_export(demo_db, MEDIATION_CASE, path)
    fresh = open_db(tmp_path / "fresh.db")
    preview = preview_import(fresh, path)
    fresh.close()
    assert preview.problems and "已被遮盖" in str(preview.problems[0])


def test_saving_over_an_open_workbook_gives_a_message(demo_db, tmp_path, monkeypatch):
    import os

    def locked(source, target):  # Windows refuses to replace a file that Excel holds open
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(UserError, match="正在 Excel 或 WPS 中打开"):
        write_export(demo_db, MEDIATION_CASE, tmp_path / "e.xlsx")
    with pytest.raises(UserError, match="正在 Excel 或 WPS 中打开"):
        write_template(demo_db, MEDIATION_CASE, tmp_path / "t.xlsx")
    assert not list(tmp_path.glob("*.xlsx")), "no half-written file is left behind"


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is installed by .ci/run")
def test_libreoffice_opens_and_prints_template_and_export(demo_db, tmp_path):
    template = write_template(demo_db, MEDIATION_CASE, tmp_path / "模板.xlsx", village="赵村村")
    export = tmp_path / "导出.xlsx"
    write_export(demo_db, MEDIATION_CASE, export)
    profile = tmp_path / "lo"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(template), str(export)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    for name in ("模板.pdf", "导出.pdf"):
        text = subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True, text=True).stdout
        assert "调解案件" in text and "受理日期" in text


@pytest.mark.skipif(not (SOFFICE and shutil.which("pdftotext")), reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_a_500_row_export_and_a_template_print_readably(demo_db, tmp_path):
    from report_data import case
    from xlsx_print import pages, points_per_height, render, smallest_pt

    count = RecordList(demo_db, MEDIATION_CASE, RecordQuery()).count
    records.insert_many(demo_db, MEDIATION_CASE, [case(f"2023-{i % 12 + 1:02d}-15", "赵村村", "村调委会", "调解成功") for i in range(500 - count)])
    assert write_export(demo_db, MEDIATION_CASE, tmp_path / "导出.xlsx") == 500
    sheet = openpyxl.load_workbook(tmp_path / "导出.xlsx").active
    assert sheet.print_area.endswith("$503") and sheet.print_title_rows == "$3:$3" and sheet.print_title_cols == "$A:$B"
    scale = points_per_height(tmp_path)
    printed = pages(render(tmp_path / "导出.xlsx", tmp_path))
    size = smallest_pt(tmp_path / "导出.pdf", scale)
    assert size >= 9, size
    first, second = (MEDIATION_CASE.fields[0].label, MEDIATION_CASE.fields[1].label)
    child_headers = [child.fields[0].label for child in MEDIATION_CASE.children]  # 当事人, 回访 sheets follow the cases
    assert all(first in text for text in printed)  # 案件编号 leads every page, on the child sheets too
    case_pages = [text for text in printed if second in text]
    assert all(second in text or any(label in text for label in child_headers) for text in printed)  # a header on every page
    # the case's life made it 40 columns, some of them wide (协议内容, 各方责任…): about 900 px of columns a landscape page
    across = -(-sum(field.width for field in MEDIATION_CASE.fields) // 900)
    assert len(case_pages) <= across * (500 // 25 + 1)  # at least 25 rows a page
    print(f"500-row export of {MEDIATION_CASE.title} ({len(MEDIATION_CASE.fields)} columns): {len(printed)} pages, smallest font {size} pt")

    write_template(demo_db, MEDIATION_CASE, tmp_path / "模板.xlsx", village="赵村村")
    template_pages = pages(render(tmp_path / "模板.xlsx", tmp_path))
    # the guide, a one-page-high blank form (``across`` pages wide) and the 当事人/回访 forms, not 500 prefilled rows
    assert len(template_pages) <= 3 + across + 2 * len(MEDIATION_CASE.children)
    assert smallest_pt(tmp_path / "模板.pdf", scale) >= 9


def test_the_ruled_rows_of_a_template_stay_open_and_text_formatted(demo_db, tmp_path):
    from openpyxl.utils import get_column_letter

    from zhaocun_desktop.registers import ENFORCEMENT_STAFF

    staff = openpyxl.load_workbook(write_template(demo_db, ENFORCEMENT_STAFF, tmp_path / "s.xlsx"))[ENFORCEMENT_STAFF.title]
    phone_column = get_column_letter(ENFORCEMENT_STAFF.keys.index("phone") + 1)  # a number typed as a number would lose digits
    assert staff[f"{phone_column}2"].number_format == "@" and not staff[f"{phone_column}2"].protection.locked
    assert staff[f"{phone_column}2"].border.left.style == "thin"
    sheet = openpyxl.load_workbook(write_template(demo_db, MEDIATION_CASE, tmp_path / "t.xlsx", village="赵村村"))["调解案件"]
    village_column = get_column_letter(MEDIATION_CASE.keys.index("village") + 1)
    assert sheet[f"{village_column}2"].value == "赵村村" and sheet[f"{village_column}2"].protection.locked
    assert sheet.print_area.endswith("$31")

"""Exports, templates and the summary written from hostile stored values, re-opened with openpyxl:
no formula, no failure, no unmasked number in a masked export."""

from __future__ import annotations

import re

import openpyxl
import pytest

from zhaocun_desktop import queries, records
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.excel.importing import preview_import
from zhaocun_desktop.excel.writing import EXCEL_MAX_TEXT, FORMULA_STARTS, excel_value, write_all_templates, write_export, write_template
from zhaocun_desktop.queries import RecordQuery
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE
from zhaocun_desktop.summary import write_summary
from zhaocun_desktop.values import mask_numbers

FULL_ID = "410423199003081234"
MOBILE = "13800138000"
FORMULA = '=HYPERLINK("http://example.invalid/x","点我")'
HOSTILE_TEXTS = [FORMULA, "+1+2", "-3+4", "@SUM(A1:A2)", "＝1+1", "＋86", "－5", "＠A1", "正常\x0b文字\x00尾", "长" * (EXCEL_MAX_TEXT + 100)]


def _store_hostile_case(db, id_number=None, phone=None, **values) -> None:
    """A case (and its party holding any numbers) written straight into the tables, as an older
    version or another tool may have left it."""
    row = dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解成功", created_at="2023-05-06T09:00:00", updated_at="2023-05-06T09:00:00")
    row.update(values)
    columns = ", ".join(row)
    case_id = db.execute(f"INSERT INTO mediation_case ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values())).lastrowid
    if id_number or phone:
        db.execute("INSERT INTO mediation_party (case_id, role, name, id_number, phone) VALUES (?, '申请人', ?, ?, ?)", [case_id, row["parties"], id_number, phone])


@pytest.fixture
def hostile_db(db):
    fill_demo(db)
    for number, text in enumerate(HOSTILE_TEXTS):
        _store_hostile_case(db, parties=text, note=text, summary=text, case_no=f"恶意{number}")
    _store_hostile_case(db, amount=float("inf"), case_no="无穷")
    _store_hostile_case(db, parties="丙", note=f"身份证{FULL_ID}，电话{MOBILE}，座机0375-1234567", id_number=FULL_ID, phone=MOBILE, case_no="含号码")
    db.execute("INSERT INTO village (name, created_at, updated_at) VALUES (?, '2023-01-01', '2023-01-01')", [FORMULA])
    db.execute("INSERT INTO setting (key, value) VALUES ('town', '=1+1镇') ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    return db


def _cells(path):
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def _assert_no_formula(path) -> int:
    """Every cell is data; formula-like text is stored as text with the quote prefix. Returns how many such cells."""
    literal = 0
    for title, cell in _cells(path):
        assert cell.data_type != "f", (title, cell.coordinate, cell.value)
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            assert cell.data_type == "s" and cell.quotePrefix, (title, cell.coordinate, cell.value)
            literal += 1
        if isinstance(cell.value, str):
            assert len(cell.value) <= EXCEL_MAX_TEXT
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell.value)
    return literal


def test_our_illegal_characters_are_openpyxls():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from zhaocun_desktop.excel.writing import ILLEGAL_CHARACTERS

    every = "".join(map(chr, range(0x3000)))
    assert ILLEGAL_CHARACTERS.sub("", every) == ILLEGAL_CHARACTERS_RE.sub("", every)


def test_excel_value_cleans_and_masks():
    assert excel_value("a\x0bb\x00") == "ab"
    assert len(excel_value("x" * 40000)) == EXCEL_MAX_TEXT
    assert excel_value(float("inf")) == "inf" and excel_value(12.5) == 12.5
    assert mask_numbers(f"号{FULL_ID}，{MOBILE}；0375-1234567；案号2023001") == "号410423********1234，138****8000；0375-***4567；案号2023001"


def test_export_writes_hostile_values_as_text(hostile_db, tmp_path):
    for reveal in (False, True):
        path = tmp_path / f"export_{reveal}.xlsx"
        count = write_export(hostile_db, MEDIATION_CASE, path, reveal=reveal)
        assert count == queries.count(hostile_db, MEDIATION_CASE)
        # the formula-like texts of the 8 hostile rows, in three columns each, plus the title
        assert _assert_no_formula(path) >= 8 * 3 + 1
        texts = [cell.value for _, cell in _cells(path) if isinstance(cell.value, str)]
        assert FORMULA in texts and "正常文字尾" in texts and "inf" in texts


def test_template_and_summary_write_hostile_names_as_text(hostile_db, tmp_path):
    path = write_template(hostile_db, MEDIATION_CASE, tmp_path / "t.xlsx")
    assert _assert_no_formula(path) >= 2  # the village in the hidden list, the town in the title
    village_path = write_template(hostile_db, MEDIATION_CASE, tmp_path / "v.xlsx", village=FORMULA)
    assert _assert_no_formula(village_path) >= 500  # the village filled into every prepared row
    for written in write_all_templates(hostile_db, tmp_path / "all"):
        _assert_no_formula(written)
    summary = write_summary(hostile_db, 2023, tmp_path / "s.xlsx")
    assert _assert_no_formula(summary) >= 3  # town in titles, the village in rows


def test_masked_export_shows_no_full_number_anywhere(hostile_db, tmp_path):
    search = MOBILE  # the search text is printed in the title
    path = tmp_path / "masked.xlsx"
    count = write_export(hostile_db, MEDIATION_CASE, path, RecordQuery(search=search))
    assert count == 1
    stored = {row[0] for row in hostile_db.execute("SELECT id_number FROM mediation_party WHERE id_number IS NOT NULL")}
    stored |= {row[0] for row in hostile_db.execute("SELECT phone FROM mediation_party WHERE phone IS NOT NULL")}
    checked = 0
    for _, cell in _cells(path):
        text = str(cell.value)
        assert not re.search(r"\d{11,}", text), (cell.coordinate, text)
        assert not any(number in text for number in stored), (cell.coordinate, text)
        checked += 1
    assert checked > 10
    title = openpyxl.load_workbook(path).worksheets[0]["A1"].value
    assert "138****8000" in title
    full = write_export(hostile_db, MEDIATION_CASE, tmp_path / "full.xlsx", RecordQuery(search=search), reveal=True)
    assert full == 1
    assert any(FULL_ID in str(cell.value) for _, cell in _cells(tmp_path / "full.xlsx"))


def test_masked_export_of_the_whole_demo_year(hostile_db, tmp_path):
    path = tmp_path / "all.xlsx"
    write_export(hostile_db, MEDIATION_CASE, path)
    full_numbers = {row[0] for row in hostile_db.execute("SELECT id_number FROM mediation_party WHERE id_number IS NOT NULL UNION SELECT phone FROM mediation_party WHERE phone IS NOT NULL")}
    assert len(full_numbers) > 10
    for _, cell in _cells(path):
        assert not any(number in str(cell.value) for number in full_numbers), cell.coordinate


def test_exported_formula_text_imports_back_as_text(db, tmp_path):
    records.insert(db, VILLAGE, dict(name="赵村村"))
    record_id = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中", note=FORMULA))
    assert queries.get(db, MEDIATION_CASE, record_id)["note"] == FORMULA
    path = tmp_path / "e.xlsx"
    write_export(db, MEDIATION_CASE, path, reveal=True)
    preview = preview_import(db, path, MEDIATION_CASE)
    notes = [row.clean.get("note") for row in preview.valid_rows]
    assert notes == [FORMULA]


def test_any_text_is_written_as_the_same_text_never_a_formula(tmp_path):
    """Property: whatever text is stored, the written cell reads back as that text (cleaned), as data."""
    import io

    from hypothesis import HealthCheck, given, settings, strategies as st
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from python_calamine import CalamineWorkbook

    from zhaocun_desktop.excel.writing import put, row_for

    starts = st.sampled_from(["", *FORMULA_STARTS, "'", " ", "\t"])
    texts = st.builds(lambda a, b: a + b, starts, st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(texts)
    def check(text):
        expected = ILLEGAL_CHARACTERS_RE.sub("", text)
        for write_only in (False, True):
            book = Workbook(write_only=write_only)
            if write_only:
                sheet = book.create_sheet("表")
                sheet.append(row_for(sheet, [text]))
            else:
                sheet = book.active
                put(sheet.cell(1, 1), text)
            buffer = io.BytesIO()
            book.save(buffer)
            buffer.seek(0)
            cell = openpyxl.load_workbook(buffer).worksheets[0]["A1"]
            assert cell.data_type != "f"
            assert (cell.value or "") == expected
            buffer.seek(0)
            read = CalamineWorkbook.from_filelike(buffer).get_sheet_by_index(0).to_python()  # what our importer reads
            assert (read[0][0] if read and read[0] else "") == expected

    check()

"""Random cell values through template → import → export → import (hypothesis).

Whatever a village types (text with control characters, formula-like text, numbers including
inf, NaN and 1e400, dates, Excel error values), the import never raises anything but a
``UserError``; every row is either imported, and then identical after an export and a second
import, or refused with a Chinese message naming its row and column.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, event, example, given, settings, strategies as st

from zhaocun_desktop import records
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.importing import commit_import, preview_import
from zhaocun_desktop.excel.writing import write_export, write_template
from zhaocun_desktop.queries import RecordQuery
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE
from zhaocun_desktop.values import EXCEL_ERRORS

VILLAGES = ["赵村村", "中汤村", "上汤村"]
BASE = {"受理日期": "2023-03-08", "村(居)": "赵村村", "调解组织": "村调委会", "纠纷类型": "邻里", "当事人": "张三与李四", "调解结果": "调解中"}
LABELS = [f.label for f in MEDIATION_CASE.fields]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
WHERE = re.compile(r"^第(\d+)行，([A-Z]+)列“([^”]+)”：")


class Special:
    """A value openpyxl cannot write itself: patched into the sheet's XML after saving."""

    def __init__(self, xml: bytes):
        self.xml = xml

    def __repr__(self) -> str:
        return f"Special({self.xml!r})"


text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
).filter(lambda t: "_x" not in t)  # "_x000B_" is how a workbook escapes a control character
formula_like = st.builds(lambda head, tail: head + tail, st.sampled_from(["=", "+", "-", "@", "＝", "=HYPERLINK(\"http://x\",\"点我\")"]), text)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
non_finite = st.sampled_from([b"inf", b"-inf", b"NaN", b"1e400", b"-1e400"]).map(lambda v: Special(b't="n"><v>' + v + b"</v>"))
errors = st.sampled_from(sorted(EXCEL_ERRORS)).map(lambda v: Special(b't="e"><v>' + v.encode() + b"</v>"))
dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 1, 1))
typed_dates = dates.map(lambda d: f"{d.year}年{d.month}月{d.day}日")
long_text = st.integers(min_value=250, max_value=12_000).map(lambda n: "长" * n)
value = st.one_of(text, formula_like, numbers, non_finite, errors, dates, typed_dates, long_text, st.sampled_from(["是", "否", "书面", "调解成功", "赵村村", "13800138000", "11010519491231002X"]))
any_change = st.dictionaries(st.sampled_from(LABELS), value, max_size=5)
# text columns take any text: these rows are mostly valid, so they reach the export leg
TEXT_LABELS = [f.label for f in MEDIATION_CASE.fields if f.kind.value in ("text", "memo")]
text_change = st.dictionaries(st.sampled_from(TEXT_LABELS), st.one_of(text, formula_like), max_size=4)
row = st.one_of(any_change, text_change).map(lambda changes: {**BASE, **changes})


def write_rows(db, path: Path, rows: list[dict]) -> Path:
    """The program's template filled with ``rows``; text is written as text, as a village types it."""
    write_template(db, MEDIATION_CASE, path)
    book = openpyxl.load_workbook(path)
    sheet = book[MEDIATION_CASE.title]
    column = {str(cell.value).rstrip("*"): cell.column for cell in sheet[1]}
    patches = {}
    for number, values in enumerate(rows, start=2):
        for label, item in values.items():
            cell = sheet.cell(number, column[label])
            if isinstance(item, Special):
                marker = f"PATCH{len(patches)}X"
                cell.value = marker
                patches[f't="inlineStr"><is><t>{marker}</t></is>'.encode()] = item.xml
            elif isinstance(item, str):
                # openpyxl refuses control characters; a workbook holds them escaped as _xHHHH_
                cell.value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", item)
                cell.data_type = "s"  # formula-like text stays text, as typed into a text cell
            else:
                cell.value = item
    book.save(path)
    if patches:
        with zipfile.ZipFile(path) as archive:
            items = {name: archive.read(name) for name in archive.namelist()}
        for old, new in patches.items():
            assert old in items["xl/worksheets/sheet2.xml"]
            items["xl/worksheets/sheet2.xml"] = items["xl/worksheets/sheet2.xml"].replace(old, new)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in items.items():
                archive.writestr(name, data)
    return path


def fresh_db(folder: Path, name: str):
    db = open_db(folder / name)
    records.insert_many(db, VILLAGE, [dict(name=v) for v in VILLAGES])
    return db


def stored(db) -> list[tuple]:
    keys = MEDIATION_CASE.keys
    return sorted((tuple(r[k] for k in keys) for r in db.query(f"SELECT {', '.join(keys)} FROM mediation_case")), key=repr)


_counter = iter(range(10**9))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=3))
# found by this test in CI: a whole number in the one-line 当事人 column became the party "-281854.0" (the
# summary kept "-281854"), and an over-long party name was reported without the column to fix it in
@example(rows=[{**BASE, "当事人": -281854}])
@example(rows=[{**BASE, "当事人": "长" * 256}])
def test_random_cells_round_trip_or_are_refused_by_row_and_column(tmp_path, rows):
    folder = tmp_path / f"case{next(_counter)}"
    folder.mkdir()
    first = fresh_db(folder, "一.db")
    path = write_rows(first, folder / "村.xlsx", rows)
    try:
        preview = preview_import(first, path)
    except UserError as error:  # the whole file refused: said in Chinese
        event("file refused")
        assert CHINESE.search(str(error))
        first.close()
        return
    letters = {f.label: openpyxl.utils.get_column_letter(i) for i, f in enumerate(MEDIATION_CASE.fields, start=1)}
    assert [r.excel_row for r in preview.rows] == list(range(2, 2 + len(preview.rows)))
    for preview_row in preview.rows:
        for problem in preview_row.problems:
            where = WHERE.match(str(problem))
            assert where, str(problem)
            assert int(where.group(1)) == preview_row.excel_row and letters[where.group(3)] == where.group(2)
            assert CHINESE.search(problem.message)
    commit_import(first, preview, include_duplicates=True)
    imported = stored(first)
    assert len(imported) == sum(1 for r in preview.rows if r.valid and (r.repeatable or not r.duplicate_of))

    event(f"{len(imported)} of {len(preview.rows)} rows imported, exported and imported again")
    export = folder / "导出.xlsx"
    write_export(first, MEDIATION_CASE, export, RecordQuery(), reveal=True)
    second = fresh_db(folder, "二.db")
    again = preview_import(second, export, MEDIATION_CASE)
    assert not again.problems, [str(p) for p in again.problems]
    commit_import(second, again, include_duplicates=True)
    assert stored(second) == imported  # every value identical after the round trip
    first.close()
    second.close()


def test_the_strategy_reaches_the_hostile_values(tmp_path):
    """The special values really arrive in the file as Excel would store them."""
    db = fresh_db(tmp_path, "x.db")
    path = write_rows(db, tmp_path / "x.xlsx", [{**BASE, "涉及金额(元)": Special(b't="n"><v>1e400</v>'), "简要案情": Special(b't="e"><v>#REF!</v>'), "备注": "a\x0bb"}])
    preview = preview_import(db, path)
    messages = [str(p) for p in preview.rows[0].problems]
    assert any("涉及金额" in m and "过大" in m for m in messages) and any("#REF!" in m for m in messages)
    assert any("控制字符" in note for note in preview.notes)
    db.close()


def test_formula_like_text_round_trips_as_text(tmp_path):
    db = fresh_db(tmp_path, "x.db")
    rows = [{**BASE, "当事人": '=HYPERLINK("http://x","点我")'}, {**BASE, "当事人": "-张三", "备注": "+1"}, {**BASE, "当事人": "@李四"}]
    preview = preview_import(db, write_rows(db, tmp_path / "x.xlsx", rows))
    assert all(r.valid for r in preview.rows)
    commit_import(db, preview)
    write_export(db, MEDIATION_CASE, tmp_path / "e.xlsx", RecordQuery(), reveal=True)
    second = fresh_db(tmp_path, "y.db")
    commit_import(second, preview_import(second, tmp_path / "e.xlsx", MEDIATION_CASE))
    assert stored(second) == stored(db)
    db.close()
    second.close()

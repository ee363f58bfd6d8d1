"""Hostile workbooks on the program's own templates (hypothesis): blank rows between, a stray cell far
out, a header written twice or deleted, 当事人 sheets whose keys differ a little, 1904 workbooks, every
date and number form.

The property: an import either refuses with a named reason and writes nothing, or reads every row the
village wrote and writes exactly the rows it reports, with each date on the workbook's own epoch; never
any other exception, never an abort (a stray cell at XFD1048576 used to abort the process), and the
database passes integrity_check afterwards."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings, strategies as st

from tests.hostile_books import DATE_FORMS, VILLAGES, Book, date_cell, set_up_town
from zhaocun_desktop import queries
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.importing import commit_import, preview_import
from zhaocun_desktop.registers import MEDIATION_CASE, PARTY, PETITION

NAMES = [f"{family}{given}" for family in "张王李赵刘陈杨黄周吴" for given in ("明华", "建国", "秀英", "志强", "桂兰", "海燕")]
STRAYS = (None, None, "XFD1048576", "IW7", "ZZ3", "A1048576")  # beyond IV: left out with a note; A1048576: refused
KEYS = (None, "exact", "width", "numeric", "typo", "partial")
COUNT_FORMS = {"number": lambda n: n, "float": float, "text": str, "人": lambda n: f"{n}人", "full width": lambda n: chr(0xFF10 + n)}


@st.composite
def books(draw):
    case = draw(st.booleans())
    count = draw(st.integers(min_value=1, max_value=5))
    date1904 = draw(st.booleans())
    days = draw(st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31)), min_size=count, max_size=count))
    forms = draw(st.lists(st.sampled_from(DATE_FORMS), min_size=count, max_size=count))
    places = draw(st.lists(st.sampled_from(VILLAGES[:3] + ["镇政府"]), min_size=count, max_size=count))
    gaps = draw(st.lists(st.sampled_from((0, 0, 1, 3, 600)), min_size=count, max_size=count))
    keys = draw(st.sampled_from(KEYS)) if case else None
    rows, expected = [], []
    for index in range(count):
        day = date_cell(days[index], forms[index], date1904)
        if case:
            number = 1001 + index if keys == "numeric" else f"（2023）赵人调字第{index + 1}号"
            village = places[index] if places[index] != "镇政府" else VILLAGES[3]  # a case's village is required: always one of them
            rows.append({"案件编号": number, "受理日期": day, "村(居)": village, "调解组织": "村调委会", "纠纷类型": "邻里",
                         "当事人": f"{NAMES[2 * index]}、{NAMES[2 * index + 1]}", "调解结果": "调解中"})  # fmt: skip
        else:
            people = draw(st.integers(min_value=1, max_value=9))
            form = draw(st.sampled_from(sorted(COUNT_FORMS)))
            rows.append({"受理日期": day, "信访人": NAMES[index], "村(居)": places[index], "层级": "本镇", "人次": COUNT_FORMS[form](people),
                         "事由": f"反映宅基地问题{index}", "状态": "在办"})  # fmt: skip
            expected.append(people)
    children = []
    if keys:
        for index, row in enumerate(rows):
            key = row["案件编号"]
            key = {"width": str(key).replace("（", "(").replace("）", ")"), "numeric": str(key)}.get(keys, key)
            if index == 0 and keys == "typo":
                key = str(key).replace("调字", "调宇")
            if not (index == 0 and keys == "partial"):
                children.append([key, "申请人", NAMES[2 * index]])
            children.append([key, "被申请人", NAMES[2 * index + 1]])
    header = draw(st.sampled_from((None, None, None, "duplicate", "drop required", "drop optional")))
    drop = draw(st.sampled_from((None, None, None, "姓名"))) if keys else None
    other_places = draw(st.sampled_from(((), ("镇政府",))))
    return dict(case=case, rows=rows, days=days, people=expected, gaps=gaps, date1904=date1904, stray=draw(st.sampled_from(STRAYS)),
                header=header, children=children, drop=drop, keys=keys, other_places=other_places)  # fmt: skip


def snapshot(db) -> tuple:
    return tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("mediation_case", "mediation_party", "petition", "import_batch", "audit_log"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=books())
@example(drawn=dict(case=False, rows=[{"受理日期": 43955, "信访人": "张明华", "村(居)": "赵村村", "层级": "本镇", "人次": 1, "事由": "x", "状态": "在办"}],
                    days=[dt.date(2024, 5, 5)], people=[1], gaps=[600], date1904=True, stray="XFD1048576", header=None, children=[], drop=None,
                    keys=None, other_places=()))  # fmt: skip
def test_a_hostile_workbook_is_refused_with_a_reason_or_imported_row_for_row(tmp_path_factory, drawn):
    folder = tmp_path_factory.mktemp("hostile")
    db = open_db(folder / "台账.db")
    set_up_town(db)
    register = MEDIATION_CASE if drawn["case"] else PETITION
    book = Book(folder / "村里发来的.xlsx", register, drawn["rows"], drawn["gaps"], drawn["date1904"], drawn["stray"], drawn["header"],
                drawn["children"], drawn["drop"])  # fmt: skip
    path = book.write(db)
    before = snapshot(db)
    must_refuse = drawn["header"] in ("duplicate", "drop required") or drawn["stray"] == "A1048576" or drawn["drop"] is not None
    try:
        preview = preview_import(db, path, other_places=drawn["other_places"])
    except UserError as error:  # a named reason, and nothing written
        assert must_refuse, str(error)
        assert path.name in str(error) and len(str(error)) > 30
        assert snapshot(db) == before and db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return
    assert not must_refuse, drawn
    assert [row.excel_row for row in preview.rows] == book.excel_rows  # every row the village wrote, whatever the gaps
    if drawn["stray"] in ("XFD1048576", "IW7", "ZZ3"):
        assert any(drawn["stray"] in note and "已忽略" in note for note in preview.notes)
    for problem in preview.problems:  # each named by its row and column (or its sheet)
        assert problem.row > 1 and (problem.column or problem.sheet) and problem.message
    for index, row in enumerate(preview.rows):
        if row.valid:
            date_key = "accepted" if drawn["case"] else "reg_date"
            assert row.clean[date_key] == drawn["days"][index].isoformat(), (index, drawn["rows"][index])
        place = drawn["rows"][index].get("村(居)")
        if not drawn["case"] and place == "镇政府" and not drawn["other_places"]:
            assert not row.valid and preview.unknown_places["镇政府"]
    if drawn["keys"] in ("typo", "partial"):
        assert not preview.rows[0].valid  # nothing of that case is written from half its parties
    if drawn["keys"] == "typo":
        assert preview.sheet_problems and preview.sheet_problems[0].sheet == PARTY.title
    chosen = preview.chosen_rows()
    result = commit_import(db, preview)
    after = snapshot(db)
    table = 0 if drawn["case"] else 2
    assert after[table] - before[table] == result["imported"] == len(chosen)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = [record_id for (record_id,) in db.execute(f"SELECT id FROM {register.key} WHERE batch_id = ? ORDER BY id", [result["batch_id"]])]
    assert len(ids) == len(chosen)
    for row, record_id in zip(chosen, ids):  # exactly what the preview showed is stored, in its order
        index = book.excel_rows.index(row.excel_row)
        (record,) = queries.rows_by_id(db, register, [record_id])
        if drawn["case"]:
            assert record["accepted"] == drawn["days"][index].isoformat()
            names = [name for (name,) in db.execute("SELECT name FROM mediation_party WHERE case_id = ? ORDER BY id", [record_id])]
            assert names == [NAMES[2 * index], NAMES[2 * index + 1]] and record["parties"] == f"{names[0]}、{names[1]}"
        else:
            assert (record["reg_date"], record["visitors"]) == (drawn["days"][index].isoformat(), drawn["people"][index])
    db.close()

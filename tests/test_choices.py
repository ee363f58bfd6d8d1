"""Conditions on choices are built by name and checked (choices.py); no other value is quoted in the package's SQL."""

import sqlite3

import pytest

from zhaocun_desktop.choices import NotAChoice, choice, in_, is_, is_not, literal, not_in
from zhaocun_desktop.registers import MEDIATION_CASE, PUBLICITY_EVENT, SUCCESS, TOWN_COMMITTEE, VILLAGE_COMMITTEE, Field, Kind

RESULT, ORG, OCCASION = MEDIATION_CASE.field("result"), MEDIATION_CASE.field("org"), PUBLICITY_EVENT.field("occasion")


def _rows(tmp_path, condition: str) -> list[int]:
    with sqlite3.connect(tmp_path / "cases.db") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS mediation_case (id INTEGER PRIMARY KEY, org TEXT, result TEXT)")
        if not conn.execute("SELECT count(*) FROM mediation_case").fetchone()[0]:
            conn.executemany("INSERT INTO mediation_case (id, org, result) VALUES (?, ?, ?)",
                             [(1, "村调委会", "调解成功"), (2, "镇调委会", "调解中"), (3, "其他", "调解成功"), (4, None, None)])  # fmt: skip
        return [row[0] for row in conn.execute(f"SELECT id FROM mediation_case c WHERE {condition} ORDER BY id")]


def test_conditions_select_the_records_of_their_choices(tmp_path):
    assert is_(RESULT, SUCCESS) == "result = '调解成功'"
    assert _rows(tmp_path, is_(RESULT, SUCCESS)) == [1, 3]
    assert _rows(tmp_path, in_(ORG, VILLAGE_COMMITTEE, TOWN_COMMITTEE)) == [1, 2]
    assert _rows(tmp_path, not_in(ORG, VILLAGE_COMMITTEE, TOWN_COMMITTEE)) == [3]  # NULL is neither, as SQL has it
    assert _rows(tmp_path, is_not(RESULT, SUCCESS)) == [2]
    assert _rows(tmp_path, is_(ORG, "其他", column="c.org")) == [3]
    assert choice(ORG, TOWN_COMMITTEE) == "镇调委会"


@pytest.mark.parametrize("build", [
    lambda: is_(RESULT, "调解成了"),
    lambda: is_(RESULT, "成功"),  # a synonym the importer accepts is not a stored value
    lambda: in_(ORG, VILLAGE_COMMITTEE, "乡镇调委会"),
    lambda: not_in(OCCASION, "无", "3.8妇女节"),
    lambda: is_not(ORG, "调解成功"),  # another field's choice
    lambda: is_(MEDIATION_CASE.field("dispute_type"), "土地承包经营"),  # a local type of 设置: the office's text, never SQL
    lambda: is_(MEDIATION_CASE.field("summary"), "邻里"),  # not a choice field at all
    lambda: choice(RESULT, ""),
    lambda: in_(ORG),
], ids=["typo", "synonym", "in_", "not_in", "other field", "local type", "text field", "empty", "no value"])  # fmt: skip
def test_a_value_that_is_not_a_choice_is_refused(build):
    with pytest.raises(NotAChoice):
        build()


def test_a_quote_in_a_choice_is_doubled(tmp_path):
    quoted = Field("org", "调解组织", Kind.CHOICE, choices=("O'Brien调委会",))
    assert literal(quoted, "O'Brien调委会") == "'O''Brien调委会'"
    assert _rows(tmp_path, is_(quoted, "O'Brien调委会")) == []  # valid SQL, no injection

"""Conditions on choices are built by name and checked (choices.py); no other value is quoted in the package's SQL."""

import ast
import re
import sqlite3
from pathlib import Path

import pytest

import zhaocun_desktop
from zhaocun_desktop.choices import NotAChoice, choice, in_, is_, is_not, literal, not_in
from zhaocun_desktop.registers import (
    CHILD_REGISTERS,
    MEDIATION_CASE,
    PUBLICITY_EVENT,
    REGISTERS,
    SETTINGS,
    SUCCESS,
    TOWN_COMMITTEE,
    VILLAGE_COMMITTEE,
    Field,
    Kind,
)

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


# ---------------------------------------------------------------------------
# Every value quoted in the package's SQL is a registered choice (or named below as not one)

PACKAGE = Path(zhaocun_desktop.__file__).parent
CHOICES = frozenset(choice for register in (*REGISTERS, *CHILD_REGISTERS, SETTINGS) for field in register.fields for choice in field.choices)
# Text that reads as SQL: a keyword or function, or a column compared with a quoted value.
SQL_LIKE = re.compile(r"\b(SELECT|UPDATE|INSERT|DELETE|WHERE|WHEN|THEN|ELSE|GROUP BY|ORDER BY|AND|OR|IN|LIKE|FROM|SET|VALUES|CASE|PRAGMA"
                      r"|coalesce|date|substr|strftime|sum|count|max|min|json_extract)\b|[\w)]\s*(=|!=|<>|<=|>=|\|\|)\s*'")  # fmt: skip
QUOTED = re.compile(r"'((?:[^']|'')*)'")
CJK = re.compile(r"[\u3400-\u9fff]")
HOLE = "\x00"  # where an f-string puts an expression's value
# Values quoted in SQL that are not a register's choices, and why. A choice renamed in registers.py is
# never to be added here: rename it through the code that names it (choices.is_ …), and migrate the data.
NOT_CHOICES = {
    "": "empty text: a blank cell",
    "%派出所%": "a LIKE pattern on 联合单位 (free text): the 联合派出所进校园 figure",
    "+90 days": "a date modifier",
    "-3 years": "a date modifier (an upgrade's presumed 发证日期)",
    "年": "the by-month tables' row labels (summary._month_expr), not a stored value",
    "月": "the by-month tables' row labels (summary._month_expr), not a stored value",
    "\\": "the LIKE escape character",
    "table": "sqlite_master's type", "index": "sqlite_master's type", "view": "sqlite_master's type", "trigger": "sqlite_master's type",
    "search\\_%": "LIKE on table names", "search_%": "LIKE on table names", "sqlite_%": "LIKE on table names", "stats\\_%": "LIKE on table names",
    "automerge": "an FTS5 command", "delete": "an FTS5 command", "trigram case_sensitive 1": "an FTS5 tokenizer", "id": "an FTS5 option", "hashsize": "an FTS5 option (search.BULK_HASH_BYTES)",
    "main": "a database name (ATTACH)", "copy_source": "a database name (ATTACH)",
    "county": "a setting's key", "town": "a setting's key", "password": "a setting's key", "password_hash": "a setting's key",
    "setting": "a table's name", "local_dispute_types": "a setting's key (registers.LOCAL_TYPES_SETTING)",
    "font-size:16pt;font-family:monospace": "a Qt style sheet (gui/lock.py) that the SQL test reads as SQL",
    # Upgrades (db.py's migrations) write what an old database held, and notes for the clerk: history, not today's choices
    "土地承包": "an old built-in 纠纷类型 that an upgrade turns into a local type",
    "土地承包经营=山林土地": "the 本镇纠纷类型 line that upgrade writes",
    "由原“是否按期办结”迁移：请补填延期理由": "a note an upgrade writes",
    "发证日期由升级程序按有效期三年推定，请核对": "a note an upgrade writes",
    " 原执法证号": "a note an upgrade writes", "未填有效期，升级时未转入“执法证”，请补录": "a note an upgrade writes",
}
# Values put into a quoted literal by an f-string: (the literal with HOLE for the expression, a piece of the SQL around
# it), and why they are no choice. Keyed by the SQL, not the file, so that moving code between modules keeps them.
BUILT = {
    (HOLE, "RAISE(ABORT, '"): "the county's refusal message (county_scope), its quotes doubled",
    (HOLE, f"'{HOLE}' || v.name"): "records.COUNTY_VILLAGE_MARK: a county names a village with its township (中汤镇·邱店村)",
    (HOLE, f"), '{HOLE}')"): "villages.OTHER_PLACES (镇直及其他地点): the by-village tables' row for other places",
    (HOLE, f"content='{HOLE}'"): "the name of a search index's content view (search.content_view)",
    (f"+{HOLE} days", "date("): "a number of days (deadlines, 回访, an upgrade)",
}
HELPERS = {"is_", "is_not", "in_", "not_in", "choice", "literal"}


def _texts(tree: ast.AST):
    """(line, text) of every string in the source but docstrings; an f-string's expressions become HOLE."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}  # fmt: skip
    parts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts.update(id(value) for value in node.values)
            yield node.lineno, "".join(value.value if isinstance(value, ast.Constant) else HOLE for value in node.values)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | parts:
            yield node.lineno, node.value


def quoted_in_sql(source: str) -> list[tuple[int, str, str]]:
    """(line, value, the text around it) of each value quoted in text that reads as SQL (or in any text, when the
    value is Chinese)."""
    found = []
    for line, text in _texts(ast.parse(source)):
        for match in QUOTED.finditer(text):
            if SQL_LIKE.search(text) or CJK.search(match.group(1)):
                found.append((line, match.group(1).replace("''", "'"), text))
    return found


def _built(value: str, text: str) -> tuple[str, str] | None:
    return next((key for key in BUILT if key[0] == value and key[1] in text), None)


def helper_values(source: str) -> list[tuple[int, str]]:
    """(line, value) of each value typed into a call of choices.py's helpers."""
    return [(node.lineno, arg.value) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in HELPERS
            for arg in node.args[1:] if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]  # fmt: skip


def _package_sources():
    return [(path, path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))]


def test_the_scan_finds_a_value_typed_into_sql():
    source = '''
WHERE = "org = '村调委会' AND result = '调解成了'"
DUE = f"SELECT id FROM petition WHERE status = '在办' AND date(reg_date, '+{60} days') <= ?"
MESSAGE = "请填写“调解结果”"
FIGURE = is_(RESULT, "调解成了"), in_(ORG, VILLAGE_COMMITTEE, '镇调委会')

def counted():
    """Docstring: 'org = 其他' is prose, not SQL."""
'''
    assert [(line, value) for line, value, _ in quoted_in_sql(source)] == [(3, "在办"), (3, f"+{HOLE} days"), (2, "村调委会"), (2, "调解成了")]
    assert helper_values(source) == [(5, "调解成了"), (5, "镇调委会")]


def test_every_value_quoted_in_the_package_sql_is_a_registered_choice():
    strays, used = [], set()
    for path, source in _package_sources():
        for line, value, text in quoted_in_sql(source):
            if value in CHOICES:
                continue
            if value in NOT_CHOICES:
                used.add(value)
            elif built := _built(value, text):
                used.add(built)
            else:
                strays.append(f"{path.relative_to(PACKAGE.parent)}:{line}: '{value.replace(HOLE, '{…}')}'")
    assert not strays, "values quoted in SQL that are not a register's choice (name them through choices.py):\n" + "\n".join(strays)
    assert set(NOT_CHOICES) | set(BUILT) == used, "allowed values no longer in the code: drop them from the lists"
    assert not set(NOT_CHOICES) & CHOICES, "a choice does not need allowing"


def test_every_value_given_to_the_choice_helpers_is_a_registered_choice():
    given = [(path.name, line, value) for path, source in _package_sources() for line, value in helper_values(source)]
    assert len(given) > 30  # figures, deadlines … name their choices here
    assert [item for item in given if item[2] not in CHOICES] == []


def test_the_figures_sql_quotes_only_choices():
    from zhaocun_desktop import deadlines, figures

    sql = [figure.where for figure in figures.FIGURES] + [deadlines.PETITION_ON_TIME_SQL]
    values = {match.group(1) for text in sql for match in QUOTED.finditer(text)}
    assert values - CHOICES == {"%派出所%", "+90 days", f"+{deadlines.PETITION_DAYS} days", f"+{deadlines.PETITION_DAYS + deadlines.PETITION_EXTENSION_DAYS} days"}
    assert {"调解成功", "村调委会", "镇调委会", "已办结", "法治进校园", "政府法律顾问"} <= values

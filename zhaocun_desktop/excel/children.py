"""Step 5 of an import: the rows of a child sheet (当事人, 回访), each given to the row it belongs to.

A child sheet names its row's record by the parent's key column (案件编号), or by 第N行 for a record
without a number. Keys are compared as the same text: widths folded (（2023） and (2023) are one key),
spaces dropped, a whole number read as a number equal to the same digits typed as text.

Decided here, so that nothing of a record is written from half its rows:
- a child sheet without the key column or without a required column is refused, naming the column;
  so is a header written twice;
- a child row whose key names no row of the register's sheet is a problem of the child sheet, named
  by sheet, row and column; the register's row whose key is nearest (a typo) is held back with it, and
  when no key is near, every row without child rows there (the child row may be any of theirs);
- a row whose 当事人 text names someone the child sheet does not list for it is held back: the child
  sheet would replace "王五、赵六" by "赵六". Names the child sheet adds to the text are written into it.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from zhaocun_desktop import values
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.headers import (
    HeaderMatch,
    header_key,
    match_headers,
    refuse_repeated,
)
from zhaocun_desktop.excel.preview import Problem
from zhaocun_desktop.excel.reading import HEADER_ROWS, Sheet
from zhaocun_desktop.excel.survey import column_name
from zhaocun_desktop.registers import Register

NEAR_COMPARISONS = 1_000_000  # keys compared to find a mistyped key's record (beyond it, the child rows alone are named)


def key_text(value: object) -> str:
    """A key as compared: its text with widths folded and no spaces (12.0 read as "12")."""
    return values.fold(values.cell_text(value))


@dataclass
class ChildRow:
    excel_row: int
    raw: dict  # child field key → value as read
    errors: dict[str, str] = field(default_factory=dict)  # child field key → Excel error value


@dataclass
class ChildSheet:
    """One child register's sheet: its rows by the key of the record they belong to."""

    child: Register
    sheet: Sheet
    match: HeaderMatch
    key_label: str
    by_key: dict[str, list[ChildRow]]

    @property
    def key_letter(self) -> str:
        return column_name(next(column for column, f in self.match.columns.items() if f.key == self.child.parent_key_field))

    def letter(self, key: str) -> str:
        return column_name(next(column for column, f in self.match.columns.items() if f.key == key))


def find_child_sheets(path: Path, parent: HeaderMatch, sheets: list[Sheet]) -> list[ChildSheet]:
    """The child sheets of the parent's register found among ``sheets``, each read whole; a UserError
    when one lacks its key column or a required column, or writes a header twice."""
    found = []
    for child in parent.register.children:
        key_field = parent.register.field(child.parent_key_field)
        keyed = dataclasses.replace(child, fields=(key_field, *child.fields), children=())
        candidates = []
        for sheet in sheets:
            if sheet is parent.sheet:
                continue
            match = match_headers(keyed, sheet)
            named = header_key(sheet.name) == header_key(child.title)
            ours = match is not None and key_field in match.columns.values() and len(match.columns) >= 3 and match.mostly_ours
            if named and match is None:
                raise UserError(f"无法导入“{path.name}”：工作表“{sheet.name}”在前{HEADER_ROWS}行中没有{child.title}的表头"
                                f"（第一列应为“{key_field.label}”）。请照程序生成的填报模板填写列标题后重新导入。")  # fmt: skip
            if named or ours:
                candidates.append(match)
        if not candidates:
            continue
        match = max(candidates, key=lambda m: len(m.columns))
        _refuse_incomplete(path, match, child, key_field.label)
        found.append(ChildSheet(child, match.sheet, match, key_field.label, _rows_by_key(match, child)))
    return found


def _refuse_incomplete(path: Path, match: HeaderMatch, child: Register, key_label: str) -> None:
    refuse_repeated(path, match)
    present = set(match.columns.values())
    key_field = match.register.fields[0]  # the parent's key, the child sheet's first column
    missing = [f.label for f in (key_field, *child.fields) if (f is key_field or f.required) and f not in present]
    if missing:
        raise UserError(
            f"无法导入“{path.name}”：工作表“{match.sheet.name}”是{child.title}表，但缺少“{'”“'.join(missing)}”一列"
            f"（{child.title}表的第一列是“{key_label}”，带 * 的列必须有）。缺了它，这些{child.title}无法导入，所以整个文件都没有导入。"
            "请补上这一列（列标题照模板填写）后重新导入。"
        )


def _rows_by_key(match: HeaderMatch, child: Register) -> dict[str, list[ChildRow]]:
    key = child.parent_key_field
    columns = [(column, f.key) for column, f in match.columns.items()]
    letters = {f.key: column_name(column) for column, f in match.columns.items()}
    errors = match.sheet.errors
    by_key: dict[str, list[ChildRow]] = {}
    for excel_row, row in enumerate(match.sheet.iter_rows(), start=1):
        if excel_row <= match.header_row:
            continue
        raw = {name: row[column] if column < len(row) else None for column, name in columns}
        cell_errors = {name: value.strip() for name, value in raw.items() if isinstance(value, str) and values.is_excel_error(value)}
        if errors:
            cell_errors.update({name: code for name, letter in letters.items() if (code := errors.get(f"{letter}{excel_row}"))})
        if not cell_errors and all(value is None or (isinstance(value, str) and not value.strip()) for value in raw.values()):
            continue
        for name, value in raw.items():
            if isinstance(value, str):
                raw[name] = values.strip_controls(value)[0]
        for name in cell_errors:
            raw[name] = None
        by_key.setdefault(key_text(raw.pop(key)), []).append(ChildRow(excel_row, raw, cell_errors))
    return by_key


class Attachment:
    """Gives each row of the register's sheet its child rows, and says what cannot be given.

    ``parent_keys``: the key of every non-empty row of the register's sheet, by Excel row (read before,
    so that a child row naming no row is known before any row is checked)."""

    def __init__(self, parent: HeaderMatch, sheets: list[ChildSheet], parent_keys: dict[int, str]):
        self.parent, self.sheets = parent, sheets
        self.key_field = parent.register.children[0].parent_key_field if parent.register.children else ""
        self.sheet_problems: list[Problem] = []
        self.held: dict[int, list[str]] = {}  # Excel row of the register's sheet → why it is held back
        self.unplaced: dict[str, int] = {}  # child sheet → the first of its rows near no row: it may be any row's without rows there
        known = set(parent_keys.values())
        by_key = {}
        for row, key in parent_keys.items():
            by_key.setdefault(key, row)
        for child_sheet in sheets:
            orphans = [key for key in child_sheet.by_key if key not in known]
            near = len(orphans) * len(known) <= NEAR_COMPARISONS
            for key in orphans:
                rows = child_sheet.by_key[key]
                guess = difflib.get_close_matches(key, by_key, n=1, cutoff=0.6) if near and key else []
                where = f"与第{by_key[guess[0]]}行的“{guess[0]}”相近但不相同" if guess else f"在工作表“{parent.sheet.name}”中找不到"
                what = "没有填写" if not key else f"“{key}”{where}"
                for child_row in rows:
                    self.sheet_problems.append(Problem(child_row.excel_row, child_sheet.key_letter, child_sheet.key_label,
                                                       f"{child_sheet.key_label}{what}，这一行{child_sheet.child.title}不会导入。"
                                                       f"请核对{child_sheet.key_label}：两处要写得完全一样（括号、空格、数字），没有编号的记录填它在“{parent.sheet.name}”表中的行号（如“第5行”）",
                                                       child_sheet.sheet.name))  # fmt: skip
                if not guess:
                    self.unplaced.setdefault(child_sheet.sheet.name, rows[0].excel_row)
                else:
                    first = rows[0].excel_row
                    self.held.setdefault(by_key[guess[0]], []).append(
                        f"工作表“{child_sheet.sheet.name}”第{first}行的{child_sheet.key_label}“{key}”与本行相近但不相同：如果那是本行的{child_sheet.child.title}，"
                        f"请把两处改成一致；为免只导入一部分{child_sheet.child.title}，本行暂不导入"
                    )

    def attach(self, excel_row: int, raw: dict, key: str) -> list[Problem]:
        """Put the child rows of the row at ``excel_row`` into ``raw`` (under each child's key); the
        problems that hold the row back."""
        letter, label = self._where()
        problems = [Problem(excel_row, letter, label, message) for message in self.held.get(excel_row, ())]
        for child_sheet in self.sheets:
            rows = child_sheet.by_key.get(key)
            child = child_sheet.child
            if not rows and child_sheet.sheet.name in self.unplaced:
                problems.append(Problem(excel_row, letter, label,
                                        f"工作表“{child_sheet.sheet.name}”中没有本行的{child.title}，而那里第{self.unplaced[child_sheet.sheet.name]}行起有找不到所属记录的"
                                        f"{child.title}：也许是本行的，只是{child_sheet.key_label}写得不一致。为免只导入一部分{child.title}，本行暂不导入，请核对两处的{child_sheet.key_label}"))  # fmt: skip
            if not rows:
                continue
            raw[child.key] = [row.raw for row in rows]
            for row in rows:
                for name, code in row.errors.items():
                    problems.append(Problem(excel_row, "", child.title, f"工作表“{child_sheet.sheet.name}”第{row.excel_row}行{child_sheet.letter(name)}列"
                                                                          f"“{child.field(name).label}”是 Excel 错误值 {code}，请改正后重新导入"))  # fmt: skip
            if child.parent_summary:
                problems += self._summary(excel_row, raw, child_sheet, rows)
            problems += self._flat(excel_row, raw, child_sheet, rows)
        return problems

    def _flat(self, excel_row: int, raw: dict, child_sheet: ChildSheet, rows: list[ChildRow]) -> list[Problem]:
        """A first party's number typed on the register's row (身份证号, 联系电话) must be among the child
        rows': with child rows the row's own columns are not read, and a number only there would be lost."""
        child = child_sheet.child
        problems = []
        for key in child.flat_fields:
            given = key_text(raw.get(key))
            if given and given not in {key_text(row.raw.get(key)) for row in rows}:
                label = child.field(key).label
                problems.append(Problem(excel_row, self._letter(key), label, f"本行的{label}在工作表“{child_sheet.sheet.name}”中本行的{child.title}里没有：请把它填到对应的{child.title}一行，再清空本格后重新导入"))
        return problems

    def _summary(self, excel_row: int, raw: dict, child_sheet: ChildSheet, rows: list[ChildRow]) -> list[Problem]:
        """The 当事人 text against the child rows: a name the rows lack holds the row back; names the rows add
        are written into the text; a text that is no list of names (张三等5户) stays as it is."""
        child = child_sheet.child
        summary = child.parent_summary
        listed = [values.cell_text(row.raw.get(child.name_field)) for row in rows]
        listed = [name for name in listed if name]
        text = raw.get(summary)
        names = values.split_names(text)
        if not values.cell_text(text) or (names and set(names) < set(listed)):
            raw[summary] = "、".join(listed)
            return []
        missing = [name for name in names or () if name not in listed]
        if not missing:
            return []
        label = self.parent.register.field(summary).label
        return [Problem(excel_row, self._letter(summary), label,
                        f"“{values.cell_text(text)}”中的{'、'.join(missing)}在工作表“{child_sheet.sheet.name}”中没有（那里本行只有：{'、'.join(listed) or '无'}）。"
                        f"只导入那里的{child.title}会丢掉{'、'.join(missing)}，所以本行暂不导入：请在“{child_sheet.sheet.name}”表补上，或改正本行的{label}")]  # fmt: skip

    def _letter(self, key: str) -> str:
        return next((column_name(column) for column, f in self.parent.columns.items() if f.key == key), "")

    def _where(self) -> tuple[str, str]:
        """The cell a row held back for its child rows is named by: its key (案件编号), or, in a sheet without
        that column, its 当事人, or its first column."""
        summaries = [child.parent_summary for child in self.parent.register.children if child.parent_summary]
        for key in (self.key_field, *summaries):
            if self._letter(key):
                return self._letter(key), self.parent.register.field(key).label
        column, first = min(self.parent.columns.items())
        return column_name(column), first.label

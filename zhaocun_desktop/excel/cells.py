"""Step 3 of an import: one data row's cells under the register's columns, cleaned.

Decided here, cell by cell: an empty row (a template's village column comes filled in on every row);
Excel error values (#N/A, #DIV/0!, also the ones the reader gave as empty); control characters (removed,
and noted); numbers masked with * (refused: the full number is not in the file); ID numbers that Excel
stored as numbers (the last digits are gone: the whole file is refused, see ``lost``).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field

from zhaocun_desktop import values
from zhaocun_desktop.excel.headers import HeaderMatch
from zhaocun_desktop.excel.preview import Problem
from zhaocun_desktop.excel.survey import column_name
from zhaocun_desktop.registers import Kind

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # values.strip_controls removes these


@dataclass
class Cells:
    """A row's cells by field key, as read; error values by field key (the cell itself reads as empty);
    problems found in the cells."""

    raw: dict
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class CellReader:
    """Reads the data rows of one matched sheet. ``lost`` and ``cleaned`` collect cells over all rows: ID
    numbers stored as numbers, and cells whose control characters were removed."""

    def __init__(self, match: HeaderMatch):
        self.match = match
        self.columns = [(column, field.key) for column, field in match.columns.items()]
        self.keys = [key for _, key in self.columns]
        self.span = max((column + 1 for column, _ in self.columns), default=0)  # a row this long holds every column
        self.pick = operator.itemgetter(*(column for column, _ in self.columns)) if len(self.columns) > 1 else None
        self.letters = {field.key: column_name(column) for column, field in match.columns.items()}
        self.fields = {field.key: field for field in match.columns.values()}
        self.village = match.register.village_field
        self.ids = [(column, column_name(column)) for column, field in match.columns.items() if field.kind is Kind.ID_NUMBER]
        self.sensitive = [field.key for field in match.columns.values() if field.sensitive]
        self.sheet_errors = match.sheet.errors
        self.lost: list[str] = []
        self.cleaned: list[str] = []

    def read(self, excel_row: int, row: list) -> Cells | None:
        """The row's cells; None when the row is empty (or an ID number in it lost its digits)."""
        width = len(row)
        if width >= self.span and self.pick is not None:  # every column in the row (as the reader gives it): picked at once
            raw = dict(zip(self.keys, self.pick(row)))
        else:
            raw = {key: row[column] if column < width else None for column, key in self.columns}
        text = "".join([value for value in raw.values() if isinstance(value, str)])  # the row's text, searched once
        errors = self.error_values(excel_row, raw) if "#" in text or self.sheet_errors else {}
        if not errors and self.blank(raw):
            return None
        lost = [f"{letter}{excel_row}" for column, letter in self.ids if column < width and _is_number(row[column])]
        if lost or self.lost:
            self.lost += lost
            return None  # the file will be refused: no need to check further rows
        cells = Cells(raw, errors)
        for key, value in raw.items() if _CONTROLS.search(text) else ():
            if isinstance(value, str) and _CONTROLS.search(value):
                raw[key] = values.strip_controls(value)[0]
                self.cleaned.append(f"{self.letters[key]}{excel_row}")
        for key, code in errors.items():
            cells.problems.append(Problem(excel_row, self.letters[key], self.fields[key].label,
                                          f"单元格是 Excel 错误值 {code}（公式出错或引用失效），不能当作空白导入；请改正公式或直接填写内容"))  # fmt: skip
            raw[key] = None
        for key in self.sensitive:
            if isinstance(raw[key], str) and "*" in raw[key]:
                cells.problems.append(Problem(excel_row, self.letters[key], self.fields[key].label, "号码已被遮盖（含*），无法导入完整号码；请填写完整号码或清空此格"))
        return cells

    def error_values(self, excel_row: int, raw: dict) -> dict[str, str]:
        """The cells holding an Excel error value (#N/A …), as text or as the reader's empty cell."""
        errors = {key: value.strip() for key, value in raw.items() if isinstance(value, str) and value[:1] == "#" and values.is_excel_error(value)}
        if self.sheet_errors:
            errors.update({key: code for key, letter in self.letters.items() if (code := self.sheet_errors.get(f"{letter}{excel_row}"))})
        return errors

    def blank(self, raw: dict) -> bool:
        """Nothing filled in but (maybe) the village a template fills in on every row."""
        return all(value is None or (isinstance(value, str) and not value.strip()) for key, value in raw.items() if key != self.village)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)

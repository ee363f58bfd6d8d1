"""What an import's preview holds: every row of the file as checked, its problems, and the notes.

Nothing here reads a file or the database; ``importing.preview_import`` fills these in, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zhaocun_desktop.excel.headers import HeaderMatch
from zhaocun_desktop.registers import Register


@dataclass
class Problem:
    row: int  # Excel row number
    column: str  # Excel column letter ("" for the whole row)
    label: str
    message: str
    sheet: str = ""  # another sheet than the register's own (a child sheet such as 当事人)

    def __str__(self) -> str:
        where = (f"工作表“{self.sheet}”" if self.sheet else "") + f"第{self.row}行" + (f"，{self.column}列“{self.label}”" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(slots=True)
class PreviewRow:
    excel_row: int
    raw: dict  # field key → value as read
    clean: dict  # field key → checked value (only when valid)
    problems: list[Problem] = field(default_factory=list)
    duplicate_of: str = ""  # which stored record (or earlier row of the file) it repeats
    repeatable: bool = True  # a duplicate that may still be imported when the clerk asks
    hidden: bool = False  # hidden in the file: imported only when the clerk chooses so
    fingerprint: str = ""  # of the checked values: the same row in a later import is known

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class ImportPreview:
    """Everything the clerk must see before confirming an import. Nothing has been written."""

    path: Path
    sha256: str
    match: HeaderMatch
    rows: list[PreviewRow]
    already_imported: str = ""  # a message when this very file was imported before
    notes: list[str] = field(default_factory=list)
    include_hidden: bool = False  # hidden rows (and sheets) are imported
    hidden_sheets: list[str] = field(default_factory=list)  # hidden sheets of the file
    last_batch: int = 0  # the newest import batch when the rows were checked: one made since may hold them
    sheet_problems: list[Problem] = field(default_factory=list)  # rows of a child sheet that belong to no row
    unknown_places: dict[str, list[int]] = field(default_factory=dict)  # a place not on the 村(居) list → its rows
    other_places: frozenset[str] = frozenset()  # such places the clerk chose to keep as 镇直及其他地点

    @property
    def register(self) -> Register:
        return self.match.register

    @property
    def valid_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.valid]

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems] + self.sheet_problems

    @property
    def hidden_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.hidden]

    @property
    def village(self) -> str | None:
        key = self.register.village_field
        names = {row.clean.get(key) or row.raw.get(key) for row in self.rows} if key else set()
        names.discard(None)
        return names.pop() if len(names) == 1 else None

    def chosen_rows(self, include_duplicates: bool = False) -> list[PreviewRow]:
        """The rows a commit writes: valid, shown (unless hidden ones are included), not repeats."""
        repeat = include_duplicates and not self.already_imported  # a file imported before adds only new rows
        return [
            row
            for row in self.rows
            if row.valid and (self.include_hidden or not row.hidden) and (not row.duplicate_of or (repeat and row.repeatable))
        ]

    def summary(self) -> str:
        valid = len(self.valid_rows)
        duplicates = sum(1 for row in self.valid_rows if row.duplicate_of)
        text = f"“{self.path.name}”（{self.register.title}，工作表“{self.match.sheet.name}”）：共 {len(self.rows)} 行，有效 {valid} 行"
        if len(self.rows) - valid:
            text += f"，有问题 {len(self.rows) - valid} 行（不会导入）"
        if duplicates:
            text += f"，其中疑似重复 {duplicates} 行"
        hidden = len(self.hidden_rows)
        if hidden:
            text += f"，隐藏 {hidden} 行" + ("（将一并导入）" if self.include_hidden else "（不导入）")
        sheets = sorted({problem.sheet for problem in self.sheet_problems})
        if sheets:
            text += f"；{'、'.join(f'“{name}”' for name in sheets)}表中另有 {len(self.sheet_problems)} 行找不到所属的记录（不会导入）"
        return text + "。"

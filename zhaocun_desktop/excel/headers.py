"""Step 2 of an import: which sheet holds which register, and where its columns are.

A sheet's header row is looked for in its first rows; a header matches a field by its label or one of its
synonyms (``header_key`` folds widths, spaces and 必填 marks). Two columns whose headers name the same field
(事由 and 事由, or 登记日期 and 受理日期) are refused, naming both: keeping one would drop the other's text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path

from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.reading import HEADER_ROWS, Book, Sheet
from zhaocun_desktop.excel.survey import column_name
from zhaocun_desktop.registers import BY_KEY, REGISTERS, VILLAGE, Field, Register

_DECOR = re.compile(r"[*＊※]|（必填）|\(必填\)|必填|（选填）|\(选填\)|选填|\s")


def header_key(text: object) -> str:
    """A header as compared: NFKC (full-width → half-width), no spaces, no 必填 marks."""
    return _DECOR.sub("", unicodedata.normalize("NFKC", str(text or ""))).replace("\u200b", "")


def _names(field: Field) -> frozenset[str]:
    return frozenset(header_key(name) for name in (field.label, *field.synonyms))


class RegisterUnclear(UserError):
    """The sheet could not be taken for any register by itself; ``guess`` is the likeliest one."""

    def __init__(self, message: str, guess: Register | None = None):
        super().__init__(message)
        self.guess = guess


_SERIAL_HEADERS = {"序号", "序", "NO", "NO.", "No", "No.", "no"}  # a row number column: no register's, no data


@dataclass
class HeaderMatch:
    """Where a register's columns are in a sheet."""

    register: Register
    sheet: Sheet
    row_index: int  # index into sheet.rows of the header row
    columns: dict[int, Field]  # sheet column index → field
    extra: list[str]  # headers that match no field (reported, ignored)
    repeated: list[tuple[Field, int, int]] = dataclass_field(default_factory=list)  # a field's header again: (field, first column, this column)

    @property
    def missing_required(self) -> list[Field]:
        present = set(self.columns.values())
        return [f for f in self.register.fields if f.required and f not in present]

    @property
    def foreign(self) -> list[str]:
        """Headers that are not the register's, a row-number column (序号) left out."""
        return [text for text in self.extra if header_key(text) not in _SERIAL_HEADERS]

    @property
    def mostly_ours(self) -> bool:
        """Most of the non-empty header cells are this register's columns."""
        return len(self.columns) > len(self.foreign)

    @property
    def header_row(self) -> int:
        """The header's Excel row number."""
        return self.row_index + 1


def match_headers(register: Register, sheet: Sheet, fields: tuple[Field, ...] | None = None) -> HeaderMatch | None:
    """The best header row for ``register`` among the sheet's first rows (None when no header matches).

    ``fields``: the columns looked for (the register's import fields unless given). A header naming a field
    that an earlier column already took, and no other field, is kept in ``repeated``."""
    fields = register.import_fields if fields is None else fields
    names = [(candidate, _names(candidate)) for candidate in fields]
    best = None
    for index, row in enumerate(sheet.head):
        columns: dict[int, Field] = {}
        taken: dict[Field, int] = {}
        repeated = []
        for column, value in enumerate(row):
            key = header_key(value)
            if not key:
                continue
            matching = [candidate for candidate, known in names if key in known]
            free = next((candidate for candidate in matching if candidate not in taken), None)
            if free is not None:
                columns[column] = free
                taken[free] = column
            elif matching:
                repeated.append((matching[0], taken[matching[0]], column))
        if columns and (best is None or len(columns) > len(best.columns)):
            seen = set(columns) | {column for _, _, column in repeated}
            extra = [str(value).strip() for column, value in enumerate(row) if header_key(value) and column not in seen]
            best = HeaderMatch(register, sheet, index, columns, extra, repeated)
    return best


def refuse_repeated(path: Path, match: HeaderMatch) -> None:
    """A UserError naming both columns when a field's header appears twice (nothing is imported)."""
    if not match.repeated:
        return
    field, first, second = match.repeated[0]
    head = match.sheet.head[match.row_index]
    raise UserError(
        f"无法导入“{path.name}”：工作表“{match.sheet.name}”第{match.header_row}行中，{column_name(first)}列“{str(head[first]).strip()}”和"
        f"{column_name(second)}列“{str(head[second]).strip()}”都是“{field.label}”一列。只读其中一列会丢掉另一列的内容，所以没有导入。"
        "请把两列的内容合并到一列、删去另一列（或改正列标题）后重新导入。"
    )


def _auto_registers() -> list[Register]:
    # the 村(居) list changes only when the clerk chooses that register
    return [r for r in REGISTERS if r is not VILLAGE]


def _fitting(matches: Iterable[HeaderMatch]) -> list[HeaderMatch]:
    """The matches whose sheet has every required column of their register and mostly its columns,
    most columns first: a register the headers plainly are."""
    return sorted((m for m in matches if not m.missing_required and m.mostly_ours), key=lambda m: len(m.columns), reverse=True)


def _register_named(sheet_name: str) -> Register | None:
    """The register a sheet's title names (调解案件, 2023年信访登记, mediation_case), if exactly one."""
    title = header_key(sheet_name)
    found = [r for r in _auto_registers() if header_key(r.title) in title or r.key == sheet_name.strip()]
    return found[0] if len(found) == 1 else None


def _best(matches: list[HeaderMatch]) -> HeaderMatch:
    # most columns recognised, a missing required column counting against a register twice
    return max(matches, key=lambda m: (len(m.columns) - 2 * len(m.missing_required), not m.missing_required))


def _refuse_missing(path: Path, match: HeaderMatch, how: str) -> UserError:
    missing = "、".join(f.label for f in match.missing_required)
    return UserError(
        f"无法导入“{path.name}”：工作表“{match.sheet.name}”{how}是{match.register.title}，但缺少{match.register.title}的必填列：{missing}。"
        "请补上这些列（列标题照模板填写）后重新导入。"
    )


def choose_sheet(book: Book, register: Register | None, sheets: list[Sheet]) -> tuple[HeaderMatch, str]:
    """The sheet to import and its register, and how the register was told.

    In this order: the register the clerk chose; a template's marker; a sheet title naming a
    register; headers with every required column of one register and mostly its columns.
    Otherwise ``RegisterUnclear`` with the likeliest register.
    """
    marked = BY_KEY.get(book.marker.get("台账", ""))
    if register is not None:
        return _as_chosen(book.path, register, marked, sheets)
    if marked is not None and marked is not VILLAGE:
        return _as_marked(book, marked, sheets)
    for sheet in sheets:
        named_register = _register_named(sheet.name)
        if named_register is not None:
            return _as_titled(book.path, named_register, sheet)
    return _by_headers(book.path, sheets)


def _as_chosen(path: Path, register: Register, marked: Register | None, sheets: list[Sheet]) -> tuple[HeaderMatch, str]:
    if marked is not None and marked is not register:  # the program's own template says otherwise
        raise UserError(f"无法按“{register.title}”导入“{path.name}”：这是程序生成的{marked.title}填报模板。"
                        f"请选择“{marked.title}”，或不选台账，让程序按模板识别。")  # fmt: skip
    matches = [m for s in sheets if (m := match_headers(register, s))]
    if not matches:
        expected = "、".join(f.label for f in register.fields if f.required)
        raise UserError(
            f"无法导入“{path.name}”：在前{HEADER_ROWS}行中没有找到{register.title}的表头。"
            f"请确认表格第一行附近有列标题（如：{expected}），最好使用程序生成的填报模板。"
        )
    best = _best(matches)
    if best.missing_required:
        raise _refuse_missing(path, best, "按所选台账")
    elsewhere = [] if best.mostly_ours else _fitting(m for r in REGISTERS if r is not register for s in sheets if (m := match_headers(r, s)))
    if elsewhere:  # most of its columns are another register's, every required one among them
        other = elsewhere[0].register
        raise UserError(
            f"无法按“{register.title}”导入“{path.name}”：表头中只有 {'、'.join(f.label for f in best.columns.values())} 是{register.title}的列，"
            f"{'、'.join(best.foreign)} 都不是；这些列是“{other.title}”的。请选择“{other.title}”，或不选台账，让程序识别。"
        )
    return best, f"按所选台账导入为“{register.title}”"


def _as_marked(book: Book, marked: Register, sheets: list[Sheet]) -> tuple[HeaderMatch, str]:
    named = [s for s in sheets if s.name == book.marker.get("工作表")] or sheets
    matches = [m for s in named if (m := match_headers(marked, s))]
    if not matches:
        raise UserError(f"无法导入“{book.path.name}”：这是{marked.title}的填报模板，但找不到它的表头行。请不要修改或删除第1行的列标题，改好后重新导入。")
    best = _best(matches)
    if best.missing_required:
        raise _refuse_missing(book.path, best, "按模板标记")
    return best, f"按程序模板的标记识别为“{marked.title}”"


def _as_titled(path: Path, register: Register, sheet: Sheet) -> tuple[HeaderMatch, str]:
    match = match_headers(register, sheet)
    if match is None:
        expected = "、".join(f.label for f in register.fields if f.required)
        raise UserError(
            f"无法导入“{path.name}”：工作表“{sheet.name}”的名称表明它是{register.title}，但在前{HEADER_ROWS}行中没有找到它的表头"
            f"（如：{expected}）。请照程序生成的填报模板填写列标题；如果不是{register.title}，请在导入时选择台账（命令行 --register）。"
        )
    if match.missing_required:
        raise _refuse_missing(path, match, "的名称表明它")
    return match, f"按工作表名称“{sheet.name}”识别为“{register.title}”"


def _by_headers(path: Path, sheets: list[Sheet]) -> tuple[HeaderMatch, str]:
    candidates = [m for r in _auto_registers() for s in sheets if (m := match_headers(r, s))]
    fitting = _fitting(candidates)
    if fitting:
        best = fitting[0]
        runner = next((m for m in fitting[1:] if m.register is not best.register), None)
        if runner is not None and len(runner.columns) == len(best.columns):
            raise RegisterUnclear(
                f"无法判断“{path.name}”是哪一本台账（{best.register.title}还是{runner.register.title}）。"
                f"请在导入窗口中选择台账，或在命令行加 --register {best.register.key}（或 --register {runner.register.key}）。",
                best.register,
            )
        return best, f"按表头识别为“{best.register.title}”"
    if not candidates:
        raise RegisterUnclear(
            f"无法导入“{path.name}”：在前{HEADER_ROWS}行中没有找到任何台账的表头。"
            "请确认表格第一行附近有列标题，最好使用程序生成的填报模板；也可以在导入窗口中选择台账，或在命令行加 --register 指定。"
        )
    guess = _best(candidates)
    ours = "、".join(f.label for f in guess.columns.values())
    why = f"工作表“{guess.sheet.name}”的表头中只认出{guess.register.title}的 {ours}"
    if guess.foreign:
        why += f"，另有 {'、'.join(guess.foreign)} 不属于它"
    if guess.missing_required:
        why += f"，且缺少它的必填列 {'、'.join(f.label for f in guess.missing_required)}"
    raise RegisterUnclear(
        f"无法判断“{path.name}”是哪一本台账：{why}。最接近的是“{guess.register.title}”，但没有把握，所以没有导入。"
        f"如果确实是{guess.register.title}，请在导入窗口中选择台账，或在命令行加 --register {guess.register.key}；"
        "最好让村里使用程序生成的填报模板。",
        guess.register,
    )

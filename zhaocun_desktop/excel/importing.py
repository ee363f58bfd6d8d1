"""Importing a village's workbook: find the headers, check every row, preview, then commit.

``preview_import`` reads and checks without writing anything; ``commit_import`` writes the
valid rows of a preview in one transaction as one batch (rows already in are never added
twice); ``undo_batch`` removes a batch again. Every problem names its row and column.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from zhaocun_desktop import records, values
from zhaocun_desktop.backup import safety_backup
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.excel.reading import HEADER_ROWS, OWN_HIDDEN_SHEETS, Book, Sheet, _column, open_book
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.registers import BY_KEY, REGISTERS, VILLAGE, Field, Kind, Register
from zhaocun_desktop.validation import check_record, check_with_children

if TYPE_CHECKING:
    from sqlite_utils import Database

_DECOR = re.compile(r"[*＊※]|（必填）|\(必填\)|必填|（选填）|\(选填\)|选填|\s")


def header_key(text: object) -> str:
    """A header as compared: NFKC (full-width → half-width), no spaces, no 必填 marks."""
    return _DECOR.sub("", unicodedata.normalize("NFKC", str(text or ""))).replace("\u200b", "")


def _names(field: Field) -> set[str]:
    return {header_key(name) for name in (field.label, *field.synonyms)}


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


def match_headers(register: Register, sheet: Sheet) -> HeaderMatch | None:
    """The best header row for ``register`` among the sheet's first rows (None when no header matches)."""
    best = None
    for index, row in enumerate(sheet.head):
        columns: dict[int, Field] = {}
        for column, value in enumerate(row):
            key = header_key(value)
            if not key:
                continue
            for candidate in register.import_fields:
                if candidate not in columns.values() and key in _names(candidate):
                    columns[column] = candidate
                    break
        if columns and (best is None or len(columns) > len(best.columns)):
            extra = [str(value).strip() for column, value in enumerate(row) if header_key(value) and column not in columns]
            best = HeaderMatch(register, sheet, index, columns, extra)
    return best


@dataclass
class Problem:
    row: int  # Excel row number
    column: str  # Excel column letter ("" for the whole row)
    label: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"，{self.column}列“{self.label}”" if self.column else "")
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

    @property
    def register(self) -> Register:
        return self.match.register

    @property
    def valid_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.valid]

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

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
        return text + "。"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


def _choose(book: Book, register: Register | None, sheets: list[Sheet]) -> tuple[HeaderMatch, str]:
    """The sheet to import and its register, and how the register was told.

    In this order: the register the clerk chose; a template's marker; a sheet title naming a
    register; headers with every required column of one register and mostly its columns.
    Otherwise ``RegisterUnclear`` with the likeliest register.
    """
    path = book.path
    marked = BY_KEY.get(book.marker.get("台账", ""))
    if register is not None:
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

    if marked is not None and marked is not VILLAGE:
        named = [s for s in sheets if s.name == book.marker.get("工作表")] or sheets
        matches = [m for s in named if (m := match_headers(marked, s))]
        if not matches:
            raise UserError(f"无法导入“{path.name}”：这是{marked.title}的填报模板，但找不到它的表头行。请不要修改或删除第1行的列标题，改好后重新导入。")
        best = _best(matches)
        if best.missing_required:
            raise _refuse_missing(path, best, "按模板标记")
        return best, f"按程序模板的标记识别为“{marked.title}”"

    for sheet in sheets:
        named_register = _register_named(sheet.name)
        if named_register is None:
            continue
        match = match_headers(named_register, sheet)
        if match is None:
            expected = "、".join(f.label for f in named_register.fields if f.required)
            raise UserError(
                f"无法导入“{path.name}”：工作表“{sheet.name}”的名称表明它是{named_register.title}，但在前{HEADER_ROWS}行中没有找到它的表头"
                f"（如：{expected}）。请照程序生成的填报模板填写列标题；如果不是{named_register.title}，请在导入时选择台账（命令行 --register）。"
            )
        if match.missing_required:
            raise _refuse_missing(path, match, "的名称表明它")
        return match, f"按工作表名称“{sheet.name}”识别为“{named_register.title}”"

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


def _merged_in_data(match: HeaderMatch) -> list[str]:
    first_data_row = match.row_index + 2  # Excel numbering: the row after the header
    found = []
    for ref in match.sheet.merged:
        rows = [int(n) for n in re.findall(r"\d+", ref)]
        if max(rows) >= first_data_row:
            found.append(ref)
    return found


def _shown(items: list, limit: int = 5) -> str:
    return "、".join(str(item) for item in items[:limit]) + ("等" if len(items) > limit else "")


def preview_import(db: Database, path: str | Path, register: Register | None = None, include_hidden: bool = False) -> ImportPreview:
    """Read and check a workbook; writes nothing. UserError when the file cannot be used at all.

    ``register`` is the clerk's choice (else told from the file); ``include_hidden`` reads hidden
    sheets and imports hidden rows, which are otherwise listed and left out.
    """
    path = Path(path)
    book = open_book(path)
    sheets = book.visible + (book.hidden if include_hidden else [])
    try:
        match, how = _choose(book, register, sheets)
    except UserError as error:
        if book.hidden and not include_hidden:  # the data may be on a sheet the clerk cannot see
            error.args = (f"{error}（另外，工作簿中有隐藏的工作表：{_shown([s.name for s in book.hidden])}；如需从中导入，请勾选“包括隐藏的行和工作表”，或在命令行加 --include-hidden。）",)
        raise
    register = match.register
    sheet = match.sheet
    merged = _merged_in_data(match)
    if merged:
        raise UserError(f"无法导入“{path.name}”：数据区有合并单元格（{_shown(merged)}），合并后只有左上角的格子有值，其余会丢失。请取消合并并把内容填到每一行后重新导入。")
    if sheet.formulas_without_values:
        cells = "、".join(sheet.formulas_without_values[:5])
        raise UserError(f"无法导入“{path.name}”：{cells} 等单元格是公式，但文件里没有保存计算结果。请用 Excel 或 WPS 打开该文件，保存一次后重新导入。")

    last_batch = db.execute("SELECT coalesce(max(id), 0) FROM import_batch").fetchone()[0]  # before the rows are checked
    checker = _RowChecker(db, register, include_hidden)
    villages = set(records.village_names(db))
    preview_rows = []
    lost = []  # ID numbers that Excel turned into numbers
    cleaned = []  # cells whose control characters were removed
    columns = {f.key: c for c, f in match.columns.items()}
    letters = {c: _column(c) for c in match.columns}
    id_columns = [c for c, f in match.columns.items() if f.kind is Kind.ID_NUMBER]
    child_sheets = {child.key: _read_child_sheet(child, register, sheets, sheet) for child in register.children}
    used_keys: set[str] = set()
    choices = records.field_choices(db, register)
    labels = dict(register.labels, **{f.key: f.label for f in register.import_fields}, **{child.key: child.title for child in register.children})
    for excel_row, values_ in enumerate(sheet.iter_rows(), start=1):
        if excel_row <= match.row_index + 1:
            continue
        raw = {f.key: values_[c] if c < len(values_) else None for c, f in match.columns.items()}
        errors = {key: value.strip() for key, value in raw.items() if isinstance(value, str) and value[:1] == "#" and values.is_excel_error(value)}
        if sheet.errors:  # error cells the reader gave as empty
            errors |= {f.key: code for c, f in match.columns.items() if (code := sheet.errors.get(f"{letters[c]}{excel_row}"))}
        if not errors and all(v is None or (isinstance(v, str) and not v.strip()) for k, v in raw.items() if k != register.village_field):
            continue  # an empty row (a template's village column comes filled in on every row)
        lost += [f"{_column(c)}{excel_row}" for c in id_columns if c < len(values_) and isinstance(values_[c], (int, float)) and not isinstance(values_[c], bool)]
        if lost:
            continue  # the file will be refused: no need to check further rows
        for key, value in raw.items():
            if isinstance(value, str):
                text, removed = values.strip_controls(value)
                if removed:
                    raw[key] = text
                    cleaned.append(f"{_column(columns[key])}{excel_row}")
        row = PreviewRow(excel_row, raw, {}, hidden=excel_row in sheet.hidden_rows)
        for child in register.children:  # rows of a child sheet keyed by this row's number (or 第N行)
            found = child_sheets[child.key]
            key = str(raw.get(child.parent_key_field) or "").strip() or f"第{excel_row}行"
            if found is not None and key in found[1]:
                raw[child.key] = found[1][key]
                used_keys.add(key)
        for key, code in errors.items():
            f = match.columns[columns[key]]
            row.problems.append(Problem(excel_row, _column(columns[key]), f.label, f"单元格是 Excel 错误值 {code}（公式出错或引用失效），不能当作空白导入；请改正公式或直接填写内容"))
            raw[key] = None
        for f_key, column in columns.items():
            value, column_field = raw.get(f_key), match.columns[column]
            if isinstance(value, str) and "*" in value and column_field.sensitive:
                row.problems.append(Problem(excel_row, _column(column), column_field.label,
                                            "号码已被遮盖（含*），无法导入完整号码；请填写完整号码或清空此格"))  # fmt: skip
        clean, problems = check_with_children(register, raw, choices)
        for child in register.children:  # the one-line form: a bad ID or phone is named by its column
            flat = {key: raw[key] for key in child.flat_fields if child.key not in raw and raw.get(key) not in (None, "")}
            for key, message in (check_record(child, flat)[1] if flat else {}).items():
                if key in flat and key not in errors:
                    row.problems.append(Problem(excel_row, _column(columns[key]), child.field(key).label, message))
                    problems.pop(child.key, None)
        for key, message in problems.items():
            if key in errors:
                continue  # already named as an error value
            column, label = columns.get(key), labels[key]
            child = next((c for c in register.children if c.key == key), None)
            if column is None and child is not None and child.key not in raw and child.parent_summary in columns:
                # child rows split from the one-line column (当事人): the clerk fixes them in that column
                column, label = columns[child.parent_summary], labels[child.parent_summary]
            row.problems.append(Problem(excel_row, _column(column) if column is not None else "", label, message))
        for f in register.fields:
            value = clean.get(f.key)
            if f.kind is Kind.VILLAGE and f.required and value and villages and value not in villages:
                row.problems.append(Problem(excel_row, _column(columns[f.key]), f.label, f"“{value}”不是本镇的村(居)，请核对名称（可在“村(居)”页查看或添加本镇村居）"))
        if not row.problems:
            checker.check(row, clean, columns)
        if errors:
            row.raw.update(errors)  # the preview shows the error value where it was
        preview_rows.append(row)

    if lost:
        raise UserError(
            f"无法导入“{path.name}”：身份证号被 Excel 存成了数字（{_shown(lost)}），18位号码的末几位已经丢失，无法恢复。"
            "请把该列设为“文本”格式，重新录入完整号码后再导入（程序生成的模板已设好文本格式）。"
        )
    sha = file_sha256(path)
    preview = ImportPreview(path, sha, match, preview_rows, include_hidden=include_hidden, hidden_sheets=[s.name for s in book.hidden], last_batch=last_batch)
    preview.notes.append(how + "。")
    earlier = db.execute(
        "SELECT file_name, imported_at FROM import_batch WHERE sha256 = ? AND register = ? AND undone_at IS NULL ORDER BY id LIMIT 1",
        [sha, register.key],
    ).fetchone()
    if earlier:
        preview.already_imported = (
            f"这个文件已于 {earlier[1].replace('T', ' ')} 导入过（当时文件名“{earlier[0]}”）：只导入上次没有导入的行，"
            "已经导入的行不会再导入。"
        )
    for f in register.fields:  # names not in their roster: imported, but the clerk sees them
        names = set(records.roster_names(db, f))
        strangers: dict[str, list[int]] = {}
        for row in preview_rows:
            name = row.clean.get(f.key) if row.valid else None
            if names and name and name not in names:
                strangers.setdefault(name, []).append(row.excel_row)
        for name, rows in strangers.items():
            title = BY_KEY[f.roster].title
            preview.notes.append(f"{f.label}“{name}”不在{title}中（{_shown([f'第{n}行' for n in rows])}），仍会导入；如是新人员请在“{title}”页补充。")
    child_sheet_names = set()
    for child in register.children:
        found = child_sheets[child.key]
        if found is None:
            continue
        sheet_name, by_key, rows_at = found
        child_sheet_names.add(sheet_name)
        preview.notes.append(f"工作表“{sheet_name}”：{sum(len(v) for v in by_key.values())}行{child.title}，按“{register.field(child.parent_key_field).label}”归入各条记录。")
        for key in by_key.keys() - used_keys:
            preview.notes.append(f"工作表“{sheet_name}”第{rows_at[key]}行：“{key}”在“{sheet.name}”中找不到，这些{child.title}不会导入，请核对{register.field(child.parent_key_field).label}。")
    if not villages and register is not VILLAGE and any(f.kind is Kind.VILLAGE and f in match.columns.values() for f in register.fields):
        preview.notes.append(f"本镇还没有村(居)名单，文件中的村(居)名称没有核对，会照原样导入（写错的名称不会计入任何村）。"
                             f"请先在“{VILLAGE.title}”页添加本镇的村(居)，再导入。")  # fmt: skip
    town = book.marker.get("镇")
    if town and town != (records.settings(db).get("town") or town):
        preview.notes.append(f"这份模板是为“{town}”生成的，与本程序设置的镇名不同，请核对是否发错了文件。")
    if match.extra:
        preview.notes.append(f"以下列不属于{register.title}，已忽略：{'、'.join(match.extra)}")
    optional_missing = [f.label for f in register.fields if not f.required and f not in match.columns.values()]
    if optional_missing:
        preview.notes.append(f"文件中没有这些列（将留空）：{'、'.join(optional_missing)}")
    if cleaned:
        preview.notes.append(f"{_shown(cleaned, 10)}单元格中有不可见的控制字符（Excel 无法保存），已删去，其余内容不变。")
    hidden_rows = [row.excel_row for row in preview.hidden_rows]
    if hidden_rows:
        what = "将一并导入" if include_hidden else "不会导入；如需导入，请勾选“包括隐藏的行和工作表”（命令行加 --include-hidden）"
        preview.notes.append(f"第{_shown(hidden_rows, 10)}行在文件中被隐藏，{what}。")
    if book.hidden and not include_hidden:
        preview.notes.append(
            f"工作簿中有隐藏的工作表：{_shown([s.name for s in book.hidden])}，没有读取；如需从中导入，请勾选“包括隐藏的行和工作表”（命令行加 --include-hidden）。"
        )
    others = [s.name for s in sheets if s is not sheet and s.name not in (*OWN_HIDDEN_SHEETS, *child_sheet_names) and s.rows and _has_data(s)]
    if others:
        preview.notes.append(f"只导入工作表“{sheet.name}”；工作表 {_shown(others)} 没有导入（每个工作表请单独导入，或分别保存为文件）。")
    if not preview_rows:
        preview.notes.append("表头下面没有数据行。")
    return preview


def _read_child_sheet(child: Register, parent: Register, sheets: list[Sheet], parent_sheet: Sheet) -> tuple[str, dict[str, list[dict]], dict[str, int]] | None:
    """The child rows of a child sheet (such as 当事人) by the parent's key (such as 案件编号):
    (sheet name, rows by key, the first Excel row of each key). None when the file has no such sheet."""
    import dataclasses

    key_field = parent.field(child.parent_key_field)
    keyed = dataclasses.replace(child, fields=(key_field, *child.fields), children=())
    found = [m for s in sheets if s is not parent_sheet and (m := match_headers(keyed, s)) and key_field in m.columns.values()]
    found = [m for m in found if all(f in m.columns.values() for f in child.fields if f.required)]
    if not found:
        return None
    match = max(found, key=lambda m: len(m.columns))
    by_key: dict[str, list[dict]] = {}
    first_row: dict[str, int] = {}
    for excel_row, values_ in enumerate(match.sheet.iter_rows(), start=1):
        if excel_row <= match.row_index + 1:
            continue
        raw = {f.key: values_[c] if c < len(values_) else None for c, f in match.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        key = str(raw.pop(key_field.key) or "").strip()
        by_key.setdefault(key, []).append(raw)
        first_row.setdefault(key, excel_row)
    return match.sheet.name, by_key, first_row


def _has_data(sheet: Sheet) -> bool:
    """More than a title or instructions: a sheet with at least two filled rows."""
    return sum(1 for row in sheet.head if any(value is not None for value in row)) >= 2 and sheet.name != "填写说明"


def fingerprint(filled: dict) -> str:
    """The identity of a row's checked values (the filled ones), as stored in ``import_row``."""
    text = json.dumps(filled, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class _RowChecker:
    """Duplicates and unique values, against the stored records and the rows before in the file.

    A row is 疑似重复 only when every column it fills equals a stored record (or an earlier row):
    two different village advisors' log lines on the same day stay two records. It is also 疑似重复
    when it equals a stored record in every column it fills but the fields of how the matter went on
    (``Field.outcome``: 状态, 办结日期, 调解结果…), one of the fields that tell matters apart
    (``Register.same_matter``: 信访人, 事由; 简要案情) filled in: a village's sheet sent again after a
    petition was closed filed it twice, and the count of petitions doubled. Within one file the same
    holds between two rows when one of them is clearly further along (``_same_matter_in_file``): a sheet
    that kept both the 在办 and the 已办结 line of one petition, in either order, imports the 已办结 one and
    marks the 在办 line 疑似重复.
    """

    def __init__(self, db: Database, register: Register, include_hidden: bool):
        self.register = register
        self.include_hidden = include_hidden
        self.required = [f.key for f in register.fields if f.required]
        self.unique = [f for f in register.fields if f.unique]
        keys = register.keys
        bools = {f.key for f in register.fields if f.kind is Kind.BOOL}
        self.stored: dict[tuple, list[tuple[int, dict]]] = {}
        self.outcome = {f.key for f in register.fields if f.outcome} if register.same_matter else set()
        self.lasting = [key for key in self.required if key not in self.outcome]  # required, and never changed by the outcome
        self.by_lasting: dict[tuple, list[tuple[int, dict]]] = {}
        self.stored_unique: dict[str, dict] = {f.key: {} for f in self.unique}
        for row in db.execute(f"SELECT id, {', '.join(records.column_sql(register, key) for key in keys)} FROM {register.key}"):  # village names, not ids
            record = {key: (bool(value) if key in bools and value is not None else value) for key, value in zip(keys, row[1:])}
            self.stored.setdefault(self._key(record), []).append((row[0], record))
            if self.outcome:
                self.by_lasting.setdefault(tuple(record.get(key) for key in self.lasting), []).append((row[0], record))
            for f in self.unique:
                if record.get(f.key) is not None:
                    self.stored_unique[f.key][record[f.key]] = row[0]
        # rows imported before whose records are still there (edited or not)
        self.imported: dict[str, tuple[str, str, int]] = {}
        for fingerprint, file_name, imported_at, record_id in db.execute(
            f"SELECT f.fingerprint, b.file_name, b.imported_at, f.record_id FROM import_row f JOIN import_batch b ON b.id = f.batch_id "
            f"JOIN {register.key} r ON r.id = f.record_id WHERE f.register = ? AND b.undone_at IS NULL",
            [register.key],
        ):
            self.imported[fingerprint] = (file_name, imported_at, record_id)
        self.seen: dict[tuple, list[tuple[int, dict]]] = {}
        self.seen_unique: dict[str, dict] = {f.key: {} for f in self.unique}
        self.shared: dict[str, str] = {}
        self.file_matters: dict[tuple, list[PreviewRow]] = {}  # this file's new rows, by the fields no outcome changes

    def _key(self, record: dict) -> tuple:
        return tuple(record.get(key) for key in self.required)

    def _update_of(self, filled: dict) -> str:
        """Why a row is a stored record again with its outcome changed (nothing else), or ""."""
        if not any(key in filled for key in self.register.same_matter):  # 受理日期 and 层级 alone tell no petition from another
            return ""
        lasting = {key: value for key, value in filled.items() if key not in self.outcome}
        for record_id, record in self.by_lasting.get(tuple(filled.get(key) for key in self.lasting), ()):
            if all(record.get(key) == value for key, value in lasting.items()):
                changed = "、".join(f.label for f in self.register.fields if f.key in self.outcome and f.key in filled and record.get(f.key) != filled[f.key])
                return (f"像是已有记录（{self.register.title}第{record_id}号）的新情况：只有{changed}不同。"
                        f"请在台账中修改第{record_id}号；确是另一件时可选择同时导入疑似重复的行")  # fmt: skip
        return ""

    def _same_matter_in_file(self, filled: dict) -> tuple[PreviewRow, str, bool] | None:
        """A new row before in this file holding the same matter as ``filled``: every other field the same (a
        ``same_matter`` field among them), and one of the two further along: it fills every field of how the matter
        went on that the other fills, and more (已办结 with its 办结日期 after 在办). Returns that row, the labels of
        the fields that differ, and True when ``filled`` is the further along; None when there is none (when neither
        is clearly further along, both stay: the clerk decides)."""
        if not any(key in filled for key in self.register.same_matter):
            return None
        lasting = {key: value for key, value in filled.items() if key not in self.outcome}
        outcome = {key for key in filled if key in self.outcome}
        for earlier in self.file_matters.get(tuple(filled.get(key) for key in self.lasting), ()):
            before = {key: value for key, value in earlier.clean.items() if value is not None}
            if earlier.duplicate_of or {key: value for key, value in before.items() if key not in self.outcome} != lasting:
                continue
            before_outcome = {key for key in before if key in self.outcome}
            if outcome > before_outcome or outcome < before_outcome:  # one fills the other's outcome fields, and more
                changed = "、".join(f.label for f in self.register.fields if f.key in self.outcome and before.get(f.key) != filled.get(f.key))
                return earlier, changed, outcome > before_outcome
        return None

    def check(self, row: PreviewRow, clean: dict, columns: dict[str, int]) -> None:
        """Mark ``row`` (valid so far) as a duplicate, or add its unique-value problems, or note it as new."""
        filled = {key: value for key, value in clean.items() if value is not None}
        key = self._key(clean)
        if row.hidden and not self.include_hidden:
            row.clean = clean
            return  # not imported: it neither repeats nor is repeated
        row.fingerprint = fingerprint(filled)
        same = next((record_id for record_id, record in self.stored.get(key, ()) if all(record.get(k) == v for k, v in filled.items())), None)
        earlier = next((number for number, record in self.seen.get(key, ()) if all(record.get(k) == v for k, v in filled.items())), None)
        unique_filled = [f for f in self.unique if f.key in filled]
        if row.fingerprint in self.imported:  # never twice, even when the clerk takes the repeats
            file_name, imported_at, record_id = self.imported[row.fingerprint]
            row.duplicate_of = f"已于 {imported_at[:10]} 从“{file_name}”导入（{self.register.title}第{record_id}号）"
            row.repeatable = False
        elif same is not None:
            row.duplicate_of = f"与已有记录（{self.register.title}第{same}号）相同"
        elif earlier is not None:
            row.duplicate_of = f"与本文件第{earlier}行相同"
        elif self.outcome:
            row.duplicate_of = self._update_of(filled)
        match = self._same_matter_in_file(filled) if self.outcome and not row.duplicate_of else None
        news_of = match if match and match[2] else None  # this row is an earlier row's news: it is imported instead
        if match and not match[2]:  # an earlier row is this one's news (a sheet listing the newest line first)
            row.duplicate_of = (f"像是本文件第{match[0].excel_row}行那件事较早的情况：只有{match[1]}不同，导入那一行；"
                                "确是另一件时可选择同时导入疑似重复的行")  # fmt: skip
        if row.duplicate_of:
            if unique_filled:  # the repeat would carry the same 案件编号 twice
                row.repeatable = False
                row.duplicate_of += f"（{unique_filled[0].label}相同，不能再导入一次）"
        else:
            for f in unique_filled:
                value = filled[f.key]
                if value in self.stored_unique[f.key]:
                    message = f"{f.label}“{value}”已被已有记录（第{self.stored_unique[f.key][value]}号）使用，不能重复；请核对{f.label}"
                elif value in self.seen_unique[f.key] and not (news_of and self.seen_unique[f.key][value] == news_of[0].excel_row):
                    message = f"{f.label}“{value}”与本文件第{self.seen_unique[f.key][value]}行重复，不能重复；请核对{f.label}"
                else:
                    continue
                row.problems.append(Problem(row.excel_row, _column(columns[f.key]), f.label, message))
            if row.problems:
                return
            if news_of:  # the later row is the news: it is imported, the earlier one is 疑似重复 (its 案件编号 is this row's now)
                earlier, changed, _ = news_of
                earlier.duplicate_of = (f"本文件第{row.excel_row}行像是同一件事的新情况：只有{changed}不同，将导入那一行；"
                                        "确是另一件时可选择同时导入疑似重复的行")  # fmt: skip
                if unique_filled:  # both would carry the same 案件编号
                    earlier.repeatable = False
                    earlier.duplicate_of += f"（{unique_filled[0].label}相同，不能再导入一次）"
            for f in unique_filled:
                self.seen_unique[f.key][filled[f.key]] = row.excel_row
        # the same text in many rows (villages, types, dates) is kept once
        row.clean = {k: self.shared.setdefault(v, v) if isinstance(v, str) else v for k, v in clean.items()}
        row.raw = {}  # raw values are kept only where the clerk must see what was wrong
        self.seen.setdefault(key, []).append((row.excel_row, row.clean))
        if self.outcome and not row.duplicate_of:
            self.file_matters.setdefault(tuple(filled.get(k) for k in self.lasting), []).append(row)


def commit_import(db: Database, preview: ImportPreview, include_duplicates: bool = False, progress: Progress = None) -> dict:
    """Write the rows the preview chose as one batch, in one transaction; returns counts.

    Rows with problems, hidden rows (unless the preview includes them) and rows that repeat a
    stored record are left out; ``include_duplicates`` takes the repeats too, except from a
    file imported before, which adds only the rows not yet in. Nothing fails here that the
    preview did not show: the checks ran there, against the same database. ``progress`` is told
    every 1,000 rows; cancelling rolls the whole batch back.
    """
    register = preview.register
    chosen = preview.chosen_rows(include_duplicates)
    skipped = len(preview.rows) - len(chosen)
    if not chosen:
        why = "这个文件的行都已导入过" if preview.already_imported and preview.rows else "没有可以导入的行"
        return {"batch_id": None, "imported": 0, "skipped": skipped, "message": f"“{preview.path.name}”：{why}，没有导入任何记录。"}
    safety_backup(db.conn, "import")
    try:
        with db.atomic():
            cursor = db.execute(
                "INSERT INTO import_batch (file_name, sha256, register, village, imported_at, rows_in_file, rows_imported, rows_skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [preview.path.name, preview.sha256, register.key, preview.village, records.now(), len(preview.rows), len(chosen), skipped],
            )
            batch_id = cursor.lastrowid
            # written now, so no other import can commit until this one has: one committed since the
            # preview (another window, the command line) may hold these very rows
            since = db.execute(
                "SELECT file_name, imported_at FROM import_batch WHERE id > ? AND id != ? AND register = ? AND undone_at IS NULL ORDER BY id LIMIT 1",
                [preview.last_batch, batch_id, register.key],
            ).fetchone()
            if since is not None:
                raise UserError(
                    f"没有导入“{preview.path.name}”：预览之后，{since[1][:16].replace('T', ' ')} 又从“{since[0]}”导入了{register.title}"
                    "（可能在另一个窗口或命令行中）。请重新导入这个文件，再看一次预览，以免重复。"
                )
            ids = records.insert_clean(db, register, [row.clean for row in chosen], note=f"导入：{preview.path.name}", batch_id=batch_id,
                                       progress=lambda done: step(progress, done, len(chosen), ""))  # fmt: skip
            db.conn.executemany(
                "INSERT INTO import_row (batch_id, register, fingerprint, record_id) VALUES (?, ?, ?, ?)",
                [(batch_id, register.key, row.fingerprint or fingerprint({k: v for k, v in row.clean.items() if v is not None}), record_id) for row, record_id in zip(chosen, ids)],
            )
            step(progress, len(chosen), len(chosen), "")  # the last chance to cancel: nothing is committed yet
            records.audit(db, "import_batch", batch_id, "import", None, None, f"{preview.path.name}：导入{len(chosen)}条，跳过{skipped}条")
    except InvalidRecord as error:  # the records changed between the preview and the commit
        raise UserError(f"没有导入“{preview.path.name}”：预览之后台账有了变化（{'；'.join(error.errors.values())}）。请重新导入这个文件，再看一次预览。") from None
    parts = []
    if sum(1 for row in preview.rows if not row.valid):
        parts.append(f"有问题 {sum(1 for row in preview.rows if not row.valid)} 条")
    taken = {id(row) for row in chosen}
    repeats = sum(1 for row in preview.rows if row.valid and row.duplicate_of and id(row) not in taken)
    if repeats:
        parts.append(f"已有或重复 {repeats} 条")
    hidden = sum(1 for row in preview.rows if row.valid and row.hidden and not preview.include_hidden and not row.duplicate_of)
    if hidden:
        parts.append(f"隐藏 {hidden} 条")
    message = f"已从“{preview.path.name}”导入{register.title} {len(chosen)} 条" + (f"，跳过 {skipped} 条（{'，'.join(parts)}）" if skipped else "") + "。"
    return {"batch_id": batch_id, "imported": len(chosen), "skipped": skipped, "message": message}


def batches(db: Database) -> list[dict]:
    """Import batches, newest first."""
    return list(db.query("SELECT * FROM import_batch ORDER BY id DESC"))


def undo_batch(db: Database, batch_id: int) -> int:
    """Delete every record of an import batch (all or none); returns how many were deleted."""
    row = db.execute("SELECT register, file_name, undone_at FROM import_batch WHERE id = ?", [batch_id]).fetchone()
    if row is None:
        raise UserError(f"找不到编号为 {batch_id} 的导入批次。")
    if row[2]:
        raise UserError(f"“{row[1]}”的这次导入已于 {row[2].replace('T', ' ')} 撤销过。")
    register = next(r for r in REGISTERS if r.key == row[0])
    safety_backup(db.conn, "delete")
    with db.atomic():
        ids = [r[0] for r in db.execute(f"SELECT id FROM {register.key} WHERE batch_id = ?", [batch_id])]
        records.delete(db, register, ids)
        db.execute("UPDATE import_batch SET undone_at = ? WHERE id = ?", [records.now(), batch_id])
        records.audit(db, "import_batch", batch_id, "undo", None, None, f"撤销导入“{row[1]}”：删除{len(ids)}条")
    return len(ids)

"""Workbooks the program writes: fill-in templates for the villages, and exports of a list.

Both are generated from the register's description; both re-import through ``importing``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import audit, county_scope, queries, records, settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel import printing
from zhaocun_desktop.excel.reading import MARKER_SHEET, MARKER_TITLE
from zhaocun_desktop.files import check_output_path, save_file
from zhaocun_desktop.listing import listing_title
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.queries import RecordList, RecordQuery
from zhaocun_desktop.registers import LAST_DATE, REGISTERS, Field, Kind, Register
from zhaocun_desktop.validation import display_value
from zhaocun_desktop.values import EXCEL_EPOCH, PERSONAL_NOTE, mask_numbers

if TYPE_CHECKING:
    from sqlite_utils import Database

TEMPLATE_ROWS = 500  # rows prepared with dropdowns and formats
TEMPLATE_VERSION = "2"  # 2: the marker sheet (模板信息) names the register
_NUMBER_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.INT: "0", Kind.MONEY: "#,##0.00", Kind.ID_NUMBER: "@", Kind.PHONE: "@", Kind.TEXT: "@"}
_FORMAT_HINTS = {
    Kind.DATE: "日期，如 2023-03-08",
    Kind.INT: "整数",
    Kind.MONEY: "金额（元），如 12000",
    Kind.BOOL: "下拉选择：是 / 否",
    Kind.CHOICE: "下拉选择",
    Kind.VILLAGE: "村(居)名称，可下拉选择",
    Kind.ID_NUMBER: "18位身份证号（本列已设为文本，请勿改成数字）",
    Kind.PHONE: "11位手机号或带区号的固定电话",
    Kind.MEMO: "文字，可较长",
    Kind.TEXT: "文字",
}


# ---------------------------------------------------------------------------
# The one way a value reaches a cell (templates, exports and the summary all use it)

# Text starting with these is a formula (or becomes one when edited) in Excel, WPS or LibreOffice;
# the full-width forms are turned into half-width ones by some input methods and WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
EXCEL_MAX_TEXT = 32767
# openpyxl's ILLEGAL_CHARACTERS_RE (control characters XML cannot hold), here so that writing a
# cell needs no import per call; a test checks the two agree.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def excel_value(value, mask: bool = False):
    """``value`` as a cell may hold it: no character Excel cannot store, at most 32,767 characters,
    no infinite number, personal numbers masked when ``mask``."""
    if not isinstance(value, str):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)  # Excel has no Inf/NaN: written as text rather than a broken file
        return value
    value = ILLEGAL_CHARACTERS.sub("", value)
    if mask:
        value = mask_numbers(value)
    return value[:EXCEL_MAX_TEXT]


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def put(cell, value, mask: bool = False):
    """Write ``value`` into ``cell`` as data, never as a formula; returns the cell."""
    value = excel_value(value, mask)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl would store "=..." as a live formula
        cell.quotePrefix = True  # Excel/WPS keep it text even when the clerk edits the cell
    return cell


def row_for(sheet, values, mask: bool = False) -> list:
    """A row for ``sheet.append`` of a write-only sheet: plain values, and a literal cell where text
    must be kept from becoming a formula."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        value = excel_value(value, mask)
        row.append(put(WriteOnlyCell(sheet), value) if is_formula_like(value) else value)
    return row


def header_text(text: str) -> str:
    """Text for a page header or footer: ``&`` starts a code there, so it is doubled."""
    return excel_value(text).replace("&", "&&")


def save_workbook(book, path: Path) -> Path:
    """Save ``book`` to ``path`` through ``save_file``.

    The workbook is built in memory and then written in one go: when the disk fills up, openpyxl's
    own zip writer never sees the error (it would leave an unclosed archive that complains later).
    """
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return save_file(lambda target: target.write_bytes(buffer.getbuffer()), path)


def _width(field: Field) -> float:
    """Excel column width (characters) from the table width (pixels) and the header on at most two lines."""
    return max(field.width / 7.5, min(len(field.label) * 2.2 + 2, len(field.label) * 1.1 + 3), 8)


KEY_COLUMNS = 2  # repeated on every page when a register's columns continue on further pages
TEMPLATE_PRINT_ROWS = 30  # a printed template is a blank form of this many rows, not 500


def _print_setup(sheet, fields, header_row: int, last_row: int) -> None:
    """Landscape A4 at 9 pt or more: one page wide, or split with the key columns repeated."""
    plan = printing.plan([_width(field) for field in fields], 11, "landscape", KEY_COLUMNS)
    printing.apply(sheet, plan, f"{header_row}:{header_row}", len(fields), last_row)


def _requirement(field: Field) -> str:
    """What the guide says about a column: its hint, and the bounds the importer holds it to."""
    text = field.hint or _FORMAT_HINTS[field.kind]
    if field.kind in (Kind.INT, Kind.MONEY):
        text += f"；{field.minimum:,} 至 {field.upper_bound:,.0f}"
    elif field.kind in (Kind.TEXT, Kind.MEMO):
        text += f"；不超过 {field.length_limit:,} 字"
    return text


def safe_file_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")


def write_template(db: Database, register: Register, path: str | Path, village: str | None = None) -> Path:
    """A fill-in workbook for ``register``: instructions, headers, dropdowns, formats, print setup.

    With ``village``, the village column is filled in and locked.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    path = Path(path)
    settings = township_settings.settings(db)
    villages = queries.village_names(db)
    choices = records.field_choices(db, register)
    if village is not None and register.village_field is None:
        raise UserError(f"{register.title}不按村(居)填报，不能指定村(居)。")
    if village is not None and villages and village not in villages:
        raise UserError(f"“{village}”不是本镇的村(居)。本镇村(居)：{'、'.join(villages)}")

    book = Workbook()
    guide = book.active
    guide.title = "填写说明"
    sheet = book.create_sheet(register.title)
    lists = book.create_sheet("选项")
    lists.sheet_state = "hidden"
    _marker_sheet(book, register, settings, village)
    who = f"{village}" if village else (settings.get("town") or "")
    _guide_sheet(guide, register, settings, choices, village, who)

    thin = Side(style="thin", color="808080")
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    last_row = TEMPLATE_ROWS + 1
    list_column = 0
    for index, field in enumerate(register.fields, start=1):
        letter = get_column_letter(index)
        cell = put(sheet.cell(1, index), f"{field.label}*" if field.required else field.label)
        cell.font = Font(name="宋体", bold=True, color="B00020" if field.required else "000000")
        cell.fill = header_fill
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.protection = Protection(locked=True)
        sheet.column_dimensions[letter].width = _width(field)
        # Column styles (not 500 styled cells): Excel, WPS and LibreOffice apply them to what is typed.
        dimension = sheet.column_dimensions[letter]
        dimension.number_format = _NUMBER_FORMATS.get(field.kind, "General")
        fixed = village is not None and field.key == register.village_field
        dimension.protection = Protection(locked=fixed)
        if fixed:
            for row in range(2, last_row + 1):
                put(sheet.cell(row, index), village).protection = Protection(locked=True)
        else:
            list_column = _column_input(book, sheet, lists, field, index, choices, villages, list_column)
    sheet.row_dimensions[1].height = 30
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in sheet.iter_rows(min_row=2, max_row=1 + TEMPLATE_PRINT_ROWS, max_col=len(register.fields)):
        for cell in row:  # the printed blank form is ruled, so it can be filled in by hand
            column = sheet.column_dimensions[cell.column_letter]
            cell.border = ruled
            cell.number_format = column.number_format  # a cell of its own no longer takes the column's text format
            if cell.value is None:
                cell.protection = Protection(locked=False)
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True  # header (and a fixed village column) locked; no password
    for permission in ("formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(sheet.protection, permission, False)
    _print_setup(sheet, register.fields, 1, 1 + TEMPLATE_PRINT_ROWS)
    sheet.oddHeader.center.text = header_text(f"{who}{register.title}")
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    for child in register.children:
        _child_template_sheet(book, child, register, last_row)
    book.active = 1
    return save_workbook(book, path)


def _marker_sheet(book, register: Register, settings: dict, village: str | None) -> None:
    """The hidden sheet that says which register, for which township and village: the importer reads it back."""
    marker = book.create_sheet(MARKER_SHEET)
    marker.sheet_state = "hidden"
    marker.append([MARKER_TITLE, "请勿修改或删除本工作表"])
    for row, (key, value) in enumerate((("台账", register.key), ("工作表", register.title), ("模板版本", TEMPLATE_VERSION), ("镇", settings.get("town") or ""), ("村(居)", village or "")), start=2):
        put(marker.cell(row, 1), key)
        put(marker.cell(row, 2), value)  # a town named "=…" stays text here too
    marker.protection.sheet = True


def _guide_sheet(guide, register: Register, settings: dict, choices: dict, village: str | None, who: str) -> None:
    """填写说明: how to fill the sheet in, and each column's requirement and options."""
    from openpyxl.styles import Alignment, Font

    put(guide["A1"], f"{who}{register.title}填报表 填写说明")
    guide["A1"].font = Font(name="宋体", size=14, bold=True)
    lines = [
        f"1. 请在“{register.title}”工作表中填写，每条记录占一行，从第2行开始。",
        "2. 列标题不要修改、删除或调换顺序；带 * 的列必须填写。",
        "3. 有下拉箭头的格子请从下拉列表中选择。日期写成 2023-03-08 或 2023年3月8日 均可。",
        "4. 身份证号、电话所在列已设为“文本”格式，请直接输入完整号码，不要改成数字格式（否则末几位会丢失）。",
        "5. 不要合并单元格，不要使用公式，不要给工作簿设置密码。",
        f"6. 填好后保存为 .xlsx 文件，发送给{settings.get('office') or '司法所'}。",
    ]
    if village:
        lines.append(f"7. “{register.field(register.village_field).label}”一列已填好“{village}”，不需要修改。")
    for child in register.children:  # its sheet follows the register's own; the guide says how the two go together
        key_label = register.field(child.parent_key_field).label
        text = f"{len(lines) + 1}. “{child.title}”工作表：每条{child.title}一行，第一列填所属记录的“{key_label}”（没有编号时填该记录在“{register.title}”表中的行号，如“第5行”）。"
        if child.parent_summary:
            text += f"不填此表时，“{register.field(child.parent_summary).label}”一列写成“张三与李四”即可。"
        lines.append(text)
    for row, text in enumerate(lines, start=3):
        put(guide.cell(row, 1), text)
    start = len(lines) + 5
    for column, header in enumerate(("列名", "是否必填", "填写要求", "可选项"), start=1):
        cell = put(guide.cell(start, column), header)
        cell.font = Font(bold=True)
    for offset, field in enumerate(register.fields, start=1):
        options = "、".join(choices.get(field.key, field.choices)) if field.kind is Kind.CHOICE else ("是、否" if field.kind is Kind.BOOL else "")
        for column, value in enumerate((field.label, "必填" if field.required else "", _requirement(field), options), start=1):
            put(guide.cell(start + offset, column), value)
    for column, width in zip("ABCD", (18, 10, 40, 50)):  # the same as guide_widths below
        guide.column_dimensions[column].width = width
    guide_widths = (18, 10, 40, 50)
    for row in guide.iter_rows(min_row=start + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[row[0].row].height = max(printing.wrapped_height(cell.value or "", width) for cell, width in zip(row, guide_widths))
    for row in range(3, 3 + len(lines)):
        guide.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        guide.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[row].height = max(30, printing.wrapped_height(lines[row - 3], sum(guide_widths)))
    printing.apply(guide, printing.plan(list(guide_widths), 11, "landscape"))


def _column_input(book, sheet, lists, field: Field, index: int, choices: dict, villages: list[str], list_column: int) -> int:
    """A column's dropdown (its options listed on the hidden 选项 sheet) or its date range, as the import
    accepts them; returns the number of option lists written so far."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(index)
    last_row = TEMPLATE_ROWS + 1
    options = choices.get(field.key, field.choices) if field.kind is Kind.CHOICE else ("是", "否") if field.kind is Kind.BOOL else tuple(villages) if field.kind is Kind.VILLAGE else ()
    if options:
        list_column += 1
        list_letter = get_column_letter(list_column)
        put(lists.cell(1, list_column), field.label)
        for row, option in enumerate(options, start=2):
            put(lists.cell(row, list_column), option)
        name = f"list_{field.key}"
        reference = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(options) + 1}"
        book.defined_names[name] = DefinedName(name, attr_text=reference)
        strict = field.kind is not Kind.VILLAGE or field.required
        validation = DataValidation(type="list", formula1=f"={name}", allow_blank=True, showErrorMessage=strict)
        validation.error = f"请从下拉列表中选择{field.label}"
        validation.errorTitle = "输入有误"
        validation.prompt = field.hint or _FORMAT_HINTS[field.kind]
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last_row}")
    elif field.kind is Kind.DATE:
        first, last = ((day - EXCEL_EPOCH).days for day in (field.earliest, LAST_DATE))  # as the import accepts them
        validation = DataValidation(type="date", operator="between", formula1=str(first), formula2=str(last), allow_blank=True, showErrorMessage=True)
        validation.error = f"请填写 {field.earliest:%Y}—{LAST_DATE:%Y} 年之间的日期，如 2023-03-08"
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last_row}")
    return list_column


def _child_template_sheet(book, child: Register, parent: Register, last_row: int) -> None:
    """A fill-in sheet for a child register (such as 当事人), keyed by the parent's number."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.create_sheet(child.title)
    columns = (parent.field(child.parent_key_field), *child.fields)
    for index, field in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, f"{field.label}*" if field.required or index == 1 else field.label)
        cell.font = Font(name="宋体", bold=True, color="B00020" if field.required or index == 1 else "000000")
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        sheet.column_dimensions[letter].width = _width(field)
        sheet.column_dimensions[letter].number_format = _NUMBER_FORMATS.get(field.kind, "General")
        if field.kind is Kind.CHOICE and index > 1:
            validation = DataValidation(type="list", formula1='"' + ",".join(field.choices) + '"', allow_blank=True, showErrorMessage=True)
            validation.error = f"请从下拉列表中选择{field.label}"
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"
    _print_setup(sheet, columns, 1, last_row)


def template_registers() -> tuple[Register, ...]:
    return tuple(r for r in REGISTERS if r.key != "village")


def write_all_templates(db: Database, folder: str | Path, progress: Progress = None) -> list[Path]:
    """Templates for every village (registers kept by village) and the township-level ones.

    ``progress`` is told before each file; cancelling stops between files (those written stay).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"“{folder}”是一个文件，不是文件夹。请指定一个文件夹来存放全部模板。")
    folder.mkdir(parents=True, exist_ok=True)
    villages = queries.village_names(db)
    planned = []
    for register in template_registers():
        if register.village_field and villages:
            planned += [(register, folder / f"{safe_file_name(village)}_{register.title}.xlsx", village) for village in villages]
        else:
            planned.append((register, folder / f"{register.title}.xlsx", None))
    written = []
    for index, (register, path, village) in enumerate(planned):
        step(progress, index, len(planned), path.name)
        written.append(write_template(db, register, path, village))
    step(progress, len(planned), len(planned), "")
    return written


def write_export(db: Database, register: Register, path: str | Path, query: RecordQuery = RecordQuery(), reveal: bool = False, progress: Progress = None) -> int:
    """The records ``query`` selects, in table order, as a workbook for reading and printing.

    ID and phone numbers are masked unless ``reveal`` (which the audit log records). Returns
    the number of rows written. The header row is found again by the importer (round trip).
    ``progress`` is told after each page of rows; cancelling before the save leaves no file.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = check_output_path(path)  # before the write-only book exists: it cannot be abandoned cleanly
    book = Workbook(write_only=True)
    sheet = book.create_sheet(register.title)
    lead = county_scope.township_column(db, register)  # a whole county's list: which township each row is from
    fields = tuple(field for field, _ in lead) + register.fields
    for index, field in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(field)
    sheet.freeze_panes = "A4"

    masked = not reveal  # title and filter line masked as text; the records field by field (display_value)

    def styled(value, font):
        cell = put(WriteOnlyCell(sheet), value, masked)
        cell.font = font
        return cell

    listing = RecordList(db, register, query, [sql for _, sql in lead] + list(register.keys))
    _print_setup(sheet, fields, 3, 3 + max(listing.count, 1))
    title = listing_title(db, register, query)
    sheet.append([styled(title, Font(name="宋体", size=14, bold=True))])
    sensitive = any(f.sensitive for r in (register, *register.children) for f in r.fields)
    if sensitive and reveal:
        note = f"{PERSONAL_NOTE}导出时间：{audit.now().replace('T', ' ')}，共 {listing.count} 条。"
    elif sensitive:
        note = f"身份证号、电话已遮盖。导出时间：{audit.now().replace('T', ' ')}，共 {listing.count} 条。"
    else:
        note = f"导出时间：{audit.now().replace('T', ' ')}，共 {listing.count} 条。"
    sheet.append([styled(note, Font(name="宋体", color="B00020" if reveal and sensitive else "000000"))])
    header_font, header_fill = Font(name="宋体", bold=True), PatternFill("solid", fgColor="DDE4EE")
    header = []
    for field in fields:
        cell = put(WriteOnlyCell(sheet), field.label)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)  # long labels on two lines
        header.append(cell)
    sheet.append(header)
    formatters = [(index + 1, field) for index, field in enumerate(fields)]
    page = 2000
    parent_keys: dict[int, tuple] = {}  # record id → what names it in a child sheet (乡镇 first in a whole county: numbers repeat across townships)
    try:
        for offset in range(0, listing.count, page):
            step(progress, offset, listing.count, "")
            for position, row in enumerate(listing.rows(offset, page), start=offset + 4):
                sheet.append(row_for(sheet, [_export_value(field, row[index], reveal) for index, field in formatters]))  # masked field by field
                for child in register.children:
                    key = row[1 + len(lead) + register.keys.index(child.parent_key_field)]
                    parent_keys[row[0]] = (*row[1 : 1 + len(lead)], key or f"第{position}行")  # no number: the row in the first sheet
        for child in register.children:
            _write_child_sheet(db, book, child, register, parent_keys, reveal, tuple(field for field, _ in lead))
        step(progress, listing.count, listing.count, "正在保存…")
    except BaseException:  # cancelled, or the database failed while it was read (a damaged record)
        for written in book.worksheets:  # ends each sheet's half-written stream (child sheets too; openpyxl removes its temporary files at exit)
            written.close()
        raise
    save_workbook(book, path)
    if reveal and sensitive:
        audit.audit(db, register.key, None, "export", None, None, f"导出含完整身份证号/电话的{register.title} {listing.count} 条：{path.name}")
    return listing.count


def _write_child_sheet(db: Database, book, child: Register, parent: Register, parent_keys: dict[int, tuple], reveal: bool, lead: tuple[Field, ...] = ()) -> None:
    """A sheet of ``child``'s rows, each led by its parent's key (the importer reads it back), after
    the ``lead`` columns (a whole county's 乡镇) that ``parent_keys`` give first."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(child.title)
    key_field = parent.field(child.parent_key_field)
    columns = (*lead, key_field, *child.fields)
    for index, field in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(field)
    sheet.freeze_panes = "A2"
    header = []
    for field in columns:
        cell = put(WriteOnlyCell(sheet), field.label)
        cell.font, cell.fill = Font(name="宋体", bold=True), PatternFill("solid", fgColor="DDE4EE")
        header.append(cell)
    sheet.append(header)
    ids, written = list(parent_keys), 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.execute(
            f"SELECT {child.parent_column}, {', '.join(child.keys)} FROM {child.key} "
            f"WHERE {child.parent_column} IN ({', '.join('?' * len(chunk))}) ORDER BY {child.parent_column}, id",
            chunk,
        ).fetchall()
        order = {record_id: index for index, record_id in enumerate(chunk)}
        for row in sorted(rows, key=lambda r: order[r[0]]):
            values_ = [*parent_keys[row[0]], *(_export_value(field, value, reveal) for field, value in zip(child.fields, row[1:]))]
            sheet.append(row_for(sheet, values_))  # masked field by field; the parent's 案件编号 is not personal
            written += 1
    _print_setup(sheet, columns, 1, 1 + max(written, 1))  # like the first sheet: A4, >= 9 pt, header and key repeated


def _export_value(field: Field, value, reveal: bool):
    if value is None:
        return None
    if field.kind in (Kind.INT, Kind.MONEY):
        return value
    return display_value(field, value, reveal)

"""Step 7 of an import: what the clerk reads above the rows — how the register was told, what the
reading left out (cells far beyond the columns, hidden rows and sheets, other sheets, columns that are
not the register's), names not in their roster, a template made for another township, and places that
are not villages, each with the rows it concerns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaocun_desktop import queries, records, settings as township_settings, villages
from zhaocun_desktop.excel.children import ChildSheet
from zhaocun_desktop.excel.preview import ImportPreview
from zhaocun_desktop.excel.reading import OWN_HIDDEN_SHEETS, Book, Sheet
from zhaocun_desktop.registers import BY_KEY, VILLAGE, Kind

if TYPE_CHECKING:
    from sqlite_utils import Database


def shown(items: list, limit: int = 5) -> str:
    return "、".join(str(item) for item in items[:limit]) + ("等" if len(items) > limit else "")


def write_notes(db: Database, preview: ImportPreview, book: Book, how: str, sheets: list[Sheet], child_sheets: list[ChildSheet], cleaned: list[str]) -> None:
    """All the notes of ``preview``, in the order the clerk reads them."""
    notes = preview.notes
    notes.append(how + "。")
    notes += book.notes
    notes += roster_notes(db, preview)
    notes += child_notes(preview, child_sheets)
    notes += place_notes(db, preview)
    town = book.marker.get("镇")
    if town and town != (township_settings.settings(db).get("town") or town):
        notes.append(f"这份模板是为“{town}”生成的，与本程序设置的镇名不同，请核对是否发错了文件。")
    notes += column_notes(preview)
    if cleaned:
        notes.append(f"{shown(cleaned, 10)}单元格中有不可见的控制字符（Excel 无法保存），已删去，其余内容不变。")
    notes += hidden_notes(preview, book)
    others = [s.name for s in sheets if s is not preview.match.sheet and s.name not in (*OWN_HIDDEN_SHEETS, *(c.sheet.name for c in child_sheets)) and _has_data(s)]
    if others:
        notes.append(f"只导入工作表“{preview.match.sheet.name}”；工作表 {shown(others)} 没有导入（每个工作表请单独导入，或分别保存为文件）。")
    if not preview.rows:
        notes.append("表头下面没有数据行。")


def roster_notes(db: Database, preview: ImportPreview) -> list[str]:
    """Names not in their roster (人民调解员, 法律顾问): imported, but the clerk sees them."""
    notes = []
    for f in preview.register.fields:
        names = set(records.roster_names(db, f)) if f.roster else set()
        if not names:
            continue
        strangers: dict[str, list[int]] = {}
        for row in preview.rows:
            name = row.clean.get(f.key) if row.valid else None
            if names and name and name not in names:
                strangers.setdefault(name, []).append(row.excel_row)
        for name, rows in strangers.items():
            title = BY_KEY[f.roster].title
            notes.append(f"{f.label}“{name}”不在{title}中（{shown([f'第{n}行' for n in rows])}），仍会导入；如是新人员请在“{title}”页补充。")
    return notes


def child_notes(preview: ImportPreview, child_sheets: list[ChildSheet]) -> list[str]:
    register = preview.register
    return [
        f"工作表“{c.sheet.name}”：{sum(len(rows) for rows in c.by_key.values())}行{c.child.title}，按“{register.field(c.child.parent_key_field).label}”归入各条记录。"
        for c in child_sheets
    ]


def place_notes(db: Database, preview: ImportPreview) -> list[str]:
    """Places that are not villages: those the clerk keeps as such, those still to decide; and a township
    without its 村(居) list, whose village names cannot be checked."""
    register = preview.register
    notes = []
    kept = sorted(preview.other_places)
    if kept:
        notes.append(f"{shown([f'“{name}”' for name in kept], 10)}不是本镇的村(居)，按您的选择记为“{villages.OTHER_PLACES}”。")
    for name, rows in preview.unknown_places.items():
        notes.append(f"“{name}”不在本镇的村(居)名单中（{shown([f'第{n}行' for n in rows])}），这些行暂不导入："
                     f"如确是镇直单位或其他地点，请选择记为“{villages.OTHER_PLACES}”；如是村名写错，请改正后重新导入。")  # fmt: skip
    if register is not VILLAGE and not queries.village_names(db) and any(f.kind is Kind.VILLAGE and f in preview.match.columns.values() for f in register.fields):
        notes.append(f"本镇还没有村(居)名单，文件中的村(居)名称没有核对，会照原样导入（写错的名称不会计入任何村）。"
                     f"请先在“{VILLAGE.title}”页添加本镇的村(居)，再导入。")  # fmt: skip
    return notes


def column_notes(preview: ImportPreview) -> list[str]:
    register, match = preview.register, preview.match
    notes = []
    if match.extra:
        notes.append(f"以下列不属于{register.title}，已忽略：{'、'.join(match.extra)}")
    optional_missing = [f.label for f in register.fields if not f.required and f not in match.columns.values()]
    if optional_missing:
        notes.append(f"文件中没有这些列（将留空）：{'、'.join(optional_missing)}")
    return notes


def hidden_notes(preview: ImportPreview, book: Book) -> list[str]:
    notes = []
    hidden_rows = [row.excel_row for row in preview.hidden_rows]
    if hidden_rows:
        what = "将一并导入" if preview.include_hidden else "不会导入；如需导入，请勾选“包括隐藏的行和工作表”（命令行加 --include-hidden）"
        notes.append(f"第{shown(hidden_rows, 10)}行在文件中被隐藏，{what}。")
    if book.hidden and not preview.include_hidden:
        notes.append(f"工作簿中有隐藏的工作表：{shown([s.name for s in book.hidden])}，没有读取；如需从中导入，请勾选“包括隐藏的行和工作表”（命令行加 --include-hidden）。")
    return notes


def _has_data(sheet: Sheet) -> bool:
    """More than a title or instructions: a sheet with at least two filled rows."""
    return sheet.name != "填写说明" and sum(1 for row in sheet.head if any(value is not None for value in row)) >= 2

"""A register's list as a printable document: title, note, columns and the rows of the current
filter and search, as text. Qt-free; the GUI paints it (preview and print), and the export
uses the same title.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhaocun_desktop import audit, county_scope, settings as township_settings
from zhaocun_desktop.queries import RecordList, RecordQuery
from zhaocun_desktop.registers import Kind, Register
from zhaocun_desktop.validation import display_value
from zhaocun_desktop.values import PERSONAL_NOTE, mask_numbers

if TYPE_CHECKING:
    from sqlite_utils import Database

_RIGHT = (Kind.INT, Kind.MONEY)
# values printed on one line, never broken: dates, numbers, amounts, phone and ID numbers, 是/否
_WHOLE = (Kind.DATE, Kind.INT, Kind.MONEY, Kind.PHONE, Kind.ID_NUMBER, Kind.BOOL)


def prints_whole(field) -> bool:
    """Whether a column's values stay on one line in a printed list: the kinds of ``_WHOLE`` and
    identifiers (a unique text: 案件编号 "（2023）孙岭人调字第2号", 执法证号); text and choices wrap."""
    return field.kind in _WHOLE or field.unique


@dataclass(frozen=True)
class PrintedList:
    """The rows of a list as they print: ``widths`` are relative (the list's column widths);
    ``whole``: per column, its values are not to be broken across lines (``prints_whole``)."""

    title: str
    note: str
    headers: list[str]
    widths: list[int]
    right_aligned: list[bool]
    rows: list[list[str]]
    whole: list[bool] | None = None


def listing_title(db: Database, register: Register, query: RecordQuery) -> str:
    """The township, the register and the filters in force: 赵村镇调解案件（2023年，赵村村，含“邻里”）."""
    filters = []
    if query.year:
        filters.append(f"{query.year}年")
    if query.village:
        filters.append(query.village)
    if query.search.strip():
        filters.append(f"含“{query.search.strip()}”")
    town = township_settings.settings(db).get("town") or ""
    return f"{town}{register.title}" + (f"（{'，'.join(filters)}）" if filters else "")


def printed_list(db: Database, register: Register, query: RecordQuery = RecordQuery(), reveal: bool = False) -> PrintedList:
    """The list's columns and the rows ``query`` selects, in its order; ID and phone numbers
    (also inside free text) masked unless ``reveal``. Columns empty in every row are left out.
    A whole county's list leads with 乡镇."""
    lead = county_scope.township_column(db, register)
    fields = tuple(field for field, _ in lead) + register.list_fields
    listing = RecordList(db, register, query, [sql for _, sql in lead] + [f.key for f in register.list_fields])
    rows = []
    for offset in range(0, listing.count, 2000):
        for row in listing.rows(offset, 2000):
            rows.append([display_value(field, value, reveal) for field, value in zip(fields, row[1:])])  # free text masked too
    if rows:  # a column no row fills (备注 often) only takes room from the others
        used = [any(row[i] for row in rows) for i in range(len(fields))]
        fields = tuple(f for f, keep in zip(fields, used) if keep)
        rows = [[text for text, keep in zip(row, used) if keep] for row in rows]
    sensitive = any(f.sensitive for f in register.fields)
    when = f"打印时间：{audit.now()[:16].replace('T', ' ')}，共 {len(rows)} 条。"
    note = (PERSONAL_NOTE if reveal else "身份证号、电话已遮盖。") + when if sensitive else when
    title = listing_title(db, register, query)
    return PrintedList(
        title=title if reveal else mask_numbers(title),
        note=note,
        headers=[f.label for f in fields],
        widths=[f.width for f in fields],
        right_aligned=[f.kind in _RIGHT for f in fields],
        rows=rows,
        whole=[prints_whole(f) for f in fields],
    )

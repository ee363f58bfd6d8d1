"""Hostile workbooks built on the program's own templates (``excel/writing.write_template``): the rows a
village fills in, with what villages do to them — blank rows between, a stray cell far out, a header
written twice or deleted, a 当事人 sheet whose keys differ a little, a workbook counting dates from 1904,
dates and numbers typed every way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from zhaocun_desktop import records, settings as township_settings
from zhaocun_desktop.excel.writing import write_template
from zhaocun_desktop.registers import VILLAGE

VILLAGES = ["赵村村", "中汤村", "上汤村", "孙义村", "堂沟村", "西竹园村", "东竹园村", "黄土岭村", "寺沟村", "白草坪村", "纸房村", "砚台沟村"]
SETTINGS = dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023")
DATE_FORMS = ("date", "serial", "serial text", "年月日", "dots", "slashes", "digits", "full width")
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def set_up_town(db) -> None:
    township_settings.save_settings(db, SETTINGS)
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGES])


def date_cell(day: dt.date, form: str, date1904: bool = False):
    """``day`` as a village types it; a day number counts from the workbook's own epoch."""
    epoch = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    return {
        "date": day,
        "serial": (day - epoch).days,
        "serial text": str((day - epoch).days),
        "年月日": f"{day.year}年{day.month}月{day.day}日",
        "dots": f"{day.year}.{day.month}.{day.day}",
        "slashes": f"{day.year}/{day.month}/{day.day}",
        "digits": f"{day:%Y%m%d}",
        "full width": f"{day:%Y-%m-%d}".translate(_FULL),
    }[form]


@dataclass
class Book:
    """A template as the test fills it: its data sheet's rows (label → value), where each row went, and
    the changes made to the file."""

    path: Path
    register: object
    rows: list[dict]
    gaps: list[int] = field(default_factory=list)  # blank rows before each data row
    date1904: bool = False
    stray: str | None = None  # a cell far out, such as XFD1048576
    header: str | None = None  # None, "duplicate" (a header written twice), "drop required", "drop optional"
    children: list[list] = field(default_factory=list)  # rows of the 当事人 sheet: [key, 身份, 姓名]
    drop_child_column: str | None = None
    excel_rows: list[int] = field(default_factory=list)  # filled in: where each row went

    def write(self, db) -> Path:
        write_template(db, self.register, self.path)
        book = openpyxl.load_workbook(self.path)
        if self.date1904:
            book.epoch = CALENDAR_MAC_1904
        sheet = book[self.register.title]
        column = {str(cell.value).rstrip("*"): cell.column for cell in sheet[1] if cell.value}
        number = 1
        for index, row in enumerate(self.rows):
            number += 1 + (self.gaps[index] if index < len(self.gaps) else 0)
            self.excel_rows.append(number)
            for label, value in row.items():
                cell = sheet.cell(number, column[label])
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
        if self.header == "duplicate":  # 备注 written again after the last column, with text under it
            extra = sheet.max_column + 1
            sheet.cell(1, extra, "备注")
            sheet.cell(self.excel_rows[0] if self.excel_rows else 2, extra, "另一列的内容")
        elif self.header in ("drop required", "drop optional"):
            wanted = [f.label for f in self.register.fields if f.required == (self.header == "drop required") and f.label in column]
            sheet.cell(1, column[wanted[0]], "不相干的列")
        if self.children or self.drop_child_column:
            child = book[self.register.children[0].title]
            header = {str(cell.value).rstrip("*"): cell.column for cell in child[1] if cell.value}
            for number, (key, role, name) in enumerate(self.children, start=2):
                child.cell(number, 1, key)
                child.cell(number, header["身份"], role)
                child.cell(number, header["姓名"], name)
            if self.drop_child_column:
                child.cell(1, header[self.drop_child_column]).value = None
        if self.stray:
            sheet[self.stray] = "误输入"
        book.save(self.path)
        return self.path

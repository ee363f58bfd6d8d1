"""全县汇总表: the county's figures sheet beside the bureau's statistics tables (statistics.py), one workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import settings as township_settings
from zhaocun_desktop.county.figures import county_figures, township_figures, townships
from zhaocun_desktop.county_scope import current_scope, set_scope
from zhaocun_desktop.errors import UserError

if TYPE_CHECKING:
    from sqlite_utils import Database

COUNTY_TOTAL = "全县合计"  # the whole county's row


def write_county_summary(db: Database, year: int, path: str | Path) -> Path:
    """The county summary workbook: townships × figures with the county total (computed from the
    records the packages brought, never the figures a package reports about itself), then the county
    statistics tables of the whole county in the townships' layout."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from zhaocun_desktop.excel import printing
    from zhaocun_desktop.excel.writing import save_workbook
    from zhaocun_desktop.figures import FIGURES, RATES, RateValue
    from zhaocun_desktop.statistics import BODY_PT, FONT, TITLE_PT, write_county_tables

    names = townships(db, year)
    if not names:
        raise UserError(f"县级汇总数据库中还没有{year}年的乡镇数据包。请先导入各乡镇的上报数据包。")
    by_town, total = township_figures(db, year), county_figures(db, year)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年全县汇总"
    county = (township_settings.settings(db).get("county") or "").strip()  # the title names the county (鲁山县2023年度…)
    sheet.append([f"{county}{year}年度各乡镇法治政府建设数字汇总表"])
    sheet.append(["项目", "单位", *names, COUNTY_TOTAL])
    thin = Side(style="thin")
    for figure in FIGURES:
        sheet.append([figure.label, figure.unit, *[by_town.get(name, {}).get(figure.key) for name in names], total.get(figure.key)])
    for rate in RATES:
        cells = []
        for value in [*(by_town.get(name, {}).get(rate.key) for name in names), total.get(rate.key)]:
            rate_value = RateValue(*value) if isinstance(value, tuple) and None not in value else None
            # one format down the column: 87.0% beside 86.5% (str(RateValue) writes 87% and 86.5%)
            cells.append(f"{rate_value.percent:.1f}%" if rate_value is not None and rate_value.percent is not None else None)
        sheet.append([rate.label, "%", *cells])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(names) + 3)
    sheet["A1"].font = Font(name=FONT, size=TITLE_PT, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.font = Font(name=FONT, size=BODY_PT, bold=cell.row == 2 or cell.column == len(names) + 3)
            if cell.row == 2:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            elif cell.column > 2:  # numbers and rates line up on the right
                cell.alignment = Alignment(horizontal="right")
                if isinstance(cell.value, (int, float)):
                    cell.number_format = "#,##0" if float(cell.value).is_integer() else "#,##0.00"
    widths = [30, 6, *[11] * (len(names) + 1)]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C3"
    # one page wide while the font stays >= 9 pt printed; with many townships, pages across with 项目/单位 repeated
    printing.apply(sheet, printing.plan(widths, BODY_PT, "landscape", key_columns=2), "2:2", len(widths), sheet.max_row)
    before = current_scope(db)
    set_scope(db, None)  # the statistics tables of the whole county
    try:
        write_county_tables(db, book, year)
    finally:
        set_scope(db, before)
    return save_workbook(book, Path(path))

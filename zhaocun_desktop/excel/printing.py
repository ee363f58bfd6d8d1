"""Print setup of the workbooks the program writes: A4, readable, one page wide where it can be.

Kept apart from the writing of cell values. A sheet prints at a scale that keeps every
font at 9 pt or more: fit to one page wide when that scale allows it, else at the smallest
readable scale with the key columns repeated on every page across. Widths are Excel
column widths: characters of the workbook's default font plus 5 px of padding at 96 dpi. A
character is 7 px in Excel and WPS (Calibri) but up to 9.4 px where that font is substituted
(LibreOffice with DejaVu Sans), so plans are made with the wider measure and printed "fit to
one page wide": each program then scales by its own measure, never below the readable scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_PRINTED_PT = 9.0
MARGIN_SIDE_IN = 0.5
MARGIN_TOP_IN = MARGIN_BOTTOM_IN = 0.6
PAPER_MM = {"portrait": (210.0, 297.0), "landscape": (297.0, 210.0)}
CHAR_PX_NARROW, CHAR_PX_WIDE = 7.0, 9.4


def column_mm(width: float, char_px: float = CHAR_PX_WIDE) -> float:
    """Printed width at 100% of a column ``width`` characters wide."""
    return (width * char_px + 5) * 25.4 / 96


def printable_mm(orientation: str) -> tuple[float, float]:
    """Width and height of the area inside the margins (header and footer sit in the margins)."""
    width, height = PAPER_MM[orientation]
    return width - 2 * MARGIN_SIDE_IN * 25.4, height - (MARGIN_TOP_IN + MARGIN_BOTTOM_IN) * 25.4


def wrapped_height(text: str, width: float, font_pt: float = 11) -> float:
    """Row height (points) for ``text`` wrapped in a column ``width`` characters wide.

    Excel and LibreOffice do not grow a row for wrapped text when they open a file, so the
    writer sets it; Chinese characters are counted full width at Excel's (narrower) measure.
    """
    char_px = font_pt * 96 / 72
    lines = sum(max(1, math.ceil(sum(char_px if ord(c) > 0x2E7F else char_px / 2 for c in part) / (width * CHAR_PX_NARROW))) for part in str(text).split("\n"))
    return lines * font_pt * 1.36 + 2


@dataclass(frozen=True)
class PrintPlan:
    """How a sheet prints: ``scale`` in percent; ``fit_width`` when one page wide; ``split`` when
    its columns continue on further pages (then ``key_columns`` repeat on each)."""

    orientation: str
    scale: int
    fit_width: bool
    split: bool
    key_columns: int = 0


def plan(widths: list[float], smallest_font_pt: float, orientation: str = "landscape", key_columns: int = 1) -> PrintPlan:
    """The print plan for columns of ``widths`` whose smallest font is ``smallest_font_pt``."""
    total = sum(column_mm(width) for width in widths)
    available = printable_mm(orientation)[0]
    lowest = math.ceil(100 * MIN_PRINTED_PT / smallest_font_pt)
    needed = math.floor(100 * available / total) if total else 100
    if needed >= lowest:
        return PrintPlan(orientation, min(needed, 100), True, False)
    return PrintPlan(orientation, lowest + 3, False, True, key_columns)  # a little above the limit: renderers round


def apply(sheet, print_plan: PrintPlan, title_rows: str | None = None, last_column: int | None = None, last_row: int | None = None) -> None:
    """Set A4, orientation, scale or fit, margins, repeated rows/columns and the print area."""
    from openpyxl.utils import get_column_letter

    setup = sheet.page_setup
    setup.paperSize = 9  # A4
    setup.orientation = print_plan.orientation
    setup.scale = print_plan.scale
    if print_plan.fit_width:
        setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = print_plan.fit_width
    margins = sheet.page_margins
    margins.left = margins.right = MARGIN_SIDE_IN
    margins.top, margins.bottom = MARGIN_TOP_IN, MARGIN_BOTTOM_IN
    margins.header = margins.footer = 0.3
    if not print_plan.split:
        sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows
    if print_plan.split and print_plan.key_columns:
        sheet.print_title_cols = f"A:{get_column_letter(print_plan.key_columns)}"
        setup.pageOrder = "overThenDown"  # the continuation of a row's columns follows on the next page
    if last_column and last_row:
        sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"

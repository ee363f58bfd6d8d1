"""A register's list painted for the printer (preview, print, PDF): A4 landscape, 10 pt, the
header row repeated on every page, long text wrapped inside its cell, "第 n 页，共 N 页".

The document comes from ``listing.printed_list`` (Qt-free); this module only lays it out.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter

from zhaocun_desktop.gui.report_print import pdf_printer
from zhaocun_desktop.listing import PrintedList

MARGINS_MM = QMarginsF(12, 12, 12, 12)  # left, top, right, bottom
BODY_PT = 10.0  # readable on paper
WIDE_BODY_PT = 9.0  # lists of more than WIDE_COLUMNS columns: still readable, and rows stay low
WIDE_COLUMNS = 12
TITLE_PT = 15.0
FONT_FAMILIES = ["宋体", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC"]
HEADER_FILL = QColor("#E4E9F0")
_WRAP = Qt.TextFlag.TextWordWrap
_SQUEEZED = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere  # when even single pieces are wider than their columns
_TOKEN = re.compile(r"[0-9A-Za-z*.,:/%+\-]+|\S")


def setup_list_printer(printer: QPrinter) -> None:
    """A4 landscape with narrow margins: the widest lists need the width."""
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape, MARGINS_MM, QPageLayout.Unit.Millimeter))


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _tokens(text: str) -> list[str]:
    """The pieces a line may not break inside: runs of Latin letters, digits and their punctuation
    (dates, masked ID numbers, amounts); every Chinese character stands alone."""
    return _TOKEN.findall(text)


def column_widths(document: PrintedList, metrics: QFontMetricsF, header_metrics: QFontMetricsF, width: float, pad: float) -> tuple[list[float], bool]:
    """Column widths that fill ``width``, as a browser lays out a table: each column between its
    minimum and its one-line width. The minimum keeps names of up to three characters, dates and
    numbers whole (and a header on at most two lines); where that is too wide, only the numbers
    stay whole. The flag says that even they did not fit (pieces then break anywhere)."""
    sample = document.rows[:500]  # enough to know a column's shape
    whole, pieces, natural = [], [], []
    short_words = metrics.horizontalAdvance("村" * 3)
    for column, header in enumerate(document.headers):
        cells = [row[column] for row in sample]
        header_min = header_metrics.horizontalAdvance(header[: (len(header) + 1) // 2])
        longest_piece = max((metrics.horizontalAdvance(t) for text in cells for t in _tokens(text)), default=0.0)
        one_line = max((metrics.horizontalAdvance(text) for text in cells), default=0.0)
        pieces.append(max(header_min, longest_piece) + 2 * pad + 1)
        whole.append(max(pieces[-1], min(one_line, short_words) + 2 * pad + 1))
        natural.append(max(whole[-1], one_line + 2 * pad + 1, header_metrics.horizontalAdvance(header) + 2 * pad + 1))
    if sum(natural) <= width:  # everything on one line: spread what is left evenly
        extra = (width - sum(natural)) / len(natural)
        return [w + extra for w in natural], False
    for minimum in (whole, pieces):
        if sum(minimum) <= width:  # each column its minimum, the rest by how much more it wants
            room, wanted = width - sum(minimum), sum(n - m for n, m in zip(natural, minimum))
            return [m + room * (n - m) / wanted for n, m in zip(natural, minimum)], False
    return [m * width / sum(pieces) for m in pieces], True


def paint_list(printer: QPrinter, document: PrintedList) -> int:
    """Paint ``document`` on ``printer`` page by page; returns the number of pages."""
    dpi = printer.resolution()
    area = printer.pageLayout().paintRectPixels(dpi)
    width, height = float(area.width()), float(area.height())
    mm = dpi / 25.4
    pad = 0.7 * mm
    painter = QPainter(printer)
    try:
        points = WIDE_BODY_PT if len(document.headers) > WIDE_COLUMNS else BODY_PT
        body, bold, title_font = _font(points), _font(points, True), _font(TITLE_PT, True)
        columns, squeezed = column_widths(document, QFontMetricsF(body, printer), QFontMetricsF(bold, printer), width, pad)
        wrap = _SQUEEZED if squeezed else _WRAP

        def text_height(font: QFont, text: str, column_width: float) -> float:
            painter.setFont(font)
            return painter.boundingRect(QRectF(0, 0, column_width - 2 * pad, 1e7), wrap, text or " ").height()

        def row_height(font: QFont, cells: list[str]) -> float:
            return max(text_height(font, text, columns[i]) for i, text in enumerate(cells)) + 2 * pad

        title_height = text_height(title_font, document.title, width) + 1.5 * mm
        note_height = text_height(body, document.note, width) + 2 * mm
        header_height = row_height(bold, document.headers)
        footer_height = text_height(body, "第 1 页", width) + 2 * mm
        bottom = height - footer_height

        # lay the rows out on pages first: the footer states the page count
        pages: list[list[tuple[int, float]]] = [[]]
        y = title_height + note_height + header_height
        for index, cells in enumerate(document.rows):
            h = min(row_height(body, cells), bottom - header_height)  # a row taller than a page is cut
            if y + h > bottom and pages[-1]:
                pages.append([])
                y = header_height
            pages[-1].append((index, h))
            y += h

        grid = QPen(QColor("#555555"))
        grid.setWidthF(max(dpi / 300, 1.0))
        for number, page in enumerate(pages, start=1):
            if number > 1:
                printer.newPage()
            y = 0.0
            if number == 1:
                painter.setFont(title_font)
                painter.setPen(QColor("black"))
                painter.drawText(QRectF(0, 0, width, title_height), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP, document.title)
                painter.setFont(body)
                painter.drawText(QRectF(0, title_height, width, note_height), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | _WRAP, document.note)
                y = title_height + note_height
            rows = [(document.headers, header_height, bold, True)] + [(document.rows[i], h, body, False) for i, h in page]
            for cells, h, font, is_header in rows:
                painter.setFont(font)
                x = 0.0
                for column, text in enumerate(cells):
                    cell = QRectF(x, y, columns[column], h)
                    if is_header:
                        painter.fillRect(cell, HEADER_FILL)
                    painter.setPen(grid)
                    painter.drawRect(cell)
                    painter.setPen(QColor("black"))
                    align = Qt.AlignmentFlag.AlignHCenter if is_header else (Qt.AlignmentFlag.AlignRight if document.right_aligned[column] else Qt.AlignmentFlag.AlignLeft)
                    painter.drawText(cell.adjusted(pad, pad, -pad, -pad), align | Qt.AlignmentFlag.AlignVCenter | wrap, text)
                    x += columns[column]
                y += h
            painter.setFont(body)
            painter.drawText(QRectF(0, bottom + mm, width, footer_height), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"第 {number} 页，共 {len(pages)} 页")
    finally:
        painter.end()
    return len(pages)


def write_list_pdf(document: PrintedList, path: str) -> int:
    """The list as a PDF file (for tests and for saving instead of printing); returns the page count."""
    printer = pdf_printer(path, document.title)
    setup_list_printer(printer)
    return paint_list(printer, document)

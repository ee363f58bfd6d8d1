"""A register's list painted for the printer (preview, print, PDF): A4 landscape, 10 pt, the
header row repeated on every page, long text wrapped inside its cell, "第 n 页，共 N 页".

The document comes from ``listing.printed_list`` (Qt-free); this module only lays it out.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPen, QTextLayout, QTextOption
from PySide6.QtPrintSupport import QPrinter

from zhaocun_desktop.gui.pdf_text import mend_printed_pdf
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
    """Column widths that fill ``width``. A column whose values stay whole (``document.whole``: case
    numbers, dates, phone numbers, amounts) gets the width its longest value needs on one line (its
    header may take two lines); a text column at least keeps names of up to three characters and
    numbers whole, and the width left is shared so that the text columns wrap to as few lines as
    they can, all about alike (a row is as tall as its tallest cell). Where even the minimums are
    too wide, only the numbers stay whole; the flag says that even they did not fit (pieces then
    break anywhere)."""
    sample = document.rows[:500]  # enough to know a column's shape
    flags = list(document.whole or [False] * len(document.headers))
    whole, pieces, natural, advances = [], [], [], []
    short_words = metrics.horizontalAdvance("村" * 3)
    for column, header in enumerate(document.headers):
        cells = [row[column] for row in sample]
        header_min = header_metrics.horizontalAdvance(header[: (len(header) + 1) // 2])
        longest_piece = max((metrics.horizontalAdvance(t) for text in cells for t in _tokens(text)), default=0.0)
        advances.append(sorted(metrics.horizontalAdvance(text) for text in cells))
        one_line = advances[-1][-1] if cells else 0.0
        pieces.append(max(header_min, longest_piece) + 2 * pad + 1)
        kept = one_line if flags[column] else min(one_line, short_words)
        whole.append(max(pieces[-1], max(header_min, kept) + 2 * pad + 1))
        natural.append(max(whole[-1], one_line + 2 * pad + 1, header_metrics.horizontalAdvance(header) + 2 * pad + 1))
    if sum(natural) <= width:  # everything on one line: spread what is left evenly
        extra = (width - sum(natural)) / len(natural)
        return [w + extra for w in natural], False
    if sum(whole) <= width:
        return _share(whole, natural, advances, flags, width, metrics.horizontalAdvance("村"), pad), False
    if sum(pieces) <= width:  # each column its minimum, the rest by how much more it wants
        room, wanted = width - sum(pieces), sum(n - m for n, m in zip(natural, pieces))
        return [m + room * (n - m) / wanted for n, m in zip(natural, pieces)], False
    return [m * width / sum(pieces) for m in pieces], True


# Whole on purpose (radon counts 26): one greedy loop (find the column whose widening saves most lines per character,
# widen it, measure again) then the leftover room shared out; its state (the widths, each column's lines, each row's
# two tallest cells) is shared by every step, so helpers would pass all of it back and forth.
def _share(minimum: list[float], natural: list[float], advances: list[list[float]], whole: list[bool], width: float, char: float, pad: float) -> list[float]:
    """``minimum`` widened to fill ``width``, a few characters' width at a time, each time to the text
    column where it saves the most lines per character: lines of the rows first (a row is as tall
    as its tallest cell), else lines of the cells (a choice such as 调解成功 back on one line); none
    beyond its one-line ``natural`` width. Room still left goes to headers that would wrap, then
    evenly."""
    widths = list(minimum)
    rows = len(advances[0]) if advances else 0
    text_columns = [i for i, keep in enumerate(whole) if not keep and advances[i]]

    def lines(column: int, column_width: float) -> list[int]:
        usable = max(char, (column_width - 2 * pad - 1) // char * char)  # Chinese wraps at any character
        return [max(1, math.ceil(a / usable - 0.02)) for a in advances[column]]

    current = {i: lines(i, widths[i]) for i in text_columns}
    while width - sum(widths) >= char and text_columns:
        steps = int((width - sum(widths)) // char)
        # per row the tallest text cell and the tallest but that column's
        top = [sorted(((current[i][r], i) for i in text_columns), reverse=True)[:2] for r in range(rows)]
        tallest = sum(t[0][0] for t in top)
        best, best_rate, best_step = None, (0.0, 0.0), 0
        for i in text_columns:
            others = [(t[1][0] if len(t) > 1 else 1) if t[0][1] == i else t[0][0] for t in top]
            for step in range(1, steps + 1):
                target = min(widths[i] + step * char, natural[i])
                wider = lines(i, target)
                gain = (tallest - sum(max(o, n) for o, n in zip(others, wider)), sum(current[i]) - sum(wider))
                rate = (gain[0] / step, gain[1] / step)
                if rate > best_rate:
                    best, best_rate, best_step = i, rate, step
                if target >= natural[i]:
                    break
        if best is None:
            break
        widths[best] = min(widths[best] + best_step * char, natural[best])
        current[best] = lines(best, widths[best])
    room = width - sum(widths)
    wanted = [n - w for n, w in zip(natural, widths)]
    if room > 0.01 and sum(wanted) > 0.01:  # a header on one line, a cell a little less full
        used = min(room, sum(wanted))
        widths = [w + used * more / sum(wanted) for w, more in zip(widths, wanted)]
        room -= used
    if room > 0.01:
        widths = [w + room / len(widths) for w in widths]
    return widths


LINE_PITCH_EM = 1.15  # a cell's lines, whatever the font: WenQuanYi's own is 1.14 em, Noto CJK's 1.40, 宋体's 1.0


def _pitch(font: QFont, dpi: float) -> float:
    return font.pointSizeF() * LINE_PITCH_EM * dpi / 72


def _pitched_layout(font: QFont, text: str, width: float, device, squeezed: bool) -> QTextLayout:
    """``text`` broken into lines of ``width`` as QPainter.drawText breaks it (words; anywhere when
    squeezed); positioned by ``_draw_cell``. The lines are set at a fixed pitch and not at the font's
    own height: under Noto CJK (1.40 em) the demo's 357 cases took 23 pages, under WenQuanYi 19; now 19 under both."""
    layout = QTextLayout(text or " ", font, device)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere if squeezed else QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
    layout.endLayout()
    return layout


def _draw_cell(painter: QPainter, layout: QTextLayout, box: QRectF, align: Qt.AlignmentFlag, pitch: float) -> None:
    """Draw ``layout``'s lines in ``box``, one per ``pitch``, centred vertically, each aligned in the box."""
    top = box.top() + (box.height() - layout.lineCount() * pitch) / 2
    for index in range(layout.lineCount()):
        line = layout.lineAt(index)
        if align & Qt.AlignmentFlag.AlignRight:
            x = box.right() - line.naturalTextWidth()
        elif align & Qt.AlignmentFlag.AlignHCenter:
            x = box.left() + (box.width() - line.naturalTextWidth()) / 2
        else:
            x = box.left()
        # the line's own box (ascent + descent) centred on its slot of the pitch
        y = top + index * pitch + (pitch - line.height()) / 2
        line.draw(painter, QPointF(x - line.x(), y - line.y()))


def paint_list(printer: QPrinter, document: PrintedList) -> int:
    """Paint ``document`` on ``printer`` page by page; returns the number of pages."""
    dpi = printer.resolution()
    area = printer.pageLayout().paintRectPixels(dpi)
    width, height = float(area.width()), float(area.height())
    mm = dpi / 25.4
    pad, pad_y = 0.6 * mm, 0.3 * mm  # inside a cell: left and right, above and below (low rows: more per page)
    painter = QPainter(printer)
    try:
        points = WIDE_BODY_PT if len(document.headers) > WIDE_COLUMNS else BODY_PT
        body, bold, title_font = _font(points), _font(points, True), _font(TITLE_PT, True)
        columns, squeezed = column_widths(document, QFontMetricsF(body, printer), QFontMetricsF(bold, printer), width, pad)
        wrap = _SQUEEZED if squeezed else _WRAP

        def text_height(font: QFont, text: str, column_width: float) -> float:
            painter.setFont(font)
            return painter.boundingRect(QRectF(0, 0, column_width - 2 * pad, 1e7), wrap, text or " ").height()

        def cell_lines(font: QFont, text: str, column_width: float) -> QTextLayout:
            return _pitched_layout(font, text, column_width - 2 * pad, printer, squeezed)

        def cell_height(font: QFont, text: str, column_width: float) -> float:
            return cell_lines(font, text, column_width).lineCount() * _pitch(font, dpi)

        def row_height(font: QFont, cells: list[str]) -> float:
            return max(cell_height(font, text, columns[i]) for i, text in enumerate(cells)) + 2 * pad_y

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
                    _draw_cell(painter, cell_lines(font, text, columns[column]), cell.adjusted(pad, pad_y, -pad, -pad_y), align, _pitch(font, dpi))
                    x += columns[column]
                y += h
            painter.setFont(body)
            painter.drawText(QRectF(0, bottom + mm, width, footer_height), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"第 {number} 页，共 {len(pages)} 页")
    finally:
        painter.end()
    mend_printed_pdf(printer)
    return len(pages)


def write_list_pdf(document: PrintedList, path: str) -> int:
    """The list as a PDF file (for tests and for saving instead of printing); returns the page count."""
    printer = pdf_printer(path, document.title)
    setup_list_printer(printer)
    return paint_list(printer, document)

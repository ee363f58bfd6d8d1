"""The report draft painted page by page (preview, printer, PDF), from the same model as the .docx."""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextOption,
    QTextTableFormat,
)
from PySide6.QtPrintSupport import QPrinter

from zhaocun_desktop.gui.pdf_text import mend_printed_pdf
from zhaocun_desktop.report import ReportDraft
from zhaocun_desktop.report_docx import (
    BODY_PT,
    CHAR_PT,
    CHAR_SPACING_TWIPS,
    COPY_TO_PT,
    LINE_PITCH_PT,
    LINE_WIDTH_PT,
    PAGE_NUMBER_PT,
    TABLE_PT,
    TITLE_PT,
    TITLE_SLACK_PT,
    breakable,
    cell_room,
    choose_fonts,
    column_widths,
    keep_names,
    keep_with_next,
    right_line_indent,
    signature_indents,
    text_width,
    title_bold,
    title_lines,
    title_names,
)

MARGINS_MM = QMarginsF(28, 37, 26, 35)  # left, top, right, bottom (GB/T 9704)
FOOTER_GAP_MM = 7
KEEP_WITH_NEXT = QTextFormat.Property.UserProperty + 1  # a block that starts no page without the next one
PAGE_NUMBER = QTextFormat.Property.UserProperty + 2  # the page this block starts carries this number


def setup_printer(printer: QPrinter) -> None:
    """A4 portrait with the GB/T 9704 margins."""
    layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, MARGINS_MM, QPageLayout.Unit.Millimeter)
    printer.setPageLayout(layout)


def build_text_document(draft: ReportDraft, dpi: float) -> QTextDocument:
    """The draft as a QTextDocument for a paint device of ``dpi``.

    Units as Qt's layout treats them (measured): fonts in points; fixed line heights in
    96-dpi pixels, which the layout scales to the device; indents and margins in device pixels.
    """
    fonts = choose_fonts(draft.settings, QFontDatabase.families())
    px = 96.0 / 72.0
    device = dpi / 72.0
    document = QTextDocument()
    document.setDocumentMargin(0)
    cursor = QTextCursor(document)
    roles = {
        "title": (fonts["font_title"], TITLE_PT, Qt.AlignmentFlag.AlignHCenter, 0, 0),
        "heading1": (fonts["font_heading1"], BODY_PT, Qt.AlignmentFlag.AlignLeft, 2, 0),
        "heading2": (fonts["font_heading2"], BODY_PT, Qt.AlignmentFlag.AlignLeft, 2, 0),
        "body": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignLeft, 2, 0),
        "blank": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignLeft, 0, 0),
        "recipient": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignLeft, 0, 0),
        "signer": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignRight, 0, 0),
        "date": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignRight, 0, 0),
        "plain": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignLeft, 0, 0),
        "number": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignHCenter, 0, 0),
        "right": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignRight, 0, 2),
        "issuer": (fonts["font_body"], BODY_PT, Qt.AlignmentFlag.AlignLeft, 0, 0),
        "copyto": (fonts["font_body"], COPY_TO_PT, Qt.AlignmentFlag.AlignLeft, 0, 0),
    }
    body_font = QFont(fonts["font_body"])
    body_font.setPointSizeF(BODY_PT)
    body_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 100 + 100 * CHAR_SPACING_TWIPS / 20 / BODY_PT)
    metrics = QFontMetricsF(body_font)  # at the screen's 96 dpi (Qt's default for a detached font)
    measure = lambda text: metrics.horizontalAdvance(text) * 72 / metrics.fontDpi()  # noqa: E731
    signature_right = dict(zip(("signer", "date"), signature_indents(draft, measure)))
    # a right-aligned line is measured on the grid when that is wider: at printer resolution glyphs
    # come out a little wider than at 96 dpi, and a line that just fits would wrap its underline
    grid_or_font = lambda text: max(measure(text), text_width(text))  # noqa: E731
    keep = keep_with_next(draft)
    names = keep_names(draft)  # no line breaks inside them, as in the .docx
    break_next, first = False, True
    tops = set(getattr(draft, "page_tops", ()))  # case documents: their pages laid out in advance, as the .docx breaks them
    restart = None  # a page break's restart: the number the page it starts carries
    for index, block in enumerate(draft.blocks):
        break_next = break_next or index in tops
        if block.kind == "pagebreak":
            break_next, restart = True, getattr(block, "restart", None)
            continue
        if block.kind == "table":
            _insert_table(cursor, block, fonts["font_body"], dpi, px, names)
            first = False
            continue
        family, size, align, first_indent, right_indent = roles.get(block.kind, roles["body"])
        block_format = QTextBlockFormat()
        block_format.setAlignment(align)
        block_format.setLineHeight(LINE_PITCH_PT * px, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
        block_format.setTextIndent(first_indent * BODY_PT * device)
        right = right_line_indent(block.text, grid_or_font) if block.kind == "right" else right_indent * BODY_PT
        block_format.setRightMargin(signature_right.get(block.kind, right) * device)
        if break_next:
            block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            break_next = False
        if block.kind == "issuer":  # 发文字号 一字 in from the left, 签发人 一字 in from the right (a right tab), as the .docx
            block_format.setLeftMargin(CHAR_PT * device)
            block_format.setTabPositions([QTextOption.Tab((LINE_WIDTH_PT - 2 * CHAR_PT) * device, QTextOption.TabType.RightTab)])
        if block.kind == "copyto":  # 版记: 左右各空一字, a rule above (on the blank line before it) and below
            block_format.setLeftMargin(COPY_TO_PT * device)
            block_format.setRightMargin(COPY_TO_PT * device)
            block_format.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth, 1)
        if index + 1 < len(draft.blocks) and draft.blocks[index + 1].kind == "copyto":
            block_format.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth, 1)
        if keep[index]:  # headings, the 署名, a document's signature lines and the text they take along
            block_format.setProperty(KEEP_WITH_NEXT, True)
        if restart is not None:
            block_format.setProperty(PAGE_NUMBER, restart)
            restart = None
        char_format = QTextCharFormat()
        font = QFont(family)
        font.setPointSizeF(size)
        font.setBold(block.kind == "title" and title_bold(family))
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 100 + 100 * CHAR_SPACING_TWIPS / 20 / size)
        if block.kind == "title":
            _fit_title(font, title_lines(block.text, title_names(draft.settings)), dpi)
        char_format.setFont(font)
        if not first:
            cursor.insertBlock(block_format, char_format)
        else:
            cursor.setBlockFormat(block_format)
            cursor.setBlockCharFormat(char_format)
            first = False
        if block.kind == "title":  # the lines the .docx has: broken between words, never inside one
            cursor.insertText("\u2028".join(title_lines(block.text, title_names(draft.settings))), char_format)
        else:
            cursor.insertText(breakable(block.text, names), char_format)
    return document


def _fit_title(font: QFont, lines: list[str], dpi: float) -> None:
    """Tighten the title's letter spacing when its widest line (as ``title_lines`` broke it, by the
    .docx's estimate) is wider in this font than the type area: else the renderer wraps it once
    more ("…情况的报 / 告" under Noto Serif CJK, whose digits are wider than the estimate's)."""
    probe = QFont(font)  # measured at the device's resolution: at 96 dpi advances round smaller
    probe.setPointSizeF(font.pointSizeF() * dpi / 96)
    metrics = QFontMetricsF(probe)
    widest = max(metrics.horizontalAdvance(line) for line in lines) * 96 / metrics.fontDpi() * 72 / dpi
    room = LINE_WIDTH_PT - TITLE_SLACK_PT
    if widest > room:
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, font.letterSpacing() * room / widest)


def _insert_table(cursor: QTextCursor, block, family: str, dpi: float, px: float, names: tuple[str, ...] = ()) -> None:
    """A ruled table (documents' 登记表 forms): widths in mm as the .docx has them, 小四 text."""
    rows = block.rows
    count = max(len(row) for row in rows)
    widths = list(getattr(block, "widths", ())) if len(getattr(block, "widths", ())) == count else column_widths(count)
    table_format = QTextTableFormat()
    table_format.setBorder(1)
    table_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
    table_format.setBorderCollapse(True)
    table_format.setCellPadding(3 * px)  # like fixed line heights: 96-dpi pixels the layout scales (measured)
    table_format.setCellSpacing(0)
    table_format.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, 100 * w / sum(widths)) for w in widths])
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    table = cursor.insertTable(len(rows), count, table_format)
    char_format = QTextCharFormat()
    font = QFont(family)
    font.setPointSizeF(TABLE_PT)
    char_format.setFont(font)
    for row_index, texts in enumerate(rows):
        if len(texts) < count:
            table.mergeCells(row_index, len(texts) - 1, 1, count - len(texts) + 1)
        spans = widths[: len(texts) - 1] + [sum(widths[len(texts) - 1 :])]
        for column, text in enumerate(texts):
            cell_cursor = table.cellAt(row_index, column).firstCursorPosition()
            block_format = QTextBlockFormat()
            block_format.setLineHeight(TABLE_PT * 1.5 * px, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
            cell_cursor.setBlockFormat(block_format)
            cell_cursor.insertText(breakable(str(text), names, cell_room(spans[column])), char_format)  # as the .docx breaks it
    cursor.movePosition(QTextCursor.MoveOperation.End)


def page_breaks(document: QTextDocument, height: float) -> list[float]:
    """The document y at which each page starts: a page holds the lines that fit whole.

    Qt's own pagination lets a fixed-height line straddle two pages, so lines are placed here,
    as Word does: a paragraph's last line never starts a page alone, nor its first line ends
    one; a block marked KEEP_WITH_NEXT (headings, the 署名, the text before a document's
    signature lines) stays with the next block; a block marked PageBreak_AlwaysBefore starts
    a page. Lines in table cells keep their natural height and are not subject to the
    widow rules.
    """
    document.documentLayout().documentSize()  # lays out every block (layout is otherwise lazy)
    layout_of = document.documentLayout()
    lines = []  # (top, natural height or None, line index, line count, forced, keep)
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        origin = layout_of.blockBoundingRect(block).top()  # document coordinates, table cells included
        forced = bool(block.blockFormat().pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        in_table = QTextCursor(block).currentTable() is not None
        keep = bool(block.blockFormat().property(KEEP_WITH_NEXT))
        for index in range(layout.lineCount()):
            line = layout.lineAt(index)
            lines.append((origin + line.y(), line.height() if in_table else None, index, layout.lineCount(), forced and index == 0, keep))
        block = block.next()
    if not lines:
        return [0.0]
    lines.sort(key=lambda item: item[0])
    body = [item[0] for item in lines if item[1] is None]
    pitch = min((b - a for a, b in zip(body, body[1:]) if b > a), default=height)
    starts, first = [0.0], 0  # first: index of the first line on the current page
    index = 0
    while index < len(lines):
        top, natural, line, count, forced, _ = lines[index]
        # a quarter line to spare: the title's lines are taller than the grid here (its glyphs need the room),
        # in the .docx they are not; without it a first page whose text fills all 22 lines lost its last two
        if index == first or (not forced and top + (natural or pitch) <= starts[-1] + height + pitch / 4):
            index += 1
            continue
        cut = index  # the line that no longer fits (or must start a page) starts the next page
        if not forced:
            if natural is None and line == count - 1 and count > 1:
                cut -= 1  # no last line alone at the top
            elif natural is None and line == 1 and count > 2:
                cut -= 1  # no first line alone at the bottom
            while cut - 1 > first and lines[cut - 1][5]:
                cut -= lines[cut - 1][2] + 1  # the whole kept block moves with what follows
            if cut <= first:
                cut = index  # a page of nothing but kept blocks: break where it must
        starts.append(lines[cut][0])
        first = index = cut
    return starts


def unstretch_loose_lines(document: QTextDocument, width: float, most: float) -> int:
    """End with a line separator (which Qt does not justify) every justified line that would be
    stretched by more than ``most`` (device pixels): a line followed by a piece that must not be
    broken ("（143/162）。") otherwise had its few justification points, the digits among them,
    pulled apart ("（5 0 /5 6）"). Under Noto CJK the demo report had one such line, under
    WenQuanYi none. Returns how many lines were ended so."""
    document.documentLayout().documentSize()
    cuts = []
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        if block.blockFormat().alignment() & Qt.AlignmentFlag.AlignJustify and QTextCursor(block).currentTable() is None:
            for index in range(layout.lineCount() - 1):
                line = layout.lineAt(index)
                end = line.textStart() + line.textLength()
                if width - line.naturalTextWidth() > most and block.text()[end - 1 : end] != "\u2028":
                    cuts.append(block.position() + end)
        block = block.next()
    for position in reversed(cuts):
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        cursor.insertText("\u2028")
    return len(cuts)


def page_numbers(document: QTextDocument, starts: list[float], first: int | None = 1) -> list[int | None]:
    """The number each page carries: ``first`` for the first, one more on each page, and a block
    marked PAGE_NUMBER restarts it on the page it begins (None: a page without a number)."""
    layout = document.documentLayout()
    restarts: dict[int, int] = {}
    block = document.begin()
    while block.isValid():
        if block.blockFormat().hasProperty(PAGE_NUMBER):  # hasProperty: reading an unset property returns None through PySide
            number = block.blockFormat().intProperty(PAGE_NUMBER)
            first_line = block.layout().lineAt(0) if block.layout().lineCount() else None
            top = layout.blockBoundingRect(block).top() + (first_line.y() if first_line is not None else 0)  # as page_breaks measures
            page = max(index for index, start in enumerate(starts) if start <= top + 0.5)
            restarts[page] = number
        block = block.next()
    numbers: list[int | None] = []
    for page in range(len(starts)):
        previous = numbers[-1] if numbers else None
        numbers.append(restarts.get(page, first if page == 0 else (previous + 1 if previous is not None else None)))
    return numbers


def _draw_lines(document: QTextDocument, painter: QPainter, top: float, bottom: float) -> None:
    """Draw the lines whose middles lie in [top, bottom): each line on exactly one page
    (clipping would still put the neighbours' text, invisible, into the PDF).

    The middle, not the top: a font whose natural line is taller than the fixed 28.95 pt pitch
    (Noto/Source Han: ascent + descent 1.44 em, so the 22 pt title) gets a line that starts
    above its slot, at a negative y on the first page, and the title's first line was dropped.
    """
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        origin = layout.position()
        for index in range(layout.lineCount()):
            line = layout.lineAt(index)
            if top - 0.5 <= origin.y() + line.y() + line.height() / 2 < bottom - 0.5:
                line.draw(painter, origin)
        block = block.next()


def paint_report(printer: QPrinter, draft: ReportDraft) -> int:
    """Paint every page of the draft on ``printer`` with "— n —" footers; returns the page count."""
    dpi = printer.resolution()
    document = build_text_document(draft, dpi)
    document.documentLayout().setPaintDevice(printer)  # else text comes out about a third too large
    area = printer.pageLayout().paintRectPixels(dpi)
    width, height = float(area.width()), float(area.height())
    document.setTextWidth(width)
    unstretch_loose_lines(document, width, CHAR_PT / 2 * dpi / 72)
    starts = page_breaks(document, height)
    numbers = page_numbers(document, starts, getattr(draft, "first_number", 1))
    has_tables = any(block.kind == "table" for block in draft.blocks)
    painter = QPainter(printer)
    footer_font = QFont(choose_fonts(draft.settings, QFontDatabase.families())["font_page_number"])
    footer_font.setPointSizeF(PAGE_NUMBER_PT)
    char = PAGE_NUMBER_PT * dpi / 72
    footer_y = height + FOOTER_GAP_MM / 25.4 * dpi
    try:
        for page, top in enumerate(starts):
            if page:
                printer.newPage()
            bottom = starts[page + 1] if page + 1 < len(starts) else top + height
            painter.save()
            painter.translate(0, -top)
            if has_tables:  # ruled forms: the layout draws cell borders too, clipped to the page
                # (the first page from the top margin: a tall first line starts above y 0)
                view = QRectF(0, top - (MARGINS_MM.top() / 25.4 * dpi if not page else 0), width, bottom - top + (MARGINS_MM.top() / 25.4 * dpi if not page else 0))
                painter.setClipRect(view)
                context = QAbstractTextDocumentLayout.PaintContext()
                # blocks that only reach into the page (a tall font's descent: Noto's line box is
                # 1.44 em) are not drawn, else their clipped text lands in the PDF's text layer
                inset = LINE_PITCH_PT / 4 * dpi / 72
                context.clip = view.adjusted(0, inset, 0, -inset)
                document.documentLayout().draw(painter, context)
            else:
                _draw_lines(document, painter, top, bottom)
            painter.restore()
            painter.setFont(footer_font)
            if numbers[page] is not None:  # odd numbers right, even left (GB/T 9704), as the .docx's footers
                odd = numbers[page] % 2 == 1
                box = QRectF(0 if odd else char, footer_y, width - char, char * 2)
                painter.drawText(box, (Qt.AlignmentFlag.AlignRight if odd else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignTop, f"— {numbers[page]} —")
    finally:
        painter.end()
    mend_printed_pdf(printer)
    return len(starts)


def pdf_printer(path: str, title: str) -> QPrinter:
    """A high-resolution printer that writes a PDF file at ``path`` (page setup left to the caller)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setDocName(title)
    return printer


def write_pdf(draft: ReportDraft, path: str) -> int:
    """Save the draft as a PDF (no Word needed); returns the page count."""
    printer = pdf_printer(path, draft.title)
    setup_printer(printer)
    return paint_report(printer, draft)

"""打印 on a list: a preview of the current filter, A4 landscape, header row on every page, ≥ 9 pt."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrintPreviewDialog

from zhaocun_desktop import audit, queries
from zhaocun_desktop.gui.list_print import write_list_pdf
from zhaocun_desktop.registers import ENFORCEMENT_STAFF, MEDIATION_CASE

PDFTOTEXT = shutil.which("pdftotext")


def _pages(pdf) -> list[str]:
    return subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")[:-1]


def test_print_preview_shows_the_filtered_list(qtbot, open_window, when_modal):
    window = open_window(demo=True)
    view = window.view(MEDIATION_CASE.key)
    village = queries.village_names(window.db)[0]
    view.village_box.setCurrentText(village)
    view.apply_filters()
    seen = {}

    def look(dialog):
        seen["dialog"] = dialog
        seen["title"] = dialog.windowTitle()
        dialog.reject()

    state = when_modal(look)
    dialog = view.print_list()
    assert state["done"] and isinstance(seen["dialog"], QPrintPreviewDialog)
    assert village in seen["title"] and f"{view.model.rowCount()} 条" in seen["title"]
    assert len(dialog.document.rows) == view.model.rowCount() > 0
    layout = dialog.printer().pageLayout()
    assert layout.orientation() == QPageLayout.Orientation.Landscape and layout.pageSize().id() == layout.pageSize().PageSizeId.A4


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_printed_pages_repeat_the_header_mask_numbers_and_stay_readable(qtbot, open_window, tmp_path):
    window = open_window(demo=True)
    view = window.view(MEDIATION_CASE.key)
    document = view.print_list(open_dialog=False).document
    pdf = tmp_path / "list.pdf"
    count = write_list_pdf(document, str(pdf))
    pages = _pages(pdf)
    assert len(pages) == count > 1
    assert document.title in pages[0]
    for page in pages:
        assert "当事人" in page and "受理日期" in page  # the header row on every page
        assert f"共 {count} 页" in page
    # the parties' numbers live in their own register (当事人) and never reach the case list
    full_ids = [row[0] for row in window.db.execute("SELECT id_number FROM mediation_party WHERE id_number IS NOT NULL")]
    text = "".join(pages)
    assert full_ids and not any(number in text for number in full_ids)
    # every printed case number is there once: nothing lost between pages
    assert sum(page.count("调字第") for page in pages) == sum(1 for row in document.rows if "调字第" in row[0])
    # font size from the glyph boxes: body text at least 9 pt
    bbox = subprocess.run([PDFTOTEXT, "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    heights = [float(y2) - float(y1) for y1, y2 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', bbox)]
    # a word's box is the font's ascent + descent: about 1.17 × its size for these CJK fonts (more for
    # some), so an 8 pt font (9.4 pt boxes) fails here and 9 pt (10.6 pt boxes) passes
    assert heights and min(heights) >= 9.0 * 1.15


def test_revealed_numbers_print_only_when_asked(qtbot, open_window, tmp_path):
    window = open_window(demo=True)
    view = window.view(ENFORCEMENT_STAFF.key)
    view.reveal_box.setChecked(True)
    document = view.print_list(open_dialog=False).document
    phones = {row["phone"] for row in queries.rows_by_id(window.db, ENFORCEMENT_STAFF) if row["phone"]}
    column = document.headers.index("联系电话")
    assert phones and {row[column] for row in document.rows if row[column]} == phones
    assert "含个人信息" in document.note


def test_a_list_printed_with_full_numbers_is_in_the_audit_log(qtbot, open_window):
    """Full numbers on paper leave the office as an export with them does: 操作记录 says so; a preview
    closed without printing, or a masked printout, says nothing."""
    window = open_window(demo=True)
    view = window.view(ENFORCEMENT_STAFF.key)
    printed = lambda: [row for row in audit.audit_rows(window.db, ENFORCEMENT_STAFF.key) if row["action"] == "print"]  # noqa: E731
    view.print_list(open_dialog=False).accept()  # masked
    view.reveal_box.setChecked(True)
    view.print_list(open_dialog=False).reject()  # looked at, not printed
    assert printed() == []
    dialog = view.print_list(open_dialog=False)
    dialog.accept()  # what the preview does once it has printed (or saved the PDF)
    rows = printed()
    assert len(rows) == 1 and f"打印含完整身份证号/电话的{ENFORCEMENT_STAFF.title} {len(dialog.document.rows)} 条" == rows[0]["note"]


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_case_numbers_and_dates_never_break_and_rows_stay_low(qtbot, open_window, tmp_path):
    from pdf_layout import pdf_lines
    from PySide6.QtGui import QFontMetricsF

    from zhaocun_desktop.gui import list_print

    window = open_window(demo=True)
    document = window.view(MEDIATION_CASE.key).print_list(open_dialog=False).document
    pdf = tmp_path / "list.pdf"
    count = write_list_pdf(document, str(pdf))
    lines = [line.text for line in pdf_lines(pdf)]
    # each case number and date on one printed line (was "（2023）孙岭 / 人调字第2号")
    for column in ("案件编号", "受理日期", "结案日期"):
        index = document.headers.index(column)
        values = {row[index] for row in document.rows if row[index]}
        assert values and [value for value in values if not any(value in line for line in lines)] == []
    # the layout itself: a whole column is as wide as its longest value and its padding
    printer = list_print.pdf_printer(str(tmp_path / "unused.pdf"), document.title)
    list_print.setup_list_printer(printer)
    body = list_print._font(list_print.WIDE_BODY_PT if len(document.headers) > list_print.WIDE_COLUMNS else list_print.BODY_PT)
    metrics = QFontMetricsF(body, printer)
    width = printer.pageLayout().paintRectPixels(printer.resolution()).width()
    pad = 0.6 * printer.resolution() / 25.4
    widths, squeezed = list_print.column_widths(document, metrics, QFontMetricsF(list_print._font(9, True), printer), width, pad)
    assert not squeezed and abs(sum(widths) - width) < 1
    for index, keep in enumerate(document.whole):
        if keep:
            assert widths[index] >= max(metrics.horizontalAdvance(row[index]) for row in document.rows) + 2 * pad
    # lower rows: the demo's 357 cases took 28 pages (12.75 a page); now at least 17 a page
    assert len(document.rows) / count >= 17, count
    # and no font below 9 pt on any page (glyph boxes about 1.15 × the size, see above)
    bbox = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    heights = [float(y2) - float(y1) for y1, y2 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', bbox)]
    assert heights and min(heights) >= 9.0 * 1.15

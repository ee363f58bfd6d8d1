"""Typing works everywhere a clerk types: every date box and number box, through real key events
(ASCII with QTest; Chinese characters with insert(), see pitfalls.md), from empty and over a value,
and the value stays when focus leaves."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit

from zhaocun_desktop.gui.field_form import DateEdit
from zhaocun_desktop.gui.record_dialog import RecordDialog
from zhaocun_desktop.registers import REGISTERS, Kind

TYPED = [("2025-12-01", None), ("20251201", None), ("2025.12.1", None), ("2025/12/1", None), ("2025", "年12月1日")]


def type_into(qtbot, box, ascii_text: str, chinese: str | None, over: bool) -> None:
    """Click into ``box`` and type: from empty, or over what it shows (Ctrl+A first, as a clerk does)."""
    box.setFocus()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    if over:
        qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, ascii_text)
    if chinese:
        (box if isinstance(box, QLineEdit) else box.lineEdit()).insert(chinese)


def date_boxes(dialog) -> list[tuple[str, DateEdit]]:
    return [(key, editor.widget) for key, editor in dialog.form.editors.items() if isinstance(editor.widget, DateEdit)]


@pytest.mark.parametrize("register", [r for r in REGISTERS if any(f.kind is Kind.DATE for f in r.form_fields)], ids=lambda r: r.key)
@pytest.mark.parametrize("over", [False, True], ids=["from_empty", "over_a_date"])
def test_every_date_box_of_every_form_takes_every_typed_form(qtbot, open_window, register, over):
    window = open_window()
    dialog = RecordDialog(window.db, register, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    boxes = date_boxes(dialog)
    assert boxes
    for key, box in boxes:
        for ascii_text, chinese in TYPED:
            box.setDate(QDate(2023, 3, 8) if over else DateEdit().minimumDate())
            assert dialog.form.editors[key].value() == ("2023-03-08" if over else "")
            type_into(qtbot, box, ascii_text, chinese, over)
            assert box.date() == QDate(2025, 12, 1), (key, ascii_text, box.text())
            box.clearFocus()  # focus leaves: the date stays, shown the one way
            qtbot.wait(1)
            assert box.text() == "2025-12-01" and dialog.form.editors[key].value() == "2025-12-01", (key, ascii_text, box.text())


def test_an_empty_optional_date_stays_empty_and_a_wrong_one_is_named(qtbot, open_window):
    from zhaocun_desktop.registers import MEDIATION_CASE

    window = open_window()
    dialog = RecordDialog(window.db, MEDIATION_CASE, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    closed = dialog.form.editors["closed_on"] if "closed_on" in dialog.form.editors else next(e for k, e in dialog.form.editors.items() if isinstance(e.widget, DateEdit) and not e.field.required)
    assert closed.value() == ""
    closed.widget.setFocus()
    closed.widget.clearFocus()
    assert closed.value() == "" and closed.widget.text() == ""
    type_into(qtbot, closed.widget, "2025-13-45", None, False)
    closed.widget.clearFocus()
    assert closed.value() == "2025-13-45"  # kept as typed: the form's check says what is wrong
    qtbot.keyClick(closed.widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(closed.widget, Qt.Key.Key_Delete)
    assert closed.value() == ""


def test_the_report_date_and_the_period_boxes_take_typed_dates(qtbot, open_window):
    from zhaocun_desktop import report
    from zhaocun_desktop.gui.period_picker import PeriodPicker

    window = open_window(demo=True)
    picker = PeriodPicker(2024)
    qtbot.addWidget(picker)
    picker.show()
    picker.kind.setCurrentText("自定义期间")
    type_into(qtbot, picker.start, "20250101", None, True)
    type_into(qtbot, picker.end, "2025", "年3月31日", True)
    picker.end.clearFocus()
    period = picker.period()
    assert (period.start.isoformat(), period.end.isoformat()) == ("2025-01-01", "2025-03-31")
    view = window.report_view
    for ascii_text, chinese in TYPED:
        for over in (False, True):
            view.date_edit.setDate(QDate(2024, 1, 25) if over else QDate())
            type_into(qtbot, view.date_edit, ascii_text, chinese, over)
            view.date_edit.clearFocus()
            assert view.texts()[report.DATE_KEY] == "2025-12-01", (ascii_text, over, view.date_edit.text())


def test_number_boxes_take_typed_numbers(qtbot, open_window):
    from zhaocun_desktop.registers import MEDIATION_CASE

    window = open_window()
    dialog = RecordDialog(window.db, MEDIATION_CASE, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    numbers = [(k, e) for k, e in dialog.form.editors.items() if e.field.kind in (Kind.INT, Kind.MONEY)]
    assert numbers
    for key, editor in numbers:
        for over in (False, True):
            editor.set_value(7 if over else "")
            type_into(qtbot, editor.widget, "43000", None, over)
            editor.widget.clearFocus()
            assert editor.value() == "43000", (key, editor.value())


def test_year_and_minute_boxes_take_typed_numbers(qtbot, open_window):
    from zhaocun_desktop.gui.period_picker import PeriodPicker

    window = open_window(demo=True)
    picker = PeriodPicker(2024)
    qtbot.addWidget(picker)
    picker.show()
    for box, typed in ((window.report_view.year_box, 2025), (picker.year, 2025)):
        type_into(qtbot, box, str(typed), None, True)
        box.clearFocus()
        assert box.value() == typed, box.text()


def test_the_case_number_hint_follows_the_settings_and_the_committee(qtbot, open_window):
    import datetime as dt

    from zhaocun_desktop import settings as township_settings
    from zhaocun_desktop.registers import MEDIATION_CASE

    window = open_window()
    township_settings.save_settings(window.db, dict(township_settings.settings(window.db), town="瓦屋镇", county="鲁山县", office="瓦屋镇司法所", signer="瓦屋镇人民政府"))
    dialog = RecordDialog(window.db, MEDIATION_CASE, parent=window)
    qtbot.addWidget(dialog)
    hint = dialog.form.editors["case_no"].widget
    assert hint.placeholderText() == f"如（{dt.date.today().year}）瓦人调字第1号"  # was 如（2023）赵人调字第12号
    dialog.form.editors["org"].set_value("村调委会")
    dialog.form.editors["village"].set_value("中汤村")
    dialog.form.editors["accepted"].set_value("2025-03-08")
    assert hint.placeholderText() == "如（2025）中汤人调字第1号"


def test_the_case_form_at_1366_shows_the_parties_with_their_id_numbers(qtbot, open_window):
    """The form scrolls, not the parties' table: every row shown, and the table as wide as its columns
    (身份证号 was cut off and only the header row showed at 1366x768)."""
    from zhaocun_desktop.registers import MEDIATION_CASE

    window = open_window(demo=True)
    case_id = window.db.execute("SELECT case_id FROM mediation_party GROUP BY case_id HAVING count(*) >= 3 LIMIT 1").fetchone()[0]
    dialog = RecordDialog(window.db, MEDIATION_CASE, case_id, parent=window)
    qtbot.addWidget(dialog)
    dialog.resize(1340, 700)  # what fits on a 1366x768 screen with the title bar and frame
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.child_tables["mediation_party"].table
    columns = sum(table.columnWidth(c) for c in range(table.columnCount())) + table.verticalHeader().width()
    assert table.rowCount() >= 3
    assert table.height() >= table.horizontalHeader().height() + table.rowCount() * table.rowHeight(0)
    assert not table.verticalScrollBar().isVisible()
    assert table.viewport().width() + table.verticalHeader().width() >= columns - 2, (table.viewport().width(), columns)

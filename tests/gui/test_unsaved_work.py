"""Closing the window with unsaved work asks 保存 / 不保存 / 取消; the answer decides what the database keeps."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from zhaocun_desktop import queries, report
from zhaocun_desktop.gui.record_dialog import RecordDialog
from zhaocun_desktop.registers import MEDIATION_CASE

TYPED = "（一）人手紧张\n司法所只有两名工作人员。"


def _answer(when_modal, button_text: str, seen: list):
    """Click ``button_text`` on the question the close brings up (the real QMessageBox)."""

    def click(box):
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    return when_modal(click)


def _type_report_text(window):
    window.form.tabs.setCurrentWidget(window._slots["report"])
    view = window.report_view
    view.editors["shortcomings"].setPlainText(TYPED)
    assert view.dirty
    return view


def _saved_text(db, year):
    return report.load_texts(db, year)["shortcomings"]


@pytest.mark.parametrize("answer", ["取消", "保存", "不保存"])
def test_close_with_unsaved_report_text(qtbot, open_window, when_modal, answer):
    window = open_window(demo=True)
    view = _type_report_text(window)
    year, before = view.year, _saved_text(window.db, view.year)
    assert before != TYPED
    seen = []
    state = _answer(when_modal, answer, seen)
    closed = window.close()
    assert state["done"] and "报告" in seen[0]
    if answer == "取消":
        assert not closed and window.isVisible() and view.dirty
        assert _saved_text(window.db, year) == before
    else:
        assert closed and not window.isVisible()
        assert _saved_text(window.db, year) == (TYPED if answer == "保存" else before)


def test_close_without_changes_asks_nothing(qtbot, open_window):
    window = open_window(demo=True)
    window.form.tabs.setCurrentWidget(window._slots["report"])
    window.report_view  # noqa: B018 (built, nothing typed)
    assert window.unsaved_work() == []
    assert window.close()


def test_leaving_the_report_tab_saves_the_texts(qtbot, open_window):
    window = open_window(demo=True)
    view = _type_report_text(window)
    window.form.tabs.setCurrentIndex(0)
    assert not view.dirty and "自动保存" in view.status.text()
    assert _saved_text(window.db, view.year) == TYPED


def test_changing_the_year_keeps_the_texts_with_their_year(qtbot, open_window):
    window = open_window(demo=True)
    view = _type_report_text(window)
    year = view.year
    view.year_box.setValue(year - 1)
    assert _saved_text(window.db, year) == TYPED
    assert _saved_text(window.db, year - 1) != TYPED
    assert view.editors["shortcomings"].toPlainText() != TYPED


@pytest.mark.parametrize("answer", ["取消", "保存", "不保存"])
def test_close_with_an_open_edit_dialog(qtbot, open_window, when_modal, answer):
    window = open_window(demo=True)
    view = window.view(MEDIATION_CASE.key)
    record_id = view.model.record_id(0)
    original = queries.get(window.db, MEDIATION_CASE, record_id)["summary"]
    view.table.selectRow(0)
    outcome = {}

    def edit_then_close(dialog):
        assert isinstance(dialog, RecordDialog)
        dialog.form.editors["summary"].widget.setPlainText("双方已和解。")
        seen = []

        def click(box):
            seen.append(box.text())
            next(b for b in box.buttons() if b.text() == answer).click()

        when_modal(click)  # the question is modal over the dialog
        outcome["closed"] = window.close()
        outcome["seen"] = seen
        outcome["dialog_visible"] = dialog.isVisible()
        if dialog.isVisible():
            dialog.reject()

    state = when_modal(edit_then_close)
    view.edit_record()
    assert state["done"] and "编辑" in outcome["seen"][0]
    stored = queries.get(window.db, MEDIATION_CASE, record_id)["summary"]
    if answer == "取消":
        assert not outcome["closed"] and outcome["dialog_visible"] and stored == original
    else:
        assert outcome["closed"] and not outcome["dialog_visible"]
        assert stored == ("双方已和解。" if answer == "保存" else original)

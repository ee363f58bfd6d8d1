"""Small screens: every dialog fits the screen it opens on, with its buttons on the screen."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication

from zhaocun_desktop import queries, records
from zhaocun_desktop.excel.importing import preview_import
from zhaocun_desktop.registers import MEDIATION_CASE

TITLE_BAR = 40  # what a window manager adds above the dialog's contents

SCREENS = {
    "1024x600": QRect(0, 0, 1024, 600),  # a netbook-sized screen, taskbar hidden
    "1366x768 less the taskbar": QRect(0, 0, 1366, 728),
}

PARTIES = [dict(role="申请人", name="张三", phone="13800138000"), dict(role="被申请人", name="李四"), dict(role="第三人", name="王五")]


def _case(db) -> int:
    return records.insert(db, MEDIATION_CASE, dict(
        case_no="（2023）赵人调字第5号", accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里",
        result="调解成功", agreement="书面", closed="2023-05-10", agreement_text="一、李四赔偿张三1000元。", mediation_party=PARTIES,
    ))  # fmt: skip


def _workbook(path):
    book = openpyxl.Workbook()
    book.active.append(["受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "调解结果"])
    book.active.append(["2023-03-08", "赵村村", "村调委会", "邻里", "张三与李四", "调解中"])
    book.save(path)
    return path


def _scrolled(widget, dialog) -> bool:
    """Whether ``widget`` lies in a scroll area of ``dialog`` (reached by scrolling, not on screen at once)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _dialogs(window, tmp_path):
    """Every dialog that used to open larger than a small screen, with its name."""
    from zhaocun_desktop.gui.audit_view import AuditLogDialog
    from zhaocun_desktop.gui.county_dialog import CountyDialog
    from zhaocun_desktop.gui.document_dialog import DocumentDialog
    from zhaocun_desktop.gui.first_run import FirstRunWizard
    from zhaocun_desktop.gui.import_dialog import ImportDialog
    from zhaocun_desktop.gui.record_dialog import RecordDialog
    from zhaocun_desktop.gui.records_dialog import RecordsDialog

    db = window.db
    case_id = _case(db)
    view = window.view(MEDIATION_CASE.key)
    view.refresh()
    yield "调解案件", RecordDialog(db, MEDIATION_CASE, case_id, parent=view)
    yield "新增调解案件", RecordDialog(db, MEDIATION_CASE, parent=view)
    yield "打印文书", DocumentDialog(db, case_id, view)
    yield "导入预览", ImportDialog(db, preview_import(db, _workbook(tmp_path / "赵村村.xlsx")), window)
    yield "操作记录", AuditLogDialog(db, window)
    yield "打印预览", view.print_list(open_dialog=False)
    yield "记录列表", RecordsDialog(MEDIATION_CASE, queries.rows_by_id(db, MEDIATION_CASE), "本年受理的案件", window, db)
    yield "统计报表", CountyDialog(db, window)
    yield "首次使用设置", FirstRunWizard(db, window)


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_every_dialog_fits_a_small_screen_with_its_buttons_on_it(open_window, monkeypatch, tmp_path, screen):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(screen))
    window = open_window()
    too_big = {}
    for name, dialog in _dialogs(window, tmp_path):
        dialog.show()
        QApplication.processEvents()
        if dialog.width() > screen.width() or dialog.height() + TITLE_BAR > screen.height():
            too_big[name] = (dialog.width(), dialog.height())
        for button in dialog.findChildren(QAbstractButton):
            if button.isVisibleTo(dialog) and not _scrolled(button, dialog):
                corner = button.mapTo(dialog, QPoint(button.width() - 1, button.height() - 1))
                assert dialog.rect().contains(corner), f"{name}：按钮“{button.text()}”在窗口外"
        dialog.close()
        dialog.deleteLater()
    assert too_big == {}


def test_a_dialog_keeps_its_wanted_size_where_the_screen_has_room(open_window, monkeypatch):
    from zhaocun_desktop.gui.audit_view import AuditLogDialog

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1920, 1040))
    window = open_window()
    dialog = AuditLogDialog(window.db, window)
    assert (dialog.width(), dialog.height()) == (1180, 620)
    dialog.deleteLater()


def test_the_window_shrinks_to_1024x600_after_every_tab_was_opened(open_window):
    from PySide6.QtWidgets import QTabWidget

    window = open_window(demo=True)
    tabs = window.form.tabs
    for index in range(tabs.count()):  # a tab is built when first opened: each may widen or heighten the window
        tabs.setCurrentIndex(index)
        QApplication.processEvents()
        inner = tabs.currentWidget()
        if isinstance(inner, QTabWidget):
            for sub in range(inner.count()):
                inner.setCurrentIndex(sub)
                QApplication.processEvents()
    assert window._settings_view is not None and window._report_view is not None
    # room to spare for a desktop's wider fonts (the 年度报告 tab asked 930 px here, more there)
    assert window._report_view.minimumSizeHint().width() <= 800
    window.resize(1024, 600)
    QApplication.processEvents()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 600
    assert window.width() <= 1024 and window.height() <= 600
    bar = window.statusBar()
    assert bar.isVisible() and bar.geometry().bottom() < window.height()

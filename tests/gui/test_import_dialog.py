"""The import preview in the window: problem cells marked, import from it, undo, export from a tab."""

from __future__ import annotations

import datetime as dt

import openpyxl
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from zhaocun_desktop import records
from zhaocun_desktop.excel.importing import preview_import
from zhaocun_desktop.gui.import_dialog import PROBLEM, ImportDialog
from zhaocun_desktop.registers import MEDIATION_CASE

HEADERS = ["受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "调解结果", "联系电话"]


def village_file(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里", "张三与李四", "调解中", "13800138000"])
    sheet.append(["2023-04-01", "赵村村", "村调委会", "打架", "王五与赵六", "调解中", "12345"])
    book.save(path)
    return path


def test_preview_marks_problem_cells_and_imports_the_valid_rows(qtbot, open_window, tmp_path):
    window = open_window()
    preview = preview_import(window.db, village_file(tmp_path / "赵村村.xlsx"))
    dialog = ImportDialog(window.db, preview, window)
    qtbot.addWidget(dialog)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    bad_type = dialog.table.item(1, headers.index("纠纷类型"))
    bad_phone = dialog.table.item(1, headers.index("联系方式"))  # the old 联系电话 column: the first party's
    good = dialog.table.item(0, headers.index("纠纷类型"))
    assert bad_type.background().color() == PROBLEM and "不在可选项中" in bad_type.toolTip()
    assert bad_phone.background().color() == PROBLEM and "手机号" in bad_phone.toolTip()
    assert good.background().color() != PROBLEM
    assert dialog.table.item(1, 0).text() == "有问题" and dialog.table.item(0, 0).text() == "可导入"
    assert dialog.problem_list.count() == 2
    dialog.problem_list.setCurrentRow(1)
    assert dialog.table.currentRow() == 1
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "导入 1 条记录"
    ok.click()
    assert "导入调解案件 1 条" in dialog.result_message
    assert records.count(window.db, MEDIATION_CASE) == 1


def test_menu_import_refreshes_the_tab_and_undo_removes_it(qtbot, open_window, tmp_path, when_modal, monkeypatch):
    window = open_window()
    view = window.view(MEDIATION_CASE.key)
    path = village_file(tmp_path / "赵村村.xlsx")
    state = when_modal(lambda dialog: dialog.accept())
    messages = window.import_files([str(path)])
    assert state["done"] and "导入调解案件 1 条" in messages[0]
    assert view.model.rowCount() == 1

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    broken = tmp_path / "坏.xlsx"
    broken.write_text("姓名,电话", encoding="utf-8")
    window.import_files([str(broken)])
    assert "CSV" in warnings[0]

    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.undo_import()
    assert view.model.rowCount() == 0


def test_export_from_a_tab_uses_its_filters(qtbot, open_window, tmp_path):
    window = open_window(demo=True)
    view = window.view(MEDIATION_CASE.key)
    view.year_box.setCurrentText("2023年")
    view.village_box.setCurrentText("赵村村")
    count = view.export(str(tmp_path / "e.xlsx"), reveal=False)
    assert count == view.model.rowCount() > 0
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx").active
    assert sheet.max_row == 3 + count

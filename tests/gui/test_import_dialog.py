"""The import preview in the window: problem cells marked, import from it, undo, export from a tab."""

from __future__ import annotations

import datetime as dt

import openpyxl
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from zhaocun_desktop import queries
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
    assert queries.count(window.db, MEDIATION_CASE) == 1


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


def test_unclear_sheet_asks_which_register_with_the_guess_first(qtbot, open_window, tmp_path, when_modal):
    window = open_window()
    path = tmp_path / "会议.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["序号", "村（社区）", "姓名", "日期", "备注"])
    book.active.append([1, "赵村村", "张三", "2023-03-08", ""])
    book.save(path)
    seen = {}

    def pick(dialog):
        seen["items"] = dialog.comboBoxItems()
        seen["question"] = dialog.labelText()
        dialog.setTextValue("联席例会")
        when_modal(lambda preview: (seen.setdefault("register", preview.register_box.currentText()), preview.accept()))
        dialog.accept()

    when_modal(pick)
    messages = window.import_files([str(path)])
    assert seen["items"][0] == "联席例会" and "无法判断" in seen["question"]
    assert seen["register"] == "联席例会" and "导入联席例会 1 条" in messages[0]


def test_hidden_rows_are_shown_and_imported_only_when_ticked(qtbot, open_window, tmp_path):
    window = open_window()
    path = village_file(tmp_path / "赵村村.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.append(["2023-05-01", "中汤村", "镇调委会", "合同", "甲与乙", "调解中", ""])
    book.active.row_dimensions[4].hidden = True
    book.save(path)
    dialog = ImportDialog(window.db, preview_import(window.db, path), window)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.table.item(2, 0).text() == "隐藏（不导入）" and ok.text() == "导入 1 条记录"
    assert dialog.include_hidden.isVisibleTo(dialog) and "第4行在文件中被隐藏" in dialog.notes.text()
    dialog.include_hidden.setChecked(True)
    assert dialog.table.item(2, 0).text() == "可导入" and ok.text() == "导入 2 条记录"
    dialog.register_box.setCurrentIndex(dialog.register_box.findText("信访"))  # the wrong register: said, nothing to import
    assert "信访" in dialog.summary.text() and not ok.isEnabled()
    dialog.register_box.setCurrentIndex(dialog.register_box.findText("调解案件"))
    ok.click()
    assert queries.count(window.db, MEDIATION_CASE) == 2


def test_previewing_again_reads_the_file_off_the_window_thread(qtbot, open_window, tmp_path, monkeypatch):
    """Another register or the hidden rows ticked reads the file again: like the first reading, in a
    worker (a large file takes seconds), with the window painting meanwhile."""
    import threading

    from zhaocun_desktop.gui import import_dialog

    window = open_window()
    path = village_file(tmp_path / "赵村村.xlsx")
    dialog = ImportDialog(window.db, preview_import(window.db, path), window)
    qtbot.addWidget(dialog)
    threads = []

    def preview_and_note(*args, **kwargs):
        threads.append(threading.current_thread())
        return preview_import(*args, **kwargs)

    monkeypatch.setattr(import_dialog, "preview_import", preview_and_note)
    dialog.register_box.setCurrentIndex(dialog.register_box.findText("信访"))
    dialog.register_box.setCurrentIndex(dialog.register_box.findText("调解案件"))
    assert len(threads) == 2 and threading.main_thread() not in threads
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "导入 1 条记录"


def test_a_place_that_is_no_village_is_the_clerks_choice_in_the_preview(qtbot, open_window, tmp_path):
    """信访's 村(居) is optional: a name not on the 村(居) list is not imported until the clerk ticks it as
    镇直及其他地点 (a mistyped village stays unticked and stays out); ticking reads the file again."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from zhaocun_desktop.registers import PETITION

    window = open_window()
    path = tmp_path / "信访.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "信访"
    book.active.append(["受理日期", "信访人", "村(居)", "层级", "事由", "状态"])
    book.active.append(["2023-03-08", "张三", "赵村村", "本镇", "宅基地", "在办"])
    book.active.append(["2023-03-09", "李四", "镇政府", "到县", "补贴", "在办"])
    book.active.append(["2023-03-10", "王五", "赵村", "本镇", "土地", "在办"])
    book.save(path)
    dialog = ImportDialog(window.db, preview_import(window.db, path), window)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.places.isVisibleTo(dialog) and dialog.places.count() == 2
    assert [dialog.places.item(i).text() for i in range(2)] == ["赵村（第4行）", "镇政府（第3行）"]
    assert ok.text() == "导入 1 条记录" and "是不是“赵村村”" in dialog.table.item(2, 3).toolTip()
    dialog.places.setFocus()
    dialog.places.setCurrentRow(1)
    QTest.keyClick(dialog.places, Qt.Key.Key_Space)  # tick 镇政府: previewed again with it as another place
    assert dialog.other_places() == ["镇政府"] and dialog.preview.other_places == {"镇政府"}
    assert ok.text() == "导入 2 条记录" and dialog.table.item(2, 0).text() == "有问题"
    assert any("按您的选择记为“镇直及其他地点”" in line for line in dialog.notes.text().splitlines())
    ok.click()
    stored = {row["petitioner"]: row["village"] for row in queries.rows_by_id(window.db, PETITION)}
    assert stored == {"张三": "赵村村", "李四": "镇政府"}
    assert window.db.execute("SELECT village_id FROM petition WHERE petitioner = '李四'").fetchone() == (None,)

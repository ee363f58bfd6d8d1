"""What is due in the window: a quiet badge at start-up, a list in 总览 whose rows open their records."""

import datetime as dt

import pytest

from zhaocun_desktop import queries, records
from zhaocun_desktop.gui.record_dialog import RecordDialog
from zhaocun_desktop.registers import PETITION


def test_badge_and_due_list_open_the_record(qtbot, open_window, db_path, monkeypatch):
    from zhaocun_desktop.db import open_db

    db = open_db(db_path)
    accepted = (dt.date.today() - dt.timedelta(days=65)).isoformat()
    record_id = records.insert(db, PETITION, dict(reg_date=accepted, level="本镇", status="在办", petitioner="张三"))
    db.close()
    window = open_window()
    badge = window.due_button
    qtbot.waitUntil(lambda: badge.isVisibleTo(window))  # read after 总览's charts have painted
    assert badge.isVisibleTo(window) and badge.text() == "到期事项 1 项，逾期 1 项"
    assert window.form.tabs.tabText(0) == "总览（1）"
    badge.click()
    view = window.overview_view
    assert window.form.tabs.currentIndex() == 0
    assert view.due_list.count() == 1 and "张三" in view.due_list.item(0).text() and "已逾期5天" in view.due_list.item(0).text()

    opened = []

    def conclude(dialog):  # the real dialog, filled in and saved without blocking
        opened.append((dialog.register, dialog.record_id))
        dialog.form.set_values(dict(status="已办结", done_date=dt.date.today().isoformat()))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RecordDialog, "exec", conclude)
    view.open_due_item(view.due_list.item(0))
    assert opened == [(PETITION, record_id)]
    assert queries.get(window.db, PETITION, record_id)["status"] == "已办结"
    assert view.due_list.count() == 1 and view.due_list.item(0).data(0x0100) is None  # only "nothing due" is left
    assert not badge.isVisibleTo(window) and window.form.tabs.tabText(0) == "总览"


def test_the_due_list_and_the_badge_agree_after_an_import(qtbot, open_window, tmp_path, monkeypatch):
    """An import while 总览 is shown: the badge said 50 while the list still said 49."""
    import openpyxl
    from PySide6.QtWidgets import QMessageBox

    from zhaocun_desktop.gui.import_dialog import ImportDialog

    window = open_window()
    badge = window.due_button
    view = window.overview_view
    qtbot.waitUntil(lambda: view.due is not None if hasattr(view, "due") else False, timeout=5000)
    before = len(view.due)
    book = openpyxl.Workbook()
    book.active.append(["登记日期", "信访人", "村(居)", "层级", "办理状态"])
    book.active.append([dt.date.today() - dt.timedelta(days=70), "李四", "赵村村", "本镇", "在办"])
    book.save(tmp_path / "信访.xlsx")
    from zhaocun_desktop.excel.importing import preview_import

    monkeypatch.setattr("zhaocun_desktop.gui.import_dialog.preview_file", lambda parent, db, path: preview_import(db, path, PETITION))
    monkeypatch.setattr(ImportDialog, "exec", lambda self: (self.accept(), self.result())[1])
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: pytest.fail(text))
    window.import_files([str(tmp_path / "信访.xlsx")])
    assert queries.count(window.db, PETITION) == 1
    assert len(view.due) == before + 1 and badge.text().startswith(f"到期事项 {before + 1} 项")
    assert f"共{before + 1}项" in view.due_label.text()

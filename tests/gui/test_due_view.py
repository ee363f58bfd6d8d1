"""What is due in the window: a quiet badge at start-up, a list in 总览 whose rows open their records."""

import datetime as dt

from zhaocun_desktop import records
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
    assert records.get(window.db, PETITION, record_id)["status"] == "已办结"
    assert view.due_list.count() == 1 and view.due_list.item(0).data(0x0100) is None  # only "nothing due" is left
    assert not badge.isVisibleTo(window) and window.form.tabs.tabText(0) == "总览"

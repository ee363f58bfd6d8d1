"""操作记录 through the real window and dialog; the GUI's error boundary for failures of the surroundings."""

from __future__ import annotations

import errno
import sqlite3

from PySide6.QtWidgets import QMessageBox

from zhaocun_desktop import queries, records
from zhaocun_desktop.registers import MEDIATION_CASE

FULL_ID = "410423199003081234"


def _case(db, parties: str, **extra) -> int:
    values = dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties=parties, result="调解中", id_number=FULL_ID, phone="13800138000")
    values.update(extra)
    return records.insert(db, MEDIATION_CASE, values)


def _column(table, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_audit_view_filters_and_shows_old_and_new_values_masked(open_window, when_modal, qtbot):
    window = open_window()
    db = window.db
    first = _case(db, "甲与乙")
    second = _case(db, "丙与丁")
    records.update(db, MEDIATION_CASE, first, dict(parties="甲与戊", note=f"身份证{FULL_ID}"))
    records.delete(db, MEDIATION_CASE, [second])
    db.execute("UPDATE audit_log SET at = '2022-12-31T10:00:00' WHERE record_id = ? AND table_name = 'mediation_case' AND action = 'insert'", [second])

    seen = {}

    def inspect(dialog):
        table = dialog.table
        seen["all"] = len(dialog.entries)
        seen["headers"] = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        dialog.register.setCurrentIndex(dialog.register.findData(MEDIATION_CASE.key))
        dialog.record_id.setText(str(first))
        dialog.refresh()
        seen["first"] = [(e.action, e.record_id) for e in dialog.entries]
        seen["fields"] = _column(table, 4)
        seen["old"], seen["new"] = _column(table, 5), _column(table, 6)
        seen["text"] = " ".join(table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount()))
        dialog.record_id.setText("")
        dialog.date_from.setText("2023年1月1日")
        dialog.refresh()
        seen["from_2023"] = {(e.action, e.record_id) for e in dialog.entries if e.table == MEDIATION_CASE.key}
        dialog.date_from.setText("")
        dialog.date_to.setText("2022-12-31")
        dialog.refresh()
        seen["to_2022"] = [(e.action, e.record_id) for e in dialog.entries]
        dialog.date_to.setText("明天")
        dialog.refresh()
        seen["bad_date"] = dialog.status.text()
        dialog.grab().save(str(window.db_path.parent / "audit.png"))
        dialog.reject()

    when_modal(inspect)
    window.form.actionAuditLog.trigger()
    qtbot.waitUntil(lambda: "bad_date" in seen)

    assert seen["headers"] == ["时间", "台账", "记录编号", "操作", "字段", "原值", "新值", "说明"]
    assert seen["all"] >= 5  # 2 villages, 2 inserts, 1 update, 1 delete
    assert seen["first"] == [("修改", first), ("新增", first)]
    assert "当事人" in seen["fields"] and "备注" in seen["fields"]
    row = seen["fields"].index("当事人")
    assert (seen["old"][row], seen["new"][row]) == ("甲与乙", "甲与戊")
    assert FULL_ID not in seen["text"] and "410423********1234" in seen["text"] and "13800138000" not in seen["text"]
    assert seen["from_2023"] == {("新增", first), ("修改", first), ("删除", second)}
    assert seen["to_2022"] == [("新增", second)]
    assert "无法识别" in seen["bad_date"]


def test_the_gui_error_boundary_explains_a_full_disk_and_a_busy_database(qapp, monkeypatch):
    from zhaocun_desktop.gui import app as gui_app

    warned, critical = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: critical.append(text))
    for error in (OSError(errno.ENOSPC, "No space left on device", "导出.xlsx"), sqlite3.OperationalError("database is locked")):
        try:
            raise error
        except Exception as raised:  # noqa: BLE001 (the error is raised here to get its traceback)
            gui_app._report_unexpected(type(raised), raised, raised.__traceback__)
    assert "磁盘空间已满" in warned[0] and "另一个程序正在写入" in warned[1]
    assert not critical and all("Traceback" not in text for text in warned)


def test_the_export_save_dialog_refuses_the_database_and_its_backups(open_window, monkeypatch):
    from zhaocun_desktop import backup_files

    window = open_window()
    _case(window.db, "甲与乙")
    made = backup_files.make_backup(window.db.conn, window.db_path, "manual")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    view = window.view(MEDIATION_CASE.key)
    before = made.read_bytes()
    for target in (window.db_path, made, f"{window.db_path}-wal"):
        assert view.export(path=str(target), reveal=False) is None
    assert len(warned) == 3 and all("数据库" in text for text in warned)
    assert made.read_bytes() == before
    assert queries.count(window.db, MEDIATION_CASE) == 1
    assert window.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_records_history_opens_on_that_record(open_window, when_modal, qtbot):
    window = open_window()
    first = _case(window.db, "甲与乙")
    _case(window.db, "丙与丁")
    records.update(window.db, MEDIATION_CASE, first, dict(parties="甲与戊"))
    view = window.view(MEDIATION_CASE.key)
    view.refresh()
    row = next(r for r in range(view.model.rowCount()) if view.model.record_id(r) == first)
    view.table.selectRow(row)
    seen = {}

    def inspect(dialog):
        seen["filters"] = (dialog.register.currentData(), dialog.record_id.text())
        seen["entries"] = [(e.action, e.record_id) for e in dialog.entries]
        dialog.reject()

    when_modal(inspect)
    view.history_action.trigger()
    qtbot.waitUntil(lambda: "entries" in seen)
    assert seen["filters"] == (MEDIATION_CASE.key, str(first))
    assert seen["entries"] == [("修改", first), ("新增", first)]


def test_child_rows_read_in_chinese_and_the_status_counts_every_entry(open_window, when_modal, qtbot, monkeypatch):
    from zhaocun_desktop.gui import audit_view

    window = open_window()
    case_id = records.insert(window.db, MEDIATION_CASE, dict(
        accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", result="调解中",
        mediation_party=[dict(role="申请人", name="甲"), dict(role="被申请人", name="乙")],
    ))  # fmt: skip
    total = window.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]  # 2 villages, the case, 2 parties
    monkeypatch.setattr(audit_view, "SHOWN_AT_MOST", 3)
    seen = {}

    def inspect(dialog):
        seen["status"] = dialog.status.text()
        dialog.register.setCurrentIndex(dialog.register.findText("调解案件·当事人"))
        seen["titles"], seen["notes"] = _column(dialog.table, 1), _column(dialog.table, 7)
        seen["filtered"] = dialog.status.text()
        dialog.reject()

    when_modal(inspect)
    window.form.actionAuditLog.trigger()
    qtbot.waitUntil(lambda: "filtered" in seen)
    assert total == 5 and seen["status"] == "共 5 条操作记录，显示最近 3 条；请用上面的条件缩小范围。"
    assert [t for t in seen["titles"] if t] == ["调解案件·当事人"] * 2
    assert [n for n in seen["notes"] if n] == [f"当事人（属于第{case_id}号调解案件）"] * 2
    assert seen["filtered"] == "共 2 条操作记录。"

"""Long jobs run in a worker thread under a progress dialog, and 取消 stops them at a safe point."""

from __future__ import annotations

import threading
import time

import openpyxl
import pytest
from modal import click, when_shown
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from zhaocun_desktop import queries, settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.writing import template_registers
from zhaocun_desktop.gui import jobs
from zhaocun_desktop.gui.jobs import run_job
from zhaocun_desktop.progress import Cancelled
from zhaocun_desktop.registers import MEDIATION_CASE
from zhaocun_desktop.summary import write_summary


def test_templates_for_every_village_show_progress_and_cancel(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window(demo=True)
    planned = sum(len(queries.village_names(window.db)) if r.village_field else 1 for r in template_registers())
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    seen = {}

    def cancel(dialog):
        seen.update(title=dialog.windowTitle(), maximum=dialog.maximum(), value=dialog.value(), label=dialog.labelText())
        click(dialog, "取消")
        seen["after_cancel"] = dialog.labelText()

    progress = when_shown(QProgressDialog, lambda d: d.value() >= 2, cancel)
    told = when_shown(QMessageBox, lambda d: True, lambda box: (seen.update(message=box.text()), box.accept()))
    window.write_every_template()
    assert progress["done"] and told["done"]
    assert seen["title"] == "生成填报模板" and seen["maximum"] == planned and seen["value"] >= 2
    assert ".xlsx" in seen["label"] and "正在取消" in seen["after_cancel"]
    assert "已取消" in seen["message"]
    written = list((tmp_path / "填报模板").iterdir())
    assert seen["value"] <= len(written) < planned  # stopped between files, every file whole
    for path in written:
        assert openpyxl.load_workbook(path).sheetnames


def test_a_job_runs_off_the_window_thread_and_returns_its_result(qtbot, open_window):
    window = open_window()
    threads = []

    def work(db, progress):
        threads.append(threading.current_thread())
        progress(1, 1, "")
        return queries.count(db, MEDIATION_CASE), db.conn is not window.db.conn

    assert run_job(window, "测试", "正在计算…", window.db, work) == (0, True)
    assert threads[0] is not threading.main_thread()


def test_errors_of_the_job_reach_the_caller(qtbot, open_window, tmp_path):
    window = open_window(demo=True)
    year = township_settings.settings(window.db)["report_year"]
    with pytest.raises(UserError, match="没有这个文件夹"):
        run_job(window, "导出汇总表", "正在生成…", window.db,
                lambda db, progress: write_summary(db, year, tmp_path / "没有这个文件夹" / "x.xlsx", progress))  # fmt: skip


def test_cancelled_export_from_a_list_writes_no_file(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window(demo=True)
    view = window.view(MEDIATION_CASE.key)
    out = tmp_path / "out"
    out.mkdir()
    state = when_shown(QProgressDialog, lambda d: True, lambda d: click(d, "取消"))
    original = jobs._Worker.progress

    def after_the_click(self, done, total, text):
        """The export is quick: its first safe point waits until 取消 was clicked."""
        while not state["done"]:
            time.sleep(0.01)
        original(self, done, total, text)

    monkeypatch.setattr(jobs._Worker, "progress", after_the_click)
    assert view.export(str(out / "调解案件.xlsx"), reveal=False) is None
    assert list(out.iterdir()) == []
    assert "已取消" in window.statusBar().currentMessage()


def test_cancelled_import_writes_nothing_and_keeps_the_preview_open(qtbot, open_window, tmp_path, monkeypatch):
    import datetime as dt

    from zhaocun_desktop.excel.importing import batches, preview_import
    from zhaocun_desktop.gui.import_dialog import ImportDialog

    window = open_window()
    book = openpyxl.Workbook()
    book.active.append(["受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "调解结果"])
    book.active.append([dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里", "张三与李四", "调解中"])
    book.save(tmp_path / "赵村村.xlsx")
    dialog = ImportDialog(window.db, preview_import(window.db, tmp_path / "赵村村.xlsx"), window)
    qtbot.addWidget(dialog)
    dialog.show()
    progress_seen = when_shown(QProgressDialog, lambda d: True, lambda d: click(d, "取消"))
    told = when_shown(QMessageBox, lambda d: True, lambda box: box.accept())
    original = jobs._Worker.progress

    def after_the_click(self, done, total, text):
        """One row imports at once: its only safe point (before the commit) waits for 取消."""
        while not progress_seen["done"]:
            time.sleep(0.01)
        original(self, done, total, text)

    monkeypatch.setattr(jobs._Worker, "progress", after_the_click)
    dialog.accept()
    assert progress_seen["done"] and told["done"]
    assert dialog.isVisible() and dialog.result() == 0
    assert queries.count(window.db, MEDIATION_CASE) == 0 and batches(window.db) == []
    monkeypatch.setattr(jobs._Worker, "progress", original)
    dialog.accept()  # the clerk tries again: now it imports
    assert queries.count(window.db, MEDIATION_CASE) == 1


def test_the_window_does_not_close_under_a_running_job(qtbot, open_window):
    window = open_window()
    seen = {}

    def try_to_close(dialog):
        seen["closed"] = window.close()
        seen["message"] = window.statusBar().currentMessage()
        click(dialog, "取消")

    state = when_shown(QProgressDialog, lambda d: True, try_to_close)

    def work(db, progress):
        while True:  # stops only when cancelled
            progress(0, 1, "")
            time.sleep(0.01)

    with pytest.raises(Cancelled):
        run_job(window, "测试", "正在计算…", window.db, work)
    assert state["done"] and seen["closed"] is False and window.isVisible()
    assert "取消" in seen["message"] and not jobs.job_running()
    assert window.close()


def test_the_dialog_shows_the_newest_step_when_steps_arrive_together(qtbot, open_window, monkeypatch):
    """A modal QProgressDialog's setValue processes events: steps queued meanwhile arrive inside it, and
    the older step must not write its text over theirs (the label then stayed at an early step and a
    test waiting for a later one hung)."""
    window = open_window(demo=True)
    monkeypatch.setattr(jobs, "SHOW_AFTER_MS", 0)
    last = 40
    up = when_shown(QProgressDialog, lambda d: "第0步" in d.labelText(), lambda d: None)
    shown = when_shown(QProgressDialog, lambda d: f"第{last}步" in d.labelText(), lambda d: None)

    def wait_for(state) -> bool:
        deadline = time.monotonic() + 10
        while not state["done"] and time.monotonic() < deadline:
            time.sleep(0.01)
        return state["done"]

    def work(db, progress):
        progress(0, last, "第0步")
        wait_for(up)  # the dialog is up (and modal): the next steps arrive while it handles the first of them
        for number in range(1, last + 1):
            progress(number, last, f"第{number}步")
        return wait_for(shown)

    assert run_job(window, "测试", "正在处理…", window.db, work), "the dialog never showed the last step"


def _visible_progress_dialogs() -> list:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


@pytest.mark.parametrize("seconds, cancel_at", [(0.05, None), (1.0, None), (4.5, None), (0.05, "start"), (1.0, "middle"), (4.5, "end")])
def test_a_job_of_any_length_leaves_no_dialog_timer_or_modal_state(qtbot, open_window, seconds, cancel_at):
    """The next dialog after a job is on top and answers: a job shorter than QProgressDialog's delay
    left its show timer armed (and closing it emitted 取消), and "正在取消，请稍候…" came up over the
    import's preview; the clerk's clicks did nothing until Escape. As in the program, the job and
    the next dialog run inside a slot of the event loop (a deleteLater posted there waits until
    the slot returns, so the next dialog's own loop never deletes the progress dialog)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    window = open_window()
    steps = 10
    seen, outcome = {}, {}

    def work(db, progress):
        for step in range(steps + 1):
            progress(step, steps, f"第{step}步")
            time.sleep(seconds / steps)
        return "done"

    def look(box):
        # past every delay the progress dialog had (SHOW_AFTER_MS, and Qt's own 4 s default)
        deadline = time.monotonic() + max(jobs.SHOW_AFTER_MS / 1000, 4.0) + 0.3
        while time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.02)
        seen.update(modal=QApplication.activeModalWidget() is box, progress=_visible_progress_dialogs(), visible=box.isVisible())
        box.accept()  # answers: the click reaches the box

    def slot():
        try:
            outcome["result"] = run_job(window, "测试", "正在计算…", window.db, work)
        except Cancelled:
            outcome["result"] = "cancelled"
        state = when_shown(QMessageBox, lambda box: True, look)
        box = QMessageBox(QMessageBox.Icon.Information, "导入", "下一个对话框", QMessageBox.StandardButton.Ok, window)
        QTimer.singleShot(15000, box.reject)  # a hung test fails instead of waiting for ever
        outcome["answer"] = box.exec()
        outcome["shown"] = state["done"]
        loop.quit()

    original = jobs._Worker.progress
    if cancel_at is not None:
        at = {"start": 0, "middle": steps // 2, "end": steps}[cancel_at]

        def progress(self, done, total, text):
            """The clerk's 取消 reaches the worker at the chosen step, as a click would."""
            if done >= at:
                self.cancel_requested.set()
            original(self, done, total, text)

        jobs._Worker.progress = progress
    loop = QEventLoop()
    try:
        QTimer.singleShot(0, slot)
        loop.exec()
    finally:
        jobs._Worker.progress = original
    assert outcome["result"] == ("done" if cancel_at is None else "cancelled")
    assert outcome["shown"] and outcome["answer"] == QMessageBox.DialogCode.Accepted
    assert seen == dict(modal=True, progress=[], visible=True)
    qtbot.wait(50)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
    assert QApplication.activeModalWidget() is None and not jobs.job_running()

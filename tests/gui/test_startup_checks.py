"""Start-up checks in the window: a damaged database is found and the restore offer appears;
backups from the menu; the last backup time in the status bar."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QInputDialog, QMessageBox

from zhaocun_desktop import backup_files, dbcheck, queries, records
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.gui.app import open_checked
from zhaocun_desktop.registers import MEDIATION_CASE


def damage(path):
    data = bytearray(path.read_bytes())
    for offset in range(8192, len(data) - 4096, 4096):
        data[offset + 100 : offset + 400] = os.urandom(300)
    path.write_bytes(bytes(data))


def test_damaged_database_offers_the_newest_good_backup(qapp, db_path, monkeypatch):
    db = open_db(db_path)
    fill_demo(db)
    cases = queries.count(db, MEDIATION_CASE)
    backup_files.make_backup(db.conn, db_path, "daily")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    damage(db_path)

    asked, told = [], []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: told.append(text))
    restored = open_checked(db_path)
    assert "是否从最近的完好备份恢复" in asked[0] and "每日自动备份" in asked[0]
    assert "已从" in told[0] and "损坏" in told[0]
    assert queries.count(restored, MEDIATION_CASE) == cases
    restored.close()
    assert list(db_path.parent.glob("台账_损坏_*.db")), "the damaged file is kept aside"


def test_damaged_database_left_alone_when_the_clerk_says_no(qapp, db_path, monkeypatch):
    db = open_db(db_path)
    fill_demo(db)
    backup_files.make_backup(db.conn, db_path, "daily")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    damage(db_path)
    before = db_path.read_bytes()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    assert open_checked(db_path) is None
    assert db_path.read_bytes() == before


def test_a_record_pointing_nowhere_opens_the_file_and_says_so_without_offering_a_backup(qapp, db_path, monkeypatch):
    """foreign_key_check finds a party whose case is gone: the file is sound, and replacing it with the
    newest backup (as offered for damage before) would lose the work since. It opens, with a warning."""
    import sqlite3

    db = open_db(db_path)
    fill_demo(db)
    backup_files.make_backup(db.conn, db_path, "daily")
    cases = queries.count(db, MEDIATION_CASE)
    db.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE mediation_party SET case_id = 999999 WHERE id = (SELECT min(id) FROM mediation_party)")
    conn.commit()
    conn.close()
    asked, warned = [], []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    opened = open_checked(db_path)
    assert opened is not None and asked == [] and queries.count(opened, MEDIATION_CASE) == cases
    assert "记录之间的关联不一致" in warned[0] and "请不要为此从备份恢复" in warned[0]
    opened.close()
    assert not list(db_path.parent.glob("台账_损坏_*.db"))


def test_first_open_of_the_day_makes_a_backup(qapp, db_path):
    db = open_checked(db_path)
    db.close()
    db = open_checked(db_path)
    db.close()
    assert [b.reason for b in backup_files.list_backups(db_path)] == ["daily"]


def test_backup_to_a_folder_and_restore_from_the_menu(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window(demo=True)
    qtbot.waitUntil(lambda: window.backup_label.text() != "")  # read once the first screen has painted
    assert window.backup_label.text() == "尚未备份"
    made = window.backup_to(str(tmp_path / "U盘"))
    assert made.parent == tmp_path / "U盘" and dbcheck.check_database(made) == []
    window.backup_to(str(dbcheck.backup_dir(window.db_path)))
    assert window.backup_label.text().startswith("上次备份：")

    view = window.view(MEDIATION_CASE.key)
    total = view.model.rowCount()
    window.db.execute("DELETE FROM mediation_case")
    view.refresh()
    assert view.model.rowCount() == 0
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    window.restore_backup()
    assert view.model.rowCount() == total


def test_an_open_that_upgrades_runs_off_the_window_thread_under_a_dialog_that_says_so(qapp, db_path, monkeypatch):
    """The first open by a newer program rebuilds the search indexes (tens of seconds for a county):
    the window stays painted, and a dialog says what is happening instead of a frozen window."""
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from zhaocun_desktop import db as db_module, search
    from zhaocun_desktop.gui import jobs

    db = open_db(db_path)
    fill_demo(db)
    db.execute(f"DROP VIEW {search.content_view(search.indexed_registers(db)[0])}")  # an index of an earlier kind
    db.close()
    monkeypatch.setattr(jobs, "SHOW_AFTER_MS", 0)
    seen, threads = threading.Event(), []
    labels: list[str] = []
    real_migrate = db_module.migrate

    def slow_migrate(*args, **kwargs):  # waits until the dialog has been seen, so the test does not race it
        threads.append(threading.current_thread())
        assert seen.wait(10), "no progress dialog appeared"
        return real_migrate(*args, **kwargs)

    def look() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        if dialogs:
            labels.append(dialogs[0].labelText())
            seen.set()
        elif not seen.is_set():
            QTimer.singleShot(5, look)

    monkeypatch.setattr(db_module, "migrate", slow_migrate)
    QTimer.singleShot(0, look)
    opened = open_checked(db_path)
    assert threads and threads[0] is not threading.main_thread()
    assert "正在升级数据库" in labels[0] and "检索索引" in labels[0]
    assert search.has_index(opened, search.indexed_registers(opened)[0])
    assert queries.count(opened, MEDIATION_CASE) > 0  # the connection made in the worker serves the window
    opened.close()


def test_restoring_another_towns_backup_from_the_menu_asks_first(qtbot, open_window, tmp_path, monkeypatch):
    import shutil

    from zhaocun_desktop.township import set_up_township, with_default_names

    window = open_window(demo=True)  # sample data of 赵村镇
    elsewhere = open_db(tmp_path / "中汤镇.db")
    set_up_township(elsewhere, with_default_names(dict(town="中汤镇", county="鲁山县")), ["中汤村"])
    made = backup_files.make_backup(elsewhere.conn, tmp_path / "中汤镇.db", "manual")
    elsewhere.close()
    dbcheck.backup_dir(window.db_path).mkdir(exist_ok=True)
    shutil.copy(made, dbcheck.backup_dir(window.db_path) / "台账备份_20990101_090000_manual.db")  # an old-style name: listed
    cases = queries.count(window.db, MEDIATION_CASE)

    asked = []
    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No])
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a, **k: asked.append(text) or next(answers))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    window.restore_backup()
    assert "示例数据库" in asked[1] and "中汤镇" in asked[1] and "仍要" in asked[1]
    assert queries.count(window.db, MEDIATION_CASE) == cases  # the clerk said no: nothing changed

    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes])
    window.restore_backup()
    assert queries.count(window.db, MEDIATION_CASE) == 0


def test_an_empty_database_file_is_offered_its_backup_not_made_a_new_ledger(qapp, db_path, monkeypatch):
    db = open_db(db_path)
    fill_demo(db)
    cases = queries.count(db, MEDIATION_CASE)
    backup_files.make_backup(db.conn, db_path, "daily")
    db.close()
    db_path.write_bytes(b"")  # a copy cut short
    for name in ("-wal", "-shm"):
        db_path.with_name(db_path.name + name).unlink(missing_ok=True)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    restored = open_checked(db_path)
    assert "空文件" in asked[0] and "每日自动备份" in asked[0]
    assert queries.count(restored, MEDIATION_CASE) == cases
    restored.close()


def test_an_empty_database_file_without_backups_is_left_as_it_is(qapp, db_path, monkeypatch):
    db_path.write_bytes(b"")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    assert open_checked(db_path) is None
    assert "空文件" in shown[0] and "备份" in shown[0]
    assert db_path.read_bytes() == b"" and sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_renamed_databases_backups_are_offered_marked_and_asked_for(qtbot, open_window, monkeypatch):
    """Backups are named after their database (台账备份_…): a ledger opened under another name found
    「还没有可用的备份」. They are listed after its own, marked with whose they are, and restoring one asks."""
    import shutil

    window = open_window(demo=True)
    cases = queries.count(window.db, MEDIATION_CASE)
    made = backup_files.make_backup(window.db.conn, window.db_path, "manual")
    renamed = made.with_name(made.name.replace(backup_files.backup_stem(window.db_path), "旧台账备份"))
    shutil.move(made, renamed)
    assert backup_files.list_backups(window.db_path) == []
    offered, asked = [], []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (offered.extend(a[3]) or a[3][-1], True))
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a, **k: asked.append(title) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    records.delete(window.db, MEDIATION_CASE, [queries.RecordList(window.db, MEDIATION_CASE, queries.RecordQuery(), ["id"]).rows(0, 1)[0][0]])
    window.restore_backup()
    assert offered and offered[-1].endswith("（旧台账.db 的备份）")
    assert asked == ["确认恢复", "这个备份不像是当前数据库的"]
    assert queries.count(window.db, MEDIATION_CASE) == cases


def test_the_days_first_backup_shows_in_the_status_bar(qtbot, open_window):
    """The window's daily backup (made once its records are shown) is what 上次备份 then says; it used to keep
    saying 尚未备份 (or yesterday's time) until the window was opened again."""
    import datetime as dt

    from zhaocun_desktop.gui.app import back_up_today

    window = open_window()
    qtbot.waitUntil(lambda: window.backup_label.text() == "尚未备份")
    back_up_today(window, window.db_path)  # in the background
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("上次备份"), timeout=20_000)
    assert [b.reason for b in backup_files.list_backups(window.db_path)] == ["daily"]
    assert window.backup_label.text().startswith(f"上次备份：{dt.date.today():%Y-%m-%d}")
    assert window.statusBar().currentMessage() == "今天的自动备份已完成（已校验）"
    back_up_today(window, window.db_path)  # made today already: none more
    assert [b.reason for b in backup_files.list_backups(window.db_path)] == ["daily"]


# ---------------------------------------------------------------------------
# Backups of a large file run off the window's thread; closing waits for them.


def _grow(db, megabytes: int) -> None:
    """Make the database about ``megabytes`` larger with real cases (a long 简要案情), in one transaction."""
    rows = [dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", parties=f"甲{n}与乙", result="调解中",
                 summary=f"第{n}件：" + "双方因宅基地界址发生争执，经调解员耐心疏导达成一致。" * 40) for n in range(megabytes * 250)]  # fmt: skip
    records.insert_many(db, MEDIATION_CASE, rows)


class _HeldBackup:
    """``backup_files.make_backup`` held at its start until ``release`` is set (from the window's thread), noting
    the thread each backup ran on and the order in which they started and ended."""

    def __init__(self, monkeypatch):
        import threading

        self.release, self.threads, self.events = threading.Event(), [], []
        real = backup_files.make_backup

        def held(conn, db_path, reason="manual", *args, **kwargs):
            self.threads.append(threading.get_ident())
            self.events.append(("start", reason))
            assert self.release.wait(60), "never released: the window's event loop stopped turning"
            made = real(conn, db_path, reason, *args, **kwargs)
            self.events.append(("end", reason))
            return made

        monkeypatch.setattr(backup_files, "make_backup", held)  # what the window's menu and safety_backup (the day's first backup) call


def test_the_days_first_backup_runs_off_the_window_thread(qtbot, open_window, monkeypatch):
    """On a file made large for the test, the day's first backup runs in a worker thread: it is held at its
    start until the window's event loop has turned five times more (a QTimer counting ticks releases it), which
    it could not if it ran on the window's thread; the status bar says how far it is, then 上次备份."""
    import threading

    from PySide6.QtCore import QTimer

    from zhaocun_desktop.gui.app import back_up_today

    window = open_window()
    _grow(window.db, 24)
    held = _HeldBackup(monkeypatch)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    ticks = []

    def tick() -> None:
        ticks.append(1)
        if len(ticks) >= 5 and held.threads:  # the backup has started, and the loop went on turning
            held.release.set()

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    timer.start()
    back_up_today(window, window.db_path)
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("上次备份"), timeout=60_000)
    timer.stop()
    assert held.threads and held.threads[0] != threading.get_ident(), "made on a worker thread"
    assert len(ticks) >= 5 and held.events == [("start", "daily"), ("end", "daily")]
    (made,) = backup_files.list_backups(window.db_path)
    assert made.reason == "daily" and made.counts["调解案件"] == queries.count(window.db, MEDIATION_CASE)
    assert any(message.startswith("正在进行今天的自动备份：正在复制数据库（") for message in messages), messages
    assert "正在进行今天的自动备份：正在校验备份…" in messages and messages[-1] == "今天的自动备份已完成（已校验）"


def test_closing_waits_for_a_running_backup_under_a_progress_dialog(qtbot, open_window, monkeypatch):
    """Closing while the day's first backup runs: a progress dialog says so and waits until it has ended (it is
    released only once the dialog shows), then the closing backup is made, on a worker thread too."""
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from zhaocun_desktop.gui.app import back_up_today, finish_on_exit

    window = open_window()
    _grow(window.db, 4)
    held = _HeldBackup(monkeypatch)
    back_up_today(window, window.db_path)
    qtbot.waitUntil(lambda: bool(held.threads))  # the day's backup is under way
    shown: list[str] = []

    def look() -> None:
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QProgressDialog) and dialog.isVisible():
                shown.append(dialog.labelText())
                held.release.set()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(look)
    timer.start()
    finish_on_exit(window.db)
    timer.stop()
    assert shown and shown[0].startswith("正在完成今天的自动备份")
    assert held.events == [("start", "daily"), ("end", "daily"), ("start", "exit"), ("end", "exit")]
    assert all(thread != threading.get_ident() for thread in held.threads)
    assert sorted(b.reason for b in backup_files.list_backups(window.db_path)) == ["daily", "exit"]
    qtbot.waitUntil(lambda: not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()])


def _held_check(monkeypatch):
    """dbcheck.check_database held at its start until the returned event is set (the real check then runs)."""
    import threading

    from zhaocun_desktop import dbcheck

    release, real = threading.Event(), dbcheck.check_database

    def held(*args, **kwargs):
        assert release.wait(60), "never released"
        return real(*args, **kwargs)

    monkeypatch.setattr(dbcheck, "check_database", held)
    return release


def test_a_large_files_check_does_not_delay_its_records_and_damage_is_said_after(qtbot, open_window, monkeypatch):
    """A file of BACKGROUND_CHECK_BYTES or more opens while its damage check is still running (here held until
    the records are read); when the check then finds damage, the clerk is told plainly, the day's backup is not
    made (its copy would rotate good backups away) and the program opens the file again, checked first."""
    from PySide6.QtWidgets import QApplication

    from zhaocun_desktop.gui import app
    from zhaocun_desktop.gui.app import RESTART_CHECKED, open_checked, start_checks, watch_deferred_checks

    window = open_window()
    _grow(window.db, 2)
    path = window.db_path
    window.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())  # the last pages (the cases' long texts): the schema still reads
    data[-3 * 4096 + 100 : -4096] = os.urandom(2 * 4096 - 100)
    path.write_bytes(bytes(data))
    monkeypatch.setattr(app, "BACKGROUND_CHECK_BYTES", 1)
    release = _held_check(monkeypatch)
    checks = start_checks(path)
    db = open_checked(path, window, checks, daily_backup=False, defer_large=True)
    assert db is not None and checks.deferred and not checks.done()
    assert queries.count(db, MEDIATION_CASE) > 0  # the records are there while the check runs
    told, exits, backed_up = [], [], []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: told.append(text))
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    watch_deferred_checks(window, checks, lambda: backed_up.append(1))
    release.set()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert "数据库文件已损坏" in told[0] and "请不要继续录入" in told[0] and "从最近的完好备份恢复" in told[0]
    assert exits == [RESTART_CHECKED] and backed_up == []
    db.close()


def test_a_large_sound_files_check_ends_after_its_records_and_then_the_days_backup_starts(qtbot, open_window, monkeypatch):
    from zhaocun_desktop.gui import app
    from zhaocun_desktop.gui.app import open_checked, start_checks, watch_deferred_checks

    window = open_window()
    monkeypatch.setattr(app, "BACKGROUND_CHECK_BYTES", 1)
    release = _held_check(monkeypatch)
    checks = start_checks(window.db_path)
    db = open_checked(window.db_path, window, checks, daily_backup=False, defer_large=True)
    assert checks.deferred and not checks.done()
    then = []
    watch_deferred_checks(window, checks, lambda: then.append(1))
    qtbot.wait(300)
    assert then == []  # not before the check has ended
    release.set()
    qtbot.waitUntil(lambda: then == [1], timeout=20_000)
    assert not checks.found_damage()
    db.close()


def test_a_database_with_random_blocks_overwritten_is_named_damaged_at_the_start(qapp, db_path, monkeypatch):
    """40 random 16-byte blocks overwritten: the start names the damage and offers the newest sound backup;
    without one it says so; never an error dialog of its own (the CLI's exit 3, UnicodeDecodeError, before)."""
    import random
    import shutil

    db = open_db(db_path)
    fill_demo(db)
    cases = queries.count(db, MEDIATION_CASE)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    sound = db_path.read_bytes()
    spare = db_path.with_name("spare.db")
    shutil.copy(db_path, spare)
    for seed in (0, 4):  # seeds whose damage hits the schema: SQLite's own message could not be decoded
        rng = random.Random(seed)
        data = bytearray(sound)
        for _ in range(40):
            offset = rng.randrange(0, len(data) - 16)
            data[offset : offset + 16] = rng.randbytes(16)
        db_path.write_bytes(bytes(data))
        shutil.rmtree(dbcheck.backup_dir(db_path), ignore_errors=True)
        critical = []
        monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: critical.append((title, text)))
        assert open_checked(db_path) is None  # no backup to offer
        assert critical[0][0] == "数据库已损坏" and "没有找到可用的备份" in critical[0][1]
        assert db_path.read_bytes() == bytes(data)

        dbcheck.backup_dir(db_path).mkdir()
        shutil.copy(spare, dbcheck.backup_dir(db_path) / "台账备份_20240101_080000_daily.db")
        asked = []
        monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
        monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
        restored = open_checked(db_path, daily_backup=False)
        assert "数据库文件已损坏" in asked[0] and queries.count(restored, MEDIATION_CASE) == cases
        restored.close()

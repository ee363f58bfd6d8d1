"""The window's start-up: a foreign SQLite file is refused untouched; a damaged database is never
replaced by a backup from a newer program version."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from zhaocun_desktop import backup_files, queries
from zhaocun_desktop.db import SCHEMA_VERSION, open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.gui.app import open_checked
from zhaocun_desktop.registers import MEDIATION_CASE


def test_a_foreign_sqlite_file_is_not_opened_nor_set_aside(qapp, tmp_path):
    path = tmp_path / "微信备份.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE message (body TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UserError, match="不是本程序的数据库"):
        open_checked(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no -wal, no 备份 folder, nothing moved


def test_a_damaged_database_skips_a_newer_versions_backup(qapp, db_path, monkeypatch):
    db = open_db(db_path)
    fill_demo(db)
    cases = queries.count(db, MEDIATION_CASE)
    older = backup_files.make_backup(db.conn, db_path, "daily", now=dt.datetime(2024, 1, 1, 9))
    newer = backup_files.make_backup(db.conn, db_path, "daily", now=dt.datetime(2024, 1, 2, 9))
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(8192, len(data) - 4096, 4096):
        data[offset + 100 : offset + 400] = os.urandom(300)
    db_path.write_bytes(bytes(data))

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    restored = open_checked(db_path)
    assert "2024-01-01 09:00" in asked[0] and "2024-01-02" not in asked[0]
    assert queries.count(restored, MEDIATION_CASE) == cases
    assert older.exists() and newer.exists()
    restored.close()


def test_a_read_only_folder_is_named_not_taken_for_a_second_copy(qapp, tmp_path, monkeypatch):
    import subprocess

    from zhaocun_desktop.gui.app import run_gui

    folder = tmp_path / "只读"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        open_db(folder / "台账.db").close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        shown = []
        for kind in ("critical", "information", "warning"):
            monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, kind=kind: shown.append((kind, text)))
        assert run_gui(db_path=folder / "台账.db") == 2
        assert len(shown) == 1 and shown[0][0] == "critical"
        assert "只读" in shown[0][1] and "已经打开" not in shown[0][1] and "损坏" not in shown[0][1]
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)

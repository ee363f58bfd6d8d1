"""Only our own databases are opened and restored; no output ever lands on a database or a backup."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from zhaocun_desktop import backup, backup_files, dbcheck, queries, records
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import APPLICATION_ID, SCHEMA_VERSION, open_db, schema_version
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE

SNAPSHOTS = Path(__file__).parent / "data"


def _foreign_sqlite(path: Path, application_id: int = 0) -> Path:
    """A real SQLite file another program made (a phone contacts export, say)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('张三', '13800138000')")
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path


def _case(db, parties="甲与乙") -> int:
    return records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties=parties, result="调解中"))


@pytest.fixture
def filled(db, db_path):
    records.insert(db, VILLAGE, dict(name="赵村村"))
    _case(db)
    return db


def test_new_and_empty_databases_carry_our_application_id(tmp_path):
    empty = tmp_path / "空.db"
    empty.write_bytes(b"")
    for path in (tmp_path / "新.db", empty):
        db = open_db(path)
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert schema_version(db.conn) == SCHEMA_VERSION
        db.close()


def test_an_old_database_gets_the_application_id_by_migration(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((SNAPSHOTS / "schema_v4.sql").read_text(encoding="utf-8"))
    conn.close()
    db = open_db(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


@pytest.mark.parametrize("application_id", [0, 0x4D4F5A21])
def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path, capsys, application_id):
    path = _foreign_sqlite(tmp_path / "contacts.db", application_id)
    before = path.read_bytes()
    with pytest.raises(UserError, match="不是本程序的数据库"):
        open_db(path)
    assert main(["export", "--db", str(path), "--register", "mediation_case", "--out", str(tmp_path / "e.xlsx")]) == 2
    assert "不是本程序的数据库" in capsys.readouterr().err
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    assert {row[0] for row in conn.execute("SELECT name FROM sqlite_master")} == {"contacts"}
    conn.close()


def _restore_refused(db, db_path, source: Path, reason: str, capsys) -> None:
    """The restore of ``source`` is refused with ``reason``, in the core and through the CLI; nothing changes."""
    before = queries.count(db, MEDIATION_CASE)
    made_before = len(backup_files.list_backups(db_path, with_counts=False))
    with pytest.raises(UserError, match=reason):
        backup.restore(db.conn, db_path, source)
    assert main(["restore", "--db", str(db_path), str(source)]) == 2
    err = capsys.readouterr().err
    assert reason in err and "当前数据库未被改动" in err
    assert queries.count(db, MEDIATION_CASE) == before
    assert len(backup_files.list_backups(db_path, with_counts=False)) == made_before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_what_is_not_our_sound_backup(filled, db_path, tmp_path, capsys):
    zero = tmp_path / "空.db"
    zero.write_bytes(b"")
    _restore_refused(filled, db_path, zero, "空文件", capsys)
    text = tmp_path / "名单.db"
    text.write_text("姓名,电话\n", encoding="utf-8")
    _restore_refused(filled, db_path, text, "不是数据库文件", capsys)
    _restore_refused(filled, db_path, _foreign_sqlite(tmp_path / "contacts.db"), "不是本程序的备份", capsys)
    _restore_refused(filled, db_path, _foreign_sqlite(tmp_path / "other.db", 0x4D4F5A21), "不是本程序的备份", capsys)
    empty_sqlite = tmp_path / "blank.db"
    sqlite3.connect(empty_sqlite).execute("PRAGMA user_version = 1").connection.close()
    _restore_refused(filled, db_path, empty_sqlite, "不是本程序的备份", capsys)

    newer = backup_files.make_backup(filled.conn, db_path, "manual", folder=tmp_path / "u盘")
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    _restore_refused(filled, db_path, newer, "更新版本的程序", capsys)

    damaged = backup_files.make_backup(filled.conn, db_path, "manual", folder=tmp_path / "坏")
    data = bytearray(damaged.read_bytes())
    page = 4096
    data[page * 2 : page * 3] = b"\xff" * page  # one table page overwritten
    damaged.write_bytes(bytes(data))
    with pytest.raises(UserError):
        backup.restore(filled.conn, db_path, damaged)
    assert queries.count(filled, MEDIATION_CASE) == 1


def test_restore_of_an_older_version_backup_upgrades_it(filled, db_path, tmp_path):
    old = tmp_path / "旧备份.db"
    conn = sqlite3.connect(old)
    conn.executescript((SNAPSHOTS / "schema_v4.sql").read_text(encoding="utf-8"))
    conn.execute("INSERT INTO village (name) VALUES ('赵村村')")
    conn.commit()
    conn.close()
    backup.restore(filled.conn, db_path, old)
    assert schema_version(filled.conn) == SCHEMA_VERSION
    assert filled.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert queries.count(filled, MEDIATION_CASE) == 0
    _case(filled, "恢复后新录入")
    assert queries.count(filled, MEDIATION_CASE) == 1


def test_check_says_what_is_not_ours(tmp_path, capsys):
    zero = tmp_path / "空.db"
    zero.write_bytes(b"")
    for path, reason in ((zero, "空文件"), (_foreign_sqlite(tmp_path / "contacts.db"), "台账数据表")):
        assert main(["check", "--db", str(path)]) == 1
        out = capsys.readouterr().out
        assert "不是本程序的数据库" in out and reason in out and "数据库完好" not in out
    open_db(tmp_path / "ours.db").close()
    assert main(["check", "--db", str(tmp_path / "ours.db")]) == 0
    assert "数据库完好" in capsys.readouterr().out


def test_output_onto_the_database_its_side_files_or_a_backup_is_refused(filled, db_path, tmp_path, capsys):
    made = backup_files.make_backup(filled.conn, db_path, "manual")
    wal = Path(str(db_path) + "-wal")
    assert wal.exists()  # the database is open in WAL mode
    targets = [db_path, wal, Path(str(db_path) + "-shm"), made]
    db_bytes, backup_bytes = db_path.read_bytes(), made.read_bytes()
    for target in targets:
        commands = [
            ["export", "--db", str(db_path), "--register", "mediation_case", "--out", str(target)],
            ["summary", "--db", str(db_path), "--year", "2023", "--out", str(target)],
            ["report", "--db", str(db_path), "--year", "2023", "--out", str(target)],
            ["template", "--db", str(db_path), "--register", "mediation_case", "--out", str(target)],
        ]
        for command in commands:
            try:
                code = main(command)
            except SystemExit as refused:  # an --out not named as what is written (.xlsx, .docx): refused first
                code = refused.code
            assert code == 2, (command, target)
            err = capsys.readouterr().err
            assert ("数据库" in err or "结尾" in err) and "Traceback" not in err, err
        # the writers' own guard (the window's way in too), reached through a verb with any --out name
        assert main(commands[-1]) == 2 and "数据库" in capsys.readouterr().err
    assert made.read_bytes() == backup_bytes
    assert queries.count(filled, MEDIATION_CASE) == 1
    assert db_path.read_bytes()[:16] == db_bytes[:16]
    assert filled.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # an ordinary target still works
    assert main(["export", "--db", str(db_path), "--register", "mediation_case", "--out", str(tmp_path / "ok.xlsx")]) == 0


def test_half_written_backups_are_removed_at_the_next_start(db_path):
    db = open_db(db_path)
    folder = dbcheck.backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    left = folder / f".台账备份_20231231_235959_exit{dbcheck.PARTIAL}"
    left.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    old = time.time() - dbcheck.PARTIAL_AGE_SECONDS - 60
    os.utime(left, (old, old))
    running = folder / f".台账备份_20240101_000000_manual{dbcheck.PARTIAL}"  # another copy writing right now
    running.write_bytes(b"SQLite")
    db.close()
    db = open_db(db_path)
    assert not left.exists() and running.exists()
    db.close()

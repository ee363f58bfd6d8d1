"""Backups, restore (stale -wal included), rotation, damage detection, storage checks, and a
SIGKILL during an import."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from zhaocun_desktop import backup, backup_files, dbcheck, queries, records
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE

CASE = dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中")


def test_backup_and_restore_round_trip_with_counts(db, db_path):
    fill_demo(db)
    made = backup_files.make_backup(db.conn, db_path, "manual")
    assert made.parent == dbcheck.backup_dir(db_path) and made.name.endswith("_manual.db")
    counts = backup_files.record_counts(made)
    assert counts["调解案件"] == queries.count(db, MEDIATION_CASE) and counts["村(居)"] == 29
    (info,) = backup_files.list_backups(db_path)
    assert info.total == sum(counts.values()) and "手动备份" in info.describe()

    db.execute("DELETE FROM mediation_case")
    records.insert(db, MEDIATION_CASE, dict(CASE, parties="备份之后才录入"))
    safety = backup.restore(db.conn, db_path, made)
    assert queries.count(db, MEDIATION_CASE) == counts["调解案件"]
    assert backup_files.record_counts(safety)["调解案件"] == 1  # the state before the restore was kept
    assert dbcheck.check_database(db_path) == []


def test_restore_with_a_stale_wal_gives_the_backups_data(tmp_path):
    path = tmp_path / "台账.db"
    db = open_db(path)
    records.insert_many(db, MEDIATION_CASE, [dict(CASE, parties=f"甲{i}与乙") for i in range(125)])
    made = backup_files.make_backup(db.conn, path, "manual")
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")  # keep the later writes in the -wal file
    records.insert_many(db, MEDIATION_CASE, [dict(CASE, parties=f"丙{i}与丁") for i in range(3000)])
    assert Path(str(path) + "-wal").stat().st_size > 0
    backup.restore(db.conn, path, made)
    db.close()
    reopened = open_db(path)
    assert queries.count(reopened, MEDIATION_CASE) == 125
    reopened.close()


def test_rotation_keeps_recent_daily_and_monthly(tmp_path):
    folder = tmp_path / "备份"
    folder.mkdir()
    now = dt.datetime(2024, 6, 30, 18, 0)
    made = []
    for days_ago in range(0, 400):
        for hour in (9, 17):
            when = now - dt.timedelta(days=days_ago, hours=18 - hour)
            path = folder / f"台账备份_{when:%Y%m%d_%H%M%S}_exit.db"
            path.write_bytes(b"")
            made.append(when)
    backup_files.rotate(tmp_path / "台账.db", now=now)
    kept = sorted(b.made_at for b in backup_files.list_backups(tmp_path / "台账.db", with_counts=False))
    newest = sorted(made)[-backup_files.KEEP_RECENT:]
    assert set(newest) <= set(kept)
    recent_days = {w.date() for w in kept if (now.date() - w.date()).days < backup_files.KEEP_DAYS}
    assert len(recent_days) == backup_files.KEEP_DAYS  # one (at least) for each of the last 31 days
    months = {(w.year, w.month) for w in made}
    assert {(w.year, w.month) for w in kept} == months  # one for every month, for ever
    for month in months:  # and it is that month's newest
        newest_of_month = max(w for w in made if (w.year, w.month) == month)
        assert newest_of_month in kept
    assert len(kept) < len(made) / 5
    # a second run on the next day keeps what it kept and adds nothing odd
    backup_files.rotate(tmp_path / "台账.db", now=now + dt.timedelta(days=1))
    assert len(backup_files.list_backups(tmp_path / "台账.db", with_counts=False)) <= len(kept)


def test_damaged_file_is_detected_and_set_aside(db, db_path):
    fill_demo(db)
    made = backup_files.make_backup(db.conn, db_path, "daily")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(8192, len(data) - 4096, 4096):
        data[offset + 100 : offset + 400] = os.urandom(300)
    db_path.write_bytes(bytes(data))
    assert dbcheck.check_database(db_path)
    good = backup.newest_good_backup(db_path)
    assert good.path == made
    aside = backup.set_aside(db_path)
    backup.restore_file(good.path, db_path)
    assert aside.exists() and "损坏" in aside.name
    assert dbcheck.check_database(db_path) == []
    assert backup_files.record_counts(db_path)["村(居)"] == 29


def test_risky_changes_make_a_backup_first(db, db_path, tmp_path):
    records.insert_many(db, VILLAGE, [dict(name="赵村村")])
    ids = records.insert_many(db, MEDIATION_CASE, [CASE, CASE])
    records.delete(db, MEDIATION_CASE, ids)
    reasons = [b.reason for b in backup_files.list_backups(db_path, with_counts=False)]
    assert reasons == ["delete"]


def test_a_migration_keeps_the_old_database(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text(encoding="utf-8"))
    conn.close()
    open_db(path).close()
    (only,) = backup_files.list_backups(path)
    assert only.reason == "migration"
    assert sqlite3.connect(only.path).execute("PRAGMA user_version").fetchone()[0] == 1


def test_storage_places(tmp_path):
    assert dbcheck.storage_problem(tmp_path / "台账.db") is None
    cloud = tmp_path / "OneDrive" / "台账.db"
    assert "云同步" in dbcheck.storage_problem(cloud)


def test_cli_backup_restore_check(tmp_path, capsys):
    path = tmp_path / "台账.db"
    db = open_db(path)
    fill_demo(db)
    db.close()
    assert main(["backup", "--db", str(path), "--to", str(tmp_path / "U盘")]) == 0
    assert "已备份" in capsys.readouterr().out
    (made,) = (tmp_path / "U盘").glob("*.db")
    assert main(["restore", "--db", str(path)]) == 0
    assert main(["restore", "--db", str(path), str(made)]) == 0
    assert "已从" in capsys.readouterr().out
    assert main(["check", "--db", str(path)]) == 0
    assert "数据库完好" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["restore", "--help"])


def test_self_test_passes(capsys):
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    assert "自检通过" in out and "[失败]" not in out


CHILD = textwrap.dedent(
    """
    import sys
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.excel.importing import commit_import, preview_import
    db = open_db(sys.argv[1])
    preview = preview_import(db, sys.argv[2])
    print("PREVIEWED", flush=True)
    commit_import(db, preview, include_duplicates=True)
    print("DONE", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_during_import_leaves_all_or_nothing(tmp_path):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("调解案件")
    sheet.append(["受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "调解结果"])
    rows = 20_000
    for i in range(rows):
        sheet.append(["2023-05-04", "赵村村", "村调委会", "邻里", f"甲{i}与乙", "调解中"])
    workbook = tmp_path / "big.xlsx"
    book.save(workbook)
    outcomes = []
    for attempt in range(10):
        path = tmp_path / f"kill{attempt}.db"
        db = open_db(path)
        records.insert_many(db, VILLAGE, [dict(name="赵村村")])
        db.close()
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(workbook)], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "PREVIEWED"
        time.sleep(0.05 + 0.08 * attempt)  # during the backup, then at different points of the write
        child.send_signal(signal.SIGKILL)
        child.wait()
        db = open_db(path)
        count = queries.count(db, MEDIATION_CASE)
        batches = db.execute("SELECT count(*) FROM import_batch").fetchone()[0]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        assert (count, batches) in ((0, 0), (rows, 1)), (count, batches)
        outcomes.append(count)
    assert 0 in outcomes, "never killed mid-import: the test proves nothing"


def test_a_backup_name_with_an_impossible_date_is_not_ours(tmp_path):
    folder = tmp_path / "备份"
    folder.mkdir()
    (folder / "台账备份_20231399_120000_daily.db").write_bytes(b"")
    (folder / "台账备份_20231231_235959_daily.db").write_bytes(b"")
    found = backup_files.list_backups(tmp_path / "台账.db", with_counts=False)
    assert [(b.made_at, b.reason) for b in found] == [(dt.datetime(2023, 12, 31, 23, 59, 59), "daily")]


def _grow(db, megabytes: int) -> None:
    """Make the database about ``megabytes`` larger: cases with a long 简要案情 (real rows, indexed and searched)."""
    rows = [dict(CASE, summary=f"第{n}件：" + "双方因宅基地界址发生争执，经调解员耐心疏导达成一致。" * 40) for n in range(megabytes * 250)]
    records.insert_many(db, MEDIATION_CASE, rows)


def test_a_backup_reports_how_far_it_is_then_its_check(db, db_path, monkeypatch):
    """``progress`` hears the copy grow in hundredths, never backwards, then the check of the copy."""
    monkeypatch.setattr(backup_files, "REPORT_EVERY", 1_000)  # a look every 1,000 instructions: a small file reports often too
    records.insert(db, VILLAGE, dict(name="赵村村"))
    _grow(db, 8)
    heard = []
    made = backup_files.make_backup(db.conn, db_path, "daily", progress=lambda done, total, text: heard.append((done, total, text)))
    copying = [done for done, total, text in heard if text == "正在复制数据库"]
    assert len(copying) >= 3 and copying == sorted(copying) and all(0 <= done <= 100 for done in copying)
    assert heard[-1] == (100, 100, "正在校验备份")
    assert backup_files.record_counts(made)["调解案件"] == queries.count(db, MEDIATION_CASE)


def test_a_copy_damaged_before_its_check_is_refused_and_not_kept(db, db_path):
    """The copy's check (quick_check) reads every page: a page overwritten between the copy and the check
    (as a failing disk would) is found, no backup is kept and the clerk is told."""
    records.insert(db, VILLAGE, dict(name="赵村村"))
    _grow(db, 2)
    folder = dbcheck.backup_dir(db_path)

    def damage(done: int, total: int, text: str) -> None:
        if text == "正在校验备份":
            (partial,) = folder.glob(f".*{dbcheck.PARTIAL}")
            size = partial.stat().st_size
            with open(partial, "r+b") as file:  # a page in the middle, of the cases' table or its indexes
                file.seek(size // 2 // 4096 * 4096)
                file.write(b"\xa5" * 4096)

    with pytest.raises(backup.UserError, match="备份"):
        backup_files.make_backup(db.conn, db_path, "daily", progress=damage)
    assert list(folder.iterdir()) == [] and backup_files.list_backups(db_path) == []

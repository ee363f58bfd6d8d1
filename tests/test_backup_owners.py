"""Several databases in one data folder (the sample 示例数据.db beside 台账.db): each keeps its own
backups, rotation and newest good backup; another database's backup is not restored unasked."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from zhaocun_desktop import backup, backup_files, dbcheck, queries, records
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.registers import MEDIATION_CASE
from zhaocun_desktop.township import set_up_township, with_default_names


def township(path: Path, town: str = "中汤镇", cases: int = 40):
    """A clerk's ledger (not sample data) of ``town``, open."""
    db = open_db(path)
    set_up_township(db, with_default_names(dict(town=town, county="鲁山县")), ["中汤村", "石门村"])
    records.insert_many(db, MEDIATION_CASE, [dict(accepted="2024-03-04", village="中汤村", org="村调委会", dispute_type="邻里",
                                                  parties=f"甲{i}与乙", result="调解中") for i in range(cases)])  # fmt: skip
    return db


def sample(path: Path):
    db = open_db(path)
    fill_demo(db)
    return db


def test_each_database_gets_its_own_backup_names_and_listing(tmp_path):
    real, demo = township(tmp_path / "台账.db"), sample(tmp_path / "示例数据.db")
    mine = backup_files.make_backup(real.conn, tmp_path / "台账.db", "manual")
    theirs = backup_files.make_backup(demo.conn, tmp_path / "示例数据.db", "manual")
    real.close(), demo.close()
    assert mine.parent == theirs.parent == tmp_path / "备份"
    assert mine.name.startswith("台账备份_") and theirs.name.startswith("示例数据备份_")
    assert [b.path for b in backup_files.list_backups(tmp_path / "台账.db")] == [mine]
    assert [b.path for b in backup_files.list_backups(tmp_path / "示例数据.db")] == [theirs]
    assert [b.path for b in backup_files.other_backups(tmp_path / "台账.db")] == [theirs]
    (info,) = backup_files.list_backups(tmp_path / "台账.db")
    assert "鲁山县中汤镇" in info.describe() and "示例数据" in backup_files.list_backups(tmp_path / "示例数据.db")[0].describe()


def test_rotation_of_one_database_leaves_the_others_backups(tmp_path):
    folder = tmp_path / "备份"
    folder.mkdir()
    kept_apart = [folder / f"台账备份_2022010{day}_090000_exit.db" for day in (5, 6, 7)]  # one month: alone, all three stay (newest 10)
    for path in kept_apart:
        path.write_bytes(b"")
    now = dt.datetime(2024, 6, 30, 18, 0)
    for days_ago in range(400):
        (folder / f"示例数据备份_{now - dt.timedelta(days=days_ago):%Y%m%d_%H%M%S}_exit.db").write_bytes(b"")
    deleted = backup_files.rotate(tmp_path / "示例数据.db", now=now)
    assert deleted and all(p.name.startswith("示例数据备份_") for p in deleted)
    assert all(p.exists() for p in kept_apart)
    assert backup_files.rotate(tmp_path / "台账.db", now=now) == []
    assert all(p.exists() for p in kept_apart)


def test_the_newest_good_backup_is_never_another_databases(tmp_path):
    path = tmp_path / "台账.db"
    real = township(path)
    own = backup_files.make_backup(real.conn, path, "daily", now=dt.datetime(2024, 1, 1, 9))
    real.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    real.close()
    demo = sample(tmp_path / "示例数据.db")
    newer = backup_files.make_backup(demo.conn, tmp_path / "示例数据.db", "daily", now=dt.datetime(2024, 1, 5, 9))
    demo.close()
    # a backup of the sample made before backups carried their database's name: 台账备份_… too
    old_style = shutil.copy(newer, tmp_path / "备份" / "台账备份_20240106_090000_exit.db")
    assert backup.newest_good_backup(path).path == own  # readable: the sample and 赵村镇 are told apart by content
    assert backup.ownership_problem(path, old_style) and "示例数据" in backup.ownership_problem(path, old_style)

    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # truncated: nothing can be read from it any more
    assert dbcheck.check_database(path)
    assert backup.newest_good_backup(path).path == own  # the clerk's backup comes before sample data
    assert backup.newest_good_backup(tmp_path / "示例数据.db").path == newer


def test_a_restore_of_another_towns_backup_is_refused_unless_forced(tmp_path, capsys):
    ours, other = tmp_path / "r.db", tmp_path / "台账.db"
    db = township(ours, "中汤镇", cases=120)
    elsewhere = township(other, "赵村镇", cases=3)
    theirs = backup_files.make_backup(elsewhere.conn, other, "manual")
    elsewhere.close()
    renamed = shutil.copy(theirs, tmp_path / "别人给的.db")  # no name to go by: the town inside tells

    with pytest.raises(backup.OtherDatabaseBackup, match="台账.db.*不是“r.db”"):
        backup.restore(db.conn, ours, theirs)
    with pytest.raises(backup.OtherDatabaseBackup, match="鲁山县赵村镇的台账.*鲁山县中汤镇"):
        backup.restore(db.conn, ours, renamed)
    for source in (theirs, renamed):
        assert main(["restore", "--db", str(ours), str(source)]) == 2
        err = capsys.readouterr().err
        assert "--force" in err and "当前数据库未被改动" in err
    assert queries.count(db, MEDIATION_CASE) == 120
    assert backup_files.list_backups(ours) == []  # not even a safety backup was made

    assert main(["restore", "--db", str(ours), "--force", str(renamed)]) == 0
    assert "已从" in capsys.readouterr().out
    assert queries.count(db, MEDIATION_CASE) == 3
    db.close()


def test_a_sample_backup_is_not_restored_into_a_ledger_of_the_same_town(tmp_path):
    path = tmp_path / "台账.db"
    db = township(path, "赵村镇")
    demo = sample(tmp_path / "示例数据.db")
    made = backup_files.make_backup(demo.conn, tmp_path / "示例数据.db", "manual")
    demo.close()
    old_style = shutil.copy(made, tmp_path / "备份" / "台账备份_20240106_090000_exit.db")
    with pytest.raises(backup.OtherDatabaseBackup, match="示例数据"):
        backup.restore(db.conn, path, old_style)
    assert queries.count(db, MEDIATION_CASE) == 40
    db.close()


def test_listing_names_only_the_databases_own_backups(tmp_path, capsys):
    real, demo = township(tmp_path / "台账.db"), sample(tmp_path / "示例数据.db")
    mine = backup_files.make_backup(real.conn, tmp_path / "台账.db", "manual")
    theirs = backup_files.make_backup(demo.conn, tmp_path / "示例数据.db", "manual")
    real.close(), demo.close()
    assert main(["restore", "--db", str(tmp_path / "台账.db")]) == 0
    out = capsys.readouterr().out
    assert str(mine) in out and str(theirs) not in out and "另有 1 个其他数据库（示例数据.db）的备份" in out

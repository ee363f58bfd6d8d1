"""What the backup, restore and check verbs say about a damaged file or an impossible folder is Chinese,
not SQLite's or the operating system's English."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from test_restore_damaged import truncate, zero_a_table_page

from zhaocun_desktop import dbcheck
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.errors import explain

ENGLISH = ("malformed", "disk image", "No such file", "File exists", "Not a directory", "btree", "Errno")


@pytest.mark.parametrize("damage", [truncate, zero_a_table_page])
def test_check_describes_damage_in_chinese(db_path, damage, capsys):
    db = open_db(db_path)
    fill_demo(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    damage(db_path)
    assert main(["check", "--db", str(db_path)]) == 2
    out = capsys.readouterr().out
    assert "数据库有问题：文件内容已损坏" in out and "restore" in out
    assert not [word for word in ENGLISH if word in out], out
    assert dbcheck.check_database(db_path) == ["文件内容已损坏，程序无法读取其中的数据"]


def test_quick_check_lines_are_put_in_chinese():
    assert dbcheck.damage_text("row 5 missing from index ix_mediation_case_accepted") == "检索用的索引（ix_mediation_case_accepted）与记录不一致"
    assert dbcheck.damage_text("*** in database main ***\nPage 12: btreeInitPage() returns error code 11") == "数据库文件的第 12 页已损坏"
    assert dbcheck.damage_text("file is not a database") == "文件开头已损坏，或者它不是数据库文件"
    assert dbcheck.damage_text("Freelist: size is 3 but should be 0") == "数据库文件的内部结构已损坏"


@pytest.fixture
def ledger(db_path):
    open_db(db_path).close()
    return db_path


def test_backup_to_a_file_says_it_is_no_folder(ledger, tmp_path, capsys):
    target = tmp_path / "一个文件.txt"
    target.write_text("x", encoding="utf-8")
    assert main(["backup", "--db", str(ledger), "--to", str(target)]) == 2
    err = capsys.readouterr().err
    assert "是一个文件，不是文件夹" in err and not [word for word in ENGLISH if word in err], err
    assert main(["backup", "--db", str(ledger), "--to", str(target / "子文件夹")]) == 2
    err = capsys.readouterr().err
    assert "无法创建备份文件夹" in err and "不是文件夹" in err and not [word for word in ENGLISH if word in err], err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where no folder can be made")
def test_backup_to_a_place_where_no_folder_can_be_made(ledger, capsys):
    assert main(["backup", "--db", str(ledger), "--to", "/proc/x"]) == 2
    err = capsys.readouterr().err
    assert "无法创建备份文件夹" in err and "上一级文件夹不存在" in err and not [word for word in ENGLISH if word in err], err


@pytest.mark.parametrize(("number", "words"), [(errno.EEXIST, "已经存在"), (errno.ENOTDIR, "不是文件夹"), (errno.EISDIR, "是一个文件夹")])
def test_explain_names_more_file_errors(number, words):
    assert words in explain(OSError(number, "English words", "/x/y"))

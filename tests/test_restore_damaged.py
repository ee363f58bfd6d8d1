"""``restore`` on the command line recovers a damaged database, the case ``check`` sends the clerk to it for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from zhaocun_desktop import backup_files, dbcheck, queries
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.registers import MEDIATION_CASE


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero_a_table_page(path: Path) -> None:
    """Overwrite the root page of the mediation cases with zeros (a bad sector, a crashed copy)."""
    conn = sqlite3.connect(path)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'mediation_case'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(page - 1) * size : page * size] = bytes(size)
    path.write_bytes(bytes(data))


@pytest.fixture
def backed_up(db_path):
    """台账.db filled and backed up, closed with everything in the main file; returns (backup, cases)."""
    db = open_db(db_path)
    fill_demo(db)
    cases = queries.count(db, MEDIATION_CASE)
    made = backup_files.make_backup(db.conn, db_path, "manual")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return made, cases


@pytest.mark.parametrize("damage", [truncate, zero_a_table_page])
def test_restore_lists_and_recovers_a_damaged_database(db_path, backed_up, damage, capsys):
    made, cases = backed_up
    damage(db_path)
    damaged = db_path.read_bytes()
    assert main(["check", "--db", str(db_path)]) == 2
    capsys.readouterr()

    assert main(["restore", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert str(made) in out and "手动备份" in out

    assert main(["restore", "--db", str(db_path), str(made)]) == 0
    out = capsys.readouterr().out
    assert "已损坏" in out and "已从" in out and "改名保留" in out
    (aside,) = db_path.parent.glob("台账_损坏_*.db")
    assert aside.read_bytes() == damaged and str(aside) in out
    assert main(["check", "--db", str(db_path)]) == 0
    assert "数据库完好" in capsys.readouterr().out
    db = open_db(db_path)
    assert queries.count(db, MEDIATION_CASE) == cases
    db.close()


def test_a_damaged_database_is_not_replaced_by_a_bad_backup(db_path, backed_up, tmp_path, capsys):
    zero_a_table_page(db_path)
    before = db_path.read_bytes()
    text = tmp_path / "名单.db"
    text.write_text("姓名,电话\n", encoding="utf-8")
    assert main(["restore", "--db", str(db_path), str(text)]) == 2
    assert "当前数据库未被改动" in capsys.readouterr().err
    assert db_path.read_bytes() == before and not list(db_path.parent.glob("台账_损坏_*"))


def test_a_file_that_is_no_database_at_all_is_not_set_aside_unasked(tmp_path, backed_up, capsys):
    made, _ = backed_up
    wrong = tmp_path / "报告.docx"
    wrong.write_bytes(b"PK\x03\x04 a Word file")
    assert main(["restore", "--db", str(wrong), str(made)]) == 2
    err = capsys.readouterr().err
    assert "不是数据库文件" in err and "--force" in err and "未做任何改动" in err
    assert wrong.read_bytes() == b"PK\x03\x04 a Word file"


VERBS_ON_A_DATABASE = [
    ["stats", "--year", "2023", "--out", "s.xlsx"],
    ["summary", "--year", "2023", "--out", "s.xlsx"],
    ["export", "--register", "mediation_case", "--out", "e.xlsx"],
    ["settings", "--set", "镇名=赵村镇"],
    ["due"],
    ["log"],
    ["undo-import"],
    ["backup"],
    ["init", "--town", "赵村镇", "--county", "鲁山县"],
]


@pytest.mark.parametrize("verb", VERBS_ON_A_DATABASE, ids=lambda v: v[0])
def test_an_empty_file_is_not_made_a_new_database(tmp_path, verb, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "台账.db"
    path.write_bytes(b"")
    assert main([verb[0], "--db", str(path), *verb[1:]]) == 2
    err = capsys.readouterr().err
    assert "空文件（0 字节）" in err and "未做任何改动" in err and "restore" in err
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账.db"]  # no -wal, no 备份, no output


def test_import_and_rollup_refuse_an_empty_file_too(tmp_path, capsys):
    path = tmp_path / "台账.db"
    path.write_bytes(b"")
    assert main(["import", "--db", str(path), str(tmp_path / "村.xlsx")]) == 2
    assert main(["rollup", "--db", str(path)]) == 2
    assert capsys.readouterr().err.count("空文件（0 字节）") == 2
    assert path.read_bytes() == b""


def test_an_empty_database_file_is_restored_from_its_backup(db_path, backed_up, capsys):
    made, cases = backed_up
    db_path.write_bytes(b"")
    assert dbcheck.check_database(db_path) == [dbcheck.EMPTY_FILE]
    assert main(["restore", "--db", str(db_path), str(made)]) == 0
    assert "空文件" in capsys.readouterr().out
    (aside,) = db_path.parent.glob("台账_损坏_*.db")
    assert aside.read_bytes() == b""
    db = open_db(db_path)
    assert queries.count(db, MEDIATION_CASE) == cases
    db.close()


def test_a_record_pointing_nowhere_is_no_damage_the_restore_makes_its_safety_backup(db_path, backed_up, capsys):
    """check reports a party whose case is gone (foreign_key_check), but the file is sound: restore
    goes the usual way, with a safety backup of what was there, and sets nothing aside."""
    made, cases = backed_up
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE mediation_party SET case_id = 999999 WHERE id = (SELECT min(id) FROM mediation_party)")
    conn.commit()
    conn.close()
    assert main(["check", "--db", str(db_path)]) == 1 and "关联不一致" in capsys.readouterr().out
    assert main(["restore", "--db", str(db_path), str(made)]) == 0
    out = capsys.readouterr().out
    assert "恢复前的数据已另存为" in out and "改名保留" not in out
    assert not list(db_path.parent.glob("台账_损坏_*.db"))
    assert main(["check", "--db", str(db_path)]) == 0

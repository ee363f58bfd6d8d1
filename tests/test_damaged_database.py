"""A damaged database (40 random 16-byte blocks overwritten, as a failing disk or a copy cut short leaves
it) is named as damaged by ``check`` and by every verb, with the way back (``restore``): exit 2, never the
'unexpected error' of exit 3 (SQLite's message quoting bytes of a damaged schema page could not be
decoded: UnicodeDecodeError)."""

from __future__ import annotations

import random
import shutil

import pytest

from zhaocun_desktop import dbcheck
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.dbcheck import damaged_message
from zhaocun_desktop.demo import fill_demo

SEEDS = (0, 1, 2, 3, 4, 5)


def damage(path, seed: int) -> None:
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for _ in range(40):
        offset = rng.randrange(0, len(data) - 16)
        data[offset : offset + 16] = rng.randbytes(16)
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def sound(tmp_path_factory):
    """A sample database, closed with everything in the main file."""
    path = tmp_path_factory.mktemp("sound") / "台账.db"
    db = open_db(path)
    fill_demo(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def verbs(db, out) -> list[list[str]]:
    """Every verb that works on an existing township database."""
    return [
        ["due", "--db", db], ["log", "--db", db], ["backup", "--db", db], ["settings", "--db", db],
        ["export", "--db", db, "--register", "petition", "--out", f"{out}/x.xlsx"],
        ["report", "--db", db, "--year", "2023", "--out", f"{out}/r.docx"],
        ["summary", "--db", db, "--year", "2023", "--out", f"{out}/s.xlsx"],
        ["stats", "--db", db, "--year", "2023", "--out", f"{out}/t.xlsx"],
        ["package", "--db", db, "--year", "2023", "--out", f"{out}/p.zip"],
        ["template", "--db", db, "--register", "petition", "--out", f"{out}/m.xlsx"],
        ["import", "--db", db, f"{out}/m.xlsx"], ["undo-import", "--db", db],
        ["document", "--db", db, "--case", "1", "--kind", "受理登记表", "--out", f"{out}/d.docx"],
        ["init", "--db", db, "--town", "赵村镇", "--county", "鲁山县"],
    ]  # fmt: skip


@pytest.mark.parametrize("seed", SEEDS)
def test_every_verb_names_a_damaged_database_and_the_way_back(sound, tmp_path, seed, capsys):
    path = tmp_path / "台账.db"
    shutil.copy(sound, path)
    damage(path, seed)
    before = path.read_bytes()
    problems = dbcheck.check_database(path, foreign_keys=False)
    assert problems  # each of these seeds breaks the file's structure, as most do

    assert main(["check", "--db", str(path)]) == 2  # damage: exit 2 with the advice to restore, as from every verb (link problems alone: exit 1)
    out = capsys.readouterr().out
    assert f"数据库有问题：{problems[0]}" in out and damaged_message(path, problems) in out  # the advice every verb gives
    for argv in verbs(str(path), tmp_path):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "已损坏" in err and f"restore --db “{path}”" in err and "程序没有对它做任何操作" in err, (argv, err)
    assert path.read_bytes() == before  # no verb wrote into it
    assert not (tmp_path / "备份").exists()  # nor backed the damage up


def test_a_damaged_record_text_read_by_a_verb_is_named_too(tmp_path, capsys):
    """Damage quick_check cannot see (a record's text no longer UTF-8): the verb that reads it says so."""
    path = tmp_path / "台账.db"
    db = open_db(path)
    fill_demo(db)
    db.conn.execute("UPDATE petition SET matter = CAST(X'E4B8' AS TEXT) WHERE id = (SELECT min(id) FROM petition)")  # half a character
    db.conn.commit()
    db.close()
    assert dbcheck.check_database(path, foreign_keys=False) == []
    assert main(["export", "--db", str(path), "--register", "petition", "--out", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "有记录的文字已损坏" in err and "restore" in err

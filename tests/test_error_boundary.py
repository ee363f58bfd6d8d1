"""No traceback reaches the clerk: a full disk, a read-only folder, a busy database, an over-long
name and a forged archive each give a Chinese message through the CLI's one error boundary."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from zhaocun_desktop import db as db_module, queries, records, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.errors import error_log_path, explain
from zhaocun_desktop.excel.writing import write_template
from zhaocun_desktop.registers import JOINT_MEETING, MEDIATION_CASE


def _run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.err


def test_explain_names_each_failure_of_the_surroundings():
    assert "磁盘空间已满" in explain(OSError(errno.ENOSPC, "No space left on device", "x.xlsx"))
    assert "磁盘空间已满" in explain(sqlite3.OperationalError("database or disk is full"))
    assert "另一个程序正在写入" in explain(sqlite3.OperationalError("database is locked"))
    assert "只读" in explain(sqlite3.OperationalError("attempt to write a readonly database"))
    assert "只读" in explain(OSError(errno.EROFS, "Read-only file system", "a.db"))
    assert "太长" in explain(OSError(errno.ENAMETOOLONG, "File name too long"))
    assert "不是真正的 Excel" in explain(zipfile.BadZipFile("Bad CRC-32"))
    assert "损坏" not in explain(sqlite3.OperationalError("attempt to write a readonly database"))
    assert explain(RuntimeError("a bug")) is None and explain(KeyError("x")) is None


@pytest.fixture
def mount_point(tmp_path, request):
    """A real tmpfs (256 KB unless the test is marked otherwise; root only, skipped elsewhere)."""
    marker = request.node.get_closest_marker("disk_size")
    size = marker.args[0] if marker else "256k"
    point = tmp_path / "小磁盘"
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.fixture
def demo_path(tmp_path):
    path = tmp_path / "台账.db"
    database = db_module.open_db(path)
    fill_demo(database)
    database.close()
    return path


def test_export_to_a_full_disk(demo_path, mount_point, capsys):
    filler = mount_point / "占满.bin"
    with pytest.raises(OSError):
        filler.write_bytes(b"\0" * 1024 * 1024)
    code, err = _run(capsys, "export", "--db", demo_path, "--register", "mediation_case", "--full", "--out", mount_point / "导出.xlsx")
    assert code == 2 and "磁盘空间已满" in err
    assert sorted(p.name for p in mount_point.iterdir()) == ["占满.bin"]  # no half-written file left


@pytest.mark.parametrize("verb", ["report", "summary", "template"])
def test_documents_to_a_full_disk(demo_path, mount_point, capsys, verb):
    with pytest.raises(OSError):
        (mount_point / "占满.bin").write_bytes(b"\0" * 1024 * 1024)
    out = mount_point / ("报告.docx" if verb == "report" else "表.xlsx")
    extra = ["--register", "mediation_case"] if verb == "template" else ["--year", "2023"]
    code, err = _run(capsys, verb, "--db", demo_path, *extra, "--out", out)
    assert code == 2 and "磁盘空间已满" in err and "Exception ignored" not in err, err
    assert sorted(p.name for p in mount_point.iterdir()) == ["占满.bin"]


def test_database_on_a_full_disk(mount_point, capsys):
    path = mount_point / "台账.db"
    code, err = _run(capsys, "demo", "--db", path)
    assert code == 2 and "磁盘空间已满" in err, err
    if path.exists():  # whatever was committed before the disk filled is intact
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


@pytest.mark.disk_size("8m")
def test_read_only_folder_gets_its_own_message(demo_path, mount_point, capsys):
    target = mount_point / "台账.db"
    target.write_bytes(demo_path.read_bytes())
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    code, err = _run(capsys, "export", "--db", target, "--register", "mediation_case", "--out", demo_path.parent / "e.xlsx")
    assert code == 2 and "只读" in err and "损坏" not in err, err
    code, err = _run(capsys, "export", "--db", demo_path, "--register", "mediation_case", "--out", mount_point / "e.xlsx")
    assert code == 2 and "只读" in err and "损坏" not in err, err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only files anyway")
def test_read_only_file_gets_its_own_message(demo_path, capsys):
    demo_path.chmod(0o444)
    code, err = _run(capsys, "export", "--db", demo_path, "--register", "mediation_case", "--out", demo_path.parent / "e.xlsx")
    assert code == 2 and "只读" in err and "损坏" not in err


def test_a_busy_database_waits_then_says_another_program_is_writing(db_path, tmp_path, capsys, monkeypatch):
    database = db_module.open_db(db_path)
    template = write_template(database, JOINT_MEETING, tmp_path / "例会.xlsx")
    database.close()
    book = openpyxl.load_workbook(template)
    book[JOINT_MEETING.title]["A2"] = "2023-03-08"
    book[JOINT_MEETING.title]["C2"] = "矛盾纠纷排查"
    book.save(template)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting (key, value) VALUES ('other', 'program')")
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 300)
    try:
        code, err = _run(capsys, "import", "--db", db_path, template)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 2 and "正在等待它完成" in err and "另一个程序正在写入" in err, err
    database = db_module.open_db(db_path)
    assert queries.count(database, JOINT_MEETING) == 0
    database.close()
    code, _ = _run(capsys, "import", "--db", db_path, template)  # once the other program is done, it works
    assert code == 0


def test_an_over_long_file_name(db_path, capsys):
    db_module.open_db(db_path).close()
    code, err = _run(capsys, "export", "--db", db_path, "--register", "mediation_case", "--out", db_path.parent / ("很长的名字" * 60 + ".xlsx"))
    assert code == 2 and "太长" in err


def _forge(source: Path, target: Path, member: str) -> Path:
    """``source`` with the compressed data of ``member`` damaged (its zip headers left intact)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size, 40)):
        data[offset] ^= 0x5A
    target.write_bytes(bytes(data))
    return target


def test_forged_archives_are_refused_with_a_message(db_path, tmp_path, capsys):
    database = db_module.open_db(db_path)
    template = write_template(database, MEDIATION_CASE, tmp_path / "模板.xlsx")
    database.close()
    with zipfile.ZipFile(template) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
    forged = [_forge(template, tmp_path / f"坏{index}.xlsx", member) for index, member in enumerate(sheets + ["xl/workbook.xml", "[Content_Types].xml"])]
    travel = tmp_path / "路径穿越.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(travel, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("../../evil.txt", "x")
    truncated = tmp_path / "截断.xlsx"
    truncated.write_bytes(template.read_bytes()[: template.stat().st_size // 2])
    for path in [*forged, truncated]:
        code, err = _run(capsys, "import", "--db", db_path, "--check", path)
        assert code == 2 and "错误：" in err and ("损坏" in err or "不完整" in err), (path.name, err)
    code, err = _run(capsys, "import", "--db", db_path, "--check", travel)
    assert code in (0, 1, 2), err  # a member named ../../ is never written anywhere
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_bug_is_logged_and_told_briefly(db_path, capsys, monkeypatch):
    db_module.open_db(db_path).close()

    def broken(*args, **kwargs):
        raise RuntimeError("内部错误的细节")

    monkeypatch.setattr(township_settings, "settings", broken)
    code, err = _run(capsys, "summary", "--db", db_path, "--out", db_path.parent / "s.xlsx")
    assert code == 3 and "意外错误" in err and "内部错误的细节" not in err
    assert str(error_log_path()) in err
    assert "内部错误的细节" in error_log_path().read_text(encoding="utf-8")


def test_a_full_database_without_root(db, tmp_path):
    """SQLite's own "database or disk is full" (max_page_count caps the file): the import-sized write
    is undone as a whole and explained; what was there stays."""
    from zhaocun_desktop.errors import UserError
    from zhaocun_desktop.excel.writing import write_export
    from zhaocun_desktop.files import save_file

    records.insert(db, JOINT_MEETING, dict(meet_date="2023-01-05", topic="第一次"))
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    rows = [dict(meet_date="2023-02-01", topic="长" * 200, note="注" * 1500) for _ in range(200)]
    with pytest.raises(sqlite3.OperationalError) as raised:
        records.insert_many(db, JOINT_MEETING, rows)
    assert "磁盘空间已满" in explain(raised.value)
    assert queries.count(db, JOINT_MEETING) == 1
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def full_disk(target):
        target.write_bytes(b"PK")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserError, match="磁盘空间已满"):
        save_file(full_disk, tmp_path / "导出.xlsx")
    assert list(tmp_path.glob("*导出*")) == []  # neither the target nor the half-written temporary
    write_export(db, JOINT_MEETING, tmp_path / "e.xlsx")  # a read still works on the capped database

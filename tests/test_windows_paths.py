"""The Windows-only paths, run on Linux by simulation: the drive type (GetDriveTypeW), the data folder
(%LOCALAPPDATA%), a file another program holds open, paths with spaces and Chinese names, a user
name in Chinese. The platform and the system's answers are monkeypatched; files are real."""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path, PureWindowsPath

import pytest

from zhaocun_desktop import dbcheck, paths
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.files import save_file

DRIVE_REMOVABLE, DRIVE_FIXED, DRIVE_REMOTE = 2, 3, 4


class _Kernel32:
    def __init__(self, kind: int):
        self.kind, self.asked = kind, []

    def GetDriveTypeW(self, root):  # noqa: N802 (the Windows name)
        self.asked.append(root.value)
        return self.kind


@pytest.mark.parametrize("kind, where, expected", [
    (DRIVE_REMOVABLE, r"E:\司法所 台账\台账.db", "可移动磁盘（E:\\）"),
    (DRIVE_REMOTE, r"Z:\共享\台账.db", "网络位置（Z:\\）"),
    (DRIVE_FIXED, r"\\服务器\共享\台账.db", "网络位置"),
    (DRIVE_FIXED, r"D:\张三的文件\司法所 台账\台账.db", None),
])  # fmt: skip
def test_the_drive_type_decides_whether_a_database_may_live_there(monkeypatch, kind, where, expected):
    kernel = _Kernel32(kind)
    monkeypatch.setattr(ctypes, "windll", type("windll", (), {"kernel32": kernel})(), raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    routed = []
    monkeypatch.setattr(dbcheck, "_windows_drive_problem", lambda path, real=dbcheck._windows_drive_problem: routed.append(path) or real(PureWindowsPath(where)))
    problem = dbcheck.storage_problem(Path("台账.db"))  # on Windows the check asks the drive's type
    assert routed and ((problem is None) if expected is None else expected in problem), problem
    assert kernel.asked == [f"{PureWindowsPath(where).drive}\\"]


def test_the_data_folder_is_under_localappdata_even_for_a_chinese_user_name(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHAOCUN_DATA_DIR", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    local = tmp_path / "Users" / "张 三" / "AppData" / "Local"
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    assert paths.data_dir() == local / paths.APP_DIR_NAME
    monkeypatch.delenv("LOCALAPPDATA")
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "Users" / "李四")
    assert paths.data_dir() == tmp_path / "Users" / "李四" / "AppData" / "Local" / paths.APP_DIR_NAME


def test_a_database_in_a_folder_with_spaces_and_chinese_names_works_end_to_end(monkeypatch, tmp_path):
    """The whole life of a database (create, demo, backup, export) in 张 三's folder with spaces."""
    from zhaocun_desktop.backup_files import make_backup
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import fill_demo
    from zhaocun_desktop.excel.writing import write_export
    from zhaocun_desktop.registers import MEDIATION_CASE

    folder = tmp_path / "Users" / "张 三" / "AppData" / "Local" / "司法所 台账"
    monkeypatch.setenv("ZHAOCUN_DATA_DIR", str(folder))
    folder.mkdir(parents=True)
    db_path = paths.default_db_path()
    db = open_db(db_path)
    fill_demo(db)
    made = make_backup(db.conn, db_path)
    assert made.exists() and str(made).startswith(str(folder))
    out = folder / "导出 文件" / "调解 案件.xlsx"
    out.parent.mkdir()
    assert write_export(db, MEDIATION_CASE, out) > 0 and out.stat().st_size > 0
    db.close()
    assert db_path.exists() and " " in str(db_path) and "张" in str(db_path)


def test_replacing_a_file_another_program_holds_open_says_so_and_keeps_both_files(monkeypatch, tmp_path):
    """Windows refuses to replace a file Excel or WPS has open (PermissionError, WinError 32)."""
    target = tmp_path / "导出 文件" / "调解案件.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"the old export, open in WPS")
    real_replace = os.replace

    def held_open(source, destination):
        if Path(destination) == target:
            error = PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(destination))
            error.winerror = 32
            raise error
        return real_replace(source, destination)

    monkeypatch.setattr(os, "replace", held_open)
    with pytest.raises(UserError, match="正在 Excel 或 WPS 中打开"):
        save_file(lambda temporary: temporary.write_bytes(b"the new export"), target)
    assert target.read_bytes() == b"the old export, open in WPS"
    assert [p.name for p in target.parent.iterdir()] == ["调解案件.xlsx"]  # no half-written file left beside it

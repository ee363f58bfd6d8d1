"""Writing output files safely: to a temporary file beside the target, then one rename.

A crash never leaves half a file, and a target held open by Excel, WPS or Word (locked on
Windows) gives a Chinese message instead of a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from zhaocun_desktop.errors import UserError, explain

_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` is an existing file that starts with the SQLite header."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def database_target_problem(path: Path) -> str | None:
    """Why no document may be written to ``path``: it is a database (the open one or a backup) or
    one of its -wal/-shm/-journal files. None when it is safe to write."""
    name = path.name
    if path.is_dir():
        return f"“{path}”是一个文件夹，请在文件夹中输入文件名。"
    if is_sqlite_file(path):
        return (f"“{name}”是数据库文件（台账数据库或它的备份），不能用导出的文件覆盖它，否则台账数据会丢失。"
                "请换一个文件名，例如以 .xlsx 或 .docx 结尾。")  # fmt: skip
    for suffix in _SIDE_FILES:
        if name.endswith(suffix) and is_sqlite_file(path.with_name(name[: -len(suffix)])):
            return f"“{name}”是数据库“{name[: -len(suffix)]}”的工作文件，覆盖它会损坏数据库。请换一个文件名。"
    return None


def check_output_path(path: str | Path) -> Path:
    """``path`` as a Path; UserError when writing there would destroy a database or a backup."""
    path = Path(path)
    problem = database_target_problem(path)
    if problem:
        raise UserError(problem)
    return path


def save_file(write: Callable[[Path], None], path: str | Path, opened_in: str = "Excel 或 WPS") -> Path:
    """Call ``write(temporary_path)``, then move the result to ``path``."""
    path = check_output_path(path)
    temporary = path.with_name(f".{path.stem}.部分写入{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    except PermissionError:
        raise UserError(f"无法保存“{path.name}”：文件可能正在 {opened_in} 中打开。请先关闭该文件，或换一个文件名。") from None
    except OSError as error:
        error.filename = str(path)  # the clerk's name for it, not the temporary file's
        raise UserError(explain(error) or f"无法保存“{path}”：{error.strerror or error}。请检查文件夹是否存在、磁盘是否已满。") from None
    finally:
        if temporary.exists():
            temporary.unlink()
    return path

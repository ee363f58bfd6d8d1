"""The two kinds of failure: what the clerk must fix, and bugs; and how each front end tells them apart."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Something the clerk can act on; ``str(error)`` is a complete Chinese message."""


class InvalidRecord(UserError):
    """A record failed validation; ``errors`` maps field key to a Chinese message."""

    def __init__(self, errors: dict[str, str], labels: dict[str, str] | None = None):
        self.errors = dict(errors)
        labels = labels or {}
        lines = [f"{labels.get(key, key)}：{message}" for key, message in self.errors.items()]
        super().__init__("记录有误，未保存：\n" + "\n".join(lines))


class DatabaseTooNew(UserError):
    """The database was written by a newer version of the program."""


class DatabaseInUse(UserError):
    """Another copy of the program has the database open."""



# What a write to a county database's records says (county_scope.guard_connection raises it inside SQLite).
COUNTY_READ_ONLY = (
    "县级汇总数据库中的记录来自乡镇上报的数据包，不能在这里录入、导入、修改或删除。"
    "请让乡镇在自己的台账中改正后重新导出数据包，再导入县级汇总数据库。"
)


def _sqlite_message(text: str) -> str | None:
    if COUNTY_READ_ONLY in text or "upsert a view" in text.lower():  # only a county's township views are views
        return COUNTY_READ_ONLY
    text = text.lower()
    if "disk is full" in text:
        return "磁盘空间已满，刚才的操作没有保存（数据库仍是操作前的状态）。请清理磁盘（如删除不用的文件、清空回收站）后再试。"
    if "locked" in text or "busy" in text:
        return ("另一个程序正在写入这个数据库（可能是另一个打开的本程序、命令行或杀毒/同步软件），"
                "等待几秒后仍未结束，刚才的操作没有保存。请关闭那个程序后再试。")  # fmt: skip
    if "readonly" in text or "read-only" in text:
        return "数据库文件或所在文件夹是只读的，无法保存修改。请取消只读属性，或把数据库放到可写的文件夹（如“文档”）。"
    if "unable to open" in text:
        return "无法打开数据库文件：文件夹不存在、没有权限，或文件名太长。请检查路径。"
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return "数据库文件已损坏。请不要删除它，用“从备份恢复”恢复最近的备份（恢复前会自动保留当前文件）。"
    return None


def explain(error: BaseException) -> str | None:
    """A Chinese message for a failure of the surroundings (disk, permissions, another program,
    a forged file), or None when ``error`` is a bug."""
    import errno
    import sqlite3
    import zipfile
    import zlib

    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, sqlite3.Error):
        return _sqlite_message(str(error))
    if isinstance(error, (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError)):
        return "文件已损坏，或不是真正的 Excel 文件（压缩内容有误）。请让对方重新保存为 .xlsx 后再发送。"
    if isinstance(error, OSError):
        name = f"“{error.filename}”" if error.filename else "文件"
        if error.errno == errno.ENOSPC:
            return f"磁盘空间已满，无法写入{name}，刚才的操作没有完成。请清理磁盘或换一个磁盘（U盘）后再试。"
        if error.errno == errno.EROFS:
            return f"{name}所在的磁盘是只读的（如光盘、写保护的U盘），无法写入。请换一个可写的位置。"
        if error.errno in (errno.EACCES, errno.EPERM):
            return f"没有权限写入{name}：文件或文件夹是只读的，或文件正在其他程序（如 Excel、WPS）中打开。请关闭它或换一个位置。"
        if error.errno == errno.ENAMETOOLONG:
            return f"文件名或路径太长，无法保存{name}。请换一个短一些的文件名或文件夹。"
        if error.errno == errno.ENOENT:
            return f"找不到{name}：文件或文件夹不存在。请检查路径。"
        if error.errno == errno.EEXIST:
            return f"{name}已经存在（是一个同名的文件或文件夹），无法新建。请换一个名称或位置。"
        if error.errno == errno.ENOTDIR:
            return f"路径{name}中有一部分是文件而不是文件夹。请检查路径。"
        if error.errno == errno.EISDIR:
            return f"{name}是一个文件夹，不是文件。请在文件夹中选择或输入文件名。"
    return None


def error_log_path() -> Path:
    """The error log in the data folder (both front ends write to it)."""
    from zhaocun_desktop.paths import data_dir

    return data_dir() / "logs" / "错误日志.txt"


def log_error(error: BaseException) -> Path | None:
    """Append ``error`` with its traceback to the error log; returns the log's path (None if it cannot be written)."""
    import datetime as dt
    import traceback

    path = error_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            handle.write("".join(traceback.format_exception(type(error), error, error.__traceback__)) + "\n")
    except OSError:  # the disk may be the problem: the message still reaches the clerk
        return None
    return path


def unexpected_message(log: Path | None) -> str:
    """What the clerk reads about a bug: short, and where the details are."""
    where = f"详细情况已记录在：\n{log}\n\n请把这个文件发给技术支持人员。" if log else "详细情况无法写入日志（磁盘可能已满）。"
    return f"程序遇到意外错误，刚才的操作可能没有完成，已保存的数据不受影响。\n\n{where}"

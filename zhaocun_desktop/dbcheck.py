"""The start-up checks of a database file: where it lives (network drive, removable disk, cloud-sync folder),
whether SQLite finds it damaged (quick_check), records pointing nowhere (foreign_key_check), and backups a
crash left half-written beside it (removed when ``db.open_db`` opens it).

Apart from ``backup`` so that the window's start, which runs them in a worker thread
while it builds the window, does not wait for the backup module (its dataclasses and patterns, ~3 ms).
"""

from __future__ import annotations

import re
import sqlite3
import sys
import time
from pathlib import Path

from zhaocun_desktop.registers import REGISTERS

EMPTY_FILE = "空文件（0 字节），可能是复制或保存时中断了"  # a database file with nothing in it
PARTIAL = ".部分写入"  # suffix of a backup being written; renamed into place once verified
PARTIAL_AGE_SECONDS = 600  # older than this, nobody is writing it any more (a running backup keeps it fresh)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; an encrypted file (a database with a program password, its backups) through
    the key that opened its database in this process (``crypto.known_key``); without it, DatabaseError."""
    from zhaocun_desktop import crypto

    if crypto.is_encrypted(path):
        key = crypto.known_key(path)
        if key is None:
            raise crypto.EncryptedFile("file is encrypted or is not a database")
        try:
            return crypto.connect(path, key, readonly=True)
        except crypto.WrongPassword:  # its database's key does not open it: its first page is damaged
            raise crypto.EncryptedFile("file is not a database (its first page does not decrypt)") from None
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def damage_text(text: str) -> str:
    """SQLite's English words about a damaged file (an error, a quick_check line) in Chinese."""
    lowered = text.lower()
    if "malformed" in lowered or "corrupt" in lowered:
        return "文件内容已损坏，程序无法读取其中的数据"
    if "not a database" in lowered or "encrypted" in lowered:
        return "文件开头已损坏，或者它不是数据库文件"
    index = re.search(r"index (\w+)", text)
    if index and any(words in lowered for words in ("missing from index", "wrong # of entries", "non-unique entry")):
        return f"检索用的索引（{index.group(1)}）与记录不一致"
    page = re.search(r"page (\d+)", lowered)
    if page:
        return f"数据库文件的第 {page.group(1)} 页已损坏"
    return "数据库文件的内部结构已损坏"


def _table_title(table: str) -> str:
    """The Chinese title of a register's table (its key when it is none of ours)."""
    for register in REGISTERS:
        for described in (register, *register.children):
            if described.key == table:
                return described.title
    return table


def check_database(path: Path, foreign_keys: bool = True) -> list[str]:
    """Problems found by quick_check and foreign_key_check (empty when the file is sound).
    ``foreign_keys=False``: damage only (a file that cannot be opened or backed up as it is)."""
    if Path(path).is_file() and Path(path).stat().st_size == 0:  # SQLite would take it for a new, empty database
        return [EMPTY_FILE]
    problems = []
    try:
        conn = _connect_readonly(path)
        try:
            found = [damage_text(row[0]) for row in conn.execute("PRAGMA quick_check") if row[0] != "ok"]
            problems += list(dict.fromkeys(found))  # the same words for many pages once
            if foreign_keys:
                problems += _links(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        problems.append(damage_text(str(error)))
    except UnicodeDecodeError:  # SQLite's own message quotes bytes of a damaged schema page
        problems.append("数据库结构（表定义）已损坏")
    return problems


# SQLite's errors that say the file cannot be opened or read here, not that it is damaged: a WAL file in a
# read-only folder (no -shm can be made), another program's lock, a disk that fails or is full
_SURROUNDINGS = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_NOMEM")


def damage_found(path: Path) -> list[str]:
    """The damage ``check_database`` finds, for a verb about to open the file: a file SQLite cannot open or read
    here is no damage (the opening names that: a read-only folder, a lock), so nothing is found then."""
    try:
        conn = _connect_readonly(path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()
    except sqlite3.DatabaseError as error:
        if any(getattr(error, "sqlite_errorname", "").startswith(name) for name in _SURROUNDINGS):
            return []
    except UnicodeDecodeError:
        pass  # SQLite's message quotes bytes of a damaged schema page: check_database names it
    return check_database(path, foreign_keys=False)


def damaged_message(path: Path, problems: list[str]) -> str:
    """What a verb says about a damaged database it did not touch, with the way back (``restore``)."""
    return (f"数据库“{path}”已损坏（{problems[0]}），程序没有对它做任何操作。请用 restore --db “{path}” 列出它的备份，"
            f"再用 restore --db “{path}” 备份文件 恢复最近的完好备份（损坏的文件会改名保留，不会删除）。")  # fmt: skip


def _links(conn: sqlite3.Connection) -> list[str]:
    return [f"记录之间的关联不一致：{_table_title(row[0])} 第{row[1]}条" for row in conn.execute("PRAGMA foreign_key_check")]


def link_problems(path: Path) -> list[str]:
    """Records that point at a record no longer there (foreign_key_check) in a sound file: no damage,
    the file opens and backs up as it is, but the clerk should have them looked at."""
    conn = _connect_readonly(path)
    try:
        return _links(conn)
    finally:
        conn.close()


CLOUD_FOLDERS = ("onedrive", "dropbox", "google drive", "googledrive", "icloud", "坚果云", "nutstore", "baidunetdisk", "百度网盘", "wps云盘", "wpsdrive", "seafile")


def storage_problem(path: Path) -> str | None:
    """Why the database should not live at ``path`` (network drive, removable disk, cloud-sync folder)."""
    path = Path(path).resolve()
    lowered = str(path).lower()
    for name in CLOUD_FOLDERS:
        if name in lowered:
            return (f"数据库位于云同步文件夹（{path.parent}）中。同步软件可能在程序写入时复制或覆盖文件，导致数据丢失。"
                    "请把数据库放在本机硬盘上（默认位置即可），用“备份到…”把备份存到U盘或云盘。")  # fmt: skip
    if sys.platform == "win32":
        return _windows_drive_problem(path)
    return _linux_mount_problem(path)


def _windows_drive_problem(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    root = f"{path.drive}\\"
    kind = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))
    if str(path).startswith("\\\\") or kind == 4:  # DRIVE_REMOTE
        return f"数据库位于网络位置（{root}）。网络中断时写入会损坏数据库。请把数据库放在本机硬盘上。"
    if kind == 2:  # DRIVE_REMOVABLE
        return f"数据库位于U盘等可移动磁盘（{root}）。拔出时正在写入会损坏数据库。请放在本机硬盘上，U盘只用于备份。"
    return None


def _linux_mount_problem(path: Path) -> str | None:
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return None
    best = None
    for fields in mounts:
        if len(fields) >= 3 and (str(path) + "/").startswith(fields[1].rstrip("/") + "/"):
            if best is None or len(fields[1]) > len(best[1]):
                best = fields
    if best is None:
        return None
    device, mount, fs_type = best[0], best[1], best[2]
    if fs_type in ("nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "davfs", "fuse.rclone"):
        return f"数据库位于网络位置（{mount}，{fs_type}）。网络中断时写入会损坏数据库。请把数据库放在本机硬盘上。"
    name = Path(device).name
    base = re.sub(r"\d+$", "", name) if not name.startswith("nvme") else re.sub(r"p\d+$", "", name)
    removable = Path(f"/sys/block/{base}/removable")
    try:
        if removable.is_file() and removable.read_text().strip() == "1":
            return f"数据库位于U盘等可移动磁盘（{mount}）。拔出时正在写入会损坏数据库。请放在本机硬盘上，U盘只用于备份。"
    except OSError:
        pass
    return None


def backup_dir(db_path: Path) -> Path:
    """Backups live beside the database, in 备份/ (the data folder, not the program folder)."""
    return Path(db_path).resolve().parent / "备份"


def remove_partial_backups(folder: Path, now: float | None = None) -> list[Path]:
    """Delete backups left half-written by a crash or a full disk; returns what was deleted."""
    now = time.time() if now is None else now
    removed = []
    if not Path(folder).is_dir():
        return removed
    for path in Path(folder).glob(f".*{PARTIAL}"):
        try:
            if now - path.stat().st_mtime > PARTIAL_AGE_SECONDS:
                path.unlink()
                removed.append(path)
        except OSError:  # gone already, or not ours to delete: the next start tries again
            continue
    return removed

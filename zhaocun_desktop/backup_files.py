"""Backup files of a database: their names, making one (``VACUUM INTO``, checked), listing and rotation.

Below ``db`` (a migration backs the file up first) and ``records`` (a bulk delete or a village merge does
too); restoring a backup, which brings it up to date with ``db.migrate``, is ``backup.py``'s, above ``db``.
Callers import these names from here (``backup_files.make_backup``); ``backup`` holds restore and recovery.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from zhaocun_desktop.dbcheck import (
    PARTIAL,
    _connect_readonly,
    backup_dir,
    damage_text,
)
from zhaocun_desktop.errors import UserError, explain
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.registers import REGISTERS

KEEP_RECENT = 10
KEEP_DAYS = 31
NAME = re.compile(r"^(.+)备份_(\d{8})_(\d{6})(?:_(\d+))?_(.+)\.db$")  # database's file stem, date, time, counter, reason
SAMPLE_NOTE = "示例数据"  # demo.fill_demo's note on every record it writes (the first entry of a sample's audit log)
REASONS = {
    "manual": "手动备份",
    "daily": "每日自动备份",
    "exit": "退出时备份",
    "import": "导入前备份",
    "restore": "恢复前备份",
    "migration": "升级前备份",
    "delete": "批量删除前备份",
    "merge": "村(居)撤并前备份",
    "password": "设置或取消密码前备份",
}


def backup_stem(db_path: Path) -> str:
    """How the names of ``db_path``'s backups begin: 台账.db → 台账备份."""
    return f"{Path(db_path).stem}备份"


@dataclass(frozen=True)
class Identity:
    """Whose records a database file holds, as far as its content says."""

    town: str  # county and town from the settings (鲁山县赵村镇), "" when not set up
    sample: bool  # written by the sample generator (demo.py), not a clerk

    def describe(self) -> str:
        return "示例数据" if self.sample else (self.town or "")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: dt.datetime
    reason: str
    counts: dict[str, int] | None = None  # records per register title (None when unreadable)
    database: str = "台账"  # the stem of the database file the backup was made of (from its name)
    identity: Identity | None = None  # read with the counts

    @property
    def total(self) -> int:
        return sum(self.counts.values()) if self.counts else 0

    def describe(self) -> str:
        state = f"{self.total} 条记录" if self.counts is not None else ("已加密（恢复时需要备份时的程序密码）" if _encrypted(self.path) else "无法读取")
        whose = f"  {self.identity.describe()}" if self.identity and self.identity.describe() else ""
        return f"{self.made_at:%Y-%m-%d %H:%M:%S}  {REASONS.get(self.reason, self.reason)}{whose}  {state}"


def _encrypted(path: Path) -> bool:
    from zhaocun_desktop import crypto

    return crypto.is_encrypted(path)


def record_counts(path: Path) -> dict[str, int] | None:
    """Records per register in a database file, or None when it cannot be read."""
    return _summary(Path(path))[0]


def identity(path: Path) -> Identity | None:
    """The town and sample mark stored in a database file; None when it cannot be read."""
    try:
        conn = _connect_readonly(Path(path))
        try:
            return _identity(conn)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # SQLite quotes bytes of a damaged schema page
        return None


def file_identity(db_path: Path) -> Identity | None:
    """``identity`` of the database at ``db_path``; None when it is missing, empty or unreadable."""
    path = Path(db_path)
    return identity(path) if path.is_file() and path.stat().st_size else None


def _identity(conn: sqlite3.Connection) -> Identity:
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    settings = dict(conn.execute("SELECT key, value FROM setting WHERE key IN ('county', 'town')").fetchall()) if "setting" in names else {}
    first = conn.execute("SELECT note FROM audit_log ORDER BY id LIMIT 1").fetchone() if "audit_log" in names else None
    town = settings.get("town") or ""
    return Identity(f"{settings.get('county') or ''}{town}" if town else "", bool(first) and first[0] == SAMPLE_NOTE)


def _summary(path: Path) -> tuple[dict[str, int] | None, Identity | None]:
    """Records per register and the identity of a backup, in one reading; (None, None) when unreadable."""
    try:
        conn = _connect_readonly(path)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts = {r.title: conn.execute(f"SELECT count(*) FROM {r.key}").fetchone()[0] for r in REGISTERS if r.key in names}
            return counts, _identity(conn)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return None, None


def make_backup(conn: sqlite3.Connection, db_path: Path, reason: str = "manual", folder: Path | None = None, now: dt.datetime | None = None, key=None,
                progress: Progress = None) -> Path:  # fmt: skip
    """Write a verified backup of the open database ``conn``; returns its path. ``progress`` hears how much
    is written in hundredths (of about as much as the database holds), then the check.

    An encrypted database's backup is encrypted with its key (VACUUM INTO keeps it); ``key`` (a ``crypto.Key``)
    writes it encrypted with another, the password about to be set: no plaintext copy is made on the way.

    The copy is checked with ``quick_check`` (``COPY_CHECK``): it reads every page of the copy once and checks
    each b-tree's structure and every record's format, which a short or failed write or a damaged page breaks.
    ``integrity_check`` adds a comparison of every index entry with its row (8.2 of the 8.9 s at 868 MB); VACUUM
    INTO builds each index of the copy from the rows it writes, in the same statement, so they cannot differ."""
    from zhaocun_desktop import crypto

    folder = Path(folder) if folder else backup_dir(db_path)
    now = now or dt.datetime.now()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"“{folder}”是一个文件，不是文件夹，备份无法存到那里。请选择一个文件夹（如U盘的根目录）。")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"无法创建备份文件夹“{folder}”：{_folder_problem(error)}") from None
    stem = f"{backup_stem(db_path)}_{now:%Y%m%d_%H%M%S}"
    target = folder / f"{stem}_{reason}.db"
    counter = 1
    while target.exists():
        target = folder / f"{stem}_{counter}_{reason}.db"
        counter += 1
    temporary = folder / f".{target.stem}{PARTIAL}"
    try:
        if temporary.exists():
            temporary.unlink()
        if key is not None and key != crypto.key_of(conn):
            crypto.copy(database_path(conn), crypto.key_of(conn), temporary, key)
        else:
            with _reporting(conn, temporary, progress):
                conn.execute("VACUUM INTO ?", [str(temporary)])
        key = key or crypto.key_of(conn)
        step(progress, 100, 100, "正在校验备份")
        check = crypto.connect(temporary, key, readonly=True) if key else sqlite3.connect(temporary)
        try:
            verdict = check.execute(f"PRAGMA {COPY_CHECK}").fetchone()[0]
        except sqlite3.DatabaseError as error:  # damaged where the check starts reading
            verdict = str(error)
        finally:
            check.close()
        if verdict != "ok":
            raise UserError(f"备份校验未通过（{damage_text(verdict)}），备份未保存。数据库本身可能有问题，请运行“检查数据库”。")
        os.replace(temporary, target)
    except (sqlite3.OperationalError, OSError) as error:
        reason = explain(error) or str(error)
        raise UserError(f"备份失败，备份未保存：{reason}（备份文件夹：“{folder}”）") from None
    finally:
        if temporary.exists():
            temporary.unlink()
    return target


COPY_CHECK = "quick_check"  # what make_backup checks its copy with (see there why not integrity_check)
REPORT_EVERY = 100_000  # SQLite instructions between two looks at the copy's size (VACUUM INTO of 868 MB: ~34M in 2.2 s)


@contextlib.contextmanager
def _reporting(conn: sqlite3.Connection, temporary: Path, progress: Progress):
    """While VACUUM INTO writes ``temporary``: ``progress`` hears its size in hundredths of the database's (in
    use, without its free pages), when that has grown."""
    if progress is None:
        yield
        return
    # int(): SQLCipher's connection gives some pragmas' numbers as text
    size, free, pages = (int(conn.execute(f"PRAGMA {name}").fetchone()[0]) for name in ("page_size", "freelist_count", "page_count"))
    total, told = max(size * (pages - free), 1), [-1]

    def look() -> int:
        try:
            done = min(temporary.stat().st_size, total)
        except OSError:  # not made yet
            done = 0
        if done * 100 // total > told[0]:
            told[0] = done * 100 // total
            progress(told[0], 100, "正在复制数据库")
        return 0  # go on

    conn.set_progress_handler(look, REPORT_EVERY)
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)


def _all_backups(folder: Path, with_counts: bool) -> list[BackupInfo]:
    """Every backup in ``folder``, of whichever database, newest first."""
    found = []
    if not Path(folder).is_dir():
        return found
    for path in Path(folder).iterdir():
        match = NAME.match(path.name)
        if not match:
            continue
        day, time_of_day = match.group(2), match.group(3)  # digits by the pattern; not strptime, which loads locale tables at start-up
        try:
            made_at = dt.datetime(int(day[:4]), int(day[4:6]), int(day[6:]), int(time_of_day[:2]), int(time_of_day[2:4]), int(time_of_day[4:]))
        except ValueError:  # 台账备份_20231399_… is not one of ours
            continue
        counts, whose = _summary(path) if with_counts else (None, None)
        found.append(BackupInfo(path, made_at, match.group(5), counts, match.group(1), whose))
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def _folder_problem(error: OSError) -> str:
    """Why a folder could not be made, in Chinese."""
    import errno

    if error.errno == errno.ENOENT:  # a parent missing, or a place where no folder can be made (/proc, a drive not there)
        return "上一级文件夹不存在，或那里不能新建文件夹（如U盘没有插好、盘符写错）。请检查路径，或换一个文件夹。"
    return explain(error) or f"系统拒绝新建文件夹（错误代码 {error.errno}）。请换一个文件夹。"


def list_backups(db_path: Path, folder: Path | None = None, with_counts: bool = True) -> list[BackupInfo]:
    """The backups of the database ``db_path`` (in ``folder``, by default its 备份 folder), newest first.

    Other databases' backups in the same folder are left out (see ``other_backups``).
    """
    stem = Path(db_path).stem
    return [b for b in _all_backups(folder or backup_dir(db_path), with_counts) if b.database == stem]


def same_key_backups(db_path: Path) -> list[Path]:
    """The encrypted backups of the database ``db_path`` made with its key (the same salt: no password change since),
    newest first: they open with its password."""
    from zhaocun_desktop import crypto

    salt = crypto.file_salt(db_path)
    return [b.path for b in list_backups(db_path, with_counts=False) if crypto.is_encrypted(b.path) and crypto.file_salt(b.path) == salt]


def open_encrypted(db_path: Path, secret: str, attempts_of: Path | None = None, sleep=time.sleep):
    """What ``secret`` (the password or the recovery key) opens of the encrypted database ``db_path``: a
    ``crypto.Opened``, None when it is wrong (``crypto.open_with``: the wait, the guess recorded once). A database whose
    first page is damaged opens with no key: its newest backup made with its key stands in (``proven`` False), and
    the start-up checks, reading the database through that key, find the damage and offer the backup."""
    from zhaocun_desktop import crypto

    return crypto.open_with(db_path, secret, attempts_of, sleep, stand_ins=lambda: same_key_backups(db_path)[:1])


def other_backups(db_path: Path, folder: Path | None = None, with_counts: bool = False) -> list[BackupInfo]:
    """The backups of other databases in ``db_path``'s backup folder (the sample's, a renamed file's)."""
    stem = Path(db_path).stem
    return [b for b in _all_backups(folder or backup_dir(db_path), with_counts) if b.database != stem]


def rotate(db_path: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete backups of ``db_path`` beyond the policy; returns the deleted paths.

    Kept: the newest KEEP_RECENT; the newest of each day for KEEP_DAYS days; the newest of
    each month for ever. Other databases' backups in the folder are not touched.
    """
    now = now or dt.datetime.now()
    backups = list_backups(db_path, with_counts=False)
    keep = {b.path for b in backups[:KEEP_RECENT]}
    days, months = set(), set()
    for backup in backups:  # newest first: the first seen of a day or month is its newest
        day, month = backup.made_at.date(), (backup.made_at.year, backup.made_at.month)
        if (now.date() - day).days < KEEP_DAYS and day not in days:
            days.add(day)
            keep.add(backup.path)
        if month not in months:
            months.add(month)
            keep.add(backup.path)
    deleted = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)  # a backup running meanwhile (the day's, in the background) may have rotated it
            deleted.append(backup.path)
    return deleted


def backed_up_today(db_path: Path, now: dt.datetime | None = None) -> bool:
    today = (now or dt.datetime.now()).date()
    return any(b.made_at.date() == today for b in list_backups(db_path, with_counts=False))


def last_backup(db_path: Path) -> BackupInfo | None:
    backups = list_backups(db_path, with_counts=False)
    return backups[0] if backups else None


def database_path(conn: sqlite3.Connection) -> Path | None:
    """The file of an open connection (None for an in-memory database)."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def safety_backup(conn: sqlite3.Connection, reason: str, progress: Progress = None) -> Path | None:
    """A verified backup before a risky change (import, restore, migration, bulk delete), then rotation.

    Must run outside a transaction (VACUUM cannot run inside one); inside one it is skipped,
    since the caller's own backup, made before its transaction began, covers it.
    """
    path = database_path(conn)
    if path is None or conn.in_transaction:
        return None
    made = make_backup(conn, path, reason, progress=progress)
    rotate(path)
    return made

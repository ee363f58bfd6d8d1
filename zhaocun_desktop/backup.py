"""Backups, restore and the health check of the database file.

A backup is made with ``VACUUM INTO`` a temporary file, checked with ``quick_check`` (make_backup
says why that is enough), then renamed into place: never a plain copy of a live (WAL) database. A restore first backs
up the current state, then copies the backup in through SQLite's backup API, so a leftover
``-wal`` file cannot silently undo it. Rotation keeps the recent backups, one a day for a
month and one a month for ever.

Several databases may share one data folder (the sample 示例数据.db lives beside 台账.db), so
each backup's name starts with its database's file name: 台账备份_20261129_104948_manual.db is a
backup of 台账.db, 示例数据备份_… of 示例数据.db (names made before this rule all start with 台账备份_
and so stay with 台账.db). Listing, rotation and the newest good backup only look at the
database's own backups, and a restore also compares what is inside (the town, sample data or
not) before it replaces anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from zhaocun_desktop.dbcheck import (  # the start-up checks, re-exported: backup.check_database etc.
    EMPTY_FILE,
    PARTIAL,
    PARTIAL_AGE_SECONDS,
    _connect_readonly,
    backup_dir,
    check_database,
    damage_text,
    storage_problem,
)
from zhaocun_desktop.errors import UserError, explain
from zhaocun_desktop.files import is_sqlite_file
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


class OtherDatabaseBackup(UserError):
    """The backup seems to be another database's (another file name, town, or sample data):
    restored only when the clerk confirms (``force``)."""


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


def _file_identity(db_path: Path) -> Identity | None:
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


def identity_problem(path: Path) -> str | None:
    """What makes the file at ``path`` not one of our databases (empty, not SQLite, another
    program's, no tables), in Chinese; None when it is ours."""
    from zhaocun_desktop.db import foreign_reason, table_names

    if Path(path).stat().st_size == 0:
        return f"它是{EMPTY_FILE}"
    if not is_sqlite_file(path):
        from zhaocun_desktop import crypto

        if not crypto.is_encrypted(path) or crypto.known_key(path) is None:
            return "它不是数据库文件，或者是用另一个程序密码加密的（需要备份时的密码）"
    source = _connect_readonly(Path(path))
    try:
        foreign = foreign_reason(source)
        if foreign is None and not table_names(source):
            foreign = "其中没有任何数据表"
        return foreign
    finally:
        source.close()


def backup_problem(backup_path: Path) -> str | None:
    """Why ``backup_path`` cannot be restored (None when it is one of our sound databases), in Chinese.

    Checked, in order: the file exists and is SQLite, carries our application id and our tables,
    passes integrity_check, and its data version is not newer than this program's.
    """
    from zhaocun_desktop.db import SCHEMA_VERSION, schema_version

    name = Path(backup_path).name
    if not Path(backup_path).is_file():
        return f"找不到备份文件“{backup_path}”。"
    try:
        foreign = identity_problem(backup_path)
        if foreign:
            return f"“{name}”不是本程序的备份：{foreign}。请选择本程序生成的备份（“备份”文件夹中的 .db 文件）。"
        source = _connect_readonly(Path(backup_path))
        try:
            verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                return f"备份“{name}”已损坏（{verdict}），请选择另一个备份。"
            version = schema_version(source)
            if version > SCHEMA_VERSION:
                return (f"备份“{name}”由更新版本的程序生成（数据版本 {version}，本程序为 {SCHEMA_VERSION}），"
                        "恢复后本程序将无法打开。请先安装最新版程序再恢复。")  # fmt: skip
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        return f"无法读取备份“{name}”（{damage_text(str(error))}），请选择另一个备份。"
    return None


def ownership_problem(db_path: Path, backup_path: Path) -> str | None:
    """Why ``backup_path`` looks like a backup of another database than ``db_path``, in Chinese;
    None when nothing says so.

    Its name gives the database file it was made of; its content the town and whether it is
    sample data, compared with ``db_path``'s own when that can be read (a damaged file's often cannot).
    """
    name, db_name = Path(backup_path).name, Path(db_path).name
    match = NAME.match(name)
    if match and match.group(1) != Path(db_path).stem:
        return f"备份“{name}”是数据库“{match.group(1)}.db”的备份，不是“{db_name}”的备份。"
    theirs, ours = identity(backup_path), _file_identity(db_path)
    if theirs is None or ours is None:
        return None
    if theirs.sample != ours.sample:
        return (f"备份“{name}”中是示例数据，而“{db_name}”是正式台账。" if theirs.sample
                else f"“{db_name}”是示例数据库，而备份“{name}”中是正式台账{('（' + theirs.town + '）') if theirs.town else ''}。")  # fmt: skip
    if theirs.town and ours.town and theirs.town != ours.town:
        return f"备份“{name}”中是{theirs.town}的台账，而“{db_name}”是{ours.town}的台账。"
    return None


def _check_restorable(db_path: Path, backup_path: Path, force: bool) -> None:
    """UserError when ``backup_path`` cannot replace ``db_path``; OtherDatabaseBackup when it seems
    another database's and ``force`` was not given. Nothing is changed."""
    problem = backup_problem(backup_path)
    if problem:
        raise UserError(problem + "当前数据库未被改动。")
    other = None if force else ownership_problem(db_path, backup_path)
    if other:
        raise OtherDatabaseBackup(other + "恢复会用它替换当前的全部数据，当前数据库未被改动。")


def restore(conn: sqlite3.Connection, db_path: Path, backup_path: Path, force: bool = False) -> Path:
    """Replace the open database's content with ``backup_path``; returns the safety backup made first.

    A file that is not one of our sound backups is refused before anything changes; so is, unless
    ``force``, a backup that seems another database's (``ownership_problem``).
    """
    from zhaocun_desktop import crypto

    backup_path = Path(backup_path)
    _check_restorable(db_path, backup_path, force)
    live_key, backup_key = crypto.key_of(conn), crypto.known_key(backup_path) if crypto.is_encrypted(backup_path) else None
    # The database keeps its own password: the backup's data is written in the database's encryption (or none),
    # and an older version's password hash is kept as it was (a backup from before the password removed it).
    kept_hash = conn.execute("SELECT value FROM setting WHERE key = 'password_hash'").fetchone() if _has_table(conn, "setting") else None
    safety = make_backup(conn, db_path, "restore")
    if (live_key is None) == (backup_key is None):
        source = _connect_readonly(backup_path)
        try:
            source.backup(conn)  # page by page into the live database, WAL and all (SQLCipher: each keeps its key)
        finally:
            source.close()
    else:  # a plain backup into an encrypted database or the other way: through a copy in the database's form
        between = Path(db_path).with_name(f".{Path(db_path).name}.恢复{PARTIAL}")
        try:
            crypto.copy(backup_path, backup_key, between, live_key)
            source = crypto.connect(between, live_key) if live_key else sqlite3.connect(between)
            try:
                source.backup(conn)
            finally:
                source.close()
        finally:
            crypto.wipe(between)  # it may be a plaintext copy
    from zhaocun_desktop.db import Database, migrate

    migrate(Database(conn))  # a backup from an earlier version is brought up to date
    with Database(conn).atomic():
        conn.execute("DELETE FROM setting WHERE key = 'password_hash'")
        if kept_hash and live_key is None:
            conn.execute("INSERT INTO setting (key, value) VALUES ('password_hash', ?)", [kept_hash[0]])
    return safety


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone())


def recover(db_path: Path, backup_path: Path, force: bool = False) -> Path | None:
    """Replace a damaged database file (not open) with ``backup_path``: the damaged file is kept aside,
    not deleted, and the backup copied in. Returns where the damaged file was kept (None if there was none).

    The same checks as ``restore`` come first; a damaged file cannot be backed up, hence the keeping aside.
    The copy is made whole beside the file first and then renamed over it, so a crash or a kill at any
    moment leaves the damaged file or the restored one at ``db_path``, never a half-written one.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    _check_restorable(db_path, backup_path, force)
    copy = _restored_copy(backup_path, db_path)
    aside = set_aside(db_path) if db_path.exists() else None
    _replace(copy, db_path)
    return aside


SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's files beside a database: they belong to that file only
RESTORING = ".恢复中"  # suffix of a restored copy being written beside the database it is to replace


def set_aside(path: Path, now: dt.datetime | None = None) -> Path:
    """Keep a damaged database (and its -wal, -shm, -journal) aside for inspection: the file itself is linked
    (or copied) under the new name and stays in place until a restored copy is renamed over it; its side files
    move, since a -wal or hot -journal left beside the restored copy would be played into it."""
    now = now or dt.datetime.now()
    aside = path.with_name(f"{path.stem}_损坏_{now:%Y%m%d_%H%M%S}{path.suffix}")
    counter = 1
    while aside.exists():  # set aside twice in one second: the first one stays
        aside = path.with_name(f"{path.stem}_损坏_{now:%Y%m%d_%H%M%S}_{counter}{path.suffix}")
        counter += 1
    try:
        os.link(path, aside)
    except OSError:  # a file system without hard links (FAT32, some network drives)
        import shutil

        shutil.copy2(path, aside)
    for suffix in SIDE_FILES:
        extra = Path(str(path) + suffix)
        if extra.exists():
            os.replace(extra, Path(str(aside) + suffix))
    return aside


def restore_file(backup_path: Path, db_path: Path) -> None:
    """Make ``db_path`` (which must not be open, its side files set aside) a copy of a backup, through the
    backup API; written beside it and renamed over it, so a crash leaves the old file or the new one."""
    _replace(_restored_copy(Path(backup_path), Path(db_path)), Path(db_path))


def _restored_copy(backup_path: Path, db_path: Path) -> Path:
    """A whole, synced copy of ``backup_path`` beside ``db_path`` (same folder, so a rename replaces)."""
    copy = db_path.with_name(f".{db_path.name}{RESTORING}")
    for leftover in (copy, Path(str(copy) + "-journal")):  # a restore killed before it renamed its copy
        leftover.unlink(missing_ok=True)
    from zhaocun_desktop import crypto

    source = _connect_readonly(backup_path)
    key = crypto.key_of(source)  # an encrypted backup stays encrypted with its key: the same password opens it
    target = crypto.connect(copy, key) if key else sqlite3.connect(copy)
    try:
        target.execute("PRAGMA journal_mode = OFF")  # a copy cut short is thrown away: no journal to leave behind
        source.backup(target)
    finally:
        target.close()
        source.close()
    with open(copy, "rb+") as handle:
        os.fsync(handle.fileno())
    return copy


def _replace(copy: Path, db_path: Path) -> None:
    """Rename ``copy`` over ``db_path`` in one step, and make the rename itself survive a power cut."""
    for suffix in SIDE_FILES:  # only a killed earlier run leaves any now: they are the old file's, never the copy's
        extra = Path(str(db_path) + suffix)
        if extra.exists():
            os.replace(extra, Path(str(copy) + ".旧" + suffix))
    os.replace(copy, db_path)
    if hasattr(os, "O_DIRECTORY"):  # POSIX: the folder's entry; Windows' rename is durable by itself
        folder = os.open(db_path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest of ``db_path``'s own backups that is sound and not another database's (town and sample
    mark compared while the file can still be read). When it cannot, a clerk's backup comes before
    sample data: names made before backups carried their database's name do not tell them apart."""
    unknown = _file_identity(db_path) is None
    sample = None
    for backup in list_backups(db_path):
        later = bool(unknown and backup.identity and backup.identity.sample)
        if backup.counts is None or (later and sample) or ownership_problem(db_path, backup.path) or backup_problem(backup.path):
            continue  # (a sample's backup is checked only until one is found sound)
        if later:
            sample = backup
            continue
        return backup
    return sample


# ---------------------------------------------------------------------------
# Where the database may live

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

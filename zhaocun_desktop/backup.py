"""Restoring a backup and recovering from one (making, listing and rotating backups live in ``backup_files``,
below ``db``; the start-up checks of a file in ``dbcheck``: callers import those from there).

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

import datetime as dt
import os
import sqlite3
from pathlib import Path

from zhaocun_desktop.backup_files import (  # making, listing and rotating backups
    NAME,
    BackupInfo,
    file_identity,
    identity,
    list_backups,
    make_backup,
)
from zhaocun_desktop.dbcheck import EMPTY_FILE, PARTIAL, _connect_readonly, damage_text  # the start-up checks
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.files import is_sqlite_file


class OtherDatabaseBackup(UserError):
    """The backup seems to be another database's (another file name, town, or sample data):
    restored only when the clerk confirms (``force``)."""


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
    theirs, ours = identity(backup_path), file_identity(db_path)
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
    unknown = file_identity(db_path) is None
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

"""Setting, changing and removing the program password: the database file is re-encrypted (or decrypted)
as a whole, after a verified backup, and no plaintext copy is left behind.

The steps (``change_key``): the database must be open only here (a checkpoint that finds another reader
refuses); a verified backup in the NEW form (encrypted with the new key when a password is set, so no plaintext
copy is made on the way); a new file beside the database written by SQLCipher's export and checked (integrity,
records per table); the old file moved aside, the new one moved in, the old one overwritten with zeros and
deleted, with its -wal/-shm/-journal; the same ``Database`` object then points at the new file (every window
holds it). A crash between the two moves is finished by ``finish_interrupted`` when the file is next opened (``crypto.finish_interrupted``).

When a password is first set, the database's earlier backups (plaintext) in its 备份 folder are encrypted with
the new key the same way. Backups made under an earlier password keep it; restoring one asks for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import audit, crypto, security
from zhaocun_desktop.backup_files import list_backups, make_backup, other_backups
from zhaocun_desktop.dbcheck import PARTIAL
from zhaocun_desktop.errors import UserError

if TYPE_CHECKING:
    from zhaocun_desktop.db import Database

SET, CHANGED, REMOVED = "设置程序密码（数据库已加密）", "修改程序密码（数据库已用新密码重新加密）", "取消程序密码（数据库已解密）"


def _counts(conn) -> dict[str, int]:
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_%'")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _verify(path: Path, key: crypto.Key | None, expected: dict[str, int]) -> None:
    import sqlite3

    conn = crypto.connect(path, key, readonly=True) if key else sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        counts = _counts(conn)
    finally:
        conn.close()
    if verdict != "ok" or counts != expected:
        raise UserError(f"重新加密后的数据库校验未通过（{verdict if verdict != 'ok' else '记录条数不符'}），数据库未被改动。请运行“检查数据库”。")


def change_key(db: Database, new_key: crypto.Key | None, note: str) -> None:
    """Re-encrypt the open database with ``new_key`` (None: decrypt it), atomically, after a verified backup."""
    from zhaocun_desktop.db import reconnect, temp_schema

    path = security.database_file(db)
    if path is None:
        raise UserError("内存中的数据库不能加密。")
    conn = db.conn
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if busy:
        raise UserError("另一个窗口或命令行也打开了这个数据库，现在不能设置或取消密码。请关闭它们后再试；数据库未被改动。")
    make_backup(conn, path, "password", key=new_key)  # verified; never a plaintext copy of an encrypted file
    fresh, aside = crypto.fresh_file(path), crypto.aside_file(path)
    expected = _counts(conn)
    try:
        crypto.copy(path, crypto.key_of(conn), fresh, new_key)
        _verify(fresh, new_key, expected)
    except BaseException:
        crypto.wipe(fresh)
        raise
    temp = temp_schema(conn)
    conn.close()
    os.replace(path, aside)
    os.replace(fresh, path)
    for suffix in ("-wal", "-shm", "-journal"):  # the old file's: a stale WAL beside the new file would be replayed into it
        crypto.wipe(Path(f"{path}{suffix}"))
    crypto.wipe(aside)
    reconnect(db, path, new_key, temp)
    with db.atomic():
        db.execute("DELETE FROM setting WHERE key = ?", [security.PASSWORD_KEY])  # the key IS the protection now
        audit.audit(db, "setting", None, "password", None, None, note)


def _encrypt_old_backups(db_path: Path, key: crypto.Key) -> int:
    """The database's plaintext backups in its 备份 folder encrypted with ``key``; returns how many."""
    done = 0
    for backup in list_backups(db_path, with_counts=False):
        if crypto.is_encrypted(backup.path):
            continue
        fresh = backup.path.with_name(f".{backup.path.name}{PARTIAL}")
        import sqlite3

        plain = sqlite3.connect(f"{backup.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            expected = _counts(plain)
        finally:
            plain.close()
        crypto.copy(backup.path, None, fresh, key)
        _verify(fresh, key, expected)
        crypto.replace_and_wipe(fresh, backup.path)
        done += 1
    return done


def set_password(db: Database, password: str) -> str:
    """Set or change the program password: the file is (re-)encrypted with a key derived from it, and the plaintext
    backups of the database are encrypted too. Returns the recovery key, to be shown once (print it, lock it away)."""
    security.check_new_password(password)
    first = not security.is_encrypted(db)
    key = crypto.new_key(password)
    change_key(db, key, SET if first else CHANGED)
    if first:
        _encrypt_old_backups(security.database_file(db), key)
    return key.recovery_text()


def remove_password(db: Database) -> None:
    """Remove the program password: the file is decrypted (its backups keep the password they were made with)."""
    if security.is_encrypted(db):
        change_key(db, None, REMOVED)
    elif security.has_password(db):  # an older version's hash on a plain file
        with db.atomic():
            db.execute("DELETE FROM setting WHERE key = ?", [security.PASSWORD_KEY])
            audit.audit(db, "setting", None, "password", None, None, "取消程序密码")


def plaintext_backups_elsewhere(db_path: Path) -> list[Path]:
    """Other databases' plaintext backups in the same 备份 folder (a sample's): not ours to encrypt; listed for the clerk."""
    return [b.path for b in other_backups(db_path) if not crypto.is_encrypted(b.path)]

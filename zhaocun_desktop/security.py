"""The program password: checking it (against the key of an encrypted database, or the salted scrypt hash an
older version kept in the settings table), slowing down wrong guesses, and the idle lock time.

Setting, changing and removing the password re-encrypts the file: ``encryption.py``. Since the key IS the
protection, deleting the settings row of an older version's hash no longer removes anything from an encrypted file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import crypto
from zhaocun_desktop.errors import UserError

if TYPE_CHECKING:
    from sqlite_utils import Database

N, R, P = crypto.SCRYPT_N, crypto.SCRYPT_R, crypto.SCRYPT_P  # a stored hash with less than these is refused
PASSWORD_KEY, LOCK_KEY = "password_hash", "lock_minutes"
DEFAULT_LOCK_MINUTES = 10
MIN_LENGTH = 4


class BrokenPasswordHash(UserError):
    """The stored password hash is malformed or weaker than the program allows: refused, never trusted."""


BROKEN = ("数据库中保存的程序密码格式不对或强度不够（可能被其他软件改动过），程序不接受它。"
          "请用“恢复密钥”或备份恢复，或请技术支持人员检查这个数据库。")  # fmt: skip


def hash_password(password: str, salt: bytes | None = None) -> str:
    import hashlib  # here, not at the top: OpenSSL loads only when a password is set or typed (start-up time)

    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; BrokenPasswordHash when ``stored`` is malformed or its
    parameters are below the floor (a file cannot make the check cheaper: n=2, r=1, p=1 is refused)."""
    import hashlib
    import hmac

    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 6 or parts[0] != "scrypt" or not all(part.isdigit() for part in parts[1:4]):
        raise BrokenPasswordHash(BROKEN)
    n, r, p = (int(part) for part in parts[1:4])
    try:
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        raise BrokenPasswordHash(BROKEN) from None
    if n < N or n & (n - 1) or n > 2**20 or r < R or r > 32 or p < P or p > 4 or len(salt) < 16 or len(digest) != 32:
        raise BrokenPasswordHash(BROKEN)
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * 2**20)
    return hmac.compare_digest(candidate, digest)


def _get(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _put(db: Database, key: str, value: str | None, note: str) -> None:
    with db.atomic():
        if value is None:
            db.execute("DELETE FROM setting WHERE key = ?", [key])
        else:
            db.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])
        from zhaocun_desktop import audit  # (here: the login dialog, which reads the wait, paints without the registers)

        audit.audit(db, "setting", None, "update", None, None, note)


def database_file(db: Database) -> Path | None:
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def is_encrypted(db: Database) -> bool:
    return crypto.key_of(db.conn) is not None


def has_password(db: Database) -> bool:
    """A password is set: the file is encrypted, or (an older version's file) a hash is stored."""
    return is_encrypted(db) or bool(_get(db, PASSWORD_KEY))


def _matches(db: Database, password: str) -> bool:
    import hmac

    key = crypto.key_of(db.conn)
    if key is not None:
        recovered = crypto.recovery_key(password)
        if recovered is not None and hmac.compare_digest(recovered, key.key):
            return True
        return hmac.compare_digest(crypto.derive(password, key.salt), key.key)
    stored = _get(db, PASSWORD_KEY)
    return stored is None or verify_password(password, stored)


def check_password(db: Database, password: str, sleep: Callable[[float], None] = time.sleep) -> bool:
    """Whether ``password`` (or the recovery key) is the program password. Each wrong guess is written to the
    操作记录 and makes the next check wait twice as long (kept beside the file, so a new process waits too)."""
    if not has_password(db):
        return True
    path = database_file(db)
    attempts = crypto.Attempts(path) if path else None
    if attempts is None:
        return _matches(db, password)
    if crypto.checked(attempts, lambda: _matches(db, password), sleep):
        from zhaocun_desktop.db import note_wrong_guesses

        note_wrong_guesses(db, path)  # guesses that did not open the file, if any, then forgotten
        attempts.succeeded()
        return True
    attempts.mark_logged()
    from zhaocun_desktop import audit

    audit.audit(db, "setting", None, "password", None, None, f"程序密码输入错误（连续第 {len(attempts.wrong(all_of_them=True))} 次）")
    return False


def wait_seconds(db_path: str | Path) -> float:
    """Seconds before the next password guess for ``db_path`` is checked (a dialog shows it)."""
    return crypto.Attempts(db_path).wait()


def lock_minutes(db: Database) -> int:
    value = _get(db, LOCK_KEY)
    return int(value) if value and value.isdigit() else DEFAULT_LOCK_MINUTES


def set_lock_minutes(db: Database, minutes: int) -> None:
    if not 1 <= minutes <= 240:
        raise UserError("自动锁定时间应在 1 到 240 分钟之间。")
    _put(db, LOCK_KEY, str(minutes), f"自动锁定时间改为{minutes}分钟")


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise UserError(f"密码至少需要{MIN_LENGTH}个字符。")
    if crypto.recovery_key(password) is not None:
        raise UserError("新密码不能与恢复密钥同样格式（13组各4个字母或数字），请换一个。")

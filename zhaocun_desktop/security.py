"""The optional program password: a salted scrypt hash in the settings table, and the idle lock time."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from zhaocun_desktop import records
from zhaocun_desktop.errors import UserError

if TYPE_CHECKING:
    from sqlite_utils import Database

N, R, P = 2**14, 8, 1  # about 50 ms and 16 MB per check: slow for guessing, quick for the clerk
PASSWORD_KEY, LOCK_KEY = "password_hash", "lock_minutes"
DEFAULT_LOCK_MINUTES = 10


def hash_password(password: str, salt: bytes | None = None) -> str:
    import hashlib  # here, not at the top: OpenSSL loads only when a password is set or typed (start-up time)

    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    import hashlib
    import hmac

    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2)
    return hmac.compare_digest(candidate.hex(), digest)


def _get(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _put(db: Database, key: str, value: str | None, note: str) -> None:
    with db.atomic():
        if value is None:
            db.execute("DELETE FROM setting WHERE key = ?", [key])
        else:
            db.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])
        records.audit(db, "setting", None, "update", None, None, note)


def has_password(db: Database) -> bool:
    return bool(_get(db, PASSWORD_KEY))


def check_password(db: Database, password: str) -> bool:
    stored = _get(db, PASSWORD_KEY)
    return stored is None or verify_password(password, stored)


def set_password(db: Database, password: str | None) -> None:
    """Set (or with None, remove) the program password."""
    if password is not None and len(password) < 4:
        raise UserError("密码至少需要4个字符。")
    _put(db, PASSWORD_KEY, hash_password(password) if password else None, "设置程序密码" if password else "取消程序密码")


def lock_minutes(db: Database) -> int:
    value = _get(db, LOCK_KEY)
    return int(value) if value and value.isdigit() else DEFAULT_LOCK_MINUTES


def set_lock_minutes(db: Database, minutes: int) -> None:
    if not 1 <= minutes <= 240:
        raise UserError("自动锁定时间应在 1 到 240 分钟之间。")
    _put(db, LOCK_KEY, str(minutes), f"自动锁定时间改为{minutes}分钟")

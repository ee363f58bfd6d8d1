"""Ed25519 keys that prove where a data package comes from.

A township database holds one signing key (table ``signing_key``, made at ``init`` or by the
migration that brought this table): its private half never leaves the database (a backup copies
the database whole, so a restore keeps the key; a package carries only the public half). When a
password is set the database itself is what protects the key (issue 23 encrypts it).

A county database pins each township's public key with that township's first package
(``township_key``, one current row per township; a replaced key keeps its row with
``retired_at``): the clerk confirms the short fingerprint by phone, as with SSH's first
connection, and a package signed with any other key is refused until the clerk re-pins.

Layer 3: ``cryptography`` only here; the callers above audit what they do with it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from sqlite_utils import Database

KEY_TABLE = "signing_key"
PIN_TABLE = "township_key"
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64
FINGERPRINT_BYTES = 10  # 80 bits, read out as five groups of four: 3F2A-91C0-7B44-E1D8-0C55


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def create_key_table(db: Database) -> None:
    """The township's own key (one row; the newest is used)."""
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {KEY_TABLE} (
            id INTEGER PRIMARY KEY,
            private_key BLOB NOT NULL,  -- raw Ed25519 private key (32 bytes): never exported, never in a package
            public_key BLOB NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )


def ensure_key(db: Database) -> bytes:
    """The database's public key, made (and stored, inside the caller's transaction) when it has none."""
    found = public_key(db)
    if found is not None:
        return found
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    private = Ed25519PrivateKey.generate()
    secret = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    db.execute(f"INSERT INTO {KEY_TABLE} (private_key, public_key, created_at) VALUES (?, ?, ?)", [secret, public, _now()])
    return public


def _newest(db: Database) -> tuple[bytes, bytes] | None:
    present = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [KEY_TABLE]).fetchone()
    if not present:
        return None
    row = db.execute(f"SELECT private_key, public_key FROM {KEY_TABLE} ORDER BY id DESC LIMIT 1").fetchone()
    return (bytes(row[0]), bytes(row[1])) if row else None


def public_key(db: Database) -> bytes | None:
    """The database's public key (raw 32 bytes), or None when it has no key."""
    found = _newest(db)
    return found[1] if found else None


def sign(db: Database, data: bytes) -> tuple[bytes, bytes]:
    """``(signature, public key)`` of ``data`` with the database's key (made first if missing)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if _newest(db) is None:
        with db.atomic():
            ensure_key(db)
    secret, public = _newest(db)
    return Ed25519PrivateKey.from_private_bytes(secret).sign(data), public


def verify(public: bytes, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``public``'s Ed25519 signature of ``data``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if len(public) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public: bytes) -> str:
    """The short fingerprint the clerks read to each other: ``3F2A-91C0-7B44-E1D8-0C55``."""
    digits = hashlib.sha256(public).hexdigest()[: 2 * FINGERPRINT_BYTES].upper()
    return "-".join(digits[index : index + 4] for index in range(0, len(digits), 4))


def same_fingerprint(typed: str, expected: str) -> bool:
    """True when ``typed`` (as a clerk writes it: any case, spaces or dashes) is the fingerprint ``expected``."""
    letters = lambda text: "".join(ch for ch in text.upper() if ch.isalnum())  # noqa: E731
    return bool(letters(typed)) and letters(typed) == letters(expected)


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decode(text: str, size: int) -> bytes | None:
    """``text`` as base64 of exactly ``size`` bytes, or None."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None
    return data if len(data) == size else None


def public_key_text(town: str, county: str, public: bytes) -> str:
    """The township's public key as a sheet of paper (or a text file) for the county to check."""
    return (
        "司法所台账 · 上报数据包签名公钥\n"
        f"乡镇：{town}（{county or '县名未填'}）\n"
        f"指纹：{fingerprint(public)}\n"
        f"公钥：{encode(public)}\n"
        f"导出时间：{_now().replace('T', ' ')}\n"
        "县司法局第一次导入本乡镇的数据包时会显示指纹，请与上面的指纹逐字核对（可电话念给对方）。\n"
    )


# ---------------------------------------------------------------------------
# The county's pinned keys


class Pin(NamedTuple):
    """A township's key as the county pinned it."""

    township: str
    public_key: bytes
    fingerprint: str
    pinned_at: str
    how: str  # how the clerk accepted it: 首次导入 / 更换（…）
    retired_at: str | None


def create_pin_table(db: Database) -> None:
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS main.{PIN_TABLE} (
            id INTEGER PRIMARY KEY,
            township TEXT NOT NULL,
            public_key BLOB NOT NULL,
            pinned_at TEXT NOT NULL,
            how TEXT NOT NULL,
            retired_at TEXT
        )"""
    )
    db.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS main.ux_{PIN_TABLE}_current ON {PIN_TABLE}(township) WHERE retired_at IS NULL")


def pinned_key(db: Database, township: str) -> bytes | None:
    """The key the county trusts for ``township`` now, or None before its first package."""
    row = db.execute(f"SELECT public_key FROM main.{PIN_TABLE} WHERE township = ? AND retired_at IS NULL", [township]).fetchone()
    return bytes(row[0]) if row else None


def township_of(db: Database, public: bytes) -> str | None:
    """The township whose current pinned key ``public`` is, or None."""
    row = db.execute(f"SELECT township FROM main.{PIN_TABLE} WHERE public_key = ? AND retired_at IS NULL", [public]).fetchone()
    return row[0] if row else None


def pin(db: Database, township: str, public: bytes, how: str) -> None:
    """Trust ``public`` for ``township`` from now on (the key trusted before is retired, kept)."""
    stamp = _now()
    db.execute(f"UPDATE main.{PIN_TABLE} SET retired_at = ? WHERE township = ? AND retired_at IS NULL", [stamp, township])
    db.execute(f"INSERT INTO main.{PIN_TABLE} (township, public_key, pinned_at, how) VALUES (?, ?, ?, ?)", [township, public, stamp, how])


def pins(db: Database, current_only: bool = True) -> list[Pin]:
    """The county's pinned keys by township (current ones only unless ``current_only`` is False)."""
    where = "WHERE retired_at IS NULL" if current_only else ""
    rows = db.execute(f"SELECT township, public_key, pinned_at, how, retired_at FROM main.{PIN_TABLE} {where} ORDER BY township, id").fetchall()
    return [Pin(row[0], bytes(row[1]), fingerprint(bytes(row[1])), row[2], row[3], row[4]) for row in rows]


def pins_text(county: str, found: list[Pin]) -> str:
    """The county's pinned keys as a sheet of paper (or a text file), one township a line."""
    lines = [f"司法所台账 · {county or '县级汇总'}已确认的乡镇数据包签名公钥", f"导出时间：{_now().replace('T', ' ')}", ""]
    for item in found:
        state = f"（{item.retired_at.replace('T', ' ')}停用）" if item.retired_at else ""
        lines.append(f"{item.township}\t指纹 {item.fingerprint}\t{item.how}，{item.pinned_at.replace('T', ' ')}确认{state}\t公钥 {encode(item.public_key)}")
    if not found:
        lines.append("（还没有确认任何乡镇的公钥）")
    return "\n".join(lines) + "\n"

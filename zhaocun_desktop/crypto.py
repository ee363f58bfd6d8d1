"""Encryption at rest: the key of a database with a program password, the recovery key, the connection to an
encrypted file (SQLCipher), and the slowing down of wrong guesses.

A database with a program password is a SQLCipher 4 file (AES-256, an HMAC-SHA512 on every page). Its key is
``scrypt(password, salt)`` with the salt the file's first 16 bytes (SQLCipher keeps them in clear), and the
derivation's parameters are this program's constants, never read from the file: a file cannot lower them. The
key itself is the recovery key (shown once, to print and lock away): it opens the file without the password.
VACUUM INTO and the backup API keep the key and the salt, so a backup opens with the same password as its
database until the password is changed (which re-encrypts with a new salt: ``encryption.py``).

Without a password the file is plain SQLite through the standard library; ``sqlcipher3`` is loaded only
when an encrypted file is opened or made.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from zhaocun_desktop.errors import UserError

SALT_BYTES, KEY_BYTES = 16, 32
# scrypt: ~50 ms and 16 MB per derivation on an office PC (0.15 s on this 2-core machine): slow for a guesser.
# These are the floor: a stored password hash with lower parameters is refused (security.verify_password).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PLAIN_HEADER = b"SQLite format 3\x00"
# The first bytes of the files that travel beside databases. An encrypted file starts with 16 random salt
# bytes, so one starting like these is one of them (a chance of 2**-32 per signature otherwise).
OTHER_FORMATS = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0", b"%PDF")
RECOVERY_GROUPS = 13  # 52 base32 characters = 260 bits, in groups of four: 32 bytes of key


class KeyNeeded(UserError):
    """The file is encrypted and no password (or recovery key) was given."""


class WrongPassword(UserError):
    """The password (or recovery key) does not open the file, or does not match the program password."""


class Key(NamedTuple):
    """What opens an encrypted file: the raw key and the salt it was derived with (the file's first 16 bytes)."""

    key: bytes
    salt: bytes

    def pragma(self) -> str:
        """SQLCipher's raw key with its salt: no key derivation of SQLCipher's own (ours is scrypt)."""
        return f"\"x'{self.key.hex()}{self.salt.hex()}'\""

    def recovery_text(self) -> str:
        """The recovery key as the clerk prints it: 13 groups of four letters and digits."""
        import base64

        text = base64.b32encode(self.key).decode("ascii").rstrip("=")
        return "-".join(text[i:i + 4] for i in range(0, len(text), 4))

    def __repr__(self) -> str:  # never in a log or a traceback
        return "Key(…)"


class EncryptedFile(sqlite3.DatabaseError):
    """An encrypted file whose key this process does not know (a backup made under another password)."""


_known: dict[bytes, Key] = {}  # salt → the key that opened a file with it in this process


def known_key(path: str | Path) -> Key | None:
    """The key that opened a file with the same salt as ``path`` (its database, its backups) in this process."""
    try:
        return _known.get(file_salt(path))
    except OSError:
        return None


def forget_keys() -> None:
    _known.clear()


def derive(password: str, salt: bytes) -> bytes:
    """The key of ``password`` for a file with ``salt``."""
    import hashlib  # here: OpenSSL loads only when a password is set or typed (start-up time)

    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES, maxmem=64 * 2**20)


def recovery_key(text: str) -> bytes | None:
    """The key a recovery key text stands for; None when ``text`` is not one (then it is a password)."""
    letters = re.sub(r"[\s\-－—]", "", text or "").upper().translate(str.maketrans("01", "OI"))  # 0/O and 1/I misread
    if len(letters) != RECOVERY_GROUPS * 4 or not re.fullmatch(r"[A-Z2-7]+", letters):
        return None
    import base64

    try:
        key = base64.b32decode(letters + "====")
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def new_key(password: str) -> Key:
    """A key for a file to be encrypted with ``password``: a new random salt."""
    salt = os.urandom(SALT_BYTES)
    return Key(derive(password, salt), salt)


def is_encrypted(path: str | Path) -> bool:
    """True when the file at ``path`` looks like an encrypted database: not plain SQLite, and whole pages
    (a Word file or a truncated copy rarely is; a damaged header on whole pages cannot be told apart)."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(PLAIN_HEADER))
            size = os.fstat(file.fileno()).st_size
    except OSError:
        return False
    if head.startswith(OTHER_FORMATS):  # a zip (package, .xlsx), an OLE (.xls/.doc) or a PDF of a lucky size
        return False
    return len(head) == len(PLAIN_HEADER) and head != PLAIN_HEADER and size >= 1024 and size % 512 == 0


def file_salt(path: str | Path) -> bytes:
    with open(path, "rb") as file:
        return file.read(SALT_BYTES)


def keys_for(path: str | Path, secret: str, deriver: KeyDeriver | None = None) -> list[Key]:
    """The keys ``secret`` may stand for in the file at ``path``: a recovery key, else (or also) a password
    (its key from ``deriver`` when it derived it ahead, while the clerk typed)."""
    salt = file_salt(path)
    keys = []
    recovered = recovery_key(secret)
    if recovered:
        keys.append(Key(recovered, salt))
    return keys + [Key(deriver.key(secret, salt) if deriver is not None else derive(secret, salt), salt)]


class KeyDeriver:
    """The key of the text in a password box, derived ahead while the clerk types, so that after 确定 only the check
    of the key against the file remains (scrypt takes ~50 ms; it lets go of Python's lock, so it runs beside the GUI).

    ``feed(text)`` on every change of the text: one derivation runs at a time, in a daemon thread, and the latest text
    fed is derived next (the texts between are skipped). A key is kept only while its text is the latest: a newer
    text drops it (the reference overwritten), a result that arrives for an older text is thrown away. Nothing here
    touches the file: the keys of partial texts are never tried, written or counted; the check, the wait of wrong
    guesses and the 操作记录 entry stay with 确定 (``open_with``). ``key(password, salt)`` on 确定: the key derived
    ahead when ``password`` is the latest text (waiting for its derivation if it runs), else derived now. ``close()``
    when the file is open or the clerk quits: every text and key dropped, the thread ended. ``derive_with`` is the
    derivation (``derive``; a test passes a function it can hold)."""

    def __init__(self, salt: bytes, derive_with: Callable[[str, bytes], bytes] | None = None):
        import threading

        self.salt = salt
        self._derive = derive_with or derive
        self._changed = threading.Condition()
        self._latest = ""  # the text in the box
        self._next: str | None = None  # the text the thread derives next
        self._running: str | None = None  # the text being derived now
        self._ready: tuple[str, bytes] | None = None  # the latest text and its key
        self._thread: threading.Thread | None = None
        self._closed = False

    def feed(self, text: str) -> None:
        """The text in the password box changed: derive its key ahead (an older text's key is dropped)."""
        import threading

        with self._changed:
            if self._closed:
                return
            self._latest = text
            if self._ready is not None and self._ready[0] != text:
                self._ready = None
            if not text or self._ready is not None or text == self._running:
                self._next = None
                return
            self._next = text
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="key derivation", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                text, self._next = self._next, None
                self._running = text
                if text is None or self._closed:
                    self._thread, self._running = None, None
                    self._changed.notify_all()
                    return
            try:
                key = self._derive(text, self.salt)
            except Exception:  # noqa: BLE001 (out of memory, say: ``key`` derives again on 确定 and raises it there)
                key = None
            with self._changed:
                self._running = None
                if key is not None and text == self._latest and not self._closed:
                    self._ready = (text, key)
                key = None
                self._changed.notify_all()

    def _holds(self, password: str) -> bool:
        return self._ready is not None and self._ready[0] == password

    def ready(self, password: str) -> bool:
        """The key of ``password`` has been derived ahead and is waiting."""
        with self._changed:
            return self._holds(password)

    def key(self, password: str, salt: bytes) -> bytes:
        """The key of ``password`` for a file with ``salt``: the one derived ahead when it is the latest text (after its
        derivation ends, when it runs), else derived now."""
        with self._changed:
            if salt == self.salt and password == self._latest and not self._closed:
                while not self._holds(password) and password in (self._running, self._next):
                    self._changed.wait()
                if self._holds(password):
                    return self._ready[1]
        return self._derive(password, salt)

    def close(self) -> None:
        """Drop every text and key and end the thread (after the derivation that runs, if any: ~50 ms)."""
        with self._changed:
            self._closed = True
            self._latest, self._next, self._ready = "", None, None
            thread = self._thread
        if thread is not None:
            thread.join()


# --------------------------------------------------------------------------------------------------
# Connections to an encrypted file: sqlcipher3, with the standard library's exception classes

def _module():
    from sqlcipher3 import dbapi2  # ~20 MB of SQLCipher and OpenSSL: only when a file is encrypted

    return dbapi2


_classes: dict[str, type] = {}


def load_sqlcipher() -> None:
    """Import SQLCipher and hashlib's OpenSSL now (~5 ms of Python's lock): while the password is typed, or while
    another thread derives the key."""
    import hashlib  # noqa: F401 (derive's)

    _connection_class()


def _translate(error: Exception) -> Exception:
    """sqlcipher3's exception as the standard library's class of the same name: every ``except
    sqlite3.OperationalError`` of the program (and sqlite-utils') sees it."""
    kind = getattr(sqlite3, type(error).__name__, sqlite3.DatabaseError)
    translated = kind(*error.args)
    for name in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, name):
            try:
                setattr(translated, name, getattr(error, name))
            except AttributeError:
                pass
    return translated


def _wrapped(method):
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except _module().Error as error:
            raise _translate(error) from None

    call.__name__ = method.__name__
    return call


def _connection_class():
    """The sqlcipher3 connection (and cursor) whose errors are the standard library's (built once)."""
    if "connection" in _classes:
        return _classes["connection"]
    module = _module()

    class Cursor(module.Cursor):
        execute = _wrapped(module.Cursor.execute)
        executemany = _wrapped(module.Cursor.executemany)
        executescript = _wrapped(module.Cursor.executescript)
        fetchone = _wrapped(module.Cursor.fetchone)
        fetchall = _wrapped(module.Cursor.fetchall)
        fetchmany = _wrapped(module.Cursor.fetchmany)

    class Connection(module.Connection):
        """A connection to an encrypted file; ``zhaocun_key`` is its Key (``open_again`` and backups reuse it)."""

        zhaocun_key: Key | None = None

        def cursor(self, factory=Cursor):
            return module.Connection.cursor(self, factory)

        execute = _wrapped(module.Connection.execute)
        executemany = _wrapped(module.Connection.executemany)
        executescript = _wrapped(module.Connection.executescript)
        commit = _wrapped(module.Connection.commit)
        rollback = _wrapped(module.Connection.rollback)
        backup = _wrapped(module.Connection.backup)

    _classes["connection"] = Connection
    return Connection


def connect(path: str | Path, key: Key | None, readonly: bool = False) -> sqlite3.Connection:
    """A sqlcipher3 connection to ``path`` opened with ``key`` (None: a plain file through SQLCipher, for
    exporting it into an encrypted one). WrongPassword when the key does not open the file."""
    target = f"{Path(path).resolve().as_uri()}?mode=ro" if readonly else str(path)
    conn = _module().connect(target, uri=readonly, isolation_level=None, check_same_thread=False, factory=_connection_class())
    conn.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher otherwise writes "hmac check failed" to stderr
    if key is not None:
        conn.execute(f"PRAGMA key = {key.pragma()}")
        conn.zhaocun_key = key
    if Path(path).exists() and Path(path).stat().st_size:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            conn.close()
            if "not a database" in str(error):
                raise WrongPassword("密码（或恢复密钥）不对，无法打开加密的数据库。") from None
            raise
    if key is not None:
        _known[key.salt] = key
    return conn


def key_of(conn) -> Key | None:
    """The key an open connection was opened with; None for a plain file."""
    return getattr(conn, "zhaocun_key", None)


def is_sqlcipher(conn) -> bool:
    return type(conn).__module__ != "sqlite3"


def copy(source: Path, source_key: Key | None, target: Path, target_key: Key | None) -> None:
    """Write the database at ``source`` (opened with ``source_key``; None: plain) to a new file ``target``,
    encrypted with ``target_key`` (None: plain), with its data version and application id (SQLCipher's
    sqlcipher_export; the source may be open elsewhere: its committed state is read)."""
    target = Path(target)
    if target.exists():
        target.unlink()
    conn = connect(target, target_key)
    try:
        literal = source_key.pragma() if source_key else "''"
        conn.execute(f"ATTACH DATABASE ? AS copy_source KEY {literal}", [str(source)])
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT sqlcipher_export('main', 'copy_source')").fetchone()
            for pragma in ("user_version", "application_id"):
                value = conn.execute(f"PRAGMA copy_source.{pragma}").fetchone()[0]
                conn.execute(f"PRAGMA main.{pragma} = {int(value)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("DETACH DATABASE copy_source")
    finally:
        conn.close()


SEALED_APPLICATION_ID = 0x5A43504B  # "ZCPK": a sealed (encrypted) package, not a database


def seal(data: bytes, target: Path, password: str) -> None:
    """Write ``data`` (a full package's zip) to ``target`` encrypted with ``password`` (a SQLCipher file holding it:
    the same vetted cipher as the database, no home-made one); ``unseal`` reads it back."""
    key = new_key(password)
    conn = connect(target, key)
    try:
        conn.execute(f"PRAGMA application_id = {SEALED_APPLICATION_ID}")
        conn.execute("CREATE TABLE sealed (data BLOB NOT NULL)")
        conn.execute("INSERT INTO sealed (data) VALUES (?)", [data])
    finally:
        conn.close()


def unseal(path: str | Path) -> bytes | None:
    """What ``seal`` wrote at ``path``, through a key that opened it in this process (``unlock``); None when the
    key is not known, or the file is not a sealed package."""
    key = known_key(path)
    if key is None:
        return None
    conn = connect(path, key, readonly=True)
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != SEALED_APPLICATION_ID:
            return None
        row = conn.execute("SELECT data FROM sealed").fetchone()
        return bytes(row[0]) if row else None
    finally:
        conn.close()


def fresh_file(path: Path) -> Path:
    """Where a re-encrypted copy of the database at ``path`` is written before it replaces it."""
    return path.with_name(f".{path.name}.新.部分写入")


def aside_file(path: Path) -> Path:
    """Where the database's previous file waits, during a re-encryption, to be overwritten and deleted."""
    return path.with_name(f".{path.name}.旧.部分写入")


def finish_interrupted(path: str | Path) -> None:
    """Finish a re-encryption (``encryption.change_key``) that a crash or power cut stopped between its steps;
    called before the database is opened. Cheap when there is nothing to finish (two stat calls)."""
    path = Path(path)
    fresh, aside = fresh_file(path), aside_file(path)
    if not path.exists() and aside.exists():  # stopped between the two moves: the new file was checked before them
        os.replace(fresh if fresh.exists() else aside, path)
    if fresh.exists():  # stopped before the moves: the old file is still in place, the change did not happen
        wipe(fresh)
    if aside.exists():  # stopped before the old file was overwritten
        wipe(aside)


def replace_and_wipe(fresh: Path, target: Path) -> None:
    """Put ``fresh`` in place of ``target`` atomically (``target`` never missing), then overwrite the old content:
    a second name (hard link) keeps the old file reachable until it is overwritten. Where the file system has no
    hard links (FAT), the old file is moved aside first, then overwritten."""
    aside = target.with_name(f".{target.name}.旧")
    if aside.exists():
        wipe(aside)
    try:
        os.link(target, aside)
        os.replace(fresh, target)
    except OSError:
        os.replace(target, aside)
        os.replace(fresh, target)
    wipe(aside)


def wipe(path: Path) -> None:
    """Overwrite a file's bytes with zeros, then delete it (a plaintext copy must not stay behind; a
    journaling file system or an SSD may still keep old blocks, see the README)."""
    path = Path(path)
    if not path.exists():
        return
    size = path.stat().st_size
    with open(path, "r+b") as file:
        block = b"\x00" * 65536
        for _ in range(0, size, len(block)):
            file.write(block)
        file.flush()
        os.fsync(file.fileno())
    path.unlink()


# --------------------------------------------------------------------------------------------------
# Wrong guesses: a doubling wait, kept beside the database so that a new process does not reset it

FIRST_WAIT, LONGEST_WAIT = 1.0, 300.0  # seconds after the first wrong guess; the wait doubles up to 5 minutes


class Attempts:
    """Wrong passwords typed for the database at ``db_path``: their times, in a small file beside it (the database
    itself may be encrypted and cannot record a guess that did not open it), each marked once it is in the 操作记录."""

    def __init__(self, db_path: str | Path):
        path = Path(db_path)
        self.file = path.with_name(f"{path.name}.密码尝试")

    def _read(self) -> list[list]:
        try:
            text = self.file.read_text(encoding="utf-8")
        except OSError:  # none (no wrong guess since the last right one): json not even imported
            return []
        import json

        try:
            entries = json.loads(text).get("wrong", [])
            return [[float(when), bool(logged)] for when, logged in entries][-100:]
        except (OSError, ValueError, AttributeError, TypeError):
            return []

    def _write(self, entries: list[list]) -> None:
        import json

        try:
            self.file.write_text(json.dumps({"wrong": entries[-100:]}), encoding="utf-8")
        except OSError:  # a read-only folder: the database cannot be written either
            pass

    def wrong(self, all_of_them: bool = False) -> list[float]:
        """The times (epoch seconds) of the wrong guesses since the last right one not yet in the 操作记录
        (``all_of_them``: logged or not)."""
        return [when for when, logged in self._read() if all_of_them or not logged]

    def wait(self, now: float | None = None) -> float:
        """Seconds still to wait before the next guess is checked (0 when none)."""
        entries = self._read()
        if not entries:
            return 0.0
        due = entries[-1][0] + min(FIRST_WAIT * 2 ** (len(entries) - 1), LONGEST_WAIT)
        return max(0.0, due - (time.time() if now is None else now))

    def failed(self, now: float | None = None) -> None:
        self._write(self._read() + [[time.time() if now is None else now, False]])

    def mark_logged(self) -> None:
        self._write([[when, True] for when, _ in self._read()])

    def succeeded(self) -> None:
        """Forget the wrong guesses (after a right one; those not yet in the 操作记录 are written there first)."""
        try:
            self.file.unlink()
        except OSError:
            pass


def checked(attempts: Attempts, check: Callable[[], bool], sleep: Callable[[float], None] = time.sleep) -> bool:
    """Run ``check`` (is the password right?) after the wait the earlier wrong guesses impose; record the outcome."""
    remaining = attempts.wait()
    if remaining > 0:
        sleep(remaining)
    if check():
        return True
    attempts.failed()
    return False


class Opened(NamedTuple):
    """What a password (or recovery key) opened of an encrypted file: its ``key``; ``proven``: the key opened the
    file itself (False: a file standing in for it did, see ``open_with``); ``by_recovery_key``."""

    key: Key
    proven: bool
    by_recovery_key: bool


def open_with(path: str | Path, secret: str, attempts_of: str | Path | None = None, sleep: Callable[[float], None] = time.sleep,
              stand_ins: Callable[[], list[Path]] | None = None, deriver: KeyDeriver | None = None) -> Opened | None:  # fmt: skip
    """What ``secret`` (the password or the recovery key) opens of the encrypted file at ``path``, after the wait
    earlier wrong guesses impose (those counted for ``attempts_of``, by default ``path``: a backup's guesses count for
    its database); None when it is wrong (recorded once). ``stand_ins()``: files with the same salt (the same key)
    to try when none of the keys opens ``path``: a database whose first page is damaged opens with no key, and
    the key that opens its backup is its key (``proven`` False: the start-up checks then find the damage). ``deriver``:
    the password's key derived ahead while it was typed (``KeyDeriver``), checked only here, after the wait."""
    found: list[Opened] = []

    def opens(target, keys: list[Key], proven: bool) -> bool:
        for key in keys:
            try:
                connect(target, key, readonly=True).close()
            except WrongPassword:
                continue
            found.append(Opened(key, proven, recovery_key(secret) == key.key))
            return True
        return False

    def check() -> bool:
        keys = keys_for(path, secret, deriver)  # derived once: a stand-in has the same salt
        return opens(path, keys, True) or any(opens(other, keys, False) for other in (stand_ins() if stand_ins else []))

    return found[0] if checked(Attempts(attempts_of or path), check, sleep) else None


def unlock(path: str | Path, secret: str, sleep: Callable[[float], None] = time.sleep, attempts_of: str | Path | None = None) -> Key:
    """The key that opens the encrypted file at ``path`` with ``secret`` (the password or the recovery key),
    after the wait earlier wrong guesses impose (``open_with``). WrongPassword when it does not open it."""
    opened = open_with(path, secret, attempts_of, sleep)
    if opened is None:
        raise WrongPassword("密码（或恢复密钥）不对，无法打开加密的数据库。多次输错后，每次需要等待的时间会加倍。")
    return opened.key

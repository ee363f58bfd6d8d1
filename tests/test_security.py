"""The program password: its stored hash (an older version's) checked against a floor, wrong guesses slowed down
and written to the 操作记录, and the database encrypted with it (SQLCipher) together with its backups."""

from __future__ import annotations

import os
import sqlite3

import pytest

from zhaocun_desktop import audit, backup, backup_files, crypto, encryption, privacy, queries, records, security
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.registers import MEDIATION_CASE, PETITION

FULL_ID, MOBILE = "410423199003081234", "13800138000"
PASSWORD = "司法所2024"


def _fill(db) -> None:
    records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中",
                                            id_number=FULL_ID, phone=MOBILE))  # fmt: skip
    records.insert(db, PETITION, dict(reg_date="2023-05-06", level="本镇", status="在办", matter=f"信访人身份证 {FULL_ID[:6]} {FULL_ID[6:14]} {FULL_ID[14:]}，电话138-0013-8000"))


def _leaks(path) -> bool:
    data = open(path, "rb").read()
    return any(needle.encode() in data for needle in (FULL_ID, MOBILE, "19900308", "0013-8000", "赵村村"))


def test_hash_is_salted_and_verifies():
    first, second = security.hash_password(PASSWORD), security.hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$")
    assert security.verify_password(PASSWORD, first) and not security.verify_password("司法所2023", first)


@pytest.mark.parametrize("stored", ["not-a-hash", "scrypt$16384$8$1$zz$00", "scrypt$abc$8$1$00$00", "", "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 8])
def test_a_malformed_stored_hash_is_a_clear_refusal(stored):
    with pytest.raises(security.BrokenPasswordHash, match="格式不对或强度不够"):
        security.verify_password("x", stored)


def test_a_stored_hash_cannot_lower_the_key_derivation():
    import hashlib

    salt = os.urandom(16)
    weak = f"scrypt$2$1$1${salt.hex()}${hashlib.scrypt(b'1234', salt=salt, n=2, r=1, p=1, dklen=32).hex()}"
    with pytest.raises(security.BrokenPasswordHash):
        security.verify_password("1234", weak)


def test_an_older_versions_password_row_still_guards_a_plain_file(db):
    db.execute("INSERT INTO setting (key, value) VALUES (?, ?)", [security.PASSWORD_KEY, security.hash_password("1234")])
    assert security.has_password(db) and not security.is_encrypted(db)
    assert security.check_password(db, "1234") and not security.check_password(db, "4321", sleep=lambda s: None)
    db.execute("UPDATE setting SET value = 'scrypt$2$1$1$00$00' WHERE key = ?", [security.PASSWORD_KEY])
    with pytest.raises(UserError, match="格式不对"):
        security.check_password(db, "1234", sleep=lambda s: None)


def test_wrong_guesses_wait_twice_as_long_each_time_even_in_a_new_process(db, db_path):
    encryption.set_password(db, PASSWORD)
    waits = []
    for _ in range(4):
        assert not security.check_password(db, "错的", sleep=waits.append)
    # the wait before each check: none, then 1, 2, 4 s (less what passed since; the fake sleep does not pass time)
    assert [round(w) for w in waits] == [1, 2, 4]
    assert round(crypto.Attempts(db_path).wait()) == 8  # kept beside the file: a new process waits as long
    notes = [r["note"] for r in audit.audit_rows(db, "setting")]
    assert sum("程序密码输入错误" in n for n in notes if n) == 4
    assert security.check_password(db, PASSWORD, sleep=waits.append) and crypto.Attempts(db_path).wait() == 0


def test_guesses_that_did_not_open_the_file_are_written_when_it_opens(db, db_path):
    encryption.set_password(db, PASSWORD)
    db.close()
    for _ in range(2):
        with pytest.raises(crypto.WrongPassword):
            crypto.unlock(db_path, "错的", sleep=lambda s: None)
    again = open_db(db_path, key=crypto.unlock(db_path, PASSWORD, sleep=lambda s: None))
    try:
        assert any("打开数据库前程序密码输错 2 次" in (r["note"] or "") for r in audit.audit_rows(again, "setting"))
        assert not crypto.Attempts(db_path).wrong(all_of_them=True)
    finally:
        again.close()


def test_the_encrypted_file_backups_and_the_recovery_key(db, db_path):
    _fill(db)
    old = backup_files.make_backup(db.conn, db_path, "manual")  # made before the password: plaintext
    assert _leaks(old)
    recovery = encryption.set_password(db, PASSWORD)
    assert len(recovery.replace("-", "")) == 52
    made = backup_files.make_backup(db.conn, db_path, "manual")
    db.close()
    for path in (db_path, old, made):
        assert crypto.is_encrypted(path) and not _leaks(path), path
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert not [p for p in db_path.parent.iterdir() if p.name.startswith(".")]  # no copy left beside it
    assert not [p for p in old.parent.iterdir() if p.name.startswith(".")]  # nor beside the backups
    with pytest.raises(crypto.KeyNeeded):
        open_db(db_path)
    crypto.forget_keys()
    for path in (db_path, old, made):  # the recovery key opens each of them
        conn = crypto.connect(path, crypto.unlock(path, recovery.lower().replace("-", " ")), readonly=True)
        assert conn.execute("SELECT id_number FROM mediation_party").fetchone()[0] == FULL_ID
        conn.close()


def test_an_encrypted_file_keeps_more_decrypted_pages_than_a_plain_one(db, db_path):
    """Each page of an encrypted file is decrypted as it is read (the system caches only the encrypted page): its
    connections keep db.ENCRYPTED_CACHE_KIB of pages, so a second search finds its index's pages decrypted."""
    from zhaocun_desktop.db import ENCRYPTED_CACHE_KIB

    plain = db.execute("PRAGMA cache_size").fetchone()[0]
    assert plain != -ENCRYPTED_CACHE_KIB
    encryption.set_password(db, PASSWORD)
    db.close()
    again = open_db(db_path, key=crypto.unlock(db_path, PASSWORD))
    assert again.execute("PRAGMA cache_size").fetchone()[0] == -ENCRYPTED_CACHE_KIB
    again.close()


def test_deleting_the_password_row_removes_no_protection(db, db_path):
    encryption.set_password(db, PASSWORD)
    db.execute("DELETE FROM setting WHERE key = ?", [security.PASSWORD_KEY])
    assert security.has_password(db)
    with pytest.raises(privacy.PasswordRequired):
        privacy.reveal(db, "导出完整信息", None)


def test_changing_and_removing_the_password(db, db_path):
    _fill(db)
    first = encryption.set_password(db, PASSWORD)
    second = encryption.set_password(db, "新密码2025")
    assert first != second and security.check_password(db, "新密码2025")
    db.close()
    crypto.forget_keys()
    with pytest.raises(crypto.WrongPassword):
        crypto.unlock(db_path, PASSWORD, sleep=lambda s: None)
    again = open_db(db_path, key=crypto.unlock(db_path, second, sleep=lambda s: None))
    try:
        encryption.remove_password(again)
        assert not security.has_password(again) and not crypto.is_encrypted(db_path)
        assert queries.count(again, MEDIATION_CASE) == 1
        notes = [r["note"] for r in audit.audit_rows(again, "setting")]
        assert encryption.SET in notes and encryption.CHANGED in notes and encryption.REMOVED in notes
    finally:
        again.close()


def test_a_restore_keeps_the_current_password(db, db_path):
    _fill(db)
    before = backup_files.make_backup(db.conn, db_path, "manual")
    db.execute("INSERT INTO setting (key, value) VALUES (?, ?)", [security.PASSWORD_KEY, security.hash_password("1234")])  # an older version's password
    backup.restore(db.conn, db_path, before)  # a backup from before the password: the password stays
    assert security.has_password(db) and security.check_password(db, "1234")
    encryption.set_password(db, PASSWORD)
    backup.restore(db.conn, db_path, before)  # encrypted now: a plaintext backup's data comes in encrypted
    assert security.is_encrypted(db) and queries.count(db, MEDIATION_CASE) == 1
    db.close()
    assert not _leaks(db_path) and crypto.is_encrypted(before)  # the old backup was encrypted with the password


def test_an_interrupted_re_encryption_is_finished_when_opened(db, db_path):
    _fill(db)
    encryption.set_password(db, PASSWORD)
    db.close()
    key = crypto.known_key(db_path)
    aside = crypto.aside_file(db_path)
    os.replace(db_path, crypto.fresh_file(db_path))  # as if the power went between the two moves
    aside.write_bytes(b"old plaintext " + FULL_ID.encode())
    again = open_db(db_path, key=key)
    try:
        assert queries.count(again, MEDIATION_CASE) == 1 and not aside.exists()
    finally:
        again.close()


def test_the_lock_time(db):
    security.set_lock_minutes(db, 5)
    assert security.lock_minutes(db) == 5
    assert [r["note"] for r in audit.audit_rows(db, "setting")][-1] == "自动锁定时间改为5分钟"
    with pytest.raises(UserError, match="至少"):
        encryption.set_password(db, "12")


@pytest.mark.parametrize("head", [b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0", b"%PDF-1.7"])
def test_a_package_workbook_or_pdf_of_whole_pages_is_not_taken_for_an_encrypted_file(tmp_path, head):
    """A zip (a data package, an .xlsx), an OLE file (.xls) or a PDF whose size happens to be a multiple of 512
    was read as a sealed file: a plain package then asked for a package password (a random failure in the suite)."""
    path = tmp_path / "数据包.zip"
    path.write_bytes(head + bytes(range(256)) * 8 + b"\x00" * (2048 - len(head)))
    assert path.stat().st_size % 512 == 0 and not crypto.is_encrypted(path)
    path.write_bytes(b"\x17" * 16 + path.read_bytes()[16:])  # random salt bytes in front: encrypted-looking again
    assert crypto.is_encrypted(path)

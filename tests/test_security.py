"""The program password: salted scrypt, never stored in clear."""

import pytest

from zhaocun_desktop import records, security
from zhaocun_desktop.errors import UserError


def test_hash_is_salted_and_verifies():
    first, second = security.hash_password("司法所2024"), security.hash_password("司法所2024")
    assert first != second and first.startswith("scrypt$")
    assert security.verify_password("司法所2024", first) and not security.verify_password("司法所2023", first)
    assert not security.verify_password("x", "not-a-hash")


def test_password_in_the_database(db):
    assert not security.has_password(db) and security.check_password(db, "anything")
    security.set_password(db, "1234")
    stored = db.execute("SELECT value FROM setting WHERE key = 'password_hash'").fetchone()[0]
    assert "1234" not in stored
    assert security.check_password(db, "1234") and not security.check_password(db, "4321")
    assert "password_hash" not in records.settings(db)
    with pytest.raises(UserError, match="至少"):
        security.set_password(db, "12")
    security.set_password(db, None)
    assert not security.has_password(db)
    security.set_lock_minutes(db, 5)
    assert security.lock_minutes(db) == 5
    assert [r["note"] for r in records.audit_rows(db, "setting")][-1] == "自动锁定时间改为5分钟"

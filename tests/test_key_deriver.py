"""``crypto.KeyDeriver``: the key of a password derived ahead while it is typed. The latest text wins, a result for an
older text is never handed out, the key equals ``crypto.derive``'s for the same salt (the parameters are the
program's), nothing is tried against the file before 确定 (``open_with`` still counts a wrong guess once), and the
thread ends. A derivation the test holds (an Event) stands in for scrypt's 50 ms where the order matters."""

from __future__ import annotations

import threading

import pytest

from zhaocun_desktop import audit, crypto, encryption
from zhaocun_desktop.db import open_db

SALT = bytes(range(16))


class HeldDerivation:
    """A derivation that waits until the test lets it finish (``let()``: the next one, ``go.set()``: all); records which
    texts were started and derived, in order."""

    def __init__(self):
        self.started, self.derived = [], []
        self.go = threading.Event()
        self.running = threading.Event()
        self._one = threading.Semaphore(0)

    def let(self) -> None:
        self._one.release()

    def __call__(self, text: str, salt: bytes) -> bytes:
        self.started.append(text)
        self.running.set()
        for _ in range(1000):
            if self.go.is_set() or self._one.acquire(timeout=0.01):
                break
        self.derived.append(text)
        return b"key of " + text.encode("utf-8") + salt


def _wait_for(condition, seconds: float = 10.0) -> None:
    done = threading.Event()
    for _ in range(int(seconds * 100)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("not reached")


def test_the_key_derived_ahead_is_crypto_derive_of_the_same_text_and_salt():
    deriver = crypto.KeyDeriver(SALT)
    for end in range(1, len("司法所密码2024") + 1):  # typed one character at a time
        deriver.feed("司法所密码2024"[:end])
    _wait_for(lambda: deriver.ready("司法所密码2024"))
    assert deriver.key("司法所密码2024", SALT) == crypto.derive("司法所密码2024", SALT)
    deriver.close()
    assert deriver._thread is None and not deriver.ready("司法所密码2024")  # ended, the key dropped


def test_the_latest_text_is_derived_next_and_the_texts_between_are_skipped():
    held = HeldDerivation()
    deriver = crypto.KeyDeriver(SALT, held)
    deriver.feed("a")
    held.running.wait(5)
    for text in ("ab", "abc", "abcd"):  # typed while "a" is derived
        deriver.feed(text)
    held.go.set()
    _wait_for(lambda: deriver.ready("abcd"))
    assert held.derived == ["a", "abcd"]  # one at a time, the latest next
    assert deriver.key("abcd", SALT) == b"key of abcd" + SALT
    deriver.close()


def test_a_key_that_ends_after_its_text_changed_is_thrown_away():
    held = HeldDerivation()
    deriver = crypto.KeyDeriver(SALT, held)
    deriver.feed("a")
    held.running.wait(5)
    deriver.feed("ab")
    held.let()  # "a" ends while "ab" is the text
    _wait_for(lambda: held.started == ["a", "ab"])
    assert held.derived == ["a"] and not deriver.ready("a") and deriver._ready is None
    got = []
    confirm = threading.Thread(target=lambda: got.append(deriver.key("ab", SALT)))
    confirm.start()  # 确定 while "ab" is derived: waits for it
    confirm.join(0.1)
    assert confirm.is_alive()
    held.let()
    confirm.join(5)
    assert got == [b"key of ab" + SALT] and held.derived == ["a", "ab"]
    deriver.close()


def test_a_result_for_an_older_text_is_never_handed_out():
    held = HeldDerivation()
    deriver = crypto.KeyDeriver(SALT, held)
    deriver.feed("secret1")
    held.running.wait(5)
    deriver.feed("secret12")  # the text changed while "secret1" was derived
    deriver.feed("secret1")  # ... and back (a character deleted): the running derivation is its own again
    held.go.set()
    _wait_for(lambda: deriver.ready("secret1"))
    assert held.derived == ["secret1"]
    deriver.feed("secret1x")
    assert not deriver.ready("secret1")  # dropped as soon as the text changed
    _wait_for(lambda: deriver.ready("secret1x"))
    # 确定 with a text that is not the latest one fed (never in the dialog; the deriver does not trust it): derived now
    assert deriver.key("secret1", SALT) == b"key of secret1" + SALT and held.derived == ["secret1", "secret1x", "secret1"]
    assert deriver.key("secret1x", SALT) == b"key of secret1x" + SALT and len(held.derived) == 3  # the one ready
    deriver.close()


def test_confirming_while_the_final_text_is_derived_waits_for_that_derivation():
    held = HeldDerivation()
    deriver = crypto.KeyDeriver(SALT, held)
    deriver.feed("pass")
    held.running.wait(5)
    got = []
    confirm = threading.Thread(target=lambda: got.append(deriver.key("pass", SALT)))
    confirm.start()
    confirm.join(0.1)
    assert confirm.is_alive() and not got  # waiting for the derivation that runs, not starting a second one
    held.go.set()
    confirm.join(5)
    assert got == [b"key of pass" + SALT] and held.derived == ["pass"]
    deriver.close()


def test_another_salt_or_an_empty_text_is_derived_on_confirming():
    held = HeldDerivation()
    held.go.set()
    deriver = crypto.KeyDeriver(SALT, held)
    deriver.feed("")
    assert deriver._thread is None and held.started == []  # nothing to derive
    deriver.feed("pass")
    _wait_for(lambda: deriver.ready("pass"))
    other = bytes(16)
    assert deriver.key("pass", other) == b"key of pass" + other and held.derived == ["pass", "pass"]
    deriver.close()


def test_closing_while_a_key_is_derived_ends_the_thread_and_keeps_nothing():
    held = HeldDerivation()
    deriver = crypto.KeyDeriver(SALT, held)
    deriver.feed("pass")
    held.running.wait(5)
    closing = threading.Thread(target=deriver.close)
    closing.start()
    held.go.set()
    closing.join(5)
    assert not closing.is_alive() and deriver._thread is None
    assert not deriver.ready("pass") and deriver._latest == ""
    deriver.feed("again")  # a change after closing (the box cleared): nothing derived
    assert deriver._thread is None and held.started == ["pass"]


def test_a_derivation_that_fails_is_derived_again_on_confirming():
    calls = []

    def failing_once(text, salt):
        calls.append(text)
        if len(calls) == 1:
            raise MemoryError("scrypt could not have its 16 MB")
        return crypto.derive(text, salt)

    deriver = crypto.KeyDeriver(SALT, failing_once)
    deriver.feed("pass")
    _wait_for(lambda: deriver._thread is None)
    assert deriver.key("pass", SALT) == crypto.derive("pass", SALT) and calls == ["pass", "pass"]
    deriver.close()


@pytest.mark.parametrize("right_first", [False, True])
def test_open_with_a_key_derived_ahead_checks_it_only_then_and_counts_a_wrong_guess_once(db, db_path, right_first):
    recovery = encryption.set_password(db, "abc12345")
    db.close()
    crypto.forget_keys()
    deriver = crypto.KeyDeriver(crypto.file_salt(db_path))
    for end in range(1, 9):
        deriver.feed("abc12345"[:end])
    _wait_for(lambda: deriver.ready("abc12345"))
    assert crypto.Attempts(db_path).wrong(all_of_them=True) == []  # derived ahead: nothing tried, nothing counted
    if not right_first:
        deriver.feed("abc1234")
        assert crypto.open_with(db_path, "abc1234", sleep=lambda _s: None, deriver=deriver) is None
        assert len(crypto.Attempts(db_path).wrong()) == 1
        deriver.feed("abc12345")
    opened = crypto.open_with(db_path, "abc12345", sleep=lambda _s: None, deriver=deriver)
    assert opened.proven and not opened.by_recovery_key and opened.key.key == crypto.derive("abc12345", crypto.file_salt(db_path))
    deriver.feed(recovery)  # the recovery key typed instead: told apart as before, its password reading derived too
    assert crypto.open_with(db_path, recovery, sleep=lambda _s: None, deriver=deriver).by_recovery_key
    deriver.close()
    conn = open_db(db_path, key=opened.key)
    wrong = [r for r in audit.audit_rows(conn, "setting") if "程序密码输错" in (r["note"] or "")]
    conn.close()
    assert len(wrong) == (0 if right_first else 1)

"""A restore over a damaged database killed (SIGKILL) at random moments leaves the damaged file or the
restored one, never a half-written file (it left 0 bytes and a journal in 2 of 8 kills)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from zhaocun_desktop import backup_files, dbcheck
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo

# the child imports everything, says so, waits for the word, then restores: the kill lands in the restore itself
CHILD = """
import sys
from zhaocun_desktop.cli import main
print("ready", flush=True)
sys.stdin.readline()
sys.exit(main(["restore", "--force", "--db", sys.argv[1], sys.argv[2]]))
"""
KILLS = 36


def damage(path, seed: int) -> None:
    """40 random 16-byte blocks overwritten (as a failing disk or a crashed copy does)."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for _ in range(40):
        offset = rng.randrange(0, len(data) - 16)
        data[offset : offset + 16] = rng.randbytes(16)
    path.write_bytes(bytes(data))


def start(db_path, made):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db_path), str(made)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    assert child.stdout.readline().strip() == "ready"
    return child


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_a_restore_killed_at_any_moment_leaves_the_old_file_or_the_new_one(db_path):
    db = open_db(db_path)
    fill_demo(db)
    made = backup_files.make_backup(db.conn, db_path, "manual")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    counts = backup_files.record_counts(made)
    damage(db_path, 1)
    damaged = db_path.read_bytes()
    assert dbcheck.check_database(db_path, foreign_keys=False)

    def reset() -> None:
        for path in db_path.parent.iterdir():
            if path.name.startswith((f"{db_path.name}-", f".{db_path.name}", f"{db_path.stem}_损坏_")):
                path.unlink()
        db_path.write_bytes(damaged)

    reset()
    child = start(db_path, made)
    began = time.perf_counter()
    child.stdin.write("go\n")
    child.stdin.flush()
    assert child.wait(timeout=60) == 0
    whole = time.perf_counter() - began  # one restore from the word to its exit
    assert dbcheck.check_database(db_path) == [] and backup_files.record_counts(db_path) == counts

    rng = random.Random(21)
    seen = {"old": 0, "new": 0}
    for _ in range(KILLS):
        reset()
        child = start(db_path, made)
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0, whole))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        assert db_path.stat().st_size > 0
        if db_path.read_bytes() == damaged:
            seen["old"] += 1
        else:  # the restored copy, whole: sound and holding every record of the backup
            assert dbcheck.check_database(db_path) == [] and backup_files.record_counts(db_path) == counts
            seen["new"] += 1
        leftovers = [p.name for p in db_path.parent.iterdir() if p.name in (f"{db_path.name}-journal", f"{db_path.name}-wal")]
        assert not leftovers or db_path.read_bytes() == damaged, leftovers  # a journal beside the new file would be played into it
    assert seen["old"] and seen["new"], seen  # the kills fell before and after the rename, and everywhere between
    # whatever a kill left, the next restore finishes
    child = start(db_path, made)
    child.stdin.write("go\n")
    child.stdin.flush()
    assert child.wait(timeout=60) == 0
    assert dbcheck.check_database(db_path) == [] and backup_files.record_counts(db_path) == counts

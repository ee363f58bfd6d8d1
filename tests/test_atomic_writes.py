"""A bulk write killed with SIGKILL leaves all rows or none, and a sound file."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from zhaocun_desktop.db import open_db

ROWS = 20_000
CHILD = textwrap.dedent(
    f"""
    import sys
    from zhaocun_desktop import records
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.registers import MEDIATION_CASE
    db = open_db(sys.argv[1])
    rows = [dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里",
                 parties=f"甲{{i}}与乙", result="调解中") for i in range({ROWS})]
    def progress(done):
        if done == 1000:
            print("WRITING", flush=True)
    records.insert_many(db, MEDIATION_CASE, rows, progress=progress)
    print("DONE", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_during_bulk_insert_leaves_all_or_nothing(tmp_path):
    outcomes = []
    for attempt in range(10):
        path = tmp_path / f"kill{attempt}.db"
        open_db(path).close()
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, env=os.environ)
        assert child.stdout.readline().strip() == "WRITING"
        time.sleep(0.01 * attempt)  # kill at different points of the write
        child.send_signal(signal.SIGKILL)
        child.wait()
        db = open_db(path)
        count = db.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
        audit = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        assert (count, audit) in ((0, 0), (ROWS, ROWS)), f"partial write: {count} rows, {audit} audit rows"
        outcomes.append(count)
    assert 0 in outcomes, "the child was never killed mid-write; the test proves nothing"

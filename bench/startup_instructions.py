"""The start counted in machine instructions (valgrind's callgrind): the program until its records are shown and until
its window is painted, beside the bare PySide6 window of ``bench/startup.py`` until it is painted.

    PYTHONPATH=. .venv/bin/python bench/startup_instructions.py [--also DIR ...]

Wall-clock times on a shared virtual machine move by 10–30 ms between runs of one program (``bench/startup.py`` says
so), so a change of a few milliseconds cannot be seen there. An instruction count moves by less than 0.1 % between
runs, and on this machine 3 million instructions are about 1 ms of the start; ratios of counts come out close to the
ratios of times (both 1.49× on 2026-11-29). It is a diagnosis beside the goal, which stays in time: it cannot see what
runs at the same time (the database checks' thread, counted in the total, runs beside the window) nor waits.

Each program runs once under callgrind (~20 s each; valgrind must be installed: ``apt-get install valgrind``), with
``PYTHONHASHSEED=0``, the garbage collector off as ``__main__`` turns it off, and timers of a second or more left out (the
program's "at the latest after 2 s" timers would otherwise fire during a start slowed fifty times). ``--also DIR`` counts
the program of another checkout too (e.g. ``git worktree add ../before HEAD~3``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from startup import BARE

WRAPPER = """
import gc
gc.disable()
import builtins, os, sys
if not os.environ.get("BARE_WINDOW"):
    import zhaocun_desktop.cli  # the core first, as the program starts
from PySide6 import QtCore
_single_shot = QtCore.QTimer.singleShot
def single_shot(ms, *args):
    return None if isinstance(ms, int) and ms >= 1000 else _single_shot(ms, *args)
QtCore.QTimer.singleShot = single_shot
_print = builtins.print
def stop_at_marker(*args, **kwargs):
    if args and args[0] == os.environ["STOP_AT"]:
        sys.stderr.write("STOPPED\\n")
        sys.stderr.flush()
        os._exit(0)
    return _print(*args, **kwargs)
builtins.print = stop_at_marker
if os.environ.get("BARE_WINDOW"):
    exec(os.environ["BARE_WINDOW"])
else:
    sys.argv = ["zhaocun_desktop", "--demo"]
    zhaocun_desktop.cli.main()
"""


def count(root: Path | None, marker: str, env: dict, folder: Path) -> tuple[int, int]:
    """Instructions until ``marker``: (all threads, the main thread)."""
    out = Path(tempfile.mkdtemp(dir=folder))
    run_env = dict(env, STOP_AT=marker, PYTHONHASHSEED="0")
    if root is None:
        run_env["BARE_WINDOW"] = BARE
    else:
        run_env["PYTHONPATH"] = str(root)
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out}/cg.out", sys.executable, "-c", WRAPPER],
        env=run_env, cwd=root or folder, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if "STOPPED" not in result.stderr:
        raise SystemExit(f"the start did not reach {marker}:\n{result.stderr[-3000:]}")
    totals = {}
    for part in out.glob("cg.out*"):
        found = re.search(r"^(?:summary|totals): (\d+)", part.read_text(errors="replace"), re.MULTILINE)
        if found:
            totals[part.name] = int(found.group(1))
    main = totals.get("cg.out-01", max(totals.values()))
    return sum(totals.values()), main


def main() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    arguments = sys.argv[1:]
    others = [Path(arguments[i + 1]).resolve() for i, a in enumerate(arguments[:-1]) if a == "--also"]
    folder = Path(tempfile.mkdtemp())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHAOCUN_DATA_DIR=str(folder), ZHAOCUN_QUIT_AFTER_SHOW="1")
    if env.pop("PYTHONDONTWRITEBYTECODE", None):  # compiled once, as bench/startup.py does
        env["PYTHONPYCACHEPREFIX"] = str(folder / "byte-code")
    here = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "zhaocun_desktop", "demo", "--db", str(folder / "示例数据.db")], check=True, stdout=subprocess.DEVNULL, env=env, cwd=here)
    for root in [here, *others]:  # unmeasured: byte-code written
        subprocess.run([sys.executable, "-m", "zhaocun_desktop", "--demo"], env=dict(env, PYTHONPATH=str(root)), cwd=root, capture_output=True, timeout=120)
    bare_all, bare_main = count(None, "MAIN_WINDOW_PAINTED", env, folder)
    print(f"bare PySide6, 4 table views, painted        : {bare_all / 1e6:7.1f} M instructions")
    for root in [here, *others]:
        painted_all, _ = count(root, "MAIN_WINDOW_PAINTED", env, folder)
        shown_all, shown_main = count(root, "RECORDS_PAINTED", env, folder)
        if others:
            print(f"-- {root}")
        print(f"zhaocun_desktop --demo, window painted       : {painted_all / 1e6:7.1f} M  ratio {painted_all / bare_all:.2f}x")
        print(f"zhaocun_desktop --demo, records shown        : {shown_all / 1e6:7.1f} M  ratio {shown_all / bare_all:.2f}x"
              f"  (main thread {shown_main / 1e6:.1f} M, {shown_main / bare_main:.2f}x; the rest is the database checks' thread)")  # fmt: skip


if __name__ == "__main__":
    main()

"""What the start costs in Python enums and garbage collections: the program until its records are
shown, beside the bare window of ``bench/startup.py`` until it is painted (a diagnosis beside that
benchmark, not a goal).

    PYTHONPATH=. .venv/bin/python bench/startup_enums.py

PySide6 turns each Qt enum into a Python ``enum`` class the first time its class (or the ``Qt``
namespace) is used; each costs a fraction of a millisecond, and the start creates hundreds. Counted
by wrapping ``enum.EnumType._create_``; collections through ``gc.callbacks``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from startup import BARE

SPY = textwrap.dedent(
    """
    import builtins, enum, gc, sys, time
    created, collected, state = [], [], {"reported": False}
    create = enum.EnumType._create_
    def counted(cls, name, *args, **kwargs):
        started = time.perf_counter()
        made = create(cls, name, *args, **kwargs)
        created.append((kwargs.get("qualname") or name, time.perf_counter() - started))
        return made
    enum.EnumType._create_ = counted
    def collection(phase, info):
        if phase == "start":
            collection.started = time.perf_counter()
        else:
            collected.append(time.perf_counter() - collection.started)
    gc.callbacks.append(collection)
    shown = builtins.print
    def report(*args, **kwargs):
        if args and args[0] in (MARKER,) and not state["reported"]:
            state["reported"] = True
            names = sorted({name for name, _ in created})
            sys.stderr.write(f"ENUMS {len(created)} {sum(t for _, t in created) * 1000:.1f} GC {len(collected)} {sum(collected) * 1000:.1f} NAMES {','.join(names)}\\n")
        return shown(*args, **kwargs)
    builtins.print = report
    """
)


def measure(code: str, marker: str, env: dict) -> tuple[int, float, int, float, set[str]]:
    result = subprocess.run([sys.executable, "-c", SPY.replace("MARKER", repr(marker)) + code], env=env, capture_output=True, text=True, timeout=300)
    line = next((line for line in result.stderr.splitlines() if line.startswith("ENUMS ")), None)
    if line is None:
        raise SystemExit(f"no report:\n{result.stderr[-2000:]}")
    _, enums, enum_ms, _, collections, gc_ms, _, names = line.split(" ", 7)
    return int(enums), float(enum_ms), int(collections), float(gc_ms), set(names.split(","))


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), ZHAOCUN_DATA_DIR=str(folder), ZHAOCUN_QUIT_AFTER_SHOW="1")
    if env.pop("PYTHONDONTWRITEBYTECODE", None):  # compiled once, as bench/startup.py does
        env["PYTHONPYCACHEPREFIX"] = str(folder / "byte-code")
    program = "\nimport sys\nsys.argv = ['zhaocun_desktop', '--demo']\nfrom zhaocun_desktop.cli import main\nmain()\n"
    measure(program, "RECORDS_PAINTED", env)  # unmeasured: the sample database is built, byte-code written
    ours = measure(program, "RECORDS_PAINTED", env)
    bare = measure(BARE, "MAIN_WINDOW_PAINTED", env)
    for label, (enums, enum_ms, collections, gc_ms, _) in (("zhaocun_desktop --demo, records shown", ours), ("bare PySide6 window, painted", bare)):
        print(f"{label:<40} {enums:>4} enums created ({enum_ms:5.1f} ms with the counting)   {collections:>3} GC runs ({gc_ms:4.1f} ms)")
    extra = sorted(ours[4] - bare[4])
    print(f"enum classes the program creates and the bare window does not: {len(extra)}, e.g. {', '.join(extra[:12])}")


if __name__ == "__main__":
    main()

"""Process start to first painted window: the program on the sample database vs a bare
PySide6 window with four table views, side by side in the same run.

    .venv/bin/python bench/startup.py [RUNS] [--as-is] [--also DIR ...] [--encrypted]

"records shown" is the moment the program prints RECORDS_PAINTED: after the first screen's own
widget (a list's rows, or 总览's charts with the figures in them) has painted, not the window's
frame. Both programs run with compiled byte-code, as an installed or frozen program does: when
PYTHONDONTWRITEBYTECODE is set (every start would then compile the program's sources again),
both get a private byte-code folder and one unmeasured start first. ``--as-is`` keeps the
environment as it is. ``--also DIR`` times the program of another checkout (DIR is its root: an
older commit made with ``git worktree add``) in the same rounds, so that a change is measured
against what it changes, under the same machine load, and not against last week's figure.
``--encrypted`` also times the same program on the sample database with a program password set (SQLCipher,
the key derived from the password with scrypt), in the same rounds, as the clerk meets it: the login dialog paints,
the password is TYPED into its real password box one character every TYPING_MS (150 ms, a clerk's pace; the
program's own hook, ZHAOCUN_BENCH_PASSWORD and ZHAOCUN_BENCH_TYPING_MS, inserts each character and clicks 确定),
and the program prints LOGIN_DIALOG_PAINTED, OK_PRESSED and RECORDS_PAINTED. Reported: (a) process start → login
dialog painted, (b) 确定 → records shown, and (c) = (a) + (b), the start without the clerk's typing, which is the
figure against the 1.5x goal (while the clerk types, the window is built and the key of the text so far derived
ahead: crypto.KeyDeriver). Printed beside it, so that nothing is hidden: the same start with the password known at
start and nothing derived ahead (the password given at once in the dialog's place: scrypt on the path). ``--also``
checkouts run the encrypted sample too; one without the typing hook prints that it cannot be compared.

On a shared virtual machine two runs of 15 rounds differ by up to 30 ms for the same program (an
A/A run: one commit checked out twice): a change of a few milliseconds is measured in-process, not
here. The per-round ratio and the fastest starts, printed under each program, move less than the
medians do.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BARE = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QTabWidget
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget()
    for name in ("一", "二", "三", "四"):
        tabs.addTab(QTableView(), name)
    window.setCentralWidget(tabs)
    class First(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                print("MAIN_WINDOW_PAINTED", flush=True)
                QTimer.singleShot(0, app.quit)
            return False
    watcher = First()
    window.installEventFilter(watcher)
    window.show()
    app.exec()
    """
)
# The same bare window that also imports PySide's ``Qt`` namespace, as any window that aligns a text or
# sets a flag must: PySide6 turns the namespace's ~97 enums into Python enums on that import. Printed
# beside the goal's baseline (never instead of it) to show how much of the gap that one import is.
BARE_WITH_QT = BARE.replace("import sys\n", "import sys\nfrom PySide6.QtCore import Qt\n", 1)
# The floor of a 总览 first screen: the bare window whose first tab holds 总览's four charts (the program's
# own chart widgets, which paint without building the ``Qt`` namespace: gui/charts.py) with fixed numbers,
# timed to the last chart's paint. No database, no core module, no menus, no translation. Printed for comparison only:
# what the program does beyond it is what the goal leaves room for.
CHARTS_ONLY = BARE.replace(
    'for name in ("一", "二", "三", "四"):\n    tabs.addTab(QTableView(), name)\n',
    textwrap.dedent(
        """
        from PySide6.QtWidgets import QGridLayout, QWidget
        from zhaocun_desktop.gui.charts import BarChart, MonthChart, ShareChart
        page = QWidget()
        grid = QGridLayout(page)
        month = MonthChart("月度走势")
        month.set_series([("2024年", [3, 5, 2, 8, 6, 4, 7, 9, 3, 2, 5, 6]), ("2023年", [2, 4, 3, 5, 6, 3, 4, 5, 2, 3, 4, 5])])
        types = BarChart("纠纷类型")
        types.set_items([("婚姻家庭", 12), ("邻里", 9), ("合同", 5), ("损害赔偿", 4)])
        share = ShareChart("调解结果")
        share.set_items([("调解成功", 30), ("调解不成", 4), ("调解中", 3)])
        last = BarChart("案件最多的村(居)")
        last.set_items([("赵村村", 9), ("邱店村", 7), ("中汤村", 5)])
        for index, chart in enumerate((month, types, share, last)):
            grid.addWidget(chart, index // 2, index % 2)
        tabs.addTab(page, "总览")
        for name in ("二", "三", "四"):
            tabs.addTab(QTableView(), name)
        window.resize(1200, 760)
        """
    ),
).replace("window.installEventFilter(watcher)", "last.installEventFilter(watcher)")


TYPING_MS = 150  # the bench's clerk: one character of the password every 150 ms
PASSWORD = "bench密码2024"
MARKERS = ("MAIN_WINDOW_PAINTED", "RECORDS_PAINTED", "LOGIN_DIALOG_PAINTED", "OK_PRESSED")


def time_markers(command: list[str], env: dict, cwd: Path | None = None) -> dict[str, float]:
    """Seconds from process start to each marker the program printed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd)
    seen = {}
    for line in process.stdout:
        for marker in MARKERS:
            if marker in line and marker not in seen:
                seen[marker] = time.perf_counter() - start
    process.wait()
    if "MAIN_WINDOW_PAINTED" not in seen:
        raise SystemExit(f"no window painted: {command}")
    return seen


def time_to_paint(command: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float]:
    """Seconds from process start to the first paint, and to the records painted (if printed)."""
    seen = time_markers(command, env, cwd)
    return seen["MAIN_WINDOW_PAINTED"], seen.get("RECORDS_PAINTED", seen["MAIN_WINDOW_PAINTED"])


def main() -> None:
    arguments = sys.argv[1:]
    others = [Path(arguments[i + 1]).resolve() for i, a in enumerate(arguments[:-1]) if a == "--also"]
    numbers = [a for i, a in enumerate(arguments) if a.isdigit() and (i == 0 or arguments[i - 1] != "--also")]
    runs = int(numbers[0]) if numbers else 7
    folder = Path(tempfile.mkdtemp())
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), ZHAOCUN_DATA_DIR=str(folder), ZHAOCUN_QUIT_AFTER_SHOW="1")
    byte_code = "as the environment has it"
    if "--as-is" not in sys.argv and env.pop("PYTHONDONTWRITEBYTECODE", None):
        env["PYTHONPYCACHEPREFIX"] = str(folder / "byte-code")
        byte_code = f"compiled once into {env['PYTHONPYCACHEPREFIX']} (PYTHONDONTWRITEBYTECODE was set)"
    subprocess.run([sys.executable, "-m", "zhaocun_desktop", "demo", "--db", str(folder / "示例数据.db")], check=True, stdout=subprocess.DEVNULL, env=env)
    here = Path(__file__).resolve().parent.parent
    programs = {str(root): dict(env, PYTHONPATH=str(root)) for root in [here, *others]}  # ``-m`` also looks in the working folder
    places = {name: Path(name) for name in programs}
    typed: list[str] = []  # the encrypted starts with the password typed into the login dialog
    at_once = None
    if "--encrypted" in arguments:  # the same sample, encrypted, in a data folder of its own
        locked = folder / "encrypted"
        locked.mkdir()
        subprocess.run([sys.executable, "-m", "zhaocun_desktop", "demo", "--db", str(locked / "示例数据.db")], check=True, stdout=subprocess.DEVNULL, env=env)
        subprocess.run([sys.executable, "-m", "zhaocun_desktop", "password", "--db", str(locked / "示例数据.db"), "--set", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL, env=env)  # fmt: skip
        for root in [here, *others]:
            name = "encrypted" if root == here else f"encrypted {root}"
            programs[name] = dict(env, PYTHONPATH=str(root), ZHAOCUN_DATA_DIR=str(locked), ZHAOCUN_BENCH_PASSWORD=PASSWORD, ZHAOCUN_BENCH_TYPING_MS=str(TYPING_MS))
            places[name] = root
            typed.append(name)
        at_once = "encrypted, password at once"
        programs[at_once] = dict(programs["encrypted"])
        del programs[at_once]["ZHAOCUN_BENCH_TYPING_MS"]
        places[at_once] = here
    time_to_paint([sys.executable, "-c", BARE], env)  # unmeasured: byte-code written, files in the page cache, for all
    for root, program_env in programs.items():
        time_to_paint([sys.executable, "-m", "zhaocun_desktop", "--demo"], program_env, places[root])
    seen: dict[str, list[dict[str, float]]] = {name: [] for name in programs}
    bare_times, qt_times, chart_times = [], [], []
    for _ in range(runs):  # interleaved so all see the same machine load
        bare_times.append(time_to_paint([sys.executable, "-c", BARE], env)[0])
        qt_times.append(time_to_paint([sys.executable, "-c", BARE_WITH_QT], env)[0])
        chart_times.append(time_to_paint([sys.executable, "-c", CHARTS_ONLY], programs[str(here)])[0])
        for name, program_env in programs.items():
            seen[name].append(time_markers([sys.executable, "-m", "zhaocun_desktop", "--demo"], program_env, places[name]))
    bare, with_qt, charts = statistics.median(bare_times), statistics.median(qt_times), statistics.median(chart_times)
    print(f"runs: {runs} each (median), QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}, byte-code {byte_code}")
    print(f"bare PySide6, 4 table views          : {bare:.3f} s")
    for name in programs:
        if name in typed:
            _print_typed(name, seen[name], bare_times)
            continue
        painted_times = [s["MAIN_WINDOW_PAINTED"] for s in seen[name]]
        shown_times = [s.get("RECORDS_PAINTED", s["MAIN_WINDOW_PAINTED"]) for s in seen[name]]
        app, data = statistics.median(painted_times), statistics.median(shown_times)
        if len(programs) > 1:
            print(f"-- {name}" + ("  (the encrypted sample, the password known at start, nothing derived ahead: given at once in the login "
                                  "dialog's place, scrypt on the path; for comparison)" if name == at_once else ""))  # fmt: skip
        print(f"zhaocun_desktop --demo, window painted: {app:.3f} s  ratio {app / bare:.2f}x (goal <= 2x)")
        print(f"zhaocun_desktop --demo, records shown : {data:.3f} s  ratio {data / bare:.2f}x (goal <= 1.5x)")
        per_round = statistics.median(shown / alone for shown, alone in zip(shown_times, bare_times))
        fastest = min(shown_times)
        print(f"  steadier on a shared machine: records shown / bare window of the same round, median {per_round:.2f}x; "
              f"fastest starts {fastest:.3f} s / {min(bare_times):.3f} s = {fastest / min(bare_times):.2f}x")
    data = statistics.median(s.get("RECORDS_PAINTED", s["MAIN_WINDOW_PAINTED"]) for s in seen[str(here)])
    print(f"for comparison only, the bare window importing PySide6.QtCore.Qt: {with_qt:.3f} s ({with_qt / bare:.2f}x the bare window); "
          f"records shown against it: {data / with_qt:.2f}x")
    print(f"for comparison only, the bare window painting 总览's four charts with fixed numbers (no database, no core): {charts:.3f} s "
          f"({charts / bare:.2f}x the bare window)")


def _print_typed(name: str, rounds: list[dict[str, float]], bare_times: list[float]) -> None:
    """An encrypted start with the password typed: (a) to the login dialog, (b) 确定 to the records, (c) = (a) + (b)."""
    print(f"-- {name}  (the sample with a program password: SQLCipher, key by scrypt; the password {len(PASSWORD)} characters "
          f"typed into the login dialog, one every {TYPING_MS} ms, then 确定)")  # fmt: skip
    if not all({"LOGIN_DIALOG_PAINTED", "OK_PRESSED", "RECORDS_PAINTED"} <= set(r) for r in rounds):
        shown = statistics.median(r.get("RECORDS_PAINTED", r["MAIN_WINDOW_PAINTED"]) for r in rounds)
        print(f"cannot be compared: this checkout has no typing hook (no LOGIN_DIALOG_PAINTED / OK_PRESSED); its records showed "
              f"at {shown:.3f} s ({shown / statistics.median(bare_times):.2f}x) with whatever its start does with ZHAOCUN_BENCH_PASSWORD")  # fmt: skip
        return
    bare = statistics.median(bare_times)
    login = [r["LOGIN_DIALOG_PAINTED"] for r in rounds]
    after_ok = [r["RECORDS_PAINTED"] - r["OK_PRESSED"] for r in rounds]
    typing = [r["OK_PRESSED"] - r["LOGIN_DIALOG_PAINTED"] for r in rounds]
    without = [a + b for a, b in zip(login, after_ok)]
    a, b, c = statistics.median(login), statistics.median(after_ok), statistics.median(without)
    print(f"(a) process start → login dialog painted : {a:.3f} s  ratio {a / bare:.2f}x the bare window (fastest {min(login):.3f} s, "
          f"{min(login) / min(bare_times):.2f}x the fastest bare window)")
    print(f"(b) 确定 pressed → records shown          : {b:.3f} s  (the clerk's wait after 确定; fastest {min(after_ok):.3f} s)")
    print(f"    typing, dialog painted → 确定 pressed : {statistics.median(typing):.3f} s  (not counted)")
    print(f"(c) the start without the typing, (a)+(b): {c:.3f} s  ratio {c / bare:.2f}x (goal <= 1.5x)")
    per_round = statistics.median(w / alone for w, alone in zip(without, bare_times))
    print(f"  steadier on a shared machine: (c) / bare window of the same round, median {per_round:.2f}x; "
          f"fastest (c) {min(without):.3f} s / {min(bare_times):.3f} s = {min(without) / min(bare_times):.2f}x")


if __name__ == "__main__":
    main()

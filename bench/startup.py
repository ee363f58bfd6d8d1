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
the key derived from the password as typed), in the same rounds: ZHAOCUN_BENCH_PASSWORD is the password typed at
once in the login dialog's place (right after QApplication), so the window is built while its key is derived: what
the clerk waits for after 确定 plus the window's build (which in use happens while the clerk types).

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


def time_to_paint(command: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float]:
    """Seconds from process start to the first paint, and to the records painted (if printed)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd)
    painted = records = None
    for line in process.stdout:
        if "MAIN_WINDOW_PAINTED" in line:
            painted = time.perf_counter() - start
        if "RECORDS_PAINTED" in line:
            records = time.perf_counter() - start
    process.wait()
    if painted is None:
        raise SystemExit(f"no window painted: {command}")
    return painted, records or painted


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
    if "--encrypted" in arguments:  # the same sample, encrypted, in a data folder of its own
        locked = folder / "encrypted"
        locked.mkdir()
        subprocess.run([sys.executable, "-m", "zhaocun_desktop", "demo", "--db", str(locked / "示例数据.db")], check=True, stdout=subprocess.DEVNULL, env=env)
        subprocess.run([sys.executable, "-m", "zhaocun_desktop", "password", "--db", str(locked / "示例数据.db"), "--set", "--password-stdin"],
                       input="bench密码2024\n", text=True, check=True, stdout=subprocess.DEVNULL, env=env)  # fmt: skip
        programs["encrypted"] = dict(env, PYTHONPATH=str(here), ZHAOCUN_DATA_DIR=str(locked), ZHAOCUN_BENCH_PASSWORD="bench密码2024")
        places["encrypted"] = here
    time_to_paint([sys.executable, "-c", BARE], env)  # unmeasured: byte-code written, files in the page cache, for all
    for root, program_env in programs.items():
        time_to_paint([sys.executable, "-m", "zhaocun_desktop", "--demo"], program_env, places[root])
    painted_times: dict[str, list[float]] = {name: [] for name in programs}
    shown_times: dict[str, list[float]] = {name: [] for name in programs}
    bare_times, qt_times, chart_times = [], [], []
    for _ in range(runs):  # interleaved so all see the same machine load
        bare_times.append(time_to_paint([sys.executable, "-c", BARE], env)[0])
        qt_times.append(time_to_paint([sys.executable, "-c", BARE_WITH_QT], env)[0])
        chart_times.append(time_to_paint([sys.executable, "-c", CHARTS_ONLY], programs[str(here)])[0])
        for name, program_env in programs.items():
            painted, records = time_to_paint([sys.executable, "-m", "zhaocun_desktop", "--demo"], program_env, places[name])
            painted_times[name].append(painted)
            shown_times[name].append(records)
    bare, with_qt, charts = statistics.median(bare_times), statistics.median(qt_times), statistics.median(chart_times)
    print(f"runs: {runs} each (median), QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}, byte-code {byte_code}")
    print(f"bare PySide6, 4 table views          : {bare:.3f} s")
    for name in programs:
        app, data = statistics.median(painted_times[name]), statistics.median(shown_times[name])
        if len(programs) > 1:
            print(f"-- {name}" + ("  (the sample with a program password: SQLCipher, key from the password)" if name == "encrypted" else ""))
        print(f"zhaocun_desktop --demo, window painted: {app:.3f} s  ratio {app / bare:.2f}x (goal <= 2x)")
        print(f"zhaocun_desktop --demo, records shown : {data:.3f} s  ratio {data / bare:.2f}x (goal <= 1.5x)")
        per_round = statistics.median(shown / alone for shown, alone in zip(shown_times[name], bare_times))
        fastest = min(shown_times[name])
        print(f"  steadier on a shared machine: records shown / bare window of the same round, median {per_round:.2f}x; "
              f"fastest starts {fastest:.3f} s / {min(bare_times):.3f} s = {fastest / min(bare_times):.2f}x")
    data = statistics.median(shown_times[str(here)])
    print(f"for comparison only, the bare window importing PySide6.QtCore.Qt: {with_qt:.3f} s ({with_qt / bare:.2f}x the bare window); "
          f"records shown against it: {data / with_qt:.2f}x")
    print(f"for comparison only, the bare window painting 总览's four charts with fixed numbers (no database, no core): {charts:.3f} s "
          f"({charts / bare:.2f}x the bare window)")


if __name__ == "__main__":
    main()

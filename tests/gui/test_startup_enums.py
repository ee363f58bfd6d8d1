"""The start leaves PySide's ``Qt`` namespace unbuilt until the records are shown (gui/charts.py says why),
and what waits for them follows (the garbage collector back on, the program's icon).

The program runs in a subprocess under a spy that wraps ``enum.EnumType._create_`` (PySide makes each Qt
enum a Python enum through it) and notes the enums made before RECORDS_PAINTED. The same spy on a window
that imports ``Qt`` sees the namespace: the check can fail.
"""

import os
import subprocess
import sys
import textwrap

from zhaocun_desktop.gui.app import QUIT_AFTER_SHOW, RECORDS_MARKER, STAY_OPEN

SPY = textwrap.dedent(
    """
    import builtins, enum, gc, sys
    made, state = [], {"shown": False}
    create = enum.EnumType._create_
    def noted(cls, name, *args, **kwargs):
        if not state["shown"]:
            made.append(kwargs.get("qualname") or name)
        return create(cls, name, *args, **kwargs)
    enum.EnumType._create_ = noted
    said = builtins.print
    def report(*args, **kwargs):
        if args and args[0] == MARKER and not state["shown"]:
            state["shown"] = True
            sys.stderr.write("ENUMS " + ",".join(map(str, made)) + "\\n")
            def later():  # asked once the program has done what waited for the records
                from PySide6.QtWidgets import QApplication
                icon = not QApplication.instance().windowIcon().isNull()
                sys.stderr.write(f"COLLECTOR {gc.isenabled()} ICON {icon}\\n")
            from PySide6.QtCore import QTimer
            QTimer.singleShot(300, later)
        return said(*args, **kwargs)
    builtins.print = report
    """
)
NAMESPACE = {"GlobalColor", "AlignmentFlag", "ItemDataRole"}  # three of the ``Qt`` namespace's enums


def _spied(code: str, tmp_path, *arguments: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHAOCUN_DATA_DIR=str(tmp_path), **{QUIT_AFTER_SHOW: "1", STAY_OPEN: "1"})
    result = subprocess.run(
        [sys.executable, "-c", SPY.replace("MARKER", repr(RECORDS_MARKER)) + code, *arguments], env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def _enums(stderr: str) -> set[str]:
    line = next(line for line in stderr.splitlines() if line.startswith("ENUMS "))
    return set(line[len("ENUMS "):].split(","))


def test_the_records_show_before_the_qt_namespace_is_built_then_the_collector_and_icon_follow(tmp_path):
    stderr = _spied("import runpy, sys; sys.argv[0] = 'zhaocun_desktop'; runpy.run_module('zhaocun_desktop', run_name='__main__')", tmp_path, "--demo")
    made = _enums(stderr)
    assert len(made) > 50, "the spy sees the enums PySide makes"
    assert not made & NAMESPACE, f"the Qt namespace was built before the records were shown: {sorted(made & NAMESPACE)}"
    assert "COLLECTOR True ICON True" in stderr, "after the first screen: the garbage collector back on, the program's icon set"
    assert "Traceback" not in stderr


def test_the_spy_sees_a_window_that_builds_the_namespace(tmp_path):
    window = textwrap.dedent(
        """
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel("x")
        label.show()
        QTimer.singleShot(50, lambda: (print(MARKER, flush=True), QTimer.singleShot(400, app.quit)))
        app.exec()
        """
    ).replace("MARKER", repr(RECORDS_MARKER))
    assert NAMESPACE <= _enums(_spied(window, tmp_path))

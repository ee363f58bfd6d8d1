"""PySide's ``__feature__`` import hook is taken off as the window package loads (``zhaocun_desktop/gui/__init__.py``
says why): no module imported afterwards has its source read for it. Run in a fresh interpreter, as the program
starts: the core first, then the windows."""

import subprocess
import sys
import textwrap
from pathlib import Path

import zhaocun_desktop

PROGRAM = textwrap.dedent(
    """
    import builtins, linecache, sys
    import zhaocun_desktop.cli  # the core, before PySide (as the program starts)
    import zhaocun_desktop.gui.main_window, zhaocun_desktop.gui.overview_view
    from zhaocun_desktop import figures, report  # core modules imported after the windows
    feature_import = getattr(builtins, "__feature_import__", None)
    print("HOOKED" if builtins.__import__ is feature_import else "UNHOOKED", feature_import is not None)
    print("READ", sorted(name for name in linecache.cache if "zhaocun_desktop" in name))
    """
)


def test_the_feature_hook_is_off_once_the_windows_load_and_no_source_is_read_for_it():
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120, cwd=Path(zhaocun_desktop.__file__).parent.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "UNHOOKED True" in result.stdout, result.stdout  # PySide had installed it, the window package took it off
    assert "READ []" in result.stdout, result.stdout  # the hook reads each module's source through linecache


def test_the_spy_sees_the_sources_read_while_the_hook_is_on():
    hooked = PROGRAM.replace("import zhaocun_desktop.gui.main_window", "import PySide6.QtCore; import zhaocun_desktop.errors, zhaocun_desktop.gui.main_window", 1)
    hooked = hooked.replace("import zhaocun_desktop.cli  #", "import PySide6.QtCore, zhaocun_desktop.paths, zhaocun_desktop.cli  #", 1)
    result = subprocess.run([sys.executable, "-c", hooked], capture_output=True, text=True, timeout=120, cwd=Path(zhaocun_desktop.__file__).parent.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "zhaocun_desktop/" in result.stdout.split("READ", 1)[1], result.stdout

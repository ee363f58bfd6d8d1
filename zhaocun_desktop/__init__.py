"""乡镇司法所台账程序：四本台账、Excel 交换与法治政府建设年度报告。

The package root holds the Qt-free core; only ``zhaocun_desktop.gui`` imports Qt.
"""

__version__ = "0.1.0"
APP_NAME = "司法所台账"


def resume_collector() -> None:
    """Turn Python's cyclic garbage collector back on if an entry script (``__main__``, the frozen program's
    ``launch.py``) turned it off for the start. Before the window's records show it ran some 60 times, about
    20 ms of a 0.35 s start (``bench/startup_enums.py``). A verb calls this at once; the window once its first
    screen has painted. What the start made (modules, classes, the window) is frozen first: it lives as long as
    the program, and no later collection needs to walk it again."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()

"""The windows (PySide6). The core (the rest of the package) never imports this package.

PySide6 puts its own ``__import__`` in front of Python's for its opt-in ``from __feature__ import snake_case``: from
then on, each module that is imported or imports something has its whole source file read once, to see whether it
names PySide6. On the way to the first screen that is some 40,000 lines of the standard library's and the program's
sources, about 4 % of the start's instructions (``bench/startup_instructions.py``). The program uses no ``__feature__``,
so the import PySide had wrapped is put back here, before any window module is imported: every window module is
imported through this package. PySide's other import hook (the one it wrapped) stays.
"""

import builtins

import PySide6.QtCore  # noqa: F401 (installs the hooks; every window module imports QtCore first anyway)

if builtins.__import__ is getattr(builtins, "__feature_import__", None) and getattr(builtins, "__orig_import__", None):
    builtins.__import__ = builtins.__orig_import__

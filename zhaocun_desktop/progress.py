"""How a long job tells its front end how far it is, and how it is cancelled.

A core function that takes a while accepts ``progress``: a callable ``(done, total, text)``
that it calls between safe steps (between files, before a file is renamed into place, inside
a transaction that is then rolled back). The front end's callable may raise ``Cancelled``
there; the core lets it propagate, so a cancelled job leaves nothing half written.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None] | None


class Cancelled(Exception):
    """The clerk cancelled a long job; raised by a progress callback at a safe point."""


def step(progress: Progress, done: int, total: int, text: str = "") -> None:
    """Report ``done`` of ``total`` (when anyone listens); may raise ``Cancelled``."""
    if progress is not None:
        progress(done, total, text)

"""Work that runs while the clerk goes on working (the day's first backup), with no dialog.

Unlike ``jobs.run_job`` (a modal progress dialog), a background job leaves the window free: it runs in a
worker thread on its own SQLite connection (``db.open_again``), says how far it is through ``progressed``
(the window shows it in its status bar) and calls ``on_done(result, error)`` on the window's thread when it
ends. Closing the program waits for it (``wait_for_background``) under a progress dialog, through
``jobs.run_job``: the thread must not be killed in the middle of its file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QThread, Signal

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget
    from sqlite_utils import Database

_running: set[BackgroundJob] = set()
POLL_MS = 100  # how often the closing dialog looks whether a job has ended, and how far it is


class BackgroundJob(QThread):
    """Runs ``work(db, progress)`` on its own connection; ``latest`` is the last ``(done, total, text)`` it reported."""

    progressed = Signal(int, int, str)

    def __init__(self, db: Database, work: Callable):
        super().__init__()
        import threading

        from zhaocun_desktop.db import open_again

        self.own = open_again(db)  # here, on the window's thread: ``db`` is the window's connection
        self.work = work
        self.result = None
        self.error: BaseException | None = None
        # plain Python objects, for a thread waiting for this job: the QThread itself may be deleted meanwhile
        # (deleteLater when it ends), and a QThread.wait() running then destroys a locked mutex (heap corruption)
        self.over = threading.Event()
        self.latest = [(0, 0, "")]

    def progress(self, done: int, total: int, text: str) -> None:
        self.latest[0] = (done, total, text)
        self.progressed.emit(done, total, text)

    def run(self) -> None:
        try:
            self.result = self.work(self.own, self.progress)
        except BaseException as error:  # noqa: BLE001 (handed to the window's thread)
            self.error = error
        finally:
            self.own.close()
            self.over.set()


def _wait_reporting(over, latest: list, progress: Callable[[int, int, str], None]) -> None:
    """Block (in another worker) until a job has ended (``over`` set), passing on how far it is."""
    while not over.wait(POLL_MS / 1000):
        progress(*latest[0])


def start_in_background(db: Database, work: Callable, on_done: Callable[[object, BaseException | None], None],
                        on_progress: Callable[[int, int, str], None] | None = None) -> BackgroundJob:  # fmt: skip
    """Start ``work(db, progress)`` in a worker thread; ``on_done(result, error)`` runs on the window's thread at its end."""
    job = BackgroundJob(db, work)
    if on_progress is not None:
        job.progressed.connect(on_progress)

    def ended() -> None:
        _running.discard(job)
        job.deleteLater()
        on_done(job.result, job.error)

    job.finished.connect(ended)
    _running.add(job)
    job.start()
    return job


def background_running() -> bool:
    """Whether a background job is under way."""
    return any(not job.over.is_set() for job in _running)


def wait_for_background(parent: QWidget | None, title: str, label: str) -> None:
    """Wait for every background job to end, under a progress dialog (``jobs.run_job``: shown only when it
    takes a moment, no 取消: the job has no safe point to stop at)."""
    from zhaocun_desktop.gui.jobs import run_job

    for job in [job for job in _running if not job.over.is_set()]:
        over, latest = job.over, job.latest
        run_job(parent, title, label, None, lambda _none, progress, over=over, latest=latest: _wait_reporting(over, latest, progress), cancellable=False)

"""Long jobs (templates, import, summary, backup, export) in a worker thread, with a progress dialog.

The window keeps painting while a job runs; the progress dialog is modal, so the clerk cannot
start anything else meanwhile. The worker gets its own SQLite connection (``db.open_again``):
a job's transaction never mixes with what the window reads. Cancelling asks the job to stop
at its next safe point (``progress.Cancelled`` raised from its progress callback) and waits
for it; ``run_job`` then raises ``Cancelled``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from zhaocun_desktop.progress import Cancelled

if TYPE_CHECKING:
    from sqlite_utils import Database

T = TypeVar("T")
SHOW_AFTER_MS = 300  # quick jobs finish without a dialog flashing up
_running: set[_Worker] = set()


def job_running() -> bool:
    """Whether a job is under way (the window must not close under it: its thread would be killed)."""
    return bool(_running)


class _Worker(QThread):
    """Runs ``work(db, progress)`` on its own connection (``work(None, progress)`` without a database);
    keeps the result or the exception."""

    progressed = Signal(int, int, str)

    def __init__(self, db: Database, work: Callable, parent: QObject | None = None):
        super().__init__(parent)
        self.db, self.work = db, work
        self.result = None
        self.error: BaseException | None = None
        self.cancel_requested = threading.Event()

    def progress(self, done: int, total: int, text: str) -> None:
        if self.cancel_requested.is_set():
            raise Cancelled()
        self.progressed.emit(done, total, text)

    def run(self) -> None:
        from zhaocun_desktop.db import open_again

        try:
            if self.db is None:  # work that opens its database itself (the open that upgrades it)
                self.result = self.work(None, self.progress)
                return
            own = open_again(self.db)
            try:
                self.result = self.work(own, self.progress)
            finally:
                own.close()
        except BaseException as error:  # noqa: BLE001 (handed to the window's thread, raised there)
            self.error = error


def _dispose(dialog: QProgressDialog) -> None:
    """Take the progress dialog away for good, whatever the job's length.

    QProgressDialog arms a timer that shows it after ``minimumDuration``; a job that ends first
    leaves it armed, and ``close()`` emits ``canceled`` (its closeEvent does). The deleteLater of
    a dialog closed inside a slot waits until that slot returns, so the dialog outlived the job
    across the next modal dialog (the import preview) and popped up there saying 正在取消，请稍候…
    (pitfalls.md). Here: no more signals, the timer stopped (``reset``), hidden without a close
    event, no longer a child of the window, deleted once the event loop runs again."""
    dialog.blockSignals(True)
    dialog.reset()  # stops the show timer
    dialog.hide()
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setParent(None)
    dialog.deleteLater()


def run_job(parent: QWidget, title: str, label: str, db: Database | None, work: Callable[[Database, Callable], T], cancellable: bool = True) -> T:
    """Run ``work(db, progress)`` in a worker thread under a progress dialog; return its result.
    ``db`` None: ``work(None, progress)``, for work that opens a database itself.

    Raises what ``work`` raised, ``Cancelled`` when the clerk cancelled in time. ``cancellable``
    False hides the 取消 button (for jobs with no safe point to stop at).
    """
    worker = _Worker(db, work)
    dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
    dialog.setObjectName("job_progress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setMinimumWidth(420)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    # QProgressDialog hides itself on 取消; the job still has to reach its next safe point,
    # so the dialog stays up and says so until the worker has stopped.
    dialog.canceled.disconnect(dialog.cancel)

    def cancel() -> None:
        worker.cancel_requested.set()
        dialog.setLabelText("正在取消，请稍候…")
        for button in dialog.findChildren(QPushButton):
            button.setEnabled(False)

    latest = [-1]

    def progressed(done: int, total: int, text: str) -> None:
        # a modal QProgressDialog's setValue processes events, so the next steps may arrive inside it:
        # the text goes first, and a step older than one shown is dropped (else it would overwrite it)
        if worker.cancel_requested.is_set() or done < latest[0]:
            return
        latest[0] = done
        dialog.setLabelText(f"{label}\n{text}" + (f"（{done:,}/{total:,}）" if total > 1 else "") if text else label)
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))

    dialog.canceled.connect(cancel)
    worker.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    _running.add(worker)
    try:
        worker.start()
        if not worker.isFinished():
            loop.exec()
        worker.wait()
    finally:
        _running.discard(worker)
        _dispose(dialog)
    worker.deleteLater()
    if worker.error is not None:
        raise worker.error  # Cancelled too; a job that finished before its next safe point counts as done
    return worker.result

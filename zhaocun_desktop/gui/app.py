"""Starting the window: Qt's Chinese texts, one copy per database, error reporting."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QLockFile, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from zhaocun_desktop import APP_NAME, resume_collector
from zhaocun_desktop.errors import UserError, error_log_path, explain, log_error, unexpected_message
from zhaocun_desktop.gui.deferred import QMessageBox
from zhaocun_desktop.gui.first_paint import after_first_paint
from zhaocun_desktop.gui.upgrade import upgrade_in_dialog
from zhaocun_desktop.paths import data_dir, default_db_path, demo_db_path, resource

QUIT_AFTER_SHOW = "ZHAOCUN_QUIT_AFTER_SHOW"  # smoke test and start-up benchmark: quit after the first paint
STAY_OPEN = "ZHAOCUN_STAY_OPEN_SECONDS"  # with QUIT_AFTER_SHOW: stay this long after the paint (X screenshot test)
SHOWN_MARKER = "MAIN_WINDOW_PAINTED"
RECORDS_MARKER = "RECORDS_PAINTED"
LOGIN_MARKER = "LOGIN_DIALOG_PAINTED"  # the start-up benchmark with a password typed: the login dialog has painted
OK_MARKER = "OK_PRESSED"  # ... and the benchmark's typist pressed 确定
RESTART_WITH_DEMO = 17
RESTART_CHECKED = 18  # a large file's check, finished after its records opened, found damage: open it again, checked first
log = logging.getLogger(__name__)


def install_chinese(app: QApplication) -> bool:
    """Load Qt's own Chinese translations so standard buttons read 确定 / 取消, and ours for the few
    texts Qt's translation misses (resources/translations/zhaocun_qt_zh_CN.ts). Returns success."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    for folder in (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), str(resource("translations"))):
        if translator.load("qtbase_zh_CN", folder):
            app.installTranslator(translator)
            break
    else:
        return False
    missing = QTranslator(app)  # installed last, asked first: only its own few texts
    if missing.load("zhaocun_qt_zh_CN", str(resource("translations"))):
        app.installTranslator(missing)
    app._zh_translators = (translator, missing)  # keep them alive as long as the app
    return True


def create_app(icon: bool = True) -> QApplication:
    """The application object, created once, with the Chinese translation installed.

    ``icon=False``: the caller sets the program's icon later (``set_icon``): the window's start sets it once
    its first screen has painted, as building QIcon's class costs some 3 ms."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setOrganizationName("zhaocun-desktop")
        if icon:
            set_icon(app)
        install_chinese(app)
    return app


def set_icon(app: QApplication) -> None:
    """The program's icon on every window (title bar, task bar)."""
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(resource("icons", "app.png"))))


def ui_state_file() -> QSettings:
    """Window geometry, column widths and sort orders, kept in the data folder."""
    return QSettings(str(data_dir() / "界面设置.ini"), QSettings.Format.IniFormat)


def log_file() -> Path:
    return error_log_path()


def _report_unexpected(kind, value, tb) -> None:
    """The GUI's error boundary (sys.excepthook: slots included): details to the error log, a short
    Chinese message to the clerk, never a traceback."""
    if value is None:
        value = kind()
    if value.__traceback__ is None:
        value = value.with_traceback(tb)
    path = log_error(value) if not isinstance(value, UserError) else None
    sys.__stderr__ and traceback.print_exception(kind, value, tb)
    message = explain(value)
    if message:
        QMessageBox.warning(QApplication.activeWindow(), APP_NAME, message)
        return
    QMessageBox.critical(QApplication.activeWindow(), APP_NAME, unexpected_message(path))


BACKGROUND_CHECK_BYTES = 64 * 2**20  # larger: the records open without waiting for the damage check (868 MB: ~1 s; 108 MB: 0.17 s)


class StartChecks:
    """The start-up checks of a database file (where it lives, whether it is damaged, records pointing nowhere),
    running in a worker thread from ``start_checks``. Calling the object waits for them all and gives
    ``(storage problem, damage found, links)``; ``place()`` waits only for where the file lives; ``done()``
    says whether all are finished. ``deferred``: the records were opened before the damage check ended
    (``open_checked``), and the window hears its outcome later (``watch_deferred_checks``).

    An encrypted file: ``secret`` (its password or recovery key as typed) is first turned into its key in the worker
    (``deriver``: the key the login dialog derived while the clerk typed, else scrypt now), the file opened with it
    (``crypto.open_with``, as ``backup_files.open_encrypted``), then checked through it; ``key_found()`` waits for that first step, ``unlocked`` is what
    it found (None: the password is wrong, nothing was checked). ``key``: the file's key, known already."""

    def __init__(self, path: Path, secret: str | None = None, key=None, deriver=None):
        import threading

        self.path, self.result, self.deferred = path, {}, False
        self._secret, self._deriver, self.unlocked = secret, deriver, None
        if key is not None:
            from zhaocun_desktop.crypto import Opened

            self.unlocked = Opened(key, True, False)
        self._placed, self._opened, self._go_on = threading.Event(), threading.Event(), threading.Event()
        self._worker = threading.Thread(target=self._run, name="start-up checks", daemon=True)
        # The worker needs Python's lock back each time SQLite hands it a result, while the window's thread holds it
        # building the window: by default it waits up to 5 ms each time, and the window then waited some 10 ms for
        # checks that take 10 ms alone (the sample database). Until the checks are done it waits at most 0.5 ms.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, 0.0005))
        self._worker.start()

    def _run(self) -> None:
        from zhaocun_desktop import dbcheck

        path, result = self.path, self.result
        try:
            unlocking = self._secret is not None
            if unlocking:  # the key first: it is what the window waits for
                self.unlocked = _open_encrypted(path, self._secret, self._deriver)
                self._secret = self._deriver = None  # the password is not kept
                self._opened.set()
                if self.unlocked is None:  # a wrong password: the clerk is asked again, these checks end
                    return
            result["place"] = dbcheck.storage_problem(path)
            result["checked"] = path.exists()
            self._placed.set()
            if unlocking and self.unlocked.proven:  # the records first: on a busy machine the check would slow them down
                self._go_on.wait()
            result["problems"] = dbcheck.check_database(path, foreign_keys=False) if result["checked"] and not result["place"] else []
            result["links"] = dbcheck.link_problems(path) if result["checked"] and not result["place"] and not result["problems"] else []
        except BaseException as error:  # noqa: BLE001 (handed to the main thread, raised there)
            result["error"] = error
        finally:
            self._placed.set()
            self._opened.set()
            sys.setswitchinterval(self._interval)  # (the window's build is over by the time a large file's check is)

    @property
    def key(self):
        """An encrypted file's key (once ``key_found()``), None for a plain file."""
        return self.unlocked.key if self.unlocked is not None else None

    def key_found(self) -> bool:
        """Waits until an encrypted file's password has been tried: True when it (or the recovery key) opens the file;
        raises what the worker raised before that."""
        self._opened.wait()
        if self.unlocked is None:
            self._worker.join()  # ending: its switch interval restored before the next try starts another
            if "error" in self.result:
                raise self.result["error"]
        return self.unlocked is not None

    def may_open_unchecked(self) -> bool:
        """The records may open before the damage check ends: a large file (BACKGROUND_CHECK_BYTES or more), or an
        encrypted file its key opened (SQLCipher checked its first page's HMAC and read its schema through the key: the
        key and the header are sound; the pages beyond are checked in the background)."""
        if self.done():
            return False
        if self.unlocked is not None and self.unlocked.proven:
            return True
        return self.path.is_file() and self.path.stat().st_size >= BACKGROUND_CHECK_BYTES

    def go_on(self) -> None:
        """An encrypted file its key opened: its damage check waits until this is called (the records showed, or the
        check is waited for: ``join``, calling the object)."""
        self._go_on.set()

    def done(self) -> bool:
        return not self._worker.is_alive()

    def join(self) -> None:
        self.go_on()
        self._worker.join()

    def found_damage(self) -> bool:
        """True when the finished checks found the file damaged, or could not read it."""
        return bool(self.result.get("problems")) or "error" in self.result

    def place(self) -> str | None:
        """Where the file lives is a problem (a storage problem), once that is known; raises what the checks raised."""
        self._placed.wait()
        if "error" in self.result and "place" not in self.result:
            raise self.result["error"]
        return self.result.get("place")

    def __call__(self) -> tuple[str | None, list[str], list[str]]:
        from zhaocun_desktop import dbcheck

        self.join()
        result = self.result
        if "error" in result:
            raise result["error"]
        if not result["checked"] and self.path.exists() and not result["place"]:  # made since (the sample database)
            return None, dbcheck.check_database(self.path, foreign_keys=False), []
        return result["place"], result["problems"], result["links"]


def _open_encrypted(path: Path, secret: str, deriver=None):
    """``backup_files.open_encrypted`` in the start's worker, the key derived as early as can be (``deriver``: derived
    while the clerk typed; else nothing imported before scrypt but hashlib, SQLCipher being imported by the window's
    thread meanwhile: ``_window_and_checks``), the backups (a damaged first page's stand-in) only when the key does
    not open the file. No wait: the dialog waits before it asks."""
    from zhaocun_desktop import crypto

    def backup():
        from zhaocun_desktop.backup_files import same_key_backups

        return same_key_backups(path)[:1]

    return crypto.open_with(path, secret, sleep=lambda _s: None, stand_ins=backup, deriver=deriver)


def start_checks(path: Path, secret: str | None = None, key=None, deriver=None) -> StartChecks:
    """Start the start-up checks of the database file ``path`` (where it lives, whether it is damaged) in a
    worker thread, so they run while the window is built (SQLite lets go of Python's lock while it reads);
    the object returned waits for them when called (see ``StartChecks``; ``secret``, ``key``, ``deriver``: an
    encrypted file's)."""
    return StartChecks(path, secret, key, deriver)


def open_checked(path: Path, parent=None, checks=None, daily_backup: bool = True, key=None, defer_large: bool = False):
    """Open the database after the start-up checks; None when it cannot (the clerk was told why).

    A damaged file is set aside and, if the clerk agrees, replaced by the newest sound backup.
    ``checks``: what ``start_checks(path)`` returned, when they were started earlier. ``daily_backup``:
    make the first backup of the day now (the window makes it in the background once its records are
    shown). ``key``: an encrypted file's (``checks.key``), found before the checks, which read the file through it.
    ``defer_large``: a file whose damage check is still running opens without waiting for it when
    ``checks.may_open_unchecked()`` (a large file, an encrypted file its key opened: ``checks.deferred``; the window
    tells the outcome later, ``watch_deferred_checks``).
    """
    from zhaocun_desktop.db import is_county_file, open_db

    checks = checks or start_checks(path)
    if defer_large and checks.may_open_unchecked():
        place, problems, links = checks.place(), [], []
        checks.deferred = not place
    else:
        place, problems, links = checks()
    if place:
        QMessageBox.critical(parent, "数据库位置不安全", place)
        return None
    if problems:
        from zhaocun_desktop import backup, dbcheck

        good = backup.newest_good_backup(path)
        if good is None:
            advice = "请不要删除该文件，联系技术支持人员处理。"
            if problems == [dbcheck.EMPTY_FILE]:  # nothing in it to keep; maybe a first start that was cut short
                advice = (f"如果U盘等处有这个数据库的备份，请把它复制到“备份”文件夹（{dbcheck.backup_dir(path)}）后重新启动；"
                          "如果这是刚安装、还没有录入过任何数据，可以删除这个空文件后重新启动程序。")  # fmt: skip
            QMessageBox.critical(parent, "数据库已损坏", f"数据库文件“{path}”已损坏（{problems[0]}），而且没有找到可用的备份。\n\n{advice}")
            return None
        answer = QMessageBox.question(
            parent,
            "数据库已损坏",
            f"数据库文件已损坏（{problems[0]}）。\n\n是否从最近的完好备份恢复？\n{good.describe()}\n\n"
            "损坏的文件会改名保留在原文件夹，不会删除。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        aside = backup.recover(path, good.path)
        QMessageBox.information(parent, "已恢复", f"已从 {good.made_at:%Y-%m-%d %H:%M} 的备份恢复。\n损坏的文件保留为：{aside}")

    def tell(message: str) -> None:  # another program is writing: the clerk sees why the window waits
        if parent is not None and hasattr(parent, "statusBar"):
            parent.statusBar().showMessage(message)
        QApplication.processEvents()

    if is_county_file(path, key):  # county mode (gui/county_mode.py): its own tables, its first format upgraded, the write guard
        from zhaocun_desktop.county import rollup

        db = rollup.open_county(path, upgrade_in_dialog(parent), on_busy=tell, key=key)
    else:
        db = open_db(path, on_busy=tell, upgrade_with=upgrade_in_dialog(parent), key=key)
    if links:  # not damage: replacing the file with a backup would lose the work since, so it opens
        _warn_links(parent, links)
    if daily_backup:
        backup_daily(db, path)
    return db


def backup_daily(db, path: Path) -> None:
    """The first backup of the day (verified), unless one was made today."""
    from zhaocun_desktop import backup_files

    if not backup_files.backed_up_today(path):
        backup_files.safety_backup(db.conn, "daily")


def back_up_today(window, path: Path) -> None:
    """The window's first backup of the day, in the background (the clerk works on meanwhile; an 868 MB file takes
    seconds): the status bar says how far it is, then 上次备份; a failure is said, the records stay open."""
    from zhaocun_desktop import backup_files
    from zhaocun_desktop.gui.background import start_in_background

    if window.db is None or backup_files.backed_up_today(path):
        return
    bar = window.statusBar()

    def progressed(done: int, total: int, text: str) -> None:
        bar.showMessage(f"正在进行今天的自动备份：{text}（{done}%）" if text == "正在复制数据库" else f"正在进行今天的自动备份：{text}…")

    def ended(made, error: BaseException | None) -> None:
        if isinstance(error, UserError):  # the records stay open: say why today's backup is missing
            bar.clearMessage()
            QMessageBox.warning(window, "每日备份失败", f"今天的自动备份没有完成：{error}\n\n请检查磁盘空间后用“文件 → 备份到…”手动备份。")
        elif error is not None:
            raise error  # a bug: the window's report of the unexpected
        else:
            bar.showMessage("今天的自动备份已完成（已校验）", 10000)
            window.show_last_backup()

    bar.showMessage("正在进行今天的自动备份…")
    start_in_background(window.db, lambda own, progress: backup_files.safety_backup(own.conn, "daily", progress), ended, progressed)


def watch_deferred_checks(window, checks: StartChecks, then) -> None:
    """For a large file opened before its damage check ended (``checks.deferred``): when the check ends, say what it
    found, or call ``then()`` (the day's first backup waits for it: a damaged file's copy must not rotate good
    backups away). Damage: the clerk is told plainly and the program opens the file again, checking it first, so
    the newest sound backup is offered (``RESTART_CHECKED``)."""
    checks.go_on()
    timer = QTimer(window)
    timer.setInterval(200)

    def look() -> None:
        if not checks.done():
            return
        timer.stop()
        timer.deleteLater()
        try:
            _, problems, links = checks()
        except Exception as error:  # noqa: BLE001 (the file could not be read for the check: as damage)
            problems, links = [explain(error) or str(error)], []
        if problems:
            QMessageBox.critical(window, "数据库已损坏",
                                 f"打开后完成的检查发现数据库文件已损坏（{problems[0]}）。\n\n为免损坏扩大，请不要继续录入。"
                                 "点“确定”后程序重新打开这个数据库：先检查，再提示从最近的完好备份恢复（损坏的文件改名保留，不会删除）。")  # fmt: skip
            QApplication.exit(RESTART_CHECKED)
            return
        if links:
            _warn_links(window, links)
        then()

    timer.timeout.connect(look)
    timer.start()


def _warn_links(parent, links: list[str]) -> None:
    more = f"等 {len(links)} 处" if len(links) > 1 else ""
    QMessageBox.warning(parent, "数据需要核对", f"数据库中有记录指向已不存在的记录（{links[0]}{more}）。\n\n"
                        "数据可以照常使用，请不要为此从备份恢复（会丢失之后录入的数据）；请把情况告诉技术支持人员。")  # fmt: skip


def finish_on_exit(db, checks: StartChecks | None = None) -> None:
    """Closing: wait for a backup running in the background, then make the closing backup, each in a worker thread
    under a progress dialog (shown when it takes a moment). No closing backup of a file whose start-up check
    found damage (its copy would rotate good backups away)."""
    from zhaocun_desktop import backup_files
    from zhaocun_desktop.gui.background import wait_for_background
    from zhaocun_desktop.gui.jobs import run_job

    wait_for_background(None, APP_NAME, "正在完成今天的自动备份，请稍候…")
    if checks is not None and checks.deferred:
        if not checks.done():  # closed within moments of opening a large file: its check first
            run_job(None, APP_NAME, "正在检查数据库，请稍候…", None, lambda _none, _progress: checks.join(), cancellable=False)
        if checks.found_damage():
            return
    try:
        run_job(None, APP_NAME, "正在备份数据库，请稍候…", db, lambda own, progress: backup_files.safety_backup(own.conn, "exit", progress), cancellable=False)
    except UserError as error:  # the program is closing: log it, do not stop the exit
        log.warning("退出时备份失败：%s", error)


def run_gui(db_path: Path | None = None, demo: bool = False, check_first: bool = False, key=None) -> int:
    """Open the main window on ``db_path`` (or the sample database) and run until it closes.

    An encrypted file's password comes first (``LoginDialog``); the window is built while the database's checks run
    (an encrypted file's key derived first, in the same worker), then paints; the database opens right after (a large
    or encrypted file's damage check may end after its records show; ``check_first``: wait for it, after it found
    damage). ``key``: an encrypted file's key, known from the start before (the start again after damage).
    """
    app = create_app(icon=False)
    path = Path(demo_db_path() if demo else (db_path or default_db_path())).resolve()
    lock = _lock_database(path)
    if not isinstance(lock, QLockFile):
        return lock
    from zhaocun_desktop import crypto

    crypto.finish_interrupted(path)  # a password change a power cut stopped

    def finish_start() -> None:  # what the first screen need not wait for: after its paint, or 2 s at the latest
        resume_collector()  # (both harmless when called twice)
        set_icon(app)

    QTimer.singleShot(2000, finish_start)  # at the latest: a first-run wizard or a password comes before the records
    sys.excepthook = _report_unexpected
    started = _window_and_checks(path, demo, key)
    if started is None:  # 退出 in the password dialog
        sys.excepthook = sys.__excepthook__
        lock.unlock()
        return 1
    window, checks = started
    benchmark = bool(os.environ.get(QUIT_AFTER_SHOW))

    def open_database() -> None:
        if benchmark:
            print(SHOWN_MARKER, flush=True)
        try:
            if demo and not path.exists():
                import datetime as dt

                from zhaocun_desktop.demo import build_demo

                build_demo(path, today=dt.date.today())  # the last two years and this year so far
            if checks.unlocked is not None and checks.unlocked.by_recovery_key:
                from zhaocun_desktop.gui.lock import tell_recovery_key_used

                tell_recovery_key_used(window)
            db = open_checked(path, window, checks, daily_backup=False, key=checks.key, defer_large=not check_first)
        except Exception as error:  # noqa: BLE001 (read-only folder, full disk, another program writing, a foreign file: said, or logged as a bug)
            message = explain(error) or unexpected_message(log_error(error))
            QMessageBox.critical(window, "无法打开数据库", message)
            db = None
        if db is None:
            app.exit(2)
            return
        from zhaocun_desktop import security

        if security.has_password(db) and not security.is_encrypted(db):  # an older version's password: the file is encrypted now
            from zhaocun_desktop.gui.lock import PasswordDialog, RecoveryKeyDialog

            dialog = PasswordDialog(db, "请输入程序密码", window)
            if not dialog.exec():
                db.close()
                app.exit(1)
                return
            if not benchmark:
                from zhaocun_desktop import encryption

                QMessageBox.information(window, "加密数据库", "为保护个人信息，程序现在用您的密码把数据库和它的备份加密保存（只进行一次）。")
                try:
                    RecoveryKeyDialog(encryption.set_password(db, dialog.secret), window).exec()
                except UserError as error:  # another program has it open: the next start tries again
                    QMessageBox.warning(window, "加密数据库", f"这次没有加密：{error}")
        if not demo and not benchmark:
            from zhaocun_desktop.county_scope import in_county
            from zhaocun_desktop.gui.first_run import FirstRunWizard, needs_first_run

            if needs_first_run(db) and not in_county(db):  # a county database has no township to set up
                wizard = FirstRunWizard(db, window)
                accepted = wizard.exec()
                if wizard.wants_demo:
                    db.close()
                    app.exit(RESTART_WITH_DEMO)
                    return
                if not accepted:
                    QMessageBox.information(window, APP_NAME, "可以随时在“设置”页填写本镇信息，在“村(居)”页添加村(居)。")
        window.attach(db)
        window.after_first_screen(finish_start)
        if checks.deferred:  # the day's backup after the check: a damaged file's copy must not rotate good backups away
            window.after_first_screen(lambda: watch_deferred_checks(window, checks, lambda: back_up_today(window, path)), at_latest_ms=2000)
        else:
            window.after_first_screen(lambda: back_up_today(window, path), at_latest_ms=2000)  # the clerk sees the records first
        if benchmark:  # records shown: the first screen's own widget has painted with them, not just the window
            window.after_first_screen(records_painted)  # watched last, told first (Qt asks the newest filter first)

    def records_painted() -> None:
        print(RECORDS_MARKER, flush=True)
        QTimer.singleShot(int(float(os.environ.get(STAY_OPEN) or 0) * 1000), app.quit)

    after_first_paint(window, open_database)
    window.show()
    try:
        status = app.exec()
        if status == RESTART_WITH_DEMO:  # chosen in the first-run wizard
            window.db = None
            window.close()
            lock.unlock()
            return run_gui(demo=True)
        if status == RESTART_CHECKED:  # damage found after the records opened: no closing backup of it, open it checked
            if window.db is not None:
                window.db.close()
            window.db = None
            window.close()
            lock.unlock()
            return run_gui(db_path=path, demo=demo, check_first=True, key=checks.key)
        return status
    finally:
        sys.excepthook = sys.__excepthook__
        if window.db is not None:
            finish_on_exit(window.db, checks)
            window.db.close()
        lock.unlock()


def _lock_database(path: Path) -> QLockFile | int:
    """The lock that keeps a second copy of the program off the database at ``path``; the exit status when the clerk
    was told why there is none (1: another copy has it open, 2: no lock file can be made there)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)  # a lock left by a crashed copy is detected by its dead process id
    if lock.tryLock(200):
        return lock
    if lock.error() != QLockFile.LockError.LockFailedError:  # no lock file possible: a read-only folder
        from zhaocun_desktop.db import write_problem

        QMessageBox.critical(None, APP_NAME, write_problem(path) or f"无法在“{path.parent}”中建立锁定文件，请检查文件夹权限。")
        return 2
    QMessageBox.information(
        None,
        APP_NAME,
        f"本程序已经打开了这个数据库：\n{path}\n\n请在任务栏中切换到已打开的窗口。同一个数据库不能同时打开两次，以免数据互相覆盖。",
    )
    return 1


def _window_and_checks(path: Path, demo: bool, key=None):
    """The main window (built, not shown) and the start-up checks of its database, running in a worker thread while
    the window is built. An encrypted file's password is asked first (``gui.lock.LoginDialog``): while the clerk types,
    the window is built and the key of the text typed so far is derived ahead (``crypto.KeyDeriver``); on 确定 the
    worker checks the key against the file (the wait of wrong guesses and their 操作记录 entry only then), then checks
    the file; the dialog stays until the key is known and says so when it is wrong. Once the file is open, the typed
    text and the keys derived ahead are dropped. The start-up benchmark types ZHAOCUN_BENCH_PASSWORD into the dialog
    at a clerk's pace (``_bench_typist``), or (with no pace) gives it at once in the dialog's place. ``key``: the
    file's key, known already. None when the clerk chose 退出."""
    from zhaocun_desktop import crypto

    built = []

    def window():
        if not built:
            from zhaocun_desktop.gui.main_window import MainWindow

            built.append(MainWindow(path, ui_state_file(), demo=demo))
        return built[0]

    if key is not None or not crypto.is_encrypted(path):
        checks = start_checks(path, key=key)
        return window(), checks
    tried: list[StartChecks] = []
    deriver = crypto.KeyDeriver(crypto.file_salt(path))

    def prepare() -> None:  # all that needs no password: the window, its first screen's modules, SQLCipher
        window().import_first_screen()
        crypto.load_sqlcipher()

    def open_with(secret: str) -> bool:
        tried.append(start_checks(path, secret=secret, deriver=deriver))
        prepare()  # (done while the clerk typed; at once when the benchmark gives the password in the dialog's place)
        return tried[-1].key_found()

    password, pace = _bench_password()
    try:
        if password is None or pace is not None or not open_with(password):
            from zhaocun_desktop.gui.lock import LoginDialog

            dialog = LoginDialog(path, open_with, deriver.feed)
            typed_into = [dialog]  # emptied after exec: no cycle dialog → its paint filter → painted → dialog, which the
            # collector would break at some later moment by deleting the dialog (a crash inside Qt's event handling)

            def painted() -> None:
                if pace is not None:
                    print(LOGIN_MARKER, flush=True)
                set_icon(QApplication.instance())  # the program's icon once the dialog shows (QIcon's class costs ~3 ms)
                prepare()
                if pace is not None and typed_into:
                    _bench_typist(typed_into[0], password, pace)

            after_first_paint(dialog, painted)
            accepted = dialog.exec()
            typed_into.clear()
            dialog.forget()
            if not accepted:
                return None
    finally:
        deriver.close()  # every key derived ahead dropped, its thread ended (退出 while a key is derived included)
    return window(), tried[-1]


BENCH_PASSWORD = "ZHAOCUN_BENCH_PASSWORD"  # bench/startup.py only (with QUIT_AFTER_SHOW): the password of the encrypted sample
BENCH_TYPING_MS = "ZHAOCUN_BENCH_TYPING_MS"  # ... typed in the login dialog one character every this many ms (unset: given at once)


def _bench_password() -> tuple[str | None, int | None]:
    """The benchmark's password and its typing pace in ms (None: given at once in the login dialog's place)."""
    if not os.environ.get(QUIT_AFTER_SHOW):
        return None, None
    pace = os.environ.get(BENCH_TYPING_MS)
    return os.environ.get(BENCH_PASSWORD), int(pace) if pace and pace.isdigit() else None


def _bench_typist(dialog, password: str, pace: int) -> None:
    """The start-up benchmark's clerk, once the login dialog has painted (LOGIN_MARKER): ``password`` typed into the
    dialog's password box one character every ``pace`` ms (each an insert, as a keyboard or an input method gives it),
    then 确定 clicked (OK_MARKER just before)."""
    left = list(password)

    def type_next() -> None:
        if left:
            dialog.password.insert(left.pop(0))
            QTimer.singleShot(pace, type_next)
        else:
            print(OK_MARKER, flush=True)
            dialog.ok_button().click()

    QTimer.singleShot(pace, type_next)

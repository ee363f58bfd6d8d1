"""``--self-test``: proves an installed or frozen program works end to end, in a temporary folder."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def run_self_test() -> int:
    """Create a database, write, back up, restore, write every document; prints each step. 0 = all passed."""
    from zhaocun_desktop import __version__, queries, records
    from zhaocun_desktop.backup import restore
    from zhaocun_desktop.backup_files import list_backups, make_backup
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.dbcheck import check_database
    from zhaocun_desktop.demo import fill_demo
    from zhaocun_desktop.excel.importing import commit_import, preview_import
    from zhaocun_desktop.excel.writing import write_export, write_template
    from zhaocun_desktop.paths import resource, ui_file
    from zhaocun_desktop.registers import MEDIATION_CASE
    from zhaocun_desktop.report import build_draft
    from zhaocun_desktop.report_docx import write_docx
    from zhaocun_desktop.summary import write_summary

    started = time.perf_counter()
    failures = 0

    def step(name: str, check) -> None:
        nonlocal failures
        try:
            detail = check()
            print(f"[通过] {name}" + (f"：{detail}" if detail else ""), flush=True)
        except Exception as error:  # noqa: BLE001 (a self-test reports every failure and goes on)
            failures += 1
            print(f"[失败] {name}：{type(error).__name__}: {error}", flush=True)

    print(f"司法所台账 {__version__} 自检", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        os.environ["ZHAOCUN_DATA_DIR"] = str(folder)
        path = folder / "台账.db"
        db = open_db(path)
        step("资源文件", lambda: str(resource("icons", "app.png")) if resource("icons", "app.png").is_file() and ui_file("main_window.ui").is_file() else 1 / 0)
        step("建库并写入示例数据", lambda: f"{sum(fill_demo(db).values())} 条")
        case = dict(accepted="2023-12-30", village="赵村村", org="村调委会", dispute_type="邻里", parties="自检甲与自检乙", result="调解中")
        step("新增一条记录", lambda: f"编号 {records.insert(db, MEDIATION_CASE, case)}")
        backup_path = {}
        step("备份并校验", lambda: backup_path.setdefault("path", make_backup(db.conn, path, "manual")).name)
        step("删除后从备份恢复", lambda: _delete_and_restore(db, path, backup_path["path"], restore, queries, MEDIATION_CASE))
        step("数据库检查", lambda: "完好" if not check_database(path) else 1 / 0)
        step("备份列表", lambda: f"{len(list_backups(path))} 个")
        step("年度报告 Word", lambda: write_docx(build_draft(db, 2023), folder / "报告.docx").stat().st_size)
        step("汇总表 Excel", lambda: write_summary(db, 2023, folder / "汇总表.xlsx").stat().st_size)
        step("填报模板", lambda: write_template(db, MEDIATION_CASE, folder / "模板.xlsx", "赵村村").stat().st_size)
        step("导出", lambda: f"{write_export(db, MEDIATION_CASE, folder / '导出.xlsx', reveal=True)} 条")
        step("导入导出的文件", lambda: _reimport(folder, preview_import, commit_import, open_db, records))
        step("加密数据库（SQLCipher：设置密码、检索、备份、用密码和恢复密钥打开、取消密码）", lambda: _encryption(db, path))
        step("Qt 中文翻译", _qt_translation)
        db.close()
    elapsed = time.perf_counter() - started
    print(("自检通过" if not failures else f"自检失败：{failures} 项") + f"（{elapsed:.1f} 秒）", flush=True)
    return 0 if not failures else 1


def _delete_and_restore(db, path, backup_path, restore, queries, register) -> str:
    before = queries.count(db, register)
    db.execute(f"DELETE FROM {register.key}")
    restore(db.conn, path, backup_path)
    after = queries.count(db, register)
    if after != before:
        raise AssertionError(f"恢复后 {after} 条，应为 {before} 条")
    return f"{after} 条"


def _encryption(db, path) -> str:
    """The frozen build carries SQLCipher: the file encrypted, FTS5 trigram search, a backup, reopened by password
    and by recovery key, decrypted again."""
    from zhaocun_desktop import crypto, encryption, queries
    from zhaocun_desktop.backup_files import make_backup
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.dbcheck import check_database
    from zhaocun_desktop.queries import RecordQuery
    from zhaocun_desktop.registers import MEDIATION_CASE

    recovery = encryption.set_password(db, "自检密码2024")
    found = queries.count(db, MEDIATION_CASE, RecordQuery(search="调解成功"))
    version = db.execute("PRAGMA cipher_version").fetchone()[0]
    made = make_backup(db.conn, path, "manual")
    if not crypto.is_encrypted(path) or not crypto.is_encrypted(made) or not found or check_database(path):
        raise AssertionError("数据库或备份没有加密，或检索、检查失败")
    crypto.forget_keys()
    for secret in ("自检密码2024", recovery):
        open_db(path, key=crypto.unlock(path, secret)).close()
    encryption.remove_password(db)
    return f"SQLCipher {version}，检索到 {found} 条"


def _reimport(folder, preview_import, commit_import, open_db, records) -> str:
    fresh = open_db(folder / "新库.db")
    try:
        preview = preview_import(fresh, folder / "导出.xlsx")
        result = commit_import(fresh, preview, include_duplicates=True)
        return f"{result['imported']} 条"
    finally:
        fresh.close()


def _qt_translation() -> str:
    try:
        from PySide6.QtCore import QLibraryInfo, QTranslator
    except ImportError:
        return "未安装 PySide6，跳过"
    from zhaocun_desktop.paths import resource

    translator = QTranslator()
    for folder in (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), str(resource("translations"))):
        if translator.load("qtbase_zh_CN", folder):
            return folder
    raise FileNotFoundError("找不到 qtbase_zh_CN.qm：按钮将显示为英文")

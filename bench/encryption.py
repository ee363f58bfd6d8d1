"""What encryption at rest costs: the same work on a plain database and on the same database encrypted
(a program password set: SQLCipher, the key derived from the password with scrypt), side by side in one run.

    .venv/bin/python bench/encryption.py [ROWS]        (ROWS of the large file, default 1,000,000)

Measured, each the best of a few runs (plain | encrypted | ratio):
  - the key from the password (scrypt; once per start, after the clerk typed it) — encrypted only;
  - opening the sample database (open_db: the schema read, pragmas) and the large file;
  - the first paint of the largest list (调解案件 over ROWS records) and a search of a name in it;
  - importing a village workbook of 10,000 cases (check + write, one transaction);
  - the year's report and summary workbook on the sample (figures, .docx, .xlsx).
The large file is built once by bench/large_table.py's builder and cached in the temp folder with its
encrypted copy. Start-up as a whole: ``bench/startup.py --encrypted``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
PASSWORD = "bench密码2024"


def best(function, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def encrypted_copy(plain: Path, target: Path):
    from zhaocun_desktop import crypto

    if not target.exists():
        partial = target.with_name(target.name + ".part")
        crypto.copy(plain, None, partial, crypto.new_key(PASSWORD))
        partial.rename(target)
    return crypto.unlock(target, PASSWORD)


def line(what: str, plain: float, encrypted: float) -> None:
    print(f"{what:<44}: {plain:7.3f} s | {encrypted:7.3f} s | {encrypted / plain:5.2f}x")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    os.environ["ZHAOCUN_DATA_DIR"] = tempfile.mkdtemp()
    folder = Path(tempfile.mkdtemp())
    from zhaocun_desktop import crypto
    from zhaocun_desktop.db import SCHEMA_VERSION, open_db
    from zhaocun_desktop.demo import build_demo

    sample = folder / "示例数据.db"
    build_demo(sample)
    sample_key = encrypted_copy(sample, folder / "示例数据_加密.db")
    derive, _ = best(lambda: crypto.derive(PASSWORD, sample_key.salt), 5)
    print(f"{'':<44}   plain     | encrypted | ratio")
    print(f"{'key from the password (scrypt, once a start)':<44}:    —      | {derive:7.3f} s |")
    line("open the sample database (open_db)", best(lambda: open_db(sample).close(), 5)[0],
         best(lambda: open_db(folder / "示例数据_加密.db", key=sample_key).close(), 5)[0])  # fmt: skip

    import large_table

    large = Path(tempfile.gettempdir()) / f"zhaocun_bench_{rows}_v{SCHEMA_VERSION}.db"
    if not large.exists():
        partial = large.with_name(large.name + ".part")
        partial.unlink(missing_ok=True)
        large_table.build(partial, rows)
        partial.rename(large)
    large_locked = large.with_name(large.stem + "_encrypted.db")
    large_key = encrypted_copy(large, large_locked)
    line(f"open the {rows:,}-case file", best(lambda: open_db(large).close())[0], best(lambda: open_db(large_locked, key=large_key).close())[0])

    from zhaocun_desktop.gui.app import create_app, ui_state_file
    from zhaocun_desktop.gui.register_view import RegisterView
    from zhaocun_desktop.registers import MEDIATION_CASE

    create_app()
    paints, searches = {}, {}
    for name, path, key in (("plain", large, None), ("encrypted", large_locked, large_key)):
        db = open_db(path, key=key)
        word = db.execute("SELECT parties FROM mediation_case WHERE id = ?", [rows // 2]).fetchone()[0].split("与")[0]

        def paint():
            view = RegisterView(db, MEDIATION_CASE, ui_state_file())
            view.resize(1280, 760)
            view.show()
            view.repaint()
            return view

        paints[name], view = best(paint)

        def search():
            view.search_box.setText(word)
            view.apply_filters()
            view.table.viewport().repaint()
            view.search_box.setText("")
            view.apply_filters()

        searches[name], _ = best(search, 1)  # the first search: later ones find its pages in the cache
        view.close()
        db.close()
    line(f"first paint of the list ({rows:,} cases)", paints["plain"], paints["encrypted"])
    line("search a name there and back (index)", searches["plain"], searches["encrypted"])

    import excel_speed

    from zhaocun_desktop import records, settings as township_settings
    from zhaocun_desktop.demo import VILLAGES
    from zhaocun_desktop.excel.importing import commit_import, preview_import
    from zhaocun_desktop.registers import VILLAGE

    workbook = folder / "cases_10000.xlsx"
    excel_speed.make_workbook(workbook, 10_000)
    imports = {}
    for name, key in (("plain", None), ("encrypted", crypto.new_key(PASSWORD))):
        times = []
        for run in range(2):
            path = folder / f"import_{name}_{run}.db"
            db = open_db(path)
            records.insert_many(db, VILLAGE, [dict(name=v) for v in VILLAGES])
            if key is not None:
                from zhaocun_desktop import encryption

                encryption.set_password(db, PASSWORD)
            started = time.perf_counter()
            result = commit_import(db, preview_import(db, workbook), include_duplicates=True)
            times.append(time.perf_counter() - started)
            assert result["imported"] == 10_000, result
            db.close()
        imports[name] = min(times)
    line("import 10,000 cases (check + write)", imports["plain"], imports["encrypted"])

    from zhaocun_desktop.report import build_draft
    from zhaocun_desktop.report_docx import write_docx
    from zhaocun_desktop.summary import write_summary

    reports = {}
    for name, path, key in (("plain", sample, None), ("encrypted", folder / "示例数据_加密.db", sample_key)):
        db = open_db(path, key=key)
        year = int(township_settings.settings(db)["report_year"])
        reports[name], _ = best(lambda: (write_docx(build_draft(db, year), folder / "r.docx"), write_summary(db, year, folder / "s.xlsx")))
        db.close()
    line("report .docx + summary workbook (sample)", reports["plain"], reports["encrypted"])
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

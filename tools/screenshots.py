"""Render every tab and every register's edit dialog to PNG, offscreen, on the sample data.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [OUT_DIR]

Needs a CJK font (Debian: fonts-wqy-microhei), or every Chinese glyph is a box.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    work = Path(tempfile.mkdtemp())
    os.environ["ZHAOCUN_DATA_DIR"] = str(work)

    from PySide6.QtWidgets import QTabWidget

    from zhaocun_desktop import queries
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import build_demo
    from zhaocun_desktop.gui.app import create_app, ui_state_file
    from zhaocun_desktop.gui.main_window import MainWindow
    from zhaocun_desktop.gui.record_dialog import RecordDialog
    from zhaocun_desktop.registers import MEDIATION_CASE, REGISTERS

    app = create_app()
    path = work / "demo.db"
    build_demo(path)
    db = open_db(path)
    window = MainWindow(path, ui_state_file(), demo=True, db=db)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.overview_view  # noqa: B018 (complete: its figures table and checks otherwise follow the first paint)
    tabs = window.form.tabs
    shots = []
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        page = tabs.widget(index)
        inner = [page] if not isinstance(page, QTabWidget) else [page.widget(i) for i in range(page.count())]
        for sub, _widget in enumerate(inner):
            if isinstance(page, QTabWidget):
                page.setCurrentIndex(sub)
            app.processEvents()
            title = tabs.tabText(index) + (f"-{page.tabText(sub)}" if isinstance(page, QTabWidget) else "")
            name = out / f"tab_{index}_{sub}_{title}.png"
            window.grab().save(str(name))
            shots.append(name)
    for key, view in [(r.key, window.view(r.key)) for r in REGISTERS]:
        record_id = view.model.record_id(0)
        dialog = RecordDialog(db, view.register, record_id, parent=window)
        dialog.show()
        app.processEvents()
        name = out / f"dialog_{key}.png"
        dialog.grab().save(str(name))
        shots.append(name)
        dialog.close()
    # the print preview of a list (打印)
    preview = window.view(MEDIATION_CASE.key).print_list(open_dialog=False)
    preview.show()
    app.processEvents()
    name = out / "dialog_list_print_preview.png"
    preview.grab().save(str(name))
    shots.append(name)
    preview.close()
    # the case dialog after an invalid save attempt: messages beside the fields
    dialog = RecordDialog(db, MEDIATION_CASE, parent=window)
    dialog.form.editors["accepted"].set_value("2023-05-04")  # the rest left empty: required fields and the parties table complain
    dialog.show()
    dialog.accept()
    app.processEvents()
    name = out / "dialog_mediation_case_errors.png"
    dialog.grab().save(str(name))
    shots.append(name)
    dialog.close()
    # the import preview of a village file with one bad row
    import datetime as dt

    import openpyxl

    from zhaocun_desktop.excel.importing import preview_import
    from zhaocun_desktop.gui.import_dialog import ImportDialog

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "调解结果", "联系电话", "多余列"])
    sheet.append([dt.date(2023, 3, 8), "赵村村", "村调委会", "邻里", "张三与李四", "调解中", "13800138000", "x"])
    sheet.append(["2023-04-01", "赵村", "村调委会", "打架", "王五与赵六", "调解中", "12345", ""])
    sheet.append(["2023年5月1日", "中汤村", "镇调委会", "婚姻家庭纠纷", "钱七与孙八", "调解中", "", ""])
    book.save(work / "赵村村报送.xlsx")
    dialog = ImportDialog(db, preview_import(db, work / "赵村村报送.xlsx"), window)
    dialog.show()
    app.processEvents()
    name = out / "dialog_import_preview.png"
    dialog.grab().save(str(name))
    shots.append(name)
    dialog.close()
    # the first-run wizard on an empty database
    from zhaocun_desktop.gui.first_run import FirstRunWizard

    empty = open_db(work / "empty.db")
    wizard = FirstRunWizard(empty)
    wizard.show()
    for page in range(3):
        app.processEvents()
        name = out / f"wizard_{page}.png"
        wizard.grab().save(str(name))
        shots.append(name)
        if page == 1:
            for key, value in dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023").items():
                wizard.settings_page.form.editors[key].widget.setText(value)
        if page < 2:
            wizard.next()
    wizard.close()
    empty.close()
    shots += county_shots(out, work, path)
    window.close()
    db.close()
    print("\n".join(map(str, shots)))
    print(f"{len(shots)} 张截图，记录 {queries.count(open_db(path), MEDIATION_CASE)} 条调解案件")
    return 0


def county_shots(out: Path, work: Path, town_path: Path) -> list[Path]:
    """The county window (three townships rolled up): 总览 and the case list, for 全县 and one township."""
    from PySide6.QtWidgets import QApplication

    from zhaocun_desktop import figures
    from zhaocun_desktop.county import rollup
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import build_demo
    from zhaocun_desktop.gui.app import ui_state_file
    from zhaocun_desktop.gui.main_window import MainWindow
    from zhaocun_desktop.package import write_package
    from zhaocun_desktop.registers import MEDIATION_CASE

    packages = []
    for town, seed, source in (("赵村镇", 0, town_path), ("中汤镇", 7, work / "中汤镇.db"), ("瓦屋镇", 11, work / "瓦屋镇.db")):
        if seed:
            build_demo(source, seed=seed, town=town)
        db = open_db(source)
        packages.append(write_package(db, 2023, work / f"{town}.zip"))
        db.close()
    county = rollup.open_county(work / "县级汇总.db")
    rollup.roll_up(county, packages)
    window = MainWindow(work / "县级汇总.db", ui_state_file(), db=county)
    window.resize(1280, 800)
    window.show()
    cases = window.view(MEDIATION_CASE.key)
    shots = []
    for scope in ("全县", "中汤镇"):
        window.county.township_box.setCurrentText(scope)
        window.form.tabs.setCurrentWidget(window._slots["overview"])
        window.overview_view.period_picker.set_period(figures.Period.year(2023))
        window.overview_view.refresh()
        for name, page in (("总览", window._slots["overview"]), ("调解案件", cases.parentWidget().parentWidget().parentWidget())):
            window.form.tabs.setCurrentWidget(page)
            QApplication.processEvents()
            shot = out / f"county_{scope}_{name}.png"
            window.grab().save(str(shot))
            shots.append(shot)
    window.close()
    county.close()
    return shots


if __name__ == "__main__":
    raise SystemExit(main())

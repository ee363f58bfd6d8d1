"""文件 → 导出上报数据包 and 文件 → 县级汇总 through the real window (dialogs answered by monkeypatch)."""

import openpyxl
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from zhaocun_desktop import audit
from zhaocun_desktop.county import figures as county_figures
from zhaocun_desktop.package import read_package


def test_export_package_asks_year_personal_data_and_file(open_window, monkeypatch, tmp_path):
    window = open_window(demo=True)
    out = tmp_path / "赵村镇_2023年上报数据包.zip"
    asked = []
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (asked.append("year"), (2023, True))[1])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append("reveal"), QMessageBox.StandardButton.No)[1])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.form.actionPackage.trigger()
    assert asked == ["year", "reveal"]
    package = read_package(out)
    assert package.year == 2023 and package.manifest["personal_data"] == "masked"
    assert "已导出2023年上报数据包" in window.statusBar().currentMessage()
    assert "遮盖" in audit.audit_rows(window.db, "package")[-1]["note"]


def test_county_database_from_the_menu_takes_the_package(open_window, monkeypatch, tmp_path, clerk_confirms):
    """文件 → 打开或新建县级汇总数据库 opens a county window; its 文件 → 导入乡镇数据包 takes the package."""
    window = open_window(demo=True)
    package = tmp_path / "赵村镇.zip"
    window.export_package(2023, str(package), reveal=False)
    county_db = tmp_path / "县级汇总.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(county_db), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(package)], ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    window.form.actionRollup.trigger()
    county_window = next(w for w in QApplication.topLevelWidgets() if getattr(w, "county", None) is not None and w.db_path == county_db.resolve())
    county_window.county.import_action.trigger()
    assert "已导入赵村镇2023年数据包" in shown[0] and [q.kind for q in clerk_confirms[0]] == ["new_key"]
    assert county_figures.townships(county_window.db, 2023) == ["赵村镇"]
    workbook = tmp_path / "2023年全县汇总表.xlsx"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("2023年", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(workbook), ""))
    county_window.county.summary_action.trigger()
    assert openpyxl.load_workbook(workbook).active.cell(2, 3).value == "赵村镇"
    # a foreign file: refused with the reason, nothing more written
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    assert county_window.county.import_packages([str(workbook)]) is None
    assert "不是本程序导出的上报数据包" in warnings[0]
    county_window.close()

"""统计报表 from the menu: a period, then the county workbook written."""

import openpyxl

from zhaocun_desktop.figures import Period
from zhaocun_desktop.gui.county_dialog import CountyDialog


def test_menu_opens_the_dialog_and_it_writes_the_quarter(qtbot, open_window, tmp_path, when_modal):
    window = open_window(demo=True)
    seen = []
    state = when_modal(lambda dialog: (seen.append(dialog), dialog.reject()))
    window.county_action.trigger()
    qtbot.waitUntil(lambda: state["done"])
    assert isinstance(seen[0], CountyDialog)
    assert "统计报表（报县司法局）…" in [action.text() for action in window.form.menuFile.actions()]

    dialog = CountyDialog(window.db, window)
    qtbot.addWidget(dialog)
    assert dialog.picker.period() == Period.quarter(2023, 4) and "人民调解案件统计表" in dialog.contents.text()
    dialog.picker.set_period(Period.quarter(2023, 2))
    assert "2023年第二季度" in dialog.contents.text()
    written = dialog.export(str(tmp_path / "二季度"))
    assert written.name == "二季度.xlsx" and "已导出" in dialog.status.text()
    assert "2023年第二季度" in openpyxl.load_workbook(written)["人民调解"]["A2"].value

"""The period picker: 总览 shows a quarter, a month or any from–to, and exports that period's summary."""

import datetime as dt

import openpyxl
from PySide6.QtCore import QDate

from zhaocun_desktop import figures as fig
from zhaocun_desktop.figures import Period
from zhaocun_desktop.gui.period_picker import PeriodPicker


def test_picker_gives_each_kind_of_period(qtbot):
    picker = PeriodPicker(2023)
    qtbot.addWidget(picker)
    seen = []
    picker.changed.connect(seen.append)
    assert picker.period() == Period.year(2023)
    picker.kind.setCurrentText("季度")
    picker.quarter.setCurrentIndex(3)
    assert seen[-1] == Period.quarter(2023, 4)
    picker.kind.setCurrentText("月份")
    picker.month.setCurrentIndex(1)
    picker.year.setValue(2024)
    assert seen[-1] == Period.month(2024, 2) and seen[-1].end == dt.date(2024, 2, 29)
    assert picker.start is None and picker.end is None  # made when 自定义期间 is first chosen (start-up time)
    picker.kind.setCurrentText("自定义期间")
    layout = picker.layout()
    assert layout.indexOf(picker.start) + 1 == layout.indexOf(picker.to_label) == layout.indexOf(picker.end) - 1
    assert picker.start.date() == QDate(2024, 1, 1) and picker.end.date() == QDate(2024, 12, 31)  # the year shown
    picker.start.setDate(QDate(2023, 12, 26))
    picker.end.setDate(QDate(2024, 3, 25))
    assert seen[-1] == Period(dt.date(2023, 12, 26), dt.date(2024, 3, 25))
    count = len(seen)
    picker.end.setDate(QDate(2023, 1, 1))  # reversed: no new period, a message instead
    assert len(seen) == count and "早于开始日期" in picker.problem.text()
    picker.set_period(Period.quarter(2022, 2))
    assert picker.kind.currentText() == "季度" and picker.quarter.currentIndex() == 1 and seen[-1] == Period.quarter(2022, 2)
    assert not picker.start.isVisibleTo(picker) and not picker.to_label.isVisibleTo(picker)
    fresh = PeriodPicker(2023)  # a from–to set before the boxes were ever shown
    qtbot.addWidget(fresh)
    fresh.set_period(Period(dt.date(2023, 3, 5), dt.date(2023, 6, 7)))
    assert fresh.period() == Period(dt.date(2023, 3, 5), dt.date(2023, 6, 7)) and fresh.start.isVisibleTo(fresh)


def test_overview_shows_the_chosen_quarter_and_exports_its_summary(qtbot, open_window, tmp_path):
    window = open_window(demo=True)
    view = window.overview_view
    view.period_picker.set_period(Period.quarter(2023, 4))
    header = [view.table.horizontalHeaderItem(c).text() for c in range(3)]
    assert header[1:] == ["2023年第四季度", "2022年第四季度"]
    shown = {view.table.item(r, 0).text(): view.table.item(r, 1).text() for r in range(view.table.rowCount())}
    q4 = fig.period_figures(window.db, Period.quarter(2023, 4))
    assert shown["排查调处纠纷件数"] == str(q4["cases"]) and q4["cases"] < fig.yearly_figures(window.db, 2023)["cases"]
    written = view.export_summary(str(tmp_path / "四季度"))
    assert written.suffix == ".xlsx"
    title = openpyxl.load_workbook(written)["调解-按村"]["A1"].value
    assert "2023年第四季度" in title

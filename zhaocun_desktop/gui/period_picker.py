"""A statistics period chosen as a year, a quarter, a month or a from–to range."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from zhaocun_desktop.errors import UserError
from zhaocun_desktop.periods import Period

KINDS = ("年度", "季度", "月份", "自定义期间")
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


class PeriodPicker(QWidget):
    """Emits ``changed`` with the new ``Period`` whenever the choice changes to a valid period."""

    changed = Signal(object)

    def __init__(self, year: int, parent=None):
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setObjectName("period_kind")
        self.kind.addItems(KINDS)
        self.year = QSpinBox()
        self.year.setObjectName("period_year")
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setValue(int(year))
        self.quarter = QComboBox()
        self.quarter.setObjectName("period_quarter")
        self.quarter.addItems(QUARTERS)
        self.month = QComboBox()
        self.month.setObjectName("period_month")
        self.month.addItems([f"{m}月" for m in range(1, 13)])
        # the 自定义期间 date boxes: made when that kind is first chosen (``_date_boxes``); on 总览's first screen
        # their module and two calendar boxes would cost some 6 ms
        self.start = self.end = None
        self.to_label = QLabel("至")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("统计期间"), self.kind, self.year, self.quarter, self.month, self.to_label, self.problem):
            self._layout.addWidget(widget)
        self._layout.addStretch(1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.year.valueChanged.connect(self._changed)
        self.quarter.currentIndexChanged.connect(self._changed)
        self.month.currentIndexChanged.connect(self._changed)
        self._kind_changed()

    def _date_boxes(self) -> tuple:
        """The from and to boxes of 自定义期间 (made the first time, on either side of 至, showing the year)."""
        if self.start is None:
            from zhaocun_desktop.gui.field_form import DateEdit

            year = self.year.value()
            self.start, self.end = DateEdit(), DateEdit()
            self.start.setObjectName("period_from")
            self.end.setObjectName("period_to")
            self.start.setDate(QDate(year, 1, 1))
            self.end.setDate(QDate(year, 12, 31))
            at = self._layout.indexOf(self.to_label)
            self._layout.insertWidget(at + 1, self.end)
            self._layout.insertWidget(at, self.start)
            self.start.dateChanged.connect(self._changed)
            self.end.dateChanged.connect(self._changed)
        return self.start, self.end

    def _kind_changed(self, *args) -> None:
        kind = self.kind.currentText()
        self.year.setVisible(kind != "自定义期间")
        self.quarter.setVisible(kind == "季度")
        self.month.setVisible(kind == "月份")
        custom = kind == "自定义期间"
        if custom:
            self._date_boxes()
        for widget in (self.start, self.to_label, self.end):
            if widget is not None:  # the date boxes before they are first needed
                widget.setVisible(custom)
        self._changed()

    def period(self) -> Period:
        """The chosen period; UserError when a from–to range is incomplete or reversed."""
        kind, year = self.kind.currentText(), self.year.value()
        if kind == "季度":
            return Period.quarter(year, self.quarter.currentIndex() + 1)
        if kind == "月份":
            return Period.month(year, self.month.currentIndex() + 1)
        if kind == "自定义期间":
            start, end = (box.date() for box in self._date_boxes())
            if start == self.start.minimumDate() or end == self.end.minimumDate():
                raise UserError("请填写期间的开始和结束日期")
            if not start.isValid() or not end.isValid():
                raise UserError("期间的日期写法不对：请写成 2025-12-01、20251201 或 2025年12月1日")
            return Period(dt.date(start.year(), start.month(), start.day()), dt.date(end.year(), end.month(), end.day()))
        return Period.year(year)

    def set_period(self, period: Period) -> None:
        """Show ``period`` (as a year, quarter or month when it is one)."""
        label = period.label
        self.blockSignals(True)
        self.year.setValue(period.start.year)
        if period.is_year:
            self.kind.setCurrentText("年度")
        elif "季度" in label:
            self.kind.setCurrentText("季度")
            self.quarter.setCurrentIndex((period.start.month - 1) // 3)
        elif label.endswith("月") and "至" not in label:
            self.kind.setCurrentText("月份")
            self.month.setCurrentIndex(period.start.month - 1)
        else:
            self.kind.setCurrentText("自定义期间")
            start, end = self._date_boxes()
            start.setDate(QDate(period.start.year, period.start.month, period.start.day))
            end.setDate(QDate(period.end.year, period.end.month, period.end.day))
        self.blockSignals(False)
        self._changed()

    def _changed(self, *args) -> None:
        try:
            period = self.period()
        except UserError as error:
            self.problem.setText(str(error))
            return
        self.problem.setText("")
        self.changed.emit(period)

"""The 总览 tab: the period as pictures (month trend against last year, type mix, outcome split,
villages with most cases), the key figures beside the same period a year before, what is due,
and what needs attention. Every item in those lists, and every bar, opens its records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from zhaocun_desktop import county_scope, overview, queries, settings as township_settings
from zhaocun_desktop.gui.charts import SHARE_COLORS, BarChart, MonthChart, ShareChart, pen
from zhaocun_desktop.gui.deferred import QMessageBox
from zhaocun_desktop.gui.period_picker import PeriodPicker
from zhaocun_desktop.periods import Period
from zhaocun_desktop.registers import BY_KEY as REGISTERS_BY_KEY, MEDIATION_CASE

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListWidget, QListWidgetItem, QTableWidget  # built after the first screen
    from sqlite_utils import Database

    from zhaocun_desktop.due import DueItem
    from zhaocun_desktop.report_checks import Finding

KEY_FIGURES = (
    "publicity_events", "node_events", "school_police_events", "exams", "posts", "certified", "cert_rate", "trainings",
    "gov_contracts", "gov_consultations", "visited_villages", "visit_people", "lawsuits", "village_rules", "advisor_disputes",
    "consultation_people", "legal_aid_referrals", "meetings", "cases", "cases_success", "success_rate", "village_cases",
    "town_cases", "cases_open", "petitions", "petition_on_time_rate", "petition_satisfaction_rate", "to_beijing", "to_province", "to_city",
)  # fmt: skip
UNITS = {"mediation_case": "件", "publicity_event": "场次", "advisor_work": "条", "petition": "件"}
CALCULATING = "正在计算…"  # where the figures table and the checks stand until they are filled
OVERDUE = QColor("#800000")  # Qt.GlobalColor.darkRed; this module's first screen leaves PySide's Qt namespace unbuilt (see charts)


def _year_earlier(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def _same_period_a_year_before(period: Period) -> Period:
    return Period(_year_earlier(period.start), _year_earlier(period.end))


class _Waiting(QLabel):
    """正在计算… where a list or the table goes until ``OverviewView.complete`` builds it. Its size hint is the one
    Qt gives a list or a table whatever its rows (QAbstractScrollArea's, 256 × 192), so the layout is the same
    with the lists, and the charts do not move when the lists take their places (tested)."""

    def __init__(self):
        super().__init__(CALCULATING)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(256, 192)


class OverviewView(QWidget):
    """Shows ``picture`` (overview.YearPicture), ``figures`` (this period) and ``previous`` side by
    side, ``due`` (as of ``today``, the computer's date unless a test sets it) and ``findings``;
    refreshed by ``refresh``.

    With ``first_screen_only`` the constructor fills what the clerk sees first (the charts) and leaves
    placeholders saying 正在计算… where what is due, the figures table and the checks go: ``complete`` (called
    once the charts have first painted, and by ``window.overview_view``; a no-op when nothing is pending) builds
    ``table``, ``due_list`` and ``attention`` in their places and fills them. The due list cost the first screen
    some 20 ms on the sample database (its query, and the layout of its rows).
    """

    records_changed = Signal(str)  # a record opened from the due list, a finding or a chart was saved
    due_read = Signal(list)  # the due list as of today has just been read (the window's badge shows its count)

    def __init__(self, db: Database, parent=None, today: dt.date | None = None, first_screen_only: bool = False):
        super().__init__(parent)
        self.db = db
        self.today = today
        self.due: list[DueItem] = []
        self._pending: Period | None = None  # the period whose figures and checks are still to fill
        self.setObjectName("view_overview")
        self.period_picker = PeriodPicker(township_settings.settings(db)["report_year"])
        self.period_picker.setObjectName("overview_period")
        self.period_picker.changed.connect(self.refresh)
        self.findings: list[Finding] = []
        self.trend_box = QComboBox()
        self.trend_box.setObjectName("trend_register")
        self.trend_box.setToolTip("月度走势显示哪本台账")
        for register in overview.TREND_REGISTERS:
            self.trend_box.addItem(register.title, register.key)
        self.trend_box.currentIndexChanged.connect(self.refresh)
        self.month_chart = MonthChart("月度走势")
        self.month_chart.setObjectName("chart_months")
        self.type_chart = BarChart("纠纷类型")
        self.type_chart.setObjectName("chart_types")
        self.outcome_chart = ShareChart("调解结果")
        self.outcome_chart.setObjectName("chart_outcomes")
        self.village_chart = BarChart("案件最多的村(居)", SHARE_COLORS[0])
        self.village_chart.setObjectName("chart_villages")
        self.month_chart.month_clicked.connect(self.show_month)
        self.type_chart.activated.connect(lambda label: self.show_cases("dispute_type", label))
        self.outcome_chart.activated.connect(lambda label: self.show_cases("result", label))
        self.village_chart.activated.connect(lambda label: self.show_cases("village", label))
        for chart in (self.type_chart, self.outcome_chart, self.village_chart):
            chart.setToolTip("点击柱条或图例，查看对应的调解案件")
        pictures = QWidget()
        grid = QGridLayout(pictures)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setSpacing(8)
        choice = QHBoxLayout()
        choice.addWidget(QLabel("月度走势显示"))
        choice.addWidget(self.trend_box)
        choice.addStretch(1)
        grid.addLayout(choice, 0, 0, 1, 2)
        grid.addWidget(self.month_chart, 1, 0)
        grid.addWidget(self.outcome_chart, 1, 1)
        grid.addWidget(self.type_chart, 2, 0)
        grid.addWidget(self.village_chart, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        # the figures table and the two lists on the right: placeholders saying 正在计算… until ``complete`` builds them
        # (on the first screen their classes, with the Python enums PySide makes for them, cost ~18 of the start's 101 enums,
        # ~17 M instructions: bench/startup_enums.py, bench/startup_instructions.py)
        self.table: QTableWidget | None = None
        self.due_list: QListWidget | None = None
        self.attention: QListWidget | None = None
        self._waiting = {name: _Waiting() for name in ("table", "due_list", "attention")}
        table_page = QWidget()
        table_layout = QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self._waiting["table"], 1)
        self.left_tabs = QTabWidget()
        self.left_tabs.setObjectName("overview_tabs")
        self.left_tabs.addTab(pictures, "图表")
        self.left_tabs.addTab(table_page, "数字对比")
        top = QHBoxLayout()
        top.addWidget(self.period_picker)
        top.addStretch(1)
        self.summary_button = QPushButton("导出本期汇总表…")
        self.summary_button.setObjectName("overview_summary")
        self.summary_button.clicked.connect(lambda: self.export_summary())
        top.addWidget(self.summary_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.due_label = QLabel("到期事项")
        self.due_label.setWordWrap(True)  # its count (filled by ``complete``) must not widen the pane and move the charts
        right_layout.addWidget(self.due_label)
        right_layout.addWidget(self._waiting["due_list"], 3)
        right_layout.addWidget(QLabel("需要处理的事项（双击打开相关记录）"))
        right_layout.addWidget(self._waiting["attention"], 2)
        splitter = QSplitter()
        splitter.addWidget(self.left_tabs)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # the charts seven tenths of the width, the lists three (their lines are long sentences): set, not left to what the
        # lists hold, so the charts keep their places when the lists are filled after the first screen
        splitter.setSizes([700, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        if first_screen_only:
            self._fill_first_screen(self.period_picker.period())
            self._complete_timer = QTimer(self, singleShot=True, interval=0)  # a child: a closing window stops it
            self._complete_timer.timeout.connect(self.complete)
            self.month_chart.installEventFilter(self)  # its first paint starts the rest
        else:
            self.refresh()

    def _build_the_rest(self) -> None:
        """The figures table and the lists of what is due and what needs attention, in their placeholders' places."""
        from PySide6.QtWidgets import QAbstractItemView, QListWidget, QTableWidget

        self.table = QTableWidget(len(KEY_FIGURES), 5)
        self.table.setObjectName("overview_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.due_list = QListWidget()
        self.due_list.setWordWrap(True)
        self.due_list.setObjectName("due_list")
        self.due_list.setToolTip("双击打开对应记录")
        self.due_list.itemActivated.connect(self.open_due_item)
        self.attention = QListWidget()
        self.attention.setWordWrap(True)
        self.attention.setObjectName("attention")
        self.attention.setToolTip("双击打开相关记录")
        self.attention.itemActivated.connect(self.open_item)
        for name, widget in (("table", self.table), ("due_list", self.due_list), ("attention", self.attention)):
            placeholder = self._waiting.pop(name)
            placeholder.parentWidget().layout().replaceWidget(placeholder, widget)
            placeholder.hide()  # deleteLater waits for the event loop; it must not show meanwhile
            placeholder.deleteLater()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.month_chart and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._complete_soon)  # after this paint, and after what else waited for it
        return False

    def _complete_soon(self) -> None:
        if self.isVisible():  # a window closed meanwhile (its database with it) is left alone
            self._complete_timer.start()

    def refresh(self, *args) -> None:
        period = self.period_picker.period()
        self._fill_first_screen(period)
        self.complete()

    def _fill_first_screen(self, period: Period) -> None:
        """The charts; what is due, the figures table and the checks wait for ``complete``."""
        self._fill_pictures(period)
        self._pending = period
        self.findings = []

    def complete(self) -> None:
        """Fill the figures table and the checks of the period shown (nothing when they are filled)."""
        if self._pending is None:
            return
        from PySide6.QtCore import Qt  # after the first screen, as the figures, the report and its checks
        from PySide6.QtWidgets import QHeaderView, QListWidgetItem, QTableWidgetItem

        from zhaocun_desktop import figures as fig, report
        from zhaocun_desktop.report_checks import check_records

        period, self._pending = self._pending, None
        if self.table is None:
            self._build_the_rest()
        self.refresh_due()
        before = _same_period_a_year_before(period)
        self.table.setHorizontalHeaderLabels(["项目", period.label.replace("至", "至\n"), before.label.replace("至", "至\n"), "增减", "所属工作"])
        self.table.clearContents()
        self.figures = fig.period_figures(self.db, period)
        self.previous = fig.period_figures(self.db, before)
        # the year's report: its checks below (a year's figures are the report's own)
        draft = report.build_draft(self.db, period.end.year, figures=self.figures if period.is_year else None)
        for row, key in enumerate(KEY_FIGURES):
            item = fig.BY_KEY[key]
            now, before = self.figures[key], self.previous[key]
            if isinstance(item, fig.Rate):
                cells = [item.label, str(now) or "—", str(before) or "—", "", item.section]
            else:
                change = now - before
                cells = [item.label, fig.display(item, now), fig.display(item, before), f"{change:+g}" if change else "持平", item.section]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column in (1, 2, 3):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.attention.clear()
        # the checks are a township's (its settings, its case-number pattern): not for a county's sum
        county = county_scope.whole_county(self.db)
        self.findings = [] if county else check_records(self.db, draft, certificates_as_of=dt.date.today())
        for finding in self.findings:
            item = QListWidgetItem(str(finding))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            self.attention.addItem(item)
        if not self.findings:
            self.attention.addItem("选择一个乡镇后，这里列出该乡镇需要处理的事项。" if county else "暂无需要处理的事项。")

    @property
    def period(self) -> Period:
        return self.period_picker.period()

    def _fill_pictures(self, period: Period) -> None:
        trend = REGISTERS_BY_KEY[self.trend_box.currentData()]
        self.picture = overview.year_picture(self.db, period, trend)
        year = self.picture.year
        self.month_chart.title = f"{trend.title}月度走势（{year}年与{year - 1}年）"
        self.month_chart.set_series([(f"{year}年", self.picture.months), (f"{year - 1}年", self.picture.months_before)], UNITS.get(trend.key, "条"))
        self.type_chart.title = f"{period.label}纠纷类型"
        self.type_chart.set_items(self.picture.types)
        self.outcome_chart.title = f"{period.label}调解结果"
        self.outcome_chart.set_items(self.picture.outcomes)
        self.village_chart.title = f"{period.label}案件最多的村(居)（前{overview.TOP_VILLAGES}名）"
        self.village_chart.set_items(self.picture.villages)

    def refresh_due(self) -> None:
        """The list of what is due as of today, most urgent first; each row opens its record."""
        from PySide6.QtWidgets import QListWidgetItem

        from zhaocun_desktop.due import due_items, overdue_count  # read after the first screen (``complete``)

        today = self.today or dt.date.today()
        self.due = due_items(self.db, today)
        self.due_list.clear()
        overdue = overdue_count(self.due, today)
        self.due_label.setText(f"到期事项（截至{today.year}年{today.month}月{today.day}日，共{len(self.due)}项，已逾期{overdue}项；双击打开记录）")
        overdue_brush = pen(OVERDUE).brush()
        for item in self.due:  # row i is self.due[i] (open_due_item)
            row = QListWidgetItem(item.line(today))
            if item.due < today:
                row.setForeground(overdue_brush)
            self.due_list.addItem(row)
        if not self.due:
            self.due_list.addItem("没有到期或逾期的事项。")
        self.due_read.emit(self.due)

    def export_summary(self, path: str | None = None) -> Path | None:
        """Write the summary workbook of the chosen period (asks where unless ``path`` is given)."""
        from PySide6.QtWidgets import QFileDialog

        from zhaocun_desktop.errors import UserError
        from zhaocun_desktop.gui.jobs import run_job
        from zhaocun_desktop.paths import data_dir
        from zhaocun_desktop.progress import Cancelled
        from zhaocun_desktop.summary import period_name, write_summary

        try:
            period = self.period_picker.period()
            if path is None:
                folder = data_dir() / "导出"
                folder.mkdir(parents=True, exist_ok=True)
                stem = f"{township_settings.settings(self.db).get('town') or ''}{period_name(period)}法治政府建设汇总表"
                path, _ = QFileDialog.getSaveFileName(self, "导出汇总表", str(folder / f"{stem}.xlsx"), "Excel 工作簿 (*.xlsx)")
                if not path:
                    return None
            target = Path(path) if str(path).lower().endswith(".xlsx") else Path(f"{path}.xlsx")
            return run_job(self, "导出汇总表", f"正在生成{period.label}汇总表…", self.db, lambda db, progress: write_summary(db, period, target, progress))
        except UserError as error:
            QMessageBox.warning(self, "无法导出", str(error))
            return None
        except Cancelled:
            return None

    def open_due_item(self, row: QListWidgetItem) -> None:
        """Open the record behind a due item for editing; refresh when it was saved."""
        from zhaocun_desktop.gui.record_dialog import RecordDialog
        from zhaocun_desktop.registers import BY_KEY

        index = self.due_list.row(row)
        if not 0 <= index < len(self.due):  # the line saying nothing is due
            return
        item = self.due[index]
        dialog = RecordDialog(self.db, BY_KEY[item.register], item.record_id, self)
        if dialog.exec():
            self.refresh_due()
            self.records_changed.emit(item.register)

    def open_item(self, item: QListWidgetItem) -> None:
        """Open the records a finding points at: one record in its edit dialog, several in a list."""
        from PySide6.QtCore import Qt

        finding: Finding | None = item.data(Qt.ItemDataRole.UserRole)
        if finding is None or not finding.register or not finding.record_ids:
            return
        register = REGISTERS_BY_KEY[finding.register]
        if len(finding.record_ids) == 1:
            from zhaocun_desktop.gui.record_dialog import RecordDialog

            edited = bool(RecordDialog(self.db, register, finding.record_ids[0], parent=self).exec())
        else:
            edited = self._show_records(register, queries.rows_by_id(self.db, register, finding.record_ids), finding.message)
        if edited:
            self.refresh()
            self.records_changed.emit(register.key)

    def show_cases(self, field: str, label: str) -> None:
        """The period's cases behind one bar or share (a village, a dispute type, an outcome)."""
        period = self.period
        rows = overview.cases_of(self.db, period, field, label)
        heading = f"{period.label}{MEDIATION_CASE.field(field).label}为“{label}”的调解案件：{len(rows)} 件。"
        if rows and self._show_records(MEDIATION_CASE, rows, heading):
            self.refresh()
            self.records_changed.emit(MEDIATION_CASE.key)

    def show_month(self, series: int, month: int) -> None:
        """The records behind one point of the month trend (this year's line or last year's)."""
        register = REGISTERS_BY_KEY[self.trend_box.currentData()]
        year = self.picture.year - series
        rows = overview.month_records(self.db, register, year, month)
        if rows and self._show_records(register, rows, f"{year}年{month}月的{register.title}：{len(rows)} 条。"):
            self.refresh()
            self.records_changed.emit(register.key)

    def _show_records(self, register, rows: list[dict], heading: str) -> bool:
        from zhaocun_desktop.gui.records_dialog import RecordsDialog

        dialog = RecordsDialog(register, rows, heading, self, db=self.db)
        dialog.exec()
        return dialog.edited

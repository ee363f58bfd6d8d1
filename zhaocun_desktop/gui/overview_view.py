"""The 总览 tab: the year as pictures (month trend against last year, type mix, outcome split,
villages with most cases), the key figures beside last year's, and what needs attention.
Every item needing attention, and every bar, opens the records behind it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop import figures as fig
from zhaocun_desktop import overview, records, report
from zhaocun_desktop.gui.charts import SHARE_COLORS, BarChart, MonthChart, ShareChart
from zhaocun_desktop.gui.field_form import YearBox
from zhaocun_desktop.registers import BY_KEY as REGISTERS_BY_KEY
from zhaocun_desktop.registers import MEDIATION_CASE
from zhaocun_desktop.report_checks import Finding, check_records

if TYPE_CHECKING:
    from sqlite_utils import Database

KEY_FIGURES = (
    "publicity_events", "node_events", "school_police_events", "exams", "posts", "certified", "cert_rate", "trainings",
    "gov_contracts", "gov_consultations", "visited_villages", "visit_people", "lawsuits", "village_rules", "advisor_disputes",
    "consultation_people", "legal_aid_referrals", "meetings", "cases", "cases_success", "success_rate", "village_cases",
    "town_cases", "cases_open", "petitions", "petition_on_time_rate", "to_beijing", "to_province", "to_city",
)  # fmt: skip
UNITS = {"mediation_case": "件", "publicity_event": "场次", "advisor_work": "条", "petition": "件"}


class OverviewView(QWidget):
    """Shows ``picture`` (overview.YearPicture), ``figures`` (this year) and ``previous``; ``findings``
    are the items needing attention. Everything is re-read by ``refresh``.
    """

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.findings: list[Finding] = []
        self.setObjectName("view_overview")
        self.year_box = YearBox(records.settings(db)["report_year"])
        self.year_box.setObjectName("overview_year")
        self.year_box.valueChanged.connect(self.refresh)
        self.trend_box = QComboBox()
        self.trend_box.setObjectName("trend_register")
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
        self.type_chart.activated.connect(lambda label: self.show_cases("dispute_type", label))
        self.outcome_chart.activated.connect(lambda label: self.show_cases("result", label))
        self.village_chart.activated.connect(lambda label: self.show_cases("village", label))
        pictures = QWidget()
        grid = QGridLayout(pictures)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setSpacing(8)
        grid.addWidget(self.month_chart, 0, 0)
        grid.addWidget(self.outcome_chart, 0, 1)
        grid.addWidget(self.type_chart, 1, 0)
        grid.addWidget(self.village_chart, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

        self.table = QTableWidget(len(KEY_FIGURES), 5)
        self.table.setObjectName("overview_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.left_tabs = QTabWidget()
        self.left_tabs.setObjectName("overview_tabs")
        self.left_tabs.addTab(pictures, "图表")
        self.left_tabs.addTab(self.table, "数字对比")

        self.attention = QListWidget()
        self.attention.setWordWrap(True)
        self.attention.setObjectName("attention")
        self.attention.itemActivated.connect(self.open_item)
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year_box)
        top.addSpacing(16)
        top.addWidget(QLabel("月度走势"))
        top.addWidget(self.trend_box)
        top.addStretch(1)
        top.addWidget(QLabel("点击柱条或图例可查看对应案件"))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("需要处理的事项（双击打开相关记录）"))
        right_layout.addWidget(self.attention)
        splitter = QSplitter()
        splitter.addWidget(self.left_tabs)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.refresh()

    @property
    def year(self) -> int:
        return self.year_box.value()

    def refresh(self) -> None:
        year = self.year
        draft = report.build_draft(self.db, year)
        self.figures = draft.figures
        self.previous = fig.yearly_figures(self.db, year - 1)
        self._fill_pictures(year)
        self._fill_table(year)
        self.attention.clear()
        self.findings = check_records(self.db, draft, certificates_as_of=dt.date.today())
        for finding in self.findings:
            item = QListWidgetItem(str(finding))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            item.setToolTip("双击打开相关记录" if finding.register and finding.record_ids else "")
            self.attention.addItem(item)
        if not self.findings:
            self.attention.addItem("暂无需要处理的事项。")

    def _fill_pictures(self, year: int) -> None:
        trend = REGISTERS_BY_KEY[self.trend_box.currentData()]
        self.picture = overview.year_picture(self.db, year, trend)
        self.month_chart.title = f"{trend.title}月度走势（{year}年与{year - 1}年）"
        self.month_chart.set_series([(f"{year}年", self.picture.months), (f"{year - 1}年", self.picture.months_before)], UNITS.get(trend.key, "条"))
        self.type_chart.title = f"{year}年纠纷类型"
        self.type_chart.set_items(self.picture.types)
        self.outcome_chart.title = f"{year}年调解结果"
        self.outcome_chart.set_items(self.picture.outcomes)
        self.village_chart.title = f"{year}年案件最多的村(居)（前{overview.TOP_VILLAGES}名）"
        self.village_chart.set_items(self.picture.villages)

    def _fill_table(self, year: int) -> None:
        self.table.setHorizontalHeaderLabels(["项目", f"{year}年", f"{year - 1}年", "增减", "所属工作"])
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

    # -- opening records ---------------------------------------------------------

    def open_item(self, item: QListWidgetItem) -> None:
        """Open the records an item points at: one record in its edit dialog, several in a list."""
        finding: Finding | None = item.data(Qt.ItemDataRole.UserRole)
        if finding is None or not finding.register or not finding.record_ids:
            return
        register = REGISTERS_BY_KEY[finding.register]
        if len(finding.record_ids) == 1:
            from zhaocun_desktop.gui.record_dialog import RecordDialog

            edited = bool(RecordDialog(self.db, register, finding.record_ids[0], parent=self).exec())
        else:
            edited = self._show_records(register, records.rows_by_id(self.db, register, finding.record_ids), finding.message)
        if edited:
            self.refresh()

    def show_cases(self, field: str, label: str) -> None:
        """The year's cases behind one bar (a village, a dispute type, an outcome)."""
        rows = overview.cases_of(self.db, self.year, field, label)
        heading = f"{self.year}年{MEDIATION_CASE.field(field).label}为“{label}”的调解案件：{len(rows)} 件。"
        if rows and self._show_records(MEDIATION_CASE, rows, heading):
            self.refresh()

    def _show_records(self, register, rows: list[dict], heading: str) -> bool:
        from zhaocun_desktop.gui.records_dialog import RecordsDialog

        dialog = RecordsDialog(register, rows, heading, self, db=self.db)
        dialog.exec()
        return dialog.edited

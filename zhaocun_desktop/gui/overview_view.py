"""The 总览 tab: the year's key figures beside the previous year's, and what needs attention."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop import figures as fig
from zhaocun_desktop import records, report
from zhaocun_desktop.gui.field_form import YearBox
from zhaocun_desktop.report_checks import check_records

if TYPE_CHECKING:
    from sqlite_utils import Database

KEY_FIGURES = (
    "publicity_events", "node_events", "school_police_events", "exams", "posts", "certified", "cert_rate", "trainings",
    "gov_contracts", "gov_consultations", "visited_villages", "visit_people", "lawsuits", "village_rules", "advisor_disputes",
    "consultation_people", "legal_aid_referrals", "meetings", "cases", "cases_success", "success_rate", "village_cases",
    "town_cases", "cases_open", "petitions", "petition_on_time_rate", "to_beijing", "to_province", "to_city",
)  # fmt: skip


class OverviewView(QWidget):
    """Shows ``figures`` (this year) and ``previous`` side by side; refreshed by ``refresh``."""

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.setObjectName("view_overview")
        self.year_box = YearBox(records.settings(db)["report_year"])
        self.year_box.setObjectName("overview_year")
        self.year_box.valueChanged.connect(self.refresh)
        self.table = QTableWidget(len(KEY_FIGURES), 5)
        self.table.setObjectName("overview_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.attention = QListWidget()
        self.attention.setWordWrap(True)
        self.attention.setObjectName("attention")
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year_box)
        top.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("需要处理的事项"))
        right_layout.addWidget(self.attention)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        year = self.year_box.value()
        draft = report.build_draft(self.db, year)
        self.figures = draft.figures
        self.previous = fig.yearly_figures(self.db, year - 1)
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
        self.attention.clear()
        findings = check_records(self.db, draft, certificates_as_of=dt.date.today())
        self.attention.addItems([str(f) for f in findings] or ["暂无需要处理的事项。"])

"""统计报表: choose a period and write the county's tables (one page each) to an Excel file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QPushButton, QVBoxLayout

from zhaocun_desktop import figures as fig, settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.gui.period_picker import PeriodPicker
from zhaocun_desktop.gui.screen import fit_to_screen
from zhaocun_desktop.paths import data_dir
from zhaocun_desktop.statistics import build_county_tables, write_county_workbook

if TYPE_CHECKING:
    from sqlite_utils import Database


class CountyDialog(QDialog):
    """The period (a quarter by default: the county asks every quarter) and a 导出 button."""

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("统计报表（报县司法局）")
        settings = township_settings.settings(db)
        self.picker = PeriodPicker(settings["report_year"])
        self.picker.set_period(fig.Period.quarter(int(settings["report_year"]), 4))
        self.contents = QLabel()
        self.contents.setObjectName("county_contents")
        self.contents.setWordWrap(True)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setObjectName("county_export")
        self.export_button.clicked.connect(lambda: self.export())
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.contents)
        layout.addWidget(self.export_button)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.picker.changed.connect(self.show_contents)
        self.show_contents(self.picker.period())
        fit_to_screen(self, 720, 320)

    def show_contents(self, period: fig.Period) -> None:
        """Which tables the workbook holds and the period they cover."""
        tables = build_county_tables(self.db, period)
        cases = tables[0].totals()[1]
        self.contents.setText(
            f"统计期间：{period.label}，截止日期：{period.end.year}年{period.end.month}月{period.end.day}日（可选“自定义期间”改截止日）。\n"
            f"共{len(tables)}张表，每张一页：" + "、".join(t.title for t in tables) + f"。\n本期受理调解案件 {cases} 件。"
        )

    def export(self, path: str | None = None) -> Path | None:
        """Ask where (unless ``path`` is given) and write the workbook."""
        try:
            period = self.picker.period()
            if path is None:
                folder = data_dir() / "导出"
                folder.mkdir(parents=True, exist_ok=True)
                town = township_settings.settings(self.db).get("town") or ""
                path, _ = QFileDialog.getSaveFileName(self, "导出统计报表", str(folder / f"{town}{period.label}统计报表.xlsx"), "Excel 工作簿 (*.xlsx)")
                if not path:
                    return None
            target = Path(path) if str(path).lower().endswith(".xlsx") else Path(f"{path}.xlsx")
            written = write_county_workbook(self.db, period, target)
        except UserError as error:
            QMessageBox.warning(self, "无法导出", str(error))
            return None
        self.status.setText(f"已导出：{written}")
        return written

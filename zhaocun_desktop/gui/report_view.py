"""The 年度报告 tab: the clerk's texts, the figures, the self-check, preview, print and export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop import figures as fig, queries, report, settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.files import save_file
from zhaocun_desktop.gui.field_form import DateEdit, YearBox
from zhaocun_desktop.gui.jobs import run_job
from zhaocun_desktop.gui.records_dialog import RecordsDialog
from zhaocun_desktop.gui.report_print import paint_report, setup_printer, write_pdf
from zhaocun_desktop.paths import data_dir
from zhaocun_desktop.progress import Cancelled
from zhaocun_desktop.registers import BY_KEY as REGISTERS_BY_KEY
from zhaocun_desktop.report_checks import ERROR, Finding, run_checks
from zhaocun_desktop.report_docx import write_docx
from zhaocun_desktop.summary import write_summary

if TYPE_CHECKING:
    from sqlite_utils import Database


class ReportView(QWidget):
    """Edits one year's texts; ``draft`` is the report as the editors currently read (saved or not)."""

    settings_requested = Signal()  # a finding about 镇名/县名/落款: the 设置 tab should open

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.draft: report.ReportDraft | None = None
        self.findings: list[Finding] = []
        self.setObjectName("view_report")
        self.year_box = YearBox(township_settings.settings(db)["report_year"])
        self.year_box.setObjectName("report_year")
        self.save_button = QPushButton("保存文字")
        self.check_button = QPushButton("报告自查")
        self.print_button = QPushButton("打印…")
        self.word_button = QPushButton("导出 Word…")
        self.pdf_button = QPushButton("导出 PDF…")
        self.summary_button = QPushButton("导出汇总表…")
        self.status = QLabel()
        self.status.setObjectName("report_status")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("报告年度"))
        bar.addWidget(self.year_box)
        for button in (self.save_button, self.check_button, self.print_button, self.word_button, self.pdf_button, self.summary_button):
            bar.addWidget(button)
        bar.addWidget(self.status, 1)

        # left: the clerk's texts
        self.editors: dict[str, QPlainTextEdit] = {}
        self.text_tabs = QTabWidget()
        self.text_tabs.setObjectName("text_tabs")
        for part in report.TEXT_PARTS:
            editor = QPlainTextEdit()
            editor.setObjectName(f"text_{part.key}")
            editor.textChanged.connect(self._text_changed)
            self.editors[part.key] = editor
            self.text_tabs.addTab(editor, part.label.split("，")[0])
        self.date_edit = DateEdit()
        self.date_edit.setObjectName("report_date")
        self.date_edit.dateChanged.connect(self._text_changed)
        self.seal_box = QComboBox()
        self.seal_box.setObjectName("report_seal")
        self.seal_box.addItems([report.SEALED, report.UNSEALED])
        self.seal_box.setToolTip("盖章（正式件）：成文日期右空四字，署名在日期上方居中；\n不盖章（草稿、电子件）：署名右空二字，日期首字比署名首字右移二字（GB/T 9704 7.3.5）")
        self.seal_box.currentIndexChanged.connect(self._text_changed)
        self.recipient_edit = QLineEdit()
        self.recipient_edit.setObjectName("report_recipient")
        self.recipient_edit.setPlaceholderText("主送机关（不填即“设置”中的报告主送机关，默认县人民政府）")
        self.recipient_edit.textChanged.connect(self._text_changed)
        # 签发人 (党政机关公文处理工作条例第九条: 上行文应当标注签发人) and 发文字号, optional: printed above the title
        self.issuer_edit = QLineEdit()
        self.issuer_edit.setObjectName("report_issuer")
        self.issuer_edit.setPlaceholderText("签发人（上行文应标注），如 张某某")
        self.issuer_edit.textChanged.connect(self._text_changed)
        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("report_number")
        self.number_edit.setPlaceholderText("发文字号，如 赵政〔2024〕3号")
        self.number_edit.textChanged.connect(self._text_changed)
        self.reviewed_box = QCheckBox("本部分已核对")
        self.reviewed_box.setObjectName("report_reviewed")
        self.reviewed_box.setToolTip("勾选后，报告自查不再提醒本部分仍是示例文字")
        self.reviewed_box.toggled.connect(self._reviewed_toggled)
        self.reviewed: set[str] = set()
        self.text_tabs.currentChanged.connect(self._show_reviewed)
        self.placeholder_box = QComboBox()
        self.placeholder_box.addItems([f"{{{name}}}" for name in (*report.CONTEXT_NAMES, *fig.BY_LABEL)])
        self.placeholder_box.setToolTip("选择后点“插入”，在光标处插入由程序填写的数字")
        self.about_box = QCheckBox("约数")
        self.about_box.setToolTip("插入 {名称:余}：按“10余”“300余”“1000余”的写法填写（10以下仍写确数）")
        insert = QPushButton("插入")
        insert.clicked.connect(self.insert_placeholder)
        # two rows: in one the texts' side would not shrink below ~780 px, too wide beside the
        # preview in a 1024 px window
        tools = QHBoxLayout()
        tools.addWidget(QLabel("成文日期"))
        tools.addWidget(self.date_edit)
        tools.addWidget(QLabel("落款"))
        tools.addWidget(self.seal_box)
        tools.addStretch(1)
        tools.addWidget(self.reviewed_box)
        inserting = QHBoxLayout()
        inserting.addWidget(QLabel("插入数字"))
        inserting.addWidget(self.placeholder_box, 1)
        inserting.addWidget(self.about_box)
        inserting.addWidget(insert)
        hint = QLabel("“一”部分的四段是模板：{数字名称} 由程序从台账统计填写（{数字名称:余} 写成“300余”），数字为0或记录缺项的分句自动省略。其余各部分是本年度的文字，保存后下一年度自动沿用。")
        hint.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(hint)
        heading = QHBoxLayout()
        heading.addWidget(self.recipient_edit, 3)
        heading.addWidget(self.number_edit, 2)
        heading.addWidget(self.issuer_edit, 2)
        left_layout.addLayout(heading)
        left_layout.addWidget(self.text_tabs)
        left_layout.addLayout(tools)
        left_layout.addLayout(inserting)

        # right: preview, self-check, figures
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(self.printer)
        self.preview = QPrintPreviewWidget(self.printer)
        self.preview.setObjectName("preview")
        self.preview.paintRequested.connect(self._paint)
        self.preview.setViewMode(QPrintPreviewWidget.ViewMode.SinglePageView)
        self.findings_list = QListWidget()
        self.findings_list.setObjectName("findings")
        self.findings_list.setWordWrap(True)  # a finding quotes the sentence it is about: show it whole
        self.findings_list.itemActivated.connect(self.open_finding)
        self.findings_list.itemDoubleClicked.connect(self.open_finding)
        self.figures_table = QTableWidget(0, 4)
        self.figures_table.setObjectName("figures")
        self.figures_table.setHorizontalHeaderLabels(["数字", "数值", "单位", "统计口径（双击查看记录）"])
        self.figures_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figures_table.cellDoubleClicked.connect(lambda row, column: self.show_records_behind(row))
        self.right_tabs = QTabWidget()
        self.right_tabs.addTab(self.preview, "打印预览")
        self.right_tabs.addTab(self.findings_list, "报告自查")
        self.right_tabs.addTab(self.figures_table, "数字来源")

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.right_tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self._refresh_timer = QTimer(self, singleShot=True, interval=600)
        self._refresh_timer.timeout.connect(self.refresh)
        self.year_box.valueChanged.connect(self._year_changed)
        self.save_button.clicked.connect(self.save)
        self.check_button.clicked.connect(self.show_checks)
        self.print_button.clicked.connect(self.print_report)
        self.word_button.clicked.connect(lambda: self.export("docx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.summary_button.clicked.connect(lambda: self.export("xlsx"))
        self.dirty = False
        self.load_year()

    # -- texts ------------------------------------------------------------------

    def load_year(self) -> None:
        """Fill the editors with the chosen year's texts (or those it starts from)."""
        texts = report.load_texts(self.db, self.year)
        self._loaded_year = self.year
        self._loading = True
        for key, editor in self.editors.items():
            editor.setPlainText(texts[key])
        self.date_edit.setDate(QDate.fromString(texts[report.DATE_KEY], "yyyy-MM-dd"))
        self.seal_box.setCurrentText(texts[report.SEAL_KEY] if texts[report.SEAL_KEY] == report.UNSEALED else report.SEALED)
        self.recipient_edit.setText(texts[report.RECIPIENT_KEY])
        self.issuer_edit.setText(texts[report.ISSUER_KEY])
        self.number_edit.setText(texts[report.NUMBER_KEY])
        self.reviewed = report.reviewed_parts(texts)
        self._show_reviewed()
        self._loading = False
        self.dirty = False
        self.refresh()

    @property
    def year(self) -> int:
        return self.year_box.value()

    def texts(self) -> dict[str, str]:
        texts = {key: editor.toPlainText() for key, editor in self.editors.items()}
        texts[report.DATE_KEY] = self.date_edit.date().toString("yyyy-MM-dd") if self.date_edit.date() != self.date_edit.minimumDate() else ""
        texts[report.SEAL_KEY] = self.seal_box.currentText()
        texts[report.RECIPIENT_KEY] = self.recipient_edit.text().strip()
        texts[report.ISSUER_KEY] = self.issuer_edit.text().strip()
        texts[report.NUMBER_KEY] = self.number_edit.text().strip()
        texts[report.REVIEWED_KEY] = ",".join(key for key in self.editors if key in self.reviewed)
        return texts

    def current_part(self) -> str:
        return next(key for key, editor in self.editors.items() if editor is self.text_tabs.currentWidget())

    def _show_reviewed(self, *args) -> None:
        loading, self._loading = getattr(self, "_loading", False), True
        self.reviewed_box.setChecked(self.current_part() in self.reviewed)
        self._loading = loading

    def _reviewed_toggled(self, checked: bool) -> None:
        if getattr(self, "_loading", False):
            return
        (self.reviewed.add if checked else self.reviewed.discard)(self.current_part())
        self._text_changed()

    def save(self) -> None:
        report.save_texts(self.db, self.year, self.texts())
        self.dirty = False
        self.status.setText(f"{self.year}年度的报告文字已保存。")

    def autosave(self) -> bool:
        """Save if anything changed (leaving the tab, changing the year); returns whether it saved."""
        if not self.dirty:
            return False
        self.save()
        self.status.setText(f"{self.year}年度的报告文字已自动保存。")
        return True

    def _text_changed(self, *args) -> None:
        if getattr(self, "_loading", False):
            return
        self.dirty = True
        self.status.setText("有未保存的修改。")
        self._refresh_timer.start()

    def _year_changed(self, *args) -> None:
        if self.dirty:  # the texts belong to the year they were written for
            report.save_texts(self.db, self._loaded_year, self.texts())
        self.load_year()

    def insert_placeholder(self) -> None:
        editor = self.text_tabs.currentWidget()
        text = self.placeholder_box.currentText()
        if self.about_box.isChecked() and isinstance(fig.BY_LABEL.get(text.strip("{}")), fig.Figure):
            text = text[:-1] + ":余}"
        editor.insertPlainText(text)
        editor.setFocus()

    # -- draft, figures, checks ---------------------------------------------

    def refresh(self) -> None:
        """Rebuild the draft from the editors; update preview, figures and checks."""
        self.draft = report.build_draft(self.db, self.year, self.texts())
        self.findings = run_checks(self.db, self.draft)
        self._fill_figures()
        self._fill_findings()
        self.preview.updatePreview()

    def _paint(self, printer: QPrinter) -> None:
        if self.draft is not None:  # the preview asks for pages as soon as it is shown
            paint_report(printer, self.draft)

    def _fill_figures(self) -> None:
        items = (*fig.FIGURES, *fig.RATES)
        self.figures_table.setRowCount(len(items))
        for row, item in enumerate(items):
            value = self.draft.figures[item.key]
            definition = fig.describe(item)
            shown = fig.display(item, value) or "0"
            if item.key in self.draft.figures.missing:
                shown = f"不全（{len(self.draft.figures.missing[item.key])}条记录未填写{'、'.join(fig.missing_fields(item))}）"
            cells = (item.label, shown, getattr(item, "unit", "%"), definition)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(f"{item.label}\n统计口径：{definition}\n双击查看背后的记录")
                if column == 1:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.figures_table.setItem(row, column, cell)
        self.figures_table.resizeColumnsToContents()

    def _fill_findings(self) -> None:
        self.findings_list.clear()
        errors = sum(f.level == ERROR for f in self.findings)
        self.right_tabs.setTabText(1, f"报告自查（{errors}错 {len(self.findings) - errors}提醒）")
        if not self.findings:
            self.findings_list.addItem("未发现问题。")
        for finding in self.findings:
            item = QListWidgetItem(str(finding))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            item.setForeground(Qt.GlobalColor.darkRed if finding.level == ERROR else Qt.GlobalColor.darkBlue)
            item.setToolTip("双击：" + ("打开这段文字" if finding.part else "查看相关记录" if finding.register else "打开“设置”页"))
            self.findings_list.addItem(item)

    def show_checks(self) -> None:
        self.refresh()
        self.right_tabs.setCurrentIndex(1)

    def open_finding(self, item: QListWidgetItem) -> None:
        finding: Finding | None = item.data(Qt.ItemDataRole.UserRole)
        if finding is None:
            return
        if finding.part:
            editor = self.editors[finding.part]
            self.text_tabs.setCurrentWidget(editor)
            if finding.position is not None and finding.position >= 0:
                cursor = editor.textCursor()
                cursor.setPosition(min(finding.position, len(editor.toPlainText())))
                editor.setTextCursor(cursor)
                editor.ensureCursorVisible()
            editor.setFocus()
        elif finding.where == "设置":
            self.settings_requested.emit()
        elif finding.register:
            register = REGISTERS_BY_KEY[finding.register]
            dialog = RecordsDialog(register, queries.rows_by_id(self.db, register, finding.record_ids), finding.message, self, db=self.db)
            dialog.exec()
            if dialog.edited:
                self.refresh()

    def show_records_behind(self, row: int) -> None:
        item = (*fig.FIGURES, *fig.RATES)[row]
        register = (fig.BY_KEY[item.denominator] if isinstance(item, fig.Rate) else item).register
        rows = fig.records_behind(self.db, item, self.year)
        heading = f"{item.label}（{self.year}年）：{fig.display(item, self.draft.figures[item.key]) or 0}。"
        heading += f"口径：{fig.describe(item)}。"
        dialog = RecordsDialog(register, rows, heading, self, db=self.db)
        dialog.exec()
        if dialog.edited:
            self.refresh()

    # -- output -------------------------------------------------------------------

    def print_report(self) -> None:
        dialog = QPrintDialog(self.printer, self)
        dialog.setWindowTitle("打印报告")
        if dialog.exec():
            paint_report(self.printer, self.draft)

    def export(self, kind: str) -> Path | None:
        """Ask where, then write the .docx, the PDF or the summary workbook; returns the path."""
        if self.dirty:
            self.save()
        self.refresh()
        names = {"docx": ("Word 文档 (*.docx)", self.draft.title), "pdf": ("PDF 文件 (*.pdf)", self.draft.title),
                 "xlsx": ("Excel 工作簿 (*.xlsx)", f"{self.draft.settings.get('town') or ''}{self.year}年度法治政府建设汇总表")}  # fmt: skip
        pattern, stem = names[kind]
        folder = data_dir() / "导出"
        folder.mkdir(parents=True, exist_ok=True)
        path, _ = QFileDialog.getSaveFileName(self, "导出", str(folder / f"{stem}.{kind}"), pattern)
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        try:
            if kind == "docx":
                write_docx(self.draft, path, QFontDatabase.families())
            elif kind == "pdf":
                save_file(lambda target: write_pdf(self.draft, str(target)), path, "PDF 阅读器")
            else:
                year = self.year
                run_job(self, "导出汇总表", f"正在生成{year}年度汇总表…", self.db, lambda db, progress: write_summary(db, year, path, progress))
        except UserError as error:
            QMessageBox.warning(self, "无法导出", str(error))
            return None
        except Cancelled:
            self.status.setText("已取消导出，没有生成文件。")
            return None
        errors = sum(f.level == ERROR for f in self.findings)
        note = f"（报告自查还有 {errors} 个错误，请查看）" if errors and kind != "xlsx" else ""
        self.status.setText(f"已导出：{path}{note}")
        return path

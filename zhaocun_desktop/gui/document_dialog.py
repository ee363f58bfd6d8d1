"""打印文书: choose a case's documents, see them as they will print, then print, or save Word / PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop import documents
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.files import save_file
from zhaocun_desktop.gui.report_print import paint_report, setup_printer, write_pdf
from zhaocun_desktop.gui.screen import fit_to_screen
from zhaocun_desktop.paths import data_dir
from zhaocun_desktop.report_docx import write_docx

if TYPE_CHECKING:
    from sqlite_utils import Database


class DocumentDialog(QDialog):
    """The case's documents as check boxes (those its file holds ticked), a preview drawn from
    the same model the .docx is written from, and 打印 / 导出 Word / 导出 PDF."""

    def __init__(self, db: Database, case_id: int, parent=None):
        super().__init__(parent)
        self.db, self.case_id = db, case_id
        file = documents.load_case(db, case_id)
        values = documents.case_values(file)
        self.setWindowTitle(f"打印文书 — {values['案件编号'] or values['当事人']}")
        applicable = documents.applicable_kinds(file)
        self.reasons = {kind.key: documents.reason_not(kind.key, file) for kind in documents.KINDS}
        self.kind_list = QListWidget()
        self.kind_list.setObjectName("document_kinds")
        for kind in documents.KINDS:
            item = QListWidgetItem(kind.title)
            item.setData(Qt.ItemDataRole.UserRole, kind.key)
            why = self.reasons[kind.key]
            if why:  # the case has no such document: it cannot be ticked; a click says why
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setForeground(self.palette().placeholderText())
                item.setText(f"{kind.title}（本案不适用）")
                item.setToolTip(why)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if kind.key in applicable else Qt.CheckState.Unchecked)
                item.setToolTip(f"适用于：{kind.when}")
            self.kind_list.addItem(item)
        self.kind_list.itemChanged.connect(lambda item: self.refresh())
        self.kind_list.itemClicked.connect(self._explain)
        problems = documents.file_problems(file)  # what a reviewer would send back: said before anything is printed
        self.problems = QLabel("归档前请注意：\n" + "\n".join(f"· {problem}" for problem in problems) if problems else "")
        self.problems.setObjectName("file_problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #8a5a00;")
        self.problems.setVisible(bool(problems))
        note = QLabel("勾选的文书依次排在一个文件中，每份另起一页；勾选卷宗封面时，卷内目录列出这些文书和手工归档的材料及其页号。"
                      "\n文书含当事人完整的身份证号和电话（供签名存档），请妥善保管。")
        note.setWordWrap(True)

        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(self.printer)
        self.preview = QPrintPreviewWidget(self.printer)
        self.preview.setObjectName("document_preview")
        self.preview.paintRequested.connect(self._paint)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)

        self.print_button = QPushButton("打印…")
        self.word_button = QPushButton("导出 Word…")
        self.pdf_button = QPushButton("导出 PDF…")
        close = QPushButton("关闭")
        self.print_button.clicked.connect(self.print_documents)
        self.word_button.clicked.connect(lambda: self.export("docx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        close.clicked.connect(self.reject)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("文书"))
        left_layout.addWidget(self.kind_list)
        left_layout.addWidget(self.problems)
        left_layout.addWidget(note)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 770])
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.print_button, self.word_button, self.pdf_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1000, 760)
        self.document: documents.CaseDocument | None = None
        self.refresh()

    def _explain(self, item: QListWidgetItem) -> None:
        """A click on a document the case has not: why (the same words the command line refuses with)."""
        why = self.reasons.get(item.data(Qt.ItemDataRole.UserRole))
        if why:
            self.message.setText(f"{item.text().replace('（本案不适用）', '')}不能打印：{why}。")

    def chosen_kinds(self) -> list[str]:
        items = (self.kind_list.item(row) for row in range(self.kind_list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked]

    def refresh(self) -> None:
        """Rebuild the documents from the case and the templates; a template problem is shown, not raised."""
        try:
            self.document = documents.build_case_documents(self.db, self.case_id, self.chosen_kinds())
            self.message.clear()
        except UserError as error:
            self.document = None
            self.message.setText(str(error))
        for button in (self.print_button, self.word_button, self.pdf_button):
            button.setEnabled(self.document is not None)
        self.preview.updatePreview()

    def _paint(self, printer: QPrinter) -> None:
        if self.document is not None:
            paint_report(printer, self.document)

    def print_documents(self) -> None:
        dialog = QPrintDialog(self.printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and self.document is not None:
            paint_report(self.printer, self.document)

    def export(self, kind: str, path: str | None = None) -> str | None:
        """Ask where (unless ``path``), then write the .docx or the PDF; returns the path written."""
        if self.document is None:
            return None
        if path is None:
            folder = data_dir() / "导出"
            folder.mkdir(parents=True, exist_ok=True)
            suffix, label = (".docx", "Word 文档 (*.docx)") if kind == "docx" else (".pdf", "PDF 文件 (*.pdf)")
            name = "".join(ch for ch in self.document.title if ch not in '\\/:*?"<>|') + suffix
            path, _ = QFileDialog.getSaveFileName(self, "保存文书", str(folder / name), label)
            if not path:
                return None
        try:
            if kind == "docx":
                write_docx(self.document, path, QFontDatabase.families())
            else:
                save_file(lambda target: write_pdf(self.document, str(target)), path, "PDF 阅读器")
        except UserError as error:
            QMessageBox.warning(self, "无法保存", str(error))
            return None
        return path

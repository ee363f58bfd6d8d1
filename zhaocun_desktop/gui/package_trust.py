"""Where a package comes from, in the window: the county clerk confirms a township's first or changed
signing key and a package of another county (``TrustDialog``), sees and exports the pinned keys
(``PinnedKeysDialog``); the township clerk sees and exports the township's own key (``township_key_group``,
on the 设置 page). The questions and their texts come from rollup (the CLI says the same)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop import signing
from zhaocun_desktop.errors import UserError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from zhaocun_desktop.county.rollup import Consent, Question

HEADINGS = {"new_key": "第一次收到的乡镇", "changed_key": "公钥改变了", "other_county": "其他县的数据包"}


class TrustDialog(QDialog):
    """The roll-up's questions, each answered by the clerk: a first key ticked after the phone call,
    a changed key only by typing the fingerprint the township reads out, another county's package
    ticked as belonging. 确认导入 is enabled once every question is answered."""

    def __init__(self, questions: list[Question], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trust_dialog")
        self.setWindowTitle("确认数据包的来源")
        self.questions = questions
        self.answers: list[tuple[Question, QCheckBox | QLineEdit]] = []
        self.statuses: dict[str, QLabel] = {}
        intro = QLabel(
            "以下数据包需要您确认后才能导入；不确认，这一批数据包都不导入。\n"
            "请打电话给乡镇司法所，请对方打开程序的“设置”页，念出“本镇公钥指纹”，与下面的指纹逐字核对。"
        )
        intro.setWordWrap(True)
        body = QWidget()
        rows = QVBoxLayout(body)
        for question in questions:
            rows.addWidget(self._question_box(question))
        rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.buttons = QDialogButtonBox()
        self.accept_button = self.buttons.addButton("确认导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("trust_accept")
        self.buttons.addButton("不导入", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tick_all = QPushButton("已逐个核对，全部勾选")
        self.tick_all.setObjectName("trust_tick_all")
        self.tick_all.setVisible(sum(isinstance(widget, QCheckBox) for _, widget in self.answers) > 1)
        self.tick_all.clicked.connect(lambda: [widget.setChecked(True) for _, widget in self.answers if isinstance(widget, QCheckBox)])
        bottom = QHBoxLayout()
        bottom.addWidget(self.tick_all)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self.resize(760, min(170 + 160 * len(questions), 680))
        self._update()

    def _question_box(self, question: Question) -> QGroupBox:
        box = QGroupBox(f"{HEADINGS[question.kind]}：{question.township}")
        inner = QVBoxLayout(box)
        text = QLabel(question.text)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if question.kind == "changed_key":
            text.setStyleSheet("color: #b00020;")
        inner.addWidget(text)
        if question.kind != "other_county":
            shown = QLabel(f"这个数据包的指纹：{question.fingerprint}")
            shown.setObjectName(f"shown_fingerprint_{question.township}")
            shown.setStyleSheet("font-size: 15pt; font-weight: bold; font-family: monospace;")
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            inner.addWidget(shown)
        if question.kind == "changed_key":
            typed = QLineEdit()
            typed.setObjectName(f"fingerprint_{question.township}")
            typed.setPlaceholderText("请输入乡镇在电话中念的新指纹，如 3F2A-91C0-7B44-E1D8-0C55")
            typed.textChanged.connect(self._update)
            inner.addWidget(typed)
            status = QLabel()
            status.setObjectName(f"fingerprint_status_{question.township}")
            status.setStyleSheet("color: #b00020;")
            self.statuses[question.township] = status
            inner.addWidget(status)
            widget: QCheckBox | QLineEdit = typed
        else:
            label = "已电话核对，指纹相同" if question.kind == "new_key" else f"确认{question.township}属于本县"
            widget = QCheckBox(label)
            widget.setObjectName(f"{question.kind}_{question.township}")
            widget.toggled.connect(self._update)
            inner.addWidget(widget)
        self.answers.append((question, widget))
        return box

    def _answered(self, question: Question, widget) -> bool:
        if isinstance(widget, QLineEdit):
            return signing.same_fingerprint(widget.text(), question.fingerprint)
        return widget.isChecked()

    def _update(self) -> None:
        for question, widget in self.answers:
            if isinstance(widget, QLineEdit):
                wrong = widget.text().strip() != "" and not self._answered(question, widget)
                widget.setStyleSheet("background: #fde7e9;" if wrong else "")
                self.statuses[question.township].setText("与这个数据包的指纹不同：请不要导入，并向乡镇核实。" if wrong else "")
        self.accept_button.setEnabled(all(self._answered(question, widget) for question, widget in self.answers))

    def consent(self, given: Consent) -> Consent:
        """``given`` with this dialog's answers added."""
        answered = dataclasses.replace(given, keys=dict(given.keys), other_county=set(given.other_county))
        for question, widget in self.answers:
            if not self._answered(question, widget):
                continue
            if question.kind == "other_county":
                answered.other_county.add(question.township)
            else:
                answered.keys[question.township] = question.fingerprint
        return answered


def ask_consent(parent: QWidget, questions: list[Question], given: Consent) -> Consent | None:
    """The clerk's answers (None: 不导入)."""
    dialog = TrustDialog(questions, parent)
    try:
        return dialog.consent(given) if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


class PinnedKeysDialog(QDialog):
    """文件 → 乡镇签名公钥: the keys the county trusts, each township's fingerprint, and an export on paper."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        from zhaocun_desktop.county import rollup

        super().__init__(parent)
        self.db = db
        self.setObjectName("pinned_keys")
        self.setWindowTitle("乡镇签名公钥")
        found = signing.pins(db, current_only=False)
        self.table = QTableWidget(len(found), 4)
        self.table.setObjectName("pinned_keys_table")
        self.table.setHorizontalHeaderLabels(["乡镇", "指纹", "确认时间", "确认方式"])
        self.table.setWordWrap(True)
        for row, pin in enumerate(found):
            when = pin.pinned_at.replace("T", " ") + (f"\n{pin.retired_at.replace('T', ' ')}停用" if pin.retired_at else "")
            for column, text in enumerate((pin.township, pin.fingerprint, when, pin.how)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if pin.retired_at:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.resize(860, 420)
        self.table.setColumnWidth(3, 360)
        self.table.resizeRowsToContents()
        note = QLabel(
            "数据包导入时，程序只接受上面各乡镇（未停用的）公钥签名的数据包。乡镇换了电脑而没有恢复备份时，公钥会改变："
            "导入时会提示，需电话核对新指纹后重新确认（记入操作记录）。可导出此表，与各乡镇导出的公钥逐字核对。"
        )
        note.setWordWrap(True)
        export = QPushButton("导出…")
        export.setObjectName("export_pins")
        export.clicked.connect(lambda: self.export())
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(export)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{rollup.county_name(db) or '本县'}已确认的乡镇签名公钥（{sum(1 for pin in found if not pin.retired_at)} 个乡镇）"))
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)

    def export(self, path: str | None = None) -> Path | None:
        from zhaocun_desktop.county import rollup
        from zhaocun_desktop.files import save_file

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "导出已确认的乡镇公钥", str(Path.home() / "乡镇签名公钥.txt"), "文本文件 (*.txt)")
            if not path:
                return None
        text = signing.pins_text(rollup.county_name(self.db), signing.pins(self.db, current_only=False))
        try:
            return save_file(lambda target: target.write_text(text, encoding="utf-8"), path, opened_in="其他程序")
        except UserError as error:
            QMessageBox.warning(self, "无法导出", str(error))
            return None


def township_key_group(db: Database, parent: QWidget | None = None) -> QGroupBox:
    """The 设置 page's 上报数据包签名 box: the township's fingerprint (read out to the county on the phone)
    and an export of the public key on paper."""
    from zhaocun_desktop import settings as township_settings

    group = QGroupBox("上报数据包签名", parent)
    group.setObjectName("township_key")
    group.setMaximumWidth(720)
    public = signing.public_key(db)
    fingerprint = QLabel(f"本镇公钥指纹：{signing.fingerprint(public)}" if public else "本镇公钥指纹：（第一次导出数据包时生成）")
    fingerprint.setObjectName("township_fingerprint")
    fingerprint.setStyleSheet("font-size: 13pt; font-weight: bold; font-family: monospace;")  # read out on the phone
    fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    text = QLabel(
        "导出的上报数据包用本机数据库中的密钥签名，县司法局据此确认数据包来自本镇。县里第一次导入时会打电话核对这个指纹。"
        "密钥保存在台账数据库中，备份和恢复都会保留它；换电脑时请用“从备份恢复”，指纹就不会改变。"
    )
    text.setWordWrap(True)
    export = QPushButton("导出本镇公钥…")
    export.setObjectName("export_township_key")

    def export_key() -> None:
        from zhaocun_desktop.files import save_file

        settings = township_settings.settings(db)
        path, _ = QFileDialog.getSaveFileName(group, "导出本镇公钥", str(Path.home() / f"{settings.get('town') or '本镇'}公钥.txt"), "文本文件 (*.txt)")
        if not path:
            return
        with db.atomic():
            key = signing.ensure_key(db)
        content = signing.public_key_text(settings.get("town") or "镇名未填", settings.get("county") or "", key)
        try:
            save_file(lambda target: target.write_text(content, encoding="utf-8"), path, opened_in="其他程序")
        except UserError as error:
            QMessageBox.warning(group, "无法导出", str(error))

    export.clicked.connect(export_key)
    row = QHBoxLayout()
    row.addWidget(fingerprint)
    row.addStretch(1)
    row.addWidget(export)
    layout = QVBoxLayout(group)
    layout.addWidget(text)
    layout.addLayout(row)
    return group

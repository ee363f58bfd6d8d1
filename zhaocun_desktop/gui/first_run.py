"""The first-run wizard: the township's names and its villages, or a look at the sample data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from zhaocun_desktop import settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.gui.field_form import FieldForm
from zhaocun_desktop.gui.screen import fit_to_screen
from zhaocun_desktop.township import FIRST_SETTINGS, check_settings, needs_first_run, parse_village_names, set_up_township, village_names_from_file

__all__ = ["FirstRunWizard", "needs_first_run", "parse_village_names"]

if TYPE_CHECKING:
    from sqlite_utils import Database


class WelcomePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("欢迎使用司法所台账")
        self.setSubTitle("第一次使用，请先填写本镇信息和村(居)名单（约两分钟）。")
        self.start = QRadioButton("开始使用：填写本镇信息")
        self.start.setChecked(True)
        self.demo = QRadioButton("先看看示例数据（赵村镇的一个示例年度，与正式数据分开保存）")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("程序把四本台账保存在本机，年底自动统计《法治政府建设情况的报告》的各项数字。"))
        layout.addWidget(self.start)
        layout.addWidget(self.demo)
        layout.addStretch(1)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return -1 if self.demo.isChecked() else super().nextId()


class SettingsPage(QWizardPage):
    def __init__(self, db: Database):
        super().__init__()
        self.db = db
        self.setTitle("本镇信息")
        self.setSubTitle("用于报告标题、落款和汇总表。以后可在“设置”页修改。")
        self.form = FieldForm(FIRST_SETTINGS, columns=1)
        self.form.set_values(township_settings.settings(db))
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self._derived: dict[str, str] = {}
        if "town" in self.form.editors:
            self.form.editors["town"].on_change(self._fill_names)
            self._fill_names()

    def _fill_names(self) -> None:
        """司法所名称 and 落款单位 follow the town's name as `init` derives them (赵村镇司法所,
        赵村镇人民政府), until the clerk types something else into them."""
        from zhaocun_desktop.township import with_default_names

        values = self.form.values()
        blank = {key: "" for key in ("office", "signer") if key in self.form.editors and values.get(key) in ("", self._derived.get(key))}
        derived = with_default_names(dict(values, **blank))
        for key in blank:
            self.form.editors[key].set_value(derived.get(key, ""))
            self._derived[key] = derived.get(key, "")

    def values(self) -> dict:
        """The settings to save: what the form shows, the names derived from the town where left empty."""
        from zhaocun_desktop.township import with_default_names

        return with_default_names(self.form.values())

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        errors = check_settings(self.values())  # saved with the villages, by the same function as `init`
        self.form.show_errors(errors)
        return not errors


class VillagesPage(QWizardPage):
    def __init__(self, db: Database):
        super().__init__()
        self.db = db
        self.setTitle("村(居)名单")
        self.setSubTitle("每行一个村(居)名称；也可以从 Excel 复制一整列粘贴进来，或直接导入 Excel 文件。")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("village_names")
        self.editor.setPlaceholderText("赵村村\n中汤村\n……")
        load = QPushButton("从 Excel 导入…")
        load.clicked.connect(self.load_workbook)
        self.count = QLabel()
        self.editor.textChanged.connect(lambda: self.count.setText(f"共 {len(parse_village_names(self.editor.toPlainText()))} 个"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(self.count)
        layout.addWidget(load)

    def load_workbook(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "选择村(居)名单", str(Path.home()), "Excel 表格或文本 (*.xlsx *.xls *.txt)")
            if not path:
                return
        try:
            names = village_names_from_file(path)
        except UserError as error:
            QMessageBox.warning(self, "无法读取", str(error))
            return
        self.editor.setPlainText("\n".join(names))

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        names = parse_village_names(self.editor.toPlainText())
        if not names:
            QMessageBox.warning(self, "请填写村(居)", "请至少填写一个村(居)名称，每行一个。")
            return False
        try:
            set_up_township(self.db, self.wizard().settings_page.values(), names)
        except UserError as error:
            QMessageBox.warning(self, "无法保存", str(error))
            return False
        return True


class FirstRunWizard(QWizard):
    """``wants_demo`` is True when the clerk chose to look at the sample data instead."""

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.setWindowTitle("首次使用设置")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.welcome = WelcomePage()
        self.settings_page = SettingsPage(db)
        self.villages_page = VillagesPage(db)
        for page in (self.welcome, self.settings_page, self.villages_page):
            self.addPage(page)
        fit_to_screen(self, 640, 520)

    @property
    def wants_demo(self) -> bool:
        return self.welcome.demo.isChecked()

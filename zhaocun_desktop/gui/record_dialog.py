"""The add / edit dialog of any register, generated from its description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QScrollArea, QTabWidget, QToolButton, QVBoxLayout, QWidget

from zhaocun_desktop import county_scope, mediation, queries, records, settings as township_settings  # noqa: F401 (mediation installs the case form's proposer: MEDIATION_CASE.hooks.propose)
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.gui.child_table import ChildTable
from zhaocun_desktop.gui.field_form import FieldForm
from zhaocun_desktop.gui.screen import fit_to_screen
from zhaocun_desktop.registers import Register

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database


def form_pages(register: Register) -> list[tuple[str, tuple, tuple[str, ...]]]:
    """The form's pages: (title, its fields, its child registers' keys); what no page names goes on the first."""
    if not register.form_pages:
        return [("", register.form_fields, tuple(child.key for child in register.children))]
    named = {key for _, keys in register.form_pages for key in keys}
    pages = []
    for number, (title, keys) in enumerate(register.form_pages):
        fields = tuple(f for f in register.form_fields if f.key in keys or (number == 0 and f.key not in named))
        children = tuple(c.key for c in register.children if c.key in keys or (number == 0 and c.key not in named))
        pages.append((title, fields, children))
    return pages


def _column(*widgets: QWidget) -> QWidget:
    body = QWidget()
    column = QVBoxLayout(body)
    column.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        column.addWidget(widget)
    column.addStretch(1)
    return body


def _scrolled(body: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(body)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    return scroll


class PagedForm:
    """Several FieldForms (one per page of the dialog) behind FieldForm's interface: editors, values, errors."""

    def __init__(self, forms: list[FieldForm]):
        self.forms = forms
        self.tabs: QTabWidget | None = None
        self.editors = {key: editor for form in forms for key, editor in form.editors.items()}
        self.error_labels = {key: label for form in forms for key, label in form.error_labels.items()}

    def values(self) -> dict[str, str]:
        return {key: value for form in self.forms for key, value in form.values().items()}

    def set_values(self, values: dict) -> None:
        for form in self.forms:
            form.set_values(values)

    def show_errors(self, errors: dict[str, str]) -> None:
        for form in reversed(self.forms):  # the focus ends on the first page's first bad field
            form.show_errors(errors)


class RecordDialog(QDialog):
    """Collects one record and saves it through ``records``; stays open while anything is invalid.

    ``record_id`` is None for a new record. After ``accept()``, ``saved_id`` is the id written.
    On a county database (rolled up from the townships' packages) it only shows the record.
    """

    def __init__(self, db: Database, register: Register, record_id: int | None = None, parent=None):
        super().__init__(parent)
        self.db, self.register, self.record_id = db, register, record_id
        self.saved_id: int | None = None
        self.read_only = county_scope.in_county(db)
        self.setWindowTitle(f"{'查看' if self.read_only else '编辑' if record_id else '新增'}{register.title}" + ("（县级汇总，只读）" if self.read_only else ""))
        rosters = {field.key: records.roster_names(db, field) for field in register.fields if field.roster}
        make_form = lambda fields: FieldForm(fields, queries.village_names(db), choices=records.field_choices(db, register), names=rosters)  # noqa: E731
        pages = form_pages(register)
        self.form = make_form(register.form_fields) if len(pages) < 2 else PagedForm([make_form(fields) for _, fields, _ in pages])
        self.child_tables = {child.key: ChildTable(child) for child in register.children}
        if record_id is not None:
            self.form.set_values(queries.get(db, register, record_id))
            for child in register.children:
                self.child_tables[child.key].set_rows(queries.children(db, child, record_id))
        else:
            for table in self.child_tables.values():
                for _ in range(max(table.child.min_rows, 2 if table.child.split_defaults else 0)):
                    table.add_row()
            self._proposed: dict[str, str] = {}
            for key in register.proposer_inputs:
                self.form.editors[key].on_change(self.propose)
            self._case_number_hint()
        self._opened_with = self._current()

        note = QLabel('带 <span style="color:#b00020">*</span> 的为必填项。')
        self.tabs: QTabWidget | None = None
        if isinstance(self.form, PagedForm):  # the work in the order it happens: one page each (Register.form_pages)
            self.tabs = QTabWidget()
            self.tabs.setObjectName("form_pages")
            for (title, _, children), form in zip(pages, self.form.forms):
                self.tabs.addTab(_scrolled(_column(form, *(self.child_tables[key] for key in children))), title)
            self.form.tabs = self.tabs
            body, scroll = self.tabs, self.tabs
        else:
            body = _column(self.form, *self.child_tables.values()) if self.child_tables else self.form
            scroll = _scrolled(body)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(scroll)
        layout.addWidget(self.buttons)
        hint = body.sizeHint() if self.tabs is None else max((self.tabs.widget(i).widget().sizeHint() for i in range(self.tabs.count())), key=lambda size: size.height())
        # as wide as the form and the parties' columns (身份证号 last among them), within the screen
        fit_to_screen(self, min(max(hint.width() + 60, 480), 1360), min(hint.height() + 180, 860))
        if self.read_only:
            self._show_only(note)

    def _show_only(self, note: QLabel) -> None:
        """Nothing can be typed or saved: the county sees what the township sent."""
        for editor in self.form.editors.values():
            widget = editor.widget
            if hasattr(widget, "setReadOnly"):  # line, text, date and number boxes stay legible
                widget.setReadOnly(True)
                if hasattr(widget, "setPlaceholderText"):
                    widget.setPlaceholderText("")
            else:  # a list to choose from: nothing to choose here, and no 请选择
                widget.setEnabled(False)
                widget.setPlaceholderText("")
                if widget.lineEdit() is not None:
                    widget.lineEdit().setPlaceholderText("")
            for button in editor.container.findChildren(QToolButton):  # 清空 beside a date
                button.hide()
        for table in self.child_tables.values():
            table.set_read_only()
        note.setText("县级汇总数据库中的记录由乡镇上报，只能查看，不能修改。")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    def propose(self) -> None:
        """Fill in what the core proposes (the next case number), unless the clerk has typed over it."""
        self._case_number_hint()
        try:
            proposals = records.proposed_values(self.db, self.register, self.form.values())
        except UserError:
            return
        for key, value in proposals.items():
            editor = self.form.editors[key]
            if editor.value() in ("", self._proposed.get(key)):
                editor.set_value(value)
                self._proposed[key] = value

    def _case_number_hint(self) -> None:
        """The case number's grey example in this office's format, for the committee and year chosen
        (the description's own example, （2023）赵人调字第12号, was shown in a 瓦屋镇 file of 2025)."""
        editor = self.form.editors.get("case_no")
        if editor is None or not hasattr(editor.widget, "setPlaceholderText") or self.register.key != "mediation_case":
            return
        import datetime as dt

        from zhaocun_desktop.mediation import TOWN_COMMITTEE, committee, format_case_no
        from zhaocun_desktop.values import parse_date

        values = self.form.values()
        try:
            day = parse_date(values.get("accepted")) or dt.date.today()
        except ValueError:
            day = dt.date.today()
        series = committee(values.get("org"), values.get("village")) or (TOWN_COMMITTEE, "")
        editor.widget.setPlaceholderText("如" + format_case_no(township_settings.settings(self.db), series, day.year, 1))

    def changed(self) -> bool:
        """Whether anything was typed or chosen since the dialog opened."""
        return not self.read_only and self._current() != self._opened_with

    def _current(self) -> dict:
        """What the dialog holds now: the fields and each child table's rows."""
        values = self.form.values()
        for key, table in self.child_tables.items():
            values[key] = table.rows()
        return values

    def accept(self) -> None:
        """Save; on invalid input show the messages beside the fields and stay open."""
        if self.read_only:
            self.reject()
            return
        values = self.form.values()
        for key, table in self.child_tables.items():
            values[key] = table.rows()
        try:
            if self.record_id is None:
                self.saved_id = records.insert(self.db, self.register, values)
            else:
                records.update(self.db, self.register, self.record_id, values)
                self.saved_id = self.record_id
        except InvalidRecord as error:
            self.form.show_errors(error.errors)
            for key, table in self.child_tables.items():
                table.show_error(error.errors.get(key) or error.errors.get(table.child.parent_summary))
            if self.tabs is not None:  # the first page with something to fix
                bad = [key for key in error.errors]
                for index, (_, fields, children) in enumerate(form_pages(self.register)):
                    if any(f.key in bad for f in fields) or any(key in bad for key in children):
                        self.tabs.setCurrentIndex(index)
                        break
            return
        except UserError as error:
            QMessageBox.warning(self, "无法保存", str(error))
            return
        super().accept()

"""A form generated from a tuple of ``Field`` descriptions, with an error line under each field."""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zhaocun_desktop.registers import Field, Kind

EMPTY_DATE = QDate(1900, 1, 1)  # what an empty DateEdit returns as its date() ("not filled in")
_ERROR_STYLE = "color: #b00020;"
_INVALID_STYLE = "border: 1px solid #b00020;"
_CAPTION_STYLE = "color: #5f6368;"  # a field's hint under its editor: grey, at the normal size


class DateEdit(QLineEdit):
    """A date box the clerk types into or picks from a calendar (▼ or Alt+↓); it can be empty.

    Typed as 2025-12-01, 20251201, 2025.12.1, 2025/12/1 or 2025年12月1日 (full-width digits too),
    from empty or over a date: it is read with the core's ``values.parse_date`` and shown as
    2025-12-01 once focus leaves. A QDateEdit could not do this: typing into its empty state
    gave "（未填）20251201", which it dropped when focus left. Text that is no date stays as typed,
    so the form's check says what is wrong; ``date()`` is then an invalid QDate.
    """

    dateChanged = Signal(QDate)  # noqa: N815 (named as QDateEdit's own signal, which it stands for)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText("（未填）")
        self.setToolTip("可输入 2025-12-01、20251201、2025.12.1 或 2025年12月1日，或点 ▼ 从日历选择")
        self._last = EMPTY_DATE
        action = self.addAction(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown), QLineEdit.ActionPosition.TrailingPosition)
        action.setToolTip("从日历选择（Alt+↓）")
        action.triggered.connect(self.show_calendar)
        self.textChanged.connect(self._text_changed)
        self.editingFinished.connect(self._normalise)

    def date(self) -> QDate:
        """The date shown: EMPTY_DATE when empty, an invalid QDate when the text is no date."""
        day = _typed_date(self.text())
        if day is None:
            return EMPTY_DATE
        return QDate(day.year, day.month, day.day) if day else QDate()

    def setDate(self, date: QDate) -> None:  # noqa: N802 (the QDateEdit name the callers use)
        self.setText("" if not date.isValid() or date == EMPTY_DATE else date.toString("yyyy-MM-dd"))

    def minimumDate(self) -> QDate:  # noqa: N802 (the QDateEdit name: the empty date)
        return EMPTY_DATE

    def is_empty(self) -> bool:
        return not self.text().strip()

    def _text_changed(self, _text: str) -> None:
        date = self.date()
        if date != self._last:
            self._last = date
            self.dateChanged.emit(date)

    def _normalise(self) -> None:
        date = self.date()
        if date.isValid() and date != EMPTY_DATE and self.text() != date.toString("yyyy-MM-dd"):
            self.setText(date.toString("yyyy-MM-dd"))

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        from PySide6.QtCore import Qt

        if (event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier) or event.key() == Qt.Key.Key_F4:
            self.show_calendar()
            return
        super().keyPressEvent(event)

    def show_calendar(self) -> None:
        """The calendar under the box, on the date shown (today when empty); a click picks the day."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QCalendarWidget

        calendar = QCalendarWidget(self, Qt.WindowType.Popup)
        calendar.setObjectName("date_calendar")
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        date = self.date()
        calendar.setSelectedDate(date if date.isValid() and date != EMPTY_DATE else QDate.currentDate())

        def picked(day: QDate) -> None:
            self.setDate(day)
            calendar.close()

        calendar.clicked.connect(picked)
        calendar.activated.connect(picked)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.show()
        self._calendar = calendar


def _typed_date(text: str):
    """None for an empty box, False for text that is no date, else the date."""
    from zhaocun_desktop.values import parse_date

    if not text.strip():
        return None
    try:
        day = parse_date(text.strip())
    except (ValueError, OverflowError):
        return False
    return day or False


class YearBox(QSpinBox):
    """The report year to show, starting at the year in the settings."""

    def __init__(self, settings_year: int, parent=None):
        super().__init__(parent)
        self.setRange(2000, 2100)
        self.setSuffix(" 年度")
        self.setValue(int(settings_year))


class FieldEditor:
    """The widget for one field, and how to read and write its value as text."""

    def __init__(self, field: Field, villages: list[str], choices: tuple[str, ...] | None = None, names: list[str] | None = None):
        from PySide6.QtCore import Qt  # here, not at the top: the period picker on the first screen imports this module (gui/charts.py says why)

        self.field = field
        kind = field.kind
        if field.roster:  # a name from the roster, or typed: the roster offers, it does not restrict
            kind = Kind.VILLAGE
            villages = names or []
        if kind is Kind.MEMO:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(64)
        elif kind is Kind.DATE:
            widget = DateEdit()
        elif kind in (Kind.CHOICE, Kind.BOOL):
            widget = QComboBox()
            options = (choices or field.choices) if kind is Kind.CHOICE else ("是", "否")
            if not field.required:
                widget.addItem("")
            widget.addItems(list(options))
            widget.setPlaceholderText("请选择")
            widget.setCurrentIndex(-1)
        elif kind is Kind.VILLAGE:
            widget = QComboBox()
            widget.setEditable(True)
            widget.addItems([""] + villages)
            widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            widget.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            widget.completer().setFilterMode(Qt.MatchFlag.MatchContains)
            widget.lineEdit().setPlaceholderText(field.hint or ("从名册选择或直接输入姓名" if field.roster else "选择或输入村(居)"))
        else:
            widget = QLineEdit()
            if kind is Kind.INT:
                widget.setValidator(QIntValidator(0, 999_999_999, widget))
            elif kind is Kind.MONEY:
                widget.setValidator(QDoubleValidator(0, 1e12, 2, widget))
            widget.setPlaceholderText(field.hint)
        if field.hint:
            widget.setToolTip(field.hint)
        widget.setObjectName(f"field_{field.key}")
        self.widget = widget
        self.container = widget
        if kind is Kind.DATE:  # a 清空 button beside it (deleting the text empties it too)
            self.container = QWidget()
            row = QHBoxLayout(self.container)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(2)
            clear = QToolButton()
            clear.setText("清空")
            clear.setToolTip(f"清空{field.label}")
            clear.clicked.connect(lambda: widget.setDate(EMPTY_DATE))
            row.addWidget(widget, 1)
            row.addWidget(clear)

    def value(self) -> str:
        """The value as the clerk entered it (the core parses and checks it)."""
        widget = self.widget
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, DateEdit):  # text that is no date goes to the check as typed
            date = widget.date()
            return "" if date == EMPTY_DATE else date.toString("yyyy-MM-dd") if date.isValid() else widget.text().strip()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        return widget.text()

    def on_change(self, callback) -> None:
        """Call ``callback()`` whenever the value changes (typed or chosen)."""
        widget = self.widget
        if isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(callback)
        elif isinstance(widget, DateEdit):  # a date, or emptied; not each keystroke of one being typed
            widget.dateChanged.connect(lambda date: callback() if date.isValid() else None)
        elif isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(lambda _text: callback())
        else:
            widget.textChanged.connect(lambda _text: callback())

    def set_value(self, value: object) -> None:
        widget, kind = self.widget, self.field.kind
        if value is None:
            value = ""
        if kind is Kind.BOOL and value != "":
            value = "是" if value else "否"
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(str(value))
        elif isinstance(widget, DateEdit):
            date = QDate.fromString(str(value)[:10], "yyyy-MM-dd") if value else EMPTY_DATE
            widget.setDate(date) if date.isValid() else widget.setText(str(value))
        elif isinstance(widget, QComboBox):
            if widget.isEditable():
                widget.setCurrentText(str(value))
            else:
                widget.setCurrentIndex(widget.findText(str(value)) if value != "" else -1)
        else:
            if isinstance(value, float) and value == int(value):
                value = int(value)
            widget.setText(str(value))


class FieldForm(QWidget):
    """Labels, editors and error lines for ``fields``, in one or two columns."""

    def __init__(self, fields: tuple[Field, ...], villages: list[str] | None = None, columns: int | None = None, parent=None,
                 choices: dict[str, tuple[str, ...]] | None = None, names: dict[str, list[str]] | None = None, captions: bool = False):
        """``captions``: each field's hint also stands under its editor, not only as its placeholder (gone
        once a value is there) and tooltip: the settings, whose values (案件编号格式 {年}{简称}{n}, 本镇纠纷类型
        土地承包经营=山林土地) are filled in from the start and mean nothing without it."""
        from PySide6.QtCore import Qt  # as in FieldEditor

        super().__init__(parent)
        self.editors: dict[str, FieldEditor] = {}
        self.error_labels: dict[str, QLabel] = {}
        columns = columns or (2 if len(fields) > 9 else 1)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        row = col = 0
        for field in fields:
            editor = FieldEditor(field, villages or [], (choices or {}).get(field.key), (names or {}).get(field.key))
            mark = '<span style="color:#b00020">*</span>' if field.required else ""
            label = QLabel(f"{field.label}{mark}")
            label.setBuddy(editor.widget)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setContentsMargins(0, 4, 0, 0)
            error = QLabel()
            error.setObjectName(f"error_{field.key}")
            error.setStyleSheet(_ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            cell = QVBoxLayout()
            cell.setSpacing(1)
            cell.addWidget(editor.container)
            if captions and field.hint:
                caption = QLabel(field.hint)
                caption.setObjectName(f"hint_{field.key}")
                caption.setStyleSheet(_CAPTION_STYLE)
                caption.setWordWrap(True)
                cell.addWidget(caption)
                if hasattr(editor.widget, "setPlaceholderText"):  # said once, under it
                    editor.widget.setPlaceholderText("")
            cell.addWidget(error)
            wide = field.kind is Kind.MEMO and columns > 1
            if wide and col:
                row, col = row + 1, 0
            grid.addWidget(label, row, col * 2)
            grid.addLayout(cell, row, col * 2 + 1, 1, 3 if wide else 1)
            col = 0 if wide else col + 1
            if col >= columns or wide:
                row, col = row + 1, 0
            self.editors[field.key] = editor
            self.error_labels[field.key] = error
        for index in range(columns):
            grid.setColumnStretch(index * 2 + 1, 1)
            grid.setColumnMinimumWidth(index * 2 + 1, 220)
        grid.setRowStretch(row + 1, 1)

    def values(self) -> dict[str, str]:
        return {key: editor.value() for key, editor in self.editors.items()}

    def set_values(self, values: dict) -> None:
        for key, editor in self.editors.items():
            if key in values:
                editor.set_value(values[key])

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each message under its field (and clear the others); focus the first bad field."""
        first = None
        for key, label in self.error_labels.items():
            message = errors.get(key)
            label.setText(message or "")
            label.setVisible(bool(message))
            self.editors[key].widget.setStyleSheet(_INVALID_STYLE if message else "")
            if message and first is None:
                first = self.editors[key].widget
        if first is not None:
            first.setFocus()

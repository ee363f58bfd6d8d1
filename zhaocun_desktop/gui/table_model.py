"""One lazy table model for every register: rows come from SQL a page at a time."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from zhaocun_desktop.queries import RecordList, RecordQuery
from zhaocun_desktop.registers import Field, Kind, Register
from zhaocun_desktop.validation import display_value

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = (Kind.INT, Kind.MONEY)


class RecordTableModel(QAbstractTableModel):
    """The records of one register that match ``query``.

    State: ``_list`` reads the matching rows by position (see ``queries.RecordList``);
    ``_pages`` caches up to ``MAX_PAGES`` pages of ``PAGE`` rows, each row a tuple
    ``(id, *list field values)``. Search, filters and sort change the query and reset
    the model; nothing holds all rows in Python. ``leading`` holds columns shown before the
    register's, as ``(field, SQL)``, that the query cannot sort by (a county's 乡镇: county_scope.township_column).
    """

    PAGE = 256
    MAX_PAGES = 64

    def __init__(self, db: Database, register: Register, parent=None, leading: tuple[tuple[Field, str], ...] = ()):
        super().__init__(parent)
        self.db = db
        self.register = register
        self.fields = register.list_fields
        self.leading = leading
        self._columns = [sql for _, sql in leading] + [field.key for field in self.fields]
        self.reveal = False  # show ID and phone numbers in full
        self._list = RecordList(db, register, RecordQuery(), self._columns)
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()

    @property
    def query(self) -> RecordQuery:
        return self._list.query

    # -- changing what is shown ---------------------------------------------

    def set_query(self, query: RecordQuery) -> None:
        """Show the records matching ``query``."""
        self.beginResetModel()
        self._list = RecordList(self.db, self.register, query, self._columns, lazy=True)
        self._pages.clear()
        self.endResetModel()

    def has_more(self) -> bool:
        """True while a search's list is still being read (the view reads on as it is scrolled)."""
        return not self._list.complete

    def refresh(self) -> None:
        """Re-read after the records changed."""
        self.set_query(self.query)

    # -- reading rows ---------------------------------------------------------

    def _row(self, row: int) -> tuple | None:
        number, offset = divmod(row, self.PAGE)
        rows = self._pages.get(number)
        if rows is None:
            rows = self._list.rows(number * self.PAGE, self.PAGE)
            self._pages[number] = rows
            if len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return rows[offset] if offset < len(rows) else None

    def record_id(self, row: int) -> int | None:
        """The database id of the record shown in ``row``."""
        values = self._row(row) if 0 <= row < self._list.count else None
        return values[0] if values else None

    def row_of(self, record_id: int) -> int | None:
        """The row showing ``record_id`` among the rows already read, if any."""
        for number, rows in self._pages.items():
            for offset, values in enumerate(rows):
                if values[0] == record_id:
                    return number * self.PAGE + offset
        return None

    # -- Qt model interface -------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else self._list.count

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802 (Qt override)
        return not parent.isValid() and not self._list.complete

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802
        """Read the next rows of a lazy search list (Qt calls this when the view reaches the last row)."""
        if parent.isValid() or self._list.complete:
            return
        before = self._list.count
        found = self._list.more(self.PAGE * 4)
        if found:
            self.beginInsertRows(QModelIndex(), before, before + len(found) - 1)
            self._list.extend(found)
            self._pages.pop(before // self.PAGE, None)  # the last page read may have been short (read again, even during the signal above)
            self.endInsertRows()

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.leading) + len(self.fields)

    def field_at(self, column: int):
        """The field shown in ``column`` (None for a leading column)."""
        column -= len(self.leading)
        return self.fields[column] if 0 <= column < len(self.fields) else None

    def sort_field(self, column: int):
        """The field ``column`` sorts by: its field, or a leading column's (乡镇 in a whole county)."""
        return self.field_at(column) or (self.leading[column][0] if 0 <= column < len(self.leading) else None)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        field = self.field_at(index.column()) or self.leading[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = self._row(index.row())
            if values is None:
                return None
            text = display_value(field, values[index.column() + 1], self.reveal)
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if field.kind is Kind.MEMO and text else None
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and field.kind in _NUMERIC:
            return int(_RIGHT.value)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.leading):
                return self.leading[section][0].label
            field = self.field_at(section)
            return field.label if field is not None else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        field = self.sort_field(column)
        if field is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(self.query._replace(sort_key=field.key, descending=descending))

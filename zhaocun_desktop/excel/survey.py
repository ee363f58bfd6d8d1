"""What a sheet holds, found before any reader allocates for it.

python-calamine allocates a sheet's whole used range, the box from its first to its last cell with a
value, about 30 bytes a cell: one stray cell at XFD1048576 in a 14 KB file asks for 512 GB and aborts the
process (no Python exception); ten rows and a cell at A1000000 take 437 MB. It ignores the sheet's
``<dimension>`` (which WPS often writes wrong) and cells without a value, so the box is found here from
the cells' own references: in the sheet's XML, read in chunks, or in the .xls file's cell records.

Also found here, since python-calamine does not tell them: merged ranges, formulas without a saved value,
error cells (read as empty), hidden rows, and whether the workbook counts dates from 1904.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_COLUMN = 256  # IV, the last column an .xls holds; no register has a quarter as many columns
MAX_CELLS = 6_000_000  # the box read at once (rows x columns from A1): ~180 MB in the reader
CHUNK = 4 * 1024 * 1024


@dataclass
class SheetSurvey:
    """One sheet's cells as its file describes them (Excel numbering: rows and columns from 1)."""

    rows: int = 0  # the last row with a value within MAX_COLUMN (0: none)
    columns: int = 0  # the last column with a value within MAX_COLUMN
    far: list[str] = field(default_factory=list)  # cells with a value beyond MAX_COLUMN (the first few)
    far_count: int = 0
    last_cells: list[str] = field(default_factory=list)  # the cells of the last row (the first few)
    merged: tuple[str, ...] = ()  # merged ranges, e.g. "A5:C5"
    formulas_without_values: tuple[str, ...] = ()  # cells like "D7"
    hidden_rows: frozenset[int] = frozenset()
    errors: dict[str, str] = field(default_factory=dict)  # cell like "D7" → error value like "#DIV/0!"

    @property
    def cells(self) -> int:
        """The size of the box a reader allocates once the far cells are left out."""
        return self.rows * self.columns

    @property
    def too_large(self) -> bool:
        return self.cells > MAX_CELLS


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# --- .xlsx ----------------------------------------------------------------------------------

_ERROR_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)
_HIDDEN_ROW = re.compile(rb'<row r="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*?<f[ >/](?:(?!</c>).)*?</c>', re.S)
_MERGE = re.compile(rb'mergeCell ref="([A-Z0-9:]+)"')
# the plain form every common writer uses: <row r="5" ...> and <c r="B5" ...>, r first, no prefix
_ROW = re.compile(rb'<row r="(\d+)"')
_TWO_LETTERS = re.compile(rb'<c r="([A-Z])[A-Z]\d')
# what the fast bound cannot take: a cell without r first (or none), beyond column IV, a row without r first, a prefix
_ODD_CELL = re.compile(rb'<c(?: (?!r=")| r="(?:[A-Z]{3}|I[W-Z]|[J-Z][A-Z])\d|>)')
_ODD_ROW, _PREFIXED = re.compile(rb'<row(?: (?!r=")|>)'), re.compile(rb':(?:c|row) ')
# any form: a prefix (x:c), r anywhere or absent; read tag by tag
_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>')
_REF = re.compile(rb'\br="([A-Z]{0,3})(\d{0,7})"')


class _Box:
    """The running result of a sheet's scan: rows and columns of the cells with a value."""

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self.far: list[str] = []
        self.far_count = 0
        self.last_cells: list[str] = []

    def cell(self, row: int, column: int) -> None:
        if column > MAX_COLUMN:
            self.far_count += 1
            if len(self.far) < 5:
                self.far.append(f"{column_name(column - 1)}{row}")
            return
        self.columns = max(self.columns, column)
        if row > self.rows:
            self.rows, self.last_cells = row, []
        if row == self.rows and len(self.last_cells) < 3:
            self.last_cells.append(f"{column_name(column - 1)}{row}")


def _plain(body: bytes) -> bool:
    """Every row and cell of ``body`` is written the plain way (r first, no prefix)."""
    return not (_ODD_CELL.search(body) or _ODD_ROW.search(body) or _PREFIXED.search(body))


def _estimate(body: bytes) -> tuple[int, int]:
    """An upper bound of the rows and columns with a value in a plainly written ``body`` (no cell beyond column
    IV: ``_plain``), by two fast scans (no Python work per cell)."""
    rows = max(map(int, _ROW.findall(body)), default=0)
    firsts = set(_TWO_LETTERS.findall(body))
    columns = (max(firsts)[0] - 64 + 1) * 26 if firsts else (26 if b"<c " in body else 0)
    return rows, columns


def _exact(body: bytes, box: _Box, position: list[int]) -> None:
    """Every cell with a value in ``body``, tag by tag (``position``: the row and column before it, for
    cells and rows written without a reference, which follow the one before)."""
    for match in _TAG.finditer(body):
        name, attributes = match.groups()
        ref = _REF.search(attributes)
        if name == b"row":
            position[0] = int(ref.group(2)) if ref and ref.group(2) else position[0] + 1
            position[1] = 0
            continue
        if ref and ref.group(1) and ref.group(2):
            column, row = column_number(ref.group(1).decode()), int(ref.group(2))
        else:
            column, row = position[1] + 1, position[0]
        position[1] = column
        if not attributes.rstrip().endswith(b"/"):  # <c r="A9" s="3"/> holds no value
            box.cell(row, column)


def _bodies(archive: zipfile.ZipFile, member: str):
    """The sheet's XML in parts of a few MB, each ending after a whole row (or cell, or tag)."""
    tail = b""
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                if tail:
                    yield tail
                return
            text = tail + chunk
            cut = next((found + len(end) for end in (b"</row>", b"</c>", b">") if (found := text.rfind(end)) >= 0), 0)
            yield text[:cut]
            tail = text[cut:]


def survey_xlsx_sheet(archive: zipfile.ZipFile, member: str) -> SheetSurvey:
    """The survey of one worksheet part, read in parts (the whole archive's size was bounded before).

    The box is first bounded by three fast scans of every part; only a sheet whose bound is too large,
    or that is written in an unusual form, is read again cell by cell (~1 s per 100,000 rows)."""
    merged, formulas, hidden, errors = [], [], set(), {}
    rows = columns = 0
    plain = True
    for body in _bodies(archive, member):
        bound = _estimate(body) if plain and _plain(body) else None  # (only cells up to IV are plain)
        if bound is None:
            plain = False
        else:
            rows, columns = max(rows, bound[0]), max(columns, bound[1])
        if b"<f" in body:
            for match in _FORMULA_CELL.finditer(body):
                if not re.search(rb"<v(?: [^>]*)?>[^<]", match.group(0)):  # no <v>, or an empty one
                    formulas.append(match.group(1).decode())
        if b't="e"' in body:
            errors.update((ref.decode(), value.decode("utf-8", "replace")) for ref, value in _ERROR_CELL.findall(body))
        if b"hidden=" in body:
            hidden.update(int(number) for number in _HIDDEN_ROW.findall(body))
        if b"mergeCell" in body:
            merged += [m.decode() for m in _MERGE.findall(body)]
    survey = SheetSurvey(merged=tuple(merged), formulas_without_values=tuple(formulas[:20]), hidden_rows=frozenset(hidden), errors=errors)
    if plain and rows * columns <= MAX_CELLS:
        survey.rows, survey.columns = rows, columns  # at least the reader's box: safe to read
        return survey
    box, position = _Box(), [0, 0]
    for body in _bodies(archive, member):
        _exact(body, box, position)
    survey.rows, survey.columns = box.rows, box.columns
    survey.far, survey.far_count, survey.last_cells = box.far, box.far_count, box.last_cells
    return survey


_FAR_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br="(?:[A-Z]{3}|I[W-Z]|[J-Z][A-Z])\d+"[^>]*?(?:/>|>.*?</(?:[A-Za-z_][\w.-]*:)?c>)', re.S)


def without_far_cells(archive: zipfile.ZipFile, members: set[str]) -> bytes:
    """The workbook as a new zip in memory, the cells beyond MAX_COLUMN taken out of ``members``."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename in members:
                data = _FAR_CELL.sub(b"", data)
            copy.writestr(info.filename, data)
    return out.getvalue()


def workbook_date1904(archive: zipfile.ZipFile) -> bool:
    """True when the workbook counts its dates from 1904 (old Mac Excel; an option in every Excel)."""
    try:
        with archive.open("xl/workbook.xml") as handle:
            head = handle.read(64 * 1024)
    except KeyError:
        return False
    return re.search(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"', head) is not None


# --- .xls -----------------------------------------------------------------------------------

_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
# cell records holding a value, each starting with (row, column): FORMULA, LABELSST, LABEL, NUMBER, RK, BOOLERR, RSTRING
_XLS_VALUE_CELLS = frozenset((0x0006, 0x00FD, 0x0204, 0x0203, 0x027E, 0x0205, 0x00D6))
_XLS_MULRK = 0x00BD  # row, first column, the values, last column


@dataclass
class XlsSurvey:
    """The sheets of a BIFF8 .xls by name, and its date system; ``readable`` False when the file is no
    plain BIFF8 workbook (its cells could not be counted)."""

    sheets: dict[str, SheetSurvey]
    date1904: bool = False
    readable: bool = True


def survey_xls(path: Path) -> XlsSurvey:
    """Each sheet's box, merged ranges, error cells and hidden rows, from the records of a BIFF8 .xls."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("Workbook"):
                return XlsSurvey({}, readable=False)
            stream = ole.openstream("Workbook").read()
    except (OSError, ValueError, struct.error):
        return XlsSurvey({}, readable=False)

    def records(offset: int):
        while offset + 4 <= len(stream):
            kind, size = struct.unpack_from("<HH", stream, offset)
            yield kind, stream[offset + 4 : offset + 4 + size]
            offset += 4 + size
            if kind == 0x000A:  # EOF of this substream
                return

    result = XlsSurvey({})
    try:
        sheets = []
        for kind, data in records(0):
            if kind == 0x0085 and len(data) >= 8:  # BOUNDSHEET8: where a sheet's records start, its name
                position, sheet_type, length, wide = struct.unpack_from("<I", data)[0], data[5], data[6], data[7]
                name = data[8 : 8 + length * 2].decode("utf-16-le") if wide else data[8 : 8 + length].decode("latin-1")
                if sheet_type == 0:
                    sheets.append((name, position))
            elif kind == 0x0022 and len(data) >= 2:  # DATEMODE
                result.date1904 = struct.unpack_from("<H", data)[0] == 1
        for name, position in sheets:
            result.sheets[name] = _survey_xls_sheet(records(position))
    except (struct.error, UnicodeDecodeError):
        result.readable = False
    return result


def _survey_xls_sheet(records) -> SheetSurvey:
    hidden, errors, merged = set(), {}, []
    box = _Box()
    for kind, data in records:
        if kind in _XLS_VALUE_CELLS and len(data) >= 4:
            row, column = struct.unpack_from("<HH", data)
            box.cell(row + 1, column + 1)
            if kind == 0x0205 and len(data) >= 8 and data[7]:  # BOOLERR holding an error
                errors[f"{column_name(column)}{row + 1}"] = _XLS_ERRORS.get(data[6], "#VALUE!")
            elif kind == 0x0006 and len(data) >= 14 and data[6] == 0x02 and data[12:14] == b"\xff\xff":  # FORMULA with an error result
                errors[f"{column_name(column)}{row + 1}"] = _XLS_ERRORS.get(data[8], "#VALUE!")
        elif kind == _XLS_MULRK and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            last = struct.unpack_from("<H", data, len(data) - 2)[0]
            box.cell(row + 1, first + 1)
            box.cell(row + 1, max(first, last) + 1)
        elif kind == 0x0208 and len(data) >= 14 and struct.unpack_from("<H", data, 12)[0] & 0x20:  # ROW, fDyZero
            hidden.add(struct.unpack_from("<H", data)[0] + 1)
        elif kind == 0x00E5 and len(data) >= 2:  # MERGEDCELLS
            count = struct.unpack_from("<H", data)[0]
            for index in range(min(count, (len(data) - 2) // 8)):
                first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", data, 2 + 8 * index)
                merged.append(f"{column_name(first_column)}{first_row + 1}:{column_name(last_column)}{last_row + 1}")
    return SheetSurvey(box.rows, box.columns, box.far, box.far_count, box.last_cells, tuple(merged), (), frozenset(hidden), errors)

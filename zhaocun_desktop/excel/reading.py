"""Reading a workbook a village sent, safely: what kind of file it really is, and its sheets.

Every refusal is a ``UserError`` whose message says what the file is and what to do.
Nothing here touches the database.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from zhaocun_desktop.errors import UserError

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a village sheet is a few MB; more is a zip bomb
MAX_RATIO = 200  # deflate rarely exceeds 100:1 on real sheets
EMPTY_ROWS_END = 500  # this many empty rows in a row end the data (columns formatted to row 1,048,576)
HEADER_ROWS = 10  # headers are looked for in the first rows
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The program's templates carry a hidden sheet saying which register they are for. A hidden
# sheet survives saving in Excel, WPS and LibreOffice, as .xlsx and as .xls.
MARKER_SHEET = "模板信息"
MARKER_TITLE = "司法所台账填报模板"
OWN_HIDDEN_SHEETS = (MARKER_SHEET, "选项")  # the templates' own hidden sheets, never data


@dataclass
class Sheet:
    """One worksheet. ``iter_rows()`` yields its rows from Excel row 1, column A, one list per
    row ('' read as None), until the data ends; the values stay in the reader until asked for,
    so a 100,000-row sheet is never held as Python objects all at once."""

    name: str
    source: Callable[[], Iterator[list]]
    merged: tuple[str, ...] = ()  # merged ranges, e.g. "A5:C5"
    formulas_without_values: tuple[str, ...] = ()  # cells like "D7"
    hidden: bool = False  # the sheet itself is hidden
    hidden_rows: frozenset[int] = frozenset()  # Excel row numbers
    errors: dict[str, str] = field(default_factory=dict)  # cell like "D7" → error value like "#DIV/0!"

    def iter_rows(self) -> Iterator[list]:
        empty = 0
        pending = []  # empty rows are passed on only when data follows them
        for row in self.source():
            values = [None if value == "" else value for value in row]
            if any(value is not None for value in values):
                yield from pending
                pending.clear()
                empty = 0
                yield values
            else:
                empty += 1
                if empty >= EMPTY_ROWS_END:
                    return
                pending.append(values)

    @property
    def head(self) -> list[list]:
        """The first rows, where the headers are."""
        return list(itertools.islice(self.iter_rows(), HEADER_ROWS))

    @property
    def rows(self) -> list[list]:
        """All rows at once (for small sheets and tests)."""
        return list(self.iter_rows())


def _refuse(path: Path, why: str, what_to_do: str) -> UserError:
    return UserError(f"无法导入“{path.name}”：{why}。{what_to_do}")


def sniff(path: Path) -> str:
    """``xlsx`` or ``xls``; a UserError saying what the file really is otherwise."""
    if not path.is_file():
        raise _refuse(path, "找不到这个文件", "请检查文件是否已被移动或删除")
    if path.name.startswith("~$"):
        raise _refuse(path, "这是 Excel 或 WPS 打开文件时临时生成的锁定文件，不是表格本身", "请选择同一文件夹中不带“~$”的那个文件")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, "文件是空的（0 字节），可能没有下载完整或保存失败", "请让村里重新发送一份")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head.startswith(_OLE):
        with path.open("rb") as handle:
            body = handle.read(min(size, 2 * 1024 * 1024))
        if "EncryptedPackage".encode("utf-16-le") in body:
            raise _refuse(path, "这个工作簿设置了打开密码", "请让村里取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新发送")
        if "WordDocument".encode("utf-16-le") in body:
            raise _refuse(path, "这是 Word 文档，不是 Excel 表格", "请发送 Excel 表格（.xlsx 或 .xls）")
        return "xls"
    text = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) or b"<table" in text:
        raise _refuse(path, "这是网页（HTML）格式的表格，只是扩展名像 Excel", "请用 Excel 或 WPS 打开它，再“另存为”Excel 工作簿（.xlsx）后导入")
    if head.startswith(b"%PDF"):
        raise _refuse(path, "这是 PDF 文件", "请发送 Excel 表格（.xlsx 或 .xls）")
    if head.startswith(b"{\\rtf"):
        raise _refuse(path, "这是 RTF 文档", "请发送 Excel 表格（.xlsx 或 .xls）")
    for encoding in ("utf-8", "gb18030"):
        try:
            sample = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "," in sample or "\t" in sample or "，" in sample:
            raise _refuse(path, "这是 CSV 纯文本文件，不是 Excel 工作簿", "请用 Excel 或 WPS 打开它，再“另存为”Excel 工作簿（.xlsx）后导入")
        raise _refuse(path, "这是纯文本文件，不是 Excel 工作簿", "请发送 Excel 表格（.xlsx 或 .xls）")
    raise _refuse(path, "无法识别的文件格式，可能已损坏", "请让村里用 Excel 或 WPS 重新保存后发送")


def _sniff_zip(path: Path) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _refuse(path, "文件已损坏或不完整（可能没有下载完或复制到一半）", "请让村里重新发送一份") from None
    with archive:
        try:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > MAX_UNCOMPRESSED or (total > 20 * 1024 * 1024 and total / packed > MAX_RATIO):
                raise _refuse(path, f"文件解压后有 {total // (1024 * 1024)} MB，远超正常表格，可能是恶意构造的“压缩炸弹”", "已拒绝读取。请核实文件来源")
            if "word/document.xml" in names:
                raise _refuse(path, "这是 Word 文档，不是 Excel 表格", "请发送 Excel 表格（.xlsx 或 .xls）")
            if "ppt/presentation.xml" in names:
                raise _refuse(path, "这是 PowerPoint 演示文稿，不是 Excel 表格", "请发送 Excel 表格（.xlsx 或 .xls）")
            if "content.xml" in names and "mimetype" in names:
                raise _refuse(path, "这是 WPS/LibreOffice 的 ODS 表格", "请在其中“另存为”Excel 工作簿（.xlsx）后导入")
            if "xl/workbook.xml" not in names:
                raise _refuse(path, "压缩包里没有 Excel 工作簿", "请发送 Excel 表格（.xlsx 或 .xls）")
            head = archive.open("xl/workbook.xml").read(4096)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            raise _refuse(path, "文件已损坏或不完整（可能没有下载完或复制到一半）", "请让村里重新发送一份") from None
    if b"purl.oclc.org/ooxml" in head:
        raise _refuse(path, "这是“Strict Open XML”格式的工作簿，本程序读不全它的内容", "请在 Excel 中“另存为”普通的“Excel 工作簿(*.xlsx)”后导入")
    return "xlsx"


@dataclass
class Book:
    """A workbook as read: every worksheet (hidden ones flagged) and a template's marker."""

    path: Path
    sheets: list[Sheet]
    marker: dict[str, str]  # from a template's marker sheet: 台账, 工作表, 模板版本, 镇, 村(居); {} without

    @property
    def visible(self) -> list[Sheet]:
        return [sheet for sheet in self.sheets if not sheet.hidden]

    @property
    def hidden(self) -> list[Sheet]:
        """Hidden sheets that may hold data (not a template's own)."""
        return [sheet for sheet in self.sheets if sheet.hidden and sheet.name not in OWN_HIDDEN_SHEETS]


def open_book(path: str | Path) -> Book:
    """Every sheet of a .xlsx or .xls file, each up to the end of its data, and the template marker."""
    # both formats are read by python-calamine, chosen by the file's first bytes, not its name;
    # openpyxl is used to write workbooks
    path = Path(path)
    kind = sniff(path)
    sheets = _read_xlsx(path) if kind == "xlsx" else _read_xls(path)
    marker: dict[str, str] = {}
    for sheet in sheets:
        if sheet.name == MARKER_SHEET:
            rows = sheet.rows
            if rows and rows[0] and rows[0][0] == MARKER_TITLE:
                marker = {str(row[0]).strip(): str(row[1]).strip() for row in rows[1:] if len(row) > 1 and row[0] and row[1] is not None}
    if not any(not sheet.hidden for sheet in sheets):
        raise _refuse(path, "工作簿里没有可见的工作表", "请在 Excel 中取消隐藏要导入的工作表后重新保存")
    return Book(path, [sheet for sheet in sheets if sheet.name != MARKER_SHEET], marker)


def read_workbook(path: str | Path) -> list[Sheet]:
    """The visible sheets of a .xlsx or .xls file, each up to the end of its data."""
    return open_book(path).visible


@dataclass
class _SheetScan:
    """What python-calamine does not tell: found in the sheet's XML."""

    merged: tuple[str, ...] = ()
    formulas_without_values: tuple[str, ...] = ()
    hidden_rows: frozenset[int] = frozenset()
    errors: dict[str, str] = field(default_factory=dict)


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)
_HIDDEN_ROW = re.compile(rb'<row r="(\d+)"[^>]*?\bhidden="(?:1|true)"')


def _scan_sheet_xml(archive: zipfile.ZipFile, member: str) -> _SheetScan:
    """Merged ranges, formula cells without a saved value, error cells (calamine reads them as
    empty) and hidden rows, found in the sheet's XML."""
    merged, formulas, hidden, errors = [], [], set(), {}
    cell = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*?<f[ >/](?:(?!</c>).)*?</c>', re.S)
    merge = re.compile(rb'<mergeCell ref="([A-Z0-9:]+)"')
    tail = b""
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(4 * 1024 * 1024)
            if not chunk:
                break
            text = tail + chunk
            cut = text.rfind(b"</c>")
            cut = len(text) if cut < 0 else cut + 4
            body, tail = text[:cut], text[cut:]
            if b"<f" in body:
                for match in cell.finditer(body):
                    if not re.search(rb"<v(?: [^>]*)?>[^<]", match.group(0)):  # no <v>, or an empty one
                        formulas.append(match.group(1).decode())
            if b't="e"' in body:
                errors.update((ref.decode(), value.decode("utf-8", "replace")) for ref, value in _ERROR_CELL.findall(body))
            if b"hidden=" in body:
                hidden.update(int(number) for number in _HIDDEN_ROW.findall(body))
            merged += [m.decode() for m in merge.findall(body)]
        merged += [m.decode() for m in merge.findall(tail)]
    return _SheetScan(tuple(merged), tuple(formulas[:20]), frozenset(hidden), errors)


def _read_xlsx(path: Path) -> list[Sheet]:
    """Values through python-calamine (several times faster than openpyxl, and its XML reader
    expands no entities); merged ranges and formulas without values from the sheet XML."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                with archive.open(name) as handle:
                    head = handle.read(2048)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _refuse(path, "文件中含有 XML 实体定义（正常表格没有，可能是恶意构造的文件）", "已拒绝读取。请核实文件来源，或让村里用 Excel 重新保存后发送")
        sheet_files = _sheet_files(archive)
        scans = {name: _scan_sheet_xml(archive, member) for name, member in sheet_files.items() if member in archive.namelist()}
    sheets = _read_with_calamine(path, "工作簿")
    for sheet in sheets:
        scan = scans.get(sheet.name, _SheetScan())
        sheet.merged, sheet.formulas_without_values = scan.merged, scan.formulas_without_values
        sheet.hidden_rows, sheet.errors = scan.hidden_rows, scan.errors
    if not sheets:
        raise _refuse(path, "工作簿里没有可读的工作表", "请在 Excel 中“另存为”普通的“Excel 工作簿(*.xlsx)”后导入")
    return sheets


def _sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its XML, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        rid, target = re.search(r'Id="([^"]+)"', tag), re.search(r'Target="([^"]+)"', tag)
        if rid and target:
            member = target.group(1).lstrip("/")
            targets[rid.group(1)] = member if member.startswith("xl/") else f"xl/{member}"
    found = {}
    for sheet in re.finditer(r"<sheet\b[^>]*>", workbook):
        tag = sheet.group(0)
        name, rid = re.search(r'name="([^"]+)"', tag), re.search(r'r:id="([^"]+)"', tag)
        if name and rid and rid.group(1) in targets:
            found[_unescape(name.group(1))] = targets[rid.group(1)]
    return found


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _read_xls(path: Path) -> list[Sheet]:
    sheets = _read_with_calamine(path, "旧版 Excel（.xls）文件")
    scans = _scan_xls(path)
    for sheet in sheets:
        scan = scans.get(sheet.name)
        if scan:
            sheet.hidden_rows, sheet.errors = scan.hidden_rows, scan.errors
    return sheets


_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _scan_xls(path: Path) -> dict[str, _SheetScan]:
    """Error cells and hidden rows of a BIFF8 .xls (calamine reads error cells as empty and does
    not tell hidden rows): the sheets' ROW, BOOLERR and FORMULA records. Best effort: {} when the
    file is not plain BIFF8."""
    import struct

    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("Workbook"):
                return {}
            stream = ole.openstream("Workbook").read()
    except (OSError, ValueError, struct.error):
        return {}

    def records(offset: int):
        while offset + 4 <= len(stream):
            kind, size = struct.unpack_from("<HH", stream, offset)
            yield kind, stream[offset + 4 : offset + 4 + size]
            offset += 4 + size
            if kind == 0x000A:  # EOF of this substream
                return

    scans: dict[str, _SheetScan] = {}
    try:
        sheets = []
        for kind, data in records(0):
            if kind == 0x0085 and len(data) >= 8:  # BOUNDSHEET8: where a sheet's records start, its name
                position, sheet_type, length, wide = struct.unpack_from("<I", data)[0], data[5], data[6], data[7]
                name = data[8 : 8 + length * 2].decode("utf-16-le") if wide else data[8 : 8 + length].decode("latin-1")
                if sheet_type == 0:
                    sheets.append((name, position))
        for name, position in sheets:
            hidden, errors = set(), {}
            for kind, data in records(position):
                if kind == 0x0208 and len(data) >= 14 and struct.unpack_from("<H", data, 12)[0] & 0x20:  # ROW, fDyZero
                    hidden.add(struct.unpack_from("<H", data)[0] + 1)
                elif kind == 0x0205 and len(data) >= 8 and data[7]:  # BOOLERR holding an error
                    row, column = struct.unpack_from("<HH", data)
                    errors[f"{_column(column)}{row + 1}"] = _XLS_ERRORS.get(data[6], "#VALUE!")
                elif kind == 0x0006 and len(data) >= 14 and data[6] == 0x02 and data[12:14] == b"\xff\xff":  # FORMULA with an error result
                    row, column = struct.unpack_from("<HH", data)
                    errors[f"{_column(column)}{row + 1}"] = _XLS_ERRORS.get(data[8], "#VALUE!")
            scans[name] = _SheetScan(hidden_rows=frozenset(hidden), errors=errors)
    except (struct.error, UnicodeDecodeError):
        return scans
    return scans


def _read_with_calamine(path: Path, kind: str) -> list[Sheet]:
    """Every worksheet's values, each from A1 (calamine gives dates as dates, numbers as floats)."""
    from python_calamine import CalamineWorkbook

    try:
        # from a file object calamine tells the format by content: a .xls named .xlsx reads
        with path.open("rb") as handle:
            book = CalamineWorkbook.from_filelike(handle)
    except Exception as error:
        text = str(error).lower()
        if "password" in text or "encrypt" in text:
            raise _refuse(path, "这个工作簿设置了打开密码", "请让村里取消密码后重新发送") from None
        raise _refuse(path, f"{kind}已损坏或无法识别", "请让村里用 Excel 或 WPS 打开后“另存为”.xlsx 再发送") from None
    sheets = []
    try:
        for meta in book.sheets_metadata:
            if "worksheet" not in str(getattr(meta, "typ", "worksheet")).lower():
                continue  # chart sheets hold no cells
            hidden = "hidden" in str(getattr(meta, "visible", "")).lower()
            sheet = book.get_sheet_by_name(meta.name)  # the values are now held by the reader
            merged = tuple(
                f"{_column(first[1])}{first[0] + 1}:{_column(last[1])}{last[0] + 1}" for first, last in (sheet.merged_cell_ranges or ())
            )
            sheets.append(Sheet(meta.name, _rows_from_a1(sheet), merged, hidden=hidden))
    except UserError:
        raise
    except Exception as error:
        raise _refuse(path, f"{kind}无法读取（{type(error).__name__}）", "请让村里用 Excel 或 WPS 打开后重新保存，再发送") from None
    finally:
        book.close()
    return sheets


def _rows_from_a1(sheet) -> Callable[[], Iterator[list]]:
    """calamine's rows start at row 1 but at the first used column: pad them back to column A."""
    pad = [None] * ((sheet.start or (0, 0))[1])

    def rows() -> Iterator[list]:
        for row in sheet.iter_rows():
            yield pad + row if pad else row

    return rows


def _column(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name

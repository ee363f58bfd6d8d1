"""Reading a workbook a village sent, safely: what kind of file it really is, and its sheets.

Every refusal is a ``UserError`` whose message says what the file is and what to do.
Nothing here touches the database.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.survey import (
    MAX_CELLS,
    MAX_COLUMN,
    SheetSurvey,
    column_name,
    survey_xls,
    survey_xlsx_sheet,
    without_far_cells,
    workbook_date1904,
)

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a village sheet is a few MB; more is a zip bomb
MAX_RATIO = 200  # deflate rarely exceeds 100:1 on real sheets
HEADER_ROWS = 10  # headers are looked for in the first rows
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The program's templates carry a hidden sheet saying which register they are for. A hidden
# sheet survives saving in Excel, WPS and LibreOffice, as .xlsx and as .xls.
MARKER_SHEET = "模板信息"
MARKER_TITLE = "司法所台账填报模板"
OWN_HIDDEN_SHEETS = (MARKER_SHEET, "选项")  # the templates' own hidden sheets, never data


@dataclass
class Sheet:
    """One worksheet. ``iter_rows()`` yields its rows from Excel row 1, column A, one list per row
    ('' read as None), every row up to the last one with a value, whatever the blank rows between; the
    values stay in the reader until asked for, so a 100,000-row sheet is never held as Python objects
    all at once. The reader loads the sheet when it is first read (``source``), after its survey
    said the sheet fits (``survey.py``)."""

    name: str
    source: Callable[[], Iterator[list]]
    merged: tuple[str, ...] = ()  # merged ranges, e.g. "A5:C5"
    formulas_without_values: tuple[str, ...] = ()  # cells like "D7"
    hidden: bool = False  # the sheet itself is hidden
    hidden_rows: frozenset[int] = frozenset()  # Excel row numbers
    errors: dict[str, str] = field(default_factory=dict)  # cell like "D7" → error value like "#DIV/0!"

    def iter_rows(self) -> Iterator[list]:
        empty = 0  # empty rows are passed on only when data follows them
        for row in self.source():
            values = [None if value == "" else value for value in row]
            if any(values) or values.count(None) != len(values):  # a value (the first test finds most at once; 0 and False are values too)
                for _ in range(empty):
                    yield []
                empty = 0
                yield values
            else:
                empty += 1

    def release(self) -> None:
        """Let the reader free the sheet's values (read again if asked for)."""
        release = getattr(self.source, "release", None)
        if release is not None:
            release()

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
    """A workbook as read: every worksheet (hidden ones flagged), a template's marker, its date system,
    and what the reading left out (``notes``: cells far beyond the columns)."""

    path: Path
    sheets: list[Sheet]
    marker: dict[str, str]  # from a template's marker sheet: 台账, 工作表, 模板版本, 镇, 村(居); {} without
    date1904: bool = False  # dates counted from 1904-01-01 (a serial number typed in a date column too)
    notes: list[str] = field(default_factory=list)

    @property
    def visible(self) -> list[Sheet]:
        return [sheet for sheet in self.sheets if not sheet.hidden]

    @property
    def hidden(self) -> list[Sheet]:
        """Hidden sheets that may hold data (not a template's own)."""
        return [sheet for sheet in self.sheets if sheet.hidden and sheet.name not in OWN_HIDDEN_SHEETS]


def open_book(path: str | Path) -> Book:
    """Every sheet of a .xlsx or .xls file, each up to the end of its data, and the template marker."""
    # both formats are read by python-calamine, chosen by the file's first bytes, not its name, each
    # sheet only after its survey (survey.py) found its used range small enough; openpyxl writes workbooks
    path = Path(path)
    kind = sniff(path)
    book = _open_xlsx(path) if kind == "xlsx" else _open_xls(path)
    for sheet in book.sheets:
        if sheet.name == MARKER_SHEET:
            rows = sheet.rows
            if rows and rows[0] and rows[0][0] == MARKER_TITLE:
                book.marker = {str(row[0]).strip(): str(row[1]).strip() for row in rows[1:] if len(row) > 1 and row[0] and row[1] is not None}
    if not any(not sheet.hidden for sheet in book.sheets):
        raise _refuse(path, "工作簿里没有可见的工作表", "请在 Excel 中取消隐藏要导入的工作表后重新保存")
    book.sheets = [sheet for sheet in book.sheets if sheet.name != MARKER_SHEET]
    return book


def read_workbook(path: str | Path) -> list[Sheet]:
    """The visible sheets of a .xlsx or .xls file, each up to the end of its data."""
    return open_book(path).visible


def _open_xlsx(path: Path) -> Book:
    """Values through python-calamine (several times faster than openpyxl, and its XML reader expands
    no entities); what it does not tell, and each sheet's used range, from the sheet XML first."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                with archive.open(name) as handle:
                    head = handle.read(2048)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _refuse(path, "文件中含有 XML 实体定义（正常表格没有，可能是恶意构造的文件）", "已拒绝读取。请核实文件来源，或让村里用 Excel 重新保存后发送")
        members = set(archive.namelist())
        sheet_files = {name: member for name, member in _sheet_files(archive).items() if member in members}
        surveys = {name: survey_xlsx_sheet(archive, member) for name, member in sheet_files.items()}
        date1904 = workbook_date1904(archive)
        far = {sheet_files[name] for name, survey in surveys.items() if survey.far_count}
        data = without_far_cells(archive, far) if far else None  # the reader never sees those cells
    notes = [
        f"工作表“{name}”的 {'、'.join(survey.far)}{'等' if survey.far_count > len(survey.far) else ''} {survey.far_count} 个单元格"
        f"在第 {MAX_COLUMN} 列（IV 列）以外，不在任何一列之下，已忽略（多是按 Ctrl+End 后误输入的）。"
        for name, survey in surveys.items() if survey.far_count
    ]  # fmt: skip
    book = Book(path, _read_with_calamine(path, "工作簿", surveys, data), {}, date1904, notes)
    if not book.sheets:
        raise _refuse(path, "工作簿里没有可读的工作表", "请在 Excel 中“另存为”普通的“Excel 工作簿(*.xlsx)”后导入")
    return book


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
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        tag = sheet.group(0)
        name, rid = re.search(r'name="([^"]+)"', tag), re.search(r'r:id="([^"]+)"', tag)
        if name and rid and rid.group(1) in targets:
            found[_unescape(name.group(1))] = targets[rid.group(1)]
    return found


def _unescape(text: str) -> str:
    text = re.sub(r"&#(x[0-9a-fA-F]+|\d+);", lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] == "x" else int(m.group(1))), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _open_xls(path: Path) -> Book:
    found = survey_xls(path)
    if not found.readable:
        raise _refuse(path, "这是更早版本（Excel 95 或更早）的 .xls 文件，程序无法先检查其中的内容范围", "请让村里用 Excel 或 WPS 打开后“另存为”.xlsx 再发送")
    return Book(path, _read_with_calamine(path, "旧版 Excel（.xls）文件", found.sheets), {}, found.date1904)


def _read_with_calamine(path: Path, kind: str, surveys: dict[str, SheetSurvey], data: bytes | None = None) -> list[Sheet]:
    """Every worksheet, each read from A1 when first asked for (calamine gives dates as dates, numbers as
    floats). A worksheet the survey did not see, or found too large, is refused when it is read."""
    from python_calamine import CalamineWorkbook

    try:
        # from a file object calamine tells the format by content: a .xls named .xlsx reads; it copies the
        # file into memory, so no handle stays open
        if data is not None:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        else:
            with path.open("rb") as handle:
                book = CalamineWorkbook.from_filelike(handle)
    except Exception as error:  # noqa: BLE001 (calamine raises its own types, and a Rust panic's, for a file it cannot read)
        text = str(error).lower()
        if "password" in text or "encrypt" in text:
            raise _refuse(path, "这个工作簿设置了打开密码", "请让村里取消密码后重新发送") from None
        raise _refuse(path, f"{kind}已损坏或无法识别", "请让村里用 Excel 或 WPS 打开后“另存为”.xlsx 再发送") from None
    sheets = []
    try:
        worksheets = [meta for meta in book.sheets_metadata if "worksheet" in str(getattr(meta, "typ", "worksheet")).lower()]  # chart sheets hold no cells
        by_position = list(surveys.values()) if len(surveys) == len(worksheets) else []  # names the two spell differently
        for index, meta in enumerate(worksheets):
            hidden = "hidden" in str(getattr(meta, "visible", "")).lower()
            survey = surveys.get(meta.name) or (by_position[index] if by_position else None)
            sheet = Sheet(meta.name, _Rows(_Loader(book, meta.name, survey, path)), hidden=hidden)
            if survey is not None:
                sheet.merged, sheet.formulas_without_values = survey.merged, survey.formulas_without_values
                sheet.hidden_rows, sheet.errors = survey.hidden_rows, survey.errors
            sheets.append(sheet)
    except Exception as error:  # noqa: BLE001 (whatever a damaged .xls raises in the reader: the clerk is told to save it again)
        raise _refuse(path, f"{kind}无法读取（{type(error).__name__}）", "请让村里用 Excel 或 WPS 打开后重新保存，再发送") from None
    return sheets


class _Loader:
    """One worksheet's values in python-calamine, loaded once, and only when its survey says the box fits."""

    def __init__(self, book, name: str, survey: SheetSurvey | None, path: Path):
        self.book, self.name, self.survey, self.path = book, name, survey, path
        self.sheet = None

    def __call__(self):
        if self.sheet is None:
            survey = self.survey
            if survey is None:  # nothing counted its cells: reading it could ask for any amount of memory
                raise _refuse(self.path, f"工作表“{self.name}”的内容范围无法预先检查", "请让村里用 Excel 或 WPS 打开后“另存为”.xlsx 再发送")
            if survey.too_large:
                cells = "、".join(survey.last_cells)
                raise _refuse(
                    self.path,
                    f"工作表“{self.name}”的 {cells} 有内容，与其他数据相距太远：从第1行到第{survey.rows:,}行、共{survey.columns}列，"
                    f"超过程序一次能读取的 {MAX_CELLS:,} 个单元格",
                    "如果是误输入，请在 Excel 或 WPS 中按 Ctrl+End 跳到最后一个单元格，删除多余的内容（整行删除）后保存，再导入；"
                    "如果数据确实这么多，请分成几个文件导入",
                )
            try:
                self.sheet = self.book.get_sheet_by_name(self.name)
            except Exception as error:  # noqa: BLE001 - calamine's own errors: the sheet is damaged
                raise _refuse(self.path, f"工作表“{self.name}”无法读取（{type(error).__name__}）", "请让村里用 Excel 或 WPS 打开后重新保存，再发送") from None
        return self.sheet


class _Rows:
    """A sheet's ``source``: its rows from A1 (``_rows_from_a1``), and ``release`` to free the loaded values."""

    def __init__(self, load: _Loader):
        self.load, self.rows = load, _rows_from_a1(load)

    def __call__(self) -> Iterator[list]:
        return self.rows()

    def release(self) -> None:
        self.load.sheet = None


def _rows_from_a1(load: _Loader) -> Callable[[], Iterator[list]]:
    """calamine's rows start at row 1 but at the first used column: pad them back to column A.

    calamine converts a date- or time-formatted cell while it builds the row; a value far outside
    any calendar (1e300 formatted as a date) raises there (OverflowError, or a Rust panic, which
    is a BaseException), so the row it was building is refused with its number, not a traceback.
    """

    def rows() -> Iterator[list]:
        sheet = load()
        pad = [None] * (sheet.start or (0, 0))[1]
        number = 1
        iterator = iter(sheet.iter_rows())
        while True:
            try:
                row = next(iterator)
            except StopIteration:
                return
            except (KeyboardInterrupt, SystemExit, GeneratorExit):
                raise
            except BaseException:  # noqa: BLE001 - see the docstring: pyo3 panics are BaseException
                raise _refuse(
                    load.path,
                    f"工作表“{load.name}”第{number}行有设置成日期或时间格式、但数值超出任何日期范围的单元格",
                    "请在该行找到显示为“#####”或异常日期的单元格，改为正确日期或清空后重新导入",
                ) from None
            number += 1
            yield pad + row if pad else row

    return rows


_column = column_name

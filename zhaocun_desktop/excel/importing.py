"""Importing a village's workbook: a preview, step by step, then one commit.

``preview_import`` reads and checks without writing anything, in named steps, each in its own module:

1. read the used range (``reading``, after ``survey`` bounded it),
2. match headers (``headers``: which sheet is which register, where its columns are),
3. clean cells (``cells``),
4. validate rows (``checking``: the register's checks, every village column against the 村(居) list),
5. attach child rows (``children``: 当事人 and 回访 sheets, by the record's key),
6. find duplicates and news (``repeats``),
7. write notes (``notes``).

Every case a hostile workbook brings is decided in one of these steps. ``commit_import`` writes the
valid rows of a preview in one transaction as one batch (rows already in are never added twice);
``undo_batch`` removes a batch again. Every problem names its row and column.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import audit, records
from zhaocun_desktop.backup_files import safety_backup
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.excel.cells import CellReader
from zhaocun_desktop.excel.checking import RowChecks
from zhaocun_desktop.excel.children import (
    Attachment,
    find_child_sheets,
    key_text,
)
from zhaocun_desktop.excel.headers import (
    HeaderMatch,
    RegisterUnclear,
    choose_sheet,
    header_key,
    match_headers,
    refuse_repeated,
)
from zhaocun_desktop.excel.notes import shown, write_notes
from zhaocun_desktop.excel.preview import ImportPreview, PreviewRow, Problem
from zhaocun_desktop.excel.reading import Book, Sheet, open_book
from zhaocun_desktop.excel.repeats import Repeats, fingerprint
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.registers import REGISTERS, Register

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["ImportPreview", "PreviewRow", "Problem", "RegisterUnclear", "HeaderMatch", "header_key", "match_headers", "fingerprint",
           "preview_import", "commit_import", "undo_batch", "batches", "file_sha256"]  # fmt: skip


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while (as it was after): an import makes some ten objects a
    row, none in a cycle, and each full collection walked all the rows made so far (a tenth of 100,000 rows'
    import). Reference counting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def preview_import(db: Database, path: str | Path, register: Register | None = None, include_hidden: bool = False,
                   other_places: Iterable[str] = ()) -> ImportPreview:  # fmt: skip
    """Read and check a workbook; writes nothing. UserError when the file cannot be used at all.

    ``register`` is the clerk's choice (else told from the file); ``include_hidden`` reads hidden
    sheets and imports hidden rows, which are otherwise listed and left out; ``other_places`` are
    names in a village column that the clerk keeps as places that are not villages (镇直及其他地点).
    """
    with collector_paused():
        return _preview(db, Path(path), register, include_hidden, other_places)


def _preview(db: Database, path: Path, register: Register | None, include_hidden: bool, other_places: Iterable[str]) -> ImportPreview:
    book = open_book(path)  # 1. the used range, bounded before the reader allocates it
    sheets = book.visible + (book.hidden if include_hidden else [])
    match, how = match_sheet(book, register, sheets, include_hidden)  # 2. headers
    child_sheets = find_child_sheets(path, match, sheets)
    last_batch = db.execute("SELECT coalesce(max(id), 0) FROM import_batch").fetchone()[0]  # before the rows are checked
    reader = CellReader(match)
    checks = RowChecks(db, match, book.date1904, other_places)
    attachment = Attachment(match, child_sheets, parent_keys(match, reader) if child_sheets else {})
    repeats = Repeats(db, match.register, include_hidden, {f.key for f in match.columns.values()})
    columns = {f.key: c for c, f in match.columns.items()}
    rows = [check_row(row, cells, reader, attachment, checks, repeats, columns) for row, cells in data_rows(match, reader)]
    if reader.lost:
        raise UserError(
            f"无法导入“{path.name}”：身份证号被 Excel 存成了数字（{shown(reader.lost)}），18位号码的末几位已经丢失，无法恢复。"
            "请把该列设为“文本”格式，重新录入完整号码后再导入（程序生成的模板已设好文本格式）。"
        )
    preview = ImportPreview(path, file_sha256(path), match, rows, include_hidden=include_hidden, hidden_sheets=[s.name for s in book.hidden],
                            last_batch=last_batch, sheet_problems=attachment.sheet_problems, unknown_places=checks.unknown_places,
                            other_places=checks.other_places)  # fmt: skip
    preview.already_imported = imported_before(db, preview)
    write_notes(db, preview, book, how, sheets, child_sheets, reader.cleaned)  # 7. notes
    for sheet in book.sheets:  # the rows are checked: the reader's copy of the values can go before the commit
        sheet.release()
    return preview


def match_sheet(book: Book, register: Register | None, sheets: list[Sheet], include_hidden: bool) -> tuple[HeaderMatch, str]:
    """Step 2: the sheet and its register (``headers.choose_sheet``), refused when the data cannot be read
    row by row: a header written twice, merged cells below the header, formulas without saved values."""
    path = book.path
    try:
        match, how = choose_sheet(book, register, sheets)
    except UserError as error:
        if book.hidden and not include_hidden:  # the data may be on a sheet the clerk cannot see
            error.args = (f"{error}（另外，工作簿中有隐藏的工作表：{shown([s.name for s in book.hidden])}；如需从中导入，请勾选“包括隐藏的行和工作表”，或在命令行加 --include-hidden。）",)
        raise
    refuse_repeated(path, match)
    merged = merged_in_data(match)
    if merged:
        raise UserError(f"无法导入“{path.name}”：数据区有合并单元格（{shown(merged)}），合并后只有左上角的格子有值，其余会丢失。请取消合并并把内容填到每一行后重新导入。")
    if match.sheet.formulas_without_values:
        cells = "、".join(match.sheet.formulas_without_values[:5])
        raise UserError(f"无法导入“{path.name}”：{cells} 等单元格是公式，但文件里没有保存计算结果。请用 Excel 或 WPS 打开该文件，保存一次后重新导入。")
    return match, how


def merged_in_data(match: HeaderMatch) -> list[str]:
    first_data_row = match.header_row + 1
    return [ref for ref in match.sheet.merged if max(int(n) for n in re.findall(r"\d+", ref)) >= first_data_row]


def data_rows(match: HeaderMatch, reader: CellReader) -> Iterator[tuple[int, object]]:
    """Step 3: every non-empty row below the header, as (Excel row, its cleaned cells), whatever the blank
    rows between (the reader's rows as they come: an empty cell is '', the same as None to every check)."""
    for excel_row, row in enumerate(match.sheet.source(), start=1):
        if excel_row > match.header_row:
            cells = reader.read(excel_row, row)
            if cells is not None:
                yield excel_row, cells


def row_key(match: HeaderMatch, raw: dict, excel_row: int) -> str:
    """The key a child sheet names a row by: its number (案件编号), or 第N行 without one."""
    key_field = match.register.children[0].parent_key_field if match.register.children else ""
    return key_text(raw.get(key_field)) or f"第{excel_row}行"


def parent_keys(match: HeaderMatch, reader: CellReader) -> dict[int, str]:
    """The key of every non-empty row of the register's sheet, by Excel row (read ahead of the checks)."""
    ahead = CellReader(match)  # its own lists: the rows are read again below
    return {excel_row: row_key(match, cells.raw, excel_row) for excel_row, cells in data_rows(match, ahead)}


def check_row(excel_row: int, cells, reader: CellReader, attachment: Attachment, checks: RowChecks, repeats: Repeats, columns: dict[str, int]) -> PreviewRow:
    """Steps 5, 4 and 6 for one row: its child rows, its checks, and what it repeats."""
    raw = cells.raw
    row = PreviewRow(excel_row, raw, {}, hidden=excel_row in reader.match.sheet.hidden_rows)
    row.problems += attachment.attach(excel_row, raw, row_key(reader.match, raw, excel_row)) if attachment.sheets else []
    row.problems += cells.problems
    clean, problems = checks.check(excel_row, raw, cells.errors)
    row.problems += problems
    if not row.problems:
        repeats.check(row, clean, columns)
    if cells.errors:
        row.raw.update(cells.errors)  # the preview shows the error value where it was
    return row


def imported_before(db: Database, preview: ImportPreview) -> str:
    """A message when this very file (by its content) was imported before, else ""."""
    earlier = db.execute(
        "SELECT file_name, imported_at FROM import_batch WHERE sha256 = ? AND register = ? AND undone_at IS NULL ORDER BY id LIMIT 1",
        [preview.sha256, preview.register.key],
    ).fetchone()
    if not earlier:
        return ""
    return f"这个文件已于 {earlier[1].replace('T', ' ')} 导入过（当时文件名“{earlier[0]}”）：只导入上次没有导入的行，已经导入的行不会再导入。"


def commit_import(db: Database, preview: ImportPreview, include_duplicates: bool = False, progress: Progress = None) -> dict:
    """Write the rows the preview chose as one batch, in one transaction; returns counts.

    Rows with problems, hidden rows (unless the preview includes them) and rows that repeat a
    stored record are left out; ``include_duplicates`` takes the repeats too, except from a
    file imported before, which adds only the rows not yet in. Nothing fails here that the
    preview did not show: the checks ran there, against the same database. ``progress`` is told
    every 1,000 rows; cancelling rolls the whole batch back.
    """
    chosen = preview.chosen_rows(include_duplicates)
    skipped = len(preview.rows) - len(chosen)
    if not chosen:
        why = "这个文件的行都已导入过" if preview.already_imported and preview.rows else "没有可以导入的行"
        return {"batch_id": None, "imported": 0, "skipped": skipped, "message": f"“{preview.path.name}”：{why}，没有导入任何记录。"}
    safety_backup(db.conn, "import")
    try:
        with db.atomic(), collector_paused():
            batch_id = _write_batch(db, preview, chosen, progress)
    except InvalidRecord as error:  # the records changed between the preview and the commit
        raise UserError(f"没有导入“{preview.path.name}”：预览之后台账有了变化（{'；'.join(error.errors.values())}）。请重新导入这个文件，再看一次预览。") from None
    return {"batch_id": batch_id, "imported": len(chosen), "skipped": skipped, "message": _result_message(preview, chosen)}


def _write_batch(db: Database, preview: ImportPreview, chosen: list[PreviewRow], progress: Progress) -> int:
    """The batch, its records and their fingerprints (inside the caller's transaction); its id."""
    register, skipped = preview.register, len(preview.rows) - len(chosen)
    cursor = db.execute(
        "INSERT INTO import_batch (file_name, sha256, register, village, imported_at, rows_in_file, rows_imported, rows_skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [preview.path.name, preview.sha256, register.key, preview.village, audit.now(), len(preview.rows), len(chosen), skipped],
    )
    batch_id = cursor.lastrowid
    # written now, so no other import can commit until this one has: one committed since the
    # preview (another window, the command line) may hold these very rows
    since = db.execute(
        "SELECT file_name, imported_at FROM import_batch WHERE id > ? AND id != ? AND register = ? AND undone_at IS NULL ORDER BY id LIMIT 1",
        [preview.last_batch, batch_id, register.key],
    ).fetchone()
    if since is not None:
        raise UserError(
            f"没有导入“{preview.path.name}”：预览之后，{since[1][:16].replace('T', ' ')} 又从“{since[0]}”导入了{register.title}"
            "（可能在另一个窗口或命令行中）。请重新导入这个文件，再看一次预览，以免重复。"
        )
    ids = records.insert_clean(db, register, [row.clean for row in chosen], note=f"导入：{preview.path.name}", batch_id=batch_id,
                               progress=lambda done: step(progress, done, len(chosen), ""))  # fmt: skip
    db.conn.executemany(
        "INSERT INTO import_row (batch_id, register, fingerprint, record_id) VALUES (?, ?, ?, ?)",
        [(batch_id, register.key, row.fingerprint or fingerprint({k: v for k, v in row.clean.items() if v is not None}), record_id) for row, record_id in zip(chosen, ids)],
    )
    step(progress, len(chosen), len(chosen), "")  # the last chance to cancel: nothing is committed yet
    audit.audit(db, "import_batch", batch_id, "import", None, None, f"{preview.path.name}：导入{len(chosen)}条，跳过{skipped}条")
    return batch_id


def _result_message(preview: ImportPreview, chosen: list[PreviewRow]) -> str:
    skipped = len(preview.rows) - len(chosen)
    parts = []
    bad = sum(1 for row in preview.rows if not row.valid)
    if bad:
        parts.append(f"有问题 {bad} 条")
    taken = {id(row) for row in chosen}
    repeats = sum(1 for row in preview.rows if row.valid and row.duplicate_of and id(row) not in taken)
    if repeats:
        parts.append(f"已有或重复 {repeats} 条")
    hidden = sum(1 for row in preview.rows if row.valid and row.hidden and not preview.include_hidden and not row.duplicate_of)
    if hidden:
        parts.append(f"隐藏 {hidden} 条")
    message = f"已从“{preview.path.name}”导入{preview.register.title} {len(chosen)} 条" + (f"，跳过 {skipped} 条（{'，'.join(parts)}）" if skipped else "")
    if preview.sheet_problems:
        message += f"；{len(preview.sheet_problems)} 行{'、'.join(sorted({p.sheet for p in preview.sheet_problems}))}找不到所属的记录，没有导入"
    return message + "。"


def batches(db: Database) -> list[dict]:
    """Import batches, newest first."""
    return list(db.query("SELECT * FROM import_batch ORDER BY id DESC"))


def undo_batch(db: Database, batch_id: int) -> int:
    """Delete every record of an import batch (all or none); returns how many were deleted."""
    row = db.execute("SELECT register, file_name, undone_at FROM import_batch WHERE id = ?", [batch_id]).fetchone()
    if row is None:
        raise UserError(f"找不到编号为 {batch_id} 的导入批次。")
    if row[2]:
        raise UserError(f"“{row[1]}”的这次导入已于 {row[2].replace('T', ' ')} 撤销过。")
    register = next(r for r in REGISTERS if r.key == row[0])
    safety_backup(db.conn, "delete")
    with db.atomic():
        ids = [r[0] for r in db.execute(f"SELECT id FROM {register.key} WHERE batch_id = ?", [batch_id])]
        records.delete(db, register, ids)
        db.execute("UPDATE import_batch SET undone_at = ? WHERE id = ?", [audit.now(), batch_id])
        audit.audit(db, "import_batch", batch_id, "undo", None, None, f"撤销导入“{row[1]}”：删除{len(ids)}条")
    return len(ids)

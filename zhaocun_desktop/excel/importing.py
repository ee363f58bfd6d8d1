"""Importing a village's workbook: find the headers, check every row, preview, then commit.

``preview_import`` reads and checks without writing anything; ``commit_import`` writes the
valid rows of a preview in one transaction as one batch (refusing a file already imported);
``undo_batch`` removes a batch again. Every problem names its row and column.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import records
from zhaocun_desktop.backup import safety_backup
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.reading import HEADER_ROWS, Sheet, _column, read_workbook
from zhaocun_desktop.registers import BY_KEY, REGISTERS, Field, Kind, Register
from zhaocun_desktop.validation import check_record, check_with_children

if TYPE_CHECKING:
    from sqlite_utils import Database

_DECOR = re.compile(r"[*＊※]|（必填）|\(必填\)|必填|（选填）|\(选填\)|选填|\s")


def header_key(text: object) -> str:
    """A header as compared: NFKC (full-width → half-width), no spaces, no 必填 marks."""
    return _DECOR.sub("", unicodedata.normalize("NFKC", str(text or ""))).replace("\u200b", "")


def _names(field: Field) -> set[str]:
    return {header_key(name) for name in (field.label, *field.synonyms)}


@dataclass
class HeaderMatch:
    """Where a register's columns are in a sheet."""

    register: Register
    sheet: Sheet
    row_index: int  # index into sheet.rows of the header row
    columns: dict[int, Field]  # sheet column index → field
    extra: list[str]  # headers that match no field (reported, ignored)

    @property
    def missing_required(self) -> list[Field]:
        present = set(self.columns.values())
        return [f for f in self.register.fields if f.required and f not in present]


def match_headers(register: Register, sheet: Sheet) -> HeaderMatch | None:
    """The best header row for ``register`` among the sheet's first rows (None when no header matches)."""
    best = None
    for index, row in enumerate(sheet.head):
        columns: dict[int, Field] = {}
        for column, value in enumerate(row):
            key = header_key(value)
            if not key:
                continue
            for candidate in register.import_fields:
                if candidate not in columns.values() and key in _names(candidate):
                    columns[column] = candidate
                    break
        if columns and (best is None or len(columns) > len(best.columns)):
            extra = [str(value).strip() for column, value in enumerate(row) if header_key(value) and column not in columns]
            best = HeaderMatch(register, sheet, index, columns, extra)
    return best


@dataclass
class Problem:
    row: int  # Excel row number
    column: str  # Excel column letter ("" for the whole row)
    label: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"，{self.column}列“{self.label}”" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(slots=True)
class PreviewRow:
    excel_row: int
    raw: dict  # field key → value as read
    clean: dict  # field key → checked value (only when valid)
    problems: list[Problem] = field(default_factory=list)
    duplicate_of: str = ""  # why the row looks like a record already stored (or earlier in the file)

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class ImportPreview:
    """Everything the clerk must see before confirming an import. Nothing has been written."""

    path: Path
    sha256: str
    match: HeaderMatch
    rows: list[PreviewRow]
    already_imported: str = ""  # a message when this very file was imported before
    notes: list[str] = field(default_factory=list)

    @property
    def register(self) -> Register:
        return self.match.register

    @property
    def valid_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.valid]

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def village(self) -> str | None:
        key = self.register.village_field
        names = {row.clean.get(key) or row.raw.get(key) for row in self.rows} if key else set()
        names.discard(None)
        return names.pop() if len(names) == 1 else None

    def summary(self) -> str:
        valid = len(self.valid_rows)
        duplicates = sum(1 for row in self.valid_rows if row.duplicate_of)
        text = f"“{self.path.name}”（{self.register.title}，工作表“{self.match.sheet.name}”）：共 {len(self.rows)} 行，有效 {valid} 行"
        if len(self.rows) - valid:
            text += f"，有问题 {len(self.rows) - valid} 行（不会导入）"
        if duplicates:
            text += f"，其中疑似重复 {duplicates} 行"
        return text + "。"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _choose(path: Path, sheets: list[Sheet], register: Register | None) -> HeaderMatch:
    candidates = [register] if register else [r for r in REGISTERS]
    matches = [m for r in candidates for s in sheets if (m := match_headers(r, s))]
    if not matches:
        expected = "、".join(f.label for f in (register or REGISTERS[0]).fields if f.required)
        raise UserError(
            f"无法导入“{path.name}”：在前{HEADER_ROWS}行中没有找到{register.title if register else '任何台账'}的表头。"
            f"请确认表格第一行附近有列标题（如：{expected}），最好使用程序生成的填报模板。"
        )
    # most columns recognised, a missing required column counting against a register twice
    matches.sort(key=lambda m: (len(m.columns) - 2 * len(m.missing_required), not m.missing_required), reverse=True)
    best = matches[0]
    if register is None and len(matches) > 1:
        runner = matches[1]
        if runner.register is not best.register and not best.missing_required and not runner.missing_required and len(runner.columns) == len(best.columns):
            raise UserError(f"无法判断“{path.name}”是哪一本台账（{best.register.title}还是{runner.register.title}），请在导入时指定台账。")
    if best.missing_required:
        missing = "、".join(f.label for f in best.missing_required)
        raise UserError(
            f"无法导入“{path.name}”：工作表“{best.sheet.name}”缺少{best.register.title}的必填列：{missing}。请补上这些列（列标题照模板填写）后重新导入。"
        )
    return best


def _merged_in_data(match: HeaderMatch) -> list[str]:
    first_data_row = match.row_index + 2  # Excel numbering: the row after the header
    found = []
    for ref in match.sheet.merged:
        rows = [int(n) for n in re.findall(r"\d+", ref)]
        if max(rows) >= first_data_row:
            found.append(ref)
    return found


def preview_import(db: Database, path: str | Path, register: Register | None = None) -> ImportPreview:
    """Read and check a workbook; writes nothing. UserError when the file cannot be used at all."""
    path = Path(path)
    sheets = read_workbook(path)
    match = _choose(path, sheets, register)
    register = match.register
    merged = _merged_in_data(match)
    if merged:
        shown = "、".join(merged[:5]) + ("等" if len(merged) > 5 else "")
        raise UserError(f"无法导入“{path.name}”：数据区有合并单元格（{shown}），合并后只有左上角的格子有值，其余会丢失。请取消合并并把内容填到每一行后重新导入。")
    if match.sheet.formulas_without_values:
        cells = "、".join(match.sheet.formulas_without_values[:5])
        raise UserError(f"无法导入“{path.name}”：{cells} 等单元格是公式，但文件里没有保存计算结果。请用 Excel 或 WPS 打开该文件，保存一次后重新导入。")

    villages = set(records.village_names(db))
    child_sheets = {child.key: _read_child_sheet(child, register, sheets, match.sheet) for child in register.children}
    used_keys: set[str] = set()
    choices = records.field_choices(db, register)
    existing = _fingerprints(db, register)
    seen: dict[tuple, int] = {}
    shared: dict[str, str] = {}
    preview_rows = []
    lost = []  # ID numbers that Excel turned into numbers
    id_columns = [c for c, f in match.columns.items() if f.kind is Kind.ID_NUMBER]
    for excel_row, values in enumerate(match.sheet.iter_rows(), start=1):
        if excel_row <= match.row_index + 1:
            continue
        raw = {f.key: values[c] if c < len(values) else None for c, f in match.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for k, v in raw.items() if k != register.village_field):
            continue  # an empty row (a template's village column comes filled in on every row)
        lost += [f"{_column(c)}{excel_row}" for c in id_columns if c < len(values) and isinstance(values[c], (int, float)) and not isinstance(values[c], bool)]
        if lost:
            continue  # the file will be refused: no need to check further rows
        row = PreviewRow(excel_row, raw, {})
        columns = {f.key: c for c, f in match.columns.items()}
        for child in register.children:  # rows of a child sheet keyed by this row's number (or 第N行)
            found = child_sheets[child.key]
            if found is None:
                continue
            key = str(raw.get(child.parent_key_field) or "").strip() or f"第{excel_row}行"
            if key in found[1]:
                raw[child.key] = found[1][key]
                used_keys.add(key)
        for f_key, column in columns.items():
            value, column_field = raw.get(f_key), match.columns[column]
            if isinstance(value, str) and "*" in value and column_field.sensitive:
                row.problems.append(Problem(excel_row, _column(column), column_field.label,
                                            "号码已被遮盖（含*），无法导入完整号码；请填写完整号码或清空此格"))  # fmt: skip
        clean, errors = check_with_children(register, raw, choices)
        labels = dict(register.labels, **{child.key: child.title for child in register.children})
        for child in register.children:  # the one-line form: a bad ID or phone is named by its column
            flat = {key: raw[key] for key in child.flat_fields if child.key not in raw and raw.get(key) not in (None, "")}
            flat_errors = check_record(child, flat)[1] if flat else {}
            for key, message in flat_errors.items():
                if key in flat:
                    row.problems.append(Problem(excel_row, _column(columns[key]), child.field(key).label, message))
                    errors.pop(child.key, None)
        for key, message in errors.items():
            column = columns.get(key)
            row.problems.append(Problem(excel_row, _column(column) if column is not None else "", labels[key], message))
        for f in register.fields:
            value = clean.get(f.key)
            if f.kind is Kind.VILLAGE and f.required and value and villages and value not in villages:
                row.problems.append(Problem(excel_row, _column(columns[f.key]), f.label, f"“{value}”不是本镇的村(居)，请核对名称（可在“村(居)”页查看本镇村居）"))
        if not row.problems:
            # the same text in many rows (villages, types, dates) is kept once
            row.clean = {key: shared.setdefault(value, value) if isinstance(value, str) else value for key, value in clean.items()}
            row.raw = {}  # raw values are kept only where the clerk must see what was wrong
            fingerprint = _fingerprint(register, clean)
            if fingerprint in existing:
                row.duplicate_of = "与已有记录相同（必填项完全一致）"
            elif fingerprint in seen:
                row.duplicate_of = f"与本文件第{seen[fingerprint]}行相同"
            seen.setdefault(fingerprint, excel_row)
        preview_rows.append(row)

    if lost:
        shown = "、".join(lost[:5]) + ("等" if len(lost) > 5 else "")
        raise UserError(
            f"无法导入“{path.name}”：身份证号被 Excel 存成了数字（{shown}），18位号码的末几位已经丢失，无法恢复。"
            "请把该列设为“文本”格式，重新录入完整号码后再导入（程序生成的模板已设好文本格式）。"
        )
    sha = file_sha256(path)
    preview = ImportPreview(path, sha, match, preview_rows)
    earlier = db.execute(
        "SELECT file_name, imported_at FROM import_batch WHERE sha256 = ? AND register = ? AND undone_at IS NULL ORDER BY id LIMIT 1",
        [sha, register.key],
    ).fetchone()
    if earlier:
        preview.already_imported = f"这个文件已于 {earlier[1].replace('T', ' ')} 导入过（当时文件名“{earlier[0]}”），再次导入不会增加任何记录。"
    for f in register.fields:  # names not in their roster: imported, but the clerk sees them
        names = set(records.roster_names(db, f))
        strangers: dict[str, list[int]] = {}
        for row in preview_rows:
            name = row.clean.get(f.key) if row.valid else None
            if names and name and name not in names:
                strangers.setdefault(name, []).append(row.excel_row)
        for name, rows in strangers.items():
            where = "、".join(f"第{n}行" for n in rows[:5]) + ("等" if len(rows) > 5 else "")
            title = BY_KEY[f.roster].title
            preview.notes.append(f"{f.label}“{name}”不在{title}中（{where}），仍会导入；如是新人员请在“{title}”页补充。")
    for child in register.children:
        found = child_sheets[child.key]
        if found is None:
            continue
        sheet_name, by_key, rows_at = found
        preview.notes.append(f"工作表“{sheet_name}”：{sum(len(v) for v in by_key.values())}行{child.title}，按“{register.field(child.parent_key_field).label}”归入各条记录。")
        for key in by_key.keys() - used_keys:
            preview.notes.append(f"工作表“{sheet_name}”第{rows_at[key]}行：“{key}”在“{match.sheet.name}”中找不到，这些{child.title}不会导入，请核对{register.field(child.parent_key_field).label}。")
    if match.extra:
        preview.notes.append(f"以下列不属于{register.title}，已忽略：{'、'.join(match.extra)}")
    optional_missing = [f.label for f in register.fields if not f.required and f not in match.columns.values()]
    if optional_missing:
        preview.notes.append(f"文件中没有这些列（将留空）：{'、'.join(optional_missing)}")
    if not preview_rows:
        preview.notes.append("表头下面没有数据行。")
    return preview


def _read_child_sheet(child: Register, parent: Register, sheets: list[Sheet], parent_sheet: Sheet) -> tuple[str, dict[str, list[dict]], dict[str, int]] | None:
    """The child rows of a child sheet (such as 当事人) by the parent's key (such as 案件编号):
    (sheet name, rows by key, the first Excel row of each key). None when the file has no such sheet."""
    import dataclasses

    key_field = parent.field(child.parent_key_field)
    keyed = dataclasses.replace(child, fields=(key_field, *child.fields), children=())
    found = [m for sheet in sheets if sheet is not parent_sheet and (m := match_headers(keyed, sheet)) and key_field in m.columns.values()]
    found = [m for m in found if all(f in m.columns.values() for f in child.fields if f.required)]
    if not found:
        return None
    match = max(found, key=lambda m: len(m.columns))
    by_key: dict[str, list[dict]] = {}
    first_row: dict[str, int] = {}
    for excel_row, values in enumerate(match.sheet.iter_rows(), start=1):
        if excel_row <= match.row_index + 1:
            continue
        raw = {f.key: values[c] if c < len(values) else None for c, f in match.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        key = str(raw.pop(key_field.key) or "").strip()
        by_key.setdefault(key, []).append(raw)
        first_row.setdefault(key, excel_row)
    return match.sheet.name, by_key, first_row


def _fingerprint(register: Register, record: dict) -> tuple:
    return tuple(record.get(f.key) for f in register.fields if f.required)


def _fingerprints(db: Database, register: Register) -> set[tuple]:
    keys = [f.key for f in register.fields if f.required]
    rows = db.execute(f"SELECT {', '.join(keys)} FROM {register.key}").fetchall()
    bools = [i for i, f in enumerate(f for f in register.fields if f.required) if f.kind is Kind.BOOL]
    return {tuple(bool(v) if i in bools and v is not None else v for i, v in enumerate(row)) for row in rows}


def commit_import(db: Database, preview: ImportPreview, include_duplicates: bool = False) -> dict:
    """Write the preview's valid rows as one batch, in one transaction; returns counts.

    The same file (same SHA-256) imported again adds nothing. Rows that look like records
    already stored are skipped unless ``include_duplicates``.
    """
    if preview.already_imported:
        return {"batch_id": None, "imported": 0, "skipped": len(preview.rows), "message": preview.already_imported}
    register = preview.register
    chosen = [row for row in preview.valid_rows if include_duplicates or not row.duplicate_of]
    skipped = len(preview.rows) - len(chosen)
    if chosen:
        safety_backup(db.conn, "import")
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO import_batch (file_name, sha256, register, village, imported_at, rows_in_file, rows_imported, rows_skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [preview.path.name, preview.sha256, register.key, preview.village, records.now(), len(preview.rows), len(chosen), skipped],
        )
        batch_id = cursor.lastrowid
        records.insert_clean(db, register, [row.clean for row in chosen], note=f"导入：{preview.path.name}", batch_id=batch_id)
        records.audit(db, "import_batch", batch_id, "import", None, None, f"{preview.path.name}：导入{len(chosen)}条，跳过{skipped}条")
    message = f"已从“{preview.path.name}”导入{register.title} {len(chosen)} 条" + (f"，跳过 {skipped} 条（有问题或疑似重复）" if skipped else "") + "。"
    return {"batch_id": batch_id, "imported": len(chosen), "skipped": skipped, "message": message}


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
        db.execute("UPDATE import_batch SET undone_at = ? WHERE id = ?", [records.now(), batch_id])
        records.audit(db, "import_batch", batch_id, "undo", None, None, f"撤销导入“{row[1]}”：删除{len(ids)}条")
    return len(ids)

"""Step 6 of an import: rows that repeat a stored record or an earlier row, rows that are a stored
record's news, and values that must be unique.

- A row is 疑似重复 when every field it fills equals a stored record (or an earlier row of the file):
  two different village advisors' log lines on the same day stay two records.
- A row that was imported before (its fingerprint in ``import_row``) is never imported again.
- A row that equals a stored record in the fields naming the matter (``Register.identity``, those the
  file has) and differs in another field it fills is that record's news (信访 人次 1 → 5, 在办 → 已办结):
  疑似重复, with the fields that changed, so the clerk corrects the record instead of filing a second one.
  Only when one of ``Register.same_matter`` is filled in (信访人 or 事由): 受理日期 and 层级 alone tell
  no petition from another.
- Within one file, of two rows of one matter where one is clearly further along (``Field.outcome``: it
  fills every outcome field the other fills, and more), the further one is imported and the other is
  疑似重复, in either order.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from zhaocun_desktop import jsonshape, queries
from zhaocun_desktop.excel.preview import PreviewRow, Problem
from zhaocun_desktop.excel.survey import column_name
from zhaocun_desktop.registers import Kind, Register

if TYPE_CHECKING:
    from sqlite_utils import Database

_AGAIN = "确是另一件时可选择同时导入疑似重复的行"


_JSON = jsonshape.encoder(sort_keys=True, default=str)  # json.dumps(sort_keys=True, ensure_ascii=False, default=str), made once


def fingerprint(filled: dict) -> str:
    """The identity of a row's checked values (the filled ones), as stored in ``import_row``."""
    return hashlib.sha256(_JSON(filled).encode("utf-8")).hexdigest()[:32]


class Repeats:
    """What the rows of one file repeat, against the stored records and the rows before them.

    ``columns``: the field keys the file has (a field the file lacks names no matter)."""

    def __init__(self, db: Database, register: Register, include_hidden: bool, columns: set[str]):
        self.register = register
        self.include_hidden = include_hidden
        self.fields = set(register.keys)
        self.required = [f.key for f in register.fields if f.required]
        self.unique = [f for f in register.fields if f.unique]
        self.identity = [key for key in register.identity if key in columns]
        self.outcome = {f.key for f in register.fields if f.outcome} if register.same_matter else set()
        self.lasting = [key for key in self.required if key not in self.outcome]  # required, and never changed by the outcome
        self.stored: dict[tuple, list[tuple[int, dict]]] = {}
        self.by_identity: dict[tuple, list[tuple[int, dict]]] = {}
        self.stored_unique: dict[str, dict] = {f.key: {} for f in self.unique}
        self._load_stored(db)
        # rows imported before whose records are still there (edited or not)
        self.imported: dict[str, tuple[str, str, int]] = {}
        for print_, file_name, imported_at, record_id in db.execute(
            f"SELECT f.fingerprint, b.file_name, b.imported_at, f.record_id FROM import_row f JOIN import_batch b ON b.id = f.batch_id "
            f"JOIN {register.key} r ON r.id = f.record_id WHERE f.register = ? AND b.undone_at IS NULL",
            [register.key],
        ):
            self.imported[print_] = (file_name, imported_at, record_id)
        self.seen: dict[tuple, PreviewRow | list[PreviewRow]] = {}  # earlier rows by their required fields (a list when several)
        self.seen_unique: dict[str, dict] = {f.key: {} for f in self.unique}
        self.shared: dict[str, str] = {}
        self.file_matters: dict[tuple, list[PreviewRow]] = {}  # this file's new rows, by the fields no outcome changes

    def _load_stored(self, db: Database) -> None:
        register, keys = self.register, self.register.keys
        bools = {f.key for f in register.fields if f.kind is Kind.BOOL}
        for row in db.execute(f"SELECT id, {', '.join(queries.column_sql(register, key) for key in keys)} FROM {register.key}"):  # village names, not ids
            record = {key: (bool(value) if key in bools and value is not None else value) for key, value in zip(keys, row[1:])}
            self.stored.setdefault(self._key(record), []).append((row[0], record))
            if self.identity:
                self.by_identity.setdefault(tuple(map(record.get, self.identity)), []).append((row[0], record))
            for f in self.unique:
                if record.get(f.key) is not None:
                    self.stored_unique[f.key][record[f.key]] = row[0]

    def _key(self, record: dict) -> tuple:
        return tuple(map(record.get, self.required))

    def _news_of_stored(self, filled: dict) -> str:
        """Why a row is a stored record's news (the same matter, other fields changed), or ""."""
        if not self.by_identity or (self.register.same_matter and filled.keys().isdisjoint(self.register.same_matter)):
            return ""
        for record_id, record in self.by_identity.get(tuple(map(filled.get, self.identity)), ()):
            changed = [f.label for f in self.register.fields if f.key in filled and f.key not in self.identity and record.get(f.key) != filled[f.key]]
            if changed:
                return f"像是已有记录（{self.register.title}第{record_id}号）的新情况：只有{'、'.join(changed)}不同。请在台账中修改第{record_id}号；{_AGAIN}"
        return ""

    def _same_matter_in_file(self, filled: dict) -> tuple[PreviewRow, str, bool] | None:
        """A new row before in this file holding the same matter as ``filled``: every other field the same (a
        ``same_matter`` field among them), and one of the two further along: it fills every field of how the matter
        went on that the other fills, and more (已办结 with its 办结日期 after 在办). Returns that row, the labels of
        the fields that differ, and True when ``filled`` is the further along; None when there is none (when neither
        is clearly further along, both stay: the clerk decides)."""
        if not self.outcome or filled.keys().isdisjoint(self.register.same_matter):
            return None
        earlier_rows = self.file_matters.get(tuple(map(filled.get, self.lasting)), ())
        if not earlier_rows:
            return None
        lasting = {key: value for key, value in filled.items() if key not in self.outcome}
        outcome = {key for key in filled if key in self.outcome}
        for earlier in earlier_rows:
            before = {key: value for key, value in earlier.clean.items() if value is not None and key in self.fields}
            if earlier.duplicate_of or {key: value for key, value in before.items() if key not in self.outcome} != lasting:
                continue
            before_outcome = {key for key in before if key in self.outcome}
            if outcome > before_outcome or outcome < before_outcome:  # one fills the other's outcome fields, and more
                return earlier, self._changed(before, filled), outcome > before_outcome
        return None

    def _changed(self, before: dict, after: dict) -> str:
        """The labels of the outcome fields two rows of one matter fill differently."""
        return "、".join(f.label for f in self.register.fields if f.key in self.outcome and before.get(f.key) != after.get(f.key))

    def _repeat_of(self, row: PreviewRow, filled: dict, key: tuple) -> None:
        """Mark ``row`` when it was imported before, equals a stored record or an earlier row, or is news."""
        stored, before = self.stored.get(key, ()), self.seen.get(key, ())
        same = next((record_id for record_id, record in stored if all(record.get(k) == v for k, v in filled.items())), None) if stored else None
        earlier = next((row.excel_row for row in ((before,) if isinstance(before, PreviewRow) else before) if all(row.clean.get(k) == v for k, v in filled.items())), None) if before else None
        if row.fingerprint in self.imported:  # never twice, even when the clerk takes the repeats
            file_name, imported_at, record_id = self.imported[row.fingerprint]
            row.duplicate_of = f"已于 {imported_at[:10]} 从“{file_name}”导入（{self.register.title}第{record_id}号）"
            row.repeatable = False
        elif same is not None:
            row.duplicate_of = f"与已有记录（{self.register.title}第{same}号）相同"
        elif earlier is not None:
            row.duplicate_of = f"与本文件第{earlier}行相同"
        else:
            row.duplicate_of = self._news_of_stored(filled)

    def check(self, row: PreviewRow, clean: dict, columns: dict[str, int]) -> None:
        """Mark ``row`` (valid so far) as a duplicate, or add its unique-value problems, or note it as new.
        ``columns``: the sheet column of each field (to name a problem's cell)."""
        if row.hidden and not self.include_hidden:
            row.clean = clean
            return  # not imported: it neither repeats nor is repeated
        given = {k: v for k, v in clean.items() if v is not None}
        row.fingerprint = fingerprint(given)
        filled = given if given.keys() <= self.fields else {k: v for k, v in given.items() if k in self.fields}
        key = self._key(clean)
        self._repeat_of(row, filled, key)
        unique_filled = [f for f in self.unique if f.key in filled]
        news_of = self._older_in_file(row, filled)
        if row.duplicate_of:
            _not_twice(row, unique_filled)
        else:
            row.problems += self._unique_problems(row, filled, unique_filled, columns, news_of[0] if news_of else None)
            if row.problems:
                return
            if news_of:  # the later row is the news: it is imported, the earlier one is 疑似重复 (its 案件编号 is this row's now)
                earlier, changed, _ = news_of
                earlier.duplicate_of = f"本文件第{row.excel_row}行像是同一件事的新情况：只有{changed}不同，将导入那一行；{_AGAIN}"
                _not_twice(earlier, unique_filled)
            for f in unique_filled:
                self.seen_unique[f.key][filled[f.key]] = row.excel_row
        row.clean = self._kept(clean)
        row.raw = {}  # raw values are kept only where the clerk must see what was wrong
        before = self.seen.get(key)
        self.seen[key] = row if before is None else ([before, row] if isinstance(before, PreviewRow) else [*before, row])
        if self.outcome and not row.duplicate_of:
            self.file_matters.setdefault(tuple(map(filled.get, self.lasting)), []).append(row)

    def _kept(self, clean: dict) -> dict:
        """``clean`` as the preview keeps it for 100,000 rows: the same text in many rows (summaries a village copies)
        once, and child rows without their empty fields (their fingerprint, taken before, has them). Changed in place
        (its values only: the checks made ``clean`` for this row alone), not copied."""
        shared = self.shared.setdefault
        for key, value in clean.items():
            if type(value) is str:
                clean[key] = shared(value, value)
            elif type(value) is list:
                clean[key] = [{k: v for k, v in child.items() if v is not None} for child in value]
        return clean

    def _older_in_file(self, row: PreviewRow, filled: dict) -> tuple[PreviewRow, str, bool] | None:
        """The earlier row of this file that ``row`` is the news of (it is imported instead of that one); or
        None, ``row`` marked when an earlier row is its own news (a sheet listing the newest line first)."""
        match = self._same_matter_in_file(filled) if not row.duplicate_of else None
        if match and not match[2]:
            row.duplicate_of = f"像是本文件第{match[0].excel_row}行那件事较早的情况：只有{match[1]}不同，导入那一行；{_AGAIN}"
            return None
        return match

    def _unique_problems(self, row: PreviewRow, filled: dict, unique_filled: list, columns: dict[str, int], replaced: PreviewRow | None) -> list[Problem]:
        """A unique value (案件编号) a stored record or an earlier row holds (``replaced``: an earlier row this
        one is the news of, which gives its value up)."""
        problems = []
        for f in unique_filled:
            value = filled[f.key]
            if value in self.stored_unique[f.key]:
                message = f"{f.label}“{value}”已被已有记录（第{self.stored_unique[f.key][value]}号）使用，不能重复；请核对{f.label}"
            elif value in self.seen_unique[f.key] and not (replaced and self.seen_unique[f.key][value] == replaced.excel_row):
                message = f"{f.label}“{value}”与本文件第{self.seen_unique[f.key][value]}行重复，不能重复；请核对{f.label}"
            else:
                continue
            problems.append(Problem(row.excel_row, column_name(columns[f.key]), f.label, message))
        return problems


def _not_twice(row: PreviewRow, unique_filled: list) -> None:
    """A repeat carrying a unique value (案件编号) cannot be imported as a second record."""
    if unique_filled:
        row.repeatable = False
        row.duplicate_of += f"（{unique_filled[0].label}相同，不能再导入一次）"

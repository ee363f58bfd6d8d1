"""Validation of one record against its register's description."""

from __future__ import annotations

import math
from functools import partial

from zhaocun_desktop import values
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.registers import LAST_DATE, Field, Kind, Register


def parse_field(register: Register, field: Field, raw: object, choices: dict[str, tuple[str, ...]] | None = None, date1904: bool = False) -> object:
    """The clean value of one field (None when empty); raises ValueError with a Chinese message.

    ``choices`` gives fields with local choices (``Field.choices_setting``) their full list; ``date1904``: a
    day number (typed as a number or as text) counts from 1904, as in the workbook it came from."""
    kind = field.kind
    if kind is Kind.DATE:
        epoch = values.EXCEL_EPOCH_1904 if date1904 else values.EXCEL_EPOCH
        return values.format_date(values.parse_date(raw, field.earliest, LAST_DATE, epoch)) or None
    if kind is Kind.INT:
        return values.parse_int(raw, minimum=field.minimum, maximum=field.upper_bound)
    if kind is Kind.MONEY:
        return values.parse_money(raw, maximum=field.upper_bound)
    if kind is Kind.BOOL:
        return values.parse_bool(raw)
    if kind is Kind.CHOICE:
        return values.match_choice(raw, (choices or {}).get(field.key, field.choices), register.choice_synonyms.get(field.key))
    if kind is Kind.ID_NUMBER:
        return values.parse_id_number(raw)
    if kind is Kind.PHONE:
        return values.parse_phone(raw)
    return parse_text(raw, field.length_limit, kind is not Kind.MEMO)


def parse_text(raw: object, limit: int, one_line: bool = True) -> str | None:
    """The clean text of a text field (at most ``limit`` characters; spaces and line breaks made single spaces
    when ``one_line``); None when empty. Raises ValueError."""
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError("数字过大或无效（超出 Excel 能表示的范围），请核对后重填")
    text = values.clean_text(raw) if type(raw) is str else values.cell_text(raw)  # a number typed into a text column: 12.0 means "12"
    if one_line:
        text = " ".join(text.split())
    if len(text) > limit:
        raise ValueError(f"内容有 {len(text):,} 个字，超过本栏上限 {limit:,} 字，请精简或分成几条")
    return text or None


_UNIQUE_KINDS = (Kind.MEMO, Kind.ID_NUMBER, Kind.PHONE)  # values that rarely repeat: not remembered
_MEMO_LIMIT = 5_000  # values remembered per field (the few that repeat come early; unique ones would only fill it)


class Checking:
    """The checks of one register for many records (an import): each value a field has parsed once is
    remembered, with its clean value or its problem (villages, choices, dates and names repeat; 100,000
    rows hold a few thousand distinct values), and the child registers' checks are made once.

    ``check_record`` and ``check_with_children`` below are the same checks for one record."""

    def __init__(self, register: Register, choices: dict[str, tuple[str, ...]] | None = None, date1904: bool = False):
        self.register, self.choices, self.date1904 = register, choices, date1904
        self.memo: dict[str, dict] = {field.key: {} for field in register.fields if field.kind not in _UNIQUE_KINDS}
        self.required = [field for field in register.fields if field.required]
        self.keys = register.keys
        self.hits: dict[str, int] = {}  # memo lookups that found a value, by field: a field whose values do not repeat stops looking
        self.children = {child.key: Checking(child, None, date1904) for child in register.children}
        self.child_registers = {child.key: child for child in register.children}
        # each field's parser chosen once: text fields (the values that rarely repeat) skip parse_field's dispatch
        self.parsers = {field.key: self._parser(field) for field in register.fields}
        self.present: dict[tuple, list] = {}  # by the keys a raw record holds: its fields in order (``record``)

    def _parser(self, field: Field):
        if field.kind in (Kind.TEXT, Kind.MEMO):
            limit, one_line = field.length_limit, field.kind is Kind.TEXT
            return partial(parse_text, limit=limit, one_line=one_line)  # no Python frame of its own
        return lambda value: parse_field(self.register, field, value, self.choices, self.date1904)

    def parse(self, field: Field, value: object) -> object:
        """``parse_field`` for this register; raises ValueError."""
        memo = self.memo.get(field.key)
        if memo is None:
            return self.parsers[field.key](value)
        key = (type(value), value)  # 1, 1.0 and True are equal keys otherwise
        found = memo.get(key)
        if found is None:
            try:
                found = (self.parsers[field.key](value), None)
            except ValueError as error:
                found = (None, str(error))
            if len(memo) < _MEMO_LIMIT:
                memo[key] = found
                if len(memo) == _MEMO_LIMIT and self.hits.get(field.key, 0) < _MEMO_LIMIT:  # values seen once (names, numbers): no more lookups
                    del self.memo[field.key]
        if found[1] is not None:
            raise ValueError(found[1])
        return found[0]

    def record(self, raw: dict) -> tuple[dict, dict[str, str]]:
        """Clean values for every field of ``raw`` and the problems found, by field key."""
        clean: dict = {}
        errors: dict[str, str] = {}
        memos, hits, parsers = self.memo, self.hits, self.parsers
        names = tuple(raw)
        present = self.present.get(names)
        if present is None:  # the fields ``raw`` holds, in the register's order (an import's rows all hold the same)
            present = [(field.key, field) for field in self.register.fields if field.key in raw]
            if len(self.present) < 64:
                self.present[names] = present
        for key, field in present:
            value = raw[key]
            if value is None or value == "":  # every parser maps "empty" to None
                clean[key] = None
                continue
            memo = memos.get(key)
            if memo is None:  # a field whose values do not repeat: its parser straight away
                try:
                    clean[key] = parsers[key](value)
                except ValueError as error:
                    errors[key] = str(error)
                continue
            found = memo.get((type(value), value))
            if found is None:  # (``parse``, written out: a method call per cell was a tenth of an import's checking)
                try:
                    clean[key] = self.parse(field, value)
                except ValueError as error:
                    errors[key] = str(error)
                continue
            hits[key] = hits.get(key, 0) + 1
            if found[1] is None:
                clean[key] = found[0]
            else:
                errors[key] = found[1]
        for field in self.required:
            if field.key not in errors and clean.get(field.key) is None:
                errors[field.key] = "必填，请填写" if field.kind is not Kind.CHOICE else "必填，请选择"
        if not errors:
            for check in self.register.checks:
                errors.update(check(clean))
        return clean, errors

    def children_of(self, raw: dict) -> tuple[dict[str, list[dict]], dict[str, str]]:
        """Clean child rows by child key (an ``id`` in a row is kept) and the problems, keyed by child key."""
        clean: dict[str, list[dict]] = {}
        errors: dict[str, str] = {}
        for key, given in child_rows_given(self.register, raw).items():  # in the order of the register's children
            child, checking = self.child_registers[key], self.children[key]
            keys, rows, problems = checking.keys, [], []
            for number, row in enumerate(given, start=1):
                if all(value in (None, "") for key, value in row.items() if key != "id"):
                    continue  # a row the clerk added and left empty
                row_clean, row_errors = checking.record(dict(zip(keys, map(row.get, keys))))
                if row.get("id") is not None:
                    row_clean["id"] = row["id"]
                rows.append(row_clean)
                if row_errors:
                    counter = "位" if child.name_field else "条"  # 第2位当事人, 第2条调解
                    problems += [f"第{number}{counter}{child.title}的“{child.field(key).label}”{message}" for key, message in row_errors.items()]
            if len(rows) < child.min_rows and not problems:
                problems.append(f"请至少填写{child.min_rows}位{child.title}")
            if problems:
                errors[child.key] = "；".join(problems)
            clean[child.key] = rows
        return clean, errors

    def with_children(self, raw: dict, derive_summary: bool = True) -> tuple[dict, dict[str, str]]:
        """Like ``record``, with each child register's clean rows under its key in the result.

        Child rows given explicitly also write the parent's summary field (their names), so lists, search
        and statistics that read the summary stay true; ``derive_summary=False`` keeps the summary as given
        unless it is empty (an import decides it before: ``excel/children.py``)."""
        children, child_errors = self.children_of(raw)
        given = raw
        for key in children:  # (only the children a record holds: an import's row holds none under its key)
            child = self.child_registers[key]
            if key in given and child.parent_summary:
                names = [row.get(child.name_field) for row in children[key] if row.get(child.name_field)]
                text = raw.get(child.parent_summary)
                if derive_summary and values.split_names(text) != names or not derive_summary and values.cell_text(text) == "":
                    raw = dict(raw) if raw is given else raw  # the caller's record stays as it was
                    raw[child.parent_summary] = "、".join(names)  # else keep the clerk's wording
        clean, errors = self.record(raw)
        for key in child_errors:
            errors.pop(self.child_registers[key].parent_summary, None)  # said better by the child's own message
        errors.update(child_errors)
        clean.update(children)
        return clean, errors


def check_record(register: Register, raw: dict, choices: dict[str, tuple[str, ...]] | None = None) -> tuple[dict, dict[str, str]]:
    """Clean values for every field of ``raw`` and the problems found, by field key."""
    return Checking(register, choices).record(raw)


def validate(register: Register, raw: dict) -> dict:
    """Clean values for a complete record; raises InvalidRecord listing every problem."""
    clean, errors = check_record(register, raw)
    if errors:
        raise InvalidRecord(errors, register.labels)
    return clean


def child_rows_given(register: Register, raw: dict) -> dict[str, list[dict]]:
    """The raw child rows for each child register: given under the child's key, or else split
    from the one-line form (the summary text and the first child's flat columns), as old
    sheets and old databases hold them."""
    found: dict[str, list[dict]] = {}
    for child in register.children:
        if child.key in raw:
            found[child.key] = [dict(row) for row in raw[child.key] or ()]
            continue
        if child.parent_summary not in raw and raw.keys().isdisjoint(child.flat_fields):
            continue  # nothing of the one-line form either (an import's row holds the sheet's columns only)
        text = values.cell_text(raw.get(child.parent_summary))  # the same text as the summary field keeps
        flat = {key: raw.get(key) for key in child.flat_fields if raw.get(key) not in (None, "")}
        if not text and not flat:
            continue
        names = values.split_names(text) or ([text] if text else [""])
        first, rest = (child.split_defaults + ({}, {}))[:2]
        rows = [dict(first if index == 0 else rest, **{child.name_field: name}) for index, name in enumerate(names)]
        rows[0].update(flat)
        found[child.key] = rows
    return found


def check_children(register: Register, raw: dict) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Clean child rows by child key (an ``id`` in a row is kept) and the problems, keyed by child key."""
    return Checking(register).children_of(raw)


def check_with_children(register: Register, raw: dict, choices: dict[str, tuple[str, ...]] | None = None) -> tuple[dict, dict[str, str]]:
    """Like ``check_record``, with each child register's clean rows under its key in the result (their
    names written into the parent's summary field: ``Checking.with_children``)."""
    return Checking(register, choices).with_children(raw)


def validate_with_children(register: Register, raw: dict, choices: dict[str, tuple[str, ...]] | None = None) -> dict:
    """Clean values of a record and its child rows; raises InvalidRecord listing every problem."""
    clean, errors = check_with_children(register, raw, choices)
    if errors:
        labels = dict(register.labels, **{child.key: child.title for child in register.children})
        raise InvalidRecord(errors, labels)
    return clean


def display_value(field: Field, value: object, reveal: bool = False) -> str:
    """How a stored value reads in a list, an export or a printout.

    ID numbers and phone numbers are masked unless ``reveal`` is set, also where free text holds one
    (``values.mask_numbers``); an identifier (a unique field: 案件编号, 执法证号) is never masked.
    """
    if value is None or value == "":
        return ""
    kind = field.kind
    if kind is Kind.BOOL:
        return "是" if value else "否"
    if kind is Kind.MONEY:
        return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, (int, float)) else str(value)
    if kind is Kind.ID_NUMBER and not reveal:
        return values.mask_id_number(str(value))
    if kind is Kind.PHONE and not reveal:
        return values.mask_phone(str(value))
    if kind in (Kind.TEXT, Kind.MEMO) and not reveal and not field.unique:  # a number typed into free text; an identifier (案件编号) stays
        return values.mask_numbers(str(value))
    return str(value)

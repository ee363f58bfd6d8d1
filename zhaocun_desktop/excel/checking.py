"""Step 4 of an import: a row's cells through the register's checks (``validation.Checking``), each
problem named by its column; and every village column against the township's 村(居) list.

A village column holds a village, or, where the register allows a place that is not one (an optional
village column: 宣传's 村(居)或地点, 信访's 村(居) …), a place the clerk has chosen to keep as such in the
preview (``other_places``): it then counts under 镇直及其他地点. A name that is on neither list is a
problem of its row, never a silent category: a mistyped village would otherwise count nowhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from zhaocun_desktop import queries, records, villages
from zhaocun_desktop.excel.headers import HeaderMatch
from zhaocun_desktop.excel.preview import Problem
from zhaocun_desktop.excel.survey import column_name
from zhaocun_desktop.registers import Kind
from zhaocun_desktop.validation import Checking

if TYPE_CHECKING:
    from sqlite_utils import Database


class RowChecks:
    """The checks of one file's rows. ``unknown_places``: each place not on the 村(居) list (and not chosen
    as another place), with the rows that name it."""

    def __init__(self, db: Database, match: HeaderMatch, date1904: bool = False, other_places: Iterable[str] = ()):
        register = match.register
        self.register = register
        self.checking = Checking(register, records.field_choices(db, register), date1904)
        self.columns = {f.key: column for column, f in match.columns.items()}
        self.labels = dict(register.labels, **{f.key: f.label for f in register.import_fields}, **{child.key: child.title for child in register.children})
        self.villages = set(queries.village_names(db))
        self.flat_children = [child for child in register.children if child.flat_fields]  # those with columns of their first row's own
        self.village_fields = [f for f in register.fields if f.kind is Kind.VILLAGE and f.key in self.columns]
        self.other_places = frozenset(other_places)
        self.unknown_places: dict[str, list[int]] = {}
        self._advice: dict[tuple[str, bool], str] = {}

    def check(self, excel_row: int, raw: dict, errors: dict[str, str]) -> tuple[dict, list[Problem]]:
        """The clean values of a row and its problems (``errors``: the cells holding an Excel error value,
        named already)."""
        register, columns = self.register, self.columns
        clean, found = self.checking.with_children(raw, derive_summary=False)
        problems = []
        for child in self.flat_children:  # the one-line form: a bad ID or phone is named by its column
            flat = {key: raw[key] for key in child.flat_fields if child.key not in raw and raw.get(key) not in (None, "")}
            for key, message in (self.checking.children[child.key].record(flat)[1] if flat else {}).items():
                if key in flat and key not in errors:
                    problems.append(Problem(excel_row, column_name(columns[key]), child.field(key).label, message))
                    found.pop(child.key, None)
        for key, message in found.items():
            if key in errors:
                continue  # already named as an error value
            column, label = columns.get(key), self.labels[key]
            child = next((c for c in register.children if c.key == key), None)
            if column is None and child is not None and child.key not in raw and child.parent_summary in columns:
                # child rows split from the one-line column (当事人): the clerk fixes them in that column
                column, label = columns[child.parent_summary], self.labels[child.parent_summary]
            problems.append(Problem(excel_row, column_name(column) if column is not None else "", label, message))
        problems += self.places(excel_row, clean)
        return clean, problems

    def places(self, excel_row: int, clean: dict) -> list[Problem]:
        """Every village column's value against the 村(居) list (when there is one)."""
        problems = []
        for f in self.village_fields:
            value = clean.get(f.key)
            if not value or not self.villages or value in self.villages or (not f.required and value in self.other_places):
                continue
            if not f.required:
                self.unknown_places.setdefault(value, []).append(excel_row)
            problems.append(Problem(excel_row, column_name(self.columns[f.key]), f.label, self._place_advice(value, f.required)))
        return problems

    def _place_advice(self, value: str, required: bool) -> str:
        found = self._advice.get((value, required))
        if found is None:
            near = difflib.get_close_matches(value, self.villages, n=1, cutoff=0.5)
            guess = f"（是不是“{near[0]}”？）" if near else ""
            if required:
                found = f"“{value}”不是本镇的村(居){guess}，请核对名称（可在“村(居)”页查看或添加本镇村居）"
            else:
                found = (f"“{value}”不在本镇的村(居)名单中{guess}。如是村名写错，请改正后重新导入；如确是镇直单位或其他地点，"
                         f"请在预览中把它记为“{villages.OTHER_PLACES}”（命令行加 --other-place {value}）；是新的村(居)请先在“村(居)”页添加")  # fmt: skip
            self._advice[(value, required)] = found
        return found

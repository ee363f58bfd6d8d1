"""Periods and the records dated in them: ``Period`` (a year, a quarter, a month or any from–to), the SQL
condition of a register's records in one (``in_period``), and counts grouped by a column (``grouped``; several
measures in one reading, ``grouped_many``; by two columns, ``grouped_by_two``).

Apart from ``figures`` (which builds every figure of the report on them and re-exports them) because 总览's
charts need only these: the first screen then does not wait for the figures' definitions (their dataclasses
and tables, ~4 ms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from zhaocun_desktop.registers import ENFORCEMENT_STAFF, Register

if TYPE_CHECKING:
    from sqlite_utils import Database


class _Days(NamedTuple):
    start: dt.date
    end: dt.date


class Period(_Days):
    """A range of days, both ends included: a year, a quarter, a month or any from–to.

    Per-year figures count the records dated inside it; state figures (staff, villages) are
    taken at its last day. Immutable and compared by value: a NamedTuple, not a frozen dataclass, whose class
    cost 总览's first screen ~1 ms to define.
    """

    __slots__ = ()

    def __new__(cls, start: dt.date, end: dt.date):
        if end < start:
            from zhaocun_desktop.errors import UserError

            raise UserError(f"统计期间的结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}，请改正。")
        return super().__new__(cls, start, end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = dt.date(year, 3 * quarter - 2, 1)
        return cls(first, _month_end(year, 3 * quarter))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), _month_end(year, month))

    @classmethod
    def of(cls, when: Period | int) -> Period:
        """A period as given, or the calendar year ``when``."""
        return when if isinstance(when, Period) else cls.year(int(when))

    @property
    def is_year(self) -> bool:
        return self == Period.year(self.start.year)

    @property
    def label(self) -> str:
        """The period in words: 2023年, 2023年第一季度, 2023年3月, 2023年1月1日至2023年3月25日."""
        year = self.start.year
        if self.is_year:
            return f"{year}年"
        for quarter in range(1, 5):
            if self == Period.quarter(year, quarter):
                return f"{year}年第{'一二三四'[quarter - 1]}季度"
        if self == Period.month(year, self.start.month):
            return f"{year}年{self.start.month}月"
        return f"{_chinese_date(self.start)}至{_chinese_date(self.end)}"

    def quarters(self) -> list[Period]:
        """The four quarters of this period's year."""
        return [Period.quarter(self.start.year, q) for q in range(1, 5)]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def in_period(register: Register, period: Period | int, where: str = "1", per_year: bool = True, scan: bool = False) -> tuple[str, dict]:
    """The SQL condition (and its parameters) of ``register``'s records matching ``where`` in ``period``: dated in
    it, or (``per_year=False``, a state such as staff or villages) whatever ``where`` says at its last day.
    ``where`` may use ``:year_end`` and ``:period_end`` (the period's last day, ISO). ``scan``: the date is not
    looked up in an index (``+date``): the records are read in table order (``most_of_table``)."""
    period = Period.of(period)
    end = period.end.isoformat()
    params = {"year_end": end, "period_end": end}  # a state figure is taken at the period's last day
    clause = f"({where})"
    date_field = register.date_field
    if per_year and date_field:
        date = f"+{date_field}" if scan else date_field
        clause += f" AND {date} >= :period_start AND {date} < :after_end"
        params.update(period_start=period.start.isoformat(), after_end=(period.end + dt.timedelta(days=1)).isoformat())
    return clause, params


# Registers whose conditions match a record of another register by a person's name (持证人数: a
# staff member's certificate is found by its holder's name). Over a whole county they are read
# township by township (``county_scope.in_each_township``): one query would match a namesake's certificate.
MATCHED_BY_NAME = (ENFORCEMENT_STAFF.key,)


def township_by_township(db: Database, register: Register) -> bool:
    """True when ``register``'s records must be read township by township (``MATCHED_BY_NAME``)."""
    from zhaocun_desktop.county_scope import whole_county

    return register.key in MATCHED_BY_NAME and whole_county(db)


def grouped(db: Database, register: Register, period: Period | int, group: str, measure: str = "count(*)", where: str = "1") -> dict:
    """``{group value: measure}`` for the period's records of ``register`` matching ``where``."""
    if township_by_township(db, register):
        from zhaocun_desktop.county_scope import summed_over_townships

        return summed_over_townships(db, lambda: grouped(db, register, period, group, measure, where))
    clause, params = in_period(register, period, where)
    sql = f"SELECT {group} AS g, {measure} FROM {register.key} WHERE {clause} GROUP BY g"
    return {key: value or 0 for key, value in db.execute(sql, params)}


@lru_cache(maxsize=1024)  # the same few hundred pairs on every reading of the figures (a regular expression each)
def only_where(measure: str, where: str) -> str | None:
    """``measure`` (an SQL aggregate: ``count(*)``, ``sum(x)``, ``count(DISTINCT x)`` …) counting only the rows
    matching ``where``: ``sum(CASE WHEN (where) THEN x END)``. Several such measures read the rows of a register
    and period once, where one query each read them again and again. None when ``measure`` is not one aggregate."""
    import re  # (after the first screen: 总览's charts need none of this)

    match = re.fullmatch(r"\s*(count|sum|total|min|max|avg)\((DISTINCT )?(.+)\)\s*", measure, re.IGNORECASE | re.DOTALL)
    if match is None:
        return None
    name, distinct, argument = match.groups()
    depth = 0
    for character in argument:  # the argument is one expression: sum(a) + sum(b) is not one aggregate
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth < 0:
            return None
    if depth:
        return None
    if argument.strip() == "*":
        if name.lower() != "count" or distinct:
            return None
        argument = "1"
    return f"{name}({distinct or ''}CASE WHEN ({where}) THEN {argument} END)"


def most_of_table(db: Database, register: Register, period: Period | int) -> bool:
    """True when ``period`` holds half of ``register``'s records or more: a query reading a column outside the
    statistics index (a by-village table reads each record's village id) then reads the table in order faster
    than it looks each record up from the index (120,000 cases: 0.10 s against 0.50 s)."""
    if not register.date_field:
        return False
    clause, params = in_period(register, period)
    inside = db.execute(f"SELECT count(*) FROM {register.key} WHERE {clause}", params).fetchone()[0]
    return inside * 2 >= db.execute(f"SELECT count(*) FROM {register.key}").fetchone()[0] > 0


def grouped_many(db: Database, register: Register, period: Period | int, group: str, measures: Sequence[tuple[str, str]], whole_rows: bool = False) -> list[dict]:
    """``grouped`` for several ``(measure, where)`` over the same groups, in one reading of the period's records:
    the same dicts (a group appears where some record matches its ``where``). ``whole_rows``: the group or a measure
    reads columns outside the statistics index (see ``most_of_table``)."""
    parts = [(only_where(measure, where), only_where("count(*)", where)) for measure, where in measures]
    if township_by_township(db, register) or any(value is None for value, _ in parts):
        return [grouped(db, register, period, group, measure, where) for measure, where in measures]
    clause, params = in_period(register, period, scan=whole_rows and most_of_table(db, register, period))
    columns = ", ".join(f"{value}, {present}" for value, present in parts)
    found: list[dict] = [{} for _ in measures]
    for key, *cells in db.execute(f"SELECT {group} AS g, {columns} FROM {register.key} WHERE {clause} GROUP BY g", params):
        for index in range(len(measures)):
            if cells[2 * index + 1]:  # some record of the group matches this measure's where
                found[index][key] = cells[2 * index] or 0
    return found


def grouped_by_two(db: Database, register: Register, period: Period | int, rows: str, columns: str, keys: Sequence[str], measure: str = "count(*)",
                   where: str = "1", whole_rows: bool = False) -> dict[tuple, int | float]:  # fmt: skip
    """``{(row value, column value): measure}`` for the period's records of ``register`` matching ``where`` whose
    ``columns`` value is one of ``keys`` (a table's columns, from the register descriptions), in one query.
    ``whole_rows``: as for ``grouped_many``."""
    listed = ", ".join("'" + str(key).replace("'", "''") + "'" for key in keys)
    condition = f"({where}) AND {columns} IN ({listed})" if keys else "0"
    if township_by_township(db, register):
        from zhaocun_desktop.county_scope import summed_over_townships

        return summed_over_townships(db, lambda: grouped_by_two(db, register, period, rows, columns, keys, measure, where, whole_rows))
    clause, params = in_period(register, period, condition, scan=whole_rows and most_of_table(db, register, period))
    sql = f"SELECT {rows} AS g, {columns} AS c, {measure} FROM {register.key} WHERE {clause} GROUP BY g, c"
    return {(row, column): value or 0 for row, column, value in db.execute(sql, params)}


"""A period at a glance for the 总览 tab: month trend of its year against the previous year,
the dispute type mix, the outcome split and the villages with most cases.

Every count uses the same year condition as the report figures (``periods.grouped``, which the figures build on), so the pictures add up to the report's numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from zhaocun_desktop import county_scope, queries, villages
from zhaocun_desktop.periods import Period, grouped as _grouped
from zhaocun_desktop.registers import ADVISOR_WORK, MEDIATION_CASE, MEDIATION_RESULTS, PETITION, PUBLICITY_EVENT, Register

if TYPE_CHECKING:
    from sqlite_utils import Database

TREND_REGISTERS: tuple[Register, ...] = (MEDIATION_CASE, PUBLICITY_EVENT, ADVISOR_WORK, PETITION)
NOT_FILLED = "未填写"
TOP_VILLAGES = 10


class YearPicture(NamedTuple):  # not a dataclass: 0.25 ms to create against ~1 ms, on the way to the first screen
    """What the 总览 pictures show: lists of (label, count) in display order. The months are of
    ``year`` (the period's year); the mix, outcomes and villages are of the period itself."""

    year: int
    months: list[int]  # twelve counts, January first
    months_before: list[int]  # the same for year - 1
    types: list[tuple[str, int]]  # dispute types, most cases first, none with 0
    outcomes: list[tuple[str, int]]  # every 调解结果 in the register's order, then 未填写 when any
    villages: list[tuple[str, int]]  # the villages with most cases, at most TOP_VILLAGES

    @property
    def cases(self) -> int:
        """The period's cases (every case has one outcome, 未填写 included)."""
        return sum(count for _, count in self.outcomes)


def month_counts(db: Database, register: Register, year: int) -> list[int]:
    """Records of ``register`` per month of ``year`` (by its date field), January first."""
    counts = _grouped(db, register, year, f"CAST(substr({register.date_field}, 6, 2) AS INTEGER)")
    return [int(counts.get(month, 0)) for month in range(1, 13)]


def ranked(counts: dict, limit: int | None = None) -> list[tuple[str, int]]:
    """``{label: count}`` as (label, count) pairs, largest first (ties by label); blanks named 未填写."""
    merged: dict[str, int] = {}
    for label, count in counts.items():
        key = label if label not in (None, "") else NOT_FILLED
        merged[key] = merged.get(key, 0) + int(count)
    pairs = sorted(((label, count) for label, count in merged.items() if count), key=lambda pair: (-pair[1], pair[0]))
    return pairs[:limit] if limit else pairs


def year_picture(db: Database, period: Period | int, trend: Register = MEDIATION_CASE) -> YearPicture:
    """The pictures of ``period`` (a year, quarter, month or range); the month trend is of ``trend``
    over the period's (last) year, the mix, outcomes and villages are of the period's cases."""
    year = Period.of(period).end.year
    outcomes = _grouped(db, MEDIATION_CASE, period, "result")
    split = [(result, int(outcomes.get(result, 0))) for result in MEDIATION_RESULTS]
    blank = sum(int(count) for result, count in outcomes.items() if result not in MEDIATION_RESULTS)
    if blank:
        split.append((NOT_FILLED, blank))
    return YearPicture(
        year=year,
        months=month_counts(db, trend, year),
        months_before=month_counts(db, trend, year - 1),
        types=ranked(_grouped(db, MEDIATION_CASE, period, "dispute_type")),
        outcomes=split,
        villages=ranked(_grouped(db, MEDIATION_CASE, period, _village_label_sql(db)), TOP_VILLAGES),
    )


COUNTY_VILLAGE_MARK = villages.COUNTY_VILLAGE_MARK  # 中汤镇·邱店村: a whole county's village bar names its township


def _village_label_sql(db: Database) -> str:
    """SQL naming a case's village as its bar does: the village's name (stored as an id), led by
    its township's in a whole county (village names are unique within a township only)."""
    village = queries.column_sql(MEDIATION_CASE, "village")
    lead = county_scope.township_column(db, MEDIATION_CASE)
    return f"{lead[0][1]} || '{COUNTY_VILLAGE_MARK}' || {village}" if lead else village


def cases_of(db: Database, period: Period | int, field: str, label: str) -> list[dict]:
    """The period's cases behind one bar or share: ``field`` (village, dispute_type, result) equal to ``label``."""
    from zhaocun_desktop import figures as fig

    rows = fig.records_behind(db, fig.BY_KEY["cases"], period)
    if field == "village" and COUNTY_VILLAGE_MARK in label and county_scope.township_column(db, MEDIATION_CASE):  # a whole county's bar
        from zhaocun_desktop.county_scope import township_id

        township, _, label = label.partition(COUNTY_VILLAGE_MARK)
        rows = [row for row in rows if row.get("township_id") == township_id(db, township)]
    if label == NOT_FILLED:
        return [row for row in rows if row.get(field) in (None, "") or (field == "result" and row[field] not in MEDIATION_RESULTS)]
    return [row for row in rows if row.get(field) == label]


def month_records(db: Database, register: Register, year: int, month: int) -> list[dict]:
    """The records of ``register`` in one month: those a point of the month trend counts."""
    from zhaocun_desktop import figures as fig

    return fig.records_behind(db, fig.Figure("_", "_", "", register), Period.month(year, month))

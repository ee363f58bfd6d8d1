"""A county database's figures: the years and townships it holds, each township's figures computed from its
records, the whole county's, a township's records of a year, and where they differ from the figures a package reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaocun_desktop import queries
from zhaocun_desktop.county_scope import current_scope, set_scope, township_choices

if TYPE_CHECKING:
    from sqlite_utils import Database


def years(db: Database) -> list[int]:
    """The years with packages, newest first."""
    return [row[0] for row in db.execute("SELECT DISTINCT year FROM package WHERE replaced_at IS NULL ORDER BY year DESC")]


def townships(db: Database, year: int) -> list[str]:
    """The townships with a current package for ``year``, in name order."""
    return [row[0] for row in db.execute("SELECT township FROM package WHERE year = ? AND replaced_at IS NULL ORDER BY township", [year])]


def reported_figures(db: Database, year: int) -> dict[str, dict]:
    """``{township: {key: value}}`` as the year's current packages reported them (figures.json: compared
    with the county's own, never added up); a rate as ``(numerator, denominator)``."""
    found: dict[str, dict] = {}
    rows = db.execute(
        "SELECT p.township, f.key, f.value, f.numerator, f.denominator FROM package_figure f JOIN package p ON p.id = f.package_id "
        "WHERE p.year = ? AND p.replaced_at IS NULL",
        [year],
    )
    for township, key, value, numerator, denominator in rows:
        number = (numerator, denominator) if value is None and numerator is not None else value
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        found.setdefault(township, {})[key] = number
    return found


def township_figures(db: Database, year: int, only: str | None = None) -> dict[str, dict]:
    """``{township: {key: value}}`` computed from the records of the year's current packages, each
    township under its own scope (``only``: that township alone); a rate as ``(numerator, denominator)``."""
    wanted = {name: {year} for name in townships(db, year) if only in (None, name)}
    return {name: figures for (name, _), figures in _computed(db, wanted).items()}


def _computed(db: Database, wanted: dict[str, set[int]]) -> dict[tuple[str, int], dict]:
    """``{(township, year): {key: value}}`` for the years ``wanted`` of each township, computed under the
    township's scope (set once a township: a scope is some sixty statements)."""
    from zhaocun_desktop.figures import RateValue, yearly_figures

    before = current_scope(db)
    found = {}
    try:
        for township_id_, name in township_choices(db):
            if not wanted.get(name):
                continue
            set_scope(db, township_id_)
            for year in sorted(wanted[name]):
                values = yearly_figures(db, year).values
                found[(name, year)] = {key: (v.numerator, v.denominator) if isinstance(v, RateValue) else _number(v) for key, v in values.items()}
    finally:
        set_scope(db, before)
    return found


def county_figures(db: Database, year: int) -> dict:
    """The county's figures: every count summed over the townships; a rate from the summed counts."""
    total: dict = {}
    for figures in township_figures(db, year).values():
        for key, value in figures.items():
            if isinstance(value, tuple):
                before = total.get(key, (0, 0))
                total[key] = (before[0] + (value[0] or 0), before[1] + (value[1] or 0))
            elif value is not None:
                total[key] = total.get(key, 0) + value
    return total


def township_records(db: Database, year: int, register: str, township: str | None = None) -> list[dict]:
    """The rows of one register that the year's current packages brought, each with its ``township``
    (a register that travels whole: the township's rows when that year's package is its newest)."""
    from zhaocun_desktop.registers import BY_KEY

    described = BY_KEY[register]
    # each column named with its table: the townships' table has a "name" too (the villages' own column)
    columns = ", ".join(f"{register}.{key} AS {key}" if queries.column_sql(described, key) == key else f"{queries.column_sql(described, key)} AS {key}"
                        for key in described.keys)  # fmt: skip
    sql = (
        f"SELECT t.name AS township, {register}.id AS id, {columns} FROM main.{register} AS {register} "
        f"JOIN main.package p ON p.id = {register}.package_id JOIN main.township t ON t.id = {register}.township_id "
        "WHERE p.year = ? AND p.replaced_at IS NULL"
    )
    params: list = [year]
    if township:
        sql += " AND t.name = ?"
        params.append(township)
    return list(db.query(sql + f" ORDER BY t.name, {register}.id", params))


def _number(value):
    if isinstance(value, tuple):
        return value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def figure_differences(db: Database, year: int, township: str | None = None) -> list[tuple[str, str, object, object]]:
    """``(township, figure key, reported, computed)`` wherever the figures computed from the rolled-up
    records (under the township's scope) differ from those its package reported; expected: none."""
    wanted = {name: {year} for name in townships(db, year) if township in (None, name)}
    return [(name, *found) for (name, _), differences in _differences(db, wanted).items() for found in differences]


def _differences(db: Database, wanted: dict[str, set[int]]) -> dict[tuple[str, int], list[tuple[str, object, object]]]:
    """``{(township, year): [(figure key, reported, computed)]}`` for the current packages ``wanted``."""
    reported = {year: reported_figures(db, year) for year in {year for years in wanted.values() for year in years}}
    found = {}
    for (name, year), computed in _computed(db, wanted).items():
        told = reported[year].get(name, {})
        found[(name, year)] = [(key, told[key], value) for key, value in computed.items() if key in told and told[key] != value]
    return found

"""County mode on real files: three demo townships packaged, rolled up into one county database,
and every query of the program run on it with township as a filter (county_scope.set_scope)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from county_towns import TOWNS, TRUSTED, YEAR, build_townships, later
from xlsx_print import CAN_RENDER, pages, points_per_height, render, smallest_pt

from zhaocun_desktop import audit, county_scope, queries, records, settings as township_settings, villages
from zhaocun_desktop.county import figures as county_figures, rollup, summary as county_summary
from zhaocun_desktop.db import SCHEMA_VERSION, is_county_file, open_db
from zhaocun_desktop.due import due_items
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.excel.writing import write_export
from zhaocun_desktop.figures import FIGURES, RateValue, yearly_figures
from zhaocun_desktop.package import read_package, travels_whole, write_package
from zhaocun_desktop.registers import (
    ENFORCEMENT_CERTIFICATE,
    ENFORCEMENT_STAFF,
    MEDIATION_CASE,
    PARTY,
    REGISTERS,
    VILLAGE,
    VISIT,
    Kind,
)
from zhaocun_desktop.statistics import build_county_tables
from zhaocun_desktop.summary import build_tables


@pytest.fixture(scope="module")
def townships(tmp_path_factory) -> dict[str, Path]:
    return build_townships(tmp_path_factory.mktemp("towns"))


@pytest.fixture(scope="module")
def packages(townships, tmp_path_factory) -> dict[str, Path]:
    """Each township's 2023 package, personal data masked (the default)."""
    folder = tmp_path_factory.mktemp("packages")
    made = {}
    for town, path in townships.items():
        db = open_db(path)
        made[town] = write_package(db, YEAR, folder / f"{town}.zip")
        db.close()
    return made


@pytest.fixture(scope="module")
def rolled_up(packages, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("county") / "县.db"
    db = rollup.open_county(path)
    assert [outcome.action for outcome in rollup.roll_up(db, list(packages.values()), consent=TRUSTED)] == ["added"] * 3
    db.close()
    return path


@pytest.fixture
def county(rolled_up, tmp_path):
    """A fresh copy of the rolled-up county database, open."""
    path = tmp_path / "县.db"
    shutil.copy(rolled_up, path)
    db = rollup.open_county(path)
    yield db
    db.close()


def _plain(values: dict) -> dict:
    return {key: (value.numerator, value.denominator) if isinstance(value, RateValue) else value for key, value in values.items()}


def _own(path: Path, year: int = YEAR) -> dict:
    db = open_db(path)
    try:
        return _plain(yearly_figures(db, year).values)
    finally:
        db.close()


def _ids(db) -> dict[str, int]:
    return {name: township_id for township_id, name in county_scope.township_choices(db)}


def test_a_county_database_is_the_township_schema_with_townships(county):
    assert rollup.is_county(county)
    assert county.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [name for _, name in county_scope.township_choices(county)] == sorted(name for name, _ in TOWNS)
    for register in rollup.county_registers():
        columns = [row[1] for row in county.execute(f"PRAGMA main.table_info({register.key})")]
        assert {"township_id", "package_id"} <= set(columns), register.key
        assert county.execute(f"SELECT count(*) FROM main.{register.key} WHERE township_id IS NULL OR package_id IS NULL").fetchone()[0] == 0
    indexes = {row[0]: row[1] for row in county.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'ux_%'")}
    for register in REGISTERS:
        for field in register.fields:
            if field.unique:
                assert f"(township_id, {field.key})" in indexes[f"ux_{register.key}_{field.key}"]


def test_scoped_figures_equal_what_each_township_computed_itself(county, townships):
    assert county_figures.figure_differences(county, YEAR) == []  # the packages were masked: no figure moved
    for name, township_id in _ids(county).items():
        county_scope.set_scope(county, township_id)
        assert county_scope.current_scope(county) == township_id
        assert _plain(yearly_figures(county, YEAR).values) == _own(townships[name])
        assert township_settings.settings(county)["town"] == name
    county_scope.set_scope(county, None)
    assert county_scope.current_scope(county) is None


def test_the_whole_county_is_the_sum_of_the_townships(county, townships):
    whole = _plain(yearly_figures(county, YEAR).values)
    for figure in FIGURES:
        assert whole[figure.key] == pytest.approx(sum(_own(path)[figure.key] for path in townships.values())), figure.key
    assert county_figures.county_figures(county, YEAR) == {key: value for key, value in whole.items()}


def test_the_whole_countys_figures_read_at_once_equal_each_townships_under_its_scope(county):
    """The whole county's figures are read once for all townships (GROUP BY township_id), those matched by
    a person's name township by township: values, the records lacking a value, the occasions are the
    townships' computed each under its own scope, added up, for a year, a quarter and the year before."""
    from zhaocun_desktop.figures import RATES, Period, period_figures

    with county.atomic(), rollup._writing(county):  # some exams without 合格人数 in every township: figures with records lacking a value
        county.execute("UPDATE main.publicity_event SET passed = NULL WHERE event_type = '学法考试' AND id % 2 = 0")
    assert {key for key, ids in period_figures(county, YEAR).missing.items() if ids} >= {"exam_passed"}
    for period in (Period.year(YEAR), Period.quarter(YEAR, 2), Period.year(YEAR - 1)):
        whole = period_figures(county, period)
        parts = county_scope.in_each_township(county, lambda: period_figures(county, period))
        assert county_scope.current_scope(county) is None
        for figure in FIGURES:
            assert whole.values[figure.key] == sum(part.values[figure.key] for part in parts), (period, figure.key)
        for rate in RATES:
            assert whole.values[rate.key] == RateValue(int(whole.values[rate.numerator]), int(whole.values[rate.denominator]))
        assert whole.missing == {key: tuple(sorted({i for part in parts for i in part.missing.get(key, ())})) for key in {k for part in parts for k in part.missing}}
        assert set(whole.occasions) == {occasion for part in parts for occasion in part.occasions}


def test_lists_search_and_table_info_under_a_scope(county, townships):
    ids = _ids(county)
    town = open_db(townships["中汤镇"])
    village = queries.village_names(town)[0]  # a name of three characters: looked up in the search index
    words = (village, village[:2])  # and two characters: the instr fallback
    expected = {word: queries.RecordList(town, MEDIATION_CASE, queries.RecordQuery(search=word, year=YEAR)).count for word in words}
    by_village = queries.count(town, MEDIATION_CASE, queries.RecordQuery(year=YEAR, village=village))
    staff = queries.count(town, ENFORCEMENT_STAFF)
    town.close()
    assert len(village) >= 3 and expected[village] > 0
    county_scope.set_scope(county, ids["中汤镇"])
    for word in words:
        listed = queries.RecordList(county, MEDIATION_CASE, queries.RecordQuery(search=word, year=YEAR))
        assert listed.count == expected[word]
        found = {row[0] for row in listed.rows(0, listed.count)}
        owners = {row[0] for row in county.execute(f"SELECT DISTINCT township_id FROM main.mediation_case WHERE id IN ({','.join(map(str, found))})")}
        assert owners == {ids["中汤镇"]}
    assert queries.count(county, MEDIATION_CASE, queries.RecordQuery(year=YEAR, village=village)) == by_village
    assert queries.count(county, ENFORCEMENT_STAFF) == staff
    columns = [row[1] for row in county.execute("PRAGMA table_info(mediation_case)")]
    assert columns[0] == "id" and "township_id" in columns
    one = queries.get(county, MEDIATION_CASE, next(iter(found)))
    assert one["township_id"] == ids["中汤镇"] and one["village"]
    county_scope.set_scope(county, ids["瓦屋镇"])  # another township: none of 中汤镇's rows
    assert queries.RecordList(county, MEDIATION_CASE, queries.RecordQuery(search=village)).count == 0
    with pytest.raises(UserError, match="没有编号"):
        county_scope.set_scope(county, 999)


def test_children_follow_their_parents_and_whole_registers_come_once(county, townships):
    town = open_db(townships["赵村镇"])
    own_parties = town.execute(
        "SELECT c.case_no, p.name FROM mediation_party p JOIN mediation_case c ON c.id = p.case_id "
        "WHERE c.accepted >= '2023-01-01' AND c.accepted < '2024-01-01' ORDER BY 1, 2"
    ).fetchall()
    own_counts = {register.key: town.execute(f"SELECT count(*) FROM {register.key}").fetchone()[0] for register in REGISTERS if travels_whole(register)}
    town.close()
    county_scope.set_scope(county, _ids(county)["赵村镇"])
    parties = county.execute(
        "SELECT c.case_no, p.name FROM mediation_party p JOIN mediation_case c ON c.id = p.case_id ORDER BY 1, 2"
    ).fetchall()  # fmt: skip
    assert parties == own_parties and len(parties) > 0
    assert county.execute("SELECT count(*) FROM mediation_visit v WHERE NOT EXISTS (SELECT 1 FROM mediation_case c WHERE c.id = v.case_id)").fetchone()[0] == 0
    for key, number in own_counts.items():
        assert county.execute(f"SELECT count(*) FROM {key}").fetchone()[0] == number, key
    assert ENFORCEMENT_CERTIFICATE.key in own_counts and VILLAGE.key in own_counts


def test_two_years_keep_the_whole_registers_once(townships, tmp_path):
    town = open_db(townships["瓦屋镇"])
    made = [write_package(town, year, tmp_path / f"{year}.zip") for year in (YEAR, YEAR - 1)]  # 2022 made last: the newest
    staff, villages = queries.count(town, ENFORCEMENT_STAFF), len(queries.village_names(town))
    town.close()
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, made, consent=TRUSTED)
    county_scope.set_scope(db, _ids(db)["瓦屋镇"])
    assert queries.count(db, ENFORCEMENT_STAFF) == staff and len(queries.village_names(db)) == villages
    for year in (YEAR, YEAR - 1):
        assert _plain(yearly_figures(db, year).values) == _own(townships["瓦屋镇"], year)
        assert county_figures.figure_differences(db, year) == []
    db.close()


def _yaoshan_sharing_a_village_name(townships, tmp_path) -> tuple:
    """尧山镇 (a copy of 中汤镇) whose first village is renamed to 赵村镇's first: the open database,
    that name, and its 2023 package."""
    copy = tmp_path / "尧山镇.db"
    shutil.copy(townships["中汤镇"], copy)
    town = open_db(copy)
    township_settings.save_settings(town, {"town": "尧山镇", "office": "尧山镇司法所", "signer": "尧山镇人民政府"})
    zhao = open_db(townships["赵村镇"])
    shared = queries.village_names(zhao)[0]
    zhao.close()
    records.update(town, VILLAGE, town.execute("SELECT id FROM village ORDER BY id").fetchone()[0], {"name": shared})
    return town, shared, write_package(town, YEAR, tmp_path / "尧山镇.zip")


def test_same_village_names_in_two_townships_stay_two_villages(townships, packages, tmp_path):
    town, shared, other = _yaoshan_sharing_a_village_name(townships, tmp_path)
    cases = queries.count(town, MEDIATION_CASE, queries.RecordQuery(year=YEAR, village=shared))
    town.close()
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, [packages["赵村镇"], other], consent=TRUSTED)
    rows = db.execute("SELECT township_id FROM main.village WHERE name = ?", [shared]).fetchall()
    assert len(rows) == 2 and len({row[0] for row in rows}) == 2
    county_scope.set_scope(db, _ids(db)["尧山镇"])
    assert queries.count(db, MEDIATION_CASE, queries.RecordQuery(year=YEAR, village=shared)) == cases
    assert county_figures.figure_differences(db, YEAR) == []
    db.close()


def test_a_replaced_package_leaves_no_rows_behind(townships, packages, tmp_path, monkeypatch):
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, list(packages.values()), consent=TRUSTED)
    old = db.execute("SELECT id FROM main.package WHERE township = '赵村镇'").fetchone()[0]
    copy = tmp_path / "赵村镇.db"
    shutil.copy(townships["赵村镇"], copy)
    town = open_db(copy)
    doomed = town.execute("SELECT id FROM mediation_case WHERE accepted >= '2023-01-01' ORDER BY id LIMIT 3").fetchall()
    records.delete(town, MEDIATION_CASE, [row[0] for row in doomed])
    monkeypatch.setattr(audit, "now", later)
    newer = write_package(town, YEAR, tmp_path / "赵村镇-更正.zip")
    town.close()
    monkeypatch.undo()
    county_scope.set_scope(db, _ids(db)["中汤镇"])  # a scope is active: the roll-up writes the main tables all the same
    assert [outcome.action for outcome in rollup.roll_up(db, [newer], consent=TRUSTED)] == ["replaced"]
    county_scope.set_scope(db, None)
    for register in rollup.county_registers():
        assert db.execute(f"SELECT count(*) FROM main.{register.key} WHERE package_id = ?", [old]).fetchone()[0] == 0, register.key
    county_scope.set_scope(db, _ids(db)["赵村镇"])
    assert _plain(yearly_figures(db, YEAR).values) == _own(copy)
    assert queries.count(db, MEDIATION_CASE) == len(read_package(newer).records[MEDIATION_CASE.key])
    assert db.execute("SELECT count(*) FROM mediation_party").fetchone()[0] == len(read_package(newer).records[PARTY.key])
    assert db.execute("SELECT count(*) FROM mediation_visit").fetchone()[0] == len(read_package(newer).records[VISIT.key])
    assert county_figures.figure_differences(db, YEAR) == []
    db.close()


def test_a_record_moved_to_another_year_rolls_up_in_either_order(townships, tmp_path, monkeypatch):
    copy = tmp_path / "镇.db"
    shutil.copy(townships["赵村镇"], copy)
    town = open_db(copy)
    first = [write_package(town, year, tmp_path / f"first-{year}.zip") for year in (YEAR - 1, YEAR)]
    moved = town.execute("SELECT id FROM mediation_case WHERE accepted LIKE '2022-12-%' AND case_no IS NOT NULL").fetchone()[0]
    dates = {f.key: "2023-01-02" for f in MEDIATION_CASE.fields if f.kind is Kind.DATE and queries.get(town, MEDIATION_CASE, moved)[f.key]}
    records.update(town, MEDIATION_CASE, moved, dates)  # the clerk corrects the dates into 2023
    monkeypatch.setattr(audit, "now", later)
    second = [write_package(town, year, tmp_path / f"second-{year}.zip") for year in (YEAR, YEAR - 1)]
    town.close()
    monkeypatch.undo()
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, first, consent=TRUSTED)
    before = db.execute("SELECT count(*) FROM main.mediation_case").fetchone()[0]
    with pytest.raises(UserError, match="重复") as refused:  # only the 2023 one: its case is still in the 2022 package
        rollup.roll_up(db, second[:1], consent=TRUSTED)
    assert "没有写入任何内容" in str(refused.value)
    assert db.execute("SELECT count(*) FROM main.mediation_case").fetchone()[0] == before
    assert [outcome.action for outcome in rollup.roll_up(db, second, consent=TRUSTED)] == ["replaced", "replaced"]  # 2023 first: fine
    assert db.execute("SELECT count(*) FROM main.mediation_case").fetchone()[0] == before
    for year in (YEAR, YEAR - 1):
        assert county_figures.figure_differences(db, year) == []
    db.close()


def test_township_paths_refuse_a_county_file(rolled_up, tmp_path):
    path = tmp_path / "县.db"
    shutil.copy(rolled_up, path)
    data = path.read_bytes()
    with pytest.raises(UserError, match="县级汇总数据库"):
        open_db(path)
    assert path.read_bytes() == data
    assert is_county_file(path) and not is_county_file(tmp_path / "不存在.db")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "zhaocun_desktop", *map(str, args)], capture_output=True, text=True, timeout=300)

    for args in (("settings", "--db", path, "--set", "镇名=某镇"), ("package", "--db", path, "--year", YEAR, "--out", tmp_path / "x.zip"),
                 ("init", "--db", path, "--town", "某镇", "--county", "某县"), ("import", "--db", path, tmp_path / "x.xlsx")):  # fmt: skip
        result = run(*args)
        assert result.returncode == 2 and "县级汇总数据库" in result.stderr, args
    assert path.read_bytes() == data
    result = run("backup", "--db", path, "--to", tmp_path / "备份")  # a county database is backed up and checked like a township's
    assert result.returncode == 0, result.stderr
    assert [is_county_file(made) for made in (tmp_path / "备份").iterdir()] == [True]
    result = run("check", "--db", path)
    assert result.returncode == 0 and "完好" in result.stdout, result.stdout


def test_cli_stats_of_one_township_and_of_the_county(rolled_up, townships, tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "zhaocun_desktop", *map(str, args)], capture_output=True, text=True, timeout=300)

    for name, db_path, extra in (("镇", townships["中汤镇"], ()), ("县中汤", rolled_up, ("--township", "中汤镇"))):
        result = run("stats", "--db", db_path, "--year", YEAR, "--out", tmp_path / f"{name}.xlsx", *extra)
        assert result.returncode == 0, result.stderr
    own, scoped = (openpyxl.load_workbook(tmp_path / f"{name}.xlsx") for name in ("镇", "县中汤"))
    for sheet in own.sheetnames:
        rows = lambda book: [row for row in book[sheet].iter_rows(min_row=3, values_only=True) if row[0] and "填表人" not in str(row[0])]  # noqa: E731
        assert rows(own) == rows(scoped), sheet
    result = run("stats", "--db", rolled_up, "--year", YEAR, "--out", tmp_path / "县.xlsx", "--township", "没有这个镇")
    assert result.returncode == 2 and "没有“没有这个镇”" in result.stderr


def _table_numbers(table) -> list:
    """The numbers a table adds up: its 合计 row, or each row's numbers when it has none (rates left out)."""
    if table.total:
        return table.totals()[1:]
    return [cell for row in table.rows for cell in row[1:] if isinstance(cell, (int, float))]


def test_summary_workbook_has_the_county_statistics_tables(county, townships, tmp_path):
    path = county_summary.write_county_summary(county, YEAR, tmp_path / "全县汇总.xlsx")
    own = []
    for town_path in townships.values():
        town = open_db(town_path)
        own.append([_table_numbers(table) for table in build_county_tables(town, YEAR)])
        town.close()
    book = openpyxl.load_workbook(path)
    tables = build_county_tables(county, YEAR)
    assert book.sheetnames == [f"{YEAR}年全县汇总", *(table.sheet for table in tables)]
    summary = book[f"{YEAR}年全县汇总"]
    assert summary["A1"].value.startswith(f"鲁山县{YEAR}年度")  # the county named
    rates = [cell for row in summary.iter_rows(min_row=3, values_only=True) if row[1] == "%" for cell in row[2:] if cell]
    assert rates and all(re.fullmatch(r"\d+\.\d%", cell) for cell in rates), rates  # one format: 87.0% beside 86.5%
    for index, table in enumerate(tables):
        expected = [sum(numbers[index][i] for numbers in own) for i in range(len(own[0][index]))]
        assert _table_numbers(table) == pytest.approx(expected), table.sheet
        sheet = book[table.sheet]
        assert table.title in sheet["A1"].value and "鲁山县" in sheet["A1"].value
        assert "填报单位：鲁山县司法局" in sheet["A2"].value
        if table.total:
            total = next(row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] == "合计")
            assert [cell if cell != "" else None for cell in total[1:]] == [value if value != "" else None for value in expected] or list(total[1:]) == pytest.approx(expected)
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert county_scope.current_scope(county) is None


def test_the_summary_keeps_the_scope_it_found(county, tmp_path):
    township_id = _ids(county)["瓦屋镇"]
    county_scope.set_scope(county, township_id)
    county_summary.write_county_summary(county, YEAR, tmp_path / "全县汇总.xlsx")
    assert county_scope.current_scope(county) == township_id


def test_a_future_migration_runs_on_a_county_file(rolled_up, tmp_path):
    path = tmp_path / "县.db"
    shutil.copy(rolled_up, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")  # as if made by the previous version
    conn.close()
    db = rollup.open_county(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION and rollup.is_county(db)
    assert county_figures.figure_differences(db, YEAR) == []
    db.close()


# The county database of the first format: records as JSON rows (frozen here, as it was written).
FIRST_FORMAT_SQL = """
PRAGMA application_id = 1514360661;
CREATE TABLE package (id INTEGER PRIMARY KEY, township TEXT NOT NULL, county TEXT, year INTEGER NOT NULL, sha256 TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL, made_at TEXT NOT NULL, program_version TEXT, schema_version INTEGER, personal_data TEXT,
    imported_at TEXT NOT NULL, replaced_at TEXT);
CREATE UNIQUE INDEX ux_package_current ON package(township, year) WHERE replaced_at IS NULL;
CREATE TABLE package_figure (package_id INTEGER NOT NULL REFERENCES package(id) ON DELETE CASCADE, key TEXT NOT NULL, value REAL,
    numerator INTEGER, denominator INTEGER, PRIMARY KEY (package_id, key));
CREATE TABLE package_record (id INTEGER PRIMARY KEY, package_id INTEGER NOT NULL REFERENCES package(id) ON DELETE CASCADE,
    register TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX ix_package_record ON package_record(package_id, register);
CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, table_name TEXT NOT NULL, record_id INTEGER, action TEXT NOT NULL,
    old_values TEXT, new_values TEXT, note TEXT);
"""


def _first_format_file(path: Path, packages: dict[str, Path]) -> int:
    """A county database of the first format holding ``packages``; returns its records kept as JSON."""
    conn = sqlite3.connect(path)
    conn.executescript(FIRST_FORMAT_SQL)
    for number, package_path in enumerate(packages.values(), start=1):
        package = read_package(package_path)
        m = package.manifest
        conn.execute("INSERT INTO package VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                     [number, package.township, m.get("county"), package.year, package.sha256, package_path.name, m["made_at"],
                      m.get("program_version"), m.get("schema_version"), m.get("personal_data"), "2024-01-05T09:00:00"])  # fmt: skip
        for key, value in package.figures.items():
            pair = value if isinstance(value, dict) else {}
            conn.execute("INSERT INTO package_figure VALUES (?, ?, ?, ?, ?)", [number, key, None if pair else value, pair.get("numerator"), pair.get("denominator")])
        for register, rows in package.records.items():
            conn.executemany("INSERT INTO package_record (package_id, register, data) VALUES (?, ?, ?)",
                             [(number, register, json.dumps(row, ensure_ascii=False)) for row in rows])  # fmt: skip
        conn.execute("INSERT INTO audit_log (at, table_name, record_id, action, note) VALUES ('2024-01-05T09:00:00', 'package', ?, 'import', ?)", [number, f"导入{package.township}"])
    kept = conn.execute("SELECT count(*) FROM package_record").fetchone()[0]
    conn.commit()
    conn.close()
    return kept


def test_a_first_format_county_database_is_upgraded_without_loss(packages, townships, tmp_path):
    path = tmp_path / "旧县.db"
    kept = _first_format_file(path, packages)
    said, heard = [], []

    def upgrade(text, work):  # as the window does it: the sentence in a dialog, the work in a worker thread
        said.append(text)
        work(lambda done, total, step: heard.append(step))

    db = rollup.open_county(path, upgrade_with=upgrade)
    assert len(said) == 1 and f"{kept:,} 条旧格式的记录转为台账记录" in said[0]
    assert heard[:2] == ["正在备份升级前的数据库", "正在把旧格式的记录转为台账记录"]
    assert db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'first_%' OR name = 'package_record'").fetchall() == []
    assert county_figures.figure_differences(db, YEAR) == []
    for name, township_id in _ids(db).items():
        county_scope.set_scope(db, township_id)
        assert _plain(yearly_figures(db, YEAR).values) == _own(townships[name])
    county_scope.set_scope(db, None)
    notes = [row["note"] for row in audit.audit_rows(db, "package")]
    assert [note for note in notes if note.startswith("导入")] == [f"导入{town}" for town in packages]
    assert any("升级" in note for note in notes)
    assert [outcome.action for outcome in rollup.roll_up(db, list(packages.values()), consent=TRUSTED)] == ["skipped"] * 3  # the same packages are known
    assert list((tmp_path / "备份").glob("*migration*")) or list(tmp_path.rglob("*migration*.db"))
    db.close()
    said.clear()
    rollup.open_county(path, upgrade_with=upgrade).close()
    assert said == [], "upgraded once"


@pytest.mark.skipif(not CAN_RENDER, reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_the_summary_prints_one_page_wide_nothing_below_9_pt(county, tmp_path):
    path = county_summary.write_county_summary(county, YEAR, tmp_path / "全县汇总.xlsx")
    pdf = render(path, tmp_path)
    printed = pages(pdf)
    tables = build_county_tables(county, YEAR)
    assert len(printed) == 2 + len(tables)  # the figures take two pages down, each table one
    assert all("项目" in text and rollup.COUNTY_TOTAL in text for text in printed[:2])  # one page wide: the total column on both
    for table, text in zip(tables, printed[2:]):
        assert table.title in "".join(text.split())
    size = smallest_pt(pdf, points_per_height(tmp_path))
    assert size >= 9, size


def test_a_worker_connection_sees_the_township_the_window_shows(county):
    from zhaocun_desktop.db import open_again

    township_id = _ids(county)["中汤镇"]
    county_scope.set_scope(county, township_id)
    worker = open_again(county)
    try:
        assert county_scope.current_scope(worker) == township_id
        assert queries.count(worker, MEDIATION_CASE) == queries.count(county, MEDIATION_CASE)
    finally:
        worker.close()
    county_scope.set_scope(county, None)
    worker = open_again(county)
    assert county_scope.current_scope(worker) is None and queries.count(worker, MEDIATION_CASE) == queries.count(county, MEDIATION_CASE)
    worker.close()


def test_a_merged_village_stays_while_records_refer_to_it(townships, tmp_path, monkeypatch):
    copy = tmp_path / "镇.db"
    shutil.copy(townships["赵村镇"], copy)
    town = open_db(copy)
    first = [write_package(town, year, tmp_path / f"first-{year}.zip") for year in (YEAR - 1, YEAR)]
    used = town.execute(
        "SELECT v.id, v.name FROM village v WHERE EXISTS (SELECT 1 FROM mediation_case c WHERE c.village_id = v.id AND c.accepted < '2023-01-01') "
        "AND EXISTS (SELECT 1 FROM mediation_case c WHERE c.village_id = v.id AND c.accepted >= '2023-01-01') ORDER BY v.id"
    ).fetchall()
    (source, name), (target, _) = used[0], used[1]
    villages.merge_villages(town, source, target)  # 撤并: the township's records move to the other village
    monkeypatch.setattr(audit, "now", later)
    newer = {year: write_package(town, year, tmp_path / f"second-{year}.zip") for year in (YEAR, YEAR - 1)}
    town.close()
    monkeypatch.undo()
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, first, consent=TRUSTED)
    rollup.roll_up(db, [newer[YEAR]], consent=TRUSTED)  # the 2022 records still name the old village: it stays
    assert db.execute("SELECT count(*) FROM main.village WHERE name = ?", [name]).fetchone()[0] == 1
    assert county_figures.figure_differences(db, YEAR) == [] and county_figures.figure_differences(db, YEAR - 1) == []
    rollup.roll_up(db, [newer[YEAR - 1]], consent=TRUSTED)  # nothing refers to it any more, and the newest package lacks it
    assert db.execute("SELECT count(*) FROM main.village WHERE name = ?", [name]).fetchone()[0] == 0
    assert county_figures.figure_differences(db, YEAR - 1) == []
    db.close()


def test_a_write_to_a_county_record_is_refused_whatever_the_path(county, packages):
    from zhaocun_desktop.db import open_again
    from zhaocun_desktop.errors import COUNTY_READ_ONLY, explain

    case_id = county.execute("SELECT id FROM main.mediation_case LIMIT 1").fetchone()[0]
    before = county.execute("SELECT count(*), total(amount) FROM main.mediation_case").fetchone()
    worker = open_again(county)
    writes = (
        lambda db: records.update(db, MEDIATION_CASE, case_id, {"amount": 1}),
        lambda db: records.delete(db, MEDIATION_CASE, [case_id]),
        lambda db: township_settings.save_settings(db, {"town": "某镇"}),
        lambda db: db.execute("INSERT INTO village (name) VALUES ('新村')"),
    )
    for scope in (None, _ids(county)["中汤镇"]):
        county_scope.set_scope(county, scope)
        if scope is not None:
            case_id = county.execute("SELECT id FROM mediation_case LIMIT 1").fetchone()[0]
        for db in (county, worker):
            for write in writes:
                with pytest.raises(sqlite3.DatabaseError) as refused:
                    write(db)
                assert explain(refused.value) == COUNTY_READ_ONLY
    assert county.execute("SELECT count(*), total(amount) FROM main.mediation_case").fetchone() == before
    assert [outcome.action for outcome in rollup.roll_up(county, list(packages.values()), consent=TRUSTED)] == ["skipped"] * 3
    worker.close()


def test_namesakes_in_two_townships_do_not_lend_each_other_certificates(townships, tmp_path):
    from zhaocun_desktop.figures import BY_KEY, compute, records_behind

    made = []
    for source, town_name, certified in (("赵村镇", "赵村镇", False), ("中汤镇", "尧山镇", True)):
        copy = tmp_path / f"{town_name}.db"
        shutil.copy(townships[source], copy)
        town = open_db(copy)
        township_settings.save_settings(town, {"town": town_name, "office": f"{town_name}司法所", "signer": f"{town_name}人民政府"})
        staff = records_behind(town, BY_KEY["certified" if certified else "posts"], YEAR)[0]
        certificates = [row[0] for row in town.execute("SELECT id FROM enforcement_certificate WHERE holder = ?", [staff["name"]])]
        if certified:
            for certificate in certificates:
                records.update(town, ENFORCEMENT_CERTIFICATE, certificate, {"holder": "欧阳同名"})
        elif certificates:
            records.delete(town, ENFORCEMENT_CERTIFICATE, certificates)  # 赵村镇's 欧阳同名 holds none
        records.update(town, ENFORCEMENT_STAFF, staff["id"], {"name": "欧阳同名"})
        made.append((copy, write_package(town, YEAR, tmp_path / f"{town_name}.zip")))
        town.close()
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, [package for _, package in made], consent=TRUSTED)
    own = sum(_own(path)["certified"] for path, _ in made)
    assert yearly_figures(db, YEAR)["certified"] == own
    assert compute(db, BY_KEY["certified"], YEAR) == own + 1  # what one query over the whole county would say
    assert county_figures.figure_differences(db, YEAR) == []
    # the records behind the figure, the summary's 持证 table and what is due read township by township too
    behind = records_behind(db, BY_KEY["certified"], YEAR)
    assert len(behind) == own and [row["id"] for row in behind] == sorted(row["id"] for row in behind)
    assert county_scope.current_scope(db) is None
    certified_table = next(table for table in build_tables(db, YEAR) if table.sheet == "执法-持证")
    assert certified_table.totals()[2] == own
    for path, _ in made:
        town = open_db(path)
        assert sum(1 for row in records_behind(town, BY_KEY["certified"], YEAR) if row["name"] == "欧阳同名") == (path.stem == "尧山镇")
        town.close()
    assert [row["name"] for row in behind].count("欧阳同名") == 1, "赵村镇's 欧阳同名 holds no certificate"
    today = dt.date(YEAR, 12, 31)
    each = []
    for township_id, name in county_scope.township_choices(db):
        county_scope.set_scope(db, township_id)
        each += [(item.register, item.record_id, f"{name}：{item.text}") for item in due_items(db, today)]
    county_scope.set_scope(db, None)
    assert sorted((item.register, item.record_id, item.text) for item in due_items(db, today)) == sorted(each)
    db.close()


def test_a_whole_countys_due_certificates_match_each_holder_in_their_own_township(townships, tmp_path):
    """The due list of a whole county reads the certificates in one query, each holder matched by name in their own
    township only: a namesake's newer certificate in another township does not hide one expiring here, and a
    certificate whose holder is in post only in another township is not due. The list is each township's own."""
    today = dt.date(YEAR, 12, 1)
    soon, later = (today + dt.timedelta(days=30)).isoformat(), (today + dt.timedelta(days=900)).isoformat()
    made = []
    # 赵村镇: 欧阳同名 in post, certificate expiring soon; 中汤镇: a namesake in post with a newer certificate;
    # 瓦屋镇: a certificate of 欧阳同名 expiring soon, nobody of that name in post there
    for source, holds_post, valid_until in (("赵村镇", True, soon), ("中汤镇", True, later), ("瓦屋镇", False, soon)):
        copy = tmp_path / f"{source}.db"
        shutil.copy(townships[source], copy)
        town = open_db(copy)
        if holds_post:
            records.insert(town, ENFORCEMENT_STAFF, dict(name="欧阳同名", unit="综合执法", in_post=True))
        records.insert(town, ENFORCEMENT_CERTIFICATE, dict(holder="欧阳同名", cert_no=f"豫{source}0001", valid_from="2021-01-01", valid_until=valid_until))
        made.append((source, write_package(town, YEAR, tmp_path / f"{source}.zip")))
        town.close()
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, [package for _, package in made], consent=TRUSTED)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    whole = due_items(db, today)
    db.conn.set_trace_callback(None)
    assert not any("CREATE TEMP VIEW" in sql for sql in statements), "no township-by-township scope changes"
    namesakes = [item.text for item in whole if "欧阳同名" in item.text]
    assert namesakes == ["赵村镇：欧阳同名的执法证（豫赵村镇0001）即将到期，请安排换证（新证另录一条）"], namesakes
    each = []
    for township_id, name in county_scope.township_choices(db):
        county_scope.set_scope(db, township_id)
        each += [(item.register, item.record_id, f"{name}：{item.text}") for item in due_items(db, today)]
    county_scope.set_scope(db, None)
    assert sorted((item.register, item.record_id, item.text) for item in whole) == sorted(each)
    db.close()


def test_the_county_summary_names_each_village_with_its_township(townships, packages, tmp_path):
    """导出本期汇总表 over the whole county: two townships' 赵村村 are two rows, each its own township's."""
    town, shared, other = _yaoshan_sharing_a_village_name(townships, tmp_path)
    zhao = open_db(townships["赵村镇"])
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, [packages["赵村镇"], other], consent=TRUSTED)
    county_tables = {table.sheet: table for table in build_tables(db, YEAR)}
    by_town = {"赵村镇": {t.sheet: t for t in build_tables(zhao, YEAR)}, "尧山镇": {t.sheet: t for t in build_tables(town, YEAR)}}
    for sheet in ("宣传-按村", "顾问-按村", "调解-按村"):
        table = county_tables[sheet]
        labels = [row[0] for row in table.rows]
        assert len(labels) == len(set(labels)), f"{sheet}: a village twice"
        assert f"赵村镇{villages.COUNTY_VILLAGE_MARK}{shared}" in labels and f"尧山镇{villages.COUNTY_VILLAGE_MARK}{shared}" in labels
        assert table.headers[0].startswith("乡镇·村(居)") and by_town["赵村镇"][sheet].headers[0].startswith("村(居)")
        for row in table.rows[:-1]:  # each village's row is its township's own row for it
            township, _, village = row[0].partition(villages.COUNTY_VILLAGE_MARK)
            own_row = next(r for r in by_town[township][sheet].rows if r[0] == village)
            assert row[1:] == own_row[1:], (sheet, row[0])
        others = [sum(by_town[t][sheet].rows[-1][i] for t in by_town) for i in range(1, len(table.headers))]
        assert table.rows[-1] == [villages.OTHER_PLACES, *others]
        assert table.totals()[1:] == [sum(by_town[t][sheet].totals()[i] for t in by_town) for i in range(1, len(table.headers))]
    county_scope.set_scope(db, _ids(db)["尧山镇"])  # one township: plain village names, as in its own workbook
    assert [row[0] for row in next(t for t in build_tables(db, YEAR) if t.sheet == "调解-按村").rows] == [row[0] for row in by_town["尧山镇"]["调解-按村"].rows]
    for handle in (db, town, zhao):
        handle.close()


def test_a_county_export_names_the_township_of_each_party(townships, packages, tmp_path):
    """Case numbers repeat across townships: the 当事人 sheet of a whole county's export leads with 乡镇."""
    with_parties = (
        "SELECT c.id, c.case_no FROM mediation_case AS c WHERE c.case_no IS NOT NULL AND c.accepted LIKE ? "
        "AND EXISTS (SELECT 1 FROM mediation_party AS p WHERE p.case_id = c.id) ORDER BY c.id"
    )
    zhao = open_db(townships["赵村镇"])
    number = zhao.execute(with_parties, [f"{YEAR}-%"]).fetchone()[1]
    zhao.close()
    copy = tmp_path / "中汤镇.db"
    shutil.copy(townships["中汤镇"], copy)
    town = open_db(copy)
    records.update(town, MEDIATION_CASE, town.execute(with_parties, [f"{YEAR}-%"]).fetchone()[0], {"case_no": number})  # the same number in two townships
    same_number = write_package(town, YEAR, tmp_path / "中汤镇.zip")
    town.close()
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, [packages["赵村镇"], same_number, packages["瓦屋镇"]], consent=TRUSTED)
    assert {row[0] for row in db.execute("SELECT township_id FROM main.mediation_case WHERE case_no = ?", [number])} == set(_ids(db).values()) - {_ids(db)["瓦屋镇"]}
    path = tmp_path / "全县调解.xlsx"
    assert write_export(db, MEDIATION_CASE, path, queries.RecordQuery(year=YEAR)) == queries.count(db, MEDIATION_CASE, queries.RecordQuery(year=YEAR))
    book = openpyxl.load_workbook(path)
    cases, parties = book[MEDIATION_CASE.title], book[PARTY.title]
    header = [cell.value for cell in parties[1]]
    assert header[:2] == ["乡镇", MEDIATION_CASE.field("case_no").label]
    case_header = [cell.value for cell in cases[3]]
    town_at, number_at = case_header.index("乡镇"), case_header.index(MEDIATION_CASE.field("case_no").label)
    keys = {(row[town_at], row[number_at] or f"第{line}行") for line, row in enumerate(cases.iter_rows(min_row=4, values_only=True), start=4)}
    written = [(row[0], row[1]) for row in parties.iter_rows(min_row=2, values_only=True)]
    assert written and set(written) <= keys, "every party names a case of its own township"
    expected = db.execute(
        "SELECT t.name, count(*) FROM mediation_party AS p JOIN mediation_case AS c ON c.id = p.case_id JOIN township AS t ON t.id = c.township_id "
        "WHERE c.accepted >= ? AND c.accepted <= ? GROUP BY t.name", [f"{YEAR}-01-01", f"{YEAR}-12-31"]).fetchall()
    assert sorted(Counter(town for town, _ in written).items()) == sorted(expected)
    for name in ("赵村镇", "中汤镇"):  # the parties of each township's case with that number, under its township
        own = db.execute("SELECT count(*) FROM mediation_party AS p JOIN mediation_case AS c ON c.id = p.case_id WHERE c.case_no = ? AND c.township_id = ?",
                         [number, _ids(db)[name]]).fetchone()[0]  # fmt: skip
        assert written.count((name, number)) == own > 0
    db.close()


def test_the_overview_of_one_township_is_its_own(county, townships):
    from zhaocun_desktop.due import due_items
    from zhaocun_desktop.overview import year_picture

    town = open_db(townships["瓦屋镇"])
    own = year_picture(town, YEAR)
    town.close()
    county_scope.set_scope(county, _ids(county)["瓦屋镇"])
    scoped = year_picture(county, YEAR)
    assert (scoped.months, scoped.types, scoped.outcomes, scoped.villages) == (own.months, own.types, own.outcomes, own.villages)
    assert own.cases > 0
    due_items(county)  # reads the township's rows through the same views


def test_a_package_changed_during_the_roll_up_is_refused(packages, tmp_path, monkeypatch):
    from zhaocun_desktop import package as package_module

    copies = [shutil.copy(path, tmp_path / path.name) for path in packages.values()]
    db = rollup.open_county(tmp_path / "县.db")
    real = package_module.open_package
    seen = []

    def open_then_replace(path):  # the second file is overwritten by another township's after it was checked
        found = real(path)
        seen.append(Path(path).name)
        if len(seen) == len(copies):
            shutil.copy(copies[0], copies[1])
        return found

    monkeypatch.setattr(rollup, "open_package", open_then_replace)
    with pytest.raises(UserError, match="被改动"):
        rollup.roll_up(db, copies, consent=TRUSTED)
    assert db.execute("SELECT count(*) FROM main.package").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM main.mediation_case").fetchone()[0] == 0
    db.close()


def test_the_lazy_search_list_equals_the_eager_one_in_a_county(county):
    """The list on screen walks the date index through the township views as it does in a township's own file."""

    class SmallSteps(queries.RecordList):
        RARE, FIRST, WALK_BUDGET, WALK_SHARE, WALK_STEP = 40, 5, 60, 1, 7

    walked = 0
    for township_id in [None, *(found for found, _ in county_scope.township_choices(county))]:
        county_scope.set_scope(county, township_id)
        for query in (queries.RecordQuery(search="调解"), queries.RecordQuery(search="耐心疏导", year=YEAR), queries.RecordQuery(search="村 镇调委会", descending=True, sort_key="accepted")):
            eager = queries.RecordList(county, MEDIATION_CASE, query, ["id"])
            lazy = SmallSteps(county, MEDIATION_CASE, query, ["id"], lazy=True)
            walked += not lazy.complete
            while not lazy.complete:
                lazy.extend(lazy.more(13))
            assert [row[0] for row in lazy.rows(0, lazy.count)] == [row[0] for row in eager.rows(0, eager.count)], (township_id, query)
    assert walked  # the lazy walk was taken, not only the eager fallback
    county_scope.set_scope(county, None)


def test_roll_up_reports_progress_and_a_cancel_writes_nothing(packages, tmp_path):
    from zhaocun_desktop.progress import Cancelled

    db = rollup.open_county(tmp_path / "县.db")
    paths = list(packages.values())
    heard = []

    def cancel_at_second_package(done, total, text):
        heard.append((done, total, text))
        if text.startswith("正在导入") and "（2/" in text:
            raise Cancelled

    def row_counts():
        return {register.key: db.execute(f"SELECT count(*) FROM main.{register.key}").fetchone()[0] for register in (*REGISTERS, VILLAGE)}

    before = row_counts()
    with pytest.raises(Cancelled):
        rollup.roll_up(db, paths, cancel_at_second_package, consent=TRUSTED)
    # every file was checked first, then the first package written before the cancel: all rolled back
    assert [text[:4] for _, _, text in heard] == ["正在检查"] * len(paths) + ["正在导入"] * 2
    assert [done for done, _, _ in heard] == list(range(len(paths) + 2))
    assert row_counts() == before and county_scope.township_choices(db) == []
    assert db.execute("SELECT count(*) FROM main.package").fetchone()[0] == 0
    from zhaocun_desktop import search

    assert all(search.has_index(db, register) for register in search.indexed_registers(db)), "the search triggers it dropped are back"
    # the same packages again, to the end: the steps reach their total
    heard.clear()
    outcomes = rollup.roll_up(db, paths, lambda *step: heard.append(step), consent=TRUSTED)
    assert [outcome.action for outcome in outcomes] == ["added"] * len(paths)
    assert heard[-1][:2] == (2 * len(paths), 2 * len(paths)) and heard[-1][2] == "正在保存…"
    db.close()


def test_a_large_roll_up_rebuilds_the_search_indexes_a_small_one_keeps_them(packages, tmp_path, monkeypatch):
    """Whether the indexes are kept row by row or rebuilt at the end, searches find the same rows."""
    from zhaocun_desktop import search

    rebuilt = []
    build = search.build_index
    monkeypatch.setattr(search, "build_index", lambda db, register, progress=None: rebuilt.append(register.key) or build(db, register, progress))
    found = {}
    for share in (rollup.REBUILD_SHARE, 2.0):  # the first three packages of an empty county: rebuilt; never: kept
        monkeypatch.setattr(rollup, "REBUILD_SHARE", share)
        db = rollup.open_county(tmp_path / f"县{share}.db")
        rebuilt.clear()  # a new county database builds its (empty) indexes when it is made
        rollup.roll_up(db, list(packages.values()), consent=TRUSTED)
        assert bool(rebuilt) == (share < 1), share
        for register in search.indexed_registers(db):
            assert search.has_index(db, register)
            fts = search.index_table(register)
            db.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        found[share] = {word: [row[0] for row in queries.page(db, MEDIATION_CASE, queries.RecordQuery(search=word), 0, 10_000, ["id"])]
                        for word in ("调解成功", "赵村", "邱店", "宅基地", "纠纷")}  # fmt: skip
        db.close()
    assert found[rollup.REBUILD_SHARE] == found[2.0] and all(found[2.0].values())


def test_a_whole_countys_list_finds_a_townships_records_by_its_name(county):
    """A whole county's lists show 乡镇: a word of a township's name finds its records there, through the
    index or not, read at once or walked lazily; a chosen township's list has no 乡镇 and finds by text alone."""
    ids = _ids(county)
    names = {township_id: name for name, township_id in ids.items()}

    def by_definition(register, words: list[str], townships: bool) -> set[int]:
        """Every word in the record's shown text, or (whole county) in its township's name; of the rows
        the scope shows (the unqualified table name: county_scope.set_scope's view)."""
        fields = [field.key for field in register.fields if field.searchable]
        cursor = county.execute(f"SELECT id, township_id, {queries.select_list(county, register)} FROM {register.key}")
        columns = [column[0] for column in cursor.description]
        found = set()
        for row in cursor:
            values = dict(zip(columns, row))
            text = [str(values[key]) for key in fields if values[key] is not None]
            if all(any(word in t for t in text) or (townships and word in names[values["township_id"]]) for word in words):
                found.add(values["id"])
        return found

    county_scope.set_scope(county, None)
    for register in (MEDIATION_CASE, ENFORCEMENT_STAFF):
        for search in ("中汤镇", "中汤", "汤", "中汤 调解成功", "瓦屋 中汤"):  # 3 characters (the index), 2 (its vocabulary), 1 (instr)
            expected = by_definition(register, search.split(), townships=True)
            for lazy in (False, True):
                listed = queries.RecordList(county, register, queries.RecordQuery(search=search), ["id"], lazy=lazy)
                assert {row[0] for row in listed.rows(0, listed.count)} == expected, (register.key, search, lazy)
        own = {row[0] for row in county.execute(f"SELECT id FROM main.{register.key} WHERE township_id = ?", [ids["中汤镇"]])}
        assert own and own <= by_definition(register, ["中汤"], townships=True)
    county_scope.set_scope(county, ids["瓦屋镇"])  # one township: no 乡镇 column, so a township's name is text like any other
    listed = queries.RecordList(county, MEDIATION_CASE, queries.RecordQuery(search="瓦屋"), ["id"])
    found = {row[0] for row in listed.rows(0, listed.count)}
    assert found == by_definition(MEDIATION_CASE, ["瓦屋"], townships=False)
    assert len(found) < queries.count(county, MEDIATION_CASE), "not every record of 瓦屋镇"
    county_scope.set_scope(county, None)


def test_a_first_format_conversion_stopped_half_way_is_taken_up_again_in_the_dialog(packages, townships, tmp_path):
    """Stopped after its tables were set aside (the program killed meanwhile), the conversion is taken up
    at the next open, again through ``upgrade_with`` (the dialog), and loses nothing."""
    from zhaocun_desktop.db import connect

    path = tmp_path / "旧县.db"
    kept = _first_format_file(path, packages)
    conn = connect(path)
    rollup._set_aside_first_format(conn)  # what the first open had done when it was stopped
    conn.close()
    said = []
    db = rollup.open_county(path, upgrade_with=lambda text, work: said.append(text) or work(None))
    assert len(said) == 1 and f"{kept:,} 条旧格式的记录" in said[0]
    assert county_figures.figure_differences(db, YEAR) == []
    for name, township_id in _ids(db).items():
        county_scope.set_scope(db, township_id)
        assert _plain(yearly_figures(db, YEAR).values) == _own(townships[name])
    db.close()

"""The township's data package and the county roll-up, on three real demo townships."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from county_towns import TRUSTED, YEAR, build_townships, later, remade

from zhaocun_desktop import audit, queries, records, settings as township_settings
from zhaocun_desktop.county import figures as county_figures, rollup, summary as county_summary
from zhaocun_desktop.db import SCHEMA_VERSION, open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.figures import FIGURES, RATES, RateValue, yearly_figures
from zhaocun_desktop.package import package_registers, read_package, write_package
from zhaocun_desktop.registers import MEDIATION_CASE, PARTY


@pytest.fixture(scope="module")
def townships(tmp_path_factory) -> dict[str, Path]:
    return build_townships(tmp_path_factory.mktemp("towns"))


@pytest.fixture
def packages(townships, tmp_path) -> dict[str, Path]:
    made = {}
    for town, path in townships.items():
        db = open_db(path)
        made[town] = write_package(db, YEAR, tmp_path / f"{town}.zip")
        db.close()
    return made


def _counts(db) -> tuple:
    """Rows of the county's own tables and of every register table (a roll-up's records are register rows)."""
    tables = ("package", "package_figure", "township", "audit_log", *(register.key for register in rollup.county_registers()))
    return tuple(db.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0] for table in tables)


def test_demo_townships_differ(townships):
    villages, figures = [], []
    for path in townships.values():
        db = open_db(path)
        villages.append(frozenset(queries.village_names(db)))
        figures.append(yearly_figures(db, YEAR).values["cases"])
        assert township_settings.settings(db)["town"] == path.stem
        db.close()
    assert len(set(villages)) == 3 and not (villages[0] & villages[1])
    assert len(set(figures)) > 1


def test_package_holds_the_year_masked_with_a_manifest(townships, packages):
    package = read_package(packages["赵村镇"])
    assert package.township == "赵村镇" and package.year == YEAR
    assert package.manifest["schema_version"] == SCHEMA_VERSION and package.manifest["personal_data"] == "masked"
    db = open_db(townships["赵村镇"])
    assert {r.key for r in package_registers(db)} == set(package.records)
    cases = package.records[MEDIATION_CASE.key]
    assert len(cases) == queries.count(db, MEDIATION_CASE, queries.RecordQuery(year=YEAR))
    parties = package.records[PARTY.key]  # ID numbers live on the parties of the year's cases
    assert parties and {party["case_id"] for party in parties} <= {case["id"] for case in cases}
    ids = [party["id_number"] for party in parties if party.get("id_number")]
    assert ids and all("*" in number for number in ids)
    assert package.figures["cases"] == yearly_figures(db, YEAR).values["cases"]
    assert any("上报数据包" in (row["note"] or "") and "遮盖" in row["note"] for row in audit.audit_rows(db, "package"))
    db.close()


def test_full_personal_data_only_when_chosen_and_audited(townships, tmp_path):
    db = open_db(townships["中汤镇"])
    path = write_package(db, YEAR, tmp_path / "full.zip", reveal=True)
    full = read_package(path)
    numbers = [party["id_number"] for party in full.records[PARTY.key] if party.get("id_number")]
    assert numbers and all(re.fullmatch(r"\d{17}[\dX]", number) for number in numbers)
    assert "完整" in audit.audit_rows(db, "package")[-1]["note"]
    db.close()


def test_roll_up_of_three_townships_adds_up(townships, packages, tmp_path):
    db = rollup.open_county(tmp_path / "county.db")
    outcomes = rollup.roll_up(db, list(packages.values()), consent=TRUSTED)
    assert [o.action for o in outcomes] == ["added"] * 3
    total = county_figures.county_figures(db, YEAR)
    expected: dict = {}
    case_rows = 0
    for path in townships.values():
        town = open_db(path)
        case_rows += queries.count(town, MEDIATION_CASE, queries.RecordQuery(year=YEAR))
        for key, value in yearly_figures(town, YEAR).values.items():
            if isinstance(value, RateValue):
                before = expected.get(key, (0, 0))
                expected[key] = (before[0] + value.numerator, before[1] + value.denominator)
            else:
                expected[key] = expected.get(key, 0) + value
        town.close()
    assert set(expected) == {f.key for f in FIGURES} | {r.key for r in RATES}
    assert total == expected
    assert county_figures.townships(db, YEAR) == sorted(packages)
    rows = county_figures.township_records(db, YEAR, MEDIATION_CASE.key)
    assert len(rows) == case_rows
    assert {row["township"] for row in rows} == set(packages)

    out = county_summary.write_county_summary(db, YEAR, tmp_path / "全县汇总.xlsx")
    sheet = openpyxl.load_workbook(out).active
    header = [cell.value for cell in sheet[2]]
    assert header[2:] == [*sorted(packages), rollup.COUNTY_TOTAL]
    for row in sheet.iter_rows(min_row=3, max_row=2 + len(FIGURES), values_only=True):
        figure = next(f for f in FIGURES if f.label == row[0])
        assert row[-1] == expected[figure.key] == sum(row[2:-1])
    db.close()


def test_the_same_package_twice_adds_nothing(packages, tmp_path):
    db = rollup.open_county(tmp_path / "county.db")
    rollup.roll_up(db, [packages["赵村镇"]], consent=TRUSTED)
    before = _counts(db)
    copy = shutil.copy(packages["赵村镇"], tmp_path / "又发了一次.zip")
    outcomes = rollup.roll_up(db, [packages["赵村镇"], copy], consent=TRUSTED)
    assert [o.action for o in outcomes] == ["skipped", "skipped"]
    assert _counts(db) == before
    db.close()


def test_a_newer_package_replaces_the_older_and_is_audited(townships, packages, tmp_path, monkeypatch):
    db = rollup.open_county(tmp_path / "county.db")
    rollup.roll_up(db, list(packages.values()), consent=TRUSTED)
    old_cases = county_figures.county_figures(db, YEAR)["cases"]
    town_path = tmp_path / "赵村镇-改.db"
    shutil.copy(townships["赵村镇"], town_path)
    town = open_db(town_path)
    first = queries.rows_by_id(town, MEDIATION_CASE, queries.RecordList(town, MEDIATION_CASE, queries.RecordQuery(year=YEAR), ["id"]).rows(0, 1)[0][:1])[0]
    copy = {f.key: None if f.unique else first[f.key] for f in MEDIATION_CASE.fields}  # one more case of the year
    records.insert(town, MEDIATION_CASE, copy)
    monkeypatch.setattr(audit, "now", later)  # made later than the first package
    newer = write_package(town, YEAR, tmp_path / "赵村镇-更正.zip")
    town.close()
    outcomes = rollup.roll_up(db, [newer], consent=TRUSTED)
    assert outcomes[0].action == "replaced"
    assert county_figures.county_figures(db, YEAR)["cases"] == old_cases + 1
    assert db.execute("SELECT count(*) FROM package WHERE township = '赵村镇' AND replaced_at IS NULL").fetchone()[0] == 1
    assert audit.audit_rows(db, "package")[-1]["action"] == "replace"
    entry = audit.audit_entries(db, "package")[0]  # as 操作记录 shows it: newest first, in Chinese
    assert (entry.title, entry.action) == ("上报数据包", "替换") and "替换了较旧的" in entry.note
    # the older one again: not newer, nothing changes
    before = _counts(db)
    assert rollup.roll_up(db, [packages["赵村镇"]], consent=TRUSTED)[0].action == "skipped"
    assert _counts(db) == before
    db.close()


def _damaged(source: Path, target: Path) -> Path:
    """The same package with one record changed and the manifest left as it was."""

    def change(name: str, data: bytes) -> bytes:
        if name != "records/mediation_case.jsonl":
            return data
        first, rest = data.split(b"\n", 1)
        row = json.loads(first)
        row["result"] = "调解不成功" if row["result"] != "调解不成功" else "调解成功"
        return json.dumps(row, ensure_ascii=False).encode() + b"\n" + rest

    return remade(source, target, change, rehash=False)


def test_damaged_or_foreign_files_are_refused_and_nothing_is_written(townships, packages, tmp_path):
    db = rollup.open_county(tmp_path / "county.db")
    rollup.roll_up(db, [packages["赵村镇"]], consent=TRUSTED)
    before = _counts(db)
    truncated = tmp_path / "截断.zip"
    truncated.write_bytes(packages["瓦屋镇"].read_bytes()[:2000])
    workbook = tmp_path / "表格.zip"
    openpyxl.Workbook().save(workbook)  # a real zip, but not ours
    cases = [
        (_damaged(packages["中汤镇"], tmp_path / "改过.zip"), "校验值"),
        (truncated, "损坏"),
        (workbook, "不是本程序导出的上报数据包"),
        (townships["瓦屋镇"], "不是本程序导出的上报数据包"),
    ]
    for path, reason in cases:
        with pytest.raises(UserError) as refused:
            rollup.roll_up(db, [packages["中汤镇"], path], consent=TRUSTED)  # a good package in the same run is not taken either
        assert reason in str(refused.value) and path.name in str(refused.value)
        assert _counts(db) == before
    db.close()


def test_a_township_database_is_not_opened_as_a_county_database(townships, tmp_path):
    path = tmp_path / "镇.db"
    shutil.copy(townships["赵村镇"], path)
    data = path.read_bytes()
    with pytest.raises(UserError, match="不是县级汇总数据库"):
        rollup.open_county(path)
    assert path.read_bytes() == data


def test_cli_package_and_rollup(townships, tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "zhaocun_desktop", *map(str, args)], capture_output=True, text=True, timeout=300)

    made = []
    for town, path in townships.items():
        out = tmp_path / f"{town}.zip"
        result = run("package", "--db", path, "--year", YEAR, "--out", out)
        assert result.returncode == 0, result.stderr
        made.append(out)
    result = run("rollup", "--db", tmp_path / "县.db", *made, "--out", tmp_path / "全县.xlsx")
    assert result.returncode == 2 and result.stderr.count("第一次收到该乡镇的数据包") == 3 and "--accept-new-keys" in result.stderr
    result = run("rollup", "--db", tmp_path / "县.db", *made, "--out", tmp_path / "全县.xlsx", "--accept-new-keys")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("已导入") == 3 and "3个乡镇" in result.stdout
    result = run("rollup", "--db", tmp_path / "县.db", tmp_path / "全县.xlsx")
    assert result.returncode == 2 and "没有写入任何内容" in result.stderr

"""A township's history over several years (``demo --years``): one continuous office, not unrelated samples."""

from __future__ import annotations

import re
import sqlite3

import pytest

from zhaocun_desktop import queries, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import build_demo
from zhaocun_desktop.figures import yearly_figures
from zhaocun_desktop.registers import MEDIATION_CASE, PETITION, VILLAGE

FIRST, LAST = 2019, 2022
YEARS = range(FIRST, LAST + 1)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    path = tmp_path_factory.mktemp("years") / "history.db"
    written = build_demo(path, year=LAST, seed=5, town="瓦屋镇", first_year=FIRST)
    db = open_db(path)
    yield path, db, written
    db.close()


def _all_rows(path) -> dict:
    conn = sqlite3.connect(path)
    # the database's signing key is random, a demo's too (no two offices may share one)
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%' AND name NOT IN ('audit_log', 'signing_key')")]
    dump = {}
    for table in tables:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in ("created_at", "updated_at")]
        dump[table] = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
    conn.close()
    return dump


def test_a_history_is_deterministic(history, tmp_path):
    path, _, written = history
    again = build_demo(tmp_path / "again.db", year=LAST, seed=5, town="瓦屋镇", first_year=FIRST)
    assert again == written
    assert _all_rows(tmp_path / "again.db") == _all_rows(path)


def test_every_year_is_a_full_year_of_the_same_villages(history):
    _, db, _ = history
    assert queries.years(db, MEDIATION_CASE) == list(reversed(YEARS))
    assert queries.years(db, PETITION) == list(reversed(YEARS))
    villages = queries.count(db, VILLAGE)
    for year in YEARS:
        cases = queries.count(db, MEDIATION_CASE, queries.RecordQuery(year=year))
        assert 150 <= cases <= 220, year
        used = db.execute("SELECT count(DISTINCT village_id) FROM mediation_case WHERE accepted LIKE ?", [f"{year}-%"]).fetchone()[0]
        assert used >= villages * 0.8, year  # the same villages bring cases every year
    assert township_settings.settings(db)["report_year"] == LAST


def test_case_numbers_restart_each_year_without_gaps(history):
    _, db, _ = history
    for year in YEARS:
        numbers = [
            int(re.fullmatch(rf"（{year}）瓦人调字第(\d+)号", row[0])[1])
            for row in db.execute("SELECT case_no FROM mediation_case WHERE org = '镇调委会' AND accepted LIKE ?", [f"{year}-%"])
        ]
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), year


def test_open_cases_and_petitions_of_a_past_year_close_in_the_next(history):
    _, db, _ = history
    open_cases = dict(db.execute("SELECT substr(accepted, 1, 4), count(*) FROM mediation_case WHERE result = '调解中' GROUP BY 1").fetchall())
    assert set(open_cases) <= {str(LAST)}
    open_petitions = dict(db.execute("SELECT substr(reg_date, 1, 4), count(*) FROM petition WHERE status = '在办' GROUP BY 1").fetchall())
    assert set(open_petitions) <= {str(LAST)}
    assert open_cases or open_petitions  # the last year is still being worked on
    for year in YEARS[:-1]:
        carried = db.execute(
            "SELECT count(*) FROM mediation_case WHERE accepted LIKE ? AND closed >= ?", [f"{year}-%", f"{year + 1}-01-01"]
        ).fetchone()[0]
        assert carried > 0, year
    assert not db.execute("SELECT count(*) FROM mediation_case WHERE closed < accepted").fetchone()[0]


def test_the_same_people_work_every_year(history):
    _, db, _ = history
    by_year = {
        year: {row[0] for row in db.execute("SELECT mediator FROM mediation_case WHERE org = '镇调委会' AND accepted LIKE ?", [f"{year}-%"])}
        for year in YEARS
    }
    assert by_year[FIRST] == by_year[LAST]  # the town committee's mediators
    rostered = {row[0] for row in db.execute("SELECT name FROM mediator")}
    assert {row[0] for row in db.execute("SELECT DISTINCT mediator FROM mediation_case")} <= rostered
    advisors = {year: {row[0] for row in db.execute("SELECT DISTINCT advisor FROM advisor_work WHERE work_date LIKE ?", [f"{year}-%"])} for year in YEARS}
    assert advisors[FIRST] == advisors[LAST] == {row[0] for row in db.execute("SELECT name FROM legal_advisor")}
    staff = {row[0] for row in db.execute("SELECT name FROM enforcement_staff")}
    assert {row[0] for row in db.execute("SELECT holder FROM enforcement_certificate")} <= staff


def test_staff_come_and_go_and_certificates_are_renewed(history):
    _, db, _ = history
    left = db.execute("SELECT count(*) FROM enforcement_staff WHERE post_until IS NOT NULL").fetchone()[0]
    joined = db.execute("SELECT count(*) FROM enforcement_staff WHERE post_from >= ?", [f"{FIRST + 1}-01-01"]).fetchone()[0]
    assert left + joined > 0
    renewed = db.execute("SELECT count(*) FROM (SELECT holder FROM enforcement_certificate GROUP BY holder HAVING count(*) > 1)").fetchone()[0]
    assert renewed > 0
    for year in YEARS:  # renewals keep most posts certified in every year, not only the last
        figures = yearly_figures(db, year).values
        assert figures["posts"] > 20 and figures["certified"] >= figures["posts"] * 0.6, (year, figures["posts"], figures["certified"])


def test_cli_years(tmp_path, capsys):
    path = tmp_path / "h.db"
    assert main(["demo", "--db", str(path), "--town", "中汤镇", "--seed", "7", "--years", "2022-2023"]) == 0
    assert "调解案件" in capsys.readouterr().out
    db = open_db(path)
    assert queries.years(db, MEDIATION_CASE) == [2023, 2022]
    assert township_settings.settings(db)["town"] == "中汤镇"
    db.close()


@pytest.mark.parametrize("years", ["2024-2015", "20xx", "1800-2020"])
def test_cli_years_refuses_a_wrong_range_and_writes_nothing(tmp_path, capsys, years):
    path = tmp_path / "h.db"
    assert main(["demo", "--db", str(path), "--years", years]) == 2
    error = capsys.readouterr().err
    assert "--years" in error or "年度" in error
    assert not path.exists()

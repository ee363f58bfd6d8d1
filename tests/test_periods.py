"""Any period: quarters and months add up to the year for every figure that is a count or a sum."""

import datetime as dt

import openpyxl
import pytest
from report_data import case, fill_known_ledger

from zhaocun_desktop import figures as fig, records
from zhaocun_desktop.cli import main
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.figures import Period
from zhaocun_desktop.registers import MEDIATION_CASE, PETITION
from zhaocun_desktop.summary import build_tables

ADDITIVE = [f for f in fig.FIGURES if f.per_year and f.register.date_field and "DISTINCT" not in f.measure]
DISTINCT = [f for f in fig.FIGURES if "DISTINCT" in f.measure]


def test_the_additive_figures_are_most_of_them():
    assert len(ADDITIVE) >= 40 and len(ADDITIVE) + len(DISTINCT) + sum(not f.per_year for f in fig.FIGURES) == len(fig.FIGURES)


def test_period_shapes_and_labels():
    assert Period.quarter(2024, 1) == Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert Period.month(2024, 2).end == dt.date(2024, 2, 29) and Period.month(2023, 12).end == dt.date(2023, 12, 31)
    assert [p.label for p in (Period.year(2023), Period.quarter(2023, 4), Period.month(2023, 3))] == ["2023年", "2023年第四季度", "2023年3月"]
    assert Period(dt.date(2023, 12, 26), dt.date(2024, 3, 25)).label == "2023年12月26日至2024年3月25日"
    assert Period.of(2023) == Period.year(2023) and Period.year(2023).is_year and not Period.quarter(2023, 1).is_year
    with pytest.raises(UserError, match="早于开始日期"):
        Period(dt.date(2024, 3, 25), dt.date(2024, 1, 1))


def assert_parts_add_up(db, year):
    whole = fig.yearly_figures(db, year)
    quarters = [fig.period_figures(db, p) for p in Period.year(year).quarters()]
    months = [fig.period_figures(db, Period.month(year, m)) for m in range(1, 13)]
    for figure in ADDITIVE:
        assert sum(q[figure.key] for q in quarters) == pytest.approx(whole[figure.key]), figure.key
        assert sum(m[figure.key] for m in months) == pytest.approx(whole[figure.key]), figure.key
    for figure in DISTINCT:  # distinct villages: each quarter at most the year
        assert max(q[figure.key] for q in quarters) <= whole[figure.key] <= sum(q[figure.key] for q in quarters)
    for figure in fig.FIGURES:
        if not figure.per_year:  # a state: the fourth quarter ends when the year does
            assert quarters[3][figure.key] == whole[figure.key], figure.key
    return whole


def test_quarters_and_months_add_up_to_the_year_on_demo_data(db):
    fill_demo(db)
    whole = assert_parts_add_up(db, 2023)
    assert whole["cases"] > 100 and whole["petitions"] > 10  # the demo has something to add up
    assert_parts_add_up(db, 2022)


def test_a_case_across_the_year_boundary(db):
    records.insert_many(db, MEDIATION_CASE, [case("2023-12-20", "甲村", "村调委会", "调解成功", closed="2024-01-10", amount="800")])
    records.insert_many(db, PETITION, [dict(reg_date="2023-12-28", level="本镇", status="已办结", done_date="2024-01-05", satisfied="是")])
    assert_parts_add_up(db, 2023)
    assert_parts_add_up(db, 2024)
    december, january = fig.period_figures(db, Period.month(2023, 12)), fig.period_figures(db, Period.month(2024, 1))
    assert (december["cases"], december["cases_success"], december["case_amount"]) == (1, 1, 800)
    assert (january["cases"], january["case_amount"]) == (0, 0)  # counted once: in the month it was accepted
    assert december["petitions_on_time"] == 1 and january["petitions_on_time"] == 0
    span = fig.period_figures(db, Period(dt.date(2023, 11, 26), dt.date(2024, 2, 25)))  # a county period to the 25th
    assert span["cases"] == 1 and span["petitions"] == 1


def test_known_ledger_by_quarter(db):
    known = fill_known_ledger(db)
    assert_parts_add_up(db, 2023)
    q4 = fig.period_figures(db, Period.quarter(2023, 4))
    assert q4["cases"] == 1 and q4["cases_open"] == 1  # the case of 20 December
    assert sum(fig.period_figures(db, p)["cases"] for p in Period.year(2023).quarters()) == known["cases"]
    rows = fig.records_behind(db, fig.BY_KEY["cases"], Period.quarter(2023, 4))
    assert [row["accepted"] for row in rows] == ["2023-12-20"]


def test_summary_tables_of_the_quarters_add_up_to_the_years(db):
    fill_demo(db)

    def totals(period):
        return {t.sheet: t.totals() for t in build_tables(db, period) if t.total}

    year = totals(2023)
    quarters = [totals(p) for p in Period.year(2023).quarters()]
    for sheet in ("调解-按村", "调解-按类型", "调解-按组织", "宣传-按村", "顾问-按类型", "信访-按层级", "执法-培训"):
        for column in range(1, len(year[sheet])):
            if isinstance(year[sheet][column], (int, float)) and not isinstance(year[sheet][column], bool):
                assert sum(q[sheet][column] for q in quarters) == pytest.approx(year[sheet][column]), (sheet, column)


def test_cli_summary_for_a_quarter_and_a_range(db, db_path, capsys, tmp_path):
    fill_known_ledger(db)
    out = tmp_path / "q4.xlsx"
    assert main(["summary", "--db", str(db_path), "--year", "2023", "--quarter", "4", "--out", str(out)]) == 0
    assert "2023年第四季度汇总表" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    assert book["调解-按村"]["A1"].value.startswith("赵村镇2023年第四季度")
    ranged = tmp_path / "r.xlsx"
    assert main(["summary", "--db", str(db_path), "--from", "2023-12-26", "--to", "2024-03-25", "--out", str(ranged)]) == 0
    months = [row[0].value for row in openpyxl.load_workbook(ranged)["调解-按月"].iter_rows(min_row=4)]
    assert months[:4] == ["2023年12月", "2024年1月", "2024年2月", "2024年3月"]
    assert main(["summary", "--db", str(db_path), "--from", "2023-12-26", "--out", str(ranged)]) == 2

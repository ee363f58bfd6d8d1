"""Each report figure against a ledger whose counts are known by construction."""

import pytest

from report_data import fill_known_ledger
from zhaocun_desktop import figures as fig


@pytest.fixture
def known(db):
    return fill_known_ledger(db)


def test_every_figure_matches_the_construction(db, known):
    figures = fig.yearly_figures(db, 2023)
    for key, expected in known.items():
        assert figures[key] == expected, key
    assert str(figures["success_rate"]) == "60%"
    assert str(figures["cert_rate"]) == "33.3%"
    assert fig.display(fig.BY_KEY["cert_rate"], figures["cert_rate"]) == "33.3%（1/3）"
    assert str(figures["petition_on_time_rate"]) == "66.7%"
    assert figures.occasions == ["3·8妇女节", "12·4国家宪法日"]


def test_a_case_spanning_years_counts_in_the_year_it_was_accepted(db, known):
    assert fig.yearly_figures(db, 2022)["cases"] == 1
    assert fig.yearly_figures(db, 2024)["cases"] == 1


def test_empty_year_and_empty_register(db, known):
    empty = fig.yearly_figures(db, 2019)
    assert empty["cases"] == 0 and empty["meetings"] == 0
    assert str(empty["success_rate"]) == "" and fig.display(fig.BY_KEY["success_rate"], empty["success_rate"]) == ""
    assert empty["posts"] == 3  # staff is a state, not a yearly count


def test_records_behind_each_figure_are_exactly_those_counted(db, known):
    figures = fig.yearly_figures(db, 2023)
    for figure in fig.FIGURES:
        rows = fig.records_behind(db, figure, 2023)
        if figure.measure == "count(*)":
            assert len(rows) == figures[figure.key], figure.key
    cases = fig.records_behind(db, fig.BY_KEY["cases_success"], 2023)
    assert {row["accepted"] for row in cases} == {"2023-01-10", "2023-05-10", "2023-06-01"}
    assert len(fig.records_behind(db, fig.BY_KEY["success_rate"], 2023)) == 5  # a rate lists its denominator


def test_a_village_with_no_records_is_just_absent(db, known):
    assert all(row["village"] != "丙村" for row in fig.records_behind(db, fig.BY_KEY["cases"], 2023))


def test_descriptions_are_words_not_sql():
    for figure in fig.FIGURES:
        text = fig.describe(figure)
        assert not any(word in text for word in ("AND", "NULL", "_", "'", "count(")), text
    assert fig.describe(fig.BY_KEY["cases_success"]) == "调解案件中调解结果为“调解成功”的记录条数，按受理日期计入当年"


def test_statistics_use_covering_indexes(db):
    """No figure reads its table row by row: each is answered from a covering index."""
    for figure in fig.FIGURES:
        if not figure.per_year or not figure.register.date_field:
            continue
        clause, params = fig._condition(figure, 2023)
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN SELECT {figure.measure} FROM {figure.register.key} WHERE {clause}", params))
        assert "COVERING INDEX" in plan, (figure.key, plan)

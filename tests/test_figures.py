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


@pytest.fixture(scope="module")
def sample_with_gaps(tmp_path_factory):
    """The sample database, with some records lacking the values their figures add up (合格人数, 数量, 人次)."""
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import build_demo

    path = tmp_path_factory.mktemp("gaps") / "demo.db"
    build_demo(path)
    db = open_db(path)
    with db.atomic():
        db.execute("UPDATE publicity_event SET passed = NULL WHERE id % 3 = 0")
        db.execute("UPDATE enforcement_training SET passed = NULL WHERE id % 2 = 0")
        db.execute("UPDATE advisor_work SET people = NULL WHERE id % 4 = 0")
    db.close()
    return path


def _periods():
    from hypothesis import strategies as st

    years = st.integers(2019, 2025)
    return st.one_of(
        years.map(fig.Period.year),
        st.tuples(years, st.integers(1, 4)).map(lambda pair: fig.Period.quarter(*pair)),
        st.tuples(years, st.integers(1, 12)).map(lambda pair: fig.Period.month(*pair)),
        st.tuples(st.dates(fig.dt.date(2019, 1, 1), fig.dt.date(2025, 12, 31)), st.integers(0, 800)).map(
            lambda pair: fig.Period(pair[0], pair[0] + fig.dt.timedelta(days=pair[1]))),
    )


def test_figures_read_per_register_equal_each_figure_read_alone(sample_with_gaps):
    """period_figures reads each register once (conditional aggregates, ``_computed``): every value and every list
    of records lacking a value is what one query per figure (``compute``, ``records_missing``) gives, for any period."""
    from hypothesis import HealthCheck, given, settings

    from zhaocun_desktop.db import open_db

    db = open_db(sample_with_gaps)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(period=_periods())
    def check(period):
        figures = fig.period_figures(db, period)
        for figure in fig.FIGURES:
            assert figures[figure.key] == fig.compute(db, figure, period), (period, figure.key)
            assert figures.missing.get(figure.key, ()) == fig.records_missing(db, figure, period), (period, figure.key)

    try:
        assert fig.period_figures(db, 2023).missing, "some figures lack values: the lists are compared too"
        check()
    finally:
        db.close()


def test_grouped_in_one_reading_equals_one_query_per_measure_and_column(sample_with_gaps):
    """The summary's tables read a register once per table (``grouped_many``, ``grouped_by_two``): the same
    groups and values as one ``grouped`` query per measure, and per column, for any period."""
    from hypothesis import HealthCheck, given, settings

    from zhaocun_desktop import villages
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.periods import grouped, grouped_by_two, grouped_many
    from zhaocun_desktop.registers import ADVISOR_WORK, MEDIATION_CASE, MEDIATION_RESULTS, PETITION, PETITION_LEVELS, PUBLICITY_EVENT

    db = open_db(sample_with_gaps)
    village = villages.village_group_sql(db, ADVISOR_WORK, "village")
    many = [
        (PUBLICITY_EVENT, "event_type", [("count(*)", "1"), ("sum(participants)", "1"), ("sum(passed)", "occasion != '无'")]),
        (ADVISOR_WORK, village, [("count(*)", "work_type = '走访'"), ("sum(coalesce(people, quantity))", "work_type = '走访'"), ("sum(quantity)", "work_type = '参与纠纷调处'")]),
        (PETITION, "level", [("count(*)", "1"), (fig.BY_KEY["to_county"].measure, "1"), ("count(*)", fig.BY_KEY["petitions_on_time"].where)]),
    ]
    two = [
        (MEDIATION_CASE, "dispute_type", "result", MEDIATION_RESULTS, "count(*)"),
        (ADVISOR_WORK, "work_type", "advisor_type", ADVISOR_WORK.field("advisor_type").choices, "sum(quantity)"),
        (PETITION, "CAST(substr(reg_date, 6, 2) AS INTEGER)", "level", PETITION_LEVELS, "count(*)"),
    ]

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(period=_periods())
    def check(period):
        for register, group, measures in many:
            assert grouped_many(db, register, period, group, measures) == [grouped(db, register, period, group, m, w) for m, w in measures]
        for register, rows, columns, keys, measure in two:
            alone = {(row, key): value for key in keys for row, value in grouped(db, register, period, rows, measure, f"{columns} = '{key}'").items()}
            assert grouped_by_two(db, register, period, rows, columns, keys, measure) == alone

    try:
        check()
    finally:
        db.close()

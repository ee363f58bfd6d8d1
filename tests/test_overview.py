"""The 总览 pictures count what the report counts, month by month, type by type, village by village."""

from __future__ import annotations

from zhaocun_desktop import figures as fig, records, settings as township_settings
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.overview import NOT_FILLED, TOP_VILLAGES, cases_of, month_counts, month_records, ranked, year_picture
from zhaocun_desktop.registers import MEDIATION_CASE, PETITION, VILLAGE


def _case(accepted: str, village: str, dispute_type: str, result: str) -> dict:
    closed = {} if result == "调解中" else dict(closed=accepted, agreement="书面" if result == "调解成功" else None)
    return dict(accepted=accepted, village=village, org="村调委会", dispute_type=dispute_type, parties="甲与乙", result=result, **closed)


def test_months_types_outcomes_and_villages_of_a_small_year(db):
    records.insert_many(db, VILLAGE, [dict(name="赵村村"), dict(name="中汤村")])
    rows = [
        _case("2023-03-02", "赵村村", "邻里", "调解成功"),
        _case("2023-03-30", "赵村村", "邻里", "调解中"),
        _case("2023-03-15", "中汤村", "婚姻家庭", "调解成功"),
        _case("2023-11-01", "中汤村", "邻里", "调解不成功"),
        _case("2022-12-31", "赵村村", "合同", "调解成功"),
        _case("2024-01-01", "赵村村", "合同", "调解成功"),
    ]
    for row in rows:
        records.insert(db, MEDIATION_CASE, row)
    picture = year_picture(db, 2023)
    assert picture.months == [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert picture.months_before == [0] * 11 + [1]
    assert picture.types == [("邻里", 3), ("婚姻家庭", 1)]
    assert dict(picture.outcomes) == {"调解成功": 2, "调解不成功": 1, "调解中止": 0, "调解中": 1}
    assert picture.villages == [("中汤村", 2), ("赵村村", 2)]  # ties by name
    assert picture.cases == 4


def test_the_pictures_add_up_to_the_report_figures(db):
    fill_demo(db)
    year = township_settings.settings(db)["report_year"]
    figures = fig.yearly_figures(db, year)
    picture = year_picture(db, year)
    assert picture.cases == figures["cases"] > 0
    assert sum(picture.months_before) == fig.yearly_figures(db, year - 1)["cases"]
    assert sum(count for _, count in picture.types) == figures["cases"]
    assert sum(count for _, count in picture.outcomes) == figures["cases"]
    assert dict(picture.outcomes)["调解成功"] == figures["cases_success"]
    assert dict(picture.outcomes)["调解中"] == figures["cases_open"]
    counts = [count for _, count in picture.villages]
    assert len(picture.villages) <= TOP_VILLAGES and counts == sorted(counts, reverse=True)
    top, most = picture.villages[0]
    assert most == len([r for r in fig.records_behind(db, fig.BY_KEY["cases"], year) if r["village"] == top])
    assert sum(month_counts(db, PETITION, year)) == figures["petitions"]


def test_ranked_names_blanks_and_drops_zeros():
    assert ranked({"甲": 1, None: 2, "": 1, "乙": 0, "丙": 5}) == [("丙", 5), (NOT_FILLED, 3), ("甲", 1)]
    assert ranked({"a": 3, "b": 2, "c": 1}, limit=2) == [("a", 3), ("b", 2)]


def test_the_records_behind_a_bar_are_the_ones_it_counts(db):
    fill_demo(db)
    year = township_settings.settings(db)["report_year"]
    picture = year_picture(db, year)
    for field, items in (("village", picture.villages), ("dispute_type", picture.types), ("result", picture.outcomes)):
        for label, count in items:
            rows = cases_of(db, year, field, label)
            assert len(rows) == count
            assert all(row[field] == label and row["accepted"].startswith(str(year)) for row in rows)


def test_month_records_are_the_points_of_the_trend(db):
    fill_demo(db)
    year = township_settings.settings(db)["report_year"]
    picture = year_picture(db, year)
    for month in range(1, 13):
        assert len(month_records(db, MEDIATION_CASE, year, month)) == picture.months[month - 1]

"""信访 with its life: deadlines in calendar days, extensions, open petitions, 满意率, 人次, migration."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from zhaocun_desktop import deadlines, figures as fig, records
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.registers import PETITION, PETITION_DAYS, PETITION_EXTENSION_DAYS

SNAPSHOTS = Path(__file__).parent / "data"


def accepted_with_deadline_on(weekday: int, extended: bool = False) -> dt.date:
    """The first acceptance date in 2023 whose deadline falls on ``weekday`` (5 = Saturday)."""
    day = dt.date(2023, 3, 1)
    while deadlines.petition_deadline(day, extended).weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def test_deadline_is_sixty_calendar_days_and_ninety_when_extended():
    accepted = dt.date(2023, 3, 1)
    assert deadlines.petition_deadline(accepted) == accepted + dt.timedelta(days=PETITION_DAYS) == dt.date(2023, 4, 30)
    assert deadlines.petition_deadline(accepted, extended=True) == dt.date(2023, 5, 30)
    assert PETITION_DAYS + PETITION_EXTENSION_DAYS == 90


@pytest.mark.parametrize("extended", [False, True])
def test_a_deadline_on_a_saturday_stays_on_the_saturday(extended):
    accepted = accepted_with_deadline_on(5, extended)
    saturday = deadlines.petition_deadline(accepted, extended)
    assert saturday.weekday() == 5
    assert deadlines.concluded_on_time(accepted, saturday, extended) is True
    assert deadlines.concluded_on_time(accepted, saturday + dt.timedelta(days=2), extended) is False  # the Monday after
    assert deadlines.concluded_on_time(accepted, None, extended) is None


def petition(accepted: dt.date, done: dt.date | None = None, **extra) -> dict:
    row = dict(reg_date=accepted.isoformat(), level="本镇", status="已办结" if done else "在办")
    if done:
        row["done_date"] = done.isoformat()
    row.update(extra)
    return row


def test_weekend_deadline_in_the_figures_agrees_with_the_rule(db):
    accepted = accepted_with_deadline_on(6)  # a Sunday
    sunday = deadlines.petition_deadline(accepted)
    records.insert_many(db, PETITION, [
        petition(accepted, sunday),  # on the Sunday: on time
        petition(accepted, sunday + dt.timedelta(days=1)),  # the Monday after: late
        petition(accepted, sunday + dt.timedelta(days=1), extended="是", extension_reason="需县直部门会商"),  # extended: on time
        petition(accepted, sunday + dt.timedelta(days=31), extended="是", extension_reason="需县直部门会商"),  # past 90 days: late
    ])  # fmt: skip
    figures = fig.yearly_figures(db, 2023)
    assert figures["petitions_done"] == 4 and figures["petitions_on_time"] == 2
    on_time = {row["done_date"] for row in fig.records_behind(db, fig.BY_KEY["petitions_on_time"], 2023)}
    assert on_time == {sunday.isoformat(), (sunday + dt.timedelta(days=1)).isoformat()}


def test_the_sql_rule_and_the_python_rule_agree_on_every_day(db):
    rows, expected = [], 0
    accepted = dt.date(2023, 1, 1)
    for offset in range(0, 100, 3):
        for extended in (False, True):
            done = accepted + dt.timedelta(days=offset)
            extra = dict(extended="是", extension_reason="延期") if extended else {}
            rows.append(petition(accepted, done, **extra))
            expected += deadlines.concluded_on_time(accepted, done, extended)
    records.insert_many(db, PETITION, rows)
    assert fig.yearly_figures(db, 2023)["petitions_on_time"] == expected


def test_open_petitions_do_not_lower_the_on_time_rate(db):
    records.insert_many(db, PETITION, [petition(dt.date(2023, 2, 1), dt.date(2023, 2, 10)),
                                       petition(dt.date(2023, 2, 1), dt.date(2023, 5, 1))])  # fmt: skip
    before = fig.yearly_figures(db, 2023)["petition_on_time_rate"]
    records.insert_many(db, PETITION, [petition(dt.date(2023, 11, 20)), petition(dt.date(2023, 12, 1))])
    after = fig.yearly_figures(db, 2023)
    assert (after["petition_on_time_rate"].numerator, after["petition_on_time_rate"].denominator) == (before.numerator, before.denominator) == (1, 2)
    assert after["petitions"] == 4 and after["petitions_open"] == 2


def test_satisfaction_rate_is_shown_with_its_denominator(db):
    records.insert_many(db, PETITION, [
        petition(dt.date(2023, 2, 1), dt.date(2023, 2, 10), satisfied="是"),
        petition(dt.date(2023, 2, 1), dt.date(2023, 2, 10), satisfied="是"),
        petition(dt.date(2023, 2, 1), dt.date(2023, 2, 10), satisfied="否"),
        petition(dt.date(2023, 2, 1), dt.date(2023, 2, 10)),  # not asked: not in the denominator
        petition(dt.date(2023, 3, 1)),  # open: not asked yet
    ])  # fmt: skip
    figures = fig.yearly_figures(db, 2023)
    rate = figures["petition_satisfaction_rate"]
    assert (rate.numerator, rate.denominator) == (2, 3)
    assert fig.display(fig.BY_KEY["petition_satisfaction_rate"], rate) == "66.7%（2/3）"


def test_escalated_visits_count_people_apart_from_petitions_received(db):
    records.insert_many(db, PETITION, [
        petition(dt.date(2023, 4, 1), level="进京", visitors="3"),
        petition(dt.date(2023, 4, 2), level="进京"),  # no number given: one person
        petition(dt.date(2023, 5, 1), level="到市", visitors="2"),
        petition(dt.date(2023, 5, 2)),
    ])  # fmt: skip
    figures = fig.yearly_figures(db, 2023)
    assert figures["to_beijing"] == 4 and figures["to_city"] == 2 and figures["to_province"] == 0
    assert figures["petitions"] == 4  # 件, whatever the number of people


@pytest.mark.parametrize("raw, field, message", [
    (dict(status="已办结"), "done_date", "请填写办结日期"),
    (dict(status="在办", done_date="2023-03-01"), "status", "已办结"),
    (dict(status="在办", extended="是"), "extension_reason", "须写明理由"),
    (dict(status="在办", extension_reason="会商"), "extended", "是否延期"),
    (dict(status="在办", satisfied="是"), "satisfied", "办结后"),
    (dict(status="已办结", done_date="2023-01-01"), "done_date", "不能早于受理日期"),
    (dict(), "status", "必填"),
])  # fmt: skip
def test_petition_rules(db, raw, field, message):
    with pytest.raises(InvalidRecord) as caught:
        records.insert(db, PETITION, dict(reg_date="2023-02-01", level="本镇", **raw))
    assert message in caught.value.errors[field]


def test_on_time_is_not_a_field_any_more():
    assert "on_time" not in PETITION.keys
    assert PETITION.field("reg_date").label == "受理日期"


def test_migration_turns_the_typed_flag_into_dates(tmp_path):
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path)
    conn.executescript((SNAPSHOTS / "schema_v4.sql").read_text(encoding="utf-8"))
    rows = [
        ("2023-02-01", 1, "2023-02-20", 1),  # on time by its dates
        ("2023-03-01", 0, None, None),  # the old way to enter an open petition
        ("2023-04-01", 1, "2023-06-10", None),  # typed 按期 at 70 days: an extension is assumed
        ("2023-05-01", 0, "2023-09-01", 0),  # typed late, and late by its dates
    ]
    conn.executemany("INSERT INTO petition (reg_date, level, on_time, done_date, satisfied) VALUES (?, '本镇', ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    db = open_db(path)
    columns = {row[1] for row in db.execute("PRAGMA table_info(petition)")}
    assert "on_time" not in columns and {"status", "extended", "extension_reason", "visitors"} <= columns
    stored = {row["reg_date"]: row for row in db.query("SELECT * FROM petition")}
    assert [stored[r[0]]["status"] for r in rows] == ["已办结", "在办", "已办结", "已办结"]
    assert stored["2023-04-01"]["extended"] == 1 and "延期理由" in stored["2023-04-01"]["extension_reason"]
    figures = fig.yearly_figures(db, 2023)
    rate = figures["petition_on_time_rate"]
    assert (rate.numerator, rate.denominator) == (2, 3)  # the typed flags said 2 on time; the open one no longer counts
    assert "COVERING INDEX" in " ".join(row[3] for row in db.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM petition WHERE " + fig._condition(fig.BY_KEY["petitions_on_time"], 2023)[0],
        fig._condition(fig.BY_KEY["petitions_on_time"], 2023)[1]))  # fmt: skip
    db.close()

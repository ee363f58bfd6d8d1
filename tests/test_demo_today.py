"""The demo the program opens looks like this year: dated up to the day it is made, with the few open
items a real office has, reproducible from --seed and --today."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaocun_desktop import settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import build_demo
from zhaocun_desktop.due import due_items, overdue_count
from zhaocun_desktop.registers import REGISTERS, Kind


def _every_date(db) -> list[str]:
    dates = []
    for register in REGISTERS:
        for field in register.fields:
            if field.kind is Kind.DATE and field.key not in ("valid_until", "term_end", "performance_due"):
                dates += [row[0] for row in db.execute(f"SELECT {field.key} FROM {register.key} WHERE {field.key} IS NOT NULL").fetchall()]
    return dates


@pytest.mark.parametrize("today", [dt.date(2026, 12, 7), dt.date(2027, 1, 1), dt.date(2028, 2, 29), dt.date(2025, 6, 30), dt.date(2026, 12, 31)])
def test_the_demo_of_a_day_ends_that_day_and_has_few_open_items(tmp_path, today):
    written = build_demo(tmp_path / "示例.db", today=today)
    db = open_db(tmp_path / "示例.db")
    dates = _every_date(db)
    assert max(dates) <= today.isoformat()  # nothing dated after the day (terms and certificates may start before the years)
    events = [db.execute(f"SELECT min({column}) FROM {table}").fetchone()[0] for table, column in
              (("mediation_case", "accepted"), ("petition", "reg_date"), ("publicity_event", "event_date"))]  # fmt: skip
    assert min(events) >= f"{today.year - 2}-01-01"
    years = {row[0] for row in db.execute("SELECT substr(accepted, 1, 4) FROM mediation_case")}
    assert years == {str(today.year - 2), str(today.year - 1), str(today.year)} or today.timetuple().tm_yday < 3
    assert township_settings.settings(db)["report_year"] == today.year - 1  # the report of the last whole year
    items = due_items(db, today)
    # a believable first screen: a few things to do, hardly anything overdue, no expired certificate
    assert 0 < len(items) <= 25 and overdue_count(items, today) <= 8, [i.text for i in items]
    assert not [i for i in items if i.kind == "执法证" and "已过期" in i.text]
    open_cases = db.execute("SELECT min(accepted) FROM mediation_case WHERE result = '调解中'").fetchone()[0]
    assert open_cases is None or open_cases >= (today - dt.timedelta(days=45)).isoformat()
    assert sum(written.values()) > 800


def test_the_same_seed_and_day_give_the_same_demo_through_the_command(tmp_path, capsys):
    assert main(["demo", "--db", str(tmp_path / "a.db"), "--today", "2026年12月7日", "--seed", "7"]) == 0
    assert main(["demo", "--db", str(tmp_path / "b.db"), "--today", "20261207", "--seed", "7"]) == 0
    assert main(["demo", "--db", str(tmp_path / "c.db"), "--today", "2026-12-07", "--seed", "8"]) == 0
    rows = {name: open_db(tmp_path / name).execute("SELECT accepted, case_no, village, result FROM mediation_case ORDER BY id").fetchall() for name in ("a.db", "b.db", "c.db")}
    assert rows["a.db"] == rows["b.db"] != rows["c.db"]
    with pytest.raises(SystemExit) as raised:
        main(["demo", "--db", str(tmp_path / "d.db"), "--today", "明天"])
    assert raised.value.code == 2

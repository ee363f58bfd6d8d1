"""History that stays true: a past year's report states the same figures however late it is regenerated."""

import datetime as dt

import pytest
from report_data import fill_known_ledger

from zhaocun_desktop import figures as fig, queries, records, report
from zhaocun_desktop.figures import Period
from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, ENFORCEMENT_STAFF, VILLAGE
from zhaocun_desktop.report_checks import run_checks

STATES = ("posts", "certified", "cert_rate", "demo_villages", "expiring_certs")


class Clock:
    """Moves ``datetime.date.today`` (and so every 'today' in the program) to a given day."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, day: dt.date) -> None:
        class Today(dt.date):
            @classmethod
            def today(cls):
                return day

        self.monkeypatch.setattr(dt, "date", Today)


def staff_id(db, name):
    return db.execute("SELECT id FROM enforcement_staff WHERE name = ?", [name]).fetchone()[0]


def village_id(db, name):
    return db.execute("SELECT id FROM village WHERE name = ?", [name]).fetchone()[0]


def snapshot(db):
    draft = report.build_draft(db, 2023)
    return draft.plain_text(), {key: str(draft.figures[key]) for key in STATES}, [str(f) for f in run_checks(db, draft)]


def test_the_2023_report_is_the_same_in_2025_after_staff_and_villages_changed(db, monkeypatch):
    clock = Clock(monkeypatch)
    fill_known_ledger(db)
    records.update(db, VILLAGE, village_id(db, "乙村"), dict(demo_year="2020"))
    clock.set(dt.date(2024, 1, 20))  # written (and saved, with its 成文日期) in January 2024
    report.save_texts(db, 2023, {"date": report.default_date(2023).isoformat()})
    written = snapshot(db)
    assert written[0].endswith("2024年1月20日")
    assert written[1]["posts"] == "3" and written[1]["certified"] == "1" and written[1]["demo_villages"] == "1"

    # 2024 and 2025: 甲 leaves the post, 戊 arrives with a certificate, 丙 gets one, 乙's is renewed,
    # 丙村 becomes a 示范村 and 乙村 loses the title at its review
    records.update(db, ENFORCEMENT_STAFF, staff_id(db, "甲"), dict(post_until="2024-05-01"))
    records.insert(db, ENFORCEMENT_STAFF, dict(name="戊", unit="执法大队", in_post="是", post_from="2024-03-01"))
    records.insert_many(db, ENFORCEMENT_CERTIFICATE, [
        dict(holder="戊", cert_no="豫5", valid_from="2024-03-01", valid_until="2027-03-01"),
        dict(holder="丙", cert_no="豫3", valid_from="2024-02-01", valid_until="2027-02-01"),
        dict(holder="乙", cert_no="豫2-2", valid_from="2024-01-05", valid_until="2027-01-05"),
    ])  # fmt: skip
    records.update(db, VILLAGE, village_id(db, "丙村"), dict(demo_village="是", demo_level="县级", demo_year="2024"))
    records.update(db, VILLAGE, village_id(db, "乙村"), dict(demo_review_year="2025", demo_revoked_year="2025"))

    clock.set(dt.date(2025, 6, 1))  # regenerated a year and a half later
    again = snapshot(db)
    assert again[1] == written[1]
    assert again[2] == written[2]
    assert again[0] == written[0]
    later = fig.yearly_figures(db, 2024)  # while 2024 itself sees the changes
    assert (later["posts"], later["certified"], later["demo_villages"]) == (3, 3, 2)
    assert fig.yearly_figures(db, 2025)["demo_villages"] == 1


def test_in_post_and_certificates_on_any_day(db):
    records.insert_many(db, ENFORCEMENT_STAFF, [
        dict(name="甲", unit="队", in_post="是", post_from="2023-04-01", post_until="2023-09-30"),
        dict(name="乙", unit="队", in_post="是"),
    ])  # fmt: skip
    records.insert_many(db, ENFORCEMENT_CERTIFICATE, [
        dict(holder="甲", cert_no="1", valid_from="2023-01-01", valid_until="2026-01-01"),
        dict(holder="乙", cert_no="2", valid_from="2020-01-01", valid_until="2023-05-31"),
        dict(holder="乙", cert_no="3", valid_from="2023-07-01", valid_until="2026-07-01"),  # a month without a valid one
    ])  # fmt: skip

    def state(year, month):
        figures = fig.period_figures(db, Period.month(year, month))
        return figures["posts"], figures["certified"]

    assert [state(2023, m) for m in (3, 4, 6, 7, 9, 10)] == [(1, 1), (2, 2), (2, 1), (2, 2), (1, 1), (1, 1)]
    described = fig.describe(fig.BY_KEY["certified"])
    assert "持有当日有效的执法证" in described and "enforcement" not in described


@pytest.mark.parametrize("version", [8])
def test_migration_moves_certificates_into_their_own_register(tmp_path, version):
    import sqlite3
    from pathlib import Path

    from zhaocun_desktop.db import open_db

    path = tmp_path / f"v{version}.db"
    conn = sqlite3.connect(path)
    conn.executescript((Path(__file__).parent / "data" / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    conn.executemany(
        "INSERT INTO enforcement_staff (name, unit, in_post, cert_no, cert_type, issue_date, valid_until) VALUES (?, '队', ?, ?, '省政府行政执法证', ?, ?)",
        [("甲", 1, "豫1", "2022-01-01", "2025-01-01"), ("乙", 1, "豫2", None, "2024-06-30"), ("丙", 1, None, None, None), ("丁", 1, "豫4", None, None)],
    )
    conn.commit()
    conn.close()
    db = open_db(path)
    certificates = list(db.query("SELECT holder, cert_no, valid_from, valid_until, note FROM enforcement_certificate ORDER BY holder"))
    assert [(c["holder"], c["cert_no"], c["valid_from"], c["valid_until"]) for c in certificates] == [
        ("乙", "豫2", "2021-06-30", "2024-06-30"), ("甲", "豫1", "2022-01-01", "2025-01-01")]  # fmt: skip
    assert "推定" in certificates[0]["note"]
    columns = {row[1] for row in db.execute("PRAGMA table_info(enforcement_staff)")}
    assert not columns & {"cert_no", "valid_until", "issue_date"} and {"post_from", "post_until"} <= columns
    assert "豫4" in queries.rows_by_id(db, ENFORCEMENT_STAFF)[3]["note"]  # no validity: kept in a note, not lost
    assert fig.yearly_figures(db, 2023)["certified"] == 2
    db.close()

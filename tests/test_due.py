"""The list of what is due, as of a given day: petitions, cases, 司法确认 windows, certificates."""

import datetime as dt
import subprocess
import sys

import pytest

from zhaocun_desktop import deadlines, records
from zhaocun_desktop.cli import main
from zhaocun_desktop.due import due_items, overdue_count
from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, ENFORCEMENT_STAFF, MEDIATION_CASE, PETITION, VILLAGE

TODAY = dt.date(2024, 3, 25)


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def case(accepted, result, **extra):
    row = dict(accepted=accepted, village="甲村", org="村调委会", dispute_type="邻里", parties="甲与乙", result=result)
    row.update(extra)
    return row


@pytest.fixture
def ledger(db):
    """Records due or not due on TODAY, by construction; returns the ids expected in the list."""
    records.insert_many(db, VILLAGE, [dict(name="甲村")])
    p = records.insert_many(db, PETITION, [
        dict(reg_date=days(-61), level="本镇", status="在办", petitioner="张三"),  # deadline yesterday: overdue
        dict(reg_date=days(-53), level="本镇", status="在办"),  # deadline in 7 days: listed
        dict(reg_date=days(-52), level="本镇", status="在办"),  # deadline in 8 days: not yet
        dict(reg_date=days(-70), level="本镇", status="在办", extended="是", extension_reason="会商"),  # extended: 20 days left, not yet
        dict(reg_date=days(-89), level="本镇", status="在办", extended="是", extension_reason="会商"),  # extended: 1 day left
        dict(reg_date=days(-100), level="本镇", status="已办结", done_date=days(-1)),  # concluded: never due
    ])  # fmt: skip
    c = records.insert_many(db, MEDIATION_CASE, [
        case(days(-31), "调解中"),  # over a month: listed
        case(days(-30), "调解中"),  # exactly a month: not yet
        case(days(-40), "调解成功", closed=days(-10), agreement="书面"),  # 司法确认 window: 20 days left
        case(days(-40), "调解成功", closed=days(-30), agreement="书面"),  # last day of the window
        case(days(-40), "调解成功", closed=days(-31), agreement="书面"),  # window closed: not listed
        case(days(-40), "调解成功", closed=days(-5), agreement="书面", confirmed="是"),  # confirmed already
        case(days(-40), "调解成功", closed=days(-5), agreement="口头"),  # oral: nothing to confirm
    ])  # fmt: skip
    records.insert_many(db, ENFORCEMENT_STAFF, [
        dict(name="甲", unit="执法大队", in_post="是"), dict(name="乙", unit="执法大队", in_post="是"),
        dict(name="丙", unit="执法大队", in_post="是"), dict(name="丁", unit="党政办", in_post="否"),
        dict(name="戊", unit="执法大队", in_post="是", post_until=days(-10)),  # left the post
    ])  # fmt: skip
    s = records.insert_many(db, ENFORCEMENT_CERTIFICATE, [
        dict(holder="甲", cert_no="豫1", valid_from=days(-1000), valid_until=days(90)),  # listed
        dict(holder="乙", cert_no="豫2", valid_from=days(-1000), valid_until=days(91)),  # not yet
        dict(holder="丙", cert_no="豫3", valid_from=days(-1000), valid_until=days(-1)),  # expired
        dict(holder="丁", cert_no="豫4", valid_from=days(-1000), valid_until=days(10)),  # not in a post
        dict(holder="戊", cert_no="豫5", valid_from=days(-1000), valid_until=days(10)),  # no longer in a post
        dict(holder="乙", cert_no="豫6", valid_from=days(-2000), valid_until=days(-900)),  # an old one, renewed since
    ])  # fmt: skip
    # 回访: due 30 days after the agreement, listed from a week before (c[3] today, c[4] yesterday)
    return {("信访", p[0]), ("信访", p[1]), ("信访", p[4]), ("调解", c[0]), ("司法确认", c[2]),
            ("司法确认", c[3]), ("执法证", s[0]), ("执法证", s[2]), ("回访", c[3]), ("回访", c[4])}  # fmt: skip


def test_exactly_what_is_due_is_listed(db, ledger):
    items = due_items(db, TODAY)
    assert {(item.kind, item.record_id) for item in items} == ledger
    assert [item.due for item in items] == sorted(item.due for item in items)  # most urgent first
    assert overdue_count(items, TODAY) == 4  # the petition, the month-old case, the expired certificate, a visit


def test_each_item_names_its_deadline(db, ledger):
    by_kind = {}
    for item in due_items(db, TODAY):
        by_kind.setdefault(item.kind, []).append(item)
    overdue_petition = next(item for item in by_kind["信访"] if item.days_left(TODAY) < 0)
    assert overdue_petition.due == dt.date.fromisoformat(days(-1)) and "张三" in overdue_petition.text
    assert "已逾期1天" in overdue_petition.line(TODAY)
    extended = [item for item in by_kind["信访"] if "延期后" in item.text]
    assert [item.days_left(TODAY) for item in extended] == [1]  # 90 days after acceptance, not 60
    window = [item.days_left(TODAY) for item in by_kind["司法确认"]]
    assert sorted(window) == [0, deadlines.CONFIRMATION_DAYS - 10]


def test_an_item_leaves_the_list_when_the_record_is_done(db, ledger):
    petition = next(item for item in due_items(db, TODAY) if item.kind == "信访")
    records.update(db, PETITION, petition.record_id, dict(status="已办结", done_date=TODAY.isoformat()))
    assert ("信访", petition.record_id) not in {(i.kind, i.record_id) for i in due_items(db, TODAY)}


def test_cli_prints_one_line_per_item_and_exits_zero(db, db_path, ledger, capsys):
    assert main(["due", "--db", str(db_path), "--date", TODAY.isoformat()]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(ledger) + 1 and lines[-1].startswith(f"共{len(ledger)}项，其中已逾期4项")
    assert all("【" in line for line in lines[:-1])


def test_cli_with_nothing_due_and_a_typed_date(tmp_path):
    path = tmp_path / "空.db"
    assert main(["demo", "--db", str(path)]) == 0
    result = subprocess.run([sys.executable, "-m", "zhaocun_desktop", "due", "--db", str(path), "--date", "1990年1月1日"],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0 and "没有到期或逾期的事项" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "zhaocun_desktop", "due", "--db", str(path), "--date", "2024-02-30"], capture_output=True, text=True)
    assert bad.returncode == 2 and "不是日期" in bad.stderr

"""What is due: one list of the deadlines the office must not miss, as of a given day.

Petitions overdue or due within a week, mediation cases open for more than a month,
司法确认 windows still open, enforcement certificates expired or expiring within 90 days.
Each item
names its record so that the 总览 tab can open it; the CLI prints one line per item.
The rules themselves live in ``deadlines``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhaocun_desktop import deadlines, mediation
from zhaocun_desktop.choices import choice
from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, MEDIATION_CASE, ONGOING, PETITION, SUCCESS, WRITTEN

if TYPE_CHECKING:
    from sqlite_utils import Database

_OPEN_PETITION = choice(PETITION.field("status"), "在办")  # bound below; checked against the register when imported

@dataclass(frozen=True)
class DueItem:
    """One thing to do by ``due`` (in the past when overdue), pointing at its record."""

    kind: str  # 信访 / 调解 / 司法确认 / 执法证 / 回访
    register: str  # the register key of the record
    record_id: int
    due: dt.date
    text: str  # what to do, in the clerk's words

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days

    def line(self, today: dt.date) -> str:
        """One line for a list or the command line: when, what, and how urgent."""
        days = self.days_left(today)
        when = f"已逾期{-days}天" if days < 0 else ("今天到期" if days == 0 else f"还剩{days}天")
        return f"{self.due.year}年{self.due.month}月{self.due.day}日（{when}）【{self.kind}】{self.text}"


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def petitions_due(db: Database, today: dt.date) -> list[DueItem]:
    """Open petitions past their deadline or due within ``PETITION_WARNING_DAYS``."""
    horizon = (today + dt.timedelta(days=deadlines.PETITION_WARNING_DAYS)).isoformat()
    rows = db.execute(
        f"SELECT id, reg_date, {deadlines.PETITION_DEADLINE_SQL}, petitioner, matter, extended FROM petition "
        f"WHERE status = ? AND reg_date IS NOT NULL AND {deadlines.PETITION_DEADLINE_SQL} <= ? ORDER BY 3, id",
        [_OPEN_PETITION, horizon],
    ).fetchall()
    items = []
    for record_id, accepted, deadline, petitioner, matter, extended in rows:
        who = "、".join(part for part in (petitioner, (matter or "").splitlines()[0][:20] if matter else None) if part)
        limit = "延期后办理期限" if extended else f"办理期限（受理后{deadlines.PETITION_DAYS}天）"
        hint = "" if extended else f"；确需延期请经批准后填写延期理由（可延长{deadlines.PETITION_EXTENSION_DAYS}天）"
        text = f"{accepted}受理的信访{('（' + who + '）') if who else ''}{limit}届满，请及时办结{hint}"
        items.append(DueItem("信访", PETITION.key, record_id, _date(deadline), text))
    return items


def cases_due(db: Database, today: dt.date) -> list[DueItem]:
    """Cases still 调解中 a month after acceptance, and 司法确认 windows still open."""
    items = []
    settle = f"+{deadlines.CASE_SETTLE_DAYS} days"
    for record_id, accepted, case_no, parties, due in db.execute(
        "SELECT id, accepted, case_no, parties, date(accepted, ?) FROM mediation_case "
        "WHERE result = ? AND accepted IS NOT NULL AND date(accepted, ?) < ? ORDER BY accepted, id",
        [settle, ONGOING, settle, today.isoformat()],
    ).fetchall():
        name = case_no or parties or f"编号{record_id}"
        items.append(DueItem("调解", MEDIATION_CASE.key, record_id, _date(due),
                             f"{accepted}受理的案件“{name}”调解已超过{deadlines.CASE_SETTLE_DAYS}天，请尽快结案或填写调解结果"))  # fmt: skip
    window = f"+{deadlines.CONFIRMATION_DAYS} days"
    for record_id, closed, case_no, parties, due in db.execute(
        "SELECT id, closed, case_no, parties, date(closed, ?) FROM mediation_case "
        "WHERE result = ? AND agreement = ? AND coalesce(confirmed, 0) = 0 AND closed IS NOT NULL "
        "AND closed <= ? AND date(closed, ?) >= ? ORDER BY closed, id",
        [window, SUCCESS, WRITTEN, today.isoformat(), window, today.isoformat()],
    ).fetchall():
        name = case_no or parties or f"编号{record_id}"
        items.append(DueItem("司法确认", MEDIATION_CASE.key, record_id, _date(due),
                             f"案件“{name}”{closed}达成书面协议，如需司法确认，须在协议生效后{deadlines.CONFIRMATION_DAYS}日内由双方共同向法院申请"))  # fmt: skip
    return items


def certificates_due(db: Database, today: dt.date, same_township: bool = False) -> list[DueItem]:
    """Certificates of staff in enforcement posts expired, or expiring within 90 days (``same_township``: a whole
    county's, each holder matched in their own township: ``deadlines.certificates_ending``)."""
    horizon = today + dt.timedelta(days=deadlines.CERTIFICATE_WARNING_DAYS)
    items = []
    for record_id, name, cert_no, until in deadlines.certificates_ending(db, dt.date.min, horizon, today, same_township):
        what = "已过期，不能持证执法" if until < today.isoformat() else "即将到期"
        items.append(DueItem("执法证", ENFORCEMENT_CERTIFICATE.key, record_id, _date(until), f"{name}的执法证（{cert_no}）{what}，请安排换证（新证另录一条）"))
    return items


def visits_due(db: Database, today: dt.date) -> list[DueItem]:
    """Agreements without a 回访 (the rule lives in ``mediation``)."""
    return [DueItem("回访", MEDIATION_CASE.key, record_id, due, text) for record_id, due, text in mediation.visits_due(db, today)]


def due_items(db: Database, today: dt.date | None = None) -> list[DueItem]:
    """Everything due as of ``today`` (default: the computer's date), most urgent first."""
    today = today or dt.date.today()
    items = petitions_due(db, today) + cases_due(db, today) + _certificates_due_in_each_township(db, today) + visits_due(db, today)
    return _named_by_township(db, sorted(items, key=lambda item: (item.due, item.kind, item.record_id)))


def _certificates_due_in_each_township(db: Database, today: dt.date) -> list[DueItem]:
    """``certificates_due``; over a whole county, each holder matched by name in their own township only (a
    namesake in post in another township must not keep a certificate current), in one query (township by township
    under each scope took 50 queries and two changes of schema at 50 townships)."""
    from zhaocun_desktop.county_scope import whole_county

    return certificates_due(db, today, same_township=whole_county(db))


def _named_by_township(db: Database, items: list[DueItem]) -> list[DueItem]:
    """A whole county's items start with their township's name: each township acts on its own."""
    from zhaocun_desktop.county_scope import township_column
    from zhaocun_desktop.registers import BY_KEY

    towns: dict[tuple[str, int], str] = {}
    for key in {item.register for item in items}:
        lead = township_column(db, BY_KEY[key])
        if not lead:
            return items  # a township's database, or one township of a county
        ids = [item.record_id for item in items if item.register == key]
        for record_id, town in db.execute(f"SELECT id, {lead[0][1]} FROM {key} WHERE id IN ({', '.join('?' * len(ids))})", ids):
            towns[key, record_id] = town
    # made directly: dataclasses.replace took 12 µs an item, 25 ms for a county's thousand
    return [DueItem(item.kind, item.register, item.record_id, item.due, f"{towns[item.register, item.record_id]}：{item.text}")
            if (item.register, item.record_id) in towns else item for item in items]  # fmt: skip


def overdue_count(items: list[DueItem], today: dt.date) -> int:
    """How many of ``items`` are past their day."""
    return sum(item.due < today for item in items)


_REMINDER_TEXT = {
    "调解": "{n}件案件受理已超过30天仍在调解中，请尽快结案或填写调解结果",
    "司法确认": "{n}件书面协议仍在申请司法确认的30日期限内（最早{due}届满），如当事人需要请尽快共同申请",
    "回访": "{n}件达成协议的案件已到回访时间（协议后30天）仍没有回访记录，请回访协议履行情况",
}


def case_reminders(db: Database, today: dt.date) -> list[mediation.Reminder]:
    """What is due on the cases as of ``today``, one Reminder per kind with the cases behind it:
    mediation running over 30 days and 司法确认 windows (the rules of ``cases_due``), and
    agreements without a 回访."""
    by_kind: dict[str, list[tuple[int, dt.date]]] = {}
    for item in cases_due(db, today):
        by_kind.setdefault(item.kind, []).append((item.record_id, item.due))
    for record_id, due, _ in mediation.visits_due(db, today):
        by_kind.setdefault("回访", []).append((record_id, due))
    reminders = []
    for kind, template in _REMINDER_TEXT.items():
        found = by_kind.get(kind)
        if found:
            due = min(day for _, day in found)
            message = template.format(n=len(found), due=f"{due.year}年{due.month}月{due.day}日")
            reminders.append(mediation.Reminder(kind, message, tuple(record_id for record_id, _ in found), due))
    return reminders

"""The deadlines the office keeps, defined once for the figures and the list of what is due.

信访: 《信访工作条例》(2022) 第三十二条 — a petition is concluded within 60 days of its
acceptance (受理), extendable once by at most 30 days with approval. The regulation counts
calendar days and says nothing about weekends or holidays, so neither does this program: the
deadline is the acceptance date plus 60 (or 90) calendar days, and a deadline that falls on a
Saturday, Sunday or holiday stays on that day (it is not moved to the next working day). This
errs on the early side: a petition the program calls 按期 is on time under any reading.
"""

from __future__ import annotations

import datetime as dt

from zhaocun_desktop.choices import is_
from zhaocun_desktop.registers import PETITION, PETITION_DAYS, PETITION_EXTENSION_DAYS

# The same rule in SQL, for the figures (which must be computed in the database).
PETITION_DEADLINE_SQL = (
    f"date(reg_date, CASE WHEN extended = 1 THEN '+{PETITION_DAYS + PETITION_EXTENSION_DAYS} days' "
    f"ELSE '+{PETITION_DAYS} days' END)"
)
PETITION_ON_TIME_SQL = f"{is_(PETITION.field('status'), '已办结')} AND done_date <= {PETITION_DEADLINE_SQL}"

CASE_SETTLE_DAYS = 30  # a mediation case is normally settled within a month (人民调解工作若干规定)
CONFIRMATION_DAYS = 30  # 司法确认 is applied for jointly within 30 days of the agreement (人民调解法 art. 33)
CERTIFICATE_WARNING_DAYS = 90  # a clerk wants to be warned of an expiring 执法证 90 days ahead
PETITION_WARNING_DAYS = 7  # an open petition is listed a week before its deadline


def petition_deadline(accepted: dt.date, extended: bool = False) -> dt.date:
    """The last day (inclusive) to conclude a petition accepted on ``accepted``: calendar days."""
    return accepted + dt.timedelta(days=PETITION_DAYS + (PETITION_EXTENSION_DAYS if extended else 0))


def concluded_on_time(accepted: dt.date, done: dt.date | None, extended: bool = False) -> bool | None:
    """True/False for a concluded petition; None while it is still open (it counts neither way)."""
    if done is None:
        return None
    return done <= petition_deadline(accepted, extended)


# 执法证: a certificate matters while its holder is in an enforcement post; a renewal is a new
# certificate row, so only each holder's latest certificate can be "expiring" or "expired".


def in_post_on(table: str, day: str) -> str:
    """SQL: the staff row ``table`` is in an enforcement post on ``day`` (an SQL date expression)."""
    return (f"{table}.in_post = 1 AND ({table}.post_from IS NULL OR {table}.post_from <= {day}) "
            f"AND ({table}.post_until IS NULL OR {table}.post_until > {day})")  # fmt: skip


# no later certificate of the same holder issued by the day in question (a renewal after it does not count)
_LATEST = (
    "NOT EXISTS (SELECT 1 FROM enforcement_certificate AS later WHERE later.holder = c.holder{same_township} "
    "AND later.valid_until > c.valid_until AND later.valid_from <= :in_post_day)"
)
_HOLDER_IN_POST = "EXISTS (SELECT 1 FROM enforcement_staff AS s WHERE s.name = c.holder{same_township} AND {in_post})"


def certificates_ending(db, first: dt.date, last: dt.date, in_post_day: dt.date, same_township: bool = False) -> list[tuple]:
    """Latest certificates of staff in a post on ``in_post_day`` whose validity ends between
    ``first`` and ``last``: rows of (id, holder, cert_no, valid_until), soonest first. ``same_township``: a whole
    county database (records carry ``township_id``), where a holder is matched by name in their own township only."""
    latest = _LATEST.format(same_township=" AND later.township_id = c.township_id" if same_township else "")
    holder = _HOLDER_IN_POST.format(in_post=in_post_on("s", ":in_post_day"), same_township=" AND s.township_id = c.township_id" if same_township else "")
    return db.execute(
        f"SELECT c.id, c.holder, c.cert_no, c.valid_until FROM enforcement_certificate AS c "
        f"WHERE c.valid_until >= :first AND c.valid_until <= :last AND {latest} AND {holder} ORDER BY c.valid_until, c.id",
        {"first": first.isoformat(), "last": last.isoformat(), "in_post_day": in_post_day.isoformat()},
    ).fetchall()


def staff_without_certificate(db, day: dt.date) -> tuple[int, ...]:
    """Staff in a post on ``day`` who had never been given a certificate by then (ids)."""
    return tuple(row[0] for row in db.execute(
        f"SELECT id FROM enforcement_staff WHERE {in_post_on('enforcement_staff', ':day')} "
        "AND NOT EXISTS (SELECT 1 FROM enforcement_certificate AS c WHERE c.holder = enforcement_staff.name AND c.valid_from <= :day)",
        {"day": day.isoformat()},
    ))  # fmt: skip

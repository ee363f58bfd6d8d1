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

from zhaocun_desktop.registers import PETITION_DAYS, PETITION_EXTENSION_DAYS

# The same rule in SQL, for the figures (which must be computed in the database).
PETITION_DEADLINE_SQL = (
    f"date(reg_date, CASE WHEN extended = 1 THEN '+{PETITION_DAYS + PETITION_EXTENSION_DAYS} days' "
    f"ELSE '+{PETITION_DAYS} days' END)"
)
PETITION_ON_TIME_SQL = f"status = '已办结' AND done_date <= {PETITION_DEADLINE_SQL}"

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

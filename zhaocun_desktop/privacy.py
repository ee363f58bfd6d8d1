"""The one door to full personal data: every command and menu item that writes or shows full ID numbers or
phones (case documents, full exports, full packages, backups to a folder, printing or showing full numbers,
the full 操作记录) passes ``reveal`` first. It asks for the program password when one is set and writes an
操作记录 entry; without the right password it refuses (a UserError) and the caller writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from zhaocun_desktop import audit, security
from zhaocun_desktop.errors import UserError

if TYPE_CHECKING:
    from zhaocun_desktop.db import Database


class PasswordRequired(UserError):
    """A password is set and none was given: the front end asks for it (a dialog, ``--password-stdin``)."""


class Refused(UserError):
    """The password given was wrong: nothing with full personal data was written or shown."""


def refusal(what: str) -> str:
    return f"密码不正确，未{what}。完整的身份证号和电话只有输入程序密码后才能查看、导出、打印或备份到别处。"


def reveal(db: Database, what: str, password: str | None, table: str = "setting", sleep: Callable[[float], None] = time.sleep) -> None:
    """Let ``what`` (e.g. 导出调解案件完整信息 12 条) through the door: checks ``password`` when a program password is
    set (each wrong guess waits longer and is written to the 操作记录) and writes the 操作记录 entry.
    PasswordRequired / Refused otherwise; nothing is written but the refusal's entry."""
    if security.has_password(db):
        if password is None:
            raise PasswordRequired(f"已设置程序密码：{what}需要先输入程序密码（命令行请加 --password-stdin）。未做任何操作。")
        if not security.check_password(db, password, sleep):
            raise Refused(refusal(what))
    audit.audit(db, table, None, "reveal", None, None, what)

"""Setting up a township: its names and its villages. The first-run wizard and the ``init`` verb
call the same function."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import queries, records, settings as township_settings
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.registers import SETTINGS, VILLAGE
from zhaocun_desktop.values import clean_text

if TYPE_CHECKING:
    from sqlite_utils import Database

FIRST_SETTINGS = tuple(f for f in SETTINGS.fields if f.key in ("town", "county", "office", "signer", "report_year"))
_HEADERS = ("村(居)名称", "村（居）名称", "村名", "名称", "村(居)", "村（居）")


def needs_first_run(db: Database) -> bool:
    """A database with no township name and no villages has never been set up."""
    return not township_settings.settings(db).get("town") and queries.count(db, VILLAGE) == 0


def parse_village_names(text: str) -> list[str]:
    """Names typed or pasted one per line (or separated by 、，, tabs), duplicates and numbering removed."""
    names = []
    for part in re.split(r"[\n\r\t、，,;；]+", text):
        name = re.sub(r"^\s*\d+[.、)）]?\s*", "", clean_text(part))
        if name and name not in names and name not in _HEADERS:
            names.append(name)
    return names


def village_names_from_file(path: str | Path) -> list[str]:
    """Village names from a text file (one a line) or the first column of a workbook's first sheet."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到村(居)名单文件“{path}”。")
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(b"PK") or start.startswith(b"\xd0\xcf\x11\xe0"):  # .xlsx (zip) or .xls (OLE)
        from zhaocun_desktop.excel.reading import read_workbook

        sheets = read_workbook(path)
        column = [row[0] for sheet in sheets[:1] for row in sheet.iter_rows() if row and row[0] is not None]
        text = "\n".join(str(value) for value in column)
    else:
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):  # Notepad on a Chinese Windows may save GBK
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(f"无法读取“{path.name}”：既不是 Excel 文件，也不是文本文件。请每行写一个村(居)名称，保存为 .txt 或 .xlsx。")
    names = parse_village_names(text)
    if not names:
        raise UserError(f"“{path.name}”中没有村(居)名称。请每行写一个名称（Excel 文件写在第一列）。")
    return names


def with_default_names(values: dict) -> dict:
    """``values`` with 司法所名称 and 落款单位 derived from the town's name when not given."""
    town = clean_text(values.get("town") or "")
    filled = dict(values)
    if town and not filled.get("office"):
        filled["office"] = f"{town}司法所"
    if town and not filled.get("signer"):
        filled["signer"] = f"{town}人民政府"
    return filled


def check_settings(values: dict) -> dict[str, str]:
    """Problems with the first-run settings, by field key (empty when they can be saved)."""
    from zhaocun_desktop.validation import check_record

    merged = {key: values.get(key) for key in SETTINGS.keys}
    _, errors = check_record(SETTINGS, merged)
    return {key: message for key, message in errors.items() if key in {f.key for f in FIRST_SETTINGS}}


def set_up_township(db: Database, values: dict, villages: Sequence[str]) -> int:
    """Save the township's settings and add its villages (those not yet in; none is allowed), all or nothing.

    Returns the number of villages added. Raises InvalidRecord (settings) or UserError (villages).
    """
    with db.atomic():
        township_settings.save_settings(db, values)
        existing = set(queries.village_names(db))
        try:
            added = records.insert_many(db, VILLAGE, [dict(name=name) for name in villages if name not in existing])
        except InvalidRecord as error:
            raise UserError(f"村(居)名单有误：{error}") from None
    return len(added)

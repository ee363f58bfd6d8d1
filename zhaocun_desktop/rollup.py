"""County mode (roll-up): a separate county database built from the townships' data packages.

A county database is its own kind of file (``PRAGMA application_id`` = COUNTY_APPLICATION_ID)
with four tables: ``package`` (one row per package taken in: township, year, SHA-256, when it
was made; a replaced package keeps its row with ``replaced_at``), ``package_figure`` (the
figures the township computed), ``package_record`` (each record as JSON, with its register), and
the same ``audit_log`` as a township. The township tables are not touched: township is part of
every county row's identity through its package, and every query filters by it.

Rules: the same package twice adds nothing; a newer package of the same township and year
replaces the older one (audited); a damaged or foreign package is refused with a reason and
nothing of the whole roll-up is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from zhaocun_desktop import records
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.package import Package, made_at, read_package

if TYPE_CHECKING:
    from sqlite_utils import Database

COUNTY_APPLICATION_ID = 0x5A43_4F55  # "ZCOU"
COUNTY_TOTAL = "全县合计"


def _create(db: Database) -> None:
    db.execute(f"PRAGMA application_id = {COUNTY_APPLICATION_ID}")
    db.execute(
        """CREATE TABLE package (
            id INTEGER PRIMARY KEY,
            township TEXT NOT NULL,
            county TEXT,
            year INTEGER NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            file_name TEXT NOT NULL,
            made_at TEXT NOT NULL,
            program_version TEXT,
            schema_version INTEGER,
            personal_data TEXT,
            imported_at TEXT NOT NULL,
            replaced_at TEXT
        )"""
    )
    db.execute("CREATE UNIQUE INDEX ux_package_current ON package(township, year) WHERE replaced_at IS NULL")
    db.execute(
        """CREATE TABLE package_figure (
            package_id INTEGER NOT NULL REFERENCES package(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value REAL,
            numerator INTEGER,
            denominator INTEGER,
            PRIMARY KEY (package_id, key)
        )"""
    )
    db.execute(
        """CREATE TABLE package_record (
            id INTEGER PRIMARY KEY,
            package_id INTEGER NOT NULL REFERENCES package(id) ON DELETE CASCADE,
            register TEXT NOT NULL,
            data TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX ix_package_record ON package_record(package_id, register)")
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, table_name TEXT NOT NULL, record_id INTEGER,
            action TEXT NOT NULL, old_values TEXT, new_values TEXT, note TEXT
        )"""
    )


def open_county(path: str | Path) -> Database:
    """Open (creating if needed) a county database; a township database is refused untouched."""
    from zhaocun_desktop.db import Database, connect

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    kind = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if kind != COUNTY_APPLICATION_ID and tables:
        conn.close()
        raise UserError(f"“{path.name}”不是县级汇总数据库（可能是乡镇的台账数据库）。请另选一个文件名新建县级汇总数据库，此文件未被改动。")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    db = Database(conn)
    if not tables:
        with db.atomic():
            _create(db)
    return db


@dataclass
class Outcome:
    """What taking in one package did: added, replaced an older one, or nothing (and why)."""

    package: Package
    action: str  # "added", "replaced", "skipped"
    message: str


def _insert(db: Database, package: Package) -> int:
    manifest = package.manifest
    package_id = db.execute(
        "INSERT INTO package (township, county, year, sha256, file_name, made_at, program_version, schema_version, personal_data, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [package.township, manifest.get("county"), package.year, package.sha256, package.path.name, manifest["made_at"],
         manifest.get("program_version"), manifest.get("schema_version"), manifest.get("personal_data"), records.now()],
    ).lastrowid  # fmt: skip
    for key, value in package.figures.items():
        if isinstance(value, dict):
            db.execute("INSERT INTO package_figure (package_id, key, numerator, denominator) VALUES (?, ?, ?, ?)",
                       [package_id, key, value.get("numerator"), value.get("denominator")])  # fmt: skip
        else:
            db.execute("INSERT INTO package_figure (package_id, key, value) VALUES (?, ?, ?)", [package_id, key, value])
    db.conn.executemany(
        "INSERT INTO package_record (package_id, register, data) VALUES (?, ?, ?)",
        ((package_id, register, json.dumps(row, ensure_ascii=False)) for register, rows in package.records.items() for row in rows),
    )
    return package_id


def roll_up(db: Database, paths: Sequence[str | Path]) -> list[Outcome]:
    """Take in packages: every file is checked first, and one bad file means nothing is written."""
    packages, refused = [], []
    for path in paths:
        try:
            packages.append(read_package(path))
        except UserError as error:
            refused.append(str(error))
    if refused:
        raise UserError("以下文件不能导入，本次没有写入任何内容：\n" + "\n".join(refused))
    outcomes = []
    with db.atomic():
        for package in packages:
            label = f"{package.township}{package.year}年数据包“{package.path.name}”"
            if db.execute("SELECT 1 FROM package WHERE sha256 = ?", [package.sha256]).fetchone():
                outcomes.append(Outcome(package, "skipped", f"{label}已经导入过，没有重复添加。"))
                continue
            current = db.execute(
                "SELECT id, made_at, file_name FROM package WHERE township = ? AND year = ? AND replaced_at IS NULL", [package.township, package.year]
            ).fetchone()
            if current and made_at(package) <= _made(current[1]):
                outcomes.append(Outcome(package, "skipped", f"{label}不比已导入的“{current[2]}”（{current[1].replace('T', ' ')}导出）新，没有替换。"))
                continue
            if current:
                db.execute("UPDATE package SET replaced_at = ? WHERE id = ?", [records.now(), current[0]])
                db.execute("DELETE FROM package_record WHERE package_id = ?", [current[0]])
                db.execute("DELETE FROM package_figure WHERE package_id = ?", [current[0]])
            package_id = _insert(db, package)
            if current:
                note = f"{label}（{package.manifest['made_at'].replace('T', ' ')}导出）替换了较旧的“{current[2]}”"
                records.audit(db, "package", package_id, "replace", None, None, note)
                outcomes.append(Outcome(package, "replaced", note + "。"))
            else:
                records.audit(db, "package", package_id, "import", None, None, f"导入{label}")
                outcomes.append(Outcome(package, "added", f"已导入{label}。"))
    return outcomes


def _made(text: str):
    import datetime as dt

    return dt.datetime.fromisoformat(text)


def years(db: Database) -> list[int]:
    """The years with packages, newest first."""
    return [row[0] for row in db.execute("SELECT DISTINCT year FROM package WHERE replaced_at IS NULL ORDER BY year DESC")]


def townships(db: Database, year: int) -> list[str]:
    """The townships with a current package for ``year``, in name order."""
    return [row[0] for row in db.execute("SELECT township FROM package WHERE year = ? AND replaced_at IS NULL ORDER BY township", [year])]


def township_figures(db: Database, year: int) -> dict[str, dict]:
    """``{township: {key: value}}`` of the year's current packages; a rate as ``(numerator, denominator)``."""
    found: dict[str, dict] = {}
    rows = db.execute(
        "SELECT p.township, f.key, f.value, f.numerator, f.denominator FROM package_figure f JOIN package p ON p.id = f.package_id "
        "WHERE p.year = ? AND p.replaced_at IS NULL",
        [year],
    )
    for township, key, value, numerator, denominator in rows:
        number = (numerator, denominator) if value is None and numerator is not None else value
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        found.setdefault(township, {})[key] = number
    return found


def county_figures(db: Database, year: int) -> dict:
    """The county's figures: every count summed over the townships; a rate from the summed counts."""
    total: dict = {}
    for figures in township_figures(db, year).values():
        for key, value in figures.items():
            if isinstance(value, tuple):
                before = total.get(key, (0, 0))
                total[key] = (before[0] + (value[0] or 0), before[1] + (value[1] or 0))
            elif value is not None:
                total[key] = total.get(key, 0) + value
    return total


def township_records(db: Database, year: int, register: str, township: str | None = None) -> list[dict]:
    """The records of one register in the year's current packages, each with its ``township``."""
    sql = (
        "SELECT p.township, r.data FROM package_record r JOIN package p ON p.id = r.package_id "
        "WHERE p.year = ? AND p.replaced_at IS NULL AND r.register = ?"
    )
    params: list = [year, register]
    if township:
        sql += " AND p.township = ?"
        params.append(township)
    return [{"township": row[0], **json.loads(row[1])} for row in db.execute(sql + " ORDER BY p.township, r.id", params)]


def write_county_summary(db: Database, year: int, path: str | Path) -> Path:
    """The county summary workbook: one row per figure, one column per township, and the county total."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from zhaocun_desktop.excel.writing import save_workbook
    from zhaocun_desktop.figures import FIGURES, RATES, RateValue

    names = townships(db, year)
    if not names:
        raise UserError(f"县级汇总数据库中还没有{year}年的乡镇数据包。请先导入各乡镇的上报数据包。")
    by_town, total = township_figures(db, year), county_figures(db, year)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年全县汇总"
    sheet.append([f"{year}年度各乡镇法治政府建设数字汇总表"])
    sheet.append(["项目", "单位", *names, COUNTY_TOTAL])
    thin = Side(style="thin")
    for figure in FIGURES:
        sheet.append([figure.label, figure.unit, *[by_town.get(name, {}).get(figure.key) for name in names], total.get(figure.key)])
    for rate in RATES:
        cells = []
        for value in [*(by_town.get(name, {}).get(rate.key) for name in names), total.get(rate.key)]:
            cells.append(str(RateValue(*value)) if isinstance(value, tuple) and None not in value else None)
        sheet.append([rate.label, "%", *cells])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(names) + 3)
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row == 2 or cell.column == len(names) + 3:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 30
    from openpyxl.utils import get_column_letter

    for column in range(3, len(names) + 4):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = "C3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    return save_workbook(book, Path(path))

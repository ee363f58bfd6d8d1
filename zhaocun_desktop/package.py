"""The township's data package (上报数据包): one zip file the county opens.

Inside: ``manifest.json`` (what the package is: township, county, year, program and schema
version, when it was made, whether personal data is masked, and the SHA-256 of every other
member), ``settings.json``, ``figures.json`` (the year's figures as the township computed them)
and ``records/<register>.json`` for every register table (the year's records; the registers that
``travels_whole`` names, such as the villages, the staff and the certificates, in full). Everything is read from the register
descriptions, so a new register or field travels without an edit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import APP_NAME, __version__, records
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.registers import Register, Kind

if TYPE_CHECKING:
    from sqlite_utils import Database

KIND = "zhaocun-desktop township package"
FORMAT = 1
MANIFEST = "manifest.json"
MAX_MEMBER_BYTES = 512 * 2**20  # a member larger than this is not a package of ours (zip bombs)


def package_registers(db: Database) -> list[Register]:
    """Every described register whose table exists in ``db`` (child registers included)."""
    from zhaocun_desktop import registers

    found, seen = [], set()
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for value in vars(registers).values():
        for register in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(register, Register) and register.key not in seen and register.key in tables and register.key != "setting":
                seen.add(register.key)
                found.append(register)
    return found


def travels_whole(register: Register) -> bool:
    """True when every package carries all of the register's rows, not only the year's: a register
    without a date field (villages, staff, rosters), or one a state figure counts at the year's end
    (certificates valid that day were mostly issued in earlier years). A child goes with its parent."""
    from zhaocun_desktop.figures import FIGURES
    from zhaocun_desktop.registers import parent_of

    if register.parent_column:
        return travels_whole(parent_of(register))
    return not register.date_field or any(figure.register is register and not figure.per_year for figure in FIGURES)


def _year_rows(db: Database, register: Register, year: int, reveal: bool) -> list[dict]:
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({register.key})")]
    keys = [key for key in register.keys if key in columns]
    lead = ["id"]
    where, params = "", [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]
    if register.parent_column and register.parent_column in columns:  # a child names its parent's id
        lead.append(register.parent_column)
    if travels_whole(register):
        params = []
    elif register.date_field and register.date_field in columns:
        where = f" WHERE {register.date_field} >= ? AND {register.date_field} < ?"
    elif register.parent_column and register.parent_column in columns:
        # a child (当事人, 回访) travels with its parent: the year's parents only
        from zhaocun_desktop.registers import parent_of

        parent = parent_of(register)
        where = f" WHERE {register.parent_column} IN (SELECT id FROM {parent.key} WHERE {parent.date_field} >= ? AND {parent.date_field} < ?)"
    else:
        params = []
    # a village field as the clerk sees it: the village's name through its id, or the place typed
    selected = [*lead, *(f"{records.column_sql(register, key)} AS {key}" for key in keys)]
    sql = f"SELECT {', '.join(selected)} FROM {register.key}{where}"
    keys = [*lead[1:], *keys]
    rows = []
    for row in db.execute(sql + " ORDER BY id", params):
        record = dict(zip(["id", *keys], row))
        for field in register.fields:
            value = record.get(field.key)
            if value is not None and (field.sensitive or (field.kind in (Kind.TEXT, Kind.MEMO) and not field.unique)) and not reveal:  # free text too
                from zhaocun_desktop.validation import display_value

                record[field.key] = display_value(field, value, reveal=False)
            elif value is not None and field.kind is Kind.BOOL:
                record[field.key] = bool(value)
        rows.append(record)
    return rows


def figures_of(db: Database, year: int) -> dict:
    """The year's figures as plain data: ``{key: value}``; a rate as ``{numerator, denominator}``."""
    from zhaocun_desktop.figures import RateValue, yearly_figures

    found = yearly_figures(db, year)
    return {
        key: {"numerator": value.numerator, "denominator": value.denominator} if isinstance(value, RateValue) else value
        for key, value in found.values.items()
    }


def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def write_package(db: Database, year: int, out: str | Path, reveal: bool = False, seal_with: str | None = None) -> Path:
    """Write the year's package to ``out``; personal data masked unless ``reveal`` (audited either way).
    ``seal_with``: a password the whole package is encrypted with (``crypto.seal``), told to the county apart;
    a full package of an encrypted database must have one (it may not leave the office readable)."""
    import io

    from zhaocun_desktop.db import SCHEMA_VERSION
    from zhaocun_desktop.files import save_file

    from zhaocun_desktop import crypto

    out = Path(out)
    if reveal and crypto.key_of(db.conn) is not None and not seal_with:
        raise UserError("数据库设置了程序密码：含完整个人信息的数据包必须加密，请给出一个数据包密码（另行告诉县司法局）。未导出。")
    settings = records.settings(db)
    if not settings.get("town"):
        raise UserError("还没有填写镇名：请先在“设置”页填写镇名、县名，再导出上报数据包。")
    members = {"settings.json": _dump(settings), "figures.json": _dump(figures_of(db, year))}
    counts = {}
    for register in package_registers(db):
        rows = _year_rows(db, register, year, reveal)
        members[f"records/{register.key}.json"] = _dump(rows)
        counts[register.key] = len(rows)
    manifest = {
        "kind": KIND,
        "format": FORMAT,
        "program": APP_NAME,
        "program_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "township": settings["town"],
        "county": settings.get("county"),
        "year": year,
        "made_at": records.now(),
        "personal_data": "full" if reveal else "masked",
        "records": counts,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _dump(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    if seal_with:
        save_file(lambda target: crypto.seal(bytes(buffer.getbuffer()), target, seal_with), out, opened_in="其他程序")
    else:
        save_file(lambda target: target.write_bytes(buffer.getbuffer()), out, opened_in="其他程序")
    how = ("含完整身份证号/电话" + ("，已加密" if seal_with else "")) if reveal else "个人信息已遮盖"
    records.audit(db, "package", None, "export", None, None, f"导出{year}年上报数据包（{how}，{sum(counts.values())}条记录）：{out.name}")
    return out


@dataclass
class Package:
    """A package read back and checked: its manifest, members and the SHA-256 of the whole file."""

    path: Path
    sha256: str
    manifest: dict
    settings: dict
    figures: dict
    records: dict[str, list[dict]]

    @property
    def township(self) -> str:
        return self.manifest["township"]

    @property
    def year(self) -> int:
        return int(self.manifest["year"])


class PackagePasswordNeeded(UserError):
    """A sealed (encrypted) package whose password was not given."""


def read_package(path: str | Path) -> Package:
    """Open and check a package; UserError saying why when it is damaged, foreign or from a newer program."""
    from zhaocun_desktop.db import SCHEMA_VERSION

    path = Path(path)
    name = path.name
    try:
        whole = path.read_bytes()
    except OSError as error:
        raise UserError(f"无法读取“{name}”：{error.strerror or error}。请确认文件存在且没有被其他程序占用。") from None
    foreign = f"“{name}”不是本程序导出的上报数据包（请让乡镇在“文件 → 导出上报数据包”中重新导出）。"
    from zhaocun_desktop import crypto

    if crypto.is_encrypted(path):  # a sealed full package: opened through the password the township gave (crypto.unlock first)
        opened = crypto.unseal(path)
        if opened is None:
            raise PackagePasswordNeeded(f"“{name}”是加密的数据包（含完整个人信息），需要乡镇另行告诉您的数据包密码才能导入。")
        whole = opened
    try:
        archive = zipfile.ZipFile(io.BytesIO(whole))
    except (zipfile.BadZipFile, OSError):
        raise UserError(foreign + "文件不是数据包格式，或已经损坏。") from None
    with archive:
        infos = {info.filename: info for info in archive.infolist()}
        if MANIFEST not in infos:
            raise UserError(foreign)
        if any(info.file_size > MAX_MEMBER_BYTES for info in infos.values()):
            raise UserError(f"“{name}”中有超大的内容，不是正常的上报数据包，未导入。")
        try:
            members = {member: archive.read(member) for member in infos}
            manifest = json.loads(members[MANIFEST])
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise UserError(f"“{name}”已损坏（压缩内容无法读出），未导入任何内容。请让乡镇重新导出后再发送。") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise UserError(foreign)
    if int(manifest.get("format", 0)) > FORMAT or int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
        raise UserError(f"“{name}”由更新版本的程序（{manifest.get('program_version')}）导出，请先把本程序升级到最新版本再导入。")
    listed = manifest.get("sha256") or {}
    for member, digest in listed.items():
        if member not in members or hashlib.sha256(members[member]).hexdigest() != digest:
            raise UserError(f"“{name}”已损坏：其中的“{member}”与清单中的校验值（SHA-256）不符，未导入任何内容。请让乡镇重新导出后再发送。")
    extra = set(members) - set(listed) - {MANIFEST}
    if extra or not manifest.get("township") or not str(manifest.get("year", "")).isdigit():
        raise UserError(f"“{name}”的清单不完整（{'、'.join(sorted(extra)) or '缺少乡镇或年度'}），未导入任何内容。")
    try:
        loaded = {member: json.loads(data) for member, data in members.items() if member != MANIFEST}
    except ValueError:
        raise UserError(f"“{name}”已损坏：内容无法读出，未导入任何内容。") from None
    return Package(
        path=path,
        sha256=hashlib.sha256(whole).hexdigest(),
        manifest=manifest,
        settings=loaded.get("settings.json", {}),
        figures=loaded.get("figures.json", {}),
        records={member[len("records/") : -len(".json")]: rows for member, rows in loaded.items() if member.startswith("records/")},
    )


def made_at(package: Package) -> dt.datetime:
    """When the township made the package (the newer of two packages replaces the older)."""
    return dt.datetime.fromisoformat(package.manifest["made_at"])

"""The township's data package (上报数据包): one signed zip file the county opens.

Members:
- ``manifest.json``: what the package is (township, county, year, program and schema version, when
  it was made, whether personal data is masked, how many records of each register), the SHA-256 of
  every other member, and the township's public key;
- ``manifest.sig``: the Ed25519 signature of ``manifest.json``'s bytes by the township's key
  (signing.py): the signature covers the manifest, the manifest covers every member;
- ``settings.json`` and ``figures.json`` (the year's figures as the township computed them: the
  county compares them with its own, never uses them);
- ``records/<register>.jsonl``: one record a line, for every register table (the year's records;
  the registers that ``travels_whole`` names, such as the villages, the staff and the certificates,
  in full). Everything is read from the register descriptions, so a new register or field travels
  without an edit here.

A package is data from outside and is read as strictly as a village's workbook: the zip's directory
is bounded (members, sizes) before anything is read; every member is strict JSON of a shape written
as data (jsonshape); the signature, then each member's hash against the manifest; the settings are
checked as the 设置 page checks them; every record as an import checks it (validation.check_record,
with the township's own local dispute types), with unique fields, duplicate ids and child rows that
point at no parent refused. Records are read line by line with a running cap (``RecordReader``), so
memory stays small whatever the package holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import APP_NAME, __version__, audit, jsonshape, queries, records, settings as township_settings, signing
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.jsonshape import Either, Integer, Mapping, Null, Number, Record, Scalar, Text
from zhaocun_desktop.registers import VILLAGE, Field, Kind, Register, parent_of
from zhaocun_desktop.validation import Checking, check_record

if TYPE_CHECKING:
    from sqlite_utils import Database

KIND = "zhaocun-desktop township package"
FORMAT = 2  # 2: signed, records as JSON lines (1: unsigned JSON arrays, refused)
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SETTINGS_MEMBER = "settings.json"
FIGURES_MEMBER = "figures.json"
RECORDS_DIR, RECORDS_SUFFIX = "records/", ".jsonl"

# Bounds, from the zip's directory before any member is read. A township's year is a few thousand
# records (bench/county_scale.py: about 1,000 rows and 0.5 MB a package); these are 100x that.
MAX_FILE_BYTES = 256 * 2**20
MAX_MEMBERS = 64
MAX_TOTAL_BYTES = 256 * 2**20  # uncompressed, all members together
MAX_SMALL_BYTES = 2**20  # manifest, signature, settings, figures
MAX_LINE_BYTES = 2**20  # one record
MAX_ROWS = 1_000_000  # in one register
MAX_PROBLEMS = 20  # listed per package; the rest are counted
SHARED_LINES, SHARED_LINE_BYTES = 20_000, 8192  # RecordCheck.shared: lines kept over a roll-up, and the longest kept
CLOCK_SLACK = dt.timedelta(days=1)
MASKED = {  # how write_package masks a sensitive field (values.mask_id_number / mask_phone)
    Kind.ID_NUMBER: r"\d{6}\*{5}\d{4}|\d{6}\*{8}\d{3}[\dX]",
    Kind.PHONE: r"1\d\d\*{4}\d{4}|0\d{2,3}-\*{3,4}\d{4}",
}
# zipfile's ways of saying a directory or a member is broken
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
               KeyError, IndexError, OverflowError, struct.error, zlib.error, UnicodeDecodeError)  # fmt: skip


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
    selected = [*lead, *(f"{queries.column_sql(register, key)} AS {key}" for key in keys)]
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




# ---------------------------------------------------------------------------
# Shapes of the members (jsonshape)

_KEY = r"[a-z][a-z0-9_]{0,39}"
_ID = Integer(1, 2**53)
_COUNT = Either((Integer(0, 10**12), Null()))


def _register_members() -> dict[str, Register]:
    """Every records member a package may hold, by member name."""
    from zhaocun_desktop.registers import BY_KEY

    return {f"{RECORDS_DIR}{key}{RECORDS_SUFFIX}": register for key, register in BY_KEY.items()}


def manifest_shape() -> Record:
    from zhaocun_desktop.registers import SETTINGS, YEAR_MAX

    names = "|".join(re.escape(name) for name in (SETTINGS_MEMBER, FIGURES_MEMBER, *_register_members()))
    return Record(
        {
            "kind": Text(64, choices=(KIND,)),
            "format": Integer(1, 1000),
            "program": Text(50),
            "program_version": Text(30, pattern=r"[0-9A-Za-z.+\-]*"),
            "schema_version": Integer(1, 10_000),
            "township": Text(SETTINGS.field("town").length_limit, 1),
            "county": Text(SETTINGS.field("county").length_limit, 1),
            "year": Integer(2000, YEAR_MAX),
            "made_at": Text(19, 19, pattern=r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"),
            "personal_data": Text(6, choices=("full", "masked")),
            "records": Mapping(Text(40, pattern=_KEY), Integer(0, MAX_ROWS), MAX_MEMBERS),
            "sha256": Mapping(Text(100, pattern=names), Text(64, 64, pattern=r"[0-9a-f]{64}"), MAX_MEMBERS),
            "public_key": Text(44, 44, pattern=r"[A-Za-z0-9+/]{43}="),
        },
        required=frozenset({"kind", "format", "program_version", "schema_version", "township", "county", "year", "made_at",
                            "personal_data", "records", "sha256", "public_key"}),  # fmt: skip
    )


def settings_shape() -> Mapping:
    from zhaocun_desktop.registers import SETTINGS

    longest = max(field.length_limit for field in SETTINGS.fields)
    value = Either((Text(longest), Integer(-(10**9), 10**9), Null()))  # lengths and ranges: check_record, as the 设置 page
    return Mapping(Text(40, choices=SETTINGS.keys), value, len(SETTINGS.fields))


FIGURES_SHAPE = Mapping(
    Text(40, pattern=_KEY),
    Either((Number(0, 1e13), Null(), Record({"numerator": _COUNT, "denominator": _COUNT}, frozenset({"numerator", "denominator"})))),
    1000,
)


def record_shape(register: Register) -> Record:
    """One line of ``records/<register>.jsonl``: its id, its parent's id (a child), its fields as plain values."""
    scalar = Scalar(100_000, -1e15, 1e15)  # kinds, lengths, ranges: check_record
    fields = {"id": _ID, **({register.parent_column: _ID} if register.parent_column else {}), **{f.key: scalar for f in register.fields}}
    return Record(fields, frozenset({"id", register.parent_column} - {""}))


def member_order() -> list[Register]:
    """The registers in the order a package's records are read and taken in: the villages first (the
    records name them), each parent before its children (they point at its id)."""
    from zhaocun_desktop.registers import REGISTERS

    return [VILLAGE, *(each for register in REGISTERS if register is not VILLAGE for each in (register, *register.children))]


# ---------------------------------------------------------------------------
# Records, checked as an import checks them


class RecordCheck:
    """Checks a package's records register by register (``member_order``), each row as an import
    checks a row of a sheet: every field through ``validation.Checking`` (check_record's checks) with the township's own
    local choices (from the package's settings), unique fields and ids unique in the register, a child
    pointing at a parent row of the package, a required village naming one of the package's villages.
    In a masked package the ID and phone numbers are masked as write_package masks them."""

    def __init__(self, settings: dict, masked: bool, year: int, shared: dict | None = None):
        """``year``: the package's; a dated record of a yearly register must fall in it. ``shared``: a dict
        kept over the packages of one roll-up, where the checked lines of the registers that travel whole
        are found again (ten yearly packages of a township carry the same roster)."""
        from zhaocun_desktop.registers import LOCAL_TYPES_SETTING

        self.settings = settings
        self.masked = masked
        self.year = f"{year:04d}-"
        self.shared = shared
        self.context = (settings.get(LOCAL_TYPES_SETTING), masked)  # all a line's own checks depend on besides the line
        self.villages: set[str] = set()
        self.ids: dict[str, dict[int, int]] = {}  # register key -> id -> row number
        self.children: dict[str, Counter] = {}  # child key -> rows per parent id
        self.shapes: dict[str, Record] = {}
        self.seen: dict[str, dict] = {}

    def start(self, register: Register) -> None:
        self.ids[register.key] = {}
        self.children[register.key] = Counter()
        self.seen = {f.key: {} for f in register.fields if f.unique}
        self.choices = records.choices_in(register, self.settings)
        # read once a register, not once a row (properties that walk the fields)
        self.sensitive = [f for f in register.fields if f.sensitive]
        self.unique = [f for f in register.fields if f.unique]
        self.required_villages = [f for f in register.village_fields if f.required]
        self.parent = parent_of(register) if register.parent_column else None
        whole = travels_whole(register)
        self.share = self.shared is not None and whole
        self.dated = register.date_field if register.date_field and not whole else None
        self.checking = Checking(register, self.choices)  # an import's checks, remembering repeated values

    def line(self, register: Register, data: bytes, number: int) -> tuple[dict | None, list[str]]:
        """A line of the member as a clean row, or the problems of row ``number``."""
        key = (register.key, self.context, data) if self.share and len(data) <= SHARED_LINE_BYTES else None
        found = self.shared.get(key) if key else None
        if found is None:
            try:
                raw = jsonshape.loads(data)
            except ValueError as error:
                return None, [f"第{number}行{error}"]
            if register.key not in self.shapes:
                self.shapes[register.key] = record_shape(register)
            problem = jsonshape.problem(self.shapes[register.key], raw, f"第{number}行")
            if problem:
                return None, [problem]
            found = (raw, self.fields(register, raw))
            if key:
                if len(self.shared) >= SHARED_LINES:
                    self.shared.clear()
                self.shared[key] = found
        return self.row(register, found[0], number, found[1])

    def fields(self, register: Register, raw: dict) -> tuple[dict, dict[str, str], dict, list[Field]]:
        """What a record's own fields say, whatever its place in the package: ``(clean, errors by field,
        masked numbers kept as sent, sensitive fields left unmasked in a masked package)``."""
        given = raw  # its id and parent id are no fields: check_record passes them by
        masked, unmasked = {}, []
        for f in self.sensitive:
            value = given.get(f.key)
            if value in (None, "") or not self.masked:
                continue
            if isinstance(value, str) and re.fullmatch(MASKED[f.kind], value):
                given = dict(given) if given is raw else given
                masked[f.key] = given.pop(f.key)  # kept as sent; its own checks need the whole number
            else:
                unmasked.append(f)
        clean, errors = self.checking.record(given)
        return clean, errors, masked, unmasked

    def row(self, register: Register, raw: dict, number: int, checked: tuple | None = None) -> tuple[dict | None, list[str]]:
        """``raw`` (its id, parent id and field values) as a clean row, or the problems of row ``number``;
        ``checked``: what ``fields`` said of it, if known."""
        record_id = raw["id"]
        where = f"第{number}行（编号 {record_id}）"
        problems = []
        ids = self.ids[register.key]
        if record_id in ids:
            problems.append(f"{where}：编号与第{ids[record_id]}行重复")
        ids.setdefault(record_id, number)
        parent_id = raw.get(register.parent_column) if register.parent_column else None
        if register.parent_column:
            parent = self.parent
            if parent_id not in self.ids.get(parent.key, {}):
                problems.append(f"{where}：所属的{parent.title}（编号 {parent_id}）不在数据包中")
            else:
                self.children[register.key][parent_id] += 1
        clean, errors, masked, unmasked = checked or self.fields(register, raw)
        clean = dict(clean)  # a shared line's result stays as it was
        problems += [f"{where}“{f.label}”：数据包标明个人信息已遮盖，却含有未遮盖的号码" for f in unmasked]
        problems += [f"{where}“{register.field(key).label}”：{message}" for key, message in errors.items()]
        if self.dated and clean.get(self.dated) and not clean[self.dated].startswith(self.year):
            problems.append(f"{where}“{register.field(self.dated).label}”：{clean[self.dated]}不在数据包的年度（{self.year[:4]}年）内")
        for f in self.required_villages:
            value = clean.get(f.key)
            if value and self.villages and value not in self.villages:
                problems.append(f"{where}“{f.label}”：“{value}”不是本镇的村(居)（数据包的村(居)名单中没有）")
        for f in self.unique:
            value = clean.get(f.key)
            if value is not None:
                if value in self.seen[f.key]:
                    problems.append(f"{where}“{f.label}”：“{value}”与第{self.seen[f.key][value]}行重复，不能重复")
                self.seen[f.key].setdefault(value, number)
        if problems:
            return None, problems
        clean.update(masked)
        clean["id"] = record_id
        if register.parent_column:
            clean[register.parent_column] = parent_id
        if register is VILLAGE:
            self.villages.add(clean["name"])
        return clean, []

    def finish(self, register: Register) -> list[str]:
        """Problems once the whole register is read: parents with fewer child rows than required."""
        if not register.min_rows:
            return []
        parent = parent_of(register)
        short = [parent_id for parent_id in self.ids.get(parent.key, {}) if self.children[register.key][parent_id] < register.min_rows]
        if not short:
            return []
        shown = "、".join(str(each) for each in short[:10]) + ("等" if len(short) > 10 else "")
        return [f"{len(short)}条{parent.title}（编号 {shown}）没有{register.title}，每条至少要有{register.min_rows}位"]


def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _lines(rows: list[dict]) -> bytes:
    return b"".join(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n" for row in rows)


def package_settings_register() -> Register:
    """设置 as a package's settings are checked: every field as the 设置 page checks it, but only 镇名 and
    县名 required (the county needs those two; a blank 落款单位 is the township's own business)."""
    import dataclasses

    from zhaocun_desktop.registers import SETTINGS

    return dataclasses.replace(SETTINGS, fields=tuple(f._replace(required=f.key in ("town", "county")) for f in SETTINGS.fields))


def check_settings(raw: dict) -> tuple[dict, list[str]]:
    """A package's settings, clean, and the problems (each naming the setting)."""
    register = package_settings_register()
    clean, errors = check_record(register, raw)
    return clean, [f"“{register.field(key).label}”{message}" for key, message in errors.items()]


def write_package(db: Database, year: int, out: str | Path, reveal: bool = False, seal_with: str | None = None) -> Path:
    """Write the year's package to ``out``, signed with the township's key; personal data masked unless
    ``reveal`` (audited either way). The records are checked first as the county will check them:
    a record it would refuse is named here, and no package is written. ``seal_with``: a password the
    whole package is encrypted with (``crypto.seal``), told to the county apart; a full package of an
    encrypted database must have one (it may not leave the office readable)."""
    import io

    from zhaocun_desktop import crypto
    from zhaocun_desktop.db import SCHEMA_VERSION
    from zhaocun_desktop.files import save_file

    out = Path(out)
    if reveal and crypto.key_of(db.conn) is not None and not seal_with:
        raise UserError("数据库设置了程序密码：含完整个人信息的数据包必须加密，请给出一个数据包密码（另行告诉县司法局）。未导出。")
    settings = township_settings.settings(db)
    settings_clean, problems = check_settings(settings)
    if not settings.get("town") or not settings.get("county"):
        raise UserError("还没有填写镇名或县名：请先在“设置”页填写镇名、县名，再导出上报数据包。")
    if problems:
        raise UserError(f"“设置”中有不符合要求的内容，数据包未导出：{'；'.join(problems)}。请在“设置”页改正后再导出。")
    check = RecordCheck(settings_clean, masked=not reveal, year=year)
    members = {SETTINGS_MEMBER: _dump(settings), FIGURES_MEMBER: _dump(figures_of(db, year))}
    counts, refused = {}, []
    present = {register.key for register in package_registers(db)}
    for register in member_order():
        if register.key not in present:
            continue
        rows = _year_rows(db, register, year, reveal)
        check.start(register)
        for number, row in enumerate(rows, start=1):
            refused += [f"{register.title}{message}" for message in check.row(register, row, number)[1]]
        refused += [f"{register.title}：{message}" for message in check.finish(register)]
        members[f"{RECORDS_DIR}{register.key}{RECORDS_SUFFIX}"] = _lines(rows)
        counts[register.key] = len(rows)
    if refused:
        shown = "\n".join(refused[:MAX_PROBLEMS]) + (f"\n……另有 {len(refused) - MAX_PROBLEMS} 处" if len(refused) > MAX_PROBLEMS else "")
        raise UserError(f"台账中有{len(refused)}处不符合填写要求，县司法局会拒收，数据包未导出：\n{shown}\n请在台账中改正这些记录后再导出。")
    with db.atomic():
        public = signing.ensure_key(db)
    manifest = {
        "kind": KIND,
        "format": FORMAT,
        "program": APP_NAME,
        "program_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "township": settings["town"],
        "county": settings["county"],
        "year": year,
        "made_at": audit.now(),
        "personal_data": "full" if reveal else "masked",
        "records": counts,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
        "public_key": signing.encode(public),
    }
    manifest_bytes = _dump(manifest)
    signature, _ = signing.sign(db, manifest_bytes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, signing.encode(signature) + "\n")
        for name, data in members.items():
            archive.writestr(name, data)
    if seal_with:
        save_file(lambda target: crypto.seal(bytes(buffer.getbuffer()), target, seal_with), out, opened_in="其他程序")
    else:
        save_file(lambda target: target.write_bytes(buffer.getbuffer()), out, opened_in="其他程序")
    how = ("含完整身份证号/电话" + ("，已加密" if seal_with else "")) if reveal else "个人信息已遮盖"
    audit.audit(db, "package", None, "export", None, None, f"导出{year}年上报数据包（{how}，{sum(counts.values())}条记录）：{out.name}")
    return out


@dataclass
class Package:
    """A package opened and checked up to its records (``open_package``): the manifest, verified
    signature, settings and figures; the records are read by ``RecordReader``."""

    path: Path
    sha256: str  # the whole file
    manifest: dict
    settings: dict
    figures: dict
    public_key: bytes = b""
    manifest_sha256: str = ""  # the signed manifest's bytes: the package's identity while it is read again
    records: dict[str, list[dict]] | None = None  # filled only by read_package (and a first-format county file)

    @property
    def township(self) -> str:
        return self.manifest["township"]

    @property
    def county(self) -> str:
        return self.manifest.get("county") or ""

    @property
    def year(self) -> int:
        return int(self.manifest["year"])

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.public_key)



class PackagePasswordNeeded(UserError):
    """A sealed (encrypted) package whose password was not given."""


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_sealed(path: str | Path) -> bool:
    """True for a sealed (encrypted) full package (crypto.seal)."""
    from zhaocun_desktop import crypto

    return crypto.is_encrypted(path)


def _zip_source(path: Path, digest: bool = True):
    """``(the package's zip, its SHA-256 or None)``: the file itself, or the zip a sealed full package holds
    (a SQLCipher file, crypto.seal; its password given first through crypto.unlock)."""
    from zhaocun_desktop import crypto

    if is_sealed(path):
        opened = crypto.unseal(path)
        if opened is None:
            raise PackagePasswordNeeded(f"“{path.name}”是加密的数据包（含完整个人信息），需要乡镇另行告诉您的数据包密码才能导入。")
        return io.BytesIO(opened), hashlib.sha256(opened).hexdigest() if digest else None
    return path, _file_sha256(path) if digest else None


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A small member read whole, never more than MAX_SMALL_BYTES whatever its header says."""
    with archive.open(info) as stream:
        data = stream.read(MAX_SMALL_BYTES + 1)
    if len(data) > MAX_SMALL_BYTES:
        raise ValueError("too large")
    return data


def _stream_sha256(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """The SHA-256 of a member read in blocks, never past its header's size (None: unreadable or longer)."""
    digest, left = hashlib.sha256(), info.file_size
    try:
        with archive.open(info) as stream:
            while block := stream.read(min(2**20, left + 1)):
                left -= len(block)
                if left < 0:
                    return None
                digest.update(block)
    except _ZIP_ERRORS:
        return None
    return digest.hexdigest()


def clock_problem(made: dt.datetime, year: int, today: dt.date | None = None) -> str | None:
    """Why a package made at ``made`` for ``year`` cannot be right on this computer's calendar, or None."""
    today = today or dt.date.today()
    stamp = made.strftime("%Y-%m-%d %H:%M")
    if made.date() > today + CLOCK_SLACK:
        return (f"数据包的导出时间是{stamp}，比本机今天（{today.isoformat()}）还晚：多半是乡镇电脑（或本机）的日期设错了。"
                "请乡镇把电脑日期改正后重新导出；如是本机日期有误，请先改正本机日期。")  # fmt: skip
    if made.year < year:
        return (f"数据包是{year}年的，导出时间却是{stamp}（该年度开始之前）：多半是乡镇电脑的日期设错了。"
                "请乡镇把电脑日期改正后重新导出。")  # fmt: skip
    return None


def open_package(path: str | Path, today: dt.date | None = None) -> Package:
    """Open and check a package up to its records: bounds, manifest, signature, members' hashes,
    settings and figures, the township's name and the clock. UserError saying why when any fails.
    Each step is a function of its own, in the order a package is trusted; the first refusal ends it."""
    path = Path(path)
    told = _Told(path.name)
    _check_file(path, told)
    try:
        source, whole = _zip_source(path)
        archive = zipfile.ZipFile(source)
    except _ZIP_ERRORS:
        raise UserError(told.foreign + "文件不是数据包格式，或已经损坏。") from None
    with archive:
        by_name = _bounded_members(archive, told)
        manifest, manifest_bytes, public = _signed_manifest(archive, by_name, told)
        loaded = _members_as_signed(archive, by_name, manifest, told)
    settings = _settings_of(loaded, manifest, told)
    _check_clock(manifest, told, today)
    return Package(path, whole, manifest, settings, loaded[FIGURES_MEMBER], public, hashlib.sha256(manifest_bytes).hexdigest())


@dataclass(frozen=True)
class _Told:
    """What every refusal of one package says: its name, not ours, and what to do."""

    name: str

    @property
    def foreign(self) -> str:
        return f"“{self.name}”不是本程序导出的上报数据包（请让乡镇在“文件 → 导出上报数据包”中重新导出）。"

    again = "未导入任何内容。请让乡镇重新导出后再发送。"


def _check_file(path: Path, told: _Told) -> None:
    """Not larger than a package can be, and readable throughout."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"“{told.name}”有 {size / 2**20:,.0f} MB，远大于正常的上报数据包（上限 {MAX_FILE_BYTES // 2**20} MB），未导入。")
        _file_sha256(path)  # readable throughout
    except OSError as error:
        raise UserError(f"无法读取“{told.name}”：{error.strerror or error}。请确认文件存在且没有被其他程序占用。") from None


def _bounded_members(archive: zipfile.ZipFile, told: _Told) -> dict[str, zipfile.ZipInfo]:
    """The members by name, before anything is read: a manifest, no repeated names, counts and sizes under the caps."""
    name = told.name
    try:
        infos = archive.infolist()
    except _ZIP_ERRORS:
        raise UserError(told.foreign + "文件不是数据包格式，或已经损坏。") from None
    by_name = {info.filename: info for info in infos}
    if MANIFEST not in by_name:
        raise UserError(told.foreign)
    if len(infos) > MAX_MEMBERS or len(by_name) != len(infos):
        raise UserError(f"“{name}”中有 {len(infos)} 个文件{'（有重名）' if len(by_name) != len(infos) else ''}，不是正常的上报数据包，未导入。")
    total = sum(info.file_size for info in infos)
    small = [info.filename for info in infos if not info.filename.startswith(RECORDS_DIR) and info.file_size > MAX_SMALL_BYTES]
    if total > MAX_TOTAL_BYTES or small:
        raise UserError(f"“{name}”解压后有 {total / 2**20:,.0f} MB{'（' + '、'.join(small) + '过大）' if small else ''}，"
                        f"超过上报数据包的上限（共 {MAX_TOTAL_BYTES // 2**20} MB，清单和设置各 {MAX_SMALL_BYTES // 2**20} MB），未导入。")  # fmt: skip
    return by_name


def _signed_manifest(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], told: _Told) -> tuple[dict, bytes, bytes]:
    """The manifest (ours, not from a newer or older program, in shape) and the public key whose signature it carries."""
    from zhaocun_desktop.db import SCHEMA_VERSION

    name, again = told.name, told.again
    try:
        manifest_bytes = _read_small(archive, by_name[MANIFEST])
        signature_text = _read_small(archive, by_name[SIGNATURE]) if SIGNATURE in by_name else None
    except _ZIP_ERRORS:
        raise UserError(f"“{name}”已损坏（压缩内容无法读出），{again}") from None
    try:
        manifest = jsonshape.loads(manifest_bytes)
    except ValueError as error:
        raise UserError(f"“{name}”的清单（{MANIFEST}）无法读出：{error}。{again}") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise UserError(told.foreign)
    version, schema = manifest.get("format"), manifest.get("schema_version")
    newer = isinstance(version, int) and version > FORMAT or isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA_VERSION
    if newer:
        program = manifest.get("program_version")
        raise UserError(f"“{name}”由更新版本的程序（{program if isinstance(program, str) else '版本不明'}）导出，请先把本程序升级到最新版本再导入。")
    if isinstance(version, int) and version < FORMAT:
        raise UserError(f"“{name}”由旧版本的程序导出，没有乡镇的签名，无法确认它来自哪个乡镇，未导入。请让乡镇把程序升级到最新版本后重新导出。")
    found = jsonshape.problem(manifest_shape(), manifest, "清单")
    if found:
        raise UserError(f"“{name}”的清单（{MANIFEST}）不符合格式：{found}。{again}")
    public = signing.decode(manifest["public_key"], signing.PUBLIC_KEY_BYTES)
    signature = None
    if signature_text is not None:
        try:
            signature = signing.decode(signature_text.decode("ascii").strip(), signing.SIGNATURE_BYTES)
        except UnicodeDecodeError:
            signature = None
    if public is None or signature is None or not signing.verify(public, manifest_bytes, signature):
        raise UserError(f"“{name}”的签名不对：清单在导出后被改动过，或不是乡镇的程序签名的。未导入任何内容。请让乡镇重新导出后再发送。")
    return manifest, manifest_bytes, public


def _members_as_signed(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], manifest: dict, told: _Told) -> dict:
    """Exactly the members the signed manifest lists, each with its SHA-256; the settings and figures read."""
    name, again = told.name, told.again
    listed = manifest["sha256"]
    extra = sorted(set(by_name) - set(listed) - {MANIFEST, SIGNATURE})
    missing = sorted(member for member in (*listed, SETTINGS_MEMBER, FIGURES_MEMBER) if member not in by_name)
    counted = {f"{RECORDS_DIR}{key}{RECORDS_SUFFIX}" for key in manifest["records"]}
    uncounted = sorted(counted ^ {member for member in listed if member.startswith(RECORDS_DIR)})
    if extra or missing or uncounted or SETTINGS_MEMBER not in listed or FIGURES_MEMBER not in listed:
        what = "；".join(part for part in (extra and f"多出{'、'.join(extra)}", missing and f"缺少{'、'.join(missing)}",
                                            uncounted and f"记录数与文件不对应：{'、'.join(uncounted)}") if part)  # fmt: skip
        raise UserError(f"“{name}”的内容与清单不符（{what or '缺少设置或统计数字'}），{again}")
    loaded = {}
    for member in (SETTINGS_MEMBER, FIGURES_MEMBER):
        try:
            data = _read_small(archive, by_name[member])
        except _ZIP_ERRORS:
            raise UserError(f"“{name}”已损坏（“{member}”无法读出），{again}") from None
        if hashlib.sha256(data).hexdigest() != listed[member]:
            raise UserError(f"“{name}”已损坏：其中的“{member}”与清单中的校验值（SHA-256）不符，{again}")
        try:
            loaded[member] = jsonshape.loads(data)
        except ValueError as error:
            raise UserError(f"“{name}”的“{member}”无法读出：{error}。{again}") from None
    for member in listed:  # every member against the signed manifest now (a package skipped as older is checked too)
        if member.startswith(RECORDS_DIR) and _stream_sha256(archive, by_name[member]) != listed[member]:
            raise UserError(f"“{name}”已损坏：其中的“{member}”与清单中的校验值（SHA-256）不符，{again}")
    return loaded


def _settings_of(loaded: dict, manifest: dict, told: _Told) -> dict:
    """The township's settings, checked as 设置 checks them and naming the township and county of the manifest."""
    name, again = told.name, told.again
    for member, shape in ((SETTINGS_MEMBER, settings_shape()), (FIGURES_MEMBER, FIGURES_SHAPE)):
        found = jsonshape.problem(shape, loaded[member], member)
        if found:
            raise UserError(f"“{name}”的内容不符合格式：{found}。{again}")
    settings, problems = check_settings(loaded[SETTINGS_MEMBER])
    if problems:
        raise UserError(f"“{name}”中乡镇的设置不符合要求：{'；'.join(problems)}。{again}")
    township, county = manifest["township"], manifest["county"]
    if settings.get("town") != township or settings.get("county") != county:
        raise UserError(f"“{name}”前后不一致：清单写的是{county}{township}，数据包中的设置却是{settings.get('county') or '（县名空白）'}"
                        f"{settings.get('town') or '（镇名空白）'}。这个数据包不能导入；请向乡镇核实后让其重新导出。")  # fmt: skip
    return settings


def _check_clock(manifest: dict, told: _Told, today: dt.date | None) -> None:
    """Made at a real time, not later than today (the township's clock)."""
    try:
        made = dt.datetime.fromisoformat(manifest["made_at"])
    except ValueError:
        raise UserError(f"“{told.name}”的清单中导出时间“{manifest['made_at']}”不是有效的日期时间。{told.again}") from None
    late = clock_problem(made, manifest["year"], today)
    if late:
        raise UserError(f"“{told.name}”（{manifest['township']}{manifest['year']}年）没有导入：{late}")


def _member_lines(stream, digest) -> Iterator[bytes]:
    """The lines of a member (without their newline), read in blocks, ``digest`` updated with every
    block; a line longer than MAX_LINE_BYTES is given cut to MAX_LINE_BYTES + 1 bytes, and nothing after it."""
    rest = b""
    while block := stream.read(2**16):
        digest.update(block)
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        for line in lines:
            yield line[: MAX_LINE_BYTES + 1]
            if len(line) > MAX_LINE_BYTES:
                return
        if len(rest) > MAX_LINE_BYTES:
            yield rest[: MAX_LINE_BYTES + 1]
            return
    if rest:
        yield rest


class RecordReader:
    """The records of an opened package, register by register in ``member_order``, each row checked
    (``RecordCheck``) while the member streams in, line by line under a running cap, its SHA-256
    compared with the signed manifest at the end. ``rows`` yields the good rows; the problems are kept
    and ``finish`` (after reading what was not asked for) raises them all: the caller writes inside one
    transaction, which the raise rolls back. The file is opened again: if it is no longer the package
    opened (its manifest changed), UserError."""

    def __init__(self, package: Package, shared: dict | None = None):
        self.package = package
        self.check = RecordCheck(package.settings, masked=package.manifest["personal_data"] == "masked", year=package.year, shared=shared)
        self.problems: list[str] = []
        self.done: set[str] = set()
        self.archive: zipfile.ZipFile | None = None

    def __enter__(self) -> RecordReader:
        name = self.package.path.name
        changed = f"“{name}”在导入过程中被改动了（可能正在复制），本次没有写入任何内容。请等文件复制完成后再导入。"
        try:
            self.archive = zipfile.ZipFile(_zip_source(self.package.path, digest=False)[0])
            manifest = _read_small(self.archive, self.archive.getinfo(MANIFEST))
        except _ZIP_ERRORS:
            self.close()
            raise UserError(changed) from None
        if hashlib.sha256(manifest).hexdigest() != self.package.manifest_sha256:
            self.close()
            raise UserError(changed)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def _problem(self, member: str, message: str) -> None:
        self.problems.append(f"{member} {message}")

    def rows(self, register: Register) -> Iterator[dict]:
        """The register's good rows, clean, with their ``id`` (and parent's id). Its parent (and the
        villages) are read first if they were not."""
        for before in (VILLAGE, parent_of(register) if register.parent_column else None):
            if before is not None and before is not register and before.key not in self.done:
                for _ in self.rows(before):
                    pass
        if register.key in self.done:
            raise RuntimeError(f"{register.key} read twice")
        self.done.add(register.key)
        self.check.start(register)
        member = f"{RECORDS_DIR}{register.key}{RECORDS_SUFFIX}"
        expected = self.package.manifest["sha256"].get(member)
        if expected is None:
            self.problems += [f"{member}：{message}" for message in self.check.finish(register)]
            return
        digest, count, broken, bad = hashlib.sha256(), 0, False, 0
        try:
            with self.archive.open(member) as stream:
                for line in _member_lines(stream, digest):
                    count += 1
                    if len(line) > MAX_LINE_BYTES or count > MAX_ROWS:
                        self._problem(member, f"第{count}行超过 {MAX_LINE_BYTES // 2**20} MB" if count <= MAX_ROWS else f"超过 {MAX_ROWS:,} 行")
                        broken = True
                        break
                    clean, problems = self.check.line(register, line, count)
                    if problems:
                        bad += 1
                        self.problems += [f"{member} {message}" for message in problems]
                        if bad > MAX_PROBLEMS:  # refused anyway: no need to read on
                            broken = True
                            break
                        continue
                    yield clean
        except _ZIP_ERRORS:
            self._problem(member, "已损坏，压缩内容无法读出")
            return
        if broken:
            return
        if digest.hexdigest() != expected:
            self._problem(member, "与清单中的校验值（SHA-256）不符：数据包在导出后被改动过或已损坏")
        elif count != self.package.manifest["records"][register.key]:
            self._problem(member, f"有 {count} 行，清单写的是 {self.package.manifest['records'][register.key]} 条")
        self.problems += [f"{member}：{message}" for message in self.check.finish(register)]

    def finish(self) -> None:
        """Read (and check) every register not read yet; UserError listing every problem found."""
        for register in member_order():
            if register.key not in self.done:
                for _ in self.rows(register):
                    pass
        if self.problems:
            package = self.package
            listed = self.problems[:MAX_PROBLEMS]
            more = f"\n  ……另有 {len(self.problems) - MAX_PROBLEMS} 处" if len(self.problems) > MAX_PROBLEMS else ""
            raise UserError(
                f"“{package.path.name}”（{package.township}{package.year}年）中有不符合要求的记录，整个数据包未导入：\n  "
                + "\n  ".join(listed) + more + "\n请让乡镇在台账中改正后重新导出。"
            )


def read_package(path: str | Path, today: dt.date | None = None) -> Package:
    """Open, check and read a whole package (its records in memory: for tests and small tools; the
    roll-up streams them with RecordReader)."""
    package = open_package(path, today)
    found: dict[str, list[dict]] = {}
    with RecordReader(package) as reader:
        for register in member_order():
            if f"{RECORDS_DIR}{register.key}{RECORDS_SUFFIX}" in package.manifest["sha256"]:
                found[register.key] = list(reader.rows(register))
        reader.finish()
    package.records = found
    return package


def made_at(package: Package) -> dt.datetime:
    """When the township made the package (the newer of two packages replaces the older)."""
    return dt.datetime.fromisoformat(package.manifest["made_at"])

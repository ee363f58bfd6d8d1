"""Hostile packages, generated: random JSON shapes and types in every member, tampered settings and
records with and without recomputed hashes and signature, another township's or county's name, a
wrong clock, oversized and missing members, flipped bytes. The property: a roll-up either refuses
with a named reason and writes nothing, or takes in exactly the package's valid records for its own
township; never another exception; the county file passes integrity_check.

Run by hand with many examples: ``ZHAOCUN_EXAMPLES=2000 bash tools/test.sh tests/test_package_hostile.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from county_towns import TRUSTED, YEAR, build_townships, remade
from hypothesis import HealthCheck, event, given, settings, strategies as st

from zhaocun_desktop import audit
from zhaocun_desktop.county import rollup
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.package import member_order, read_package, travels_whole, write_package
from zhaocun_desktop.registers import BY_KEY, SETTINGS

EXAMPLES = int(os.environ.get("ZHAOCUN_EXAMPLES", "60"))
TOWN, OTHER, STRANGER = "中汤镇", "赵村镇", "瓦屋镇"  # the sender; a township already in the county; one never seen


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The sender's database and its genuine package of YEAR; a county holding OTHER's YEAR and the
    sender's YEAR - 1 (so the sender's key is pinned and its YEAR package is new to the county)."""
    folder = tmp_path_factory.mktemp("hostile")
    towns = build_townships(folder)
    made = {}
    for town, year in ((TOWN, YEAR), (TOWN, YEAR - 1), (OTHER, YEAR)):
        db = open_db(towns[town])
        made[(town, year)] = write_package(db, year, folder / f"{town}{year}.zip")
        db.close()
    county = folder / "县.db"
    db = rollup.open_county(county)
    rollup.roll_up(db, [made[(OTHER, YEAR)], made[(TOWN, YEAR - 1)]], consent=TRUSTED)
    db.close()
    with zipfile.ZipFile(made[(TOWN, YEAR)]) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return {"towns": towns, "package": made[(TOWN, YEAR)], "county": county, "members": members, "folder": folder}


# ---------------------------------------------------------------------------
# The generator

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
odd_text = st.sampled_from([
    "", " ", "2023-13-45", "一百万", "1e400", "-1", "9" * 40, "'); DROP TABLE package; --", "\" OR 1=1 --", "随便", "赵村镇", "下汤镇",
    "410423********1234", "11010519491231002X", "138****8000", "0375-1234567", "\x00\x07", "＝", "=", "\n", "案" * 300, "案" * 10_001,
]) | st.text(max_size=30)  # fmt: skip
scalars = st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20) | st.floats() | odd_text


@st.composite
def hostile(draw, members: dict[str, bytes]) -> dict:
    """One way of spoiling the genuine package: what to change, and whether hashes and signature follow."""
    names = sorted(members)
    kind = draw(st.sampled_from(["member", "line", "field", "setting", "manifest", "key", "oversize", "drop", "bytes", "duplicate_row"]))
    plan = {"kind": kind, "rehash": draw(st.booleans()), "sign": draw(st.sampled_from([None, TOWN, TOWN, OTHER, STRANGER]))}
    records_members = [name for name in names if name.startswith("records/") and members[name].strip()]
    if kind == "member":
        plan["name"] = draw(st.sampled_from(names))
        plan["value"] = draw(json_values)
    elif kind in ("line", "field", "duplicate_row"):
        plan["name"] = draw(st.sampled_from(records_members))
        lines = members[plan["name"]].splitlines()
        plan["row"] = draw(st.integers(0, len(lines) - 1))
        register = BY_KEY[plan["name"][len("records/") : -len(".jsonl")]]
        plan["key"] = draw(st.sampled_from(["id", *(register.parent_column and [register.parent_column] or []), *register.keys, "extra"]))
        plan["value"] = draw(json_values if kind == "line" else scalars)
    elif kind == "setting":
        plan["key"] = draw(st.sampled_from([*SETTINGS.keys, "password_hash"]))
        plan["value"] = draw(scalars | json_values)
    elif kind == "manifest":
        plan["key"] = draw(st.sampled_from(["township", "county", "made_at", "year", "personal_data", "format", "schema_version", "records", "public_key", "kind", "extra"]))
        plan["value"] = draw(st.sampled_from([
            OTHER, STRANGER, "下汤镇", "叶县", "", "2030-01-01T00:00:00", "2020-01-01T00:00:00", "2023-13-45T00:00:00", YEAR - 1, 2999, "full",
            2, 1, 3, 99, {"mediation_case": 1}, {}, None,
        ]) | json_values)  # fmt: skip
        plan["settings_too"] = draw(st.booleans())  # the settings made to agree with the new name
    elif kind == "oversize":
        plan["name"] = draw(st.sampled_from([*records_members, "records/extra.jsonl", "notes.txt", "settings.json"]))
        plan["size"] = draw(st.sampled_from([2**20 + 10, 3 * 2**20]))
        plan["lines"] = draw(st.booleans())  # many short lines instead of one long one
    elif kind == "drop":
        plan["name"] = draw(st.sampled_from([*names, "manifest.sig"]))
    elif kind == "bytes":
        plan["flips"] = draw(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=4))
        plan["truncate"] = draw(st.none() | st.floats(0.05, 1))
    return plan


def build(plan: dict, world: dict, target: Path) -> Path:
    """The package ``plan`` describes, written to ``target``."""
    members, kind = world["members"], plan["kind"]
    if kind == "bytes":
        data = bytearray(world["package"].read_bytes())
        for where, mask in plan["flips"]:
            data[int(where * len(data))] ^= mask
        if plan["truncate"] is not None:
            data = data[: int(plan["truncate"] * len(data))]
        target.write_bytes(bytes(data))
        return target
    manifest_change = None
    change = None
    if kind == "member":
        value = json.dumps(plan["value"], ensure_ascii=False).encode()
        if plan["name"] == "manifest.json":
            return remade(world["package"], target, rehash=False, raw_manifest=value)
        change = lambda name, data: value if name == plan["name"] else data  # noqa: E731
    elif kind in ("line", "field", "duplicate_row"):

        def change(name, data):
            if name != plan["name"]:
                return data
            lines = data.splitlines()
            if kind == "line":
                lines[plan["row"]] = json.dumps(plan["value"], ensure_ascii=False).encode()
            elif kind == "duplicate_row":
                lines.insert(plan["row"], lines[plan["row"]])
            else:
                row = json.loads(lines[plan["row"]])
                row[plan["key"]] = plan["value"]
                lines[plan["row"]] = json.dumps(row, ensure_ascii=False).encode()
            return b"\n".join(lines) + b"\n"

    elif kind == "setting":

        def change(name, data):
            if name != "settings.json":
                return data
            return json.dumps(dict(json.loads(data), **{plan["key"]: plan["value"]}), ensure_ascii=False).encode()

    elif kind == "manifest":

        def manifest_change(manifest):
            manifest[plan["key"]] = plan["value"]

        if plan["settings_too"] and plan["key"] in ("township", "county"):
            setting = "town" if plan["key"] == "township" else "county"

            def change(name, data):
                if name != "settings.json":
                    return data
                return json.dumps(dict(json.loads(data), **{setting: plan["value"]}), ensure_ascii=False).encode()

    elif kind == "oversize":
        if plan["name"] not in members:
            return _with_extra_member(world, target, plan)

        def change(name, data):
            if name != plan["name"]:
                return data
            if plan["lines"]:
                line = data.splitlines()[0] if data.strip() and name.startswith("records/") else b"{}"
                return (line + b"\n") * (plan["size"] // (len(line) + 1) + 1)
            return b'{"id": 1, "note": "' + b"x" * plan["size"] + b'"}\n'

    elif kind == "drop":
        change = lambda name, data: None if name == plan["name"] else data  # noqa: E731
    sign_with = world["towns"][plan["sign"]] if plan["sign"] else None
    return remade(world["package"], target, change, sign_with=sign_with, rehash=plan["rehash"], manifest_change=manifest_change)


def _with_extra_member(world: dict, target: Path, plan: dict) -> Path:
    """The genuine package plus a member the manifest may list (rehash) or not."""
    remade(world["package"], target, rehash=False)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(plan["name"], b"x" * plan["size"])
    if plan["rehash"] or plan["sign"]:
        sign_with = world["towns"][plan["sign"]] if plan["sign"] else None
        again = target.with_name("again-" + target.name)
        remade(target, again, sign_with=sign_with, rehash=plan["rehash"])
        again.replace(target)
    return target


# ---------------------------------------------------------------------------
# The property


def county_state(db) -> dict[str, str]:
    tables = [row[0] for row in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    found = {table: hashlib.sha256(repr(sorted(map(repr, db.execute(f"SELECT * FROM main.{table}").fetchall()))).encode()).hexdigest() for table in tables}
    found["schema"] = hashlib.sha256(repr(db.execute("SELECT type, name, sql FROM main.sqlite_master ORDER BY name").fetchall()).encode()).hexdigest()
    return found


def township_rows(db, name: str) -> str:
    rows = [sorted(map(repr, db.execute(f"SELECT * FROM main.{register.key} WHERE township_id = (SELECT id FROM main.township WHERE name = ?)", [name]).fetchall()))
            for register in member_order()]  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_hostile_package_is_refused_whole_or_taken_exactly(world, tmp_path_factory, data):
    plan = data.draw(hostile(world["members"]))
    work = tmp_path_factory.mktemp("case")
    path = build(plan, world, work / "数据包.zip")
    county_path = work / "县.db"
    shutil.copy(world["county"], county_path)
    db = rollup.open_county(county_path)
    try:
        before = county_state(db)
        others = {name: township_rows(db, name) for name in (TOWN, OTHER)}
        try:
            outcomes = rollup.roll_up(db, [path], consent=TRUSTED)
        except UserError as error:
            event(f"{plan['kind']}: refused")
            assert str(error).strip() and path.name in str(error) or isinstance(error, rollup.NeedsConsent), str(error)
            assert county_state(db) == before, f"refused but written: {plan}"
        else:
            outcome = outcomes[0]
            event(f"{plan['kind']}: {outcome.action}")
            package = read_package(path)  # whatever was taken in is a package the strict reader accepts whole
            if outcome.action == "skipped":
                assert county_state(db) == before
            else:
                name = package.township
                assert {other: township_rows(db, other) for other in others if other != name} == {k: v for k, v in others.items() if k != name}
                package_id = db.execute("SELECT id FROM main.package WHERE sha256 = ?", [package.sha256]).fetchone()[0]
                newest = db.execute("SELECT package_id FROM main.township WHERE name = ?", [name]).fetchone()[0] == package_id
                for register in member_order():
                    if register.key == "village" or (travels_whole(register) and not newest):
                        continue
                    taken = db.execute(f"SELECT count(*) FROM main.{register.key} WHERE package_id = ?", [package_id]).fetchone()[0]
                    assert taken == len(package.records.get(register.key, [])), (register.key, plan)
                cases = sorted(row["case_no"] or "" for row in package.records.get("mediation_case", []))
                stored = sorted(row[0] or "" for row in db.execute("SELECT case_no FROM main.mediation_case WHERE package_id = ?", [package_id]))
                assert stored == cases
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
        shutil.rmtree(work, ignore_errors=True)


def test_the_genuine_package_is_taken(world, tmp_path):
    """The property's baseline: the package the generator spoils rolls up as it is."""
    county_path = tmp_path / "县.db"
    shutil.copy(world["county"], county_path)
    db = rollup.open_county(county_path)
    try:
        outcomes = rollup.roll_up(db, [world["package"]], consent=TRUSTED)
        assert [o.action for o in outcomes] == ["added"] and outcomes[0].differences == []
        assert audit.audit_rows(db, "package")[-1]["action"] == "import"
    finally:
        db.close()

"""The county trusts a package because of who sent it and what it holds: each case of issue 22's
"Why" as its own test, on three real demo townships (赵村镇, 中汤镇, 瓦屋镇 of 鲁山县)."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from county_towns import TRUSTED, YEAR, build_townships, later, member_replaced, remade, rows_changed, zeros_zip

from zhaocun_desktop import audit, cli, county_scope, settings as township_settings, signing
from zhaocun_desktop.county import figures as county_figures, rollup, summary as county_summary
from zhaocun_desktop.db import open_db
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.package import open_package, read_package, write_package
from zhaocun_desktop.registers import MEDIATION_CASE, REGISTERS, VILLAGE, Kind

CASES = "records/mediation_case.jsonl"


@pytest.fixture(scope="module")
def towns(tmp_path_factory) -> dict[str, Path]:
    return build_townships(tmp_path_factory.mktemp("trust_towns"))


@pytest.fixture(scope="module")
def genuine(towns, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("trust_packages")
    made = {}
    for town, path in towns.items():
        db = open_db(path)
        made[town] = write_package(db, YEAR, folder / f"{town}.zip")
        db.close()
    return made


@pytest.fixture
def county(genuine, tmp_path):
    """A county database holding 赵村镇 and 瓦屋镇 (their keys pinned); 中汤镇 has sent nothing yet."""
    db = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(db, [genuine["赵村镇"], genuine["瓦屋镇"]], consent=TRUSTED)
    yield db
    db.close()


def state(db) -> dict[str, str]:
    """Every table of the county file as a digest of its rows: equal before and after means nothing was written."""
    tables = [row[0] for row in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    found = {}
    for table in tables:
        rows = sorted(map(repr, db.execute(f"SELECT * FROM main.{table}").fetchall()))
        found[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    found["schema"] = hashlib.sha256(repr(db.execute("SELECT type, name, sql FROM main.sqlite_master ORDER BY name").fetchall()).encode()).hexdigest()
    return found


def cases_of(db, township: str) -> int:
    return db.execute("SELECT count(*) FROM main.mediation_case WHERE township_id = (SELECT id FROM main.township WHERE name = ?)", [township]).fetchone()[0]


def refused(db, paths, consent=TRUSTED, kind=UserError) -> str:
    before = state(db)
    with pytest.raises(kind) as error:
        rollup.roll_up(db, [str(path) for path in paths], consent=consent)
    assert state(db) == before, "a refused roll-up wrote something"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return str(error.value)


def relabel(settings_too: bool, as_town: str = "瓦屋镇"):
    def change(name: str, data: bytes) -> bytes:
        if name == "settings.json" and settings_too:
            settings = json.loads(data)
            settings["town"] = as_town
            return json.dumps(settings, ensure_ascii=False).encode()
        return data

    return change


def _set(key, value):
    return lambda manifest: manifest.__setitem__(key, value)


# ---------------------------------------------------------------------------
# A package of 中汤镇 labelled 下汤镇 (here 瓦屋镇): it replaced 瓦屋镇's cases, and the genuine one was then skipped


def test_a_relabelled_package_never_touches_the_township_it_names(county, genuine, towns, tmp_path, monkeypatch):
    other = genuine["中汤镇"]
    own_cases = cases_of(county, "瓦屋镇")
    # only the manifest changed: the signature no longer fits it
    plain = remade(other, tmp_path / "改名.zip", manifest_change=_set("township", "瓦屋镇"))
    assert "签名不对" in refused(county, [plain])
    # the manifest re-signed by 中汤镇, its settings still saying 中汤镇: the package contradicts itself
    half = remade(other, tmp_path / "改名2.zip", manifest_change=_set("township", "瓦屋镇"), sign_with=towns["中汤镇"])
    assert "前后不一致" in refused(county, [half])
    # manifest and settings both say 瓦屋镇, signed by 中汤镇's key: not the key pinned for 瓦屋镇
    whole = remade(other, tmp_path / "改名3.zip", relabel(True), manifest_change=_set("township", "瓦屋镇"), sign_with=towns["中汤镇"])
    message = refused(county, [whole], kind=rollup.NeedsConsent)
    assert "签名公钥与已确认的不同" in message and signing.fingerprint(signing.pinned_key(county, "瓦屋镇")) in message
    assert "签名公钥与已确认的不同" in refused(county, [whole], consent=rollup.Consent(new_keys=True))  # a first-key consent is no answer
    # once 中汤镇 has sent its own package, its key can never speak for another township
    rollup.roll_up(county, [other], consent=TRUSTED)
    assert "签名公钥却是中汤镇的" in refused(county, [whole])
    assert cases_of(county, "瓦屋镇") == own_cases
    # 瓦屋镇's genuine newer package is taken, not skipped as already imported
    monkeypatch.setattr(audit, "now", later)
    db = open_db(towns["瓦屋镇"])
    newer = write_package(db, YEAR, tmp_path / "瓦屋镇-新.zip")
    db.close()
    outcomes = rollup.roll_up(county, [newer], consent=TRUSTED)
    assert [o.action for o in outcomes] == ["replaced"] and cases_of(county, "瓦屋镇") == own_cases


# ---------------------------------------------------------------------------
# Records an import would refuse (each signed as the township would sign them)


def _first_case(edit):
    def change(rows):
        edit(rows[0], rows)
    return rows_changed(MEDIATION_CASE.key, change)


BAD_RECORDS = {
    "date 2023-13-45": (_first_case(lambda row, rows: row.update(accepted="2023-13-45")), "受理日期"),
    "一百万 in a number": (_first_case(lambda row, rows: row.update(people="一百万")), "涉及人数"),
    "an invalid choice": (_first_case(lambda row, rows: row.update(result="随便")), "调解结果"),
    "a local type the township lacks": (_first_case(lambda row, rows: row.update(dispute_type="村务纠纷")), "纠纷类型"),
    "a duplicate id": (_first_case(lambda row, rows: row.update(id=rows[1]["id"])), "编号与第"),
    "100,000 characters": (_first_case(lambda row, rows: row.update(summary="案" * 100_000)), "简要案情"),
    "a duplicate case number": (_first_case(lambda row, rows: row.update(case_no=next(r["case_no"] for r in rows[1:] if r["case_no"]))), "案件编号"),
    "a party pointing at no case": (rows_changed("mediation_party", lambda rows: rows[0].update(case_id=10**9)), "不在数据包中"),
    "a case of another year": (_first_case(lambda row, rows: row.update(accepted=f"{YEAR - 1}-06-01")), "不在数据包的年度"),
    "a full ID number in a masked package": (rows_changed("mediation_party", lambda rows: rows[0].update(id_number="11010519491231002X")), "未遮盖"),
}


@pytest.fixture(scope="module")
def newer_wawu(towns, tmp_path_factory) -> Path:
    """瓦屋镇's package made an hour later: it would replace the one the county holds."""
    db = open_db(towns["瓦屋镇"])
    stamp = later()
    now, audit.now = audit.now, lambda: stamp
    try:
        return write_package(db, YEAR, tmp_path_factory.mktemp("newer") / "瓦屋镇-更正.zip")
    finally:
        audit.now = now
        db.close()


@pytest.mark.parametrize("name", BAD_RECORDS)
def test_a_record_an_import_would_refuse_refuses_the_whole_package(county, genuine, towns, newer_wawu, tmp_path, name):
    change, label = BAD_RECORDS[name]
    bad = remade(genuine["中汤镇"], tmp_path / "坏记录.zip", change, sign_with=towns["中汤镇"])
    message = refused(county, [newer_wawu, bad])  # a good package of the same run is not taken either
    assert "坏记录.zip" in message and "整个数据包未导入" in message and label in message
    assert ("mediation_party.jsonl" if "party" in name or "ID" in name else CASES) in message and "第1行" in message
    assert cases_of(county, "中汤镇") == 0


def test_a_township_local_type_from_its_own_settings_is_valid(county, genuine, towns, tmp_path):
    def change(name, data):
        if name == "settings.json":
            settings = json.loads(data)
            settings["local_dispute_types"] += "\n村务纠纷=其他"
            return json.dumps(settings, ensure_ascii=False).encode()
        return _first_case(lambda row, rows: row.update(dispute_type="村务纠纷"))(name, data)

    package = remade(genuine["中汤镇"], tmp_path / "本镇类型.zip", change, sign_with=towns["中汤镇"])
    rollup.roll_up(county, [package], consent=TRUSTED)
    assert county.execute("SELECT count(*) FROM main.mediation_case WHERE dispute_type = '村务纠纷'").fetchone()[0] == 1
    # its class comes from 中汤镇's settings; a local type naming no national class is refused in the settings
    wrong = remade(genuine["中汤镇"], tmp_path / "错类别.zip", member_replaced("settings.json", json.dumps(
        dict(json.loads(zipfile.ZipFile(genuine["中汤镇"]).read("settings.json")), local_dispute_types="村务纠纷=随便"), ensure_ascii=False).encode()),
        sign_with=towns["中汤镇"])  # fmt: skip
    assert "不是全国统计类别" in refused(county, [wrong])


# ---------------------------------------------------------------------------
# Another county's package


def test_another_countys_package_is_taken_only_when_the_clerk_says_it_belongs(county, genuine, towns, tmp_path):
    def to_ye(name, data):
        if name == "settings.json":
            return json.dumps(dict(json.loads(data), county="叶县"), ensure_ascii=False).encode()
        return data

    other = remade(genuine["中汤镇"], tmp_path / "叶县.zip", to_ye, manifest_change=_set("county", "叶县"), sign_with=towns["中汤镇"])
    message = refused(county, [other], kind=rollup.NeedsConsent)
    assert "叶县" in message and "鲁山县" in message
    result = cli.main(["rollup", "--db", str(_path(county)), str(other), "--accept-new-keys"])
    assert result == 2
    outcomes = rollup.roll_up(county, [other], consent=rollup.Consent(new_keys=True, other_county={"中汤镇"}))
    assert outcomes[0].action == "added" and any("叶县" in note for note in outcomes[0].notes)
    entry = next(entry for entry in audit.audit_entries(county, "package") if entry.action == "确认属于本县")
    assert "叶县" in entry.note and "中汤镇" in entry.note


def _path(db) -> Path:
    return Path(db.execute("PRAGMA database_list").fetchone()[2])


# ---------------------------------------------------------------------------
# figures.json disagreeing with the records


def test_a_packages_own_figures_are_compared_never_summed(county, genuine, towns, tmp_path, capsys):
    def inflate(name, data):
        if name == "figures.json":
            return json.dumps(dict(json.loads(data), cases=123456), ensure_ascii=False).encode()
        return data

    false = remade(genuine["中汤镇"], tmp_path / "假数字.zip", inflate, sign_with=towns["中汤镇"])
    real = json.loads(zipfile.ZipFile(genuine["中汤镇"]).read("figures.json"))["cases"]
    outcomes = rollup.roll_up(county, [false], consent=TRUSTED)
    assert ("cases", 123456, real) in outcomes[0].differences
    assert "上报 123456，按记录计算" in rollup.describe(outcomes)
    assert county_figures.township_figures(county, YEAR)["中汤镇"]["cases"] == real == cases_of(county, "中汤镇")
    summary = county_summary.write_county_summary(county, YEAR, tmp_path / "全县.xlsx")
    sheet = openpyxl.load_workbook(summary).worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 123456 not in values and real in values


def test_the_cli_lists_the_figures_that_differ(genuine, towns, tmp_path, capsys):
    def inflate(name, data):
        if name == "figures.json":
            return json.dumps(dict(json.loads(data), cases=123456), ensure_ascii=False).encode()
        return data

    false = remade(genuine["中汤镇"], tmp_path / "假数字.zip", inflate, sign_with=towns["中汤镇"])
    assert cli.main(["rollup", "--db", str(tmp_path / "县.db"), str(false), "--accept-new-keys", "--out", str(tmp_path / "全县.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "请注意" in out and "上报 123456，按记录计算" in out


# ---------------------------------------------------------------------------
# A package stamped 2030 (a wrong clock)


def test_a_package_from_the_future_is_refused_naming_the_clock(county, towns, tmp_path, monkeypatch):
    db = open_db(towns["中汤镇"])
    monkeypatch.setattr(audit, "now", lambda: "2030-01-01T09:00:00")
    future = write_package(db, YEAR, tmp_path / "2030.zip")
    monkeypatch.undo()
    genuine_later = write_package(db, YEAR, tmp_path / "今天.zip")
    db.close()
    message = refused(county, [future])
    assert "2030-01-01" in message and "日期设错" in message
    assert [o.action for o in rollup.roll_up(county, [genuine_later], consent=TRUSTED)] == ["added"]


def test_a_future_package_an_earlier_version_took_in_does_not_block_later_ones(county, genuine, towns, tmp_path, monkeypatch):
    county.execute("UPDATE main.package SET made_at = '2030-01-01T09:00:00' WHERE township = '瓦屋镇'")  # as the older program let it in
    county.conn.commit()
    db = open_db(towns["瓦屋镇"])
    newer = write_package(db, YEAR, tmp_path / "瓦屋镇-今天.zip")
    db.close()
    assert [o.action for o in rollup.roll_up(county, [newer], consent=TRUSTED)] == ["replaced"]


def test_a_package_made_before_its_year_began_is_refused(county, towns, tmp_path, monkeypatch):
    db = open_db(towns["中汤镇"])
    monkeypatch.setattr(audit, "now", lambda: "2020-05-01T09:00:00")
    early = write_package(db, YEAR, tmp_path / "早.zip")
    db.close()
    assert "该年度开始之前" in refused(county, [early])


# ---------------------------------------------------------------------------
# Malformed manifests and record files: a refusal (exit 2), never a bug (exit 3)


def _raw_manifest(data: bytes):
    """The whole manifest replaced by ``data`` (no signature can fit it)."""
    return lambda path, target, towns: remade(path, target, rehash=False, raw_manifest=data)


def _signed_manifest(edit):
    """The manifest edited, then signed with the township's key: the check it trips is the shape's."""
    return lambda path, target, towns: remade(path, target, manifest_change=edit, sign_with=towns["中汤镇"])


def _signed_member(member: str, data: bytes):
    return lambda path, target, towns: remade(path, target, member_replaced(member, data), sign_with=towns["中汤镇"])


MALFORMED = {
    "manifest not JSON": (_raw_manifest(b"\xff\xfe{not json"), "清单"),
    "manifest a list": (_raw_manifest(b"[1, 2, 3]"), "不是本程序导出"),
    "manifest nested 100,000 deep": (_raw_manifest(b"[" * 100_000 + b"]" * 100_000), "嵌套"),
    "manifest NaN": (_raw_manifest(b'{"kind": "zhaocun-desktop township package", "format": NaN}'), "不是数字"),
    "manifest township twice": (_raw_manifest(b'{"kind": "zhaocun-desktop township package", "township": "a", "township": "b"}'), "出现了两次"),
    "manifest integer of 5,000 digits": (_raw_manifest(b'{"kind": "zhaocun-desktop township package", "year": ' + b"9" * 5000 + b"}"), "清单"),
    "year as text": (_signed_manifest(_set("year", "二〇二三")), "“year”应为整数"),
    "year overflowing": (_signed_manifest(_set("year", 10**30)), "“year”应为整数"),
    "made_at 2023-13-45": (_signed_manifest(_set("made_at", "2023-13-45T00:00:00")), "不是有效的日期时间"),
    "records count negative": (_signed_manifest(lambda m: m["records"].__setitem__("village", -1)), "应为整数"),
    "a record line not an object": (_signed_member(CASES, b"[1, 2]\n"), "第1行应为对象"),
    "a record id as text": (_signed_member(CASES, b'{"id": "x"}\n'), "“id”应为整数"),
    "a field holding an object": (_signed_member(CASES, b'{"id": 1, "note": {"a": 1}}\n'), "“note”应为"),
    "a number overflowing": (_signed_member(CASES, b'{"id": 1, "people": 1e400}\n'), "超出范围"),
    "a line of 2 MB": (_signed_member(CASES, b'{"id": 1, "note": "' + b"a" * 2 * 2**20 + b'"}\n'), "超过 1 MB"),
    "settings a number": (_signed_member("settings.json", b"42"), "settings.json应为对象"),
    "figures nested": (_signed_member("figures.json", b'{"cases": [[[1]]]}'), "figures.json"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_package_is_a_refusal_with_a_reason(genuine, towns, tmp_path, capsys, name):
    build, reason = MALFORMED[name]
    path = build(genuine["中汤镇"], tmp_path / "坏.zip", towns)
    assert cli.main(["rollup", "--db", str(tmp_path / "县.db"), str(path), "--accept-new-keys"]) == 2
    err = capsys.readouterr().err
    assert "坏.zip" in err and reason in err and "没有写入任何内容" in err, err


def test_an_unsigned_package_of_the_first_format_is_refused(county, genuine, tmp_path):
    old = remade(genuine["中汤镇"], tmp_path / "旧版.zip", lambda name, data: data, manifest_change=_set("format", 1))
    assert "旧版本的程序导出，没有乡镇的签名" in refused(county, [old])
    unsigned = remade(genuine["中汤镇"], tmp_path / "无签名.zip", lambda name, data: None if name == "manifest.sig" else data)
    assert "签名不对" in refused(county, [unsigned])


# ---------------------------------------------------------------------------
# A 1.5 MB package with 3 x 500 MB members


def test_a_zip_bomb_is_refused_before_any_member_is_read(county, tmp_path):
    import time
    import tracemalloc

    bomb = zeros_zip(tmp_path / "炸弹.zip", {"manifest.json": 500 * 2**20, "settings.json": 500 * 2**20, CASES: 500 * 2**20})
    assert bomb.stat().st_size < 2 * 2**20
    with zipfile.ZipFile(bomb) as archive:  # a real zip: its members do unpack
        assert archive.open(CASES).read(10) == b"\0" * 10
    tracemalloc.start()
    started = time.process_time()
    message = refused(county, [bomb])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "超过上报数据包的上限" in message
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB allocated: members were read"
    del started


def test_members_are_read_under_a_running_cap(county, genuine, towns, tmp_path):
    """A records member within the total bound but of absurd lines: the first long line stops it."""
    import tracemalloc

    line = b'{"id": 1, "summary": "' + b"x" * 60 * 2**20 + b'"}\n'
    path = remade(genuine["中汤镇"], tmp_path / "长行.zip", member_replaced(CASES, line), sign_with=towns["中汤镇"])
    tracemalloc.start()
    message = refused(county, [path])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "第1行超过 1 MB" in message
    assert peak < 30 * 2**20, f"{peak / 2**20:.0f} MB allocated"


# ---------------------------------------------------------------------------
# No SQL from package or settings text


INJECTION = "'); DROP TABLE package; --\" OR 1=1 /*"


def test_quotes_and_sql_in_every_settings_value_and_text_field_are_only_data(county, towns, tmp_path):
    path = tmp_path / "中汤镇-注入.db"
    shutil.copy(towns["中汤镇"], path)
    db = open_db(path)
    texts = {}
    for register in (VILLAGE, *REGISTERS):
        for field in register.fields:
            if field.kind in (Kind.TEXT, Kind.MEMO) and not field.unique:
                db.execute(f"UPDATE {register.key} SET {field.key} = {field.key} || ? WHERE {field.key} IS NOT NULL", [INJECTION])
                texts.setdefault(register.key, []).append(field.key)
    db.execute("UPDATE village SET name = name || ?", [INJECTION])
    local = "村务'); DROP TABLE package; --"  # a local type's line is 名称=类别: no "=" in the name
    db.execute("UPDATE mediation_case SET dispute_type = ? WHERE id = (SELECT min(id) FROM mediation_case WHERE accepted >= ?)", [local, f"{YEAR}-01-01"])
    db.conn.commit()
    town = f"中汤镇{INJECTION}"
    township_settings.save_settings(db, {
        "town": town, "county": "鲁山县", "office": f"司法所{INJECTION}", "signer": f"人民政府{INJECTION}",
        "font_title": INJECTION, "font_body": INJECTION, "font_heading1": INJECTION, "font_heading2": INJECTION, "town_short": "'",
        "case_no_pattern": "（{年}）{简称}" + INJECTION + "第{n}号", "case_no_pattern_village": "{村}'{n}",
        "local_dispute_types": f"{local}=邻里\n土地承包经营=山林土地\n村务管理=其他",
    })  # fmt: skip
    package = write_package(db, YEAR, tmp_path / "注入.zip", reveal=True)
    db.close()
    schema = county.execute("SELECT type, name, sql FROM main.sqlite_master ORDER BY name").fetchall()
    others = {name: state_of_township(county, name) for name in ("赵村镇", "瓦屋镇")}
    outcomes = rollup.roll_up(county, [package], consent=TRUSTED)
    assert outcomes[0].action == "added" and outcomes[0].differences == []
    assert county.execute("SELECT type, name, sql FROM main.sqlite_master ORDER BY name").fetchall() == schema  # no table dropped, none added
    assert {name: state_of_township(county, name) for name in others} == others
    assert county.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = read_package(package).records
    for key, fields in texts.items():  # every text stored as sent
        for field in fields:
            sent = sorted(str(row[field]) for row in rows.get(key, []) if row.get(field) is not None)
            stored = sorted(str(row[field]) for row in county_figures.township_records(county, YEAR, key, town) if row.get(field) is not None)
            if key == VILLAGE.key or not sent:
                continue
            assert stored == sent, (key, field)
    # the statistics read the local type's class from the settings, as data: the case counts under 邻里
    from zhaocun_desktop.figures import Period
    from zhaocun_desktop.statistics import mediation_table

    county_scope.set_scope(county, county_scope.township_id(county, town))
    table = mediation_table(county, Period.year(YEAR))
    county_scope.set_scope(county, None)
    by_kind = {row[0]: row[1] for row in table.rows if not row[0].startswith("其中：")}  # the classes, not their sub-rows
    assert sum(by_kind.values()) == cases_of(county, town)
    assert by_kind["邻里"] >= 1


def state_of_township(db, name: str) -> str:
    rows = [db.execute(f"SELECT * FROM main.{r.key} WHERE township_id = (SELECT id FROM main.township WHERE name = ?) ORDER BY id", [name]).fetchall()
            for r in (VILLAGE, *REGISTERS)]  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# ---------------------------------------------------------------------------
# Keys: pinned with the first package, re-pinned only on purpose; never in a package


def test_a_township_on_a_new_pc_is_re_pinned_only_with_its_new_fingerprint(county, towns, tmp_path, capsys):
    path = tmp_path / "瓦屋镇-新电脑.db"
    shutil.copy(towns["瓦屋镇"], path)
    db = open_db(path)
    old_key = signing.public_key(db)
    db.execute("DELETE FROM signing_key")  # a new installation, the records typed in again (no backup restored)
    with db.atomic():
        new_key = signing.ensure_key(db)
    package = write_package(db, YEAR, tmp_path / "新电脑.zip")
    db.close()
    assert new_key != old_key and signing.pinned_key(county, "瓦屋镇") == old_key
    question = refused(county, [package], kind=rollup.NeedsConsent)
    assert signing.fingerprint(new_key) in question and signing.fingerprint(old_key) in question
    assert "签名公钥与已确认的不同" in refused(county, [package], consent=rollup.Consent(keys={"瓦屋镇": signing.fingerprint(old_key)}))
    county_path = _path(county)
    county.close()
    assert cli.main(["rollup", "--db", str(county_path), str(package), "--trust-key", "瓦屋镇=0000-0000-0000-0000-0000"]) == 2
    assert cli.main(["rollup", "--db", str(county_path), str(package), "--trust-key", f"瓦屋镇={signing.fingerprint(new_key).lower()}"]) == 0
    assert "更换公钥" in capsys.readouterr().out
    again = rollup.open_county(county_path)
    try:
        assert signing.pinned_key(again, "瓦屋镇") == new_key
        entry = audit.audit_entries(again, signing.PIN_TABLE)[0]
        assert entry.action == "确认公钥" and signing.fingerprint(new_key) in entry.note and signing.fingerprint(old_key) in entry.note
        retired = [pin for pin in signing.pins(again, current_only=False) if pin.township == "瓦屋镇"]
        assert [pin.public_key for pin in retired] == [old_key, new_key] and retired[0].retired_at
    finally:
        again.close()


def test_a_package_never_carries_the_private_key(towns, genuine):
    db = open_db(towns["中汤镇"])
    secret = bytes(db.execute("SELECT private_key FROM signing_key").fetchone()[0])
    public = signing.public_key(db)
    db.close()
    with zipfile.ZipFile(genuine["中汤镇"]) as archive:
        every = b"".join(archive.read(name) for name in archive.namelist())
    for form in (secret, base64.b64encode(secret), secret.hex().encode(), secret.hex().upper().encode()):
        assert form not in every
    assert open_package(genuine["中汤镇"]).public_key == public


def test_a_backup_and_its_restore_keep_the_key(towns, tmp_path):
    from zhaocun_desktop import backup, backup_files

    path = tmp_path / "中汤镇.db"
    shutil.copy(towns["中汤镇"], path)
    db = open_db(path)
    key = signing.public_key(db)
    made = backup_files.make_backup(db.conn, path, folder=tmp_path / "备份")
    db.execute("DELETE FROM signing_key")
    db.conn.commit()
    backup.restore(db.conn, path, made)
    assert signing.public_key(db) == key
    db.close()


def test_keys_export_for_checking_on_paper(county, towns, tmp_path):
    db = open_db(towns["中汤镇"])
    key = signing.public_key(db)
    db.close()
    assert cli.main(["keys", "--db", str(towns["中汤镇"]), "--out", str(tmp_path / "中汤镇公钥.txt")]) == 0
    paper = (tmp_path / "中汤镇公钥.txt").read_text(encoding="utf-8")
    assert f"指纹：{signing.fingerprint(key)}" in paper and "中汤镇（鲁山县）" in paper
    county_path = _path(county)
    assert cli.main(["keys", "--db", str(county_path), "--out", str(tmp_path / "全县公钥.txt")]) == 0
    pinned = (tmp_path / "全县公钥.txt").read_text(encoding="utf-8")
    for town in ("赵村镇", "瓦屋镇"):
        assert f"{town}\t指纹 {signing.fingerprint(signing.pinned_key(county, town))}" in pinned


def test_two_keys_for_one_new_township_in_one_batch_are_refused(county, genuine, towns, tmp_path):
    impostor = remade(genuine["中汤镇"], tmp_path / "冒名.zip", lambda name, data: data, sign_with=towns["赵村镇"])
    message = refused(county, [genuine["中汤镇"], impostor])
    assert "不同的密钥签名" in message or "签名公钥却是赵村镇的" in message
    assert cases_of(county, "中汤镇") == 0


def test_the_county_file_stays_sound_under_a_refused_roll_up(county, genuine, towns, newer_wawu, tmp_path):
    bad = remade(genuine["中汤镇"], tmp_path / "坏.zip", _first_case(lambda row, rows: row.update(accepted="2023-13-45")), sign_with=towns["中汤镇"])
    refused(county, [newer_wawu, bad])
    conn = sqlite3.connect(_path(county))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_a_local_types_class_never_becomes_sql(towns, tmp_path):
    """The statistics table mapped a local type to its class by pasting the class into its SQL; settings
    an older package brought (unchecked) could hold any text there."""
    from zhaocun_desktop.figures import Period
    from zhaocun_desktop.statistics import mediation_table

    path = tmp_path / "中汤镇.db"
    shutil.copy(towns["中汤镇"], path)
    db = open_db(path)
    try:
        plain = mediation_table(db, Period.year(YEAR)).rows
        case_id = db.execute("SELECT min(id) FROM mediation_case WHERE accepted >= ?", [f"{YEAR}-01-01"]).fetchone()[0]
        db.execute("UPDATE mediation_case SET dispute_type = '村务纠纷' WHERE id = ?", [case_id])
        hostile = "村务纠纷=其他' END AS kind, (SELECT count(*) FROM sqlite_master) AS x, 'a' AS y FROM mediation_case --"
        db.execute("UPDATE setting SET value = ? WHERE key = 'local_dispute_types'", [hostile])  # as no 设置 page would let it
        db.conn.commit()
        rows = mediation_table(db, Period.year(YEAR)).rows
        classes = lambda table: [row for row in table if not row[0].startswith("其中：")]  # noqa: E731 (the classes, not their sub-rows)
        assert sum(row[1] for row in classes(rows)) == sum(row[1] for row in classes(plain))  # every case counted once, under a national class
        assert [row[0] for row in classes(rows)] == [row[0] for row in classes(plain)]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()

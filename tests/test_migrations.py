"""Schema versions: every earlier version upgrades, a newer one is refused untouched."""

import sqlite3
from pathlib import Path

import pytest

from zhaocun_desktop import db as db_module, queries, records
from zhaocun_desktop.db import SCHEMA_VERSION, open_db, schema_version
from zhaocun_desktop.errors import DatabaseTooNew, UserError
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE

SNAPSHOTS = Path(__file__).parent / "data"
PARTIES_VERSION = 11  # the version that made 当事人 people (earlier ones keep one text, one ID, one phone)
OLD_PARTIES = [  # one-line 当事人 texts as earlier versions stored them, with the case's one ID / phone
    ("张三与李四", "410423199003081234", "13800138000"),
    ("王五、赵六、钱七", None, "0375-1234567"),
    ("孙八和周九", None, None),
    ("张三等5户与李四", "11010519491231002X", None),
]


def make_old_database(path: Path, version: int) -> None:
    """A database exactly as data version ``version`` left it, with one case in it."""
    conn = sqlite3.connect(path)
    if version:
        conn.executescript((SNAPSHOTS / f"schema_v{version}.sql").read_text(encoding="utf-8"))
        conn.execute(
            "INSERT INTO mediation_case (accepted, village, org, dispute_type, parties, result, created_at, updated_at) "
            "VALUES ('2022-06-01', '赵村村', '村调委会', '邻里', '旧数据甲与乙', '调解中', '2022-06-01T09:00:00', '2022-06-01T09:00:00')"
        )
        for parties, id_number, phone in OLD_PARTIES if version < PARTIES_VERSION else ():
            conn.execute(
                "INSERT INTO mediation_case (accepted, village, org, dispute_type, parties, id_number, phone, result) "
                "VALUES ('2022-07-01', '赵村村', '镇调委会', '合同', ?, ?, ?, '调解中')",
                [parties, id_number, phone],
            )
        conn.commit()
    conn.close()


def test_every_earlier_version_has_a_frozen_snapshot():
    for version in range(1, SCHEMA_VERSION):
        assert (SNAPSHOTS / f"schema_v{version}.sql").is_file(), f"add tests/data/schema_v{version}.sql"


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_upgrade_from_every_earlier_version(tmp_path, version):
    path = tmp_path / "old.db"
    make_old_database(path, version)
    db = open_db(path)
    assert schema_version(db.conn) == SCHEMA_VERSION
    if 0 < version < PARTIES_VERSION:
        old = [row[0] for row in db.execute("SELECT parties FROM mediation_case ORDER BY id")]
        assert old == ["旧数据甲与乙"] + [text for text, _, _ in OLD_PARTIES]  # the original texts are kept
        parties = db.execute("SELECT case_id, role, name, id_number, phone FROM mediation_party ORDER BY id").fetchall()
        assert parties == [
            (1, "申请人", "旧数据甲与乙", None, None),  # 甲/乙 are one character each: not read as names
            (2, "申请人", "张三", "410423199003081234", "13800138000"), (2, "被申请人", "李四", None, None),
            (3, "申请人", "王五", None, "0375-1234567"), (3, "被申请人", "赵六", None, None), (3, "被申请人", "钱七", None, None),
            (4, "申请人", "孙八", None, None), (4, "被申请人", "周九", None, None),
            (5, "申请人", "张三等5户与李四", "11010519491231002X", None),
        ]  # fmt: skip
        case_columns = {row[1] for row in db.execute("PRAGMA table_info(mediation_case)")}
        if "id_number" in case_columns:  # the numbers left the case rows
            assert db.execute("SELECT count(*) FROM mediation_case WHERE id_number IS NOT NULL OR phone IS NOT NULL").fetchone()[0] == 0
    from zhaocun_desktop.registers import REGISTERS

    for register in REGISTERS:  # registers described later (the rosters) get their tables complete
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({register.key})")]
        assert columns[0] == "id" and "batch_id" in columns and set(register.keys) <= set(columns), register.key
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()}
    assert "ux_mediation_case_case_no" in indexes and "ix_mediation_case_accepted" in indexes
    records.insert(db, MEDIATION_CASE, dict(accepted="2023-01-01", village="赵村村", org="镇调委会", dispute_type="合同", parties="新甲与新乙", result="调解中"))
    assert queries.count(db, MEDIATION_CASE) == (2 + len(OLD_PARTIES) if 0 < version < PARTIES_VERSION else 2 if version else 1)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_failed_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    make_old_database(path, 1)

    def broken(db):
        db.execute("CREATE INDEX half_done ON mediation_case(village)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(db_module, "MIGRATIONS", (db_module.MIGRATIONS[0], broken))
    with pytest.raises(RuntimeError):
        open_db(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    conn.close()


def test_newer_database_is_refused_and_left_byte_for_byte(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA application_id = {db_module.APPLICATION_ID}")  # a future version of ours
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="更新版本的程序"):
        open_db(path)
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


def test_a_file_that_is_not_a_database_gets_a_message(tmp_path):
    path = tmp_path / "台账.db"
    path.write_text("姓名,电话\n张三,138\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(UserError, match="不是本程序的数据库文件"):
        open_db(path)
    assert path.read_bytes() == before


def test_connection_settings(db):
    pragma = lambda name: db.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1
    assert pragma("secure_delete") == 1
    assert pragma("busy_timeout") == 5000


@pytest.mark.parametrize("version", range(1, 12))  # the versions that held the old fixed types (12 made them data)
def test_old_dispute_types_map_to_the_national_categories(tmp_path, version):
    from zhaocun_desktop import mediation

    path = tmp_path / "old.db"
    make_old_database(path, version)
    conn = sqlite3.connect(path)
    for old in ("土地承包", "劳动争议", "消费", "道路交通事故"):
        conn.execute("INSERT INTO mediation_case (accepted, village, org, dispute_type, parties, result) VALUES ('2022-08-01', '赵村村', '村调委会', ?, '张三与李四', '调解中')", [old])
    conn.commit()
    conn.close()
    db = open_db(path)
    types = [row[0] for row in db.execute("SELECT dispute_type FROM mediation_case WHERE accepted = '2022-08-01' ORDER BY id")]
    if version < 12:  # the version that made 纠纷类型 data
        assert types == ["土地承包经营", "其他劳动争议", "其他消费", "道路交通事故"]
    assert [mediation.national_category(db, t) for t in types] == ["山林土地", "劳动争议", "消费", "道路交通事故"]
    case_id = db.execute("SELECT id FROM mediation_case WHERE dispute_type = '土地承包经营'").fetchone()[0]
    records.update(db, MEDIATION_CASE, case_id, {"note": "升级后仍可保存"})  # the local type is a valid choice
    db.close()


def test_an_unchanged_schema_is_not_synced_again_and_a_changed_one_is(db_path):
    """Opening reads the schema once; it syncs (columns, search indexes, triggers) only when something is missing."""
    from zhaocun_desktop import search

    db = open_db(db_path)
    assert not db_module.schema_out_of_step(db)
    assert db_module.sync_columns(db) == [] and search.sync_search_indexes(db) == [], "in step means there was nothing to do"
    register = MEDIATION_CASE
    field = next(f for f in register.fields if not (f.searchable or f.unique or f.id_column or f.key in (register.date_field, register.village_field)))
    changes = (
        f"DROP TRIGGER search_{register.key}_update",
        f"DROP TABLE search_{register.key}",
        f"ALTER TABLE {register.key} DROP COLUMN {field.key}",
    )
    for change in changes:
        db.execute(change)
        assert db_module.schema_out_of_step(db), change
        db.close()
        db = open_db(db_path)  # puts it back
        assert not db_module.schema_out_of_step(db), change
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({register.key})")]
    assert field.key in columns and search.has_index(db, register)
    db.close()


def _upgrading(said: list[str], heard: list[tuple[int, int, str]]):
    """An ``upgrade_with`` that keeps what it was told and what the work reported, and runs the work."""

    def upgrade(text, work):
        said.append(text)
        work(lambda done, total, step: heard.append((done, total, step)))

    return upgrade


def test_an_open_that_upgrades_says_what_it_does_and_reports_its_steps(tmp_path, monkeypatch):
    from zhaocun_desktop import search

    path = tmp_path / "old.db"
    first = PARTIES_VERSION - 1  # the five cases as stored before the migration made their 当事人
    make_old_database(path, first)
    said, heard = [], []
    monkeypatch.setattr(search, "FILL_ROWS", 2)  # a slice of two records at a time: several steps per index
    db = open_db(path, upgrade_with=_upgrading(said, heard))
    assert len(said) == 1 and f"数据版本 {first} → {SCHEMA_VERSION}" in said[0] and "重建约 5 条记录的检索索引" in said[0]  # the five cases as stored before the migration made their 当事人
    assert schema_version(db.conn) == SCHEMA_VERSION
    indexed = search.indexed_registers(db)
    rows = {register.title: db.execute(f"SELECT count(*) FROM {register.key}").fetchone()[0] for register in indexed}
    total = sum(rows.values())
    assert total >= 5 and {t for _, t, _ in heard} == {1, total}
    dones = [done for done, _, _ in heard]
    assert dones == sorted(dones) and dones[0] == 0 and total - 2 <= dones[-1] < total, "said before each slice, forward only"
    steps = [f"正在升级数据版本 {version} → {version + 1}" for version in range(first, SCHEMA_VERSION)]
    assert [text for _, _, text in heard[: len(steps) + 2]] == ["正在备份升级前的数据库", *steps, "正在重建检索索引"]
    heard = [(done, t, text) for done, t, text in heard if t == total]
    assert {text for _, _, text in heard[1:]} == {f"正在重建“{title}”的检索索引" for title, count in rows.items() if count}
    assert len([1 for _, _, text in heard if "调解案件" in text]) == -(-rows["调解案件"] // 2)
    for register in indexed:  # filled slice by slice, the same index as one 'rebuild' gives
        assert search.has_index(db, register)
        fts = search.index_table(register)
        db.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")  # raises when the index and the text differ
    party = db.execute("SELECT id, name FROM mediation_party WHERE name = '王五'").fetchone()
    party_register = next(register for register in indexed if register.key == "mediation_party")
    found = search.lookup(db, party_register, "王五").expression  # a two-character word: through the index's vocabulary
    assert [r[0] for r in db.execute("SELECT rowid FROM search_mediation_party WHERE search_mediation_party MATCH ?", [found])] == [party[0]]
    db.execute(f"DROP VIEW {search.content_view(MEDIATION_CASE)}")  # an index of an earlier kind alone (the version unchanged)
    db.close()

    said.clear()
    open_db(path, upgrade_with=_upgrading(said, heard)).close()
    assert len(said) == 1 and "数据版本" not in said[0] and f"重建 {rows['调解案件']} 条记录的检索索引" in said[0]  # that register's alone
    said.clear()
    open_db(path, upgrade_with=_upgrading(said, heard)).close()
    assert said == [], "once upgraded, the next open says nothing"


def test_a_new_database_is_made_without_an_upgrade(tmp_path):
    said = []
    db = open_db(tmp_path / "新.db", upgrade_with=_upgrading(said, []))
    assert said == [] and schema_version(db.conn) == SCHEMA_VERSION
    db.close()


def test_an_upgrade_that_fails_leaves_the_previous_version_and_closes_the_file(tmp_path):
    path = tmp_path / "old.db"
    make_old_database(path, SCHEMA_VERSION - 1)

    def refuse(text, work):
        raise RuntimeError("磁盘已满")

    with pytest.raises(RuntimeError):
        open_db(path, upgrade_with=refuse)
    conn = sqlite3.connect(path)
    assert schema_version(conn) == SCHEMA_VERSION - 1
    conn.close()
    path.rename(tmp_path / "moved.db")  # nothing holds it open (on Windows an open file cannot be renamed)


def test_a_verb_says_before_an_open_that_upgrades(tmp_path, capsys):
    from zhaocun_desktop.cli import main

    path = tmp_path / "old.db"
    make_old_database(path, SCHEMA_VERSION - 1)
    assert main(["due", "--db", str(path)]) == 0
    first = capsys.readouterr().err
    assert "正在升级数据库" in first and "检索索引" in first
    assert main(["due", "--db", str(path)]) == 0
    assert "正在升级数据库" not in capsys.readouterr().err


CASE_FILE_VERSION = 13  # the version that made each 调解 a session of its own (mediation_session)


def test_a_version_12_case_keeps_its_mediation_as_its_first_session(tmp_path):
    """Migration 13 loses nothing: the case's one 调解日期/调解地点 become its first session (with the case's outcome),
    a settled case's 协议日期 is the 结案日期 its 协议书 was printed with, the 简要案情 stays the case's summary; the
    upgraded case is valid and prints its documents."""
    from zhaocun_desktop.documents import build_case_documents, load_case
    from zhaocun_desktop.validation import validate_with_children

    path = tmp_path / "v12.db"
    conn = sqlite3.connect(path)
    conn.executescript((SNAPSHOTS / "schema_v12.sql").read_text(encoding="utf-8"))
    rows = [
        ("2023-03-01", "2023-03-02", "赵村村委会调解室", "调解成功", "书面", "2023-03-10", "双方因宅基地界墙发生争执"),
        ("2023-04-01", None, "当事人家中", "调解不成功", None, "2023-04-20", "双方因赡养费发生争执"),
        ("2023-05-01", None, None, "调解中", None, None, "邻里纠纷"),
    ]
    for accepted, day, place, result, agreement, closed, summary in rows:
        conn.execute(
            "INSERT INTO mediation_case (accepted, village, org, dispute_type, parties, summary, mediation_date, mediation_place, result, agreement, closed) "
            "VALUES (?, '赵村村', '镇调委会', '邻里', '张三与李四', ?, ?, ?, ?, ?, ?)", [accepted, summary, day, place, result, agreement, closed])
    conn.execute("INSERT INTO mediation_party (case_id, role, name) SELECT id, '申请人', '张三' FROM mediation_case")
    conn.commit()
    conn.close()
    db = open_db(path)
    assert schema_version(db.conn) == SCHEMA_VERSION >= CASE_FILE_VERSION
    sessions = db.execute("SELECT case_id, session_date, session_place, outcome FROM mediation_session ORDER BY case_id").fetchall()
    assert sessions == [(1, "2023-03-02", "赵村村委会调解室", "达成协议"), (2, "2023-04-01", "当事人家中", "调解不成功，终止调解")]
    cases = db.execute("SELECT summary, agreement_date, mediation_date, mediation_place FROM mediation_case ORDER BY id").fetchall()
    assert cases == [("双方因宅基地界墙发生争执", "2023-03-10", None, None), ("双方因赡养费发生争执", None, None, None), ("邻里纠纷", None, None, None)]
    choices = records.field_choices(db, MEDIATION_CASE)
    for case_id in (1, 2, 3):
        file = load_case(db, case_id)
        validate_with_children(MEDIATION_CASE, dict(file.case, mediation_party=file.parties, mediation_session=file.sessions), choices)
    assert "2023年3月10日" in build_case_documents(db, 1, ["协议书"]).plain_text()
    assert "赵村村委会调解室" in build_case_documents(db, 1, ["调解记录"]).plain_text()
    db.close()


def test_an_older_village_sheet_with_one_mediation_date_imports_as_a_session(tmp_path, capsys):
    """A template the villages filled before this version (one 调解日期 and 调解地点 per case) still imports:
    the two columns become the case's first 调解 (Register.flat_fields)."""
    import openpyxl

    from zhaocun_desktop.cli import main

    db_path = tmp_path / "台账.db"
    db = open_db(db_path)
    records.insert(db, VILLAGE, dict(name="赵村村"))
    db.close()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "调解案件"
    sheet.append(["案件编号", "受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "简要案情", "调解员", "调解日期", "调解地点", "调解结果", "结案日期"])
    sheet.append(["（2023）赵村人调字第3号", "2023-06-01", "赵村村", "村调委会", "邻里", "张三与李四", "双方因排水沟发生争执", "王调解", "2023-06-03",
                  "村委会调解室", "调解不成功", "2023-06-05"])
    book.save(tmp_path / "旧模板.xlsx")
    assert main(["import", "--db", str(db_path), str(tmp_path / "旧模板.xlsx")]) == 0, capsys.readouterr().err
    db = open_db(db_path)
    assert db.execute("SELECT session_date, session_place FROM mediation_session").fetchall() == [("2023-06-03", "村委会调解室")]
    assert db.execute("SELECT summary FROM mediation_case").fetchone()[0] == "双方因排水沟发生争执"
    db.close()

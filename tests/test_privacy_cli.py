"""The door on the command line: every verb that writes or shows full ID numbers or phones, with the program
password set. Without it (or with a wrong one): the refusal, no file, no full number anywhere; with it: the
full numbers and an 操作记录 entry. The database, a backup and a full package disclose nothing in their bytes."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
import zipfile

import openpyxl
import pytest
from docx import Document

from zhaocun_desktop import audit, crypto, encryption, queries, records, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.registers import MEDIATION_CASE, PETITION

FULL_ID, MOBILE = "410423199003081234", "13800138000"
PASSWORD = "正确密码1"
PACKAGE_PASSWORD = "数据包密码9"  # a full package's own, told to the county apart
NEEDLES = (FULL_ID, MOBILE, "19900308", "0013 8000", "0013-8000")


@pytest.fixture
def protected(db_path):
    db = open_db(db_path)
    township_settings.save_settings(db, dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府"))
    records.insert(db, MEDIATION_CASE, dict(case_no="（2023）赵人调字第1号", accepted="2023-05-06", village="赵村", org="村调委会", dispute_type="邻里",
                                            source="当事人申请",  # a 申请书 only where a party applied
                                            parties="张三", result="调解中", id_number=FULL_ID, phone=MOBILE,
                                            note="另一联系电话 138 0013 8000"))  # fmt: skip
    records.insert(db, PETITION, dict(reg_date="2023-05-06", level="本镇", status="在办", matter=f"信访人身份证{FULL_ID[:6]}-{FULL_ID[6:14]}-{FULL_ID[14:]}"))
    recovery = encryption.set_password(db, PASSWORD)
    db.close()
    crypto.forget_keys()
    return recovery


def _run(capsys, monkeypatch, stdin: str | None, *argv) -> tuple[int, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        argv = (*argv, "--password-stdin")
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out + captured.err


def _text(path) -> str:
    if path.suffix == ".xlsx":
        return " ".join(str(c.value) for sheet in openpyxl.load_workbook(path) for row in sheet.iter_rows() for c in row if c.value is not None)
    if path.suffix == ".docx":
        document = Document(path)
        return " ".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
    if path.suffix == ".zip" and crypto.is_encrypted(path):  # a sealed full package: read with its own password
        crypto.unlock(path, PACKAGE_PASSWORD, sleep=lambda s: None)
        from zhaocun_desktop.package import read_package

        return json.dumps(read_package(path).records, ensure_ascii=False)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as package:
            return " ".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())
    return path.read_bytes().decode("latin-1")


def _discloses(text: str) -> bool:
    return any(needle in text for needle in NEEDLES)


def _reveals(db_path) -> list[str]:
    db = open_db(db_path, key=crypto.unlock(db_path, PASSWORD, sleep=lambda s: None))
    try:
        return [r["note"] for r in audit.audit_rows(db) if r["action"] == "reveal"]
    finally:
        db.close()


VERBS = {  # what each verb writes: (arguments, its output file name)
    "export 调解案件": (("export", "--register", "mediation_case", "--full"), "案件.xlsx"),
    "export 信访": (("export", "--register", "petition", "--full"), "信访.xlsx"),  # no ID field: the 事由 holds one
    "package": (("package", "--year", "2023", "--full"), "上报.zip"),
    "document 申请书": (("document", "--case", "（2023）赵人调字第1号", "--kind", "申请书"), "申请书.docx"),
    "document 卷宗": (("document", "--case", "（2023）赵人调字第1号", "--kind", "卷宗"), "卷宗.docx"),
}


@pytest.mark.parametrize("verb", VERBS)
def test_each_verb_refuses_without_the_password_and_reveals_with_it(verb, protected, db_path, tmp_path, capsys, monkeypatch):
    argv, name = VERBS[verb]
    out = tmp_path / name
    for stdin in (None, "错误的密码\n"):  # none given (no terminal: refused), then a wrong one
        code, said = _run(capsys, monkeypatch, stdin, *argv, "--db", db_path, "--out", out)
        assert code == 2 and ("需要" in said or "不对" in said) and not out.exists() and not _discloses(said), said
    code, said = _run(capsys, monkeypatch, f"{PASSWORD}\n{PACKAGE_PASSWORD}\n", *argv, "--db", db_path, "--out", out)
    assert code == 0, said
    if verb == "package":  # a full package leaves the office encrypted
        assert crypto.is_encrypted(out) and not _discloses(out.read_bytes().decode("latin-1"))
    assert any(full in _text(out) for full in (FULL_ID, MOBILE, f"{FULL_ID[:6]}-{FULL_ID[6:14]}-{FULL_ID[14:]}"))  # 卷宗: the phone
    assert len(_reveals(db_path)) == 1


def test_the_recovery_key_works_where_the_password_does(protected, db_path, tmp_path, capsys, monkeypatch):
    out = tmp_path / "案件.xlsx"
    code, said = _run(capsys, monkeypatch, protected.lower() + "\n", "export", "--register", "mediation_case", "--full", "--db", db_path, "--out", out)
    assert code == 0, said
    assert FULL_ID in _text(out)


def test_log_in_full(protected, db_path, capsys, monkeypatch):
    db = open_db(db_path, key=crypto.unlock(db_path, PASSWORD))
    records.update(db, PETITION, 1, dict(reg_date="2023-05-06", level="本镇", status="在办", matter=f"改为电话{MOBILE}"))
    db.close()
    code, said = _run(capsys, monkeypatch, PASSWORD + "\n", "log", "--db", db_path)
    assert code == 0 and "138****8000" in said and not _discloses(said)
    code, said = _run(capsys, monkeypatch, "错误的密码\n", "log", "--db", db_path, "--full")
    assert code == 2 and not _discloses(said)
    code, said = _run(capsys, monkeypatch, PASSWORD + "\n", "log", "--db", db_path, "--full")
    assert code == 0 and MOBILE in said and len(_reveals(db_path)) == 1


def test_files_at_rest_disclose_nothing(protected, db_path, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "U盘"
    code, said = _run(capsys, monkeypatch, None, "backup", "--db", db_path, "--to", folder)
    assert code == 2 and not folder.exists()
    code, said = _run(capsys, monkeypatch, PASSWORD + "\n", "backup", "--db", db_path, "--to", folder)
    assert code == 0, said
    (made,) = folder.iterdir()
    package = tmp_path / "上报.zip"
    assert _run(capsys, monkeypatch, PASSWORD + "\n", "package", "--year", "2023", "--db", db_path, "--out", package)[0] == 0  # masked
    for path in (db_path, made):
        assert not _discloses(path.read_bytes().decode("latin-1")) and not _discloses(path.read_bytes().decode("utf-8", "replace"))
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
        crypto.forget_keys()
        conn = crypto.connect(path, crypto.unlock(path, protected, sleep=lambda s: None), readonly=True)  # the recovery key opens it
        assert conn.execute("SELECT id_number FROM mediation_party").fetchone()[0] == FULL_ID
        conn.close()
    assert not _discloses(_text(package))  # the default package: every written form masked
    assert any("备份到" in note for note in _reveals(db_path))


def test_restore_keeps_the_password_and_asks_for_an_older_backups(db_path, tmp_path, capsys, monkeypatch):
    db = open_db(db_path)
    records.insert(db, PETITION, dict(reg_date="2023-05-06", level="本镇", status="在办", matter="一"))
    db.close()
    assert _run(capsys, monkeypatch, None, "backup", "--db", db_path)[0] == 0  # before any password: plaintext
    before = next((tmp_path / "备份").iterdir())
    assert _run(capsys, monkeypatch, "旧密码1\n", "password", "--db", db_path, "--set")[0] == 0
    assert crypto.is_encrypted(before)  # the plaintext backup was encrypted with the password
    assert _run(capsys, monkeypatch, "旧密码1\n", "backup", "--db", db_path)[0] == 0
    code, said = _run(capsys, monkeypatch, "旧密码1\n新密码2\n", "password", "--db", db_path, "--set")
    assert code == 0 and "恢复密钥" in said
    crypto.forget_keys()
    # a backup under the old password: the database's password is tried first, then the backup's asked for
    code, said = _run(capsys, monkeypatch, "新密码2\n", "restore", "--db", db_path, before, "--force")
    assert code == 2 and "备份时的程序密码" not in said and ("没有（更多）密码" in said or "不对" in said)
    code, said = _run(capsys, monkeypatch, "新密码2\n旧密码1\n", "restore", "--db", db_path, before, "--force")
    assert code == 0, said
    assert crypto.is_encrypted(db_path)
    crypto.forget_keys()
    with pytest.raises(crypto.WrongPassword):
        crypto.unlock(db_path, "旧密码1", sleep=lambda s: None)
    crypto.unlock(db_path, "新密码2", sleep=lambda s: None)  # the database kept its own password


def test_removing_the_password(protected, db_path, capsys, monkeypatch):
    code, said = _run(capsys, monkeypatch, "错误的密码\n", "password", "--db", db_path, "--remove")
    assert code == 2 and crypto.is_encrypted(db_path)
    code, said = _run(capsys, monkeypatch, PASSWORD + "\n", "password", "--db", db_path, "--remove")
    assert code == 0 and not crypto.is_encrypted(db_path)
    assert _run(capsys, monkeypatch, None, "export", "--register", "petition", "--db", db_path, "--out", db_path.with_name("x.xlsx"))[0] == 0


def test_the_county_takes_in_a_sealed_package_with_its_password(protected, db_path, tmp_path, capsys, monkeypatch):
    package = tmp_path / "赵村镇2023.zip"
    assert _run(capsys, monkeypatch, f"{PASSWORD}\n{PACKAGE_PASSWORD}\n", "package", "--year", "2023", "--full", "--db", db_path, "--out", package)[0] == 0
    crypto.forget_keys()
    county = tmp_path / "县级汇总.db"
    code, said = _run(capsys, monkeypatch, "错的密码\n", "rollup", "--db", county, package, "--accept-new-keys")
    assert code == 2 and "不对" in said
    crypto.forget_keys()
    code, said = _run(capsys, monkeypatch, f"{PACKAGE_PASSWORD}\n", "rollup", "--db", county, package, "--accept-new-keys")
    assert code == 0, said
    conn = sqlite3.connect(county)
    assert conn.execute("SELECT id_number FROM mediation_party").fetchone()[0] == FULL_ID
    conn.close()


def test_a_county_database_with_its_own_password(protected, db_path, tmp_path, capsys, monkeypatch):
    package = tmp_path / "赵村镇2023.zip"
    assert _run(capsys, monkeypatch, f"{PASSWORD}\n", "package", "--year", "2023", "--db", db_path, "--out", package)[0] == 0  # masked
    county = tmp_path / "县级汇总.db"
    assert _run(capsys, monkeypatch, None, "rollup", "--db", county, package, "--accept-new-keys")[0] == 0
    code, said = _run(capsys, monkeypatch, "县里的密码\n", "password", "--db", county, "--set")  # the write guard does not stand in the way
    assert code == 0 and "恢复密钥" in said and crypto.is_encrypted(county)
    assert not _discloses(county.read_bytes().decode("latin-1"))
    crypto.forget_keys()
    assert _run(capsys, monkeypatch, None, "stats", "--db", county, "--year", "2023", "--out", tmp_path / "s.xlsx")[0] == 2
    code, said = _run(capsys, monkeypatch, "县里的密码\n", "stats", "--db", county, "--year", "2023", "--out", tmp_path / "s.xlsx")
    assert code == 0, said
    code, said = _run(capsys, monkeypatch, "县里的密码\n", "rollup", "--db", county, package, "--accept-new-keys")
    assert code == 0, said


def test_an_older_versions_malformed_or_weakened_hash_is_a_refusal_not_a_bug(db_path, tmp_path, capsys, monkeypatch):
    db = open_db(db_path)
    records.insert(db, PETITION, dict(reg_date="2023-05-06", level="本镇", status="在办", matter=f"电话{MOBILE}"))
    for stored in ("scrypt$2$1$1$" + "00" * 16 + "$" + "00" * 32, "scrypt$16384$8$1$zz$00", "乱码"):
        db.execute("INSERT INTO setting (key, value) VALUES ('password_hash', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [stored])
        out = tmp_path / "信访.xlsx"
        code, said = _run(capsys, monkeypatch, "1234\n", "export", "--register", "petition", "--full", "--db", db_path, "--out", out)
        assert code == 2 and "格式不对或强度不够" in said and not out.exists()
    db.close()


def test_a_damaged_encrypted_database_is_restored_from_its_backup(db_path, tmp_path, capsys, monkeypatch):
    db = open_db(db_path)
    records.insert(db, PETITION, dict(reg_date="2023-05-06", level="本镇", status="在办", matter="一"))
    db.close()
    assert _run(capsys, monkeypatch, "密码甲乙1\n", "password", "--db", db_path, "--set")[0] == 0
    assert _run(capsys, monkeypatch, "密码甲乙1\n", "backup", "--db", db_path)[0] == 0
    made = next((tmp_path / "备份").glob("*manual.db"))
    with open(db_path, "r+b") as file:  # the first page damaged: it reads as a wrong password
        file.seek(100)
        file.write(b"\xff" * 200)
    crypto.forget_keys()
    code, said = _run(capsys, monkeypatch, "密码甲乙1\n", "restore", "--db", db_path, made, "--force")
    assert code == 0, said
    assert list(tmp_path.glob("台账_损坏_*.db"))  # the damaged file kept
    again = open_db(db_path, key=crypto.unlock(db_path, "密码甲乙1", sleep=lambda s: None))
    assert queries.count(again, PETITION) == 1
    again.close()

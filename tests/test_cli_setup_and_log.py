"""The set-up verbs (init, settings), the audit log (log) and the password for full exports, through main()."""

from __future__ import annotations

import io
import sys
import zipfile

import openpyxl
import pytest

from zhaocun_desktop import encryption, queries, records, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.registers import MEDIATION_CASE
from zhaocun_desktop.township import needs_first_run

FULL_ID = "410423199003081234"


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def test_init_from_a_text_file_does_what_the_wizard_does(tmp_path, capsys):
    villages = tmp_path / "村.txt"
    villages.write_text("村(居)名称\n1. 赵村村\n2、中汤村\n\n赵村村\n上坪村\n", encoding="utf-8")
    path = tmp_path / "新" / "台账.db"
    code, out, _ = _run(capsys, "init", "--db", path, "--town", "赵村镇", "--county", "鲁山县", "--year", "2023", "--villages", villages)
    assert code == 0 and "已添加 3 个村(居)" in out
    db = open_db(path)
    settings = township_settings.settings(db)
    assert (settings["town"], settings["county"], settings["office"], settings["signer"], settings["report_year"]) == ("赵村镇", "鲁山县", "赵村镇司法所", "赵村镇人民政府", 2023)
    assert queries.village_names(db) == ["赵村村", "中汤村", "上坪村"]
    assert not needs_first_run(db)
    db.close()
    code, _, err = _run(capsys, "init", "--db", path, "--town", "别的镇", "--county", "鲁山县", "--villages", villages)
    assert code == 2 and "已经设置过" in err


def test_init_from_a_workbook_column_and_its_refusals(tmp_path, capsys):
    book = openpyxl.Workbook()
    for name in ("村(居)名称", "赵村村", "中汤村"):
        book.active.append([name, "备注"])
    book.save(tmp_path / "村.xlsx")
    path = tmp_path / "台账.db"
    code, _, _ = _run(capsys, "init", "--db", path, "--town", "赵村镇", "--county", "鲁山县", "--office", "赵村司法所", "--signer", "赵村镇政府", "--villages", tmp_path / "村.xlsx")
    assert code == 0
    db = open_db(path)
    assert queries.village_names(db) == ["赵村村", "中汤村"] and township_settings.settings(db)["office"] == "赵村司法所"
    db.close()

    empty = tmp_path / "空.txt"
    empty.write_text("\n\n", encoding="utf-8")
    other = tmp_path / "另一个.db"
    code, _, err = _run(capsys, "init", "--db", other, "--town", "赵村镇", "--county", "鲁山县", "--villages", empty)
    assert code == 2 and "没有村(居)名称" in err and not other.exists()
    with pytest.raises(SystemExit) as stopped:  # refused with the arguments, before anything is opened
        _run(capsys, "init", "--db", other, "--town", "赵村镇", "--county", "鲁山县", "--year", "1900", "--villages", tmp_path / "村.xlsx")
    assert stopped.value.code == 2 and "“1900”不是有效的年度" in capsys.readouterr().err
    db = open_db(other)
    assert needs_first_run(db)  # nothing half-saved
    db.close()


def test_settings_shows_changes_and_validates_like_the_tab(db, db_path, capsys):
    db.close()
    code, out, _ = _run(capsys, "settings", "--db", db_path)
    assert code == 0 and "镇名（town）：（未填）" in out
    code, out, _ = _run(capsys, "settings", "--db", db_path, "--set", "镇名=赵村镇", "--set", "county=鲁山县", "--set", "司法所名称=赵村镇司法所", "--set", "落款单位=赵村镇人民政府", "--set", "报告年度=2023")
    assert code == 0 and "镇名（town）：赵村镇" in out
    code, _, err = _run(capsys, "settings", "--db", db_path, "--set", "报告年度=一九九九")
    assert code == 2 and "报告年度" in err
    code, _, err = _run(capsys, "settings", "--db", db_path, "--set", "颜色=红")
    assert code == 2 and "没有名为“颜色”的设置" in err
    code, _, err = _run(capsys, "settings", "--db", db_path, "--set", "镇名")
    assert code == 2 and "KEY=VALUE" in err
    reopened = open_db(db_path)
    assert township_settings.settings(reopened)["report_year"] == 2023
    reopened.close()


def test_log_lists_changes_with_chinese_labels_masked_and_filtered(db, db_path, capsys):
    first = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中", id_number=FULL_ID))
    second = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-07", village="赵村村", org="村调委会", dispute_type="邻里", parties="丙与丁", result="调解中"))
    records.update(db, MEDIATION_CASE, first, dict(parties="甲与戊"))
    db.execute("UPDATE audit_log SET at = '2022-01-01T08:00:00' WHERE record_id = ? AND action = 'insert'", [second])
    db.close()
    code, out, _ = _run(capsys, "log", "--db", db_path, "--register", "调解案件", "--id", first)
    assert code == 0
    assert "当事人：甲与乙 → 甲与戊" in out and FULL_ID not in out  # the number went to the first party (当事人 register)
    assert f"第{second}号" not in out and "共 2 条操作记录" in out
    code, out, _ = _run(capsys, "log", "--db", db_path, "--register", "调解案件", "--limit", "1")
    assert code == 0 and "共 3 条操作记录，列出最近 1 条。" in out  # the count is of all that match, not of those listed
    code, out, _ = _run(capsys, "log", "--db", db_path, "--register", "mediation_case", "--to", "2022-12-31")
    assert code == 0 and f"第{second}号  新增" in out and "共 1 条" in out
    code, out, _ = _run(capsys, "log", "--db", db_path, "--from", "2030-01-01")
    assert code == 0 and "没有符合条件" in out
    code, _, err = _run(capsys, "log", "--db", db_path, "--register", "不存在的台账")
    assert code == 2 and "mediation_case（调解案件）" in err
    code, _, err = _run(capsys, "log", "--db", db_path, "--from", "去年")
    assert code == 2 and "无法识别" in err


def test_a_full_export_asks_for_the_program_password(db, db_path, tmp_path, capsys, monkeypatch):
    records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中", id_number=FULL_ID))
    encryption.set_password(db, "正确密码1")
    db.close()
    out = tmp_path / "完整.xlsx"
    monkeypatch.setattr(sys, "stdin", io.StringIO("错的\n"))
    code, _, err = _run(capsys, "export", "--db", db_path, "--register", "mediation_case", "--full", "--password-stdin", "--out", out)
    assert code == 2 and "不对" in err and not out.exists()
    monkeypatch.setattr(sys, "stdin", io.StringIO("正确密码1\n"))
    code, _, _ = _run(capsys, "export", "--db", db_path, "--register", "mediation_case", "--full", "--password-stdin", "--out", out)
    assert code == 0 and FULL_ID in [c.value for sheet in openpyxl.load_workbook(out) for row in sheet.iter_rows() for c in row]  # on the 当事人 sheet
    # the file is encrypted: even a masked export needs the password to open it; it reveals nothing
    monkeypatch.setattr(sys, "stdin", io.StringIO("正确密码1\n"))
    code, _, _ = _run(capsys, "export", "--db", db_path, "--register", "mediation_case", "--password-stdin", "--out", tmp_path / "遮盖.xlsx")
    assert code == 0 and FULL_ID not in [c.value for sheet in openpyxl.load_workbook(tmp_path / "遮盖.xlsx") for row in sheet.iter_rows() for c in row]


def test_a_package_with_full_personal_data_asks_for_the_program_password(db, db_path, tmp_path, capsys, monkeypatch):
    records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-06", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中", id_number=FULL_ID))
    township_settings.save_settings(db, dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府"))
    encryption.set_password(db, "正确密码1")
    db.close()
    out = tmp_path / "上报.zip"
    monkeypatch.setattr(sys, "stdin", io.StringIO("错的\n"))
    code, _, err = _run(capsys, "package", "--db", db_path, "--year", "2023", "--full", "--password-stdin", "--out", out)
    assert code == 2 and "不对" in err and not out.exists()
    monkeypatch.setattr(sys, "stdin", io.StringIO("正确密码1\n数据包密码1\n"))  # the database's password, then the package's own
    code, _, err = _run(capsys, "package", "--db", db_path, "--year", "2023", "--full", "--password-stdin", "--out", out)
    assert code == 0, err
    from zhaocun_desktop import crypto
    from zhaocun_desktop.package import read_package

    assert crypto.is_encrypted(out) and FULL_ID.encode() not in out.read_bytes()  # sealed: it leaves the office encrypted
    crypto.unlock(out, "数据包密码1")
    assert FULL_ID in str(read_package(out).records["mediation_party"])
    # a masked package reveals nothing and needs no password
    masked = tmp_path / "遮盖.zip"
    monkeypatch.setattr(sys, "stdin", io.StringIO("正确密码1\n"))
    code, _, _ = _run(capsys, "package", "--db", db_path, "--year", "2023", "--password-stdin", "--out", masked)
    assert code == 0 and FULL_ID not in zipfile.ZipFile(masked).read("records/mediation_party.jsonl").decode()


@pytest.mark.parametrize("verb", ["log", "init", "settings"])
def test_new_verbs_have_chinese_help(verb, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([verb, "--help"])
    assert exit_info.value.code == 0
    assert "用法：" in capsys.readouterr().out


def test_init_without_a_village_list(tmp_path, capsys):
    path = tmp_path / "台账.db"
    code, out, _ = _run(capsys, "init", "--db", path, "--town", "赵村镇", "--county", "鲁山县")
    assert code == 0 and "未提供村(居)名单" in out
    db = open_db(path)
    assert queries.village_names(db) == [] and township_settings.settings(db)["signer"] == "赵村镇人民政府" and not needs_first_run(db)
    db.close()

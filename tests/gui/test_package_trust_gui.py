"""导入乡镇数据包 says what the CLI says: a first or changed key asked with its fingerprint (the real
dialog, answered with real clicks and keys), refusals with their reasons, figure differences; each
decision in 操作记录. The 设置 page shows the township's fingerprint; 乡镇签名公钥 lists and exports the pins."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from county_towns import YEAR, build_townships, later, remade
from modal import when_shown
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLabel, QLineEdit, QMessageBox, QPushButton

from zhaocun_desktop import audit, signing
from zhaocun_desktop.county import figures as county_figures, rollup
from zhaocun_desktop.county.rollup import Consent, Question
from zhaocun_desktop.db import open_db
from zhaocun_desktop.gui.app import open_checked, ui_state_file
from zhaocun_desktop.gui.main_window import MainWindow
from zhaocun_desktop.gui.package_trust import PinnedKeysDialog, TrustDialog
from zhaocun_desktop.gui.settings_view import SettingsView
from zhaocun_desktop.package import write_package

FINGERPRINT = "3F2A-91C0-7B44-E1D8-0C55"


@pytest.fixture(scope="module")
def towns(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("trust_gui")
    made = {}
    for town, path in build_townships(folder).items():
        db = open_db(path)
        made[town] = (path, write_package(db, YEAR, folder / f"{town}.zip"))
        db.close()
    return made


@pytest.fixture
def county_window(qtbot, tmp_path):
    opened = []

    def opener() -> MainWindow:
        path = tmp_path / "县级汇总.db"
        rollup.open_county(path).close()
        db = open_checked(path)
        window = MainWindow(path, ui_state_file(), db=db)
        window.show()
        qtbot.waitExposed(window)
        opened.append((window, db))
        return window

    yield opener
    for window, db in opened:
        window.close()
        window.deleteLater()
        db.close()


def click_box(qtbot, box: QCheckBox) -> None:
    """A real click on the box's tick (its label's far end is outside what a click toggles)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def _questions() -> list[Question]:
    return [
        Question("new_key", "中汤镇", "中汤镇.zip", FINGERPRINT),
        Question("changed_key", "瓦屋镇", "瓦屋镇.zip", "ABCD-0000-1111-2222-3333", pinned="9999-8888-7777-6666-5555"),
        Question("other_county", "辛集乡", "辛集乡.zip", "1234-5678-9ABC-DEF0-1234", county="叶县", ours="鲁山县"),
    ]


def test_the_dialog_accepts_only_once_every_question_is_answered(qtbot, tmp_path):
    dialog = TrustDialog(_questions())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.accept_button.isEnabled()
    new_key = dialog.findChild(QCheckBox, "new_key_中汤镇")
    typed = dialog.findChild(QLineEdit, "fingerprint_瓦屋镇")
    other = dialog.findChild(QCheckBox, "other_county_辛集乡")
    click_box(qtbot, new_key)
    click_box(qtbot, other)
    assert new_key.isChecked() and other.isChecked() and not dialog.accept_button.isEnabled()
    QTest.keyClicks(typed, "9999-8888-7777-6666-5555")  # the old fingerprint, read from the wrong paper
    assert not dialog.accept_button.isEnabled() and "fde7e9" in typed.styleSheet()
    dialog.grab().save(str(tmp_path / "trust_wrong.png"))
    typed.clear()
    QTest.keyClicks(typed, "abcd 0000 1111 2222 3333")  # as heard on the phone: case and dashes do not matter
    assert dialog.accept_button.isEnabled() and typed.styleSheet() == ""
    answered = dialog.consent(Consent())
    assert answered.keys == {"中汤镇": FINGERPRINT, "瓦屋镇": "ABCD-0000-1111-2222-3333"} and answered.other_county == {"辛集乡"}
    assert not answered.new_keys  # each first key confirmed by its own fingerprint, never all at once
    dialog.grab().save(str(tmp_path / "trust.png"))
    assert (tmp_path / "trust.png").stat().st_size > 10_000


def test_importing_asks_refuses_and_records_as_the_cli_does(county_window, towns, qtbot, monkeypatch, tmp_path):
    window = county_window()
    shown, warnings = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))

    # the first packages: the clerk ticks each fingerprint after the calls, then 确认导入
    def tick_and_accept(dialog):
        for _, widget in dialog.answers:
            click_box(qtbot, widget)
        dialog.grab().save(str(tmp_path / "first_keys.png"))
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)

    asked = when_shown(TrustDialog, lambda dialog: True, tick_and_accept)
    first = [str(package) for _, package in towns.values()]
    message = window.county.import_packages(first)
    assert asked["done"] and message.startswith("新导入 3 个") and shown[-1] == message
    for town, (path, _) in towns.items():
        db = open_db(path)
        assert f"已确认{town}的数据包签名公钥（指纹 {signing.fingerprint(signing.public_key(db))}）" in message
        db.close()
    entries = audit.audit_entries(window.db, signing.PIN_TABLE)
    assert len(entries) == 3 and {entry.action for entry in entries} == {"确认公钥"} and entries[0].title == "乡镇签名公钥"

    # 瓦屋镇 on a new PC: its new key is taken only when the fingerprint typed matches
    path, _ = towns["瓦屋镇"]
    moved = tmp_path / "瓦屋镇-新电脑.db"
    shutil.copy(path, moved)
    db = open_db(moved)
    db.execute("DELETE FROM signing_key")
    db.conn.commit()
    monkeypatch.setattr(audit, "now", later)  # made after the package the county holds
    figures_changed = write_package(db, YEAR, tmp_path / "瓦屋镇-新电脑.zip")
    monkeypatch.undo()
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    new_key = signing.public_key(db)
    db.close()
    declined = when_shown(TrustDialog, lambda dialog: True, lambda dialog: dialog.reject())
    assert window.county.import_packages([str(figures_changed)]) == "没有确认数据包的来源，这一批数据包都没有导入。"
    assert declined["done"] and signing.pinned_key(window.db, "瓦屋镇") != new_key

    def type_and_accept(dialog):
        (question, typed), = dialog.answers
        assert question.kind == "changed_key" and question.fingerprint == signing.fingerprint(new_key)
        typed.setFocus()
        QTest.keyClicks(typed, signing.fingerprint(new_key))
        dialog.grab().save(str(tmp_path / "changed_key.png"))
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)

    asked = when_shown(TrustDialog, lambda dialog: True, type_and_accept)
    message = window.county.import_packages([str(figures_changed)])
    assert asked["done"] and "↻" in message and "更换公钥" in message
    assert signing.pinned_key(window.db, "瓦屋镇") == new_key
    assert "更换公钥" in audit.audit_entries(window.db, signing.PIN_TABLE)[0].note

    # a package whose figures.json disagrees with its records: listed, the county's figure from the records
    def inflate(name, data):
        return json.dumps(dict(json.loads(data), cases=123456)).encode() if name == "figures.json" else data

    false = remade(towns["中汤镇"][1], tmp_path / "中汤镇-数字.zip", inflate, sign_with=towns["中汤镇"][0],
                   manifest_change=lambda manifest: manifest.__setitem__("made_at", later()))  # fmt: skip
    message = window.county.import_packages([str(false)])
    assert "请注意" in message and "上报 123456，按记录计算" in message
    assert county_figures.township_figures(window.db, YEAR)["中汤镇"]["cases"] != 123456

    # a refusal names the file and the reason; nothing is written
    bad = remade(towns["赵村镇"][1], tmp_path / "坏记录.zip", _bad_date, sign_with=towns["赵村镇"][0],
                 manifest_change=lambda manifest: manifest.__setitem__("made_at", later()))  # fmt: skip
    before = audit.audit_count(window.db)
    assert window.county.import_packages([str(bad)]) is None
    assert "坏记录.zip" in warnings[-1] and "受理日期" in warnings[-1] and "records/mediation_case.jsonl 第1行" in warnings[-1]
    assert audit.audit_count(window.db) == before

    # 文件 → 乡镇签名公钥: the pins, the retired one greyed, exported on paper
    dialog = PinnedKeysDialog(window.db, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 4  # three townships and 瓦屋镇's retired key
    names = [dialog.table.item(row, 0).text() for row in range(4)]
    assert sorted(names) == sorted(["赵村镇", "中汤镇", "瓦屋镇", "瓦屋镇"])
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save(str(tmp_path / "pinned.png"))
    exported = dialog.export(str(tmp_path / "公钥.txt"))
    assert signing.fingerprint(new_key) in exported.read_text(encoding="utf-8")
    assert window.county.keys_action.objectName() == "actionPinnedKeys" and window.county.keys_action in window.form.menuFile.actions()


def _bad_date(name: str, data: bytes) -> bytes:
    if name != "records/mediation_case.jsonl":
        return data
    first, rest = data.split(b"\n", 1)
    row = json.loads(first)
    row["accepted"] = "2023-13-45"
    return json.dumps(row, ensure_ascii=False).encode() + b"\n" + rest


def test_the_settings_page_shows_the_townships_fingerprint(open_window, qtbot, monkeypatch, tmp_path):
    window = open_window()
    key = signing.public_key(window.db)
    view = SettingsView(window.db)
    qtbot.addWidget(view)
    assert view.findChild(QLabel, "township_fingerprint").text() == f"本镇公钥指纹：{signing.fingerprint(key)}"
    out = tmp_path / "本镇公钥.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    view.findChild(QPushButton, "export_township_key").click()
    assert f"指纹：{signing.fingerprint(key)}" in out.read_text(encoding="utf-8")
    view.resize(760, 900)
    view.show()
    qtbot.waitExposed(view)
    view.grab().save(str(tmp_path / "settings.png"))

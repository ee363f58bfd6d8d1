"""The first-run wizard: settings and villages saved through the real pages."""

from __future__ import annotations

import openpyxl

from zhaocun_desktop import queries, settings as township_settings
from zhaocun_desktop.gui.first_run import FirstRunWizard, needs_first_run, parse_village_names


def test_village_names_from_typing_or_pasting():
    assert parse_village_names("1. 赵村村\n2、中汤村\n\n赵村村\t上坪村，下坪村") == ["赵村村", "中汤村", "上坪村", "下坪村"]
    assert parse_village_names("村(居)名称\n赵村村") == ["赵村村"]


def test_wizard_saves_settings_and_villages(qtbot, db, tmp_path):
    assert needs_first_run(db)
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()  # welcome → settings
    assert wizard.currentPage() is wizard.settings_page
    wizard.next()  # empty required fields: stays
    assert wizard.currentPage() is wizard.settings_page
    assert not wizard.settings_page.form.error_labels["town"].isHidden()
    for key, value in dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023").items():
        wizard.settings_page.form.editors[key].widget.setText(value)
    wizard.next()
    assert wizard.currentPage() is wizard.villages_page
    book = openpyxl.Workbook()
    for name in ("村(居)名称", "赵村村", "中汤村", "上坪村"):
        book.active.append([name])
    book.save(tmp_path / "村.xlsx")
    wizard.villages_page.load_workbook(str(tmp_path / "村.xlsx"))
    assert "共 3 个" == wizard.villages_page.count.text()
    wizard.accept()
    assert queries.village_names(db) == ["赵村村", "中汤村", "上坪村"]
    assert township_settings.settings(db)["town"] == "赵村镇"
    assert not needs_first_run(db)


def test_choosing_the_sample_ends_the_wizard(qtbot, db):
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.welcome.demo.setChecked(True)
    assert wizard.wants_demo and wizard.welcome.nextId() == -1


def test_the_wizard_fills_the_office_and_signer_from_the_town_as_init_does(qtbot, db):
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    editors = wizard.settings_page.form.editors
    editors["town"].widget.setFocus()
    editors["town"].widget.insert("瓦屋镇")  # Chinese typed with insert (pitfalls.md)
    assert editors["office"].value() == "瓦屋镇司法所" and editors["signer"].value() == "瓦屋镇人民政府"
    editors["signer"].widget.setText("鲁山县瓦屋镇人民政府")  # the clerk's own wording stays
    editors["town"].widget.setText("赵村镇")
    assert editors["office"].value() == "赵村镇司法所" and editors["signer"].value() == "鲁山县瓦屋镇人民政府"
    editors["county"].widget.setText("鲁山县")
    editors["report_year"].widget.selectAll()
    qtbot.keyClicks(editors["report_year"].widget, "2025")
    editors["office"].widget.setText("")  # emptied: saved as init would
    wizard.next()
    assert wizard.currentPage() is wizard.villages_page
    assert wizard.settings_page.values()["office"] == "赵村镇司法所"

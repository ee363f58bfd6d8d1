"""The lazy model: Qt's model checks, paging, and sorting in SQL."""

from PySide6.QtCore import Qt

from zhaocun_desktop import records
from zhaocun_desktop.gui.table_model import RecordTableModel
from zhaocun_desktop.registers import ENFORCEMENT_STAFF, MEDIATION_CASE

CASE = dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", result="调解中")
STAFF = dict(name="王五", unit="执法中队", in_post="是", phone="13800138000")


def test_model_passes_qt_model_tester(qtmodeltester, db):
    records.insert_many(db, MEDIATION_CASE, [dict(CASE, parties=f"甲{i:04d}与乙") for i in range(600)])
    model = RecordTableModel(db, MEDIATION_CASE)
    qtmodeltester.check(model, force_py=True)
    model.sort(MEDIATION_CASE.list_fields.index(MEDIATION_CASE.field("parties")), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_pages_are_read_on_demand_and_bounded(db):
    records.insert_many(db, MEDIATION_CASE, [dict(CASE, parties=f"甲{i:04d}与乙") for i in range(1000)])
    model = RecordTableModel(db, MEDIATION_CASE)
    assert model.rowCount() == 1000 and not model._pages
    column = MEDIATION_CASE.list_fields.index(MEDIATION_CASE.field("parties"))
    model.sort(column, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(999, column)) == "甲0999与乙"
    assert list(model._pages) == [999 // model.PAGE]
    model.MAX_PAGES = 2
    for row in (0, 300, 600):
        model.data(model.index(row, column))
    assert len(model._pages) == 2


def test_sensitive_columns_are_masked_unless_revealed(db):
    records.insert(db, ENFORCEMENT_STAFF, STAFF)
    model = RecordTableModel(db, ENFORCEMENT_STAFF)
    column = ENFORCEMENT_STAFF.list_fields.index(ENFORCEMENT_STAFF.field("phone"))
    assert model.data(model.index(0, column)) == "138****8000"
    model.reveal = True
    model.refresh()
    assert model.data(model.index(0, column)) == "13800138000"


def test_the_clerk_can_show_full_numbers_in_a_list(qtbot, open_window):
    window = open_window()
    view = window.view(ENFORCEMENT_STAFF.key)
    records.insert(view.db, ENFORCEMENT_STAFF, STAFF)
    view.refresh()
    column = ENFORCEMENT_STAFF.list_fields.index(ENFORCEMENT_STAFF.field("phone"))
    assert view.reveal_box.isVisibleTo(view)
    assert view.model.data(view.model.index(0, column)) == "138****8000"
    view.reveal_box.setChecked(True)
    assert view.model.data(view.model.index(0, column)) == "13800138000"
    assert not window.view("joint_meeting").reveal_box.isVisibleTo(window.view("joint_meeting"))

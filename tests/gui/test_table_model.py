"""The lazy model: Qt's model checks, paging, and sorting in SQL."""

from PySide6.QtCore import Qt

from zhaocun_desktop import queries, records
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


def _small_steps(monkeypatch):
    """Lazy-list thresholds scaled down to a few hundred rows (queries.RecordList)."""
    for name, value in dict(RARE=40, FIRST=5, WALK_BUDGET=60, WALK_SHARE=1, WALK_STEP=30).items():
        monkeypatch.setattr(queries.RecordList, name, value)


def test_a_common_word_is_read_as_the_view_scrolls(qtmodeltester, db, monkeypatch):
    _small_steps(monkeypatch)
    records.insert_many(db, MEDIATION_CASE, [dict(CASE, accepted=f"2023-{i % 12 + 1:02d}-{i % 28 + 1:02d}", parties=f"甲{i:04d}与乙") for i in range(600)])
    model = RecordTableModel(db, MEDIATION_CASE)
    query = queries.RecordQuery(search="与")  # in every case
    model.set_query(query)
    assert 0 < model.rowCount() < 600 and model.canFetchMore() and model.has_more()
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    eager = queries.RecordList(db, MEDIATION_CASE, query, ["id"])
    assert [model.record_id(row) for row in range(model.rowCount())] == [row[0] for row in eager.rows(0, eager.count)]
    column = MEDIATION_CASE.list_fields.index(MEDIATION_CASE.field("parties"))
    parties = queries.RecordList(db, MEDIATION_CASE, query, ["parties"])
    assert [model.data(model.index(row, column)) for row in (0, 299, 599)] == [parties.rows(row, 1)[0][1] for row in (0, 299, 599)]


def test_the_list_says_more_rows_follow_and_reads_them_when_scrolled(qtbot, open_window, monkeypatch):
    _small_steps(monkeypatch)
    window = open_window()
    view = window.view(MEDIATION_CASE.key)
    records.insert_many(view.db, MEDIATION_CASE, [dict(CASE, parties=f"甲{i:04d}与乙") for i in range(300)])
    view.refresh()
    view.search_box.setText("与")
    view.apply_filters()
    first = view.model.rowCount()
    assert first < 300 and view.count_label.text() == f"已列出 {first} / 共 300 条" and "向下滚动" in view.count_label.toolTip()
    # short enough that a 1024 px window keeps every toolbar button out of the » menu (打印, 打印文书)
    from PySide6.QtWidgets import QToolBar

    case_page = window._slots[MEDIATION_CASE.key]
    inner = case_page.parentWidget().parentWidget()  # the 矛盾纠纷调解 tab's own tab widget
    window.form.tabs.setCurrentWidget(inner)
    inner.setCurrentWidget(case_page)
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.width() <= 1024 and view.isVisible())
    toolbar = view.findChild(QToolBar)
    hidden = [a.text() for a in toolbar.actions() if a.isVisible() and not toolbar.widgetForAction(a).isVisible()]
    assert hidden == []
    for _ in range(50):  # the view asks the model for more rows each time it reaches the last one
        view.table.scrollToBottom()
        qtbot.wait(1)
        if not view.model.has_more():
            break
    assert view.model.rowCount() == 300 and not view.model.has_more()
    assert view.count_label.text() == "共 300 条"

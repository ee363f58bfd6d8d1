"""Start-up laziness changes nothing the clerk sees: 总览 built first-screen-only ends with the same
figures, checks and due list as one built in full; a tab is built once, when first opened; the
records-shown moment is the first screen's own paint, with the records in it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from zhaocun_desktop import figures, overview, queries
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.gui.app import ui_state_file
from zhaocun_desktop.gui.main_window import MainWindow
from zhaocun_desktop.gui.overview_view import CALCULATING, KEY_FIGURES, OverviewView
from zhaocun_desktop.registers import MEDIATION_CASE, PETITION, VILLAGE


def _table(view: OverviewView) -> list[list[str]]:
    table = view.table
    return [[table.item(row, column).text() if table.item(row, column) else "" for column in range(table.columnCount())] for row in range(table.rowCount())]


def _waiting(view: OverviewView) -> int:
    """How many placeholders say 正在计算… (the table, the due list and the checks before ``complete``)."""
    return sum(label.text() == CALCULATING and not label.isHidden() for label in view.findChildren(QLabel))


def _texts(widget) -> list[str]:
    return [widget.item(row).text() for row in range(widget.count())]


def test_overview_first_screen_then_complete_equals_a_full_build(qtbot, db):
    fill_demo(db)
    full = OverviewView(db)
    qtbot.addWidget(full)
    lazy = OverviewView(db, first_screen_only=True)
    qtbot.addWidget(lazy)
    # the first screen: the charts, already as in the full build
    assert lazy.month_chart.series == full.month_chart.series and lazy.type_chart.items == full.type_chart.items
    assert lazy.outcome_chart.items == full.outcome_chart.items and lazy.village_chart.items == full.village_chart.items
    # the rest says it is being computed where it will be: no figure, no finding and no due item shown before it is right
    assert _waiting(lazy) == 3 and lazy.table is None and lazy.due_list is None and lazy.attention is None
    assert lazy.findings == [] and lazy.due == [] and len(full.due) > 1
    lazy.complete()
    assert _waiting(lazy) == 0 and lazy.table.parentWidget() is not None and lazy.due_list.isVisibleTo(lazy)
    assert lazy.figures == full.figures and lazy.previous == full.previous
    assert _table(lazy) == _table(full)
    assert [str(f) for f in lazy.findings] == [str(f) for f in full.findings] and _texts(lazy.attention) == _texts(full.attention)
    assert _texts(lazy.due_list) == _texts(full.due_list) and lazy.due_label.text() == full.due_label.text()
    assert any(_table(full)[row][1] not in ("", "0", "—") for row in range(len(KEY_FIGURES))), "the demo year has figures to compare"
    table = _table(lazy)
    lazy.complete()  # once complete, again is nothing
    assert _table(lazy) == table


def test_overview_completes_by_itself_after_its_first_paint(qtbot, db):
    fill_demo(db)
    view = OverviewView(db, first_screen_only=True)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitUntil(lambda: view.attention is not None and _waiting(view) == 0, timeout=10000)
    assert view.figures["cases"] == sum(view.picture.months)
    assert view.table.item(KEY_FIGURES.index("cases"), 1).text() == str(view.figures["cases"])


def test_a_period_change_refreshes_everything_at_once(qtbot, db):
    fill_demo(db)
    view = OverviewView(db, first_screen_only=True)
    qtbot.addWidget(view)
    view.period_picker.kind.setCurrentText("季度")  # the clerk's choice: no 正在计算… left behind
    assert _waiting(view) == 0 and view.table.item(0, 0).text() == figures.BY_KEY[KEY_FIGURES[0]].label
    assert view.picture == overview.year_picture(db, view.period)


def test_each_tab_is_built_once_when_first_opened(qtbot, open_window):
    window = open_window(demo=True)
    assert window.current_key() == "overview" and window.views == {}, "only the visible tab is built"
    assert window._settings_view is None and window._report_view is None
    case_page = window._slots[MEDIATION_CASE.key]
    inner = case_page.parentWidget().parentWidget()  # the 矛盾纠纷调解 tab's own tab widget
    window.form.tabs.setCurrentWidget(inner)
    inner.setCurrentWidget(case_page)
    view = window.views[MEDIATION_CASE.key]
    assert view.model.rowCount() == queries.count(window.db, MEDIATION_CASE)
    window.form.tabs.setCurrentIndex(0)
    window.form.tabs.setCurrentWidget(inner)
    inner.setCurrentWidget(window._slots[PETITION.key])
    inner.setCurrentWidget(case_page)
    assert window.views[MEDIATION_CASE.key] is view and window.view(MEDIATION_CASE.key) is view
    assert case_page.findChildren(type(view)) == [view], "one view in the page, the placeholder gone"
    assert VILLAGE.key not in window.views


def test_the_first_screen_is_painted_with_its_records_before_records_shown(qtbot, db_path):
    db = open_db(db_path)
    fill_demo(db)
    window = MainWindow(db_path, ui_state_file())  # as the program starts: the window first, then the database
    window.show()
    qtbot.waitExposed(window)
    window.attach(db)
    shown = window.first_screen()
    assert shown is window._overview_view.month_chart
    seen = []

    class Paints(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                seen.append("painted")
            return False

    spy = Paints(shown)
    shown.installEventFilter(spy)
    picture = overview.year_picture(db, window._overview_view.period)
    window.after_first_screen(lambda: seen.append(("told", shown.isVisible(), window._overview_view.month_chart.series[0][1])))
    qtbot.waitUntil(lambda: any(isinstance(item, tuple) for item in seen), timeout=10000)
    told = next(item for item in seen if isinstance(item, tuple))
    assert seen.index(told) > seen.index("painted"), "told only after the charts painted"
    assert told[1] and told[2] == picture.months
    window.close()
    db.close()


def test_what_follows_the_first_screen_runs_once_even_when_it_never_paints(qtbot, open_window):
    window = open_window(demo=True)
    window.overview_view.left_tabs.setCurrentIndex(1)  # the charts hidden behind 数字对比: they will not paint
    calls = []
    window.after_first_screen(lambda: calls.append("late"), at_latest_ms=50)
    qtbot.waitUntil(lambda: calls == ["late"], timeout=5000)
    window.overview_view.left_tabs.setCurrentIndex(0)  # now they paint: nothing runs twice
    window.overview_view.month_chart.repaint()
    qtbot.wait(100)
    assert calls == ["late"]


def test_the_charts_keep_their_places_when_the_lists_are_filled(qtbot, db):
    fill_demo(db)
    for width in (1024, 1366):
        view = OverviewView(db, first_screen_only=True)
        qtbot.addWidget(view)
        view.month_chart.removeEventFilter(view)  # completed below, by hand: the first screen is looked at first
        view.resize(width, 700)
        view.show()
        qtbot.waitExposed(view)
        charts = (view.month_chart, view.type_chart, view.outcome_chart, view.village_chart)
        first = [chart.geometry() for chart in charts]
        assert _waiting(view) == 3
        view.complete()
        qtbot.wait(50)  # the layout settles
        assert _waiting(view) == 0 and view.due_list.count() > 1 and view.attention.count() > 1
        assert [chart.geometry() for chart in charts] == first, f"the charts moved at {width} px"
        assert view.due_list.geometry().width() > width * 0.2, "the lists have room for their sentences"

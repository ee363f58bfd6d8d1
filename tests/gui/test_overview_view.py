"""The 总览 tab as pictures: charts painted from the core's counts; items and bars open their records."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from zhaocun_desktop import figures as fig, overview
from zhaocun_desktop.gui.charts import BLUE, nice_ceiling
from zhaocun_desktop.gui.record_dialog import RecordDialog
from zhaocun_desktop.gui.records_dialog import RecordsDialog
from zhaocun_desktop.registers import MEDIATION_CASE, PUBLICITY_EVENT


def _colors(widget) -> set[str]:
    image = widget.grab().toImage()
    return {QColor(image.pixel(x, y)).name() for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}


def test_charts_show_the_years_counts(qtbot, open_window):
    window = open_window(demo=True)
    view = window.overview_view
    view.resize(1300, 760)
    picture = overview.year_picture(window.db, view.period)
    assert view.month_chart.series[0][1] == picture.months and view.month_chart.series[1][1] == picture.months_before
    assert sum(picture.months) == view.figures["cases"]
    assert view.type_chart.items == picture.types and view.village_chart.items == picture.villages
    assert dict(view.outcome_chart.items)["调解成功"] == view.figures["cases_success"]
    assert BLUE.name() in _colors(view.month_chart)  # the line is painted
    view.trend_box.setCurrentIndex(view.trend_box.findData(PUBLICITY_EVENT.key))
    assert sum(view.month_chart.series[0][1]) == view.figures["publicity_events"]
    view.period_picker.year.setValue(view.period.end.year - 30)  # a year with nothing: the charts say so instead of drawing
    assert not view.month_chart.has_data() and not view.type_chart.has_data()


def test_axis_tops_are_round():
    assert nice_ceiling(19) == (20, 5) and nice_ceiling(0) == (4, 1) and nice_ceiling(3) == (3, 1) and nice_ceiling(130) == (150, 50)


def test_every_item_needing_attention_opens_its_records(qtbot, open_window, when_modal):
    window = open_window(demo=True)
    view = window.overview_view
    items = [view.attention.item(i) for i in range(view.attention.count())]
    openable = [item for item in items if view.findings[items.index(item)].record_ids]
    assert openable and len(openable) == sum(bool(f.register and f.record_ids) for f in view.findings)
    for item in openable:
        finding = view.findings[items.index(item)]
        seen = {}

        def look(dialog, finding=finding):
            seen["dialog"] = type(dialog)
            seen["rows"] = dialog.table.rowCount() if isinstance(dialog, RecordsDialog) else 1
            dialog.reject()

        state = when_modal(look)
        view.open_item(item)
        assert state["done"]
        assert seen["dialog"] is (RecordDialog if len(finding.record_ids) == 1 else RecordsDialog)
        assert seen["rows"] == len(finding.record_ids)


def test_a_listed_record_opens_for_editing_and_the_overview_follows(qtbot, open_window, when_modal):
    window = open_window(demo=True)
    view = window.overview_view
    open_cases = next(f for f in view.findings if f.register == MEDIATION_CASE.key and "调解中" in f.message)
    before = view.figures["cases_open"]
    item = view.attention.item(view.findings.index(open_cases))

    def close_one(records_dialog):
        def settle(edit):
            edit.form.editors["result"].set_value("调解不成功")
            edit.form.editors["closed"].set_value("2023-12-30")
            edit.accept()

        when_modal(settle)
        assert records_dialog.open_row(0)
        assert records_dialog.table.item(0, [f.key for f in records_dialog.fields].index("result")).text() == "调解不成功"
        records_dialog.reject()

    state = when_modal(close_one)
    view.open_item(item)
    assert state["done"]
    assert view.figures["cases_open"] == before - 1


def test_a_click_on_a_village_bar_lists_its_cases(qtbot, open_window, when_modal):
    window = open_window(demo=True)
    view = window.overview_view
    view.resize(1300, 760)
    view.village_chart.grab()  # paints: the bars get their places
    village, count = view.picture.villages[0]
    rect = next(rect for rect, label in view.village_chart._rows if label == village)
    seen = {}
    state = when_modal(lambda dialog: (seen.update(rows=dialog.table.rowCount(), title=dialog.windowTitle()), dialog.reject()))
    qtbot.mouseClick(view.village_chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    qtbot.waitUntil(lambda: state["done"])
    behind = fig.records_behind(window.db, fig.BY_KEY["cases"], view.period)
    assert seen["rows"] == count == sum(row["village"] == village for row in behind)
    assert village in seen["title"] or "调解案件" in seen["title"]


def test_a_click_on_a_month_lists_that_months_records(qtbot, open_window, when_modal):
    window = open_window(demo=True)
    view = window.overview_view
    view.resize(1300, 760)
    view.month_chart.grab()  # paints: the points get their places
    month = max(range(12), key=lambda m: view.picture.months_before[m] - view.picture.months[m])  # last year's line on top
    x = view.month_chart._points[month]
    y = view.month_chart._heights[1][month]
    seen = {}
    state = when_modal(lambda dialog: (seen.update(rows=dialog.table.rowCount(), title=dialog.windowTitle()), dialog.reject()))
    qtbot.mouseClick(view.month_chart, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: state["done"])
    assert seen["rows"] == view.picture.months_before[month] > 0
    rows = overview.month_records(window.db, MEDIATION_CASE, view.picture.year - 1, month + 1)
    assert len(rows) == seen["rows"] and all(row["accepted"][5:7] == f"{month + 1:02d}" for row in rows)


def test_a_narrow_outcome_ring_leaves_the_legend_whole(qtbot):
    from PySide6.QtGui import QFontMetrics

    from zhaocun_desktop.gui.charts import ShareChart

    chart = ShareChart("2023年调解结果")
    qtbot.addWidget(chart)
    chart.set_items([("调解成功", 161), ("调解不成功", 17), ("调解中止", 0), ("调解中", 4)])
    chart.resize(300, 260)  # the 总览 cell of a 1200-pixel window without a window manager
    chart.grab()  # paints, which lays out the legend rows
    metrics = QFontMetrics(chart.font())
    assert chart._rows
    for rect, label in chart._rows:
        assert rect.right() <= chart.width() + 0.5
        assert metrics.horizontalAdvance(f"{label}  161 件  88.5%") <= rect.width()  # the widest line fits its row


def test_a_countys_numbers_are_not_cut_or_run_into_each_other(qtbot):
    """Whole-county figures run to five and six digits: the ring's total shrinks to fit its hole, and the
    month chart writes its numbers only when each fits its month (the tooltip has them)."""
    from PySide6.QtGui import QFontMetrics

    from zhaocun_desktop.gui.charts import MonthChart, ShareChart

    ring = ShareChart("2023年调解结果")
    qtbot.addWidget(ring)
    ring.set_items([("调解成功", 164864), ("调解不成功", 17408), ("调解中止", 0), ("调解中", 4096)])
    ring.resize(300, 260)
    ring.grab()
    # the legend leaves the ring too small for six digits: the total ends the legend, whole, inside the chart
    for width, height in ((300, 260), (228, 190), (300, 140)):  # the last: 总览's cell in a 1024×600 window, and lower
        ring.resize(width, height)
        ring.grab()
        assert QFontMetrics(ring._total_font).horizontalAdvance("合计  186368 件") <= ring._total_rect.width(), (width, height)
        assert ring._total_font.pointSizeF() == ring.font().pointSizeF()
        assert ring.rect().contains(ring._total_rect.toRect()), (width, height)
        assert not any(ring._total_rect.intersects(rect) for rect, _ in ring._rows)
        metrics = QFontMetrics(ring.font())
        assert all(metrics.horizontalAdvance(text) <= rect.width() - 18 for text, (rect, _) in zip(ring._legend, ring._rows)), (width, height)
        if width >= 300:
            assert ring._legend[0] == "调解成功  164864 件  88.5%"
        else:  # the ring at its smallest leaves no room: the line ends in … rather than a glyph cut in half
            assert ring._legend[0].startswith("调解成功") and ring._legend[0].endswith("…")
    ring.resize(560, 260)  # a wider cell: the ring grows and the total fits inside it, in a larger size
    ring.grab()
    assert QFontMetrics(ring._total_font).horizontalAdvance("186368") <= ring._total_rect.width() - 4
    assert ring._total_font.pointSizeF() > ring.font().pointSizeF()
    ring.set_items([("调解成功", 161), ("调解不成功", 17)])
    ring.resize(300, 260)
    ring.grab()
    assert ring._total_font.pointSizeF() == ring.font().pointSizeF() + 4  # a township's total keeps the large size

    months = MonthChart("调解案件月度走势")
    qtbot.addWidget(months)
    county = [19456, 10240, 18432, 12288, 21504, 10240, 18432, 16384, 12288, 15360, 21504, 10240]
    months.set_series([("2023年", county), ("2022年", [v - 900 for v in county])])
    months.resize(420, 260)
    months.grab()
    assert months._value_labels == []
    township = [3, 5, 0, 8, 6, 4, 7, 9, 3, 2, 5, 6]
    months.set_series([("2023年", township), ("2022年", township)])
    months.grab()
    labels = months._value_labels
    assert len(labels) == 11  # every month with a case
    metrics = QFontMetrics(months.font())
    assert all(metrics.horizontalAdvance(str(value)) + 4 <= label.width() for value, label in zip([v for v in township if v], labels))


def test_the_month_axis_names_every_month_that_fits(qtbot):
    """A narrow month chart names every second (or third) month instead of running 10月11月12月 together."""
    from PySide6.QtGui import QFontMetrics

    from zhaocun_desktop.gui.charts import MONTH_STEPS, MonthChart

    chart = MonthChart("调解案件月度走势")
    qtbot.addWidget(chart)
    chart.set_series([("2023年", [3, 5, 0, 8, 6, 4, 7, 9, 3, 2, 5, 6]), ("2022年", [2] * 12)])
    wide = QFontMetrics(chart.font()).horizontalAdvance("12月") + 2  # two pixels between names at least
    for width in (900, 420, 300, 200, 120):
        chart.resize(width, 260)
        chart.grab()
        named, slot = chart._month_labels, chart._points[1] - chart._points[0]
        assert named[0] == 1 and len(named) >= 2, width
        step = named[1] - named[0]
        assert wide <= slot * step, (width, step)  # each name fits the room between two named months
        closer = [n for n in MONTH_STEPS if n < step]
        assert not closer or wide > slot * closer[-1], (width, step)  # and no more months are skipped than needed
    chart.resize(900, 260)
    chart.grab()
    assert chart._month_labels == list(range(1, 13))


def test_the_charts_alignment_numbers_and_elision_are_qts(qapp):
    """The charts paint with plain numbers for Qt's alignment flags and their own elision (to leave the ``Qt``
    namespace unbuilt until the records show): the same values and the same cut as Qt's."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont, QFontMetrics

    from zhaocun_desktop.gui import charts

    flag = Qt.AlignmentFlag
    assert (charts.LEFT, charts.RIGHT, charts.HCENTER, charts.TOP, charts.VCENTER, charts.CENTER) == tuple(
        f.value for f in (flag.AlignLeft, flag.AlignRight, flag.AlignHCenter, flag.AlignTop, flag.AlignVCenter, flag.AlignCenter)
    )
    metrics = QFontMetrics(QFont())
    for text in ("调解成功  30 件  81.1%", "山林土地纠纷很长很长的名字", "赵村村"):
        for width in (0, 10, 40, 80, 400):
            ours = charts.elided(metrics, text, width)
            assert metrics.horizontalAdvance(ours) <= width or ours in ("", "…")
            assert ours == text or ours.endswith("…") or ours == ""
            if metrics.horizontalAdvance(text) <= width:
                assert ours == text
            qts = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            assert abs(len(ours) - len(qts)) <= 1, (text, width, ours, qts)

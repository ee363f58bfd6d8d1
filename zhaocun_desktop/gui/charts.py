"""Small charts painted with QPainter (no plotting library): a month line chart, horizontal
bars and a ring of shares. Each takes plain (label, number) data and knows nothing of registers.

总览's charts are the program's first screen, so they paint without PySide's ``Qt`` namespace: its first
use turns some ninety enums into Python enums (25–40 ms, a sixth of a bare window's start), and so does
any call whose overloads involve one of them: ``QPainter.setPen``, ``setBrush`` and ``fillRect`` in every
form, ``QPen(QColor)``, ``QBrush(QColor)``, ``elidedText``, ``setAlignment``. ``Ink`` paints with the calls
that do not (``fillPath`` and ``strokePath`` with a pen made by ``QPen().setColor``, text in the painter's
own pen, which is the widget's text color, dimmed by opacity) and alignment flags as plain numbers.
Mouse and tooltip handlers, which run after the first screen, import ``Qt`` where they need it.
``tests/gui/test_startup_enums.py`` starts the program and checks the namespace waits for the records.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

BLUE, GREY = QColor("#2F6DB5"), QColor("#A3ABB7")
SHARE_COLORS = (QColor("#3E9B5F"), QColor("#C8553D"), QColor("#8E6CB8"), QColor("#E0A030"), QColor("#7F8C8D"), QColor("#2F6DB5"))
TEXT, GRID, WHITE = QColor("#222222"), QColor("#E3E6EA"), QColor("#FFFFFF")
MUTED_OPACITY = 0.69  # TEXT drawn at this opacity on white reads as #666666: muted labels
PAD = 10
# Qt.AlignmentFlag's values (a test compares them with the enum): drawText takes them as a number
LEFT, RIGHT, HCENTER, TOP, VCENTER = 0x1, 0x2, 0x4, 0x20, 0x80
CENTER = HCENTER | VCENTER


def pen(color: QColor, width: float = 1.0, dashed: bool = False) -> QPen:
    """A pen of ``color`` made without QPen's overloaded constructors (see the module's doc)."""
    made = QPen()
    made.setColor(color)
    made.setWidthF(width)
    if dashed:
        made.setDashPattern([4.0, 2.0])  # Qt.PenStyle.DashLine's pattern, in pen widths
    return made


def elided(metrics: QFontMetrics, text: str, width: float) -> str:
    """``text`` cut to ``width`` with … at its end, as ``QFontMetrics.elidedText(…, ElideRight, …)``."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    while text and metrics.horizontalAdvance(text + "…") > width:
        text = text[:-1]
    return text + "…" if text else ""


class Ink:
    """The few painting calls the charts need, in forms that leave the ``Qt`` namespace unbuilt."""

    def __init__(self, painter: QPainter):
        self.painter = painter
        self._brushes: dict[int, object] = {}

    def fill(self, shape: QRectF | QPainterPath, color: QColor) -> None:
        key = color.rgba()
        if key not in self._brushes:
            self._brushes[key] = pen(color).brush()
        self.painter.fillPath(as_path(shape), self._brushes[key])

    def stroke(self, shape: QRectF | QPainterPath, color: QColor, width: float = 1.0, dashed: bool = False) -> None:
        self.painter.strokePath(as_path(shape), pen(color, width, dashed))

    def text(self, where: QRectF | QPointF, text: str, flags: int = LEFT | VCENTER, muted: bool = False) -> None:
        """``text`` in the widget's text color (TEXT), or muted; at a baseline point or aligned in a rect."""
        if muted:
            self.painter.setOpacity(MUTED_OPACITY)
        if isinstance(where, QPointF):
            self.painter.drawText(where, text)
        else:
            self.painter.drawText(where, flags, text)
        if muted:
            self.painter.setOpacity(1.0)


def as_path(shape: QRectF | QPainterPath) -> QPainterPath:
    """``shape`` as a path (fillPath and strokePath take only paths)."""
    if isinstance(shape, QPainterPath):
        return shape
    path = QPainterPath()
    path.addRect(shape)
    return path


def nice_ceiling(value: float) -> tuple[int, int]:
    """An axis top at or above ``value`` and its step: 1, 2 or 5 times a power of ten, 3–5 steps."""
    if value <= 0:
        return 4, 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(int(step), 1)
    return int(math.ceil(value / step) * step), step


class Chart(QWidget):
    """A titled chart; ``empty_text`` is shown instead when there is nothing to draw."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.empty_text = "本年度暂无记录"
        self.setMinimumSize(110, 100)  # the window must still shrink to a small screen
        # no setSizePolicy(Expanding): 总览's grid gives the charts all its room with the default (Preferred) too, pixel
        # for pixel at 900, 1200 and 1600 px, and QSizePolicy's class would cost the first screen ~1.5 ms
        self.setMouseTracking(True)
        palette = self.palette()  # the painter's pen starts in this color: Ink's text needs no setPen
        palette.setColor(QPalette.ColorRole.WindowText, TEXT)
        self.setPalette(palette)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(420, 260)

    def has_data(self) -> bool:
        return False

    def paint_chart(self, painter: QPainter, ink: Ink, area: QRectF) -> None:
        raise NotImplementedError

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = Ink(painter)
        ink.fill(QRectF(self.rect()), WHITE)
        ink.stroke(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), GRID)
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(self.font().pointSizeF() + 1)
        painter.setFont(title_font)
        title_height = QFontMetrics(title_font).height()
        ink.text(QRectF(PAD, PAD, self.width() - 2 * PAD, title_height), self.title)
        painter.setFont(self.font())
        area = QRectF(PAD, PAD + title_height + 6, self.width() - 2 * PAD, self.height() - title_height - 2 * PAD - 6)
        if self.has_data():
            self.paint_chart(painter, ink, area)
        else:
            ink.text(area, self.empty_text, CENTER, muted=True)
        painter.end()


MONTH_STEPS = (1, 2, 3, 4, 6)  # how many months apart the month axis names them (divisors of 12)


class MonthChart(Chart):
    """Twelve monthly counts of this year (a bold line) against last year (a grey line).
    A click emits ``month_clicked`` (series index, month 1–12) for the point nearest to it."""

    month_clicked = Signal(int, int)

    def __init__(self, title: str, parent=None):
        super().__init__(title, parent)
        self.series: list[tuple[str, list[int], QColor]] = []
        self.unit = "件"
        self._points: list[float] = []  # x of each month, for the tooltip and clicks
        self._heights: dict[int, list[float]] = {}  # y of each series' points

    def set_series(self, series: list[tuple[str, list[int]]], unit: str = "件") -> None:
        """``series``: (name, twelve counts); the first is drawn on top in blue."""
        colors = (BLUE, GREY)
        self.series = [(name, list(values), colors[index % 2]) for index, (name, values) in enumerate(series)]
        self.unit = unit
        self.update()

    def has_data(self) -> bool:
        return any(any(values) for _, values, _ in self.series)

    def paint_chart(self, painter: QPainter, ink: Ink, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        # legend: a swatch, the name and the year's total for each series
        x = area.left()
        for name, values, color in self.series:
            ink.fill(QRectF(x, area.top() + line / 2 - 2, 18, 4), color)
            text = f"{name}  共 {sum(values)} {self.unit}"
            ink.text(QPointF(x + 24, area.top() + metrics.ascent()), text)
            x += 24 + metrics.horizontalAdvance(text) + 18
        top, step = nice_ceiling(max(max(values) for _, values, _ in self.series))
        label_width = metrics.horizontalAdvance(str(top)) + 8
        plot = QRectF(area.left() + label_width, area.top() + line * 2.8, area.width() - label_width - 6, area.height() - line * 4.2)  # room for the legend and the top label
        painter.setFont(self.font())
        for tick in range(0, top + 1, step):
            y = plot.bottom() - plot.height() * tick / top
            grid_line = QPainterPath(QPointF(plot.left(), y))
            grid_line.lineTo(QPointF(plot.right(), y))
            ink.stroke(grid_line, GRID)
            ink.text(QRectF(area.left(), y - line / 2, label_width - 6, line), str(tick), RIGHT | VCENTER, muted=True)
        slot = plot.width() / 12
        self._points = [plot.left() + slot * (month + 0.5) for month in range(12)]
        # every month named when "12月" fits a month's width, else every second (third, …) one, from 1月
        every = next((n for n in MONTH_STEPS if metrics.horizontalAdvance("12月") + 2 <= slot * n), 12)
        self._month_labels = [month + 1 for month in range(0, 12, every)]
        for month in range(0, 12, every):
            x = self._points[month]
            ink.text(QRectF(x - slot * every / 2, plot.bottom() + 4, slot * every, line), f"{month + 1}月", HCENTER | TOP, muted=True)
        self._value_labels: list[QRectF] = []  # where this year's numbers were written (none when they do not fit)
        for index, (_name, values, color) in reversed(list(enumerate(self.series))):
            points = [QPointF(x, plot.bottom() - plot.height() * value / top) for x, value in zip(self._points, values)]
            self._heights[index] = [point.y() for point in points]
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            ink.stroke(path, color, 2.5 if index == 0 else 1.8, dashed=index != 0)
            for point in points:  # one path each: in one path overlapping dots (a narrow chart) would cancel out
                dot = QPainterPath()
                dot.addEllipse(point, 3.5, 3.5)
                ink.fill(dot, color)
                ink.stroke(dot, WHITE)
            # this year's numbers above its points, on white so last year's line does not cross them; only when
            # each fits its month (a county's numbers in a narrow window would run into each other: the tooltip has them)
            if index == 0 and max(metrics.horizontalAdvance(str(value)) for value in values) + 4 <= slot:
                for point, value in zip(points, values):
                    if value:
                        label = QRectF(point.x() - slot / 2, point.y() - line - 4, slot, line)
                        self._value_labels.append(label)
                        width = metrics.horizontalAdvance(str(value)) + 4
                        ink.fill(QRectF(point.x() - width / 2, label.top() + 1, width, line - 2), QColor(255, 255, 255, 220))
                        ink.text(label, str(value), CENTER)

    def point_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(series index, month 1–12) of the point nearest to (x, y), or None before painting."""
        if not self._points or not self._heights:
            return None
        month = min(range(12), key=lambda m: abs(self._points[m] - x))
        index = min(self._heights, key=lambda i: abs(self._heights[i][month] - y))
        return index, month + 1

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        from PySide6.QtCore import Qt  # after the first screen (see the module's doc)

        hit = self.point_at(event.position().x(), event.position().y()) if self.has_data() else None
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.month_clicked.emit(*hit)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip and self._points and self.series:
            x = event.position().x() if hasattr(event, "position") else event.pos().x()
            month = min(range(12), key=lambda m: abs(self._points[m] - x))
            text = f"{month + 1}月：" + "，".join(f"{name} {values[month]} {self.unit}" for name, values, _ in self.series) + "（点击查看记录）"
            QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)


class BarChart(Chart):
    """Horizontal bars, one per (label, count), largest first; a click on a bar emits ``activated``."""

    activated = Signal(str)

    def __init__(self, title: str, color: QColor = BLUE, parent=None):
        super().__init__(title, parent)
        self.items: list[tuple[str, int]] = []
        self.color = color
        self.unit = "件"
        self._rows: list[tuple[QRectF, str]] = []
        self._merged: str | None = None

    def set_items(self, items: list[tuple[str, int]], unit: str = "件") -> None:
        self.items, self.unit = list(items), unit
        self.update()

    def has_data(self) -> bool:
        return any(count for _, count in self.items)

    def fitting_items(self, rows: int) -> list[tuple[str, int]]:
        """The items that fit in ``rows`` rows; the smallest ones beyond merge into one 其余 row."""
        if len(self.items) <= rows:
            return self.items
        kept, rest = self.items[: max(rows - 1, 1)], self.items[max(rows - 1, 1):]
        return [*kept, (f"其余{len(rest)}项", sum(count for _, count in rest))]

    def paint_chart(self, painter: QPainter, ink: Ink, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        items = self.fitting_items(max(int(area.height() // (line * 1.3)), 1))
        self._merged = items[-1][0] if items is not self.items else None
        label_width = min(max(metrics.horizontalAdvance(label) for label, _ in items) + 10, area.width() * 0.4)
        value_width = metrics.horizontalAdvance(f"{max(c for _, c in items)} {self.unit}") + 8
        row = min(area.height() / len(items), line * 2.0)
        bar_height = max(min(row * 0.62, line * 1.2), 4)
        longest = max(count for _, count in items)
        span = area.width() - label_width - value_width
        self._rows = []
        for index, (label, count) in enumerate(items):
            y = area.top() + index * row
            shown = elided(metrics, label, int(label_width - 10))
            ink.text(QRectF(area.left(), y, label_width - 10, row), shown, RIGHT | VCENTER)
            width = max(span * count / longest, 2 if count else 0)
            bar = QRectF(area.left() + label_width, y + (row - bar_height) / 2, width, bar_height)
            if width:
                ink.fill(bar, self.color)
            ink.text(QRectF(bar.right() + 6, y, value_width, row), f"{count} {self.unit}", LEFT | VCENTER, muted=True)
            if label != self._merged:  # the merged row stands for several labels: nothing to open
                self._rows.append((QRectF(area.left(), y, area.width(), row), label))

    def label_at(self, x: float, y: float) -> str | None:
        return next((label for rect, label in self._rows if rect.contains(x, y)), None)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt override)
        from PySide6.QtCore import Qt  # after the first screen (see the module's doc)

        hit = self.label_at(event.position().x(), event.position().y())
        self.setCursor(Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        from PySide6.QtCore import Qt  # after the first screen (see the module's doc)

        hit = self.label_at(event.position().x(), event.position().y())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit(hit)


class ShareChart(BarChart):
    """A ring of shares with a legend (label, count, percent); a click on a legend row emits ``activated``."""

    def paint_chart(self, painter: QPainter, ink: Ink, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        total = sum(count for _, count in self.items)
        legend = [f"{label}  {count} {self.unit}  {100 * count / total:.1f}%" if total else f"{label}  {count} {self.unit}" for label, count in self.items]
        legend_width = max((metrics.horizontalAdvance(text) for text in legend), default=0) + 18 + 18 + 8
        # the ring gives way to the legend: a narrow window shrinks the ring, never cuts the percentages
        side = max(min(area.height(), area.width() * 0.45, area.width() - legend_width - 4), min(area.height(), 40))
        ring = QRectF(area.left() + 4, area.top() + (area.height() - side) / 2, side, side)
        start = 90.0
        for index, (_label, count) in enumerate(self.items):
            if not count:
                continue
            span = -360 * count / total
            slice_ = QPainterPath(ring.center())
            slice_.arcTo(ring, start, span)
            slice_.closeSubpath()
            ink.fill(slice_, SHARE_COLORS[index % len(SHARE_COLORS)])
            ink.stroke(slice_, WHITE, 2)
            start += span
        hole = ring.adjusted(side * 0.22, side * 0.22, -side * 0.22, -side * 0.22)
        round_hole = QPainterPath()
        round_hole.addEllipse(hole)
        ink.fill(round_hole, WHITE)
        big = QFont(self.font())
        big.setBold(True)
        size = self.font().pointSizeF() + 4
        big.setPointSizeF(size)
        while size > self.font().pointSizeF() and QFontMetrics(big).horizontalAdvance(str(total)) > hole.width() - 4:
            size -= 1  # a county's total: smaller, down to the chart's own size, rather than cut by the ring
            big.setPointSizeF(size)
        in_hole = QFontMetrics(big).horizontalAdvance(str(total)) <= hole.width() - 4
        if in_hole:
            self._total_font, self._total_rect = QFont(big), hole.adjusted(0, 0, 0, -line * 0.6)
            painter.setFont(big)
            ink.text(self._total_rect, str(total), CENTER)
            painter.setFont(self.font())
            ink.text(hole.adjusted(0, line * 1.4, 0, 0), f"{self.unit}", CENTER, muted=True)
        left = ring.right() + 18
        lines = len(self.items) + (0 if in_hole else 1)  # a ring made small by a wide legend: the total ends the legend
        row = max(line, min(line * 1.6, area.height() / max(lines, 1)))  # closer rows in a low chart
        top = area.top() + max((area.height() - row * lines) / 2, 0)
        if not in_hole:
            self._total_font = QFont(self.font())
            self._total_rect = QRectF(left + 18, top + len(self.items) * row, area.right() - left - 18, row)
            painter.setFont(self.font())
            ink.text(self._total_rect, f"合计  {total} {self.unit}")
        self._rows, self._legend = [], []
        for index, (label, count) in enumerate(self.items):
            y = top + index * row
            ink.fill(QRectF(left, y + (row - 12) / 2, 12, 12), SHARE_COLORS[index % len(SHARE_COLORS)])
            room = area.right() - left - 18  # a very narrow chart (the ring at its smallest): the line ends in …, not a cut glyph
            self._legend.append(elided(metrics, legend[index], int(room)))
            ink.text(QRectF(left + 18, y, room, row), self._legend[-1], muted=not count)
            self._rows.append((QRectF(left, y, area.right() - left, row), label))

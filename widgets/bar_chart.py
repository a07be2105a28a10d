"""A horizontal bar chart drawn with QPainter: one labelled bar per value, the figure beside it.

No QtCharts: a funnel or a few counts need only bars. Sizes follow the font, so the chart
stays legible at 200 % scaling; colours follow the palette (light or dark). What the chart
shows is also said in words (``accessible_text``) for screen readers and tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str = ""  # shown beside the bar instead of the bare value (« 12 (40 %) »)


class BarChart(QWidget):
    """``set_bars([Bar("Importés", 120), …])``: bars scaled to the largest value."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bars: list[Bar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self._bars = list(bars)
        self.setAccessibleDescription(self.accessible_text())
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def accessible_text(self) -> str:
        return " ; ".join(f"{bar.label} : {bar.text or bar.value}" for bar in self._bars)

    # -- geometry --------------------------------------------------------------------------
    def _row_height(self) -> int:
        return round(self.fontMetrics().height() * 1.8)

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(bar.label) for bar in self._bars), default=0) + 12

    def _figure_width(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(bar.text or str(bar.value))
                    for bar in self._bars), default=0) + 12

    def sizeHint(self) -> QSize:
        width = self._label_width() + self._figure_width() + self.fontMetrics().height() * 12
        return QSize(width, self._row_height() * max(1, len(self._bars)) + 8)

    def minimumSizeHint(self) -> QSize:
        width = self._label_width() + self._figure_width() + self.fontMetrics().height() * 3
        return QSize(width, self.sizeHint().height())

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        label_width, figure_width = self._label_width(), self._figure_width()
        row = self._row_height()
        track = max(1.0, self.width() - label_width - figure_width - 4)
        largest = max((bar.value for bar in self._bars), default=0)
        bar_height = row * 0.6
        for position, bar in enumerate(self._bars):
            top = 4 + position * row
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(QRectF(0, top, label_width - 8, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             bar.label)
            length = track * bar.value / largest if largest else 0.0
            rect = QRectF(label_width, top + (row - bar_height) / 2, length, bar_height)
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(QRectF(label_width + length + 6, top, figure_width, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             bar.text or str(bar.value))
        painter.end()

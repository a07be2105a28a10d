"""« Entonnoir »: how one pathway's cohort of one month went, in figures and as bars."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from db.pathways import funnel as pathways_funnel
from db.pathways.funnel import Funnel
from db.wording import month_label, percent
from desktop import operations as ops
from desktop.context import AppContext
from widgets.bar_chart import Bar, BarChart


def funnel_lines(funnel: Funnel) -> list[tuple[str, int]]:
    """The stages in the order a cohort goes through them."""
    return [
        ("Importés", funnel.imported),
        ("Joints", funnel.reached),
        ("RDV pris", funnel.booked),
        ("RDV honorés", funnel.honoured),
        ("Refus", funnel.declined),
        ("Injoignables", funnel.unreachable),
        ("Non concernés", funnel.not_concerned),
        ("Encore à traiter", funnel.open),
    ]


class FunnelView(QScrollArea):
    """Figures and bars of the page's pathway and month. ``shown(funnel)`` once drawn."""

    shown = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Suivi des parcours")  # a stop of Tab: it scrolls
        self._ctx = ctx
        self._asked = 0
        self.funnel: Funnel | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Entonnoir montré")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.figures_box = QGroupBox("Chiffres")
        self.figures = QFormLayout(self.figures_box)
        self.figures.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.chart = BarChart()
        self.chart.setAccessibleName("Entonnoir en barres")
        chart_box = QGroupBox("En barres (part des importés)")
        QVBoxLayout(chart_box).addWidget(self.chart)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.heading)
        layout.addWidget(self.figures_box)
        layout.addWidget(chart_box)
        layout.addStretch()
        self.setWidget(content)

    def load(self, kind_code: str, month) -> None:
        self._asked += 1
        ticket = self._asked

        def show(funnel: Funnel) -> None:
            if ticket == self._asked:
                self.show_funnel(funnel)

        ops.query(self._ctx, lambda unit: pathways_funnel.funnel(unit, kind_code, month)) \
            .on_success(show).owned_by(self).run()

    def show_funnel(self, funnel: Funnel) -> None:
        self.funnel = funnel
        self.heading.setText(f"{funnel.kind_label} — {month_label(funnel.month)}"
                             + ("" if funnel.imported else " : aucune personne importée."))
        while self.figures.rowCount():
            self.figures.removeRow(0)
        lines = funnel_lines(funnel)
        for label, value in lines:
            text = QLabel(f"{value} ({percent(value, funnel.imported)})" if label != "Importés"
                          else str(value))
            text.setAccessibleName(label)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.figures.addRow(f"{label} :", text)
        self.chart.set_bars([Bar(label, value, f"{value} ({percent(value, funnel.imported)})")
                             for label, value in lines])
        self.shown.emit(funnel)

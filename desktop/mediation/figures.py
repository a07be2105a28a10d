"""« Bilan annuel »: the team's yearly figures as tables (``mediation_figures.yearly_figures``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db import wording
from db.mediation import figures as mediation_figures
from db.mediation.common import today_in_office
from db.mediation.figures import YearFigures
from db.wording import thousands
from desktop import operations as ops
from desktop.context import AppContext
from widgets.id_list_model import read_only_rows

FIRST_YEAR = 2000
TABLES = (("by_motive", "Demandes par motif", "Motif"),
          ("by_public", "Demandes par public", "Public"),
          ("by_channel", "Demandes par canal", "Canal"),
          ("outcomes", "Issues des dossiers clôturés", "Issue"))


def summary_lines(figures: YearFigures) -> list[tuple[str, str]]:
    received = figures.received
    return [
        ("Demandes reçues", f"{thousands(received)} (dont {thousands(figures.urgent)} "
                            "urgentes)"),
        ("Prises en charge dans le délai",
         f"{wording.share_percent(figures.share_acknowledged_in_time)} "
         f"({thousands(figures.acknowledged_in_time)} sur {thousands(received)})"),
        ("Délai moyen d'accusé de réception",
         wording.decimal_days(figures.mean_days_to_acknowledge)),
        ("Traitées dans l'objectif",
         f"{wording.share_percent(figures.share_handled_in_time)} "
         f"({thousands(figures.handled_in_time)} sur {thousands(received)})"),
        ("Dossiers clôturés", thousands(figures.closed)),
        ("Délai moyen de clôture", wording.decimal_days(figures.mean_days_to_close)),
        ("Encore ouverts", thousands(figures.open_cases)),
    ]


def fill_table(model: QStandardItemModel, heading: str, counts: list[tuple[str, int]]) -> None:
    """Label, count and share of the total, largest first (as the service orders them)."""
    model.removeRows(0, model.rowCount())
    model.setHorizontalHeaderLabels([heading, "Nombre", "Part"])
    total = sum(count for _label, count in counts)
    for label, count in counts:
        cells = [QStandardItem(label), QStandardItem(thousands(count)),
                 QStandardItem(wording.share_percent(count / total if total else None))]
        for cell in cells[1:]:
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for cell in cells:
            cell.setEditable(False)
        model.appendRow(cells)


class FiguresView(QScrollArea):
    """A year selector, the key figures, and four tables."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Chiffres de la médiation")  # a stop of Tab: it scrolls
        self._ctx = ctx
        self._asked = 0
        self.figures: YearFigures | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        content = QWidget()
        self.year = QSpinBox()
        current = today_in_office().year
        self.year.setRange(FIRST_YEAR, current)
        self.year.setValue(current)
        self.year.setAccessibleName("Année du bilan")
        self.year.valueChanged.connect(lambda _year: self.load())
        year_label = QLabel("&Année :")
        year_label.setBuddy(self.year)
        self.state = QLabel()
        self.state.setAccessibleName("État du bilan")
        bar = QHBoxLayout()
        bar.addWidget(year_label)
        bar.addWidget(self.year)
        bar.addWidget(self.state, 1)

        self.summary_box = QGroupBox("Chiffres clés")
        self.summary = QFormLayout(self.summary_box)
        self.summary.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.models: dict[str, QStandardItemModel] = {}
        self.tables: dict[str, QTableView] = {}
        grid = QGridLayout()
        for position, (key, title, heading) in enumerate(TABLES):
            model = QStandardItemModel(self)
            fill_table(model, heading, [])
            table = QTableView()
            table.setModel(model)
            table.setAccessibleName(title)
            read_only_rows(table, alternating=False,
                           selection=QAbstractItemView.SelectionMode.ExtendedSelection)
            table.setMinimumHeight(table.fontMetrics().height() * 10)
            header = table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for column in (1, 2):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            grid.addWidget(box, position // 2, position % 2)
            self.models[key], self.tables[key] = model, table
        layout = QVBoxLayout(content)
        layout.addLayout(bar)
        layout.addWidget(self.summary_box)
        layout.addLayout(grid, 1)
        self.setWidget(content)

    def load(self) -> None:
        self._asked += 1
        ticket, year = self._asked, self.year.value()
        self.state.setText("Calcul en cours…")

        def show(figures: YearFigures) -> None:
            if ticket == self._asked:
                self.show_figures(figures)

        ops.query(self._ctx, lambda unit: mediation_figures.yearly_figures(
            unit, year)).on_success(show).owned_by(self).run()

    def show_figures(self, figures: YearFigures) -> None:
        self.figures = figures
        self.state.setText(f"Demandes reçues en {figures.year}." if figures.received
                           else f"Aucune demande reçue en {figures.year}.")
        while self.summary.rowCount():
            self.summary.removeRow(0)
        for label, value in summary_lines(figures):
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setAccessibleName(label)
            self.summary.addRow(f"{label} :", text)
        for key, _title, heading in TABLES:
            fill_table(self.models[key], heading, getattr(figures, key))

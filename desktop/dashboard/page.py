"""« Tableau de bord »: a month and a site to choose, then each section's figures (each one
opens the list behind it), charts and tables; the monthly report in PDF from the same figures.

One service call (``dashboard_figures.dashboard``) feeds the screen, the report and — through each
figure's ``Drill`` — the lists, so the three say the same numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.dashboard import figures as dashboard_figures
from db.dashboard import model as dashboard_model
from db.dashboard.model import Dashboard, Figure, Section, Table
from db.mediation.common import OFFICE_TIME_ZONE
from db.org import sites
from db.pathways import months as pathways_months
from db.wording import month_label
from desktop import operations as ops
from desktop.context import AppContext
from desktop.dashboard.drill import DrillDialog
from desktop.documents import monthly_report, write_atomically
from desktop.documents.monthly_report import figure_text
from widgets.bar_chart import Bar, BarChart
from widgets.choice_box import ChoiceBox
from widgets.heading import Heading
from widgets.id_list_model import fix_row_height

MONTHS_OFFERED = 36
FIGURE_ROLE = Qt.ItemDataRole.UserRole + 1


def recent_months(today: date, count: int = MONTHS_OFFERED) -> list[date]:
    """This month first, then the ones before it."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        months.append(month)
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return months


def figure_button(figure: Figure, on_click) -> QPushButton:
    """« Absents : 1 (14,3 %) », a button that opens the list behind the figure — or,
    ``on_click`` None, the same text that opens nothing (the lists are not the actor's)."""
    button = QPushButton(f"{figure.label} : {figure_text(figure)}")
    button.setObjectName("dashboardFigure")
    button.setFlat(True)
    button.setStyleSheet("text-align: left; padding: 2px 6px;")
    if on_click is None:
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAccessibleDescription("Chiffre sans liste")
        return button
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setToolTip("Ouvrir la liste correspondante")
    button.clicked.connect(lambda: on_click(figure))
    return button


def table_model(table: Table, parent, lists: bool = True) -> QStandardItemModel:
    """The table's labels and figures; each figure cell keeps its ``Figure`` when it opens
    its list (``lists``)."""
    model = QStandardItemModel(parent)
    model.setHorizontalHeaderLabels([table.heading, *table.columns])
    for label, cells in table.rows:
        items = [QStandardItem(label)]
        for figure in cells:
            item = QStandardItem(figure_text(figure))
            if lists:
                item.setData(figure, FIGURE_ROLE)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            items.append(item)
        for item in items:
            item.setEditable(False)
        model.appendRow(items)
    return model


class DashboardPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._ticket = 0
        self.board: Dashboard | None = None
        self.figure_buttons: list[QPushButton] = []
        self.models: list[QStandardItemModel] = []
        self.charts: list[BarChart] = []

        title = Heading("Tableau de bord")
        self.month = ChoiceBox(self)
        self.month.set_choices((m, month_label(m)) for m in recent_months(
            datetime.now(OFFICE_TIME_ZONE).date()))
        self.month.setAccessibleName("Mois")
        self.site = ChoiceBox(self)
        self.site.setAccessibleName("Site")
        self.site.set_choices([], empty=dashboard_model.ALL_SITES)
        month_label_ = QLabel("&Mois :")
        month_label_.setBuddy(self.month)
        site_label = QLabel("&Site :")
        site_label.setBuddy(self.site)
        self.report_button = QPushButton("&Rapport PDF du mois…")
        self.report_button.clicked.connect(self.export_report)
        self.state = QLabel()
        self.state.setAccessibleName("État du tableau de bord")
        bar = QHBoxLayout()
        for widget in (month_label_, self.month, site_label, self.site):
            bar.addWidget(widget)
        bar.addWidget(self.state, 1)
        bar.addWidget(self.report_button)

        self.content = QWidget()
        self.sections_layout = QVBoxLayout(self.content)
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setAccessibleName("Chiffres du tableau de bord")  # Tab stops there to scroll
        scroll.setWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        self._load_sites()
        self._open_on_month_to_show()

    # -- loading -------------------------------------------------------------------------------
    def _open_on_month_to_show(self) -> None:
        """Open on ``month_to_show``, the month the Parcours page and the report open on,
        then follow the user's choices."""
        def show(month: date) -> None:
            self.month.set_value(month)
            self.month.currentIndexChanged.connect(lambda _i: self.refresh())
            self.site.currentIndexChanged.connect(lambda _i: self.refresh())
            self.refresh()

        today = datetime.now(OFFICE_TIME_ZONE).date()
        ops.query(self._ctx, lambda unit: pathways_months.month_to_show(unit, today)) \
            .on_success(show).owned_by(self).run()

    def _load_sites(self) -> None:
        def show(sites) -> None:
            self.site.set_choices([(s.id, s.name) for s in sites], empty=dashboard_model.ALL_SITES)

        ops.query(self._ctx, sites.list_sites).on_success(show).owned_by(self).run()

    def refresh(self) -> None:
        self._ticket += 1
        ticket = self._ticket
        month, site_id = self.month.value(), self.site.value()
        self.state.setText("Calcul en cours…")
        self.report_button.setEnabled(False)
        ops.query(self._ctx, lambda unit: dashboard_figures.dashboard(unit, month, site_id)) \
            .on_success(lambda board: self._show(ticket, board)).owned_by(self).run()

    def _show(self, ticket: int, board: Dashboard) -> None:
        if ticket != self._ticket:
            return
        self.board = board
        self.state.setText(f"{board.month_label.capitalize()} — {board.site_name}"
                           if board.activity else monthly_report.no_activity_text(board))
        self.report_button.setEnabled(True)
        while self.sections_layout.count():
            widget = self.sections_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.figure_buttons, self.models, self.charts = [], [], []
        for section in board.sections:
            self.sections_layout.addWidget(self._section(section))
        self.sections_layout.addStretch()

    def _section(self, section: Section) -> QGroupBox:
        box = QGroupBox(section.title)
        box.setAccessibleName(section.title)
        layout = QVBoxLayout(box)
        figures = QGridLayout()
        for position, figure in enumerate(section.figures):
            button = figure_button(figure, self.open_list if section.lists else None)
            self.figure_buttons.append(button)
            figures.addWidget(button, position // 3, position % 3)
        for position, measure in enumerate(section.measures, start=len(section.figures)):
            label = QLabel(f"{measure.label} : {measure.text}")
            label.setAccessibleName(measure.label)
            figures.addWidget(label, position // 3, position % 3)
        layout.addLayout(figures)
        if section.note:
            note = QLabel(section.note)
            note.setWordWrap(True)
            note.setEnabled(False)  # muted, as a footnote
            layout.addWidget(note)
        charts = QGridLayout()
        for position, chart in enumerate(section.charts):
            widget = BarChart()
            widget.setAccessibleName(chart.title)
            widget.set_bars([Bar(f.label, f.count, figure_text(f)) for f in chart.bars])
            self.charts.append(widget)
            caption = QLabel(chart.title)
            caption.setBuddy(widget)
            cell = QVBoxLayout()
            cell.addWidget(caption)
            cell.addWidget(widget)
            charts.addLayout(cell, position // 2, position % 2, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(charts)
        tables = QGridLayout()
        for position, table in enumerate(section.tables):
            tables.addWidget(self._table(table, section.lists), position // 2, position % 2)
        layout.addLayout(tables)
        return box

    def _table(self, table: Table, lists: bool) -> QGroupBox:
        box = QGroupBox(table.title)
        model = table_model(table, self, lists)
        self.models.append(model)
        view = QTableView()
        view.setModel(model)
        view.setAccessibleName(table.title)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setTabKeyNavigation(False)
        view.setWordWrap(False)
        if lists:
            view.setToolTip("Double-cliquez sur un chiffre (ou Entrée) pour ouvrir la liste")
        fix_row_height(view)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        rows = max(1, model.rowCount())
        view.setFixedHeight(view.verticalHeader().defaultSectionSize() * rows
                            + header.sizeHint().height() + 2 * view.frameWidth())
        view.activated.connect(lambda index: self._cell_activated(index))
        QVBoxLayout(box).addWidget(view)
        return box

    def _cell_activated(self, index) -> None:
        figure = index.data(FIGURE_ROLE)
        if figure is not None:
            self.open_list(figure)

    # -- the lists and the report ----------------------------------------------------------------
    def open_list(self, figure: Figure) -> DrillDialog:
        board = self.board
        scope = f"{board.month_label} — {board.site_name}" if board else ""
        dialog = DrillDialog(self._ctx, figure, scope, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    @classmethod
    def ask_path(cls, parent: QWidget, suggested: str) -> str:
        """Where to write the report; "" when the user gives up (tests replace this)."""
        path, _filter = QFileDialog.getSaveFileName(parent, "Enregistrer le rapport",
                                                    suggested, "Document PDF (*.pdf)")
        return path

    def export_report(self) -> None:
        board = self.board
        if board is None:
            return
        path = self.ask_path(self, f"rapport-{board.month:%Y-%m}.pdf")
        if not path:
            return
        author = self._ctx.actor.display_name

        def write(_session) -> Path:
            content = monthly_report.monthly_report_pdf(
                board, author=author, printed_at=datetime.now(OFFICE_TIME_ZONE))
            write_atomically(Path(path), content)
            return Path(path)

        ops.query(self._ctx, write) \
            .on_success(lambda written: self.state.setText(f"Rapport enregistré : {written}")) \
            .with_progress("Rapport en cours…", self).owned_by(self).run()

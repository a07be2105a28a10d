"""The monthly activity report (PDF, Qt-free): the dashboard's figures, charts and tables for
one month, as ``db.dashboard`` computes them — the screen says the same words."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer

from db import wording
from db.dashboard import figures as dashboard_figures
from db.dashboard.model import Chart, Dashboard, Figure, Section, Table
from db.mediation.common import OFFICE_TIME_ZONE
from db.unit import Unit
from db.wording import month_label, thousands
from desktop.documents import pdf

# -- the words shared with the screen -------------------------------------------------------


def figure_text(figure: Figure) -> str:
    """« 1 234 » or, when the figure is a share of a total, « 42 (12,5 %) »."""
    if figure.of is None:
        return thousands(figure.count)
    return f"{thousands(figure.count)} ({wording.share_percent(figure.share)})"


def report_title(month: date) -> str:
    return f"Rapport d'activité — {month_label(month)}"


def no_activity_text(board: Dashboard) -> str:
    return (f"Aucune activité enregistrée en {board.month_label} "
            f"({board.site_name.lower() if board.site_id is None else board.site_name}).")


# -- charts -----------------------------------------------------------------------------------

BAR_COLOUR = colors.HexColor("#2f6fb3")
_BAR_HEIGHT, _BAR_GAP, _FONT_SIZE = 9, 4, 8
_LABEL_WIDTH, _VALUE_WIDTH = 62 * mm, 26 * mm


def bar_chart(chart: Chart, width: float = pdf.TEXT_WIDTH) -> Drawing:
    """Horizontal bars with their labels and figures, drawn in DejaVu (embedded)."""
    pdf.register_fonts()
    step = _BAR_HEIGHT + _BAR_GAP
    height = step * len(chart.bars) + 16
    drawing = Drawing(width, height)
    drawing.initialFontName = pdf.FONT  # the renderer would otherwise start in Helvetica
    drawing.add(String(0, height - 10, chart.title, fontName=pdf.FONT_BOLD, fontSize=8.5,
                       fillColor=pdf.INK))
    largest = max((bar.count for bar in chart.bars), default=0) or 1
    span = width - _LABEL_WIDTH - _VALUE_WIDTH
    for position, bar in enumerate(chart.bars):
        y = height - 16 - step * (position + 1) + _BAR_GAP / 2
        drawing.add(String(_LABEL_WIDTH - 4, y + 1.5, _fitted(bar.label), fontName=pdf.FONT,
                           fontSize=_FONT_SIZE, fillColor=pdf.INK, textAnchor="end"))
        drawing.add(Rect(_LABEL_WIDTH, y, span, _BAR_HEIGHT, fillColor=pdf.SHADE,
                         strokeColor=None))
        if bar.count:
            drawing.add(Rect(_LABEL_WIDTH, y, max(span * bar.count / largest, 1), _BAR_HEIGHT,
                             fillColor=BAR_COLOUR, strokeColor=None))
        drawing.add(String(_LABEL_WIDTH + span + 4, y + 1.5, figure_text(bar),
                           fontName=pdf.FONT, fontSize=_FONT_SIZE, fillColor=pdf.INK))
    return drawing


def _fitted(label: str) -> str:
    """A label cut to the label column (the table below the chart has it in full)."""
    while stringWidth(label, pdf.FONT, _FONT_SIZE) > _LABEL_WIDTH - 8 and len(label) > 4:
        label = label[:-2].rstrip() + "…"
    return label


# -- the document -------------------------------------------------------------------------------


def _table(table: Table) -> Flowable:
    label_width = 60 * mm
    other = (pdf.TEXT_WIDTH - label_width) / len(table.columns)
    rows = [[label, *(figure_text(cell) for cell in cells)] for label, cells in table.rows]
    if not rows:
        return pdf.paragraph(f"{table.title} : aucun.", pdf.styles().small)
    return KeepTogether([
        pdf.paragraph(table.title, pdf.styles().cell_head), Spacer(0, 1 * mm),
        pdf.table([table.heading, *table.columns], rows,
                  [label_width] + [other] * len(table.columns)),
        Spacer(0, 3 * mm)])


def _section(section: Section, with_details: bool) -> list[Flowable]:
    style = pdf.styles()
    story: list[Flowable] = [pdf.paragraph(section.title, style.heading)]
    pairs = [(figure.label, figure_text(figure)) for figure in section.figures]
    pairs += [(measure.label, measure.text) for measure in section.measures]
    story.append(pdf.key_values(pairs, label_width=80 * mm))
    if section.note:
        story.append(pdf.paragraph(section.note, style.small))
    if with_details:
        for chart in section.charts:
            story += [Spacer(0, 3 * mm), bar_chart(chart)]
        story.append(Spacer(0, 3 * mm))
        story += [_table(table) for table in section.tables]
    return story


def monthly_report_pdf(board: Dashboard, *, author: str, printed_at: datetime) -> bytes:
    """The report of ``board``'s month: key figures, charts and tables of every section."""
    style = pdf.styles()
    title = report_title(board.month)
    story: list[Flowable] = [
        pdf.paragraph(title, style.title),
        pdf.paragraph(f"Périmètre : {board.site_name}.", style.body),
    ]
    if not board.activity:
        story.append(pdf.paragraph(no_activity_text(board), style.body))
    for section in board.sections:
        story += _section(section, with_details=bool(board.activity))
    info = pdf.DocumentInfo(title=title, author=author, site_name=board.site_name,
                            printed_at=printed_at,
                            subject=f"Indicateurs de {board.month_label}")
    return pdf.build_pdf(info, story)


def monthly_report(unit: Unit, month: date,
                   site_id: uuid.UUID | None = None, *, now: datetime | None = None) -> bytes:
    """Compute the month's figures and lay them out (the command line's entry point)."""
    board = dashboard_figures.dashboard(unit, month, site_id, now=now)
    printed_at = (now or datetime.now(OFFICE_TIME_ZONE)).astimezone(OFFICE_TIME_ZONE)
    return monthly_report_pdf(board, author=unit.actor.display_name, printed_at=printed_at)

"""The craft shared by every Guichet PDF (reportlab, no Qt).

- Fonts: DejaVu Sans, package data of ``resources/fonts`` (Bitstream Vera licence, alongside) and
  embedded as subsets, so a PDF shows every French character on any machine. The canvas's
  initial font and every table's font are DejaVu too: no unembedded Helvetica in the file.
- Every page: a header with the site and the date of printing, « Page N sur M » below.
- Tables split across pages between rows, their header row repeated.
- Title, author, subject and creator in the document's metadata.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LongTable,
    PageTemplate,
    Paragraph,
    TableStyle,
)

FONTS_DIR = files("resources") / "fonts"  # package data: a checkout, a wheel, the bundle
FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
HEADER_HEIGHT = 14 * mm
FOOTER_HEIGHT = 10 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6775")
RULE = colors.HexColor("#b8c2cc")
SHADE = colors.HexColor("#e8eef4")
ACCENT = colors.HexColor("#0c419a")  # Assurance Maladie blue


@cache
def register_fonts() -> None:
    """Register DejaVu Sans once per process (reportlab keeps a global registry)."""
    for name, filename in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"),
                           (FONT_ITALIC, "DejaVuSans-Oblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    right: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, textColor=INK)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16,
                             leading=20, spaceAfter=2 * mm, textColor=ACCENT),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=11.5,
                               leading=15, spaceBefore=5 * mm, spaceAfter=1.5 * mm,
                               textColor=ACCENT),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11),
        cell_head=ParagraphStyle("cell_head", parent=body, fontName=FONT_BOLD, fontSize=8.5,
                                 leading=11),
        right=ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
    )


def text(value: str) -> str:
    """Plain text made safe for a Paragraph: markup escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def paragraph(value: str, style: ParagraphStyle | None = None) -> Paragraph:
    return Paragraph(text(value), style or styles().body)


CELL_FONT_SIZE, CELL_LEADING, CELL_PADDING = 8.5, 11, 3
# A table row cannot split across pages: a cell longer than a page made reportlab give up
# (LayoutError) on a 100,000-character value. A cell keeps its first lines, then « … ».
MAX_CELL_LINES = 30
_MAX_LINE_CHARACTERS = 400  # more than any line of a cell, fewer than a pasted novel
_DEFAULT_CELL_PADDING = 6  # reportlab's, each side of a cell


def _cut_wide_word(line: str, font: str, size: float, width: float) -> list[str]:
    """``line`` (from ``simpleSplit``, which never breaks a word) cut between characters
    where it is wider than ``width``."""
    pieces, start, used = [], 0, 0.0
    for index, character in enumerate(line):
        advance = pdfmetrics.stringWidth(character, font, size)
        if used + advance > width and index > start:
            pieces.append(line[start:index])
            start, used = index, 0.0
        used += advance
    return [*pieces, line[start:]]


def _fitted_lines(value: str, font: str, size: float, width: float) -> list[str]:
    """``value`` broken into lines that fit ``width``, at most ``MAX_CELL_LINES`` of them,
    the last ending in « … » when some were left out."""
    limit = MAX_CELL_LINES * _MAX_LINE_CHARACTERS
    lines: list[str] = []
    for paragraph_line in value[:limit + 1].split("\n"):
        for line in simpleSplit(paragraph_line, font, size, width) or [""]:
            lines += _cut_wide_word(line, font, size, width)
        if len(lines) > MAX_CELL_LINES:
            break
    if len(lines) > MAX_CELL_LINES or len(value) > limit:
        lines = lines[:MAX_CELL_LINES]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def _wrapped(value: str, font: str, width: float) -> str:
    """Lines of ``value`` that fit ``width``: a table lays out plain lines many times faster
    than paragraphs, which keeps a 100-entry timeline well under a tenth of a second."""
    return "\n".join(_fitted_lines(value, font, CELL_FONT_SIZE, width))


def cell(value: str, style: ParagraphStyle, column_width: float) -> Paragraph:
    """A paragraph for a table column ``column_width`` wide: wrapped within the column's
    default padding, and never taller than a page."""
    width = column_width - 2 * _DEFAULT_CELL_PADDING
    return Paragraph(text("\n".join(_fitted_lines(value, style.fontName, style.fontSize,
                                                   width))), style)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
          shaded_rows: Sequence[int] = ()) -> LongTable:
    """A table that splits between rows across pages, its header row repeated on each.

    Cells are plain text, wrapped to their column; ``shaded_rows`` (indexes in ``rows``)
    get a tint.
    """
    inner = [w - 2 * CELL_PADDING for w in widths]
    data = [[_wrapped(h, FONT_BOLD, w) for h, w in zip(header, inner, strict=True)]]
    data += [[_wrapped(v, FONT, w) for v, w in zip(row, inner, strict=True)] for row in rows]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # never reportlab's default Helvetica
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    commands += [("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#fbf6e9"))
                 for i in shaded_rows]
    return LongTable(data, colWidths=list(widths), repeatRows=1, splitByRow=1,
                     style=TableStyle(commands))


def key_values(pairs: Sequence[tuple[str, str]], label_width: float = 52 * mm) -> LongTable:
    """A two-column block of labels and values (no header row)."""
    style = styles()
    data = [[cell(k, style.cell_head, label_width),
             cell(v, style.cell, TEXT_WIDTH - label_width)] for k, v in pairs]
    return LongTable(data, colWidths=[label_width, TEXT_WIDTH - label_width], style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]))


# The author of a document no one signed in to export: the command line's nightly job.
AUTOMATIC_EXPORT = "export automatique"


def exporter(unit) -> str:
    """Who a document is edited by: the signed-in person, else « export automatique »."""
    return unit.actor.display_name if unit.actor is not None else AUTOMATIC_EXPORT


@dataclass(frozen=True)
class DocumentInfo:
    title: str  # also the PDF's title metadata
    author: str  # the person who exported it, or AUTOMATIC_EXPORT
    site_name: str
    printed_at: datetime  # local time of the office
    subject: str = ""


class NumberedCanvas(Canvas):
    """Holds each page until the end, to write « Page N sur M » once M is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 4 * mm,
                                 f"Page {number} sur {total}")
            super().showPage()
        super().save()


def _shortened(value: str, font: str, size: float, width: float) -> str:
    """One line of ``value`` within ``width``, cut with « … » (a header line cannot wrap)."""
    if pdfmetrics.stringWidth(value, font, size) <= width:
        return value
    kept = value[:int(width / pdfmetrics.stringWidth("n", font, size)) + 1]
    while kept and pdfmetrics.stringWidth(kept + "…", font, size) > width:
        kept = kept[:-1]
    return kept + "…"


def _draw_header(info: DocumentInfo):
    def draw(canvas: Canvas, _document) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - MARGIN + 4 * mm
        canvas.setFillColor(ACCENT)
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawString(MARGIN, top, _shortened(info.site_name or "CPAM", FONT_BOLD, 9,
                                                  TEXT_WIDTH * 0.6))
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top,
                               f"Édité le {info.printed_at:%d/%m/%Y à %H:%M}")
        canvas.drawString(MARGIN, top - 4 * mm, _shortened(info.title, FONT, 8, TEXT_WIDTH))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 6 * mm, PAGE_WIDTH - MARGIN, top - 6 * mm)
        canvas.line(MARGIN, MARGIN - 1 * mm, PAGE_WIDTH - MARGIN, MARGIN - 1 * mm)
        canvas.drawString(MARGIN, MARGIN - 4 * mm,
                          _shortened(f"Guichet — {info.author}", FONT, 8, TEXT_WIDTH * 0.7))
        canvas.restoreState()
    return draw


def build_pdf(info: DocumentInfo, story: list[Flowable]) -> bytes:
    """Lay ``story`` out on A4 pages with the Guichet header and footer; the PDF's bytes."""
    register_fonts()
    buffer = BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT - 6 * mm, bottomMargin=MARGIN + FOOTER_HEIGHT - 6 * mm,
        title=info.title, author=info.author, subject=info.subject, creator="Guichet",
        lang="fr-FR", displayDocTitle=True, initialFontName=FONT, initialFontSize=10,
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    document.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                            onPage=_draw_header(info))])
    document.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


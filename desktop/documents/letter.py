"""The page of a letter an office sends (Qt-free): the letterhead, the recipient's address
block in La Poste's format (AFNOR NF Z10-011) where a window envelope shows it, then the
text below; « Page N sur M » at the foot, nothing of the application.

The address block: 6 lines at most of 38 characters at most, aligned left; from the street
line on no punctuation and capitals (without accents, as La Poste's machines read them),
the last line the postcode and the town.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate

from desktop.documents import pdf

# Where the window of a DL envelope (110 × 220 mm, window 45 × 100 mm on the right) falls
# on an A4 sheet folded in three: from the sheet's left and top edges, in points.
WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH, WINDOW_HEIGHT = 100 * mm, 45 * mm, 100 * mm, 45 * mm
# The address block sits inside it with a margin the envelope's play cannot eat.
_BLOCK_LEFT, _BLOCK_TOP = WINDOW_LEFT + 8 * mm, WINDOW_TOP + 8 * mm
# The text of the first page starts below the fold's upper third.
_FIRST_TEXT_TOP = 100 * mm
LINE_LIMIT, LINES_LIMIT = 38, 6
# The logo's box at the top left, the letterhead's text below it, above the letter's text
# with seven lines of hours; a line of the letterhead as low as the window stops short of it.
LOGO_WIDTH, LOGO_HEIGHT, LOGO_GAP = 45 * mm, 16 * mm, 5 * mm
_WINDOW_GAP = 4 * mm


@dataclass(frozen=True)
class Letterhead:
    organisation: str  # « Caisse primaire d'assurance maladie de l'Isère »
    site_name: str
    site_lines: tuple[str, ...]  # address, then « Tél. … »
    hours: tuple[str, ...]  # « Du lundi au vendredi : 08:30–12:00, 13:30–16:30 »
    logo: bytes | None = None  # PNG or JPEG, checked when it was set (db.org.logo)


def _plain_capitals(value: str) -> str:
    """« 35, avenue de l'Europe » → « 35 AVENUE DE L EUROPE »."""
    bare = "".join(c for c in unicodedata.normalize("NFD", value)
                   if unicodedata.category(c) != "Mn")
    return " ".join(re.sub(r"[^\w]+", " ", bare.upper()).split())


def address_block(name: str, street_lines: tuple[str, ...], postcode: str,
                  city: str) -> list[str]:
    """The recipient's lines as La Poste wants them (at most 6 of 38 characters)."""
    lines = [name[:LINE_LIMIT]]
    lines += [_plain_capitals(line)[:LINE_LIMIT] for line in street_lines if line.strip()]
    last = _plain_capitals(f"{postcode} {city}")
    lines = lines[:LINES_LIMIT - 1] if last else lines[:LINES_LIMIT]
    if last:
        lines.append(last[:LINE_LIMIT])
    return lines


def _draw_logo(canvas: Canvas, logo: bytes, left: float, top: float) -> float:
    """The logo in its box from (``left``, ``top``), its proportions kept; returns the
    height it took."""
    image = ImageReader(BytesIO(logo))
    width, height = image.getSize()
    scale = min(LOGO_WIDTH / width, LOGO_HEIGHT / height)
    width, height = width * scale, height * scale
    canvas.drawImage(image, left, top - height, width, height, mask="auto")
    return height


def _head_line(canvas: Canvas, text: str, font: str, size: float, y: float) -> None:
    """One line of the letterhead at ``y``, cut with « … » where it would reach the page's
    margin or, as low as the window, the window."""
    canvas.setFont(font, size)
    low = y < pdf.PAGE_HEIGHT - WINDOW_TOP + size  # its capitals in the window's height
    room = (WINDOW_LEFT - _WINDOW_GAP if low else pdf.PAGE_WIDTH - pdf.MARGIN) - pdf.MARGIN
    if stringWidth(text, font, size) > room:
        while text and stringWidth(text + "…", font, size) > room:
            text = text[:-1]
        text = text.rstrip() + "…"
    canvas.drawString(pdf.MARGIN, y, text)


def _draw_first_page(head: Letterhead, recipient: list[str]):
    def draw(canvas: Canvas, _document) -> None:
        canvas.saveState()
        top = pdf.PAGE_HEIGHT - pdf.MARGIN
        if head.logo:
            # From where the name's capitals would start; the name goes below.
            top -= _draw_logo(canvas, head.logo, pdf.MARGIN, top + 9) + LOGO_GAP
        canvas.setFillColor(pdf.ACCENT)
        _head_line(canvas, head.organisation, pdf.FONT_BOLD, 12, top)
        canvas.setFillColor(pdf.INK)
        _head_line(canvas, head.site_name, pdf.FONT_BOLD, 9, top - 6 * mm)
        canvas.setFillColor(pdf.MUTED)
        y = top - 10.5 * mm
        for line in (*head.site_lines, *head.hours):
            _head_line(canvas, line, pdf.FONT, 8.5, y)
            y -= 4 * mm
        canvas.setFillColor(pdf.INK)
        canvas.setFont(pdf.FONT, 10)
        y = pdf.PAGE_HEIGHT - _BLOCK_TOP - 10
        for line in recipient:
            canvas.drawString(_BLOCK_LEFT, y, line)
            y -= 13
        canvas.restoreState()
    return draw


def build_letter(info: pdf.DocumentInfo, head: Letterhead, recipient: list[str],
                 story: list[Flowable]) -> bytes:
    """A4 pages: the letterhead and the address block on the first, ``story`` below."""
    pdf.register_fonts()
    buffer = BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=pdf.A4, leftMargin=pdf.MARGIN, rightMargin=pdf.MARGIN,
        topMargin=pdf.MARGIN, bottomMargin=pdf.MARGIN + 4 * mm, title=info.title,
        author=info.author, subject=info.subject, creator="Guichet", lang="fr-FR",
        displayDocTitle=True, initialFontName=pdf.FONT, initialFontSize=10)
    width = document.width
    first = Frame(pdf.MARGIN, document.bottomMargin, width,
                  pdf.PAGE_HEIGHT - _FIRST_TEXT_TOP - document.bottomMargin,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="first")
    later = Frame(pdf.MARGIN, document.bottomMargin, width, document.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="later")
    document.addPageTemplates([
        PageTemplate(id="first", frames=[first], onPage=_draw_first_page(head, recipient)),
        PageTemplate(id="later", frames=[later])])
    document.build([NextPageTemplate("later"), *story], canvasmaker=pdf.NumberedCanvas)
    return buffer.getvalue()

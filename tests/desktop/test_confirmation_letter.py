"""The confirmation letter read back by pypdf: date, local time, place or phone number,
documents to bring, how to cancel, fonts and metadata."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from db.agenda import booking
from db.agenda.models import AppointmentKind, CancelledBy
from db.errors import ValidationError
from db.org.models import Site
from db.people.models import Person
from db.unit import Unit
from desktop.documents import confirmation_letter, letter, pdf
from tests.conftest import add_staff
from tests.db.agenda_setup import make_agenda
from tests.desktop.test_mediation_pdf import fonts_of, read
from tests.images import emblem

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def setup(sqlite_store):
    setup = make_agenda(sqlite_store, add_staff(sqlite_store))
    with sqlite_store.session() as session:
        site = session.get(Site, setup.site_id)
        site.address, site.postcode, site.phone = "2 rue des Alliés", "38000", "+33476123456"
    return sqlite_store, setup


def letter_text(store, setup, starts_at, **changes) -> tuple[bytes, str]:
    with store.unit(setup.adviser) as unit:
        appointment_id = booking.book_appointment(unit,
                                                  setup.request(starts_at, **changes), now=NOW)
        content = confirmation_letter.confirmation_letter(unit, appointment_id, now=NOW)
    text = " ".join(" ".join(p.extract_text() for p in read(content).pages).split())
    return content, text


@pytest.mark.parametrize("day, utc_hour", [(date(2026, 3, 16), "08:00"),
                                            (date(2026, 7, 6), "07:00")])
def test_a_visit_letter_in_winter_and_summer(setup, day, utc_hour):
    store, agenda = setup
    content, text = letter_text(store, agenda, agenda.at(day, 9))
    for expected in ("Confirmation de votre rendez-vous", "Madame Dupont,",
                     f"{day:%d/%m/%Y}", "de 09:00 à 09:30", "Agence de Grenoble",
                     "2 rue des Alliés", "38000 Grenoble", "Indemnités journalières",
                     "Pièces à apporter", "• Attestation de salaire", "• Arrêt de travail",
                     "Pour annuler ou déplacer ce rendez-vous", "compte ameli", "36 46",
                     "04 76 12 34 56", "Camille Conseiller01", "Page 1 sur 1"):
        assert expected in text, expected
    assert utc_hour not in text
    reader = read(content)
    assert reader.metadata.title == "Confirmation de votre rendez-vous — DUPONT Marie"
    assert reader.metadata.author == agenda.adviser.display_name
    fonts = fonts_of(reader)
    assert fonts and all(embedded for _name, embedded in fonts)
    assert b"Helvetica" not in content


def test_a_phone_appointment_letter_gives_the_number_we_will_call(setup):
    store, agenda = setup
    _content, text = letter_text(store, agenda, agenda.at(date(2026, 3, 16), 9),
                                 kind=AppointmentKind.PHONE)
    assert "Nous vous appellerons au 06 12 34 56 78." in text
    assert "Pièces à avoir sous la main" in text
    assert "2 rue des Alliés 38000" not in text.split("Par téléphone")[1]


def test_no_letter_for_a_cancelled_appointment(setup):
    store, agenda = setup
    with store.session() as session:
        appointment_id = booking.book_appointment(
            Unit(session, agenda.adviser), agenda.request(agenda.at(date(2026, 3, 16), 9)), now=NOW)
        booking.cancel_appointment(Unit(session, agenda.adviser), appointment_id, 1,
                                   CancelledBy.PERSON, "Empêchement")
        with pytest.raises(ValidationError, match="plus à venir"):
            confirmation_letter.confirmation_letter(Unit(session, agenda.adviser), appointment_id,
                                                    now=NOW)


def test_a_huge_name_stored_before_the_length_rule_is_wrapped_and_cut(setup):
    """A 100,000-character surname (SQLite stored it as it came): the letter's address block
    wraps then cuts it — no LayoutError."""
    store, agenda = setup
    with store.session() as session:
        session.get(Person, agenda.person_id).last_name = "Dupont" + "-Durand" * 14_000
    content, text = letter_text(store, agenda, agenda.at(date(2026, 3, 16), 9))
    assert "DUPONT-DURAND" in text and len(read(content).pages) <= 2


def placed_text(content: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text of the first page with its position, from the page's top-left
    corner, in millimetres."""
    page = read(content).pages[0]
    height = float(page.mediabox.height)
    found = []

    def visit(text, _cm, tm, _font, _size):
        if text.strip():
            found.append((text.strip(), tm[4] / mm, (height - tm[5]) / mm))

    page.extract_text(visitor_text=visit)
    return found


def test_the_address_block_sits_in_a_dl_envelopes_window(setup):
    store, agenda = setup
    with store.session() as session:
        person = session.get(Person, agenda.person_id)
        person.address, person.postcode, person.city = "12, rue de l'Église", "38000", "Grenoble"
    content, text = letter_text(store, agenda, agenda.at(date(2026, 3, 16), 9))
    lines = {"Madame Marie DUPONT", "12 RUE DE L EGLISE", "38000 GRENOBLE"}
    placed = {t: (x, y) for t, x, y in placed_text(content) if t in lines}
    assert set(placed) == lines  # La Poste's format: no punctuation, capitals
    left, top = letter.WINDOW_LEFT / mm, letter.WINDOW_TOP / mm
    for line, (x, y) in placed.items():
        assert left < x < left + letter.WINDOW_WIDTH / mm - 70, line  # 38 characters fit
        assert top + 3 < y < top + letter.WINDOW_HEIGHT / mm, line
    assert "Caisse" not in text.split("Madame Marie DUPONT")[1][:200]
    assert "Grenoble, le 1er mars 2026" in text  # the place and the date
    assert "Guichet" not in text  # nothing of the application


def head_lines(content: bytes) -> list[tuple[str, float, float, float]]:
    """The letterhead's lines (above the letter's text, but the address block) of the first
    page: text, left and baseline from the page's top-left corner, and right end, in mm."""
    page = read(content).pages[0]
    height = float(page.mediabox.height)
    found = []

    def visit(text, _cm, tm, font, size):
        name = str(font.get("/BaseFont", "")) if font else ""
        face = pdf.FONT_BOLD if "Bold" in name else pdf.FONT
        if text.strip() and (height - tm[5]) / mm < 90 and tm[4] / mm < 100:
            found.append((text.strip(), tm[4] / mm, (height - tm[5]) / mm,
                          (tm[4] + stringWidth(text.strip(), face, size)) / mm))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_the_office_s_logo_heads_the_letter_above_its_name(setup, kind):
    """The logo at the top left; the letterhead's text below it, never in the window nor
    past the margin, however long the names."""
    store, agenda = setup
    organisation = ("Caisse primaire d'assurance maladie de l'Isère — Direction de l'accueil "
                    "et de la relation avec les publics")
    with store.session() as session:
        site = session.get(Site, agenda.site_id)
        site.letterhead_logo = emblem(kind=kind)
        site.letterhead = organisation
        site.name = "France Services de Monestier-de-Clermont, maison des services du Trièves"
    content, text = letter_text(store, agenda, agenda.at(date(2026, 3, 16), 9))
    images = read(content).pages[0].images
    assert len(images) == 1
    assert images[0].image.size == (400, 240)
    lines = head_lines(content)
    name_y = next(y for t, _x, y, _end in lines if t.startswith("Caisse primaire"))
    assert name_y > pdf.MARGIN / mm + letter.LOGO_HEIGHT / mm  # below the logo
    window_top, window_left = letter.WINDOW_TOP / mm, letter.WINDOW_LEFT / mm
    right_margin = (pdf.PAGE_WIDTH - pdf.MARGIN) / mm
    for line, _x, y, end in lines:
        assert end <= right_margin + 0.5, line
        assert y < window_top or end < window_left, line  # never in the window
    assert any(t.endswith("…") for t, *_rest in lines)  # the long site name, cut
    assert len(read(content).pages) == 1 and "Madame Dupont," in text


def test_without_a_logo_the_letter_has_no_image(setup):
    store, agenda = setup
    content, _text = letter_text(store, agenda, agenda.at(date(2026, 3, 16), 9))
    assert len(read(content).pages[0].images) == 0


def test_no_letter_for_an_appointment_already_past(setup):
    store, agenda = setup
    with store.unit(agenda.adviser) as unit:
        appointment_id = booking.book_appointment(
            unit, agenda.request(agenda.at(date(2026, 3, 16), 8, 30)), now=NOW)
        with pytest.raises(ValidationError, match="déjà commencé ou est passé"):
            confirmation_letter.confirmation_letter(unit, appointment_id,
                                                    now=agenda.at(date(2026, 3, 16), 8, 55))


def test_the_address_block_keeps_to_six_lines_of_38_characters():
    block = letter.address_block("Monsieur Jean-Baptiste DE LA TOUR D'AUVERGNE-LAURAGUAIS",
                                 ("Résidence « Les Tilleuls », bâtiment B", "", "3, allée "
                                  "des Peupliers", "Lieu-dit Champ-Rond", "BP 12", "CS 5"),
                                 "38250", "Villard-de-Lans")
    assert len(block) == 6 and all(len(line) <= 38 for line in block)
    assert block[1] == "RESIDENCE LES TILLEULS BATIMENT B"
    assert block[-1] == "38250 VILLARD DE LANS"

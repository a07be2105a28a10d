"""Sites: description, public holidays, weekly opening hours and exceptional closures."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QWidget,
)

from db.agenda import setup as agenda_setup
from db.agenda.models import ClosedDay
from db.errors import ValidationError
from db.org import logo, sites
from db.org.access import Permission
from db.org.models import Site, SiteKind
from db.org.sites import MAX_BREAK_MINUTES, SITE_KIND_LABELS, SITE_TIME_ZONES, SiteDetail, SiteInput
from db.wording import NBSP, WEEKDAYS, weekday_day
from db.workdays import WorkingCalendar
from desktop.admin.common import EntriesSection, RecordsTab, Section, WeekSection, spin_box
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.image_field import ImageField
from widgets.rows_editor import Column, RowsEditor

WEEKDAY_CHOICES = tuple((day, name.capitalize()) for day, name in enumerate(WEEKDAYS))
_TEXT_FIELDS = (("name", "&Nom"), ("address", "Ad&resse"), ("postcode", "Code &postal"),
                ("city", "&Commune"), ("phone", "&Téléphone"), ("department", "&Département"),
                ("sector", "Se&cteur"), ("email", "E-&mail des invitations"),
                ("letterhead", "En-tête des courri&ers"))
HOLIDAYS_SHOWN = 8


def upcoming_holidays(department: str, since: date, count: int = HOLIDAYS_SHOWN
                      ) -> list[tuple[date, str]]:
    """The next public holidays of the département's subdivision, with their French names."""
    calendar, found, day = WorkingCalendar(department), [], since
    while len(found) < count and day < since + timedelta(days=800):
        name = calendar.holiday_name(day)
        if name:
            found.append((day, name))
        day += timedelta(days=1)
    return found


class LogoPrompt:
    @classmethod
    def choose(cls, parent: QWidget) -> str:
        """The image file to head the letters with, or "" when the user gives up (tests
        replace it)."""
        path, _filter = QFileDialog.getOpenFileName(
            parent, "Logo des courriers", "", "Images PNG ou JPEG (*.png *.jpg *.jpeg)")
        return path


class SiteSection(Section):
    """The description of a site; ``saved(site_id)`` after a save."""

    saved = Signal(uuid.UUID)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Description", Permission.ADMINISTER, "&Enregistrer le lieu",
                         parent)
        self.detail: SiteDetail | None = None
        self.editors: dict[str, QLineEdit] = {}
        self.kind = ChoiceBox()
        self.kind.set_choices(SITE_KIND_LABELS.items())
        self.time_zone = ChoiceBox()
        self.time_zone.set_choices((zone, zone) for zone in SITE_TIME_ZONES)
        for name, label in _TEXT_FIELDS[:1]:
            self.editors[name] = QLineEdit()
            self.form.add(name, label, self.editors[name])
        self.form.add("kind", "T&ype", self.kind)
        for name, label in _TEXT_FIELDS[1:]:
            self.editors[name] = QLineEdit()
            self.form.add(name, label, self.editors[name])
        self.logo = ImageField("C&hoisir un fichier…", "Retirer le logo",
                               f"Aucun logo{NBSP}: les courriers n'en ont pas.")
        self.logo.choose_button.setToolTip(
            f"Une image PNG ou JPEG de {logo.size_text(logo.MAX_BYTES)} au plus, en haut à "
            "gauche des courriers, au-dessus de l'en-tête.")
        self.logo.choose_button.setAccessibleName("Choisir le fichier du logo")
        self.logo.browse_requested.connect(self.choose_logo)
        self.form.add(logo.FIELD, "Lo&go des courriers", self.logo)
        self.form.add("time_zone", "&Fuseau horaire", self.time_zone)
        limit_to_columns(self.form, Site, [name for name, _label in _TEXT_FIELDS
                                           if name not in ("phone", "department")])
        self.break_minutes = spin_box(0, MAX_BREAK_MINUTES, " min")
        self.break_minutes.setToolTip("Temps laissé libre au conseiller après chaque "
                                      "rendez-vous de ce lieu (notes, appel suivant).")
        self.form.add("break_minutes", "Pa&use après chaque rendez-vous", self.break_minutes)
        self.editors["department"].setPlaceholderText("38, 2A, 974…")
        self.editors["phone"].setPlaceholderText("04 76 12 34 56")
        self.editors["letterhead"].setPlaceholderText(
            "Caisse primaire d'assurance maladie de l'Isère")
        self.editors["email"].setPlaceholderText("accueil@exemple.fr — organise les "
                                                 "invitations envoyées aux assurés")
        self.finish()

    def show_site(self, detail: SiteDetail | None) -> None:
        self.detail = detail
        data = detail.data if detail else SiteInput("", SiteKind.AGENCY, "")
        for name, editor in self.editors.items():
            editor.setText(getattr(data, name))
        self.kind.set_value(data.kind)
        self.time_zone.set_value(data.time_zone)
        self.break_minutes.setValue(data.break_minutes)
        self.logo.set_image(data.letterhead_logo)
        self.form.clear_errors()
        self.say("")

    def reload(self) -> None:
        if self.detail is not None:
            site_id = self.detail.id
            self.query(lambda unit: sites.get_site(unit, site_id), self.show_site)

    def save(self) -> None:
        data = SiteInput(kind=self.kind.value(), time_zone=self.time_zone.value(),
                         break_minutes=self.break_minutes.value(),
                         letterhead_logo=self.logo.image(),
                         **{name: editor.text() for name, editor in self.editors.items()})
        detail = self.detail
        site_id = detail.id if detail else None
        version = detail.version if detail else None
        self.write(lambda unit: sites.save_site(unit, data, site_id, version),
                   self.saved.emit)

    def set_editable(self, editable: bool) -> None:
        for editor in self.editors.values():
            editor.setReadOnly(not editable)
        self.kind.setEnabled(editable)
        self.time_zone.setEnabled(editable)
        self.break_minutes.setReadOnly(not editable)
        self.logo.set_editable(editable)

    def choose_logo(self) -> None:
        """Ask for the logo's file; show it, or say beside the field why it will not do."""
        path = LogoPrompt.choose(self)
        if not path:
            return
        try:
            data = logo.read_logo(path)
        except ValidationError as error:
            self.form.show_errors(error.field_errors)
            return
        self.form.clear_errors()
        self.logo.set_image(data)


class HolidaysSection(Section):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Jours fériés à venir", Permission.ADMINISTER, None, parent)
        self.form.hide()  # nothing to fill in
        self.list = QLabel(self)
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Jours fériés à venir")
        self.list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.body.addWidget(self.list)

    def show_department(self, department: str, today: date) -> None:
        if not department:
            self.list.setText("Indiquez le département du lieu : ses jours fériés "
                              "s'appliqueront d'eux-mêmes.")
            return
        lines = [f"{weekday_day(day)} — {name}"
                 for day, name in upcoming_holidays(department, today)]
        self.list.setText(f"Jours fériés du département {department}, appliqués d'eux-mêmes "
                          "(aucun rendez-vous ni délai ne court ces jours-là) :\n"
                          + "\n".join(lines))

    def set_editable(self, editable: bool) -> None:
        """Nothing to edit: the holidays follow the département."""


class HoursSection(WeekSection):
    """Weekly opening hours: several intervals a day make a lunch closure."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Horaires d'ouverture", Permission.PLAN_AGENDA,
                         "Enregistrer les &horaires", parent)
        self.site_id: uuid.UUID | None = None
        self.editor = RowsEditor((
            Column("Jour", WEEKDAY_CHOICES, 0),
            Column("Ouverture", default=time(8, 30)),
            Column("Fermeture", default=time(12, 0)),
        ), "&Ajouter une plage", "S&upprimer la plage")
        self.form.add("week", "Plages &d'ouverture", self.editor)
        hint = QLabel("Une fermeture à midi : deux plages le même jour (08:30–12:00 et "
                      "13:30–16:30). Un jour sans plage est fermé.", self)
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        self.finish()

    def show_site(self, site_id: uuid.UUID | None) -> None:
        self.site_id = site_id
        self.editor.set_values([])
        self.form.clear_errors()
        self.say("")
        self.reload()

    def reload(self) -> None:
        if self.site_id is None:
            return
        site_id = self.site_id
        self.query(lambda unit: agenda_setup.opening_hours(unit, site_id), self._show)

    def _show(self, week: dict) -> None:
        self.editor.set_values([(day, opens, closes) for day, intervals in sorted(week.items())
                                for opens, closes in intervals])

    def save(self) -> None:
        rows = self.editor.values()
        week: dict[int, list[tuple[time, time]]] = {}
        for day, opens, closes in rows:
            week.setdefault(day, []).append((opens, closes))
        site_id = self.site_id
        self.write(lambda unit: agenda_setup.set_opening_hours(unit, site_id, week))


class ClosedDaysSection(EntriesSection):
    """Exceptional closures (inventory, a bridge day…), from today on."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Fermetures exceptionnelles", "fermeture exceptionnelle",
                         "Ajouter la &fermeture", "Retirer la fermeture &choisie", parent)
        self.site_id: uuid.UUID | None = None
        self.today = date.today()
        self.day = DateField()
        self.label = QLineEdit()
        self.label.setPlaceholderText("Inventaire, pont…")
        self.form.add("day", "&Jour", self.day)
        self.form.add("label", "&Motif de la fermeture", self.label)
        limit_to_columns(self.form, ClosedDay, ("label",))
        self.finish_entries()

    def show_site(self, site_id: uuid.UUID | None) -> None:
        self.site_id = site_id
        self.list.clear()
        self.reload()

    def reload(self) -> None:
        if self.site_id is None:
            return
        site_id, today = self.site_id, self.today
        self.query(lambda unit: agenda_setup.closed_days(unit, site_id, today), self.show_entries)

    def describe(self, row) -> str:
        text = weekday_day(row.day)
        return f"{text} — {row.label}" if row.label else text

    def add_work(self):
        try:
            day = self.day.date()
        except ValueError as error:
            self.show_errors({"day": str(error)})
            return None
        if day is None:
            self.show_errors({"day": "Indiquez le jour de la fermeture (jj/mm/aaaa)."})
            return None
        site_id, label = self.site_id, self.label.text()
        return lambda unit: agenda_setup.add_closed_day(unit, site_id, day, label)

    def remove_work(self, closed_id: uuid.UUID, version: int):
        return lambda unit: agenda_setup.remove_closed_day(unit, closed_id, version)

    def clear_form(self) -> None:
        self.day.clear()
        self.label.clear()


class SitesTab(RecordsTab):
    """The list of sites on the left; the chosen site's sections on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Lieux d'accueil", "&Nouveau lieu", parent)
        self.sites = self.records
        self.description = SiteSection(ctx)
        self.holidays = HolidaysSection(ctx)
        self.hours = HoursSection(ctx)
        self.closed = ClosedDaysSection(ctx)
        self.add_sections(self.description, self.holidays, self.hours, self.closed)
        self.description.saved.connect(self.select_after_load)
        ctx.changes.connect(lambda kinds: "site" in kinds and self.load())
        self.load()

    def load(self) -> None:
        self.description.query(sites.list_sites, lambda sites: self.show_records(
            (site.id, site.name, site.kind_label)
            for site in sorted(sites, key=lambda s: s.name)))

    def record_chosen(self, site_id: uuid.UUID) -> None:
        self.description.query(lambda unit: sites.get_site(unit, site_id),
                               self.choice.only_if_latest(self._show_detail))
        for section in (self.hours, self.closed):
            section.setEnabled(True)
            section.show_site(site_id)

    def _show_detail(self, detail: SiteDetail) -> None:
        self.description.show_site(detail)
        self.holidays.show_department(detail.data.department, self.closed.today)

    def new_record(self) -> None:
        super().new_record()
        self.description.show_site(None)
        self.holidays.show_department("", self.closed.today)
        for section in (self.hours, self.closed):
            section.setEnabled(False)  # a site's hours are set once it exists
        self.description.editors["name"].setFocus(Qt.FocusReason.OtherFocusReason)

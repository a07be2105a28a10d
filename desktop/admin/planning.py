"""Advisers' weekly availability per site and kind, and their absences."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from db.agenda import setup as agenda_setup
from db.agenda import views
from db.agenda.labels import KIND_LABELS
from db.agenda.models import Absence, AppointmentKind
from db.agenda.setup import AvailabilityInput
from db.agenda.views import AdviserChoice, AgendaChoices
from db.base import utcnow
from db.org.access import Permission
from desktop.admin.common import EntriesSection, WeekSection
from desktop.admin.sites import WEEKDAY_CHOICES
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.rows_editor import Column, RowsEditor

# Workshops are planned as sessions, not as availability.
_KINDS = tuple((kind, label) for kind, label in KIND_LABELS.items()
               if kind is not AppointmentKind.WORKSHOP)

_SITE = 1  # the column of the availability table that lists the sites


class AvailabilitySection(WeekSection):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Disponibilités de la semaine", Permission.PLAN_AGENDA,
                         "Enregistrer les &disponibilités", parent)
        self.adviser: AdviserChoice | None = None
        self.editor = RowsEditor((
            Column("Jour", WEEKDAY_CHOICES, 0),
            Column("Lieu", ()),
            Column("Type", _KINDS, AppointmentKind.PHONE),
            Column("Début", default=time(9, 0)),
            Column("Fin", default=time(12, 0)),
        ), "&Ajouter une plage", "S&upprimer la plage")
        self.form.add("week", "&Plages où le conseiller reçoit", self.editor)
        hint = QLabel("Les mêmes heures peuvent servir à plusieurs types : ajoutez une ligne "
                      "par type (le premier rendez-vous pris occupe la plage).", self)
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        self.finish()

    def set_sites(self, choices: AgendaChoices) -> None:
        sites = tuple((site.id, site.name) for site in choices.sites)
        self.editor.set_column(_SITE, Column("Lieu", sites, sites[0][0] if sites else None))

    def show_adviser(self, adviser: AdviserChoice | None) -> None:
        self.adviser = adviser
        self.form.clear_errors()
        self.say("")
        self.reload()

    def reload(self) -> None:
        if self.adviser is None:
            self.editor.set_values([])
            return
        staff_id = self.adviser.id
        self.query(lambda unit: agenda_setup.availability(unit, staff_id), self._show)

    def _show(self, week: list[AvailabilityInput]) -> None:
        self.editor.set_values([(r.weekday, r.site_id, r.kind, r.starts, r.ends)
                                for r in week])

    def save(self) -> None:
        if self.adviser is None:
            return
        week = [AvailabilityInput(site_id, kind, day, starts, ends)
                for day, site_id, kind, starts, ends in self.editor.values()]
        staff_id = self.adviser.id
        self.write(lambda unit: agenda_setup.set_availability(unit, staff_id, week))


class AbsencesSection(EntriesSection):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Absences", "absence", "Ajouter l'a&bsence",
                         "Retirer l'absence &choisie", parent)
        self.adviser: AdviserChoice | None = None
        self.starts_day, self.ends_day = DateField(), DateField()
        self.starts_time, self.ends_time = QTimeEdit(QTime(8, 0)), QTimeEdit(QTime(18, 0))
        for name, label, day, moment in (
                ("starts_at", "&Du", self.starts_day, self.starts_time),
                ("ends_at", "A&u", self.ends_day, self.ends_time)):
            moment.setDisplayFormat("HH:mm")
            moment.setAccessibleName(f"Heure — {label.replace('&', '')}")
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(day, 1)
            line.addWidget(moment)
            field = self.form.add(name, label, row)
            field.label.setBuddy(day)
            day.setAccessibleName(f"Jour — {label.replace('&', '')}")
        self.label = QLineEdit()
        self.label.setPlaceholderText("Formation, congés… (aucun détail de santé)")
        self.form.add("label", "&Motif", self.label)
        limit_to_columns(self.form, Absence, ("label",))
        self.finish_entries()

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.adviser.time_zone if self.adviser else "Europe/Paris")

    def show_adviser(self, adviser: AdviserChoice | None) -> None:
        self.adviser = adviser
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        if self.adviser is None:
            return
        staff_id, now = self.adviser.id, utcnow()
        self.query(lambda unit: agenda_setup.absences(unit, staff_id, now), self.show_entries)

    def describe(self, row) -> str:
        zone = self._zone()
        starts, ends = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
        text = f"du {starts:%d/%m/%Y %H:%M} au {ends:%d/%m/%Y %H:%M}"
        return f"{text} — {row.label}" if row.label else text

    def _moment(self, day_field: DateField, time_field: QTimeEdit, name: str,
                errors: dict[str, str]) -> datetime | None:
        try:
            day = day_field.date()
        except ValueError as error:
            errors[name] = str(error)
            return None
        if day is None:
            errors[name] = "Indiquez le jour (jj/mm/aaaa)."
            return None
        moment = time_field.time()
        local = datetime.combine(day, time(moment.hour(), moment.minute()), self._zone())
        return local.astimezone(UTC)

    def add_work(self):
        if self.adviser is None:
            return None
        errors: dict[str, str] = {}
        starts = self._moment(self.starts_day, self.starts_time, "starts_at", errors)
        ends = self._moment(self.ends_day, self.ends_time, "ends_at", errors)
        if errors:
            self.show_errors(errors)
            return None
        staff_id, label = self.adviser.id, self.label.text()
        return lambda unit: agenda_setup.add_absence(unit, staff_id, starts, ends, label)

    def remove_work(self, absence_id: uuid.UUID, version: int):
        return lambda unit: agenda_setup.remove_absence(unit, absence_id, version)

    def clear_form(self) -> None:
        for field in (self.starts_day, self.ends_day, self.label):
            field.clear()


class PlanningTab(QScrollArea):
    """Choose an adviser; edit their weekly availability and their absences."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Disponibilités et absences")  # a stop of Tab: it scrolls
        self.ctx = ctx
        self.setWidgetResizable(True)
        self.choices: AgendaChoices | None = None
        self.adviser = ChoiceBox()
        self.adviser.setAccessibleName("Conseiller")
        adviser_label = QLabel("&Conseiller :")
        adviser_label.setBuddy(self.adviser)
        self.availability = AvailabilitySection(ctx)
        self.absences = AbsencesSection(ctx)
        content = QWidget()
        column = QVBoxLayout(content)
        top = QHBoxLayout()
        top.addWidget(adviser_label)
        top.addWidget(self.adviser, 1)
        column.addLayout(top)
        column.addWidget(self.availability)
        column.addWidget(self.absences)
        column.addStretch()
        self.setWidget(content)
        self.adviser.currentIndexChanged.connect(lambda _i: self._adviser_chosen())
        ctx.changes.connect(lambda kinds: "site" in kinds and self.load())
        self.load()

    def load(self) -> None:
        self.availability.query(lambda unit: views.agenda_choices(unit), self._loaded)

    def _loaded(self, choices: AgendaChoices) -> None:
        self.choices = choices
        self.availability.set_sites(choices)
        self.adviser.set_choices((a.id, a.name) for a in choices.advisers)
        self._adviser_chosen()

    def current_adviser(self) -> AdviserChoice | None:
        chosen = self.adviser.value()
        advisers = self.choices.advisers if self.choices else []
        return next((a for a in advisers if a.id == chosen), None)

    def _adviser_chosen(self) -> None:
        adviser = self.current_adviser()
        self.availability.show_adviser(adviser)
        self.absences.show_adviser(adviser)

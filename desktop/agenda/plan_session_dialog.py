"""Planning a workshop session (atelier flash ameli, atelier numérique): its motive, site,
host, day, time and capacity. The service refuses a closed site or a busy host in French."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from db.agenda import setup as agenda_setup
from db.agenda import workshops
from db.agenda.models import AppointmentKind
from db.agenda.views import AgendaChoices
from db.errors import ValidationError
from desktop import operations as ops
from desktop.context import AppContext
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.dialog_layout import GuardedDialog, lay_out_dialog
from widgets.form import Form

DEFAULT_CAPACITY = 8  # an atelier flash ameli welcomes 6 to 8 people
DEFAULT_START = QTime(14, 0)


class PlanSessionDialog(GuardedDialog):
    """``planned(session_id)`` once the session is written; ``motives_loaded()`` when the
    workshop motives are offered."""

    planned = Signal(uuid.UUID)
    motives_loaded = Signal()

    def __init__(self, ctx: AppContext, choices: AgendaChoices, *,
                 site_id: uuid.UUID | None = None, day: date | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._choices = ctx, choices
        self.setWindowTitle("Planifier une session d'atelier")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.banner = Banner(self)

        self.motive = ChoiceBox()
        self.site = ChoiceBox()
        self.site.set_choices((s.id, s.name) for s in choices.sites)
        self.site.set_value(site_id)
        self.host = ChoiceBox()
        self.host.set_choices(((a.id, a.name) for a in choices.advisers), empty="— Choisir —")
        self.day = DateField()
        self.day.set_date(day)
        self.starts = QTimeEdit(DEFAULT_START)
        self.starts.setDisplayFormat("HH:mm")
        self.capacity = QSpinBox()
        self.capacity.setRange(1, workshops.MAX_CAPACITY)
        self.capacity.setValue(DEFAULT_CAPACITY)
        self.capacity.setSuffix(" places")

        self.form = Form(self)
        for name, label, editor in (
                ("motive_id", "&Atelier", self.motive), ("site_id", "&Lieu", self.site),
                ("host_id", "Ani&mé par", self.host), ("day", "&Jour", self.day),
                ("starts_at", "&Heure de début", self.starts),
                ("capacity", "&Capacité", self.capacity)):
            self.form.add(name, label, editor)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("&Planifier", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setEnabled(False)  # until the motives are known
        buttons.addButton("A&nnuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay_out_dialog(self, self.banner, self.form, buttons)
        self.guard(self.form)
        fit_dialog(self, "workshop-session")

        ops.query(ctx, lambda unit: agenda_setup.list_motives(
            unit, kind=AppointmentKind.WORKSHOP)).on_success(self._show_motives) \
            .owned_by(self).run()

    def _show_motives(self, motives: list) -> None:
        self.motive.set_choices((m.id, f"{m.label} ({m.default_minutes} min)") for m in motives)
        if motives:
            self.save_button.setEnabled(True)
            self.mark_clean()  # the first motive is an offer, not a choice of the user's
        else:
            self.banner.say("Aucun motif d'atelier n'existe : un administrateur le crée dans "
                      "Administration › Motifs, avec le type « Atelier ».")
        self.motives_loaded.emit()

    def _starts_at(self) -> datetime:
        """The local day and time at the chosen site, as a UTC instant; ValidationError when
        the day is missing or wrong."""
        try:
            day = self.day.date()
        except ValueError as error:
            raise ValidationError({"day": str(error)}) from None
        if day is None:
            raise ValidationError({"day": "Indiquez le jour de la session (jj/mm/aaaa)."})
        zone = next((s.time_zone for s in self._choices.sites if s.id == self.site.value()),
                    "Europe/Paris")
        moment = self.starts.time()
        return datetime.combine(day, time(moment.hour(), moment.minute()),
                                ZoneInfo(zone)).astimezone(UTC)

    def save(self) -> None:
        self.banner.hide()
        self.form.clear_errors()
        if self.host.value() is None:
            self._refused(ValidationError({"host_id": "Choisissez qui anime la session."}))
            return
        try:
            starts_at = self._starts_at()
        except ValidationError as error:
            self._refused(error)
            return
        motive_id, site_id, host_id = self.motive.value(), self.site.value(), self.host.value()
        capacity = self.capacity.value()
        ops.write(self._ctx, lambda unit: workshops.schedule_session(
            unit, motive_id, site_id, host_id, starts_at, capacity)) \
            .on_success(self._planned).on_failure(self._refused).owned_by(self).run()

    def _planned(self, session_id: uuid.UUID) -> None:
        self.planned.emit(session_id)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self._ctx.show_refusal(error, self.form, self.banner.say, self)

"""Booking an appointment in a few keystrokes: person → motive → kind → slot → channel →
note → Enregistrer.

Reusable from anywhere that knows the person (their record, a call-back): open
``BookingDialog(ctx, person_id, channel=Channel.CALLBACK, motive_code="IJ")`` and connect
``saved(appointment_id)``. The agenda passes the slot that was double-clicked; a booking to
make again (one an offline laptop's sync saw refused) its site and note. A caller that
books on behalf of something (a call-back, a pathway worklist line) passes the service that
books and records that in one unit of work (``write``), so a refusal writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.agenda import booking, views
from db.agenda import setup as agenda_setup
from db.agenda.booking import BookingRequest
from db.agenda.labels import CHANNEL_LABELS, KIND_LABELS
from db.agenda.models import AppointmentKind, Channel
from db.agenda.setup import MotiveRow
from db.agenda.slots import Slot
from db.agenda.views import SiteChoice
from db.errors import ConflictError, ValidationError
from db.people import records as people_records
from db.roles import Role
from desktop import operations as ops
from desktop.agenda.slot_list import SlotList
from desktop.context import AppContext
from desktop.messages.notice import notice_box, told
from desktop.people.picker import PersonPicker
from desktop.settings import Settings, fit_dialog
from widgets.banner import Banner
from widgets.choice_box import ChoiceBox
from widgets.dialog_layout import GuardedDialog, lay_out_dialog, save_and_cancel
from widgets.form import Form

if TYPE_CHECKING:
    from db.unit import Unit


@dataclass(frozen=True)
class _Setup:
    motives: list[MotiveRow]
    sites: list[SiteChoice]
    person: tuple[str, str, str] | None  # name, phone, e-mail


class BookingDialog(GuardedDialog):
    """Book an individual appointment (phone, physical or video).

    ``slots_shown(count)`` fires when the free slots of the chosen motive, kind and site are
    listed; ``saved(appointment_id)`` when the appointment is booked (the dialog then closes).
    A refusal shows the service's French message beside its field and writes nothing.
    ``write(unit, request)`` books (by default ``booking.book_appointment``) and returns the
    appointment's id.
    """

    saved = Signal(uuid.UUID)
    slots_shown = Signal(int)
    ready = Signal()

    def __init__(self, ctx: AppContext, person_id: uuid.UUID | None = None, *,
                 channel: Channel | None = None, motive_code: str | None = None,
                 kind: AppointmentKind | None = None, slot: Slot | None = None,
                 site_id: uuid.UUID | None = None, note: str = "",
                 write: Callable[[Unit, BookingRequest], uuid.UUID] = booking.book_appointment,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._write = write
        self._kind = kind
        self._person_id = person_id
        self._motive_code = motive_code
        self._preset = slot
        self._site_id = site_id
        self._motives: list[MotiveRow] = []
        self._sector_sites: dict[str, list[uuid.UUID]] = {}  # sectors of several sites
        self._slots_offered = False
        self.setWindowTitle("Nouveau rendez-vous")
        self._build(channel)
        self.note.setPlainText(note)
        fit_dialog(self, "booking")
        self._load()

    # -- layout ------------------------------------------------------------------------------
    def _build(self, channel: Channel | None) -> None:
        self.banner = Banner(self, framed=True)

        self.form = Form(self)
        self.guard(self.form)
        person_box = QWidget()
        self.person_label = QLabel("Aucune personne choisie.")
        self.person_label.setWordWrap(True)
        self.change_person_button = QPushButton("&Changer de personne")
        self.change_person_button.clicked.connect(self._show_picker)
        self.picker = PersonPicker(self._ctx)
        self.picker.chosen.connect(lambda person: person and self.set_person(person.id))
        person_line = QHBoxLayout()
        person_line.setContentsMargins(0, 0, 0, 0)
        person_line.addWidget(self.person_label, 1)
        person_line.addWidget(self.change_person_button)
        person_layout = QVBoxLayout(person_box)
        person_layout.setContentsMargins(0, 0, 0, 0)
        person_layout.addLayout(person_line)
        person_layout.addWidget(self.picker)
        self.form.add("person_id", "&Personne", person_box)
        # The search line is what the user types in: it carries the field's name.
        self.picker.field.setAccessibleName("Personne : rechercher")

        self.motive = QComboBox()
        self.form.add("motive_id", "&Motif", self.motive)
        self.documents = QLabel()
        self.documents.setWordWrap(True)
        self.documents.setAccessibleName("Pièces à apporter")
        self.form.add("documents", "Pièces à apporter", self.documents)
        self.kind = QComboBox()
        self.form.add("kind", "&Type", self.kind)
        self.site = ChoiceBox()
        self.form.add("site_id", "&Lieu", self.site)
        self.slot_list = SlotList(self._ctx)
        self.slot_list.shown.connect(self._slots_shown)
        # Enter or a double click on a time: the slot is chosen, Enter again books it.
        self.slot_list.picker.chosen.connect(
            lambda _slot: self.save_button.setFocus(Qt.FocusReason.OtherFocusReason))
        self.form.add("starts_at", "C&réneau", self.slot_list)
        self.channel = QComboBox()
        for value, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, value)
        default = channel or (Channel.FRANCE_SERVICES if self._ctx.actor.role is Role.PARTNER
                              else Channel.RECEPTION)
        self.channel.setCurrentIndex(self.channel.findData(default))
        self.form.add("channel", "&Canal", self.channel)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.note.setPlaceholderText("Facultatif ; pas de détail médical.")
        self.form.add("note", "&Note", self.note)
        self.notify = notice_box()
        self.form.add("notify", "Message à la personne", self.notify)

        self.motive.currentIndexChanged.connect(self._motive_changed)
        self.kind.currentIndexChanged.connect(self.refresh_slots)
        self.site.currentIndexChanged.connect(self.refresh_slots)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form)
        column.addStretch()  # extra height below the form, not between its rows
        self.buttons, self.save_button = save_and_cancel(self, "&Enregistrer", self.save)
        lay_out_dialog(self, self.banner, content, self.buttons)
        self.save_button.setEnabled(False)

    # -- set-up ------------------------------------------------------------------------------
    def _load(self) -> None:
        person_id = self._person_id

        def work(unit) -> _Setup:
            person = None
            if person_id is not None:
                contact = people_records.get_contact(unit, person_id)
                person = (contact.display_name, contact.phone_display, contact.email)
            return _Setup(agenda_setup.list_motives(unit, on=date.today()),
                          views.agenda_choices(unit).sites, person)

        ops.query(self._ctx, work).on_success(self._loaded).owned_by(self).run()

    def _loaded(self, setup: _Setup) -> None:
        self._motives = [m for m in setup.motives
                         if any(k is not AppointmentKind.WORKSHOP for k in m.kinds)]
        self._show_person(setup.person)
        self._sector_sites = sector_sites(setup.sites)
        self.site.blockSignals(True)
        self.site.set_choices([(site.id, site.name) for site in setup.sites]
                              + [(Sector(name), f"Tous les lieux du secteur « {name} »")
                                 for name in self._sector_sites])
        self.site.set_value((self._preset.site_id if self._preset else None)
                            or self._site_id or default_site(self._ctx))  # else the first
        self.site.blockSignals(False)
        self.motive.blockSignals(True)
        for motive in self._motives:
            self.motive.addItem(f"{motive.label} ({motive.code}, {motive.default_minutes} min)",
                                motive.id)
        codes = [m.code for m in self._motives]
        if self._motive_code in codes:
            self.motive.setCurrentIndex(codes.index(self._motive_code))
        self.motive.blockSignals(False)
        self.save_button.setEnabled(True)
        self._motive_changed()
        if self._kind is not None and self.kind.findData(self._kind) >= 0:
            self.choose_kind(self._kind)
        if self._person_id is None:
            self.picker.field.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.motive.setFocus(Qt.FocusReason.OtherFocusReason)
        self.form.mark_clean()
        self.ready.emit()

    def _slots_shown(self, count: int) -> None:
        """The first slots offered, and the agenda's cell chosen among them, are what the
        dialog opened with, not a change of the user's."""
        if not self._slots_offered and set(self.form.changed_fields()) <= {"starts_at"}:
            self.form.mark_clean()
        self._slots_offered = True
        self.slots_shown.emit(count)

    # -- person ------------------------------------------------------------------------------
    def set_person(self, person_id: uuid.UUID) -> None:
        """Book for this person (what choosing in the search does)."""
        self._person_id = person_id

        def work(unit):
            contact = people_records.get_contact(unit, person_id)
            return contact.display_name, contact.phone_display, contact.email

        ops.query(self._ctx, work).on_success(self._show_person).owned_by(self).run()

    def _show_person(self, person: tuple[str, str, str] | None) -> None:
        self.picker.setVisible(person is None)
        self.change_person_button.setVisible(person is not None)
        if person is None:
            self.person_label.setText("Cherchez la personne puis choisissez-la (Entrée).")
            return
        name, phone, email = person
        contact = " — ".join(part for part in (phone, email) if part) or \
            "ni téléphone ni e-mail"
        self.person_label.setText(f"<b>{name}</b> — {contact}")
        self.person_label.setAccessibleName(f"Personne : {name}, {contact}")
        self.form.field("person_id").set_error("")
        if self.motive.hasFocus() is False and self.isVisible():
            self.motive.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_picker(self) -> None:
        self._person_id = None
        self._show_person(None)
        self.picker.field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- motive, kind and slots ---------------------------------------------------------------
    def current_motive(self) -> MotiveRow | None:
        index = self.motive.currentIndex()
        return self._motives[index] if 0 <= index < len(self._motives) else None

    def _motive_changed(self) -> None:
        motive = self.current_motive()
        previous = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        for kind in motive.kinds if motive else ():
            if kind is not AppointmentKind.WORKSHOP:
                self.kind.addItem(KIND_LABELS[kind], kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(previous)))
        self.kind.blockSignals(False)
        documents = ", ".join(motive.documents) if motive else ""
        self.documents.setText(documents or "Aucune pièce particulière.")
        self.refresh_slots()

    def choose_motive(self, code: str) -> None:
        self.motive.setCurrentIndex([m.code for m in self._motives].index(code))

    def choose_kind(self, kind: AppointmentKind) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def current_kind(self) -> AppointmentKind | None:
        data = self.kind.currentData()
        return AppointmentKind(data) if data else None

    def refresh_slots(self) -> None:
        """List the free slots of the chosen motive, kind and site."""
        motive, chosen = self.current_motive(), self.site.value()
        site_ids = (self._sector_sites[chosen.name] if isinstance(chosen, Sector)
                    else [chosen] if chosen is not None else [])
        preset = self._preset if self._preset and self._preset.site_id in site_ids else None
        self.slot_list.load(motive.id if motive else None, self.current_kind(), site_ids,
                            preset=preset)

    def choose_slot(self, row: int) -> Slot:
        """Choose the ``row``-th free slot, earliest first."""
        return self.slot_list.choose(row)

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        motive, kind, slot = self.current_motive(), self.current_kind(), self.slot_list.chosen()
        errors = {}
        if self._person_id is None:
            errors["person_id"] = "Choisissez la personne pour qui prendre le rendez-vous."
        if motive is None or kind is None:
            errors["motive_id"] = "Choisissez le motif et le type du rendez-vous."
        if slot is None:
            errors["starts_at"] = "Choisissez un jour puis l'heure d'un créneau libre."
        if errors:
            self._refused(ValidationError(errors))
            return
        request = BookingRequest(
            person_id=self._person_id, adviser_id=slot.adviser_id, site_id=slot.site_id,
            motive_id=motive.id, kind=kind, starts_at=slot.starts_at,
            channel=Channel(self.channel.currentData()), note=self.note.toPlainText())
        write = told(self._write, self.notify)
        self.save_button.setEnabled(False)
        ops.write(self._ctx, lambda unit: write(unit, request)).on_success(self._saved) \
            .on_failure(self._refused).owned_by(self).run()

    def _saved(self, appointment_id: uuid.UUID) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(appointment_id)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ConflictError):
            self.form.show_errors({"starts_at": str(error)})
            self.banner.say(str(error))
            self._preset = None  # the agenda's cell may be the slot just taken
            self.refresh_slots()  # the list no longer offers the slot just taken
            return
        self._ctx.show_refusal(error, self.form, self.banner.say, self, unsaved=(
            "Le rendez-vous n'a pas été pris : corrigez ce qui est signalé."))


@dataclass(frozen=True)
class Sector:
    """The « every site of a sector » choice of the site box."""

    name: str


def sector_sites(sites: list[SiteChoice]) -> dict[str, list[uuid.UUID]]:
    """The sectors grouping several sites (France Services permanences), with their sites."""
    grouped: dict[str, list[uuid.UUID]] = {}
    for site in sites:
        if site.sector:
            grouped.setdefault(site.sector, []).append(site.id)
    return {name: ids for name, ids in sorted(grouped.items()) if len(ids) > 1}


def default_site(ctx: AppContext) -> uuid.UUID | str | None:
    """The computer's default site from the settings, else the user's own site."""
    chosen = Settings().default_site_id
    if chosen:
        try:
            return uuid.UUID(chosen)
        except ValueError:
            pass
    return ctx.actor.site_id

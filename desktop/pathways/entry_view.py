"""One worklist line opened: the person, the attempts, the outcome, the rebound offers.

Only the allowed actions are offered, as ``get_entry`` says (``can_attempt``,
``allowed_outcomes``, ``can_close``); the services refuse the others anyway and their French
refusal shows in the banner. « RDV pris » opens the agenda's booking dialog on the pathway's
motive, a phone appointment and the channel « parcours »; its write is
``book_from_worklist``, which books and records « RDV pris » together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.agenda import setup as agenda_setup
from db.pathways import worklists
from db.pathways.labels import RESULT_LABELS, STATUS_LABELS
from db.pathways.models import AttemptResult, PathwayOutcome, PathwayStatus
from db.pathways.worklists import EntryRecord, WorklistRow
from db.wording import day
from desktop import operations as ops
from desktop.agenda.appointment_dialog import AppointmentDialog
from desktop.agenda.booking_dialog import BookingDialog
from desktop.context import AppContext
from desktop.pathways.common import age, moment
from desktop.pathways.offers import OffersBox
from widgets.choice_box import ChoiceBox
from widgets.dialog_layout import scrolling
from widgets.record_header import RecordHeader

OUTCOME_BUTTONS = {
    PathwayOutcome.BOOKED: ("&RDV pris…", "Prendre le rendez-vous téléphonique (motif du "
                                          "parcours) et noter « RDV pris »"),
    PathwayOutcome.DECLINED: ("Re&fus", "La personne ne souhaite pas de rendez-vous"),
    PathwayOutcome.UNREACHABLE: ("&Injoignable", "Personne n'a répondu aux tentatives"),
    PathwayOutcome.NOT_CONCERNED: ("&Non concerné", "La personne n'est pas concernée "
                                                    "(erreur d'extraction, décès…)"),
}


@dataclass(frozen=True)
class Opened:
    record: EntryRecord
    person: WorklistRow | None


def pathway_booking_dialog(ctx: AppContext, record: EntryRecord,
                           preset: worklists.BookingPreset, motive_code: str | None,
                           parent: QWidget | None = None) -> BookingDialog:
    """The agenda's booking dialog, whose write also records « RDV pris » on the line."""

    def write(unit, request) -> uuid.UUID:
        appointment_id, _version = worklists.book_from_worklist(
            unit, record.id, record.version, request)
        return appointment_id

    dialog = BookingDialog(ctx, preset.person_id, channel=preset.channel,
                           motive_code=motive_code, kind=preset.kind, write=write,
                           parent=parent)
    dialog.setWindowTitle(f"Rendez-vous du parcours — {record.title}")
    return dialog


class EntryView(QWidget):
    """The line of one person. ``back_requested``: return to the list."""

    back_requested = Signal()
    changed = Signal()  # something was written: the list's counts follow

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.record: EntryRecord | None = None
        self.person: WorklistRow | None = None
        self.dialog: QWidget | None = None
        self.outcome_buttons: dict[PathwayOutcome, QPushButton] = {}
        self._build()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = RecordHeader(self, "← &Liste de travail", "État de la ligne")
        header = self.header
        self.back_button, self.title = header.back_button, header.title
        self.status, self.banner = header.status, header.banner
        self.back_button.clicked.connect(self.back_requested)

        self.person_box = QGroupBox("Personne", self)
        self.person_form = QFormLayout(self.person_box)
        self.person_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        self.attempts_box = QGroupBox("Tentatives d'appel", self)
        self.attempts_list = QLabel(self.attempts_box)
        self.attempts_list.setWordWrap(True)
        self.attempts_list.setAccessibleName("Tentatives faites")
        self.attempts_list.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.result = ChoiceBox(self.attempts_box)
        self.result.set_choices(RESULT_LABELS.items())
        self.result_label = QLabel("Rés&ultat :", self.attempts_box)
        self.result_label.setBuddy(self.result)
        self.result.setAccessibleName("Résultat de la tentative")
        self.attempt_button = QPushButton("Enregistrer la &tentative", self.attempts_box)
        self.attempt_button.clicked.connect(self.record_attempt)
        attempt_line = QHBoxLayout()
        attempt_line.addWidget(self.result_label)
        attempt_line.addWidget(self.result, 1)
        attempt_line.addWidget(self.attempt_button)
        attempts_layout = QVBoxLayout(self.attempts_box)
        attempts_layout.addWidget(self.attempts_list)
        attempts_layout.addLayout(attempt_line)

        self.outcome_box = QGroupBox("Issue", self)
        self.outcome_text = QLabel(self.outcome_box)
        self.outcome_text.setWordWrap(True)
        self.outcome_text.setAccessibleName("Issue de la ligne")
        self.outcome_bar = QHBoxLayout()
        for outcome, (text, tip) in OUTCOME_BUTTONS.items():
            button = QPushButton(text, self.outcome_box)
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, o=outcome: self.choose_outcome(o))
            self.outcome_bar.addWidget(button)
            self.outcome_buttons[outcome] = button
        self.appointment_button = QPushButton("Voir le rende&z-vous", self.outcome_box)
        self.appointment_button.clicked.connect(self.open_appointment)
        self.close_button = QPushButton("T&erminer", self.outcome_box)
        self.close_button.setToolTip("La ligne quitte la liste à traiter ; son issue est "
                                     "gardée pour l'entonnoir")
        self.close_button.clicked.connect(self.close_entry)
        self.outcome_bar.addWidget(self.appointment_button)
        self.outcome_bar.addWidget(self.close_button)
        self.outcome_bar.addStretch()
        outcome_layout = QVBoxLayout(self.outcome_box)
        outcome_layout.addWidget(self.outcome_text)
        outcome_layout.addLayout(self.outcome_bar)

        self.offers = OffersBox(self._ctx, self)
        self.offers.saved.connect(self.changed)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        for box in (self.person_box, self.attempts_box, self.outcome_box):
            column.addWidget(box)
        column.addWidget(self.offers)
        column.addStretch()
        scroll = scrolling(left, self)  # at 200 % the line is taller than the window

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header.add_to(layout)
        layout.addWidget(scroll, 1)

    # -- loading ---------------------------------------------------------------------------
    def load(self, entry_id: uuid.UUID) -> None:

        def work(unit) -> Opened:
            record = worklists.get_entry(unit, entry_id)
            person = worklists.worklist_rows(unit, [entry_id])
            return Opened(record, person[0] if person else None)

        ops.query(self._ctx, work).on_success(self.show_entry).on_failure(self._refused) \
            .owned_by(self).run()

    def reload(self) -> None:
        if self.record is not None:
            self.load(self.record.id)

    def show_entry(self, opened: Opened) -> None:
        previous = self.record.id if self.record else None
        self.record, self.person = record, person = opened.record, opened.person
        self.title.setText(f"{person.name} {person.first_name} — {record.title}"
                           if person else record.title)
        status = f"État : {STATUS_LABELS[record.status]}"
        if record.entry_date:
            status += f" — dans la situation depuis le {day(record.entry_date)}"
        self.status.setText(status)
        self._show_person(person)
        self._show_attempts(record)
        self._show_outcome(record)
        if record.id != previous:
            self.banner.hide()
            self.offers.load(record.id, read_only=record.status is PathwayStatus.DONE)

    def _show_person(self, person: WorklistRow | None) -> None:
        while self.person_form.rowCount():
            self.person_form.removeRow(0)
        if person is None:
            return
        lines = [("Nom", f"{person.name} {person.first_name}"),
                 ("Téléphone", (person.phone or "aucun numéro connu") + (
                     " — ⚠ coordonnées à vérifier : l'extrait donnait un téléphone ou un "
                     "e-mail non valide" if person.contacts_to_check else "")),
                 ("Âge", age(person.birth_date, date.today())),
                 ("Né(e) le", day(person.birth_date)),
                 ("NIR", person.masked_nir),
                 ("Conseiller", person.adviser or "non attribuée")]
        for label, value in lines:
            text = QLabel(value)
            text.setWordWrap(True)
            text.setAccessibleName(label)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            self.person_form.addRow(f"{label} :", text)

    def _show_attempts(self, record: EntryRecord) -> None:
        lines = [f"Tentative {a.number} — {moment(a.attempted_at)} — {a.by or 'inconnu'} — "
                 f"{a.result_label}" for a in record.attempts]
        self.attempts_list.setText("\n".join(lines) or "Aucune tentative pour l'instant.")
        for widget in (self.result_label, self.result, self.attempt_button):
            widget.setVisible(record.can_attempt)
        self.attempt_button.setText(f"Enregistrer la &tentative {len(record.attempts) + 1}")

    def _show_outcome(self, record: EntryRecord) -> None:
        if record.outcome is not None:
            text = f"Issue : {STATUS_LABELS[PathwayStatus(record.outcome.value)]}"
            if record.appointment_id is not None:
                text += " — le rendez-vous est lié à la ligne."
        elif record.allowed_outcomes:
            text = "Choisissez l'issue quand elle est connue :"
        else:
            text = "Aucune issue possible pour l'instant."
        self.outcome_text.setText(text)
        for outcome, button in self.outcome_buttons.items():
            button.setVisible(outcome in record.allowed_outcomes)
        self.appointment_button.setVisible(record.appointment_id is not None)
        self.close_button.setVisible(record.can_close)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
            return
        super().keyPressEvent(event)

    # -- actions ---------------------------------------------------------------------------
    def _write(self, work) -> None:
        ops.write(self._ctx, work).on_success(lambda _r: self._done()) \
            .on_failure(self._refused).owned_by(self).run()

    def _done(self) -> None:
        self.banner.hide()
        self.reload()
        self.changed.emit()

    def _refused(self, error: BaseException) -> None:
        if self._ctx.show_record_refusal(error, self.banner, self):
            self.reload()

    def record_attempt(self) -> None:
        record, result = self.record, self.result.value()
        if record is None or not record.can_attempt or result is None:
            return
        self._write(lambda unit: worklists.record_attempt(
            unit, record.id, record.version, AttemptResult(result)))

    def choose_outcome(self, outcome: PathwayOutcome) -> None:
        record = self.record
        if record is None or outcome not in record.allowed_outcomes:
            return
        if outcome is PathwayOutcome.BOOKED:
            self.book()
            return
        self._write(lambda unit: worklists.set_outcome(unit, record.id,
                                                          record.version, outcome))

    def close_entry(self) -> None:
        record = self.record
        if record is None or not record.can_close:
            return
        self._write(lambda unit: worklists.close_entry(unit, record.id,
                                                          record.version))

    def book(self) -> None:
        """Open the booking dialog on the pathway's motive (``booking_preset``)."""
        record = self.record
        if record is None:
            return

        def work(unit):
            preset = worklists.booking_preset(unit, record.id)
            codes = {m.id: m.code for m in agenda_setup.list_motives(unit)}
            return preset, codes.get(preset.motive_id)

        ops.query(self._ctx, work) \
            .on_success(lambda answer: self._open_booking(record, *answer)) \
            .on_failure(self._refused).owned_by(self).run()

    def _open_booking(self, record: EntryRecord, preset: worklists.BookingPreset,
                      motive_code: str | None) -> None:
        dialog = pathway_booking_dialog(self._ctx, record, preset, motive_code, self)
        dialog.saved.connect(lambda _appointment_id: self._done())
        self._keep(dialog)

    def open_appointment(self) -> None:
        if self.record is not None and self.record.appointment_id is not None:
            self._keep(AppointmentDialog(self._ctx, self.record.appointment_id, parent=self))

    def _keep(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

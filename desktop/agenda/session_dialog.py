"""One workshop session: capacity, registrations, waiting list (the service moves it up when
a seat is freed), attendance, and cancelling the whole session.

« Prévenir la personne » goes with the writes that message the person concerned: a
registration (its confirmation), an unregistration and a whole session cancelled (their
cancellations). The person a freed seat goes to is told whatever the box says
(``db.messages.queue``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.agenda import booking, workshops
from db.agenda.labels import STATUS_LABELS
from db.agenda.models import AppointmentStatus, CancelledBy, Channel
from db.agenda.workshops import Participant, SessionRow, ToNotify
from db.org.access import Permission
from db.roles import Role
from db.wording import moment as french_moment
from desktop import operations as ops
from desktop.agenda.common import Prompts
from desktop.context import AppContext
from desktop.messages.notice import notice_box, told
from desktop.people.picker import PersonPicker
from widgets.banner import Banner
from widgets.form import Form


@dataclass(frozen=True)
class _State:
    session: SessionRow
    participants: list[Participant]


def seats_text(row: SessionRow) -> str:
    text = f"{row.seats_taken} inscrit{'s' if row.seats_taken > 1 else ''} sur {row.capacity}"
    return text + (f", {row.waiting} en attente" if row.waiting else "")


class SessionDialog(QDialog):
    """``changed()`` fires after each write; ``loaded()`` when the session is shown."""

    changed = Signal()
    loaded = Signal()

    def __init__(self, ctx: AppContext, session: SessionRow, time_zone: str, *,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._zone = time_zone
        self.state = _State(session, [])
        self.setWindowTitle(f"Atelier — {session.motive_label}")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self._build()
        self.load()

    def _build(self) -> None:
        self.banner = Banner(self)
        self.summary = QLabel(self)  # short lines: unwrapped, so the layout keeps them all
        self.summary.setAccessibleName("Session")
        self.people = QListWidget(self)
        self.people.setAccessibleName("Inscrits, puis liste d'attente ; cochez les présents")
        self.people.currentRowChanged.connect(self._selection_changed)

        self.register_button = QPushButton("&Inscrire une personne…", self)
        self.register_button.clicked.connect(self._show_picker)
        self.withdraw_button = QPushButton("&Retirer de la liste d'attente", self)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.unregister_button = QPushButton("&Annuler l'inscription", self)
        self.unregister_button.clicked.connect(self.unregister)
        self.attendance_button = QPushButton("Enregistrer la &présence", self)
        self.attendance_button.clicked.connect(self.record_attendance)
        self.cancel_session_button = QPushButton("Annuler la &session…", self)
        self.cancel_session_button.clicked.connect(self.cancel_session)
        # People's actions on one line, the session's own on the next.
        people_line, session_line = QHBoxLayout(), QHBoxLayout()
        for line, buttons in ((people_line, (self.register_button, self.withdraw_button,
                                             self.unregister_button)),
                              (session_line, (self.attendance_button,
                                              self.cancel_session_button))):
            for button in buttons:
                button.setAutoDefault(False)
                line.addWidget(button)
            line.addStretch()

        self.form = Form(self)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Requis pour annuler une inscription ou la session")
        self.form.add("reason", "&Motif de l'annulation", self.reason)
        self.notify = notice_box()
        self.form.add("notify", "Message à la personne", self.notify)
        self.picker = PersonPicker(self._ctx, self)
        self.picker.chosen.connect(lambda person: person and self.register(person.id))
        self.picker.hide()

        close_box = QDialogButtonBox(self)
        close_box.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(
            self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.banner, self.summary, self.people):
            layout.addWidget(widget)
        layout.addLayout(people_line)
        layout.addLayout(session_line)
        layout.addWidget(self.form)
        layout.addWidget(self.picker)
        layout.addWidget(close_box)

    # -- data --------------------------------------------------------------------------------
    def load(self) -> None:
        row = self.state.session

        def work(unit) -> _State:
            (fresh,) = [s for s in workshops.sessions_between(
                unit, row.site_id, row.starts_at,
                row.starts_at + timedelta(seconds=1)) if s.id == row.id]
            return _State(fresh, workshops.participants(unit, row.id))

        ops.query(self._ctx, work).on_success(self._show).owned_by(self).run()

    def _show(self, state: _State) -> None:
        self.state = state
        row = state.session
        started = row.starts_at <= datetime.now(UTC)
        self.summary.setText(
            f"<b>{row.motive_label}</b><br>{french_moment(row.starts_at, self._zone)} "
            f"(heure du lieu)<br>Capacité : {row.capacity} — {seats_text(row)}"
            + ("<br><b>Session annulée</b>" if row.cancelled else ""))
        self.people.clear()
        position = 0
        for participant in state.participants:
            if participant.appointment_id is None:
                position += 1
                text = f"{participant.name} — en attente n° {position}"
            else:
                text = f"{participant.name} — {STATUS_LABELS[participant.status]}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, participant)
            if participant.appointment_id is not None and started:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked
                                   if participant.status is AppointmentStatus.HONOURED
                                   else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.register_button.setEnabled(not started and not row.cancelled)
        self.attendance_button.setVisible(started and not row.cancelled)
        self.cancel_session_button.setVisible(
            not started and not row.cancelled and self._ctx.actor.can(Permission.PLAN_AGENDA))
        self._selection_changed()
        self.loaded.emit()

    def selected(self) -> Participant | None:
        item = self.people.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _selection_changed(self, *_row) -> None:
        participant = self.selected()
        self.withdraw_button.setEnabled(participant is not None
                                        and participant.waiting_entry_id is not None)
        self.unregister_button.setEnabled(participant is not None
                                          and participant.status is AppointmentStatus.BOOKED)

    # -- actions -----------------------------------------------------------------------------
    def _write(self, work, done: str | Callable[[object], str] = "") -> None:
        """Run ``work``; then show ``done``, a message or one made from the result."""
        self.banner.hide()
        self.form.clear_errors()

        def written(result) -> None:
            message = done(result) if callable(done) else done
            if message:
                self.banner.say(message)
            self.changed.emit()
            self.load()

        ops.write(self._ctx, work) \
            .on_success(written).on_failure(self._refused).owned_by(self).run()

    def _show_picker(self) -> None:
        self.picker.field.clear()  # each registration starts a new search
        self.picker.show()
        self.picker.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def register(self, person_id: uuid.UUID) -> None:
        self.picker.hide()
        actor, session_id = self._ctx.actor, self.state.session.id
        channel = Channel.FRANCE_SERVICES if actor.role is Role.PARTNER else Channel.RECEPTION

        def work(unit) -> workshops.Registration:
            return workshops.register(unit, session_id, person_id, channel)

        self._write(told(work, self.notify))

    def withdraw(self) -> None:
        participant = self.selected()
        self._write(lambda unit: workshops.withdraw_from_waiting_list(
            unit, participant.waiting_entry_id, participant.version))

    def unregister(self) -> None:
        participant = self.selected()
        reason = self.reason.text()
        self._write(told(lambda unit: booking.cancel_appointment(
            unit, participant.appointment_id, participant.version,
            CancelledBy.PERSON, reason), self.notify),
            done="Inscription annulée ; la place revient à la première personne en attente, "
                 "s'il y en a une.")

    def record_attendance(self) -> None:
        present = {self.people.item(row).data(Qt.ItemDataRole.UserRole).person_id
                   for row in range(self.people.count())
                   if self.people.item(row).checkState() == Qt.CheckState.Checked}
        session_id = self.state.session.id
        self._write(lambda unit: workshops.record_attendance(unit, session_id,
                                                                present),
                    done="Présence enregistrée.")

    def cancel_session(self) -> None:
        row, reason = self.state.session, self.reason.text()
        people = row.seats_taken + row.waiting
        question = (f"Annuler la session du {french_moment(row.starts_at, self._zone)} ? "
                    + (f"Ses {people} inscrits et personnes en attente perdront leur place."
                       if people > 1 else
                       "La personne inscrite perdra sa place." if row.seats_taken else
                       "La personne en attente perdra sa place." if row.waiting else
                       "Personne n'y est inscrit."))
        if not Prompts.confirm(self, question):
            return
        self._write(told(lambda unit: workshops.cancel_session(
            unit, row.id, row.version, reason), self.notify), done=self._whom_to_warn)

    @staticmethod
    def _whom_to_warn(notified: list[ToNotify]) -> str:
        if not notified:
            return "Session annulée ; personne n'y était inscrit."
        lines = [f"• {n.name}" + (f" — {n.phone}" if n.phone else "")
                 + (f" — {n.email}" if n.email else "")
                 + (" (liste d'attente)" if n.was_waiting else "") for n in notified]
        return "Session annulée. Prévenez ces personnes :\n" + "\n".join(lines)

    def _refused(self, error: BaseException) -> None:
        if self._ctx.show_refusal(error, self.form, self.banner.say, self):
            self.load()

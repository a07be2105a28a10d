"""One appointment: who, why, where and when (the site's local time), its status and history,
and what can be done with it — outcome, cancellation, move, the person's invitation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.agenda import appointments, booking
from db.agenda.appointments import AppointmentDetail
from db.agenda.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS
from db.agenda.models import AppointmentKind, AppointmentStatus, CancelledBy
from db.errors import ValidationError
from db.org.access import Permission
from db.preparation import tasks
from db.wording import moment as french_moment
from desktop import operations as ops
from desktop.agenda.common import TO_FILL, Prompts, time_text, to_fill
from desktop.agenda.slot_list import SlotList
from desktop.context import AppContext
from desktop.documents import confirmation_letter, ical, write_atomically
from desktop.messages.notice import notice_box, told
from desktop.preparation.dialogs import PdfPrompt
from desktop.preparation.form import PreparationDialog
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.dialog_layout import GuardedDialog, lay_out_dialog
from widgets.form import Form

_OPEN = (AppointmentStatus.BOOKED,)
_OUTCOME_ALLOWED = (AppointmentStatus.BOOKED, AppointmentStatus.HONOURED,
                    AppointmentStatus.NO_SHOW)


def status_text(detail: AppointmentDetail, now: datetime) -> str:
    row = detail.row
    text = STATUS_LABELS[row.status]
    if row.status is AppointmentStatus.CANCELLED and detail.cancelled_by:
        who = "la personne" if detail.cancelled_by is CancelledBy.PERSON else "le service"
        text += f" par {who} : {detail.cancel_reason}"
    if to_fill(row, now):
        text += f" — {TO_FILL}"
    return text


def write_invitation(unit, appointment_id: uuid.UUID, path: Path) -> None:
    """The person's invitation file: REQUEST while the appointment holds, CANCEL after."""
    invitation = appointments.invitation(unit, appointment_id)
    data = (ical.invitation_cancel(invitation) if invitation.entry.cancelled
            else ical.invitation_request(invitation))
    write_atomically(path, data)


class AppointmentDialog(GuardedDialog):
    """Shows one appointment; every action is a service call on the worker thread, after
    which the dialog shows the appointment as it now is (a moved one: its successor).
    ``changed(appointment_id)`` fires after each write."""

    changed = Signal(uuid.UUID)
    loaded = Signal()

    def __init__(self, ctx: AppContext, appointment_id: uuid.UUID, *,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.detail: AppointmentDetail | None = None
        self.setWindowTitle("Rendez-vous")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 72)
        self._build()
        self.guard(self.cancel_form, self.move_form)
        fit_dialog(self, "appointment")
        self.load(appointment_id)

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = Banner(self, framed=True)

        self.facts = Form(self)
        self.values = self.facts.add_facts((
            ("person", "Personne"), ("contact", "Contact"), ("motive", "Motif"),
            ("documents", "Pièces à apporter"), ("kind", "Type"), ("when", "Date et heure"),
            ("site", "Lieu"), ("adviser", "Conseiller"), ("channel", "Canal"),
            ("note", "Note"), ("status", "Statut"), ("history", "Historique"),
            ("reference", "Identifiant")))

        actions = QHBoxLayout()
        self.honoured_button = self._button("&Honoré", actions,
                                            lambda: self.record(AppointmentStatus.HONOURED))
        self.no_show_button = self._button("A&bsent", actions,
                                           lambda: self.record(AppointmentStatus.NO_SHOW))
        self.cancel_button = self._button("A&nnuler le rendez-vous…", actions,
                                          self.show_cancel)
        self.move_button = self._button("&Déplacer…", actions, self.show_move)
        self.invitation_button = self._button("Exporter l'&invitation…", actions,
                                              self.export_invitation)
        self.letter_button = self._button("&Lettre de confirmation…", actions,
                                          self.export_letter)
        actions.addStretch()
        links = QHBoxLayout()
        self.origin_button = self._button("Voir le rendez-vous d'&origine", links,
                                          lambda: self.load(self.detail.rescheduled_from_id))
        self.follower_button = self._button("Voir le nouveau &rendez-vous", links,
                                            lambda: self.load(self.detail.rescheduled_to_id))
        self.preparation_button = self._button("Voir la pr&éparation", links,
                                               self.open_preparation)
        links.addStretch()
        for button in (self.honoured_button, self.no_show_button, self.cancel_button,
                       self.move_button, self.invitation_button, self.letter_button,
                       self.origin_button, self.follower_button, self.preparation_button):
            button.hide()  # until the appointment is loaded: each one depends on it

        # Cancelling: by whom and why (required), confirmed in place.
        self.cancel_box = QGroupBox("Annuler le rendez-vous", self)
        self.by_person = QRadioButton("Par la &personne")
        self.by_service = QRadioButton("Par le &service")
        self.by_person.setChecked(True)
        by = QButtonGroup(self.cancel_box)
        by.addButton(self.by_person)
        by.addButton(self.by_service)
        who = QHBoxLayout()
        who.addWidget(self.by_person)
        who.addWidget(self.by_service)
        who.addStretch()
        self.cancel_form = Form(self.cancel_box)
        self.reason = QLineEdit()
        self.reason.setMaxLength(300)
        self.reason.setPlaceholderText("Empêchement, doublon, demande réglée…")
        self.cancel_form.add("reason", "&Motif de l'annulation", self.reason)
        self.confirm_cancel_button = QPushButton("&Confirmer l'annulation")
        self.confirm_cancel_button.clicked.connect(self.cancel)
        self.notify_cancel = notice_box()
        box = QVBoxLayout(self.cancel_box)
        box.addLayout(who)
        box.addWidget(self.cancel_form)
        box.addWidget(self.notify_cancel)
        box.addWidget(self.confirm_cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.cancel_box.hide()

        # Moving: the free slots of the same motive, kind and site.
        self.move_box = QGroupBox("Déplacer le rendez-vous", self)
        self.move_form = Form(self.move_box)
        self.slot_list = SlotList(self._ctx)
        self.move_form.add("starts_at", "&Nouveau créneau", self.slot_list)
        self.confirm_move_button = QPushButton("Confirmer le &déplacement")
        self.confirm_move_button.clicked.connect(self.move)
        self.notify_move = notice_box()
        box = QVBoxLayout(self.move_box)
        box.addWidget(self.move_form)
        box.addWidget(self.notify_move)
        box.addWidget(self.confirm_move_button, 0, Qt.AlignmentFlag.AlignRight)
        self.move_box.hide()

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.facts)
        column.addLayout(actions)
        column.addLayout(links)
        column.addWidget(self.cancel_box)
        column.addWidget(self.move_box)
        column.addStretch()
        buttons = QDialogButtonBox(self)
        close = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        lay_out_dialog(self, self.banner, content, buttons)

    def _button(self, text: str, layout: QHBoxLayout, action) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(action)
        layout.addWidget(button)
        return button

    # -- data --------------------------------------------------------------------------------
    def load(self, appointment_id: uuid.UUID) -> None:
        ops.query(self._ctx, lambda unit: appointments.get_appointment(unit, appointment_id)) \
            .on_success(self._show).owned_by(self).run()

    def _show(self, detail: AppointmentDetail) -> None:
        self.detail = detail
        row, zone = detail.row, detail.time_zone
        now = datetime.now(UTC)
        self.setWindowTitle(f"Rendez-vous — {row.person_name}")
        contact = " — ".join(part for part in (detail.person_phone, detail.person_email)
                             if part)
        texts = {
            "person": row.person_name,
            "contact": contact or "ni téléphone ni e-mail sur la fiche",
            "motive": f"{detail.motive_label} ({row.motive_code})",
            "documents": ", ".join(detail.documents) or "Aucune pièce particulière.",
            "kind": KIND_LABELS[row.kind],
            "when": f"{french_moment(row.starts_at, zone)} – {time_text(row.ends_at, zone)}"
                    " (heure du lieu)",
            "site": detail.site_name,
            "adviser": detail.adviser_name,
            "channel": CHANNEL_LABELS[row.channel],
            "note": detail.note or "—",
            "status": status_text(detail, now),
            "history": "\n".join(
                f"{when.astimezone(ZoneInfo(zone)):%d/%m/%Y %H:%M} — {what} — {who}"
                for when, who, what in detail.history) or "Aucun changement enregistré.",
            "reference": str(row.id),  # what « guichet export pdf letter » takes
        }
        for name, text in texts.items():
            self.values[name].setText(text)
            self.values[name].setAccessibleName(f"{self.facts.field(name).label.text()} : "
                                                f"{text}")
        booked = row.status in _OPEN
        started = row.starts_at <= now
        individual = row.kind is not AppointmentKind.WORKSHOP
        self.honoured_button.setVisible(started and row.status in _OUTCOME_ALLOWED)
        self.no_show_button.setVisible(started and row.status in _OUTCOME_ALLOWED)
        self.cancel_button.setVisible(booked)
        self.move_button.setVisible(booked and individual and not started)
        self.invitation_button.setVisible(bool(detail.person_email) and row.status in (
            AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED))
        self.letter_button.setVisible(booked and not started)  # no letter for the past
        self.preparation_button.setVisible(
            row.kind is AppointmentKind.PHYSICAL
            and self._ctx.actor.can(Permission.PREPARE_APPOINTMENTS))
        self.origin_button.setVisible(detail.rescheduled_from_id is not None)
        self.follower_button.setVisible(detail.rescheduled_to_id is not None)
        if not booked:
            self.cancel_box.hide()
            self.move_box.hide()
        self.mark_clean()
        self.loaded.emit()

    # -- actions -----------------------------------------------------------------------------
    def _write(self, work, then=None) -> None:
        self.banner.hide()
        ops.write(self._ctx, work) \
            .on_success(lambda result: self._written(
                then(result) if then else self.detail.row.id)) \
            .on_failure(self._refused).owned_by(self).run()

    def _written(self, appointment_id: uuid.UUID) -> None:
        self.changed.emit(appointment_id)
        self.load(appointment_id)

    def record(self, outcome: AppointmentStatus) -> None:
        row = self.detail.row
        self._write(lambda unit: booking.record_outcome(unit, row.id,
                                                           row.version, outcome))

    def show_cancel(self) -> None:
        self.move_box.hide()
        self.cancel_box.show()
        self.cancel_form.clear_errors()
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel(self) -> None:
        row = self.detail.row
        by = CancelledBy.PERSON if self.by_person.isChecked() else CancelledBy.SERVICE
        reason = self.reason.text()
        self._write(told(lambda unit: booking.cancel_appointment(
            unit, row.id, row.version, by, reason), self.notify_cancel))

    def show_move(self) -> None:
        detail = self.detail
        self.cancel_box.hide()
        self.move_box.show()
        self.move_form.clear_errors()
        self.slot_list.load(detail.motive_id, detail.row.kind, [detail.row.site_id])
        self.slot_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def move(self) -> None:
        slot = self.slot_list.chosen()
        if slot is None:
            self.move_form.show_errors({"starts_at": "Choisissez le nouveau créneau."})
            return
        row = self.detail.row
        self._write(told(lambda unit: booking.reschedule_appointment(
            unit, row.id, row.version, slot.starts_at, adviser_id=slot.adviser_id,
            site_id=slot.site_id), self.notify_move), then=lambda new_id: new_id)

    def export_invitation(self) -> None:
        row = self.detail.row
        path = Prompts.save_path(self, "Exporter l'invitation",
                                 f"rendez-vous-{row.starts_at:%Y-%m-%d}.ics")
        if not path:
            return
        ops.query(self._ctx, lambda unit: write_invitation(unit, row.id,
                                                              Path(path))) \
            .on_success(lambda _none: self.banner.say_written(
                f"Invitation enregistrée : {path}", path)) \
            .on_failure(self._refused).owned_by(self).run()

    def export_letter(self) -> None:
        row = self.detail.row
        path = PdfPrompt.save_path(self, "Enregistrer la lettre de confirmation",
                                   f"confirmation-rendez-vous-"
                                   f"{row.starts_at.astimezone(ZoneInfo(self.detail.time_zone)):%Y-%m-%d}.pdf")
        if not path:
            return
        ops.query(self._ctx, lambda unit: write_atomically(
            Path(path), confirmation_letter.confirmation_letter(unit, row.id))) \
            .on_success(lambda _none: self.banner.say_written(
                f"Lettre de confirmation enregistrée : {path}", path)) \
            .on_failure(self._refused).owned_by(self).run()

    def open_preparation(self) -> None:
        row = self.detail.row
        ops.query(self._ctx, lambda unit: tasks.task_for_appointment(
            unit, row.id)).on_success(self._show_preparation).owned_by(self).run()

    def _show_preparation(self, task_id: uuid.UUID | None) -> None:
        if task_id is None:
            self.banner.say("Ce rendez-vous n'a pas de préparation (pris avant leur "
                              "mise en place, ou annulé).")
            return
        dialog = PreparationDialog(self._ctx, task_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda: self._written(self.detail.row.id))
        dialog.open()

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            self.cancel_form.show_errors(error.field_errors)
            placed = {"reason"} if self.cancel_box.isVisible() else set()
            others = [m for name, m in error.field_errors.items() if name not in placed]
            if others:
                self.banner.say("\n".join(others))
        elif ops.is_refusal(error):
            self.banner.say(str(error))
            if self.detail is not None:  # show what changed meanwhile
                self.load(self.detail.row.id)
        else:
            self._ctx.report_error(error, self)

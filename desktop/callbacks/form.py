"""Taking a call-back request at the reception or at a France Services counter."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db.callbacks import requests
from db.callbacks.models import CallbackRequest
from db.callbacks.requests import CallbackInput
from db.errors import PermissionDenied
from db.people.search import PersonRow
from db.roles import Role
from desktop import operations as ops
from desktop.callbacks.choices import CallbackChoices
from desktop.callbacks.wording import due_line
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from desktop.people.picker import FIRST_NAME, NAME, PHONE, PersonPicker
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.choice_box import ChoiceBox
from widgets.dialog_layout import GuardedDialog, lay_out_dialog, save_and_cancel
from widgets.form import Form

NO_MOTIVE = "— Aucun —"


class TakeCallbackDialog(GuardedDialog):
    """The « fiche de contact »: who to call back, where, and why. Saving goes through the
    call-back service; a refusal shows each French message below its field."""

    saved = Signal(uuid.UUID)

    def __init__(self, ctx: AppContext, choices: CallbackChoices,
                 clock: Callable[[], datetime], parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._choices, self._clock = ctx, choices, clock
        self.setWindowTitle("Nouvelle demande de rappel")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 64)
        self._build()
        self._person_changed(None)
        self._show_due()
        self.guard(self.form)
        self.mark_clean()
        fit_dialog(self, "callback")

    def _build(self) -> None:
        self.banner = Banner(self, framed=True)

        self.form = Form(self)
        self.picker = PersonPicker(self._ctx, columns=(NAME, FIRST_NAME, PHONE), show_choice=True)
        self.picker.field.setPlaceholderText("Nom, NIR ou téléphone (facultatif)")
        self.picker.field.setToolTip("Laisser vide si la personne n'est pas dans le fichier : "
                                     "son nom et son numéro suffisent.")
        self.picker.field.setAccessibleName("Rechercher la personne dans le fichier")
        self.form.add("person_id", "&Personne", self.picker)
        self.contact_name = QLineEdit()
        self.contact_name.setPlaceholderText("Mme Roux")
        self.form.add("contact_name", "&Nom à rappeler", self.contact_name)
        self.contact_phone = QLineEdit()
        self.form.add("contact_phone", "&Téléphone", self.contact_phone)
        self.contact_email = QLineEdit()
        self.contact_email.setPlaceholderText("facultatif")
        self.form.add("contact_email", "&E-mail", self.contact_email)
        self.site = ChoiceBox()
        self.site.set_choices((site.id, site.name) for site in self._choices.sites)
        own = self.site.set_value(self._ctx.actor.site_id)
        # A France Services agent leaves requests for their own counter only.
        self.site.setEnabled(not (self._ctx.actor.role is Role.PARTNER and own))
        self.form.add("site_id", "&Lieu", self.site)
        self.motive = ChoiceBox()
        self.motive.set_choices(((m.id, f"{m.label} ({m.code})") for m in self._choices.motives),
                                empty=NO_MOTIVE)
        self.form.add("motive_id", "&Motif", self.motive)
        self.reason = QLineEdit()
        self.reason.setMaxLength(300)
        self.reason.setPlaceholderText("Ce que la personne demande, sans détail médical")
        # What the queue's « Demande » column and the handling dialog show.
        self.form.add("reason", "&Demande", self.reason)
        limit_to_columns(self.form, CallbackRequest, ("contact_name", "contact_email", "reason"))
        self.due = QLabel(self)
        self.due.setAccessibleName("Échéance du rappel")
        self.due.setWordWrap(True)
        self.due.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 60)
        self.picker.chosen.connect(self._person_changed)
        self.site.currentIndexChanged.connect(self._show_due)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.form)
        column.addWidget(self.due)
        column.addStretch()

        self.buttons, self.save_button = save_and_cancel(self, "En&registrer la demande",
                                                         self.save)
        lay_out_dialog(self, self.banner, content, self.buttons)

    def _person_changed(self, person: PersonRow | None) -> None:
        self.form.set_visible("contact_name", person is None)
        if person is not None and person.phone:
            self.contact_phone.setPlaceholderText(
                f"laisser vide pour appeler le {person.phone}")
        else:
            self.contact_phone.setPlaceholderText("06 12 34 56 78")

    def _show_due(self) -> None:
        site = self._choices.site(self.site.value())
        if site is None:
            self.due.setText("Aucun lieu d'accueil n'est décrit : voyez l'administrateur.")
            return
        due_at = requests.due_time(self._clock(), site.time_zone, site.department)
        self.due.setText(f"{due_line(due_at, site.time_zone)} (24 heures ouvrées).")

    def _input(self) -> CallbackInput:
        person_id = self.picker.person_id
        return CallbackInput(
            site_id=self.site.value(), person_id=person_id,
            contact_name="" if person_id else self.contact_name.text(),
            contact_phone=self.contact_phone.text(), contact_email=self.contact_email.text(),
            motive_id=self.motive.value(), reason=self.reason.text(),
        )

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        data, now = self._input(), self._clock()
        self.save_button.setEnabled(False)
        ops.write(self._ctx, lambda unit: requests.take_callback(unit, data, now=now)) \
            .on_success(self._saved).on_failure(self._refused).run()

    def _saved(self, callback_id: uuid.UUID) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(callback_id)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, PermissionDenied):
            self.save_button.hide()
        self._ctx.show_refusal(error, self.form, self.banner.say, self, unsaved=(
            "La demande n'a pas été enregistrée : corrigez les champs signalés."))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.picker.setFocus(Qt.FocusReason.OtherFocusReason)

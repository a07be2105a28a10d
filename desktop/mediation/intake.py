"""« Nouvelle saisine »: register a mediation request, the requester picked from the registry."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from db.errors import ValidationError
from db.mediation import common as mediation_common
from db.mediation import intake
from db.mediation.labels import CHANNEL_LABELS
from db.mediation.models import MediationCase
from db.mediation.records import CaseCreated, CaseInput
from db.mediation.setup import MotiveRecord
from db.people.search import PersonRow
from desktop import operations as ops
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from desktop.mediation.dialogs import combo, comment_editor
from desktop.people.picker import BORN, CITY, KIND, NAME, PersonPicker
from desktop.people.search import COLUMNS, person_cell
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.date_field import DateField
from widgets.dialog_layout import GuardedDialog, lay_out_dialog
from widgets.form import Form


def describe_requester(person: PersonRow | None) -> str:
    """« Demandeur : LEFÈVRE Éloïse — Assuré — né(e) le 12/03/1980 — Grenoble »."""
    if person is None:
        return "Aucun demandeur choisi."
    name, kind, born, city = (person_cell(person, column)
                              for column in (NAME, KIND, BORN, CITY))
    return "Demandeur : " + " — ".join(
        part for part in (f"{name} {person.first_name}".strip(), kind,
                          f"né(e) le {born}" if born else "", city) if part)


class IntakeDialog(GuardedDialog):
    """The intake form; saving creates the case (nothing is written when refused)."""

    saved = Signal(object)  # CaseCreated

    def __init__(self, ctx: AppContext, motives: list[MotiveRecord],
                 team: list[tuple[uuid.UUID, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._motives = motives
        self.setWindowTitle("Nouvelle saisine")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self._build(team)
        self.received_on.set_date(mediation_common.today_in_office())
        self._offer_motives()
        self.guard(self.form)
        self.mark_clean()
        fit_dialog(self, "intake")

    def _build(self, team: list[tuple[uuid.UUID, str]]) -> None:
        self.banner = Banner(self, framed=True)

        form = self.form = Form(self)
        self.received_on = DateField()
        form.add("received_on", "&Reçue le", self.received_on)
        self.channel = combo(CHANNEL_LABELS, empty="— Choisir le canal —")
        form.add("channel", "&Canal", self.channel)
        # The whole registry line, NIR masked: homonyms are told apart before choosing.
        self.person = PersonPicker(self._ctx, columns=range(len(COLUMNS)), choose_on_move=True,
                                   describe=describe_requester)
        self.person.field.setPlaceholderText("Nom, NIR ou téléphone du demandeur")
        self.person.summary.setAccessibleName("Demandeur choisi")
        form.add("person_id", "&Demandeur", self.person).setSizePolicy(
            QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.person.field.setAccessibleName("Rechercher le demandeur dans le registre")
        self.representative_name = QLineEdit()
        self.representative_name.setPlaceholderText("facultatif : tuteur, aidant, association…")
        form.add("representative_name", "Agit &pour lui", self.representative_name)
        self.representative_capacity = QLineEdit()
        form.add("representative_capacity", "À quel &titre", self.representative_capacity)
        self.motive = combo({}, empty="— Choisir le motif —")
        form.add("motive_id", "&Motif", self.motive)
        self.contested_decision = QLineEdit()
        form.add("contested_decision", "Décision c&ontestée", self.contested_decision)
        limit_to_columns(form, MediationCase, ("representative_name", "representative_capacity",
                                               "contested_decision"))
        self.decision_notified_on = DateField()
        form.add("decision_notified_on", "&Notifiée le", self.decision_notified_on)
        self.prior_step_done = QCheckBox(
            "Une démarche a déjà été faite auprès du service concerné")
        form.add("prior_step_done", "Démarche pré&alable", self.prior_step_done)
        self.court_action_pending = QCheckBox("Un recours devant un tribunal est en cours")
        form.add("court_action_pending", "Recours contentieu&x", self.court_action_pending)
        self.summary = comment_editor(5)
        # The form takes the whole height (below); these rows keep their own, not more.
        form.add("summary", "Ré&sumé", self.summary).setSizePolicy(
            QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.urgent = QCheckBox("Urgent (par exemple : la personne est sans revenus)")
        form.add("urgent", "&Urgence", self.urgent)
        self.mediator = combo(dict(team), empty="— Non attribué —")
        self.mediator.set_value(self._ctx.actor.id)
        form.add("mediator_id", "Méd&iateur", self.mediator)
        self.received_on.editingFinished.connect(self._offer_motives)
        self.motive.currentIndexChanged.connect(self._preset_urgency)

        content = QWidget()
        column = QVBoxLayout(content)
        # All the height to the form: sized to its hint only, its height-for-width sharing
        # (wrapped error messages) squeezed the result list onto the line below it.
        column.addWidget(form, 1)

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("&Enregistrer la saisine",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAutoDefault(False)  # Enter in the search must not save
        self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        lay_out_dialog(self, self.banner, content, self.buttons)

    # -- motives ------------------------------------------------------------------------------
    def _offer_motives(self) -> None:
        """The motives in force on the day received (all of today's when it is unreadable)."""
        try:
            on = self.received_on.date() or mediation_common.today_in_office()
        except ValueError:
            on = mediation_common.today_in_office()
        self.motive.set_choices(
            ((m.id, m.label) for m in self._motives
             if m.valid_from <= on and (m.valid_until is None or on <= m.valid_until)),
            empty="— Choisir le motif —")

    def _preset_urgency(self) -> None:
        motive = next((m for m in self._motives if m.id == self.motive.value()), None)
        if motive is not None:
            self.urgent.setChecked(motive.urgent_by_default)

    # -- saving ---------------------------------------------------------------------------------
    def _input(self) -> tuple[CaseInput, dict[str, str]]:
        errors: dict[str, str] = {}
        today = mediation_common.today_in_office()

        def read(field: DateField, name: str) -> date | None:
            try:
                return field.date()
            except ValueError as error:
                errors[name] = str(error)
                return None

        received_on = read(self.received_on, "received_on")
        if received_on is None and "received_on" not in errors:
            errors["received_on"] = "La date de réception est obligatoire."
        data = CaseInput(
            received_on=received_on or today, channel=self.channel.value(),
            person_id=self.person.person_id, motive_id=self.motive.value(),
            prior_step_done=self.prior_step_done.isChecked(),
            court_action_pending=self.court_action_pending.isChecked(),
            summary=self.summary.toPlainText(), urgent=self.urgent.isChecked(),
            representative_name=self.representative_name.text(),
            representative_capacity=self.representative_capacity.text(),
            contested_decision=self.contested_decision.text(),
            decision_notified_on=read(self.decision_notified_on, "decision_notified_on"),
            mediator_id=self.mediator.value(),
        )
        return data, errors

    def save(self) -> None:
        data, local_errors = self._input()

        def work(unit) -> CaseCreated:
            try:
                created = intake.create_case(unit, data)
            except ValidationError as refused:
                raise ValidationError({**refused.field_errors, **local_errors}) from None
            if local_errors:  # a date the form could not read: refuse, nothing is kept
                raise ValidationError(local_errors)
            return created

        self.save_button.setEnabled(False)
        ops.write(self._ctx, work).on_success(self._saved) \
            .on_failure(self._refused).run()

    def _saved(self, created: CaseCreated) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(created)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._ctx.show_refusal(error, self.form, self.banner.say, self, unsaved=(
            "La saisine n'a pas été enregistrée : corrigez les champs signalés."))

"""The record of one person: identity form, history, and what later areas will add."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from db.agenda.history import HistoryLine, person_history
from db.errors import ConflictError, PermissionDenied, ValidationError
from db.org.access import Permission
from db.people import labels as people_labels
from db.people import records as people_records
from db.people.models import Person, PersonKind
from db.people.records import PersonInput, PersonRecord
from desktop import operations as ops
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from desktop.people.consent import ConsentField
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.date_field import DateField
from widgets.dialog_layout import GuardedDialog, lay_out_dialog
from widgets.form import Form

# The form's text fields: (PersonInput field, label) in tab order.
_TEXT_FIELDS = (
    ("organisation_name", "&Raison sociale"),
    ("siret", "S&IRET"),
    ("last_name", "&Nom"),
    ("first_name", "&Prénom"),
    ("birth_name", "Nom de nai&ssance"),
)
_CONTACT_FIELDS = (
    ("phone", "&Téléphone"),
    ("email", "&E-mail"),
    ("address", "&Adresse"),
    ("postcode", "Code p&ostal"),
    ("city", "&Commune"),
)
# Which fields each kind of person has (contact fields: every kind).
_KIND_FIELDS = {
    PersonKind.BENEFICIARY: {"civility", "last_name", "first_name", "birth_name", "birth_date",
                             "nir"},
    PersonKind.HEALTH_PROFESSIONAL: {"last_name", "first_name", "profession", "rpps"},
    PersonKind.EMPLOYER: {"organisation_name", "siret"},
}
_ALL_KIND_FIELDS = set().union(*_KIND_FIELDS.values())

def civility_label(nir: str) -> str:
    """« Monsieur » / « Madame » from the NIR's first character, as soon as it is typed."""
    first = nir.strip()[:1]
    return {"1": "Monsieur", "7": "Monsieur", "2": "Madame", "8": "Madame"}.get(first, "—")


HISTORY_SHOWN = 30  # the latest lines; the older ones are counted


def history_text(lines: list[HistoryLine]) -> str:
    if not lines:
        return "Aucun évènement."
    text = "\n".join(line.text() for line in lines[:HISTORY_SHOWN])
    if len(lines) > HISTORY_SHOWN:
        text += f"\n… et {len(lines) - HISTORY_SHOWN} évènements plus anciens"
    return text


class PersonDialog(GuardedDialog):
    """Create a person (``record`` None) or show and edit one.

    Saving goes through the people service on the worker thread; a refusal shows each French
    message under its field and writes nothing.
    """

    saved = Signal(uuid.UUID)

    def __init__(self, ctx: AppContext, record: PersonRecord | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._record = record
        # Wide enough for the appointments' and the cases' columns without a sideways bar.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 100)
        self._sees_nir = ctx.actor.can(Permission.VIEW_NIR)
        self._build()
        self.guard(self.form)
        self._fill(record)
        if record is not None and record.anonymised:
            self._make_read_only("Cette personne a été anonymisée : sa fiche ne se modifie "
                                 "plus.")
            self.anonymise_button.hide()
        elif not ctx.actor.can(Permission.EDIT_CONTACT):
            self._make_read_only("Votre rôle ne permet pas de modifier cette fiche.")
        elif not ctx.actor.can(Permission.EDIT_PEOPLE):
            self._lock_identity()
        fit_dialog(self, "person")

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = Banner(self, framed=True)

        self.form = Form(self)
        self.kind = QComboBox()
        for kind, label in people_labels.KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.form.add("kind", "T&ype", self.kind)
        self.civility = QLabel("—")
        self.form.add("civility", "Civilité", self.civility)
        self.nir = QLineEdit()
        self.nir.setPlaceholderText("1 84 12 76 451 089 46")
        self.form.add("nir", "N&IR", self.nir)
        self.editors: dict[str, QLineEdit] = {}
        for name, label in _TEXT_FIELDS:
            self.editors[name] = QLineEdit()
            self.form.add(name, label, self.editors[name])
        self.birth_date = DateField()
        self.form.add("birth_date", "&Date de naissance", self.birth_date)
        self.profession = QComboBox()
        self.profession.addItem("— Choisir —", "")
        for code, label in people_labels.PROFESSIONS.items():
            self.profession.addItem(label, code)
        self.form.add("profession", "Pro&fession", self.profession)
        self.editors["rpps"] = QLineEdit()
        self.editors["rpps"].setPlaceholderText("facultatif, 11 chiffres")
        self.form.add("rpps", "&RPPS", self.editors["rpps"])
        for name, label in _CONTACT_FIELDS:
            self.editors[name] = QLineEdit()
            self.form.add(name, label, self.editors[name])
        limit_to_columns(self.form, Person, ("organisation_name", "last_name", "first_name",
                                             "birth_name", "email", "address", "postcode",
                                             "city"))
        self.consent = ConsentField()
        self.form.add("message_channel", "&Messages acceptés", self.consent)
        self.editors["phone"].setPlaceholderText("06 12 34 56 78")
        self.editors["email"].setPlaceholderText("nom@exemple.fr")
        self.nir.textChanged.connect(lambda text: self.civility.setText(civility_label(text)))
        self.kind.currentIndexChanged.connect(self._show_kind_fields)

        self.history = QLabel(self)
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.history.setAccessibleName("Historique de la fiche")
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.form)
        column.addWidget(self._section("Historique", self.history))
        if self._ctx.actor.can(Permission.BOOK_APPOINTMENTS):
            column.addWidget(self._section("Rendez-vous", self._appointments()))
        if self._ctx.actor.can(Permission.WORK_PATHWAYS):
            column.addWidget(self._section("Parcours", self._pathways()))
        if self._ctx.actor.can(Permission.MEDIATION):
            column.addWidget(self._section("Médiation", self._mediation()))
        column.addStretch()

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            "Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.close_button = self.buttons.addButton(
            "Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.anonymise_button = self.buttons.addButton(
            "A&nonymiser…", QDialogButtonBox.ButtonRole.ActionRole)
        self.anonymise_button.setToolTip("Effacer l'identité de la personne (RGPD, article 17) "
                                         "en gardant l'historique pour les chiffres")
        self.anonymise_button.setVisible(self._record is not None
                                         and self._ctx.actor.can(Permission.ADMINISTER))
        self.anonymise_button.clicked.connect(self.anonymise)
        lay_out_dialog(self, self.banner, content, self.buttons, wrap=True)

    def _appointments(self) -> QWidget:
        if self._record is None:
            return QLabel("Enregistrez la fiche pour prendre un rendez-vous.")
        from desktop.agenda.person_section import PersonAppointments

        self.appointments = PersonAppointments(self._ctx, self._record.id, self)
        return self.appointments

    def _pathways(self) -> QWidget:
        if self._record is None:
            return QLabel("Aucun parcours : la fiche n'est pas encore enregistrée.")
        from desktop.pathways.person_section import PersonPathways

        self.pathways = PersonPathways(self._ctx, self._record.id, self)
        return self.pathways

    def _mediation(self) -> QWidget:
        if self._record is None:
            return QLabel("Aucun dossier : la fiche n'est pas encore enregistrée.")
        from desktop.mediation.person_section import PersonCases

        self.cases = PersonCases(self._ctx, self._record.id, self)
        return self.cases

    def _section(self, title: str, body: QWidget) -> QGroupBox:
        box = QGroupBox(title, self)
        QVBoxLayout(box).addWidget(body)
        return box

    def _show_kind_fields(self) -> None:
        shown = _KIND_FIELDS[self._kind()]
        for name in _ALL_KIND_FIELDS:
            self.form.set_visible(name, name in shown)

    def _kind(self) -> PersonKind:
        return PersonKind(self.kind.currentData())  # Qt hands the enum back as a plain str

    # -- data ------------------------------------------------------------------------------
    def _fill(self, record: PersonRecord | None) -> None:
        self._record = record
        data = record.data if record else PersonInput(kind=PersonKind.BENEFICIARY)
        self.setWindowTitle(record.display_name if record else "Nouvelle personne")
        self.kind.setCurrentIndex(self.kind.findData(data.kind))
        self._show_kind_fields()
        for name, editor in self.editors.items():
            editor.setText(getattr(data, name) or "")
        self.birth_date.set_date(data.birth_date)
        self.profession.setCurrentIndex(max(0, self.profession.findData(data.profession)))
        self.consent.set_value(data.message_channel,
                               record.message_consent_on if record else None)
        # A role without VIEW_NIR is not even given the NIR.
        self._nir_locked = record is not None and not self._sees_nir
        self.nir.setText(record.nir_display if record else "")
        self.nir.setReadOnly(self._nir_locked)
        if self._nir_locked:
            self.nir.setPlaceholderText("non communiqué à votre rôle")
            self.nir.setToolTip("Votre rôle ne permet pas de voir ni de modifier le NIR.")
        self.form.clear_errors()
        self.banner.hide()
        self.history.setText("Chargement…" if record else
                             "La fiche n'est pas encore enregistrée.")
        if record is not None:
            ops.query(self._ctx, lambda unit: person_history(unit, record.id)) \
                .on_success(lambda lines: self.history.setText(history_text(lines))) \
                .owned_by(self).run()
        self.mark_clean()

    def _input(self) -> tuple[PersonInput, dict[str, str]]:
        """The form as the service wants it, and the errors found before asking it."""
        kind = self._kind()
        shown = _KIND_FIELDS[kind]
        local_errors: dict[str, str] = {}
        values = {name: editor.text() for name, editor in self.editors.items()
                  if name not in _ALL_KIND_FIELDS or name in shown}
        birth_date = None
        if "birth_date" in shown:
            try:
                birth_date = self.birth_date.date()
            except ValueError as error:
                local_errors["birth_date"] = str(error)
        data = PersonInput(kind=kind, birth_date=birth_date,
                           message_channel=self.consent.value(), **values)
        if "profession" in shown:
            data.profession = self.profession.currentData()
        if "nir" in shown and not self._nir_locked:
            data.nir = self.nir.text()
        return data, local_errors

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        if not self.save_button.isVisible() or not self.save_button.isEnabled():
            return
        data, local_errors = self._input()
        record = self._record

        def work(unit) -> uuid.UUID:
            try:
                if record is None:
                    person_id = people_records.create_person(unit, data)
                else:
                    people_records.update_person(unit, record.id, record.version, data)
                    person_id = record.id
            except ValidationError as refused:
                raise ValidationError({**refused.field_errors, **local_errors}) from None
            if local_errors:
                # A date the form could not read: refuse, which rolls the unit of work back.
                raise ValidationError(local_errors)
            return person_id

        self.save_button.setEnabled(False)
        ops.write(self._ctx, work).on_success(self._saved) \
            .on_failure(self._refused).run()

    def _saved(self, person_id: uuid.UUID) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(person_id)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ConflictError):
            self.banner.say(str(error))
            if self.ask(self, str(error) + "\n\nRecharger la fiche maintenant ?"):
                self.reload()
        elif isinstance(error, PermissionDenied):
            self._make_read_only(str(error))
        else:
            self._ctx.show_refusal(error, self.form, self.banner.say, self, unsaved=(
                "La fiche n'a pas été enregistrée : corrigez les champs signalés."))

    def anonymise(self) -> None:
        from desktop.people.erasure import anonymise_person

        person_id = self._record.id

        def done() -> None:
            self.saved.emit(person_id)
            self.accept()

        anonymise_person(self._ctx, self, person_id, done)

    def reload(self) -> None:
        """Show the record as it is now in the database (the user's edits are dropped)."""
        if self._record is None:
            return
        person_id = self._record.id
        ops.query(self._ctx, lambda unit: people_records.get_person(unit, person_id)) \
            .on_success(self._fill).run()

    @classmethod
    def ask(cls, parent: QWidget, question: str) -> bool:
        """A yes/no question; tests replace it."""
        answer = QMessageBox.question(parent, "Guichet", question)
        return answer == QMessageBox.StandardButton.Yes

    def _lock_identity(self) -> None:
        """A partner changes how to reach the person, not who they are."""
        contact = {name for name, _label in _CONTACT_FIELDS}
        for name, editor in self.editors.items():
            editor.setReadOnly(name not in contact)
        self.birth_date.setReadOnly(True)
        self.kind.setEnabled(False)
        self.profession.setEnabled(False)
        self.banner.say("Votre rôle permet de modifier les coordonnées de la personne "
                        "(téléphone, e-mail, adresse), pas son identité.")

    def _make_read_only(self, reason: str) -> None:
        for editor in (*self.editors.values(), self.nir, self.birth_date):
            editor.setReadOnly(True)
        self.kind.setEnabled(False)
        self.profession.setEnabled(False)
        self.consent.setEnabled(False)
        self.save_button.hide()
        self.banner.say(reason)

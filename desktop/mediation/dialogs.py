"""The small dialogs of a case: a step of the lifecycle, a timeline entry, a date, a letter.

Each collects what its service call needs and checks what it can before asking the service;
``ask`` runs it modally and returns the input, or None when cancelled (tests replace ``ask``).
Refusals from the service are shown by the case view, which made the call.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from db.mediation import letters
from db.mediation.common import OFFICE_TIME_ZONE
from db.mediation.labels import INADMISSIBLE_LABELS, OUTCOME_LABELS, REDIRECTION_LABELS
from db.mediation.models import (
    CaseEventKind,
    InadmissibleReason,
    LetterKind,
    MediationEvent,
    MediationWait,
)
from db.mediation.records import CaseRecord, EntryInput, StepInput
from db.mediation.rules import CLOSING_OUTCOMES, STEP_LABELS, Step
from db.mediation.wording import waiting_choices
from db.wording import day
from desktop import operations as ops
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from desktop.settings import fit_dialog
from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.dialog_layout import GuardedDialog, scrolling
from widgets.form import Form


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def combo(choices: dict, empty: str | None = None) -> ChoiceBox:
    """A box of ``{value: label}``, with a first « choose » entry when ``empty``."""
    box = ChoiceBox()
    box.set_choices(choices.items(), empty)
    return box


def comment_editor(lines: int = 4) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    editor.setTabChangesFocus(True)  # Tab leaves the text, as in every other field
    editor.setFixedHeight(editor.fontMetrics().lineSpacing() * lines + 12)
    return editor


class FormDialog(GuardedDialog):
    """A form, an « OK »-style button and « Annuler »; ``value()`` is what ``ask`` returns.
    Its size is remembered under ``size_key``: by kind of dialog, each step its own."""

    def __init__(self, title: str, accept_label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.size_key = f"case-{type(self).__name__}"
        content = QWidget(self)  # what scrolls: all but the buttons
        self.intro = QLabel(content)
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.form = Form(content)
        self.buttons = QDialogButtonBox(self)
        self.accept_button = self.buttons.addButton(accept_label,
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setDefault(True)
        self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.intro)
        self.body.addWidget(self.form)
        self.body.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(content, self, wrap=True), 1)
        layout.addWidget(self.buttons)

    def say(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def errors(self) -> dict[str, str]:
        """What is wrong before asking the service (subclasses)."""
        return {}

    def value(self):
        raise NotImplementedError

    def _try_accept(self) -> None:
        errors = self.errors()
        self.form.show_errors(errors)
        if not errors:
            self.accept()

    def prepare(self) -> None:
        """Once the subclass has filled the form: what it holds is no change, and the
        dialog takes the size of its content (or the one it was left at)."""
        self.guard(self.form)
        self.mark_clean()  # what the dialog was filled with
        fit_dialog(self, self.size_key)

    def run(self):
        self.prepare()
        return self.value() if self.exec() == QDialog.DialogCode.Accepted else None


def _read_day(field: DateField, errors: dict[str, str], name: str) -> date | None:
    try:
        return field.date()
    except ValueError as error:
        errors[name] = str(error)
        return None


class StepDialog(FormDialog):
    """What a step needs: its day, a comment, and the reason, target, wait or outcome."""

    def __init__(self, step: Step, record: CaseRecord, parent: QWidget | None = None):
        super().__init__(f"{STEP_LABELS[step]} — {record.reference}", STEP_LABELS[step], parent)
        self.step = step
        self.size_key = f"case-step-{step.value}"
        self.on = DateField()
        self.on.setToolTip("Laissez vide pour aujourd'hui.")
        self.on.setPlaceholderText("jj/mm/aaaa (vide : aujourd'hui)")
        self.form.add("on", "&Date", self.on)
        self.reason = self.redirection = self.waiting_on = self.outcome = None
        self.party = self.follow_up = None
        if step is Step.DECLARE_INADMISSIBLE:
            self.reason = combo({k: _capitalised(v) for k, v in INADMISSIBLE_LABELS.items()})
            if record.data.court_action_pending:
                self.reason.set_value(InadmissibleReason.COURT_ACTION)
            self.form.add("inadmissible_reason", "&Motif d'irrecevabilité", self.reason)
        elif step is Step.REDIRECT:
            self.redirection = combo({k: _capitalised(v)
                                      for k, v in REDIRECTION_LABELS.items()})
            self.form.add("redirection", "&Réorienter vers", self.redirection)
        elif step is Step.WAIT:
            self.waiting_on = combo(waiting_choices())
            self.form.add("waiting_on", "&En attente de", self.waiting_on)
            self.party = QLineEdit()
            self.party.setPlaceholderText("service, partenaire… (facultatif)")
            self.form.add("party", "&Qui précisément", self.party)
            limit_to_columns(self.form, MediationWait, ("party",))
            self.follow_up = DateField()
            self.follow_up.setPlaceholderText("jj/mm/aaaa (vide : date proposée)")
            self.form.add("follow_up_on", "Date de re&lance", self.follow_up)
            self.say("Une attente du demandeur suspend l'horloge du délai de traitement ; "
                     "une attente d'un service ou d'un partenaire ne la suspend pas.")
        elif step is Step.CLOSE:
            allowed = CLOSING_OUTCOMES[record.status]
            self.outcome = combo({o: label for o, label in OUTCOME_LABELS.items()
                                  if o in allowed}, empty="— Choisir l'issue —")
            self.form.add("outcome", "&Issue", self.outcome)
        if step is Step.REOPEN:
            self.say("La réouverture est tracée dans la chronologie : dites pourquoi.")
        self.comment = comment_editor()
        self.form.add("comment", "&Commentaire (communiqué au demandeur)"
                      if step is not Step.REOPEN else "&Motif de la réouverture", self.comment)

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        _read_day(self.on, errors, "on")
        if self.follow_up is not None:
            _read_day(self.follow_up, errors, "follow_up_on")
        if self.outcome is not None and self.outcome.value() is None:
            errors["outcome"] = "Choisissez l'issue du dossier."
        if self.step is Step.REOPEN and not self.comment.toPlainText().strip():
            errors["comment"] = "Indiquez pourquoi le dossier est rouvert."
        return errors

    def value(self) -> StepInput:
        return StepInput(
            step=self.step, on=self.on.date(), comment=self.comment.toPlainText().strip(),
            inadmissible_reason=self.reason.value() if self.reason else None,
            redirection=self.redirection.value() if self.redirection else None,
            waiting_on=self.waiting_on.value() if self.waiting_on else None,
            party=self.party.text() if self.party else "",
            follow_up_on=self.follow_up.date() if self.follow_up else None,
            outcome=self.outcome.value() if self.outcome else None,
        )

    @classmethod
    def ask(cls, parent: QWidget, step: Step, record: CaseRecord) -> StepInput | None:
        return cls(step, record, parent).run()


ENTRY_TITLES = {
    CaseEventKind.NOTE: "Ajouter une note",
    CaseEventKind.CALL: "Noter un appel",
    CaseEventKind.REQUEST: "Noter une demande à un service",
    CaseEventKind.ANSWER: "Noter la réponse d'un service",
}


class EntryDialog(FormDialog):
    """A note, a call, a request to a department or its answer."""

    def __init__(self, kind: CaseEventKind, requests: list[tuple[uuid.UUID, str]],
                 parent: QWidget | None = None):
        super().__init__(ENTRY_TITLES[kind], "Ajouter", parent)
        self.kind = kind
        self.party = self.answers = None
        if kind in (CaseEventKind.REQUEST, CaseEventKind.ANSWER):
            self.party = QLineEdit()
            self.party.setPlaceholderText("service médical, Carsat, service des IJ…")
            self.form.add("party", "&Service ou partenaire", self.party)
            limit_to_columns(self.form, MediationEvent, ("party",))
        if kind is CaseEventKind.ANSWER and requests:
            self.answers = combo(dict(requests), empty="— Aucune demande en particulier —")
            self.form.add("answers_id", "En &réponse à", self.answers)
        self.text = comment_editor(6)
        self.form.add("text", "&Texte", self.text)
        self.internal = QCheckBox("Note &interne (réservée à l'équipe de médiation)")
        self.internal.setChecked(True)
        self.form.add("internal", "Confidentialité", self.internal)

    def errors(self) -> dict[str, str]:
        errors = {}
        if not self.text.toPlainText().strip():
            errors["text"] = "Le texte est obligatoire."
        if self.party is not None and not self.party.text().strip():
            errors["party"] = "Précisez le service ou le partenaire."
        return errors

    def value(self) -> EntryInput:
        return EntryInput(
            kind=self.kind, text=self.text.toPlainText().strip(),
            internal=self.internal.isChecked(),
            party=self.party.text() if self.party else "",
            answers_id=self.answers.value() if self.answers else None,
        )

    @classmethod
    def ask(cls, parent: QWidget, kind: CaseEventKind,
            requests: list[tuple[uuid.UUID, str]]) -> EntryInput | None:
        return cls(kind, requests, parent).run()


class DateDialog(FormDialog):
    """One date: the acknowledgement, a new follow-up date."""

    def __init__(self, title: str, label: str, initial: date, explanation: str,
                 parent: QWidget | None = None):
        super().__init__(title, "Enregistrer", parent)
        self.say(explanation)
        self.day = DateField()
        self.day.set_date(initial)
        self.form.add("day", label, self.day)

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if _read_day(self.day, errors, "day") is None and "day" not in errors:
            errors["day"] = "La date est obligatoire."
        return errors

    def value(self) -> date:
        return self.day.date()

    @classmethod
    def ask(cls, parent: QWidget, title: str, label: str, initial: date,
            explanation: str) -> date | None:
        return cls(title, label, initial, explanation, parent).run()


class LetterDialog(FormDialog):
    """Choose a template, add a paragraph, read the merged letter; then produce the PDF."""

    def __init__(self, ctx: AppContext, case_id: uuid.UUID, kinds: list[LetterKind],
                 parent: QWidget | None = None):
        super().__init__("Préparer un courrier", "&Produire le PDF", parent)
        self._ctx, self._case_id = ctx, case_id
        self.kind = combo({k: letters.LETTER_LABELS[k] for k in kinds})
        self.form.add("kind", "&Modèle", self.kind)
        self.text = comment_editor(4)
        self.text.setPlaceholderText("Paragraphe propre à ce courrier (champ {texte} du modèle)")
        self.form.add("text", "&Texte ajouté", self.text)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        self.form.add("preview", "&Aperçu", self.preview)
        self.say("Le PDF produit est gardé dans la chronologie du dossier. L'accusé de "
                 "réception enregistre aussi la date de l'accusé.")
        self._timer = QTimer(self)  # the preview follows typing once it pauses
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh_preview)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh_preview())
        self.text.textChanged.connect(self._timer.start)
        self._asked = 0
        self.refresh_preview()

    def refresh_preview(self) -> None:
        self._asked += 1
        ticket, kind, text = self._asked, self.kind.value(), self.text.toPlainText()
        case_id = self._case_id
        if kind is None:
            return

        def merged(draft) -> None:
            if ticket == self._asked:
                self.preview.setPlainText(
                    "\n".join(draft.recipient) + f"\n\n{draft.place_and_date}\n\n"
                    f"Objet : {draft.title}\nRéférence : {draft.reference}\n\n{draft.body}")

        ops.query(self._ctx, lambda unit: letters.merge_letter(
            unit, case_id, kind, text)).on_success(merged).owned_by(self).run()

    def value(self) -> tuple[LetterKind, str]:
        return self.kind.value(), self.text.toPlainText().strip()

    @classmethod
    def ask(cls, ctx: AppContext, parent: QWidget, case_id: uuid.UUID,
            kinds: list[LetterKind]) -> tuple[LetterKind, str] | None:
        return cls(ctx, case_id, kinds, parent).run()


def requests_of(record: CaseRecord) -> list[tuple[uuid.UUID, str]]:
    """The case's requests to departments, for an answer to point to."""
    return [(e.id, f"{e.occurred_at.astimezone(OFFICE_TIME_ZONE):%d/%m/%Y} — {e.party} : "
                   f"{e.text[:60]}")
            for e in record.timeline if e.kind is CaseEventKind.REQUEST]


def acknowledge_explanation(record: CaseRecord) -> str:
    return ("Accusé de réception fait par téléphone ou par e-mail (le courrier type "
            "« Accusé de réception » l'enregistre lui-même). Attendu au plus tard le "
            f"{day(record.deadlines.acknowledgement_due_on)}.")


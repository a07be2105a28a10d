"""One preparation: the 360° view of the person, the calls made, and the next call with its
outcome; once decided, the text for the person, ready to copy."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.agenda.labels import KIND_LABELS, STATUS_LABELS
from db.base import utcnow
from db.preparation import tasks
from db.preparation.models import PreparationOutcome
from db.preparation.tasks import CallInput, PreparationRecord
from db.wording import moment as french_moment
from desktop import operations as ops
from desktop.agenda.common import day_text
from desktop.context import AppContext
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.dialog_layout import GuardedDialog, lay_out_dialog
from widgets.form import Form
from widgets.timeline import TimelineItem, TimelineView

PAST_SHOWN = 8  # the latest past appointments; older ones are on the person's record


class PreparationDialog(GuardedDialog):
    """``loaded`` fires each time the preparation is shown; ``recorded`` after a call."""

    loaded = Signal()
    recorded = Signal()

    def __init__(self, ctx: AppContext, task_id: uuid.UUID, *,
                 clock: Callable[[], datetime] = utcnow, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._task_id, self._clock = ctx, task_id, clock
        self.record: PreparationRecord | None = None
        self.setWindowTitle("Préparation du rendez-vous")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self._build()
        self.guard(self.call_form)
        fit_dialog(self, "preparation")
        self.load()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = Banner(self, framed=True)

        self.facts = Form(self)
        self.values = self.facts.add_facts((
            ("state", "État"), ("appointment", "Rendez-vous"), ("person", "Personne"),
            ("motive", "Motif"), ("documents", "Pièces attendues"),
            ("note", "Note du rendez-vous"), ("pathways", "Parcours en cours"),
            ("mediation", "Médiation"), ("past", "Rendez-vous passés")))

        self.attempts_box = QGroupBox("Appels", self)
        self.attempts = TimelineView(self.attempts_box)
        self.attempts.setAccessibleName("Appels de préparation")
        self.attempts.setMaximumHeight(self.fontMetrics().height() * 9)
        self.no_attempt = QLabel("Aucun appel pour l'instant.", self.attempts_box)
        box = QVBoxLayout(self.attempts_box)
        box.addWidget(self.no_attempt)
        box.addWidget(self.attempts)

        # The next call: reached or not, and once reached, the outcome.
        self.call_box = QGroupBox("Noter un appel", self)
        self.not_reached = QRadioButton("&Pas joint(e) : messagerie, pas de réponse…")
        self.conclusive = QRadioButton("Joint(e), demande &réglée au téléphone (conclusive) : "
                                       "visite annulée")
        self.maintained = QRadioButton("Joint(e), rendez-vous &maintenu")
        self.not_reached.setChecked(True)
        choices = QButtonGroup(self.call_box)
        for button in (self.not_reached, self.conclusive, self.maintained):
            choices.addButton(button)
        self.call_form = Form(self.call_box)
        self.outcome_column = QWidget()
        column = QVBoxLayout(self.outcome_column)
        column.setContentsMargins(0, 0, 0, 0)
        for button in (self.not_reached, self.conclusive, self.maintained):
            column.addWidget(button)
        self.call_form.add("outcome", "&Issue de l'appel", self.outcome_column)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Ce qui a été dit ou réglé ; repris dans le message à la "
                                     "personne quand la demande est réglée.")
        self.note.setFixedHeight(self.fontMetrics().height() * 5)
        self.call_form.add("note", "&Note", self.note)
        self.attempt_hint = QLabel(self.call_box)
        self.record_button = QPushButton("&Enregistrer l'appel", self.call_box)
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record_call)
        box = QVBoxLayout(self.call_box)
        box.addWidget(self.call_form)
        footer = QHBoxLayout()
        footer.addWidget(self.attempt_hint, 1)
        footer.addWidget(self.record_button)
        box.addLayout(footer)

        self.message_box = QGroupBox("Message pour la personne", self)
        self.message = QPlainTextEdit(self.message_box)
        self.message.setReadOnly(True)
        self.message.setAccessibleName("Message pour la personne, à copier")
        self.copy_button = QPushButton("&Copier le message", self.message_box)
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_message)
        box = QVBoxLayout(self.message_box)
        box.addWidget(QLabel("À envoyer par e-mail, SMS ou via le compte ameli :"))
        box.addWidget(self.message)
        box.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignRight)
        self.message_box.hide()

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.facts)
        column.addWidget(self.attempts_box)
        column.addWidget(self.call_box)
        column.addWidget(self.message_box)
        column.addStretch()
        buttons = QDialogButtonBox(self)
        close = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        lay_out_dialog(self, self.banner, content, buttons, wrap=True)

    # -- data --------------------------------------------------------------------------------
    def load(self) -> None:
        task_id, now = self._task_id, self._clock()
        ops.query(self._ctx, lambda unit: tasks.open_task(unit, task_id,
                                                                   now=now)) \
            .on_success(self._show).owned_by(self).run()

    def _show(self, record: PreparationRecord) -> None:
        self.record = record
        task, detail = record.task, record.appointment
        zone = detail.time_zone
        self.setWindowTitle(f"Préparation — {task.person_name}")
        contact = " — ".join(p for p in (detail.person_phone, detail.person_email) if p)
        past = [f"{day_text(r.starts_at, zone)} — {r.motive_code} — "
                f"{KIND_LABELS[r.kind].lower()} — {STATUS_LABELS[r.status].lower()}"
                for r in record.past_appointments[:PAST_SHOWN]]
        if len(record.past_appointments) > PAST_SHOWN:
            past.append(f"… et {len(record.past_appointments) - PAST_SHOWN} plus anciens")
        texts = {
            "state": f"{task.state_text} — échéance le {task.due_on:%d/%m/%Y}",
            "appointment": f"{french_moment(detail.row.starts_at, zone)} (heure du lieu) — "
                           f"{detail.site_name} — {detail.adviser_name}",
            "person": f"{task.person_name} — {contact or 'ni téléphone ni e-mail sur la fiche'}",
            "motive": f"{detail.motive_label} ({detail.row.motive_code})",
            "documents": "\n".join(f"• {d}" for d in detail.documents)
                         or "Aucune pièce particulière.",
            "note": detail.note or "—",
            "pathways": "\n".join(record.open_pathways) or "Aucun parcours en cours.",
            "mediation": ("Un dossier de médiation existe pour cette personne : l'équipe de "
                          "médiation peut vous en dire plus.") if record.has_mediation_case
                         else "Aucun dossier de médiation.",
            "past": "\n".join(past) or "Aucun rendez-vous passé.",
        }
        for name, text in texts.items():
            self.values[name].setText(text)
            self.values[name].setAccessibleName(f"{self.facts.field(name).label.text()} : "
                                                f"{text}")
        self.attempts.set_items([
            TimelineItem(index, a.attempted_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
                         a.by, "Appel", "Joint(e)" if a.reached else "Pas joint(e)", a.note)
            for index, a in enumerate(record.attempts)])
        self.attempts.setVisible(bool(record.attempts))
        self.no_attempt.setVisible(not record.attempts)
        self.call_box.setVisible(record.can_record)
        left = record.attempts_left
        self.attempt_hint.setText(
            f"Appel {task.attempts + 1} sur {record.max_attempts}"
            + (" : sans réponse, le rendez-vous sera maintenu (injoignable)." if left == 1
               else "."))
        self.message_box.setVisible(bool(record.message))
        self.message.setPlainText(record.message)
        self.mark_clean()
        self.loaded.emit()

    # -- actions -----------------------------------------------------------------------------
    def call_input(self) -> CallInput:
        outcome = (PreparationOutcome.CONCLUSIVE if self.conclusive.isChecked()
                   else PreparationOutcome.MAINTAINED if self.maintained.isChecked() else None)
        return CallInput(outcome is not None, outcome, self.note.toPlainText())

    def record_call(self) -> None:
        task, call, now = self.record.task, self.call_input(), self._clock()
        self.banner.hide()
        self.call_form.clear_errors()
        ops.write(self._ctx, lambda unit: tasks.record_call(
            unit, task.id, task.version, call, now=now)) \
            .on_success(self._recorded).on_failure(self._refused).owned_by(self).run()

    def _recorded(self, _result) -> None:
        self.note.clear()
        self.not_reached.setChecked(True)
        self.recorded.emit()
        self.load()

    def _refused(self, error: BaseException) -> None:
        if self._ctx.show_refusal(error, self.call_form, self.banner.say, self):
            self.load()  # show what changed meanwhile

    def copy_message(self) -> None:
        QGuiApplication.clipboard().setText(self.message.toPlainText())
        self.copy_button.setText("Message &copié")

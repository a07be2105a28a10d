"""One case file: who asks what, its delays, the steps it may take, and its timeline.

Everything shown comes from ``reading.open_case`` (which audits the opening); every action is
a service call through ``ops.write``, after which the case is read again. A refusal (a
forbidden step, a colleague's change meanwhile) is said in the banner at the top; a conflict
also reloads the case, so the user sees what changed.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.mediation import files as mediation_files
from db.mediation import letters, lifecycle
from db.mediation import reading as mediation_reading
from db.mediation.common import OFFICE_TIME_ZONE, today_in_office
from db.mediation.labels import INADMISSIBLE_LABELS, REDIRECTION_LABELS
from db.mediation.models import CaseEventKind, CaseStatus, LetterKind
from db.mediation.records import CaseRecord
from db.mediation.rules import STEP_LABELS, Step
from db.mediation.wording import delay_lines
from db.wording import day
from desktop import operations as ops
from desktop.context import AppContext
from desktop.documents import mediation_pdf, write_atomically
from desktop.mediation.dialogs import (
    ENTRY_TITLES,
    DateDialog,
    EntryDialog,
    LetterDialog,
    StepDialog,
    acknowledge_explanation,
    requests_of,
)
from widgets.colours import error_color
from widgets.dialog_layout import scrolling
from widgets.record_header import RecordHeader
from widgets.timeline import TimelineItem, TimelineView

CHANGES = {"mediation_case"}


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def timeline_items(record: CaseRecord) -> list[TimelineItem]:
    """The case's timeline, newest first, in the office's time."""
    items = []
    for entry in reversed(record.timeline):
        title = entry.title + (f" — {entry.party}" if entry.party else "")
        items.append(TimelineItem(
            key=entry.id, when=entry.occurred_at.astimezone(OFFICE_TIME_ZONE),
            author=entry.author, kind=entry.kind_label, title=title, text=entry.text,
            badge="interne" if entry.internal else "", attachment=entry.document_name))
    return items


class _Details(QGroupBox):
    """A titled list of « label : value » lines, selectable and wrapped."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self._layout = QFormLayout(self)
        self._layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

    def set_lines(self, lines: list[tuple[str, str]]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        for label, value in lines:
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            text.setAccessibleName(label)
            if value.startswith("EN RETARD") or label == "En retard":
                text.setStyleSheet(f"color: {error_color(self.palette()).name()};"
                                   " font-weight: bold;")
            self._layout.addRow(f"{label} :", text)

    def text(self) -> str:
        return "\n".join(f"{label.text()} {value.text()}" for label, value in (
            (self._layout.itemAt(row, QFormLayout.ItemRole.LabelRole).widget(),
             self._layout.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
            for row in range(self._layout.rowCount())))


class CaseView(QWidget):
    """The file of one case. ``back_requested``: return to the list."""

    back_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.record: CaseRecord | None = None
        self.letters: list[LetterKind] = []
        self.step_buttons: dict[Step, QPushButton] = {}
        self._build()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = RecordHeader(self, "← &Liste des dossiers", "État du dossier")
        header = self.header
        self.back_button, self.title = header.back_button, header.title
        self.status, self.banner = header.status, header.banner
        self.back_button.clicked.connect(self.back_requested)

        self.steps_label = QLabel("Étapes possibles :", self)
        self.steps_bar = QHBoxLayout()
        self.steps_bar.addWidget(self.steps_label)
        self.steps_bar.addStretch()

        self.add_button = QPushButton("&Ajouter", self)
        add_menu = QMenu(self.add_button)
        for kind, title in ENTRY_TITLES.items():
            add_menu.addAction(title + "…", lambda k=kind: self.add_entry(k))
        self.add_button.setMenu(add_menu)
        self.add_button.setToolTip("Note, appel, demande à un service ou sa réponse")
        self.attach_button = QPushButton("&Joindre un fichier…", self)
        self.attach_button.clicked.connect(self.attach_file)
        self.letter_button = QPushButton("Co&urrier…", self)
        self.letter_button.clicked.connect(self.write_letter)
        self.acknowledge_button = QPushButton("Accusé de réc&eption…", self)
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.follow_up_button = QPushButton("Re&porter la relance…", self)
        self.follow_up_button.clicked.connect(self.move_follow_up)
        self.export_button = QPushButton("E&xporter en PDF", self)
        export_menu = QMenu(self.export_button)
        export_menu.addAction("Synthèse complète…", lambda: self.export_pdf(True))
        export_menu.addAction("Synthèse sans les notes internes…",
                              lambda: self.export_pdf(False))
        self.export_button.setMenu(export_menu)
        actions = QHBoxLayout()
        for button in (self.add_button, self.attach_button, self.letter_button,
                       self.acknowledge_button, self.follow_up_button, self.export_button):
            actions.addWidget(button)
        actions.addStretch()

        self.requester = _Details("Demandeur", self)
        self.request = _Details("Demande", self)
        self.delays = _Details("Délais", self)
        details = QWidget()
        column = QVBoxLayout(details)
        for box in (self.requester, self.request, self.delays):
            column.addWidget(box)
        column.addStretch()
        scroll = scrolling(details, self)
        scroll.setAccessibleName("Détails du dossier")

        self.timeline = TimelineView(self)
        self.timeline.activated_key.connect(lambda _key: self.open_attachment())
        self.timeline.setToolTip("Entrée sur une pièce jointe ou un courrier l'ouvre.")
        timeline_label = QLabel("&Chronologie (la plus récente en haut)", self)
        timeline_label.setBuddy(self.timeline)
        self.open_button = QPushButton("&Ouvrir la pièce jointe", self)
        self.open_button.clicked.connect(self.open_attachment)
        self.timeline.selectionModel().currentChanged.connect(
            lambda *_: self._update_open_button())
        timeline_head = QHBoxLayout()
        timeline_head.addWidget(timeline_label, 1)
        timeline_head.addWidget(self.open_button)
        timeline_box = QWidget()
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addLayout(timeline_head)
        timeline_layout.addWidget(self.timeline, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(timeline_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        width = self.fontMetrics().averageCharWidth()
        splitter.setSizes([width * 48, width * 72])
        scroll.setMinimumWidth(width * 30)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header.add_to(layout)
        layout.addLayout(self.steps_bar)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

    # -- loading ---------------------------------------------------------------------------
    def load(self, case_id: uuid.UUID) -> None:
        """Read the case (audited by the service) and show it."""

        def work(unit):
            return (mediation_reading.open_case(unit, case_id),
                    letters.letters_for_case(unit, case_id))

        ops.query(self._ctx, work).on_success(lambda answer: self.show_record(*answer)) \
            .on_failure(self._refused).owned_by(self).run()

    def reload(self) -> None:
        if self.record is not None:
            self.load(self.record.id)

    def show_record(self, record: CaseRecord, letters: list[LetterKind]) -> None:
        self.record, self.letters = record, letters
        data = record.data
        self.title.setText(f"{record.reference} — {record.person_name}")
        self.title.setAccessibleName(f"Dossier {record.reference}")
        status = f"État : {record.status_label}"
        if record.outcome:
            status += f" — issue : {record.outcome_label.lower()}"
        if record.inadmissible_reason:
            status += f" — {INADMISSIBLE_LABELS[record.inadmissible_reason]}"
        if record.redirection and record.status is CaseStatus.REDIRECTED:
            status += f" — vers {REDIRECTION_LABELS[record.redirection]}"
        if data.urgent:
            status += " — URGENT"
        if record.provisional:
            status += " — référence provisoire (dossier créé hors ligne)"
        self.status.setText(status)

        requester = [("Nom", record.person_name), ("Public", record.person_kind_label)]
        if record.person_address:
            requester.append(("Adresse", record.person_address))
        if data.representative_name:
            requester.append(("Agit pour lui", f"{data.representative_name} "
                                               f"({data.representative_capacity})"))
        self.requester.set_lines(requester)
        self.request.set_lines([
            ("Reçue le", day(data.received_on)), ("Canal", record.channel_label),
            ("Motif", record.motive_label),
            ("Décision contestée", data.contested_decision or "—"),
            ("Notifiée le", day(data.decision_notified_on)),
            ("Démarche préalable", _yes_no(data.prior_step_done)),
            ("Recours contentieux en cours", _yes_no(data.court_action_pending)),
            ("Médiateur", record.mediator_name or "non attribué"),
            ("Résumé", data.summary),
        ])
        self.delays.set_lines(delay_lines(record))
        self._show_steps(record.allowed_steps)
        waiting = record.status is CaseStatus.WAITING
        self.follow_up_button.setVisible(waiting)
        self.acknowledge_button.setVisible(record.deadlines.acknowledged_on is None)
        self.letter_button.setEnabled(bool(letters))
        self.timeline.set_items(timeline_items(record))
        self._update_open_button()

    def _show_steps(self, steps: list[Step]) -> None:
        """Only the allowed steps get a button (the service refuses the others anyway)."""
        for button in self.step_buttons.values():
            self.steps_bar.removeWidget(button)
            button.deleteLater()
        self.step_buttons = {}
        for position, step in enumerate(steps, start=1):
            button = QPushButton(STEP_LABELS[step] + "…", self)
            button.clicked.connect(lambda _c=False, s=step: self.take_step(s))
            self.steps_bar.insertWidget(position, button)
            self.step_buttons[step] = button
        self.steps_label.setText("Étapes possibles :" if steps else "Aucune étape possible.")
        previous = self.back_button
        for button in (*self.step_buttons.values(), self.add_button):
            self.setTabOrder(previous, button)
            previous = button

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
            return
        super().keyPressEvent(event)

    def _update_open_button(self) -> None:
        item = self.timeline.current_item()
        self.open_button.setEnabled(item is not None and bool(item.attachment))

    # -- actions ---------------------------------------------------------------------------
    def _write(self, work, progress: str | None = None) -> None:
        operation = ops.write(self._ctx, work) \
            .on_success(lambda _result: self._done()).on_failure(self._refused).owned_by(self)
        if progress:
            operation.with_progress(progress, self)
        operation.run()

    def _done(self) -> None:
        self.banner.hide()
        self.reload()

    def _refused(self, error: BaseException) -> None:
        if self._ctx.show_record_refusal(error, self.banner, self):
            self.reload()

    def take_step(self, step: Step) -> None:
        record = self.record
        if record is None or step not in record.allowed_steps:
            return
        data = StepDialog.ask(self, step, record)
        if data is None:
            return
        self._write(lambda unit: lifecycle.advance(unit, record.id,
                                                      record.version, data))

    def add_entry(self, kind: CaseEventKind) -> None:
        record = self.record
        if record is None:
            return
        data = EntryDialog.ask(self, kind, requests_of(record))
        if data is not None:
            self._write(lambda unit: mediation_files.add_entry(unit, record.id, data))

    def attach_file(self) -> None:
        record = self.record
        path = self.choose_file(self) if record else None
        if not path:
            return

        def work(unit):
            file = Path(path)
            return mediation_files.attach_document(unit, record.id, file.name,
                                             file.read_bytes())

        self._write(work, "Enregistrement du fichier…")

    def open_attachment(self) -> None:
        record, item = self.record, self.timeline.current_item()
        if record is None or item is None or not item.attachment:
            return
        document_id = next(e.document_id for e in record.timeline if e.id == item.key)

        def work(unit) -> Path:
            document = mediation_files.read_document(unit, document_id)
            # A folder of its own, readable by this user only (mkdtemp): the viewer gets the
            # file's own name.
            path = Path(tempfile.mkdtemp(prefix="guichet-")) / document.filename
            path.write_bytes(document.content)
            return path

        ops.query(self._ctx, work).on_success(self.open_file).on_failure(self._refused).run()

    def write_letter(self) -> None:
        record = self.record
        if record is None or not self.letters:
            return
        choice = LetterDialog.ask(self._ctx, self, record.id, self.letters)
        if choice is None:
            return
        kind, text = choice
        self._write(lambda unit: mediation_pdf.issue_letter(unit, record.id, kind,
                                                               text),
                    "Production du courrier…")

    def acknowledge(self) -> None:
        record = self.record
        if record is None:
            return
        on = DateDialog.ask(self, "Accusé de réception", "&Fait le", today_in_office(),
                            acknowledge_explanation(record))
        if on is not None:
            self._write(lambda unit: lifecycle.acknowledge(unit, record.id, on))

    def move_follow_up(self) -> None:
        record = self.record
        if record is None or record.deadlines.follow_up_on is None:
            return
        on = DateDialog.ask(self, "Reporter la relance", "&Nouvelle date de relance",
                            record.deadlines.follow_up_on,
                            "La relance de l'attente en cours est reportée à cette date.")
        if on is not None:
            self._write(lambda unit: lifecycle.set_follow_up(unit, record.id,
                                                                record.version, on))

    def export_pdf(self, include_internal_notes: bool) -> None:
        record = self.record
        if record is None:
            return
        suffix = "" if include_internal_notes else "-sans-notes-internes"
        path = self.ask_save_path(self, f"{record.reference}{suffix}.pdf")
        if not path:
            return
        case_id = record.id

        def work(unit) -> Path:
            content = mediation_pdf.case_summary(
                unit, case_id, include_internal_notes=include_internal_notes)
            write_atomically(Path(path), content)
            return Path(path)

        ops.query(self._ctx, work).with_progress("Production du PDF…", self) \
            .on_success(self._exported).on_failure(self._refused).run()

    def _exported(self, path: Path) -> None:
        self.banner.say_written(f"Synthèse enregistrée : {path}", str(path))

    # -- what tests replace ------------------------------------------------------------------
    @classmethod
    def choose_file(cls, parent: QWidget) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            parent, "Joindre un fichier au dossier", "",
            "Documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.odt *.docx *.txt);;"
            "Tous les fichiers (*)")
        return path

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            parent, "Exporter la synthèse du dossier", str(Path.home() / suggested),
            "Documents PDF (*.pdf)")
        return path

    @classmethod
    def open_file(cls, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

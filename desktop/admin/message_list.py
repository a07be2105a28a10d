"""What went to people, what waits and what failed (with « Renvoyer »), and « Rappels SMS du
… »: the day's SMS and the file for the office's SMS platform."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.messages import reading, sms
from db.messages.labels import KIND_LABELS, STATUS_LABELS
from db.messages.reading import GROUP_LABELS, MessageLine
from db.messages.sms import SmsLine
from db.wording import short_moment
from desktop import operations as ops
from desktop.context import AppContext
from desktop.documents import write_atomically
from widgets.banner import Banner
from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.heading import Heading
from widgets.id_list_model import fix_row_height

CHANNEL_WORDS = {"email": "E-mail", "sms": "SMS"}
LINE_ROLE = Qt.ItemDataRole.UserRole + 1


def table(name: str, headers: tuple[str, ...], parent: QWidget) -> tuple[QTableView,
                                                                   QStandardItemModel]:
    model = QStandardItemModel(parent)
    model.setHorizontalHeaderLabels(list(headers))
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    fix_row_height(view)
    return view, model


def _row(texts: list[str], line) -> list[QStandardItem]:
    items = [QStandardItem(text) for text in texts]
    items[0].setData(line, LINE_ROLE)
    return items


class MessageListTab(QWidget):
    """The messages of one group (sent, waiting, failed, withdrawn), the latest first."""

    HEADERS = ("Prévu le", "Message", "Moyen", "Personne", "Destinataire", "Rendez-vous",
               "État", "Essais", "Réponse du serveur ou raison")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.banner = Banner(self)
        self.group = ChoiceBox(self)
        self.group.setAccessibleName("Messages à montrer")
        self.group.set_choices(GROUP_LABELS.items())
        self.group.set_value("failed")
        self.view, self.model = table("Messages", self.HEADERS, self)
        self.resend_button = QPushButton("&Renvoyer ce message", self)
        self.resend_button.setEnabled(False)
        self.resend_button.clicked.connect(self.resend)
        top = QHBoxLayout()
        top.addWidget(QLabel("Montrer :", self))
        top.addWidget(self.group)
        top.addStretch()
        top.addWidget(self.resend_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.group.currentIndexChanged.connect(self.load)
        self.view.selectionModel().currentRowChanged.connect(self._chosen)
        ctx.changes.connect(lambda kinds: "message" in kinds and self.load())
        self.load()

    def load(self) -> None:
        group = self.group.value()

        def work(unit):
            return reading.group_counts(unit), reading.list_messages(unit, group)

        ops.query(self.ctx, work).on_success(self._show).owned_by(self).run()

    def _show(self, answer: tuple[dict[str, int], list[MessageLine]]) -> None:
        counts, lines = answer
        chosen = self.group.value()
        self.group.blockSignals(True)
        self.group.set_choices((key, f"{label} ({counts[key]})")
                               for key, label in GROUP_LABELS.items())
        self.group.set_value(chosen)
        self.group.blockSignals(False)
        self.model.removeRows(0, self.model.rowCount())
        for line in lines:
            self.model.appendRow(_row([
                short_moment(line.scheduled_at, line.time_zone), KIND_LABELS[line.kind],
                CHANNEL_WORDS[line.channel.value], line.person_name, line.recipient,
                short_moment(line.appointment_at, line.time_zone), STATUS_LABELS[line.status],
                str(line.attempts), line.last_error or line.note], line))
        self.resend_button.setEnabled(False)

    def current_line(self) -> MessageLine | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.item(index.row(), 0).data(LINE_ROLE)

    def _chosen(self) -> None:
        line = self.current_line()
        self.resend_button.setEnabled(line is not None and line.resendable)

    def resend(self) -> None:
        line = self.current_line()
        if line is None or not line.resendable:
            return
        ops.write(self.ctx, lambda unit: reading.resend(unit, line.id, line.version)) \
            .on_success(lambda _none: self.banner.say(
                "Le message repart au prochain envoi (même Message-ID : une copie déjà "
                "reçue est reconnue).")) \
            .on_failure(lambda error: self.banner.say(str(error), error=True)
                        if ops.is_refusal(error) else self.ctx.report_error(error, self)) \
            .owned_by(self).run()


class SmsPrompt:
    """Where to write the SMS file; tests replace ``save_path``."""

    @classmethod
    def save_path(cls, parent: QWidget, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            parent, "Enregistrer le fichier des SMS", suggested, "Fichier CSV (*.csv)")
        return path


class SmsDayTab(QWidget):
    """« Rappels SMS du … »: the SMS of a day, and their file."""

    HEADERS = ("Envoi", "Message", "Personne", "Numéro", "Texte", "Exporté le")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.title = Heading("", self, level=2)
        self.banner = Banner(self)
        self.status = QLabel(self)
        self.day = DateField(self)
        self.day.setAccessibleName("Jour des SMS")
        self.day.set_date(date.today())
        self.day.setMaximumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 24)
        self.show_button = QPushButton("&Afficher", self)
        self.show_button.clicked.connect(self.load)
        self.export_button = QPushButton("Enregistrer le &fichier des SMS…", self)
        self.export_button.clicked.connect(self.export)
        self.view, self.model = table("SMS du jour", self.HEADERS, self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Jour :", self))
        top.addWidget(self.day)
        top.addWidget(self.show_button)
        top.addStretch()
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        ctx.changes.connect(lambda kinds: "message" in kinds and self.load())
        self.load()

    def chosen_day(self) -> date | None:
        try:
            return self.day.date()
        except ValueError as error:
            self.banner.say(str(error), error=True)
            return None

    def load(self) -> None:
        day = self.chosen_day()
        if day is None:
            return
        self.title.setText(f"Rappels SMS du {day:%d/%m/%Y}")
        ops.query(self.ctx, lambda unit: sms.day_sms(unit, day)) \
            .on_success(self._show).owned_by(self).run()

    def _show(self, lines: list[SmsLine]) -> None:
        self.model.removeRows(0, self.model.rowCount())
        waiting = 0
        for line in lines:
            waiting += line.exported_at is None
            self.model.appendRow(_row([
                sms.when(line), line.kind_label, line.person_name, line.number, line.text,
                short_moment(line.exported_at, line.time_zone) if line.exported_at else "—"],
                line))
        self.export_button.setEnabled(bool(waiting))
        self.status.setText(f"{waiting} SMS à mettre dans un fichier." if waiting else
                            "Aucun SMS à mettre dans un fichier pour ce jour.")

    def export(self) -> None:
        day = self.chosen_day()
        if day is None:
            return
        path = SmsPrompt.save_path(self, f"sms-{day:%Y-%m-%d}.csv")
        if not path:
            return
        ops.write(self.ctx, lambda unit: sms.export_sms(
            unit, day, lambda data: write_atomically(Path(path), data))) \
            .on_success(lambda written: self.banner.say(
                sms.describe_export(written, day, path))) \
            .on_failure(lambda error: self.banner.say(str(error), error=True)
                        if ops.is_refusal(error) else self.ctx.report_error(error, self)) \
            .owned_by(self).run()


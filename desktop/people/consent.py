"""The « Messages acceptés » field of a person's record: the channel they accept for
confirmations and reminders, and since when."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from db.people.labels import MESSAGE_CHANNEL_LABELS
from db.people.models import MessageChannel
from db.wording import day


class ConsentField(QWidget):
    """A choice (aucun message, e-mail, SMS) and the day it was given."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.choice = QComboBox(self)
        for channel, label in MESSAGE_CHANNEL_LABELS.items():
            self.choice.addItem(label, channel)
        self.choice.setAccessibleName("Messages acceptés")
        self.choice.setToolTip("Confirmations, changements et rappels de rendez-vous : "
                               "seulement par le moyen que la personne a accepté.")
        self.since = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.choice)
        layout.addWidget(self.since, 1)
        self.setFocusProxy(self.choice)
        self.choice.currentIndexChanged.connect(self._changed)
        self._given: tuple[MessageChannel, date | None] = (MessageChannel.NONE, None)

    def set_value(self, channel: MessageChannel, since: date | None) -> None:
        self._given = (MessageChannel(channel), since)
        self.choice.setCurrentIndex(max(0, self.choice.findData(channel)))
        self._changed()

    def value(self) -> MessageChannel:
        return MessageChannel(self.choice.currentData())

    def _changed(self) -> None:
        channel, since = self._given
        if self.value() is not channel:
            self.since.setText("accord noté aujourd'hui à l'enregistrement")
        elif since is not None:
            self.since.setText(f"accord du {day(since)}" if channel is not MessageChannel.NONE
                               else f"depuis le {day(since)}")
        else:
            self.since.setText("")

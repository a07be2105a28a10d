"""« Journal »: the audit trail, filtered and read page by page, exported to a French CSV file.

The same screen serves Administration › Journal and the mediation area's « Journal » tab:
the service decides what each reader gets (an administrator every entry but mediation's, a
mediator those of the mediation files only, ``db.journal.trail``), the filters offer only
those kinds of records.

Pages of a few hundred lines are read on the worker thread as the list scrolls down
(``widgets.paged_model``); a new filter starts again from the newest line, and an answer
overtaken by a newer filter is dropped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.errors import GuichetError
from db.journal import export as journal_export
from db.journal import trail
from db.journal.trail import JournalFilter
from db.org.access import Actor, Permission
from db.people.search import PersonRow
from db.wording import day, thousands
from desktop import operations as ops
from desktop.context import AppContext
from desktop.documents import write_atomically
from desktop.people.picker import PersonPicker
from widgets.banner import Banner
from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.id_list_model import read_only_rows, size_columns
from widgets.paged_model import PagedModel

COLUMNS = ("Date et heure", "Compte", "Action", "Type", "Enregistrement", "Détails")
# Widths of the columns but the last, which takes what is left: the details are the longest.
_SAMPLES = ("00/00/0000 00:00", "Dominique Lefèvre", "Lecture du NIR en clair",
            "Données de démonstration", "LEFÈVRE Marie, 00/00/0000 00:00")
WHEN = 0


def entry_cell(entry, column: int) -> str:
    return (entry.when, entry.actor_name, entry.action_label, entry.entity_label,
            entry.subject, entry.summary)[column]


def entry_tooltip(entry, column: int, role: int) -> str | None:
    """The whole text of a cell, which its column may cut."""
    if role == Qt.ItemDataRole.ToolTipRole and column != WHEN:
        return entry_cell(entry, column) or None
    return None


def count_line(shown: int, more: bool) -> str:
    if shown == 0:
        return "Aucune entrée du journal ne correspond à ces critères."
    if more:
        return (f"Les {thousands(shown)} entrées les plus récentes : faites défiler la liste "
                "pour lire les suivantes.")
    return f"{thousands(shown)} entrée{'s' if shown > 1 else ''}"


def person_line(person: PersonRow | None) -> str:
    """The person whose entries are shown: « RENARD Dominique, né(e) le 08/02/1991 »."""
    if person is None:
        return "Toutes les personnes"
    born = f", né(e) le {day(person.birth_date)}" if person.birth_date else ""
    return f"{person.name} {person.first_name}".strip() + born


def scope_note(actor: Actor) -> str:
    """What this reader's journal holds (the service decides, ``db.journal.trail``)."""
    if actor.can(Permission.MEDIATION):
        return ("Le journal des dossiers de médiation : qui les a créés, consultés ou "
                "modifiés, et quand. Il est réservé à l'équipe de médiation.")
    return ("Qui a fait quoi, et quand. Les entrées des dossiers de médiation, "
            "confidentielles, sont réservées à l'équipe de médiation.")


class ExportPrompt:
    @classmethod
    def save_path(cls, parent: QWidget | None, suggested: str) -> str:
        """A CSV file to write, or "" when the user gives up; tests replace it."""
        path, _filter = QFileDialog.getSaveFileName(
            parent, "Exporter le journal", str(Path.home() / suggested),
            "Fichiers CSV (*.csv)")
        return path


class JournalSearch(QObject):
    """Reads the pages of the current filters on the worker thread; the latest filters win."""

    listed = Signal(int, bool)  # lines shown, whether more follow
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._ticket = 0
        self._after = None  # where the last page ended
        self.filters = None
        self.model = PagedModel(COLUMNS, entry_cell, entry_tooltip, parent=self)
        self.model.more_wanted.connect(self._next_page)

    def search(self, filters) -> None:
        self.filters, self._after = filters, None
        self._read(first=True)

    def _next_page(self) -> None:
        if self.filters is not None and self._after is not None:
            self._read(first=False)

    def _read(self, first: bool) -> None:
        self._ticket += 1
        ticket, filters, after = self._ticket, self.filters, self._after

        def shown(page) -> None:
            if ticket != self._ticket:  # overtaken by newer filters
                return
            self._after = page.next
            (self.model.reset if first else self.model.add_page)(page.entries,
                                                                 page.next is not None)
            self.listed.emit(self.model.rowCount(), page.next is not None)

        ops.query(self._ctx, lambda unit: trail.read_page(unit, filters, after)) \
            .on_success(shown).on_failure(self.failed.emit).owned_by(self).run()


class JournalView(QWidget):
    """The filters, the count, the list and the export. Reads nothing until first shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._loaded = False  # the filters' choices asked for (on first show)
        self._ready = False  # and received: the list may be read
        self._stale = False
        self.search = JournalSearch(ctx, self)
        self._build()
        self.search.listed.connect(self._listed)
        self.search.failed.connect(self._refused)
        ctx.changes.connect(self._on_changes)

    def _build(self) -> None:
        self.banner = Banner(self)
        self.scope = QLabel(scope_note(self._ctx.actor), self)
        self.scope.setWordWrap(True)
        self.account = ChoiceBox(self)
        self.kind = ChoiceBox(self)
        for box in (self.account, self.kind):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(lambda _index: self.apply())
        self.since, self.until = DateField(self), DateField(self)
        for field in (self.since, self.until):
            field.setMaximumWidth(field.fontMetrics().horizontalAdvance("00/00/00000") + 24)
            field.editingFinished.connect(self.apply)
        self.person = PersonPicker(self._ctx, self, show_choice=True, describe=person_line)
        self.person.chosen.connect(lambda _row: self.apply())
        self.refresh_button = QPushButton("Ac&tualiser", self)
        self.refresh_button.setToolTip("Relire le journal depuis l'entrée la plus récente (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.export_button = QPushButton("E&xporter en CSV…", self)
        self.export_button.setToolTip("Enregistrer les entrées qui répondent aux filtres dans "
                                      "un fichier pour un tableur (séparateur « ; »)")
        self.export_button.clicked.connect(self.export)

        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre d'entrées")
        self.table = QTableView(self)
        self.table.setModel(self.search.model)
        self.table.setAccessibleName("Entrées du journal")
        read_only_rows(self.table)
        size_columns(self.table, _SAMPLES)

        filters = QHBoxLayout()
        for text, widget in (("C&ompte", self.account), ("T&ype", self.kind),
                             ("D&u", self.since), ("&Au", self.until)):
            filters.addWidget(self._label(text, widget))
            filters.addWidget(widget)
        filters.addStretch()
        filters.addWidget(self.refresh_button)
        about = QHBoxLayout()
        about.addWidget(self._label("&Personne", self.person.field),
                        alignment=Qt.AlignmentFlag.AlignTop)
        about.addWidget(self.person, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count, 1)
        footer.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addWidget(self.banner)
        layout.addLayout(filters)
        layout.addLayout(about)
        layout.addLayout(footer)
        layout.addWidget(self.table, 1)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)  # Alt+letter, and the name a screen reader gives the field
        return label

    # -- loading ---------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self._load_choices()
        elif self._stale:
            self.refresh()

    def _load_choices(self) -> None:
        ops.query(self._ctx, trail.choices).on_success(self._choices_loaded) \
            .on_failure(self._refused).owned_by(self).run()

    def _choices_loaded(self, choices) -> None:
        for box, entries, empty in ((self.account, choices.accounts, "Tous les comptes"),
                                    (self.kind, [(frozenset({kind}), label)
                                                 for kind, label in choices.kinds],
                                     "Tous les types")):
            box.blockSignals(True)
            box.set_choices(entries, empty=empty)
            box.blockSignals(False)
        default = JournalFilter.last_days(choices.today)
        self.since.set_date(default.since)
        self.until.set_date(default.until)
        self._ready = True
        self.apply()

    def _on_changes(self, _kinds: set) -> None:
        # Every write leaves entries: read them again when the journal is next looked at.
        self._stale = True

    # -- filters ---------------------------------------------------------------------------
    def filters(self) -> JournalFilter | None:
        """The filters as typed, or None (and why, in the banner) when a date is unreadable."""
        try:
            since, until = self.since.date(), self.until.date()
        except ValueError as error:
            self.banner.say(str(error), error=True)
            return None
        if since is None or until is None:
            self.banner.say("Indiquez le premier et le dernier jour de la période.", error=True)
            return None
        return JournalFilter(since=since, until=until, actor=self.account.value(),
                             person_id=self.person.person_id,
                             entity_types=self.kind.value() or frozenset())

    def apply(self, *, again: bool = False) -> None:
        """Read the list for the filters as they are now, unless it shows them already (a
        field left without a change); ``again`` reads it anyway."""
        if not self._ready:
            return
        filters = self.filters()
        if filters is None or (filters == self.search.filters and not again):
            return
        self._stale = False
        self.banner.say("")
        self.count.setText("Lecture du journal…")
        self.search.search(filters)

    def refresh(self) -> None:
        self.apply(again=True)

    def _listed(self, shown: int, more: bool) -> None:
        self.count.setText(count_line(shown, more))

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, GuichetError):
            self.banner.say(str(error), error=True)
            self.count.setText("")
        else:
            self._ctx.report_error(error, self)

    # -- export ----------------------------------------------------------------------------
    def export(self) -> None:
        filters = self.filters()
        if filters is None:
            return
        path = ExportPrompt.save_path(self, _suggested_name(filters.since, filters.until))
        if not path:
            return

        def work(unit) -> int:
            rows = list(journal_export.export_rows(unit, filters))
            write_atomically(Path(path), journal_export.to_csv(rows))
            return len(rows) - 1  # the header

        def done(count: int) -> None:
            self.banner.say(f"{thousands(count)} entrée{'s' if count > 1 else ''} "
                            f"exportée{'s' if count > 1 else ''} dans {path}.")

        ops.query(self._ctx, work).with_progress("Export du journal…", self) \
            .on_success(done).on_failure(self._refused).owned_by(self).run()


def _suggested_name(since: date, until: date) -> str:
    return f"journal-{since:%Y-%m-%d}-au-{until:%Y-%m-%d}.csv"

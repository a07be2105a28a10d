"""« Conflits à résoudre »: what the server could not take as this laptop wrote it, each with
both versions side by side, and the choice — never a clock's — of the person at the laptop.

The list on the left names each conflict (the person, the appointment's date…); the right
side says who made the edit and when, why the office did not take it, and each field with
this computer's value and the office's. « Garder la version du bureau » and « Reprendre ma
version » resolve it (``db.sync.resolve``, in the replica's unit of work: a version taken
again is journaled, and the next sync sends it); a record changed on both sides may also be
combined field by field (« À garder », then « Combiner mes choix »), a note both wrote kept
with both texts. A booking refused because its slot was
taken at the office meanwhile names the person to call back, and « Reprendre le
rendez-vous… » opens the booking dialog on the nearest free slots of the same site.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.sync import conflicts, resolve
from db.sync.conflicts import ConflictView
from desktop import operations as ops
from desktop import theme
from desktop.context import AppContext
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.heading import Heading

TITLE = "Conflits à résoudre"
NONE_LEFT = ("Aucun conflit à résoudre : tout ce que cet ordinateur a envoyé a été pris par "
             "le bureau.")
INTRO = ("Le bureau n'a pas pu prendre ces modifications telles quelles. Rien n'est perdu : "
         "le bureau garde sa version, cet ordinateur la vôtre, jusqu'à ce que vous choisissiez.")
_WHY = {"field": "Modifié des deux côtés", "deleted": "Supprimé au bureau",
        "refused": "Refusé par le serveur"}
_CHOICES = (("Ma version", "laptop"), ("Version du bureau", "server"))
_BOTH_TEXTS = ("Les deux textes", "both")
KEEP_COLUMN = 3


class ConflictsDialog(QDialog):
    """The open conflicts of the replica; ``views`` is what it shows (``ConflictView``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.views: list[ConflictView] = []
        self._booking = None
        self.setWindowTitle(f"Guichet — {TITLE.lower()}")
        self.setWindowIcon(theme.app_icon())
        self.banner = Banner(self, framed=True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(TITLE)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.currentRowChanged.connect(self._show_current)
        self.empty = QLabel(NONE_LEFT, self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_detail())
        self.pages.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.list)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 2)
        width = self.fontMetrics().averageCharWidth()
        splitter.setSizes([width * 40, width * 80])
        self.close_buttons = QDialogButtonBox(self)
        self.close_buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_buttons.rejected.connect(self.reject)
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(Heading(TITLE, self))
        layout.addWidget(intro)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.close_buttons)
        self.setMinimumSize(width * 100, self.fontMetrics().lineSpacing() * 28)
        fit_dialog(self, "conflicts")
        ctx.changes.connect(self._on_changes)
        self.load()

    def _build_detail(self) -> QWidget:
        detail = QWidget(self)
        self.what = Heading("", detail, level=2)
        self.made = QLabel(detail)
        self.made.setWordWrap(True)
        self.reason = QLabel(detail)
        self.reason.setWordWrap(True)
        self.table = QTableWidget(0, 4, detail)
        self.table.setAccessibleName("Les deux versions, champ par champ")
        self.table.setHorizontalHeaderLabels(["Champ", "Ma version (cet ordinateur)",
                                              "Version du bureau", "À garder"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(KEEP_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.with_it = QLabel(detail)
        self.with_it.setWordWrap(True)
        self.call_back = QLabel(detail)
        self.call_back.setWordWrap(True)
        self.call_back.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.not_again = QLabel(detail)
        self.not_again.setWordWrap(True)
        self.keep_server_button = QPushButton("Garder la version du &bureau", detail)
        self.keep_server_button.clicked.connect(lambda: self.keep("server"))
        self.keep_laptop_button = QPushButton("&Reprendre ma version", detail)
        self.keep_laptop_button.clicked.connect(lambda: self.keep("laptop"))
        self.combine_button = QPushButton("&Combiner mes choix", detail)
        self.combine_button.setToolTip("Garde, champ par champ, la version choisie dans la "
                                       "colonne « À garder ».")
        self.combine_button.clicked.connect(self.combine)
        self.rebook_button = QPushButton("Reprendre le ren&dez-vous…", detail)
        self.rebook_button.clicked.connect(self.rebook)
        actions = QHBoxLayout()
        actions.addWidget(self.keep_server_button)
        actions.addWidget(self.keep_laptop_button)
        actions.addWidget(self.combine_button)
        actions.addWidget(self.rebook_button)
        actions.addStretch()
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.what, self.made, self.reason, self.call_back, self.table,
                       self.with_it, self.not_again):
            layout.addWidget(widget)
        layout.addLayout(actions)
        layout.addStretch(1)
        return detail

    # -- loading -------------------------------------------------------------------------
    def load(self) -> None:
        ops.query(self._ctx, lambda unit: conflicts.open_conflicts(unit.session)) \
            .on_success(self._loaded).owned_by(self).run()

    def _on_changes(self, kinds: set) -> None:
        if self.isVisible():
            self.load()

    def _loaded(self, views: list[ConflictView]) -> None:
        current = self.current()
        self.views = views
        self.list.blockSignals(True)
        self.list.clear()
        for view in views:
            item = QListWidgetItem(f"{view.what}\n{_WHY.get(view.kind, '')} · {view.when}")
            item.setData(Qt.ItemDataRole.UserRole, view.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{view.what}, {view.reason}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [view.id for view in views]
        row = ids.index(current.id) if current is not None and current.id in ids else 0
        self.list.setVisible(bool(views))
        if views:
            self.list.setCurrentRow(row)
            self._show_current(row)
        else:
            self.pages.setCurrentWidget(self.empty)

    def current(self) -> ConflictView | None:
        row = self.list.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _show_current(self, _row: int) -> None:
        view = self.current()
        if view is None:
            return
        self.pages.setCurrentIndex(0)
        self.what.setText(view.what)
        self.made.setText(f"Modifié sur cet ordinateur le {view.when}"
                          + (f" par {view.who}" if view.who else "") + ".")
        self.reason.setText(view.reason)
        refused = view.kind == "refused"
        self.table.setColumnHidden(2, refused)  # the office has no version of it
        self.table.setHorizontalHeaderItem(1, QTableWidgetItem(
            "Ce que cet ordinateur avait enregistré" if refused
            else "Ma version (cet ordinateur)"))
        combinable = view.kind == "field" and (
            len(view.fields) > 1 or any(field.both_texts for field in view.fields))
        self.table.setColumnHidden(KEEP_COLUMN, not combinable)
        self.table.setRowCount(len(view.fields))
        for row, field in enumerate(view.fields):
            for column, text in enumerate((field.label, field.laptop, field.server)):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.setCellWidget(row, KEEP_COLUMN,
                                     self._choice(field) if combinable else None)
        self.combine_button.setVisible(combinable)
        self.table.resizeRowsToContents()
        self._fit_table()
        self.with_it.setText(f"Résolu avec : {', '.join(view.with_it)}." if view.with_it
                             else "")
        self.with_it.setVisible(bool(view.with_it))
        rebooking = view.rebooking
        self.call_back.setText(f"Personne à rappeler : {rebooking.person} (rendez-vous "
                               f"prévu le {rebooking.refused_slot})." if rebooking else "")
        self.call_back.setVisible(rebooking is not None)
        self.rebook_button.setVisible(rebooking is not None)
        self.keep_laptop_button.setVisible(not view.laptop_refused)
        self.not_again.setText(view.laptop_refused if rebooking is None else "")
        self.not_again.setVisible(bool(self.not_again.text()))

    def _choice(self, field) -> QComboBox:
        choice = QComboBox(self.table)
        choice.setAccessibleName(f"À garder : {field.label}")
        for label, side in (*_CHOICES, *((_BOTH_TEXTS,) if field.both_texts else ())):
            choice.addItem(label, side)
        return choice

    def choices(self) -> dict[str, str]:
        """The version chosen to keep for each field shown (« À garder »)."""
        view = self.current()
        return {field.name: self.table.cellWidget(row, KEEP_COLUMN).currentData()
                for row, field in enumerate(view.fields)} if view else {}

    def _fit_table(self) -> None:
        """As tall as its rows (a conflict has a few fields), the buttons right below."""
        rows = sum(self.table.rowHeight(row) for row in range(self.table.rowCount()))
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows
                                  + frame + 2)

    # -- resolving -----------------------------------------------------------------------
    def keep(self, side: str) -> None:
        view = self.current()
        if view is None:
            return
        self._enable(False)
        ops.write(self._ctx, lambda unit: resolve.resolve(unit, view.id, side)) \
            .on_success(lambda _none: self._resolved(view, side)) \
            .on_failure(self._refused).owned_by(self).run()

    def combine(self) -> None:
        view = self.current()
        if view is None:
            return
        chosen = self.choices()
        self._enable(False)
        ops.write(self._ctx, lambda unit: resolve.combine(unit, view.id, chosen)) \
            .on_success(lambda _none: self._resolved(view, "combined")) \
            .on_failure(self._refused).owned_by(self).run()

    def rebook(self) -> None:
        """The booking dialog on the refused booking's person, motive, kind, site and
        channel; the nearest free slot chosen first."""
        from desktop.agenda.booking_dialog import BookingDialog

        view = self.current()
        if view is None or view.rebooking is None:
            return
        offer = view.rebooking
        conflict_id = view.id
        dialog = BookingDialog(
            self._ctx, offer.person_id, channel=offer.channel, motive_code=offer.motive_code,
            kind=offer.kind, site_id=offer.site_id, note=offer.note,
            write=lambda unit, request: resolve.rebook(unit, conflict_id, request),
            parent=self)
        dialog.setWindowTitle("Reprendre le rendez-vous refusé")
        dialog.saved.connect(lambda _id: self._rebooked(view))
        self._booking = dialog
        dialog.open()

    def _rebooked(self, view: ConflictView) -> None:
        self.banner.say(f"Rendez-vous repris : {view.rebooking.person}. Il partira au bureau "
                        "à la prochaine synchronisation.")

    def _resolved(self, view: ConflictView, side: str) -> None:
        self._enable(True)
        if side == "laptop":
            self.banner.say(f"Votre version est reprise : {view.what}. Elle partira au "
                            "bureau à la prochaine synchronisation.")
        elif side == "combined":
            self.banner.say(f"Vos choix sont gardés : {view.what}. Ce qui vient de cet "
                            "ordinateur partira au bureau à la prochaine synchronisation.")
        else:
            self.banner.say(f"La version du bureau est gardée : {view.what}.")
        # The list reloads with every screen: the write told them (``_on_changes``).

    def _refused(self, error: BaseException) -> None:
        self._enable(True)
        if self._ctx.show_record_refusal(error, self.banner, self) or ops.is_refusal(error):
            self.load()

    def _enable(self, enabled: bool) -> None:
        for button in (self.keep_server_button, self.keep_laptop_button,
                       self.combine_button, self.rebook_button):
            button.setEnabled(enabled)

    def conflict_ids(self) -> list[uuid.UUID]:
        return [view.id for view in self.views]

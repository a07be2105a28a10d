"""« Qui êtes-vous ? » — the account picker shown at start and on « Changer d'utilisateur »."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.org import accounts
from db.org.access import Actor
from db.org.accounts import Account
from desktop import operations as ops
from desktop import theme
from widgets.form import error_color
from widgets.heading import Heading

_LOGIN_ROLE = Qt.ItemDataRole.UserRole
_SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
_LIST_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
COLUMNS = ("Nom", "Rôle", "Site", "Identifiant")


def fold(text: str) -> str:
    """Lower case without accents, so « helene » finds « Hélène »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def accounts_model(accounts: list[Account], parent: QObject | None = None
                   ) -> QStandardItemModel:
    model = QStandardItemModel(0, len(COLUMNS), parent)
    model.setHorizontalHeaderLabels(list(COLUMNS))
    for account in accounts:
        cells = [account.display_name, account.role_label, account.site_name, account.login]
        items = [QStandardItem(text) for text in cells]
        for item in items:
            item.setEditable(False)
        items[0].setData(account.login, _LOGIN_ROLE)
        items[0].setData(fold(" ".join(cells)), _SEARCH_ROLE)
        model.appendRow(items)
    return model


class AccountFilter(QSortFilterProxyModel):
    """Keeps the accounts whose name, role, site or login contain every typed word."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        haystack = self.sourceModel().index(source_row, 0, source_parent).data(_SEARCH_ROLE)
        return all(word in (haystack or "") for word in self._words)


class LoginDialog(QDialog):
    """Lists the active accounts; Enter signs in the highlighted one.

    ``ctx`` only needs ``store``, ``tasks`` and ``report_error`` (nobody is signed in yet).
    ``empty_hint`` is what to tell when the database has no account at all.
    """

    signed_in = Signal(Actor)

    def __init__(self, ctx, last_login: str = "", empty_hint: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._last_login = last_login
        self._empty_hint = empty_hint
        self.actor: Actor | None = None
        self.setWindowTitle("Guichet — Qui êtes-vous ?")
        self.setWindowIcon(theme.app_icon())

        heading = Heading("Qui êtes-vous ?", self)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Nom, rôle, site ou identifiant")
        self.filter_edit.setAccessibleName("Filtrer les comptes")
        self.filter_edit.setClearButtonEnabled(True)
        filter_label = QLabel("&Cherchez votre nom :", self)
        filter_label.setBuddy(self.filter_edit)

        self.proxy = AccountFilter(self)
        self.proxy.setSourceModel(accounts_model([], self))
        self.view = QTreeView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Comptes")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Site"), QHeaderView.ResizeMode.Stretch)
        self.view.setMinimumHeight(self.fontMetrics().height() * 14)
        self.view.activated.connect(lambda _index: self.sign_in())

        self.message = QLabel("Chargement des comptes…", self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Message")

        buttons = QDialogButtonBox(self)
        self.sign_in_button = buttons.addButton("&Se connecter",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        self.sign_in_button.setEnabled(False)
        buttons.addButton("&Quitter", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(filter_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 110, self.sizeHint().height())

        self.filter_edit.textChanged.connect(self._filter)
        self.filter_edit.installEventFilter(self)
        self.filter_edit.setFocus()
        # Core queries: the ORM is not loaded for the picker (it loads behind the main window).
        ops.core_query(ctx, accounts.list_accounts).on_success(self.set_accounts) \
            .owned_by(self).run()

    # -- accounts ------------------------------------------------------------------------
    def set_accounts(self, accounts: list[Account]) -> None:
        self.proxy.setSourceModel(accounts_model(accounts, self))
        if not accounts:
            self._show_message(self._empty_hint or "Aucun compte n'est enregistré dans cette "
                               "base de données.", error=True)
            return
        self._show_message("Tapez les premières lettres de votre nom, puis Entrée.")
        if not self._select_login(self._last_login):
            self._select_row(0)
        self.sign_in_button.setEnabled(True)

    def _select_login(self, login: str) -> bool:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(_LOGIN_ROLE) == login:
                self._select_row(row)
                return True
        return False

    def _select_row(self, row: int) -> None:
        if 0 <= row < self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(row, 0))
            self.view.scrollTo(self.view.currentIndex(),
                               QAbstractItemView.ScrollHint.PositionAtCenter)

    def selected_login(self) -> str | None:
        index = self.view.currentIndex()
        return index.siblingAtColumn(0).data(_LOGIN_ROLE) if index.isValid() else None

    def _filter(self, text: str) -> None:
        chosen = self.selected_login()
        self.proxy.set_text(text)
        if not (chosen and self._select_login(chosen)):
            self._select_row(0)
        count = self.proxy.rowCount()
        self.sign_in_button.setEnabled(count > 0)
        if self.proxy.sourceModel().rowCount():
            self._show_message("Aucun compte ne correspond." if count == 0 else
                               "Tapez les premières lettres de votre nom, puis Entrée.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up and Down move in the list while typing in the filter: no need to leave it.
        if (watched is self.filter_edit and event.type() == QEvent.Type.KeyPress
                and event.key() in _LIST_KEYS):
            QApplication.sendEvent(self.view,
                                   QKeyEvent(event.type(), event.key(), event.modifiers()))
            return True
        return super().eventFilter(watched, event)

    # -- signing in ----------------------------------------------------------------------
    def sign_in(self) -> None:
        login = self.selected_login()
        if login is None:
            return
        self.sign_in_button.setEnabled(False)
        ops.core_query(self._ctx, lambda connection: accounts.sign_in(connection, login)) \
            .on_success(self._signed_in).on_failure(self._refused).owned_by(self).run()

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.signed_in.emit(actor)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        if ops.is_refusal(error):
            self._show_message(str(error), error=True)
        else:
            self._ctx.report_error(error, self)

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        color = error_color(self.palette()).name() if error else ""
        self.message.setStyleSheet(f"color: {color}" if color else "")

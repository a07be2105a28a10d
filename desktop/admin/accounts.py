"""Administration › Comptes: the accounts, who they are, when they last signed in; creating
one, changing its role or site, disabling it, resetting its password; and how soon an idle
workstation locks."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.org import account_admin, sites
from db.org.access import ROLE_LABELS, Permission
from db.org.account_admin import AccountInput, AccountRow, LockSetting
from db.roles import Role
from db.wording import local_moment
from desktop.admin.common import Section, spin_box
from desktop.context import AppContext
from widgets.choice_box import ChoiceBox

# The place last: it takes what width is left, elided.
COLUMNS = ("Nom", "Identifiant", "Rôle", "État", "Dernière connexion", "Lieu ou secteur")
_ID_ROLE = Qt.ItemDataRole.UserRole


def place_of(account: AccountRow) -> str:
    return ", ".join(filter(None, (account.site_name,
                                   account.sector and f"secteur {account.sector}")))


def state_of(account: AccountRow) -> str:
    if not account.active:
        return "Désactivé"
    if account.must_change_password:
        return "Mot de passe à choisir"
    return "Actif"


def accounts_model(accounts: list[AccountRow], parent=None) -> QStandardItemModel:
    model = QStandardItemModel(0, len(COLUMNS), parent)
    model.setHorizontalHeaderLabels(list(COLUMNS))
    for account in accounts:
        signed_in = local_moment(account.last_sign_in_at) if account.last_sign_in_at else "jamais"
        cells = [QStandardItem(text) for text in (
            account.display_name, account.login, account.role_label, state_of(account),
            signed_in, place_of(account))]
        cells[0].setData(account.id, _ID_ROLE)
        for cell in cells:
            cell.setEditable(False)
            if not account.active:
                cell.setEnabled(False)  # greyed: still listed, for its history
        model.appendRow(cells)
    return model


class AccountSection(Section):
    """One account's form and its actions."""

    def __init__(self, ctx: AppContext, tab: AccountsTab, parent: QWidget | None = None):
        super().__init__(ctx, "Compte", Permission.ADMINISTER, "&Enregistrer le compte", parent)
        self.tab = tab
        self.account: AccountRow | None = None
        self.login = QLineEdit()
        self.login.setPlaceholderText("hdupre")
        self.form.add("login", "&Identifiant", self.login)
        self.first_name = QLineEdit()
        self.form.add("first_name", "&Prénom", self.first_name)
        self.last_name = QLineEdit()
        self.form.add("last_name", "&Nom", self.last_name)
        self.role = ChoiceBox()
        self.role.set_choices(ROLE_LABELS.items())
        self.form.add("role", "&Rôle", self.role)
        self.site = ChoiceBox()
        self.form.add("site_id", "&Lieu de rattachement", self.site)
        self.sector = ChoiceBox()
        self.form.add("sector", "&Secteur France Services", self.sector)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.reset_button = QPushButton("Ré&initialiser le mot de passe…", self)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button = QPushButton("&Désactiver le compte", self)
        self.active_button.clicked.connect(self.toggle_active)
        row = QHBoxLayout()
        row.addWidget(self.reset_button)
        row.addWidget(self.active_button)
        row.addStretch()
        self.body.addLayout(row)
        self.finish()

    def set_places(self, site_choices: list[tuple[uuid.UUID, str]], sectors: list[str]) -> None:
        self.site.set_choices(site_choices, empty="Aucun")
        self.sector.set_choices(((s, s) for s in sectors), empty="—")

    def _role_changed(self) -> None:
        self.form.set_visible("sector", self.role.value() is Role.PARTNER)

    def show_account(self, account: AccountRow | None) -> None:
        self.account = account
        self.setTitle(f"Compte de {account.display_name}" if account else "Nouveau compte")
        self.login.setText(account.login if account else "")
        self.login.setReadOnly(account is not None)  # on a server, the name of its role
        self.first_name.setText(account.first_name if account else "")
        self.last_name.setText(account.last_name if account else "")
        self.role.set_value(account.role if account else Role.ADVISER)
        self.site.set_value(account.site_id if account else None)
        self.sector.set_value(account.sector or None if account else None)
        self._role_changed()
        self.reset_button.setVisible(account is not None)
        self.active_button.setVisible(account is not None)
        if account is not None:
            self.active_button.setText("&Désactiver le compte" if account.active
                                       else "Ré&activer le compte")
        self.form.clear_errors()
        self.say("")

    def reload(self) -> None:
        self.tab.load()

    def _input(self) -> AccountInput:
        return AccountInput(self.login.text(), self.first_name.text(), self.last_name.text(),
                            self.role.value(), self.site.value(), self.sector.value() or "")

    def save(self) -> None:
        data, account = self._input(), self.account
        if account is None:
            self.write(lambda unit: account_admin.create_account(unit, data), self._created)
        else:
            self.write(lambda unit: account_admin.update_account(
                unit, account.id, account.version, data),
                lambda _none: self.tab.select_after_load(account.id))

    def _created(self, created: account_admin.NewAccount) -> None:
        self.tab.select_after_load(created.id)
        self.show_one_time_password(created.login, created.one_time_password)

    def reset_password(self) -> None:
        account = self.account
        asked = QMessageBox.question(
            self, "Guichet", f"Donner un nouveau mot de passe à usage unique à "
            f"{account.display_name} ? Son mot de passe actuel ne vaudra plus.")
        if asked != QMessageBox.StandardButton.Yes:
            return
        self.write(lambda unit: account_admin.reset_password(unit, account.id, account.version),
                   lambda password: self.show_one_time_password(account.login, password))

    def toggle_active(self) -> None:
        account = self.account
        self.write(lambda unit: account_admin.set_active(
            unit, account.id, account.version, not account.active))

    def show_one_time_password(self, login: str, password: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Guichet",
                          f"Mot de passe à usage unique du compte « {login} » :\n\n{password}\n\n"
                          "Remettez-le à la personne, de vive voix ou sous pli : elle choisira "
                          "le sien à sa première connexion. Il ne sera plus affiché.", parent=self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password_box = box  # the tests read what it says
        box.open()

    def set_editable(self, editable: bool) -> None:
        for editor in (self.login, self.first_name, self.last_name):
            editor.setReadOnly(not editable)
        for widget in (self.role, self.site, self.sector, self.reset_button,
                       self.active_button):
            widget.setEnabled(editable)


class LockSection(Section):
    """How soon an idle workstation locks, for the whole office."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Verrouillage des postes", Permission.ADMINISTER,
                         "En&registrer le délai", parent)
        self.setting: LockSetting | None = None
        self.minutes = spin_box(1, account_admin.MAX_LOCK_MINUTES, " min")
        self.form.add("lock_after_minutes", "Verrouiller après &inactivité de", self.minutes)
        note = QLabel("Un poste inutilisé pendant ce délai masque son contenu jusqu'à ce que "
                      "la personne saisisse son mot de passe (CNIL : quelques minutes).", self)
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.finish()
        self.reload()

    def reload(self) -> None:
        self.query(account_admin.lock_setting, self._show)

    def _show(self, setting: LockSetting) -> None:
        self.setting = setting
        self.minutes.setValue(setting.lock_after_minutes)

    def save(self) -> None:
        minutes, version = self.minutes.value(), self.setting.version
        self.write(lambda unit: account_admin.set_lock_after(unit, minutes, version),
                   lambda _none: self.reload())

    def set_editable(self, editable: bool) -> None:
        self.minutes.setReadOnly(not editable)


class AccountsTab(QSplitter):
    """The accounts' table on the left (filtered as one types), the chosen one's form on the
    right, and the office's lock delay below it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ctx = ctx
        self._select_after_load: uuid.UUID | None = None
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filtrer : nom, identifiant, rôle, lieu…")
        self.filter_edit.setAccessibleName("Filtrer les comptes")
        self.filter_edit.setClearButtonEnabled(True)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSourceModel(accounts_model([], self))
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTreeView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Comptes")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Lieu ou secteur"),
                                    QHeaderView.ResizeMode.Interactive)
        self.new_button = QPushButton("&Nouveau compte", self)
        self.new_button.clicked.connect(self.new_account)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter_edit)
        column.addWidget(self.view, 1)
        column.addWidget(self.new_button)
        self.section = AccountSection(ctx, self)
        self.lock = LockSection(ctx)
        content = QWidget()
        sections = QVBoxLayout(content)
        sections.addWidget(self.section)
        sections.addWidget(self.lock)
        sections.addStretch()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        # The form needs its labels and fields; the table takes the rest.
        scroll.setMaximumWidth(self.fontMetrics().averageCharWidth() * 75)
        self.addWidget(left)
        self.addWidget(scroll)
        self.setStretchFactor(0, 1)
        self.setChildrenCollapsible(False)
        self.accounts: dict[uuid.UUID, AccountRow] = {}
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        ctx.changes.connect(lambda kinds: bool(kinds & {"staff", "site"}) and self.load())
        self.load()

    def load(self) -> None:
        def work(unit):
            site_choices = [(s.id, s.name) for s in sorted(sites.list_sites(unit),
                                                          key=lambda s: s.name)]
            return (account_admin.list_accounts(unit), site_choices,
                    account_admin.sectors(unit))

        self.section.query(work, self._show)

    def _show(self, answer) -> None:
        accounts, site_choices, sectors = answer
        chosen = self._select_after_load or self.current_id()
        self._select_after_load = None
        self.accounts = {a.id: a for a in accounts}
        self.section.set_places(site_choices, sectors)
        self.proxy.setSourceModel(accounts_model(accounts, self))
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        rows = [self.proxy.index(r, 0) for r in range(self.proxy.rowCount())]
        match = next((i for i in rows if i.data(_ID_ROLE) == chosen), rows[0] if rows else None)
        if match is not None:
            self.view.setCurrentIndex(match)
        self._chosen()

    def current_id(self) -> uuid.UUID | None:
        index = self.view.currentIndex()
        return index.siblingAtColumn(0).data(_ID_ROLE) if index.isValid() else None

    def select_after_load(self, account_id: uuid.UUID) -> None:
        self._select_after_load = account_id

    def _chosen(self) -> None:
        account = self.accounts.get(self.current_id())
        if account is not None:
            self.section.show_account(account)

    def new_account(self) -> None:
        self.view.clearSelection()
        self.view.setCurrentIndex(self.proxy.index(-1, -1))
        self.section.show_account(None)
        self.section.login.setFocus(Qt.FocusReason.OtherFocusReason)

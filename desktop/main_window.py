"""The main window: the navigation sidebar, the area pages, menus and the status bar."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.org.access import Permission
from desktop import theme
from desktop.areas import AREAS, Area, visible_areas
from desktop.context import AppContext
from desktop.logs import log_dir
from desktop.settings import APP_NAME
from widgets.sidebar import Sidebar

_AREA_SHORTCUT_COUNT = 9  # Ctrl+1 … Ctrl+9 at most
MESSAGES_AFTER_MS = 30_000  # the first batch of messages, well after the start


class MainWindow(QMainWindow):
    """One signed-in session. ``switch_user_requested`` asks the application for a new login,
    ``lock_requested`` to lock the workstation now, ``change_password_requested`` for the
    person's new password; ``closed`` tells it the window is gone (quit, or switch user).
    An offline laptop's permanence (``desktop.laptop``): ``reopen_requested(path)`` asks to
    sign in again on the permanence just prepared, ``given_back(farewell)`` to wipe the
    permanence once the window is closed, then quit saying ``farewell``."""

    switch_user_requested = Signal()
    lock_requested = Signal()
    change_password_requested = Signal()
    reopen_requested = Signal(str)
    given_back = Signal(str)
    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.areas: dict[str, Area] = {area.key: area for area in visible_areas(ctx)}
        self._pages: dict[str, QWidget] = {}
        self.setWindowTitle("Guichet")
        self.setWindowIcon(theme.app_icon())

        self.sidebar = Sidebar(self)
        for area in self.areas.values():
            self.sidebar.add_entry(area.key, area.title, theme.icon(area.icon, self.palette()),
                                   area.description)
        self.stack = QStackedWidget(self)
        self.stack.setAccessibleName("Contenu")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(1)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)

        self._build_menus()
        self._build_status_bar()
        self.sidebar.current_changed.connect(self.show_area)
        self.sidebar.activated.connect(lambda _key: self.focus_page())
        ctx.open_requested.connect(self.open_target)
        self._restore_geometry()
        self.sidebar.set_current(next(iter(self.areas)))
        self.sidebar.setFocus()
        # Messages to people go out while Guichet is open; started once the window is up.
        self.messages = None
        QTimer.singleShot(MESSAGES_AFTER_MS, self._start_messages)

    def _start_messages(self) -> None:
        if self.ctx.store.is_replica:  # the office sends what a laptop queued, once pushed:
            return  # sent from here too, a person would get it twice
        from desktop.messages.background import BackgroundSender

        self.messages = BackgroundSender(self.ctx, self)

    # -- areas ---------------------------------------------------------------------------
    def show_area(self, key: str) -> QWidget:
        """Bring an area forward, building its page on first visit."""
        page = self._pages.get(key)
        if page is None:
            page = self.areas[key].build(self.ctx, self.stack)
            self._pages[key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        if self.sidebar.current_key() != key:
            self.sidebar.set_current(key)
        return page

    def open_target(self, key: str, target: object) -> None:
        """Show ``target`` (a case id…) in the page of area ``key``, if this role sees it."""
        if key in self.areas:
            self.show_area(key).show_target(target)

    def page(self, key: str) -> QWidget | None:
        """The page of an area if it has been built."""
        return self._pages.get(key)

    def current_area(self) -> str | None:
        return self.sidebar.current_key()

    def focus_page(self) -> None:
        """Move the keyboard focus to the first control of the page, in tab order."""
        page = self.stack.currentWidget()
        if page is None:
            return
        candidate = page.nextInFocusChain()
        while candidate is not page and page.isAncestorOf(candidate):
            if (candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and candidate.isVisibleTo(page) and candidate.isEnabled()):
                candidate.setFocus(Qt.FocusReason.TabFocusReason)
                return
            candidate = candidate.nextInFocusChain()
        page.setFocus(Qt.FocusReason.TabFocusReason)

    def _toggle_focus(self) -> None:
        """F6: between the sidebar and the page, like the panes of most desktop software."""
        if self.sidebar.hasFocus():
            self.focus_page()
        else:
            self.sidebar.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def search_people(self) -> None:
        self.show_area("people").focus_search()

    def new_person(self) -> None:
        self.show_area("people").new_person()

    def back_up(self) -> None:
        from desktop import backup_actions

        backup_actions.back_up(self.ctx, self)

    def restore(self) -> None:
        from desktop import backup_actions

        backup_actions.restore(self.ctx, self, self.switch_user_requested.emit)

    # -- menus ---------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None,
                enabled: bool = True) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setEnabled(enabled)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        can_edit = self.ctx.actor.can(Permission.EDIT_PEOPLE)
        file_menu = self.menuBar().addMenu("&Fichier")
        self.new_person_action = self._action("&Nouvelle personne", self.new_person, "Ctrl+N",
                                              enabled=can_edit and "people" in self.areas)
        file_menu.addAction(self.new_person_action)
        self.laptop = None
        if not self.ctx.store.is_sqlite or self.ctx.store.is_replica:  # not the embedded file
            from desktop.laptop.window import LaptopActions

            self.laptop = LaptopActions(self, file_menu)
        if self.ctx.actor.can(Permission.ADMINISTER):
            file_menu.addSeparator()
            file_menu.addAction(self._action("&Sauvegarder…", self.back_up))
            file_menu.addAction(self._action("Res&taurer…", self.restore))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Verrouiller le poste", self.lock_requested.emit,
                                         "Ctrl+L"))
        file_menu.addAction(self._action("&Changer d'utilisateur…",
                                         self.switch_user_requested.emit))
        file_menu.addAction(self._action("Changer mon &mot de passe…",
                                         self.change_password_requested.emit))
        settings = self._action("&Réglages…", self.open_settings, "Ctrl+,")
        settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        file_menu.addAction(settings)
        file_menu.addSeparator()
        quit_action = self._action("&Quitter", self.close, QKeySequence.StandardKey.Quit)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # the same on every platform
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)

        go_menu = self.menuBar().addMenu("&Aller à")
        self.area_actions: dict[str, QAction] = {}
        # Each area keeps its own digit whatever the role (Ctrl+4 is always Rappels): a
        # colleague's advice or a training sheet holds for everyone.
        numbers = {area.key: number for number, area in enumerate(AREAS, start=1)}
        for area in self.areas.values():
            number = numbers[area.key]
            shortcut = f"Ctrl+{number}" if number <= _AREA_SHORTCUT_COUNT else None
            action = self._action(area.title, lambda _c=False, k=area.key: self.show_area(k),
                                  shortcut)
            self.area_actions[area.key] = action
            go_menu.addAction(action)
        go_menu.addSeparator()
        go_menu.addAction(self._action("&Rechercher une personne", self.search_people,
                                       "Ctrl+F", enabled="people" in self.areas))
        go_menu.addAction(self._action("Passer de la navigation à la &page",
                                       self._toggle_focus, "F6"))

        help_menu = self.menuBar().addMenu("Ai&de")
        help_menu.addAction(self._action("&Raccourcis clavier", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action("Ouvrir le dossier du &journal", self.open_log_folder))
        about = self._action("À &propos de Guichet", self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    def shortcuts(self) -> list[tuple[str, str]]:
        """(what, keys) for every menu action with a shortcut, then the lists' own keys."""
        rows = []
        for action in self._menu_actions():
            if action.isEnabled() and not action.shortcut().isEmpty():
                what = action.text().replace("&", "").rstrip("…")
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append((what, keys))
        rows += [
            ("Parcourir la navigation", "Flèches haut et bas"),
            ("Ouvrir l'espace choisi", "Entrée"),
            ("Passer d'un champ à l'autre", "Tab, Maj+Tab"),
            ("Ouvrir un menu", "Alt + lettre soulignée"),
        ]
        return rows

    def _menu_actions(self) -> list[QAction]:
        return [
            action
            for menu_action in self.menuBar().actions()
            if menu_action.menu() is not None
            for action in menu_action.menu().actions()
            if not action.isSeparator()
        ]

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Raccourcis clavier")
        rows = "".join(
            f"<tr><td style='padding: 3px 18px 3px 0'>{what}</td>"
            f"<td style='padding: 3px 0'><b>{keys}</b></td></tr>"
            for what, keys in self.shortcuts()
        )
        table = QLabel(f"<table>{rows}</table>", dialog)
        table.setTextFormat(Qt.TextFormat.RichText)
        table.setAccessibleName("Liste des raccourcis clavier")
        table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                      | Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(dialog)
        buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.open()

    def open_settings(self) -> None:
        from desktop.settings_dialog import SettingsDialog

        SettingsDialog(ctx=self.ctx, parent=self).open()

    def open_log_folder(self) -> None:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def show_about(self) -> QDialog:
        from desktop.about import AboutDialog

        dialog = AboutDialog(self.ctx, self)
        dialog.open()
        return dialog

    # -- status bar ----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        actor = self.ctx.actor
        self.database_label = QLabel(self.ctx.store.describe(), self)
        self.database_label.setAccessibleName("Base de données utilisée")
        self.user_label = QLabel(f"{actor.display_name} — {actor.role_label}", self)
        self.user_label.setAccessibleName("Utilisateur connecté")
        self.statusBar().addWidget(self.database_label, 1)
        if self.laptop is not None and self.laptop.status is not None:
            self.database_label.hide()  # the permanence's line says where it is instead
            self.statusBar().addWidget(self.laptop.status, 1)
        self.statusBar().addPermanentWidget(self.user_label)

    # -- theme ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for area in self.areas.values():
                self.sidebar.set_icon(area.key, theme.icon(area.icon, self.palette()))

    # -- geometry ------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = QSettings(APP_NAME, APP_NAME).value("window/geometry")
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved):
            return
        available = self.screen().availableGeometry()
        self.resize(min(1100, int(available.width() * 0.9)),
                    min(720, int(available.height() * 0.9)))

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings(APP_NAME, APP_NAME).setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
        self.closed.emit()

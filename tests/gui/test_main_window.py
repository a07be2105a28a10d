"""The main window: what each role sees, navigation, placeholders, menus and status bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from db.roles import Role
from desktop.agenda.page import AgendaPage
from desktop.areas import AREAS
from desktop.main_window import MainWindow
from desktop.settings import APP_NAME


@pytest.fixture
def open_window(qtbot, make_context):
    def open_(role: Role = Role.ADVISER) -> MainWindow:
        window = MainWindow(make_context(role))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.windowHandle().requestActivate()  # shortcuts go to the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    return open_


def titles(window: MainWindow) -> list[str]:
    return [window.areas[key].title for key in window.sidebar.visible_keys()]


def test_partner_sees_neither_mediation_nor_administration(open_window):
    window = open_window(Role.PARTNER)
    assert titles(window) == ["Personnes", "Agenda", "Rappels"]
    assert "mediation" not in window.area_actions


def test_mediator_sees_mediation_and_admin_sees_administration(open_window):
    assert "Médiation" in titles(open_window(Role.MEDIATOR))
    assert "Administration" not in titles(open_window(Role.MEDIATOR))
    admin = titles(open_window(Role.ADMIN))
    assert "Administration" in admin and "Médiation" not in admin


def test_adviser_areas_in_order(open_window):
    assert titles(open_window(Role.ADVISER)) == [
        "Personnes", "Agenda", "Préparations", "Rappels", "Parcours"]


def test_pages_are_built_on_first_visit(open_window):
    window = open_window(Role.ADVISER)
    assert window.page("people") is not None  # the first page is shown at once
    assert window.page("agenda") is None
    window.show_area("agenda")
    assert isinstance(window.page("agenda"), AgendaPage)


def test_navigation_by_sidebar_click(qtbot, open_window):
    window = open_window(Role.MANAGER)
    item = window.sidebar.item(window.sidebar.keys().index("dashboard"))
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_area() == "dashboard"
    assert window.stack.currentWidget() is window.page("dashboard")


def test_navigation_by_keyboard_in_sidebar(qtbot, open_window):
    window = open_window(Role.ADVISER)
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.current_area() == "agenda"
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Return)  # into the page
    qtbot.waitUntil(lambda: window.page("agenda").isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)  # and back
    qtbot.waitUntil(window.sidebar.hasFocus)


def test_navigation_by_ctrl_digit_shortcuts(qtbot, open_window):
    window = open_window(Role.MEDIATOR)  # Personnes, Médiation, Tableau de bord
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "mediation"
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "dashboard"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "dashboard"  # the agenda is not the mediator's
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "people"


def test_go_to_menu_lists_each_visible_area_with_its_shortcut(open_window):
    window = open_window(Role.PARTNER)
    shortcuts = {key: action.shortcut().toString() for key, action in window.area_actions.items()}
    # The same digits as for every role: Rappels is Ctrl+4 for all.
    assert shortcuts == {"people": "Ctrl+1", "agenda": "Ctrl+2", "callbacks": "Ctrl+4"}


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.key)
def test_every_area_opens_its_own_page(open_window, area):
    window = open_window(Role.ADMIN if area.key != "mediation" else Role.MEDIATOR)
    page_class = area.page.partition(":")[2]
    assert type(window.show_area(area.key)).__name__ == page_class


def test_status_bar_shows_database_user_and_role(open_window, sqlite_store):
    window = open_window(Role.PARTNER)
    assert window.database_label.text() == sqlite_store.describe()
    assert window.database_label.text().startswith("Fichier local : ")
    assert window.user_label.text() == "Camille Partenaire01 — Agent France Services"


def test_ctrl_f_focuses_the_people_search(qtbot, open_window):
    window = open_window(Role.ADVISER)
    window.show_area("agenda")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "people"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and window.page("people").isAncestorOf(QApplication.focusWidget()))


def test_new_person_is_disabled_without_the_right(open_window):
    assert open_window(Role.ADVISER).new_person_action.isEnabled()
    assert not open_window(Role.MANAGER).new_person_action.isEnabled()


def test_menus_are_french_with_the_expected_actions(open_window):
    window = open_window(Role.ADVISER)
    menus = {a.text().replace("&", ""): [x.text().replace("&", "") for x in a.menu().actions()
                                          if not x.isSeparator()]
             for a in window.menuBar().actions()}
    assert list(menus) == ["Fichier", "Aller à", "Aide"]
    assert menus["Fichier"] == ["Nouvelle personne", "Verrouiller le poste",
                                "Changer d'utilisateur…", "Changer mon mot de passe…",
                                "Réglages…", "Quitter"]
    assert menus["Aide"] == ["Raccourcis clavier", "Ouvrir le dossier du journal",
                             "À propos de Guichet"]
    shortcuts = dict(window.shortcuts())
    assert shortcuts["Nouvelle personne"] == "Ctrl+N"
    assert shortcuts["Réglages"] == "Ctrl+,"
    assert shortcuts["Quitter"] == "Ctrl+Q"
    assert shortcuts["Verrouiller le poste"] == "Ctrl+L"
    assert shortcuts["Raccourcis clavier"] == "F1"


def test_switch_user_is_requested(qtbot, open_window):
    window = open_window(Role.ADVISER)
    with qtbot.waitSignal(window.switch_user_requested):
        next(a for a in window._menu_actions() if "utilisateur" in a.text()).trigger()


def test_geometry_is_saved_and_restored(qtbot, open_window):
    window = open_window(Role.ADVISER)
    window.resize(700, 500)
    with qtbot.waitSignal(window.closed):
        window.close()
    assert QSettings(APP_NAME, APP_NAME).value("window/geometry") is not None
    again = open_window(Role.ADVISER)
    assert (again.width(), again.height()) == (700, 500)


def test_controls_have_accessible_names(open_window):
    window = open_window(Role.ADVISER)
    assert window.sidebar.accessibleName() == "Navigation"
    assert window.user_label.accessibleName() == "Utilisateur connecté"
    assert window.database_label.accessibleName() == "Base de données utilisée"

"""The agenda page keeps a user from starting what would be refused: closed and past cells
say why instead of opening a booking, the month view leads to a day, and a site closed
today opens on its next open day."""

from __future__ import annotations

from datetime import date, time, timedelta

from PySide6.QtCore import QPoint, Qt

from db.roles import Role
from db.wording import weekday_day
from db.workdays import WorkingCalendar
from desktop.agenda.page import AgendaPage
from tests.db.agenda_setup import make_agenda
from tests.gui import test_agenda
from tests.gui.test_agenda import WAIT, show_day, working_day
from widgets.calendar_view import CalendarMode

setup, open_page = test_agenda.setup, test_agenda.open_page  # the agenda's fixtures


def double_click(qtbot, page: AgendaPage, day: date, at: time) -> None:
    column = page.view.column_rect(page.view.days().index(day))
    point = QPoint(round(column.center().x()), round(page.view.y_for(at)) + 2)
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_past_cell_says_why_and_opens_no_booking(qtbot, open_page):
    page = open_page()
    day = working_day(date.today() - timedelta(days=7), step=-1)
    show_day(qtbot, page, day)
    double_click(qtbot, page, day, time(10, 0))
    assert page.dialog is None
    assert page.message.isVisible() and "passé" in page.message.text()


def test_a_closed_cell_says_why_and_opens_no_booking(qtbot, open_page):
    page = open_page()
    sunday = date.today() + timedelta(days=13 - date.today().weekday())
    show_day(qtbot, page, sunday)
    double_click(qtbot, page, sunday, time(10, 0))
    assert page.dialog is None
    assert page.message.isVisible() and "Fermé" in page.message.text()
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        page.toolbar.next_button.click()
    assert not page.message.isVisible()  # another week: the old reason is gone


def test_the_month_view_leads_to_the_day_double_clicked(qtbot, open_page):
    page = open_page()
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        page.view.set_mode(CalendarMode.MONTH)
    day = date.today().replace(day=15)
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        page.view.day_activated.emit(day)
    assert page.view.mode() is CalendarMode.DAY
    assert page.view.days() == [day]


def test_a_site_closed_today_opens_on_its_next_open_day(qtbot, make_context, sqlite_store,
                                                         gui_actors):
    today = date.today()
    open_weekday = (today.weekday() + 2) % 5 if today.weekday() < 5 else 1
    make_agenda(sqlite_store, gui_actors, weekdays=range(open_weekday, open_weekday + 1))
    expected = today + timedelta(days=1)
    calendar = WorkingCalendar("38")
    while expected.weekday() != open_weekday or not calendar.is_working_day(expected):
        expected += timedelta(days=1)
    page = AgendaPage(make_context(Role.PARTNER))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitUntil(lambda: page.view.days() == [expected], timeout=WAIT)
    assert page.message.text() == (
        f"« Agence de Grenoble » ne reçoit pas le {weekday_day(today)} : voici le "
        f"{weekday_day(expected)}, son prochain jour d'ouverture.")

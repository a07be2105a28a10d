"""The Agenda area: an adviser's week or day, a site's day with one column per adviser, the
list of appointments and the adviser's « à renseigner »; booking, opening, moving and
exporting from there.

Only the period shown is fetched (``period_changed``), on the worker thread; an answer
overtaken by a later request is dropped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.agenda import appointments, booking, views, workshops
from db.agenda.appointments import AgendaRow
from db.agenda.labels import KIND_LABELS, STATUS_LABELS
from db.agenda.models import AppointmentKind, AppointmentStatus
from db.agenda.slots import Slot
from db.agenda.views import AdviserChoice, AgendaChoices, Closure, SiteChoice
from db.agenda.workshops import SessionRow
from db.org.access import Permission
from db.roles import Role
from db.wording import moment as french_moment
from db.wording import weekday_day
from desktop import operations as ops
from desktop.agenda.appointment_dialog import AppointmentDialog
from desktop.agenda.booking_dialog import BookingDialog, default_site
from desktop.agenda.common import (
    KIND_COLOURS,
    TO_FILL,
    AppointmentTable,
    Prompts,
    instant,
    local,
    to_fill,
)
from desktop.agenda.export import ExportPeriodDialog, export_agenda
from desktop.agenda.list_view import AppointmentList
from desktop.agenda.plan_session_dialog import PlanSessionDialog
from desktop.agenda.session_dialog import SessionDialog, seats_text
from desktop.context import AppContext
from desktop.list_export import ExportButton
from widgets.banner import Banner
from widgets.calendar_view import (
    CalendarItem,
    CalendarMode,
    CalendarToolbar,
    CalendarView,
    ClosedPeriod,
)
from widgets.chip_bar import FlowLayout
from widgets.heading import Heading

ADVISER_VIEW, SITE_VIEW = "adviser", "site"
# What the agenda shows, as ``ctx.changes`` names it: a write to one of these redraws it.
AGENDA_KINDS = {"appointment", "workshop_session", "waiting_list_entry", "opening_hours",
                "closed_day", "availability", "absence"}
_FIRST_HOUR, _LAST_HOUR, _GRID_MINUTES = time(8, 0), time(18, 0), 15


@dataclass
class _Period:
    """What one period of the calendar shows."""

    rows: list[AgendaRow]
    sessions: list[SessionRow]
    closures: list[Closure]
    advisers: list[AdviserChoice] = field(default_factory=list)


def appointment_item(row: AgendaRow, zone: str, now: datetime, column=None) -> CalendarItem:
    """An appointment in the calendar; only one still to come can be dragged or moved with
    Ctrl+arrows (a move is a reschedule: ``booking.reschedule_appointment``)."""
    details = [row.motive_code, KIND_LABELS[row.kind]]
    if row.status is not AppointmentStatus.BOOKED:
        details.append(STATUS_LABELS[row.status])
    return CalendarItem(row.id, local(row.starts_at, zone), local(row.ends_at, zone),
                        row.person_name, " · ".join(details), row.kind.value, column,
                        cancelled=row.status is AppointmentStatus.CANCELLED,
                        marker=TO_FILL if to_fill(row, now) else "",
                        movable=row.status is AppointmentStatus.BOOKED and row.starts_at > now)


def session_item(row: SessionRow, zone: str, column=None) -> CalendarItem:
    return CalendarItem(("session", row.id), local(row.starts_at, zone),
                        local(row.ends_at, zone), row.motive_label, seats_text(row),
                        AppointmentKind.WORKSHOP.value, column, cancelled=row.cancelled,
                        movable=False)


def closed_period(closure: Closure, zone: str, by_adviser: bool) -> ClosedPeriod:
    return ClosedPeriod(local(closure.starts_at, zone), local(closure.ends_at, zone),
                        closure.label, closure.staff_id if by_adviser else None)


class AgendaPage(QWidget):
    """``period_shown()`` fires each time the calendar shows a freshly fetched period,
    ``exported(path, count)`` when an .ics file is written."""

    period_shown = Signal()
    exported = Signal(str, int)  # path, number of appointments written

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._ticket = 0
        self._choices = AgendaChoices([], [])
        self._rows: dict[uuid.UUID, AgendaRow] = {}
        self._sessions: dict[uuid.UUID, SessionRow] = {}
        self._to_fill: dict[uuid.UUID, AgendaRow] = {}
        self._site_advisers: list[AdviserChoice] = []
        self.dialog: QWidget | None = None
        self._build()
        ctx.changes.connect(self._on_changes)
        ops.query(ctx, lambda unit: views.agenda_choices(unit)) \
            .on_success(self._chosen).owned_by(self).run()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.view_kind = QComboBox(self)
        self.view_kind.addItem("Agenda d'un conseiller", ADVISER_VIEW)
        self.view_kind.addItem("Journée d'un site", SITE_VIEW)
        self.view_kind.setAccessibleName("Afficher")
        self.who = QComboBox(self)
        self.who.setAccessibleName("Conseiller ou site affiché")
        # Long site names are elided in the box, whole in its list: the bar stays narrow.
        self.who.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.who.setMinimumContentsLength(26)
        self.show_cancelled = QCheckBox("Afficher les a&nnulés", self)
        self.show_cancelled.setChecked(True)
        self.new_button = QPushButton("&Nouveau rendez-vous", self)
        self.new_button.setToolTip("Prendre un rendez-vous (ou double-clic sur un créneau)")
        self.new_button.clicked.connect(lambda: self.book())
        self.plan_button = QPushButton("Planifier un a&telier…", self)
        self.plan_button.setToolTip("Planifier une session d'atelier collectif")
        self.plan_button.setVisible(self._ctx.actor.can(Permission.PLAN_AGENDA))
        self.plan_button.setEnabled(False)  # until the sites and advisers are known
        self.plan_button.clicked.connect(lambda: self.plan_session())
        self.export_button = QPushButton("E&xporter…", self)
        self.export_button.setToolTip("Exporter l'agenda du conseiller en .ics")
        self.export_button.clicked.connect(self.export)
        show_label = QLabel("&Afficher :", self)
        show_label.setBuddy(self.view_kind)
        # The bar wraps onto a second line rather than widening the window (a 1280-pixel
        # laptop with the sidebar open, 200 % scaling).
        self.bar = QWidget(self)
        bar = FlowLayout(self.bar, spacing=8)
        for widget in (Heading("Agenda", self), show_label, self.view_kind, self.who,
                       self.show_cancelled, self.new_button, self.plan_button,
                       self.export_button):
            bar.addWidget(widget)

        self.view = CalendarView(self, clock=self._now_here)
        self.view.set_time_range(_FIRST_HOUR, _LAST_HOUR, _GRID_MINUTES)
        self.view.set_category_colours(KIND_COLOURS)
        self.view.set_past_bookable(False)
        self.view.setAccessibleName("Agenda")
        self.toolbar = CalendarToolbar(self.view, self, modes=tuple(CalendarMode))
        calendar = QWidget(self)
        calendar_layout = QVBoxLayout(calendar)
        calendar_layout.setContentsMargins(0, 0, 0, 0)
        calendar_layout.addWidget(self.toolbar)
        calendar_layout.addWidget(self.view, 1)
        self.legend = QLabel(self._legend(), self)
        self.legend.setAccessibleName("Légende des couleurs")
        calendar_layout.addWidget(self.legend)

        self.to_fill_table = AppointmentTable(
            lambda ids: [self._to_fill[i] for i in ids if i in self._to_fill],
            self._zone_of_row, self._adviser_name, parent=self)
        self.to_fill_table.setAccessibleName("Rendez-vous passés à renseigner")
        self.to_fill_table.open_requested.connect(self.open_appointment)
        to_fill = QWidget(self)
        to_fill_layout = QVBoxLayout(to_fill)
        to_fill_bar = QHBoxLayout()
        to_fill_bar.addStretch()
        self.to_fill_export = ExportButton(self._ctx, self._to_fill_shown,
                                           lambda: "rendez-vous-a-renseigner", to_fill)
        to_fill_bar.addWidget(self.to_fill_export)
        to_fill_layout.addLayout(to_fill_bar)
        to_fill_layout.addWidget(self.to_fill_table, 1)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(calendar, "&Calendrier")
        self.list: AppointmentList | None = None  # built once the choices are known
        self.tabs.addTab(QLabel("Chargement…"), "&Liste")
        self.tabs.addTab(to_fill, "Passés à &renseigner")
        self.message = Banner(self, framed=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

        self.view_kind.currentIndexChanged.connect(self._view_kind_changed)
        self.who.currentIndexChanged.connect(self._who_changed)
        self.show_cancelled.toggled.connect(self.refresh)
        self.view.period_changed.connect(self.refresh)
        self.view.item_activated.connect(self._item_activated)
        self.view.slot_activated.connect(self._slot_activated)
        self.view.item_move_requested.connect(self.move_requested)
        self.view.item_cancel_requested.connect(self._cancel_requested)
        self.view.refused_slot.connect(self.say)
        self.view.day_activated.connect(self.show_day)
        self.view.period_changed.connect(lambda *_period: self.say(""))

    @staticmethod
    def _legend() -> str:
        return "  ".join(f"<span style='color:{KIND_COLOURS[kind.value]}'>■</span> "
                         f"{KIND_LABELS[kind]}" for kind in AppointmentKind) + \
            f"  — ● {TO_FILL} : rendez-vous passé sans issue"

    # -- who and where -----------------------------------------------------------------------
    def _chosen(self, choices: AgendaChoices) -> None:
        self._choices = choices
        self.plan_button.setEnabled(True)
        self.list = AppointmentList(self._ctx, choices, self)
        self.list.open_requested.connect(self.open_appointment)
        self.tabs.removeTab(1)
        self.tabs.insertTab(1, self.list, "&Liste")
        self.list.search()  # this week, every adviser and site
        mine = any(a.id == self._ctx.actor.id for a in choices.advisers)
        self.view_kind.blockSignals(True)
        self.view_kind.setCurrentIndex(0 if mine or not choices.sites else 1)
        self.view_kind.blockSignals(False)
        self._view_kind_changed()

    def mode(self) -> str:
        return self.view_kind.currentData()

    def adviser(self) -> AdviserChoice | None:
        return self.who.currentData() if self.mode() == ADVISER_VIEW else None

    def site(self) -> SiteChoice | None:
        return self.who.currentData() if self.mode() == SITE_VIEW else None

    def _view_kind_changed(self) -> None:
        self.who.blockSignals(True)
        self.who.clear()
        if self.mode() == ADVISER_VIEW:
            for adviser in self._choices.advisers:
                self.who.addItem(adviser.name, adviser)
            wanted = self._ctx.actor.id
            self.who.setCurrentIndex(max(0, next(
                (i for i, a in enumerate(self._choices.advisers) if a.id == wanted), 0)))
            self.view.set_resources([])
            self.view.set_mode(CalendarMode.WEEK)
        else:
            for site in self._choices.sites:
                self.who.addItem(site.name, site)
            wanted = default_site(self._ctx)
            self.who.setCurrentIndex(max(0, next(
                (i for i, s in enumerate(self._choices.sites) if s.id == wanted), 0)))
            self.view.set_mode(CalendarMode.DAY)
        self.who.blockSignals(False)
        self.export_button.setVisible(self.mode() == ADVISER_VIEW)
        self._who_changed()

    def _who_changed(self) -> None:
        self.refresh()
        self.refresh_to_fill()
        site = self.site()
        if site is not None:
            self._open_on_an_open_day(site)

    def _open_on_an_open_day(self, site: SiteChoice) -> None:
        """A site shown on a day it is closed (a permanence open two days a week, a
        holiday): go to the next day it receives, and say so."""
        today = self.view.current_date()
        now = datetime.now(UTC)
        ops.query(self._ctx, lambda unit: views.next_open_day(unit, site.id, now)) \
            .on_success(lambda day: self._opened_on(site, today, day)).owned_by(self).run()

    def _opened_on(self, site: SiteChoice, asked: date, day: date) -> None:
        if self.site() != site or self.view.current_date() != asked or day == asked:
            return  # another site or day was chosen meanwhile, or the site is open
        self.view.set_date(day)
        self.say(f"« {site.name} » ne reçoit pas le {weekday_day(asked)} : voici le "
                 f"{weekday_day(day)}, son prochain jour d'ouverture.")

    def say(self, message: str) -> None:
        """A line above the calendar (why a cell cannot be booked, an export done); an
        empty one hides it."""
        self.message.say(message)

    def show_day(self, day: date) -> None:
        """The day view of ``day`` (a day activated in the month view)."""
        self.view.set_mode(CalendarMode.DAY)
        self.view.set_date(day)

    def show_adviser(self, adviser_id: uuid.UUID) -> None:
        """Show that adviser's agenda (the week view)."""
        if self.mode() != ADVISER_VIEW:
            self.view_kind.setCurrentIndex(0)
        self.who.setCurrentIndex(max(0, next(
            (i for i, a in enumerate(self._choices.advisers) if a.id == adviser_id), 0)))

    def show_site(self, site_id: uuid.UUID) -> None:
        """Show that site's day, one column per adviser."""
        if self.mode() != SITE_VIEW:
            self.view_kind.setCurrentIndex(1)
        self.who.setCurrentIndex(max(0, next(
            (i for i, s in enumerate(self._choices.sites) if s.id == site_id), 0)))

    def zone(self) -> str:
        shown = self.who.currentData()
        return shown.time_zone if shown is not None else views.DEFAULT_TIME_ZONE

    def _now_here(self) -> datetime:
        """The view's clock: now, at the place shown."""
        zone = self.zone() if hasattr(self, "who") else views.DEFAULT_TIME_ZONE
        return local(datetime.now(UTC), zone)

    def _zone_of_row(self, row: AgendaRow) -> str:
        zones = {site.id: site.time_zone for site in self._choices.sites}
        return zones.get(row.site_id, views.DEFAULT_TIME_ZONE)

    def _adviser_name(self, adviser_id: uuid.UUID) -> str:
        return next((a.name for a in self._choices.advisers if a.id == adviser_id), "")

    # -- fetching the period -----------------------------------------------------------------
    def refresh(self, *_period) -> None:
        """Fetch the shown period again; an earlier answer still on its way is dropped."""
        shown = self.who.currentData()
        if shown is None:
            return
        self._ticket += 1
        ticket, zone, mode = self._ticket, self.zone(), self.mode()
        first, end = self.view.period()
        starts, ends = instant(first, zone), instant(end, zone)
        first_day, last_day = first.date(), end.date() - timedelta(days=1)

        def work(unit) -> _Period | None:
            if ticket != self._ticket:  # overtaken while it waited in the queue
                return None
            if mode == ADVISER_VIEW:
                rows = appointments.agenda_rows(unit, starts, ends, adviser_id=shown.id,
                                           include_cancelled=True)
                sessions = workshops.sessions_between(unit, None, starts, ends,
                                                      host_id=shown.id)
                closures = views.closures(unit, shown.site_id, first_day,
                                                 last_day, (shown.id,)) \
                    if shown.site_id else []
                return _Period(rows, sessions, closures)
            advisers = views.site_advisers(unit, shown.id)
            return _Period(
                appointments.agenda_rows(unit, starts, ends, site_id=shown.id,
                                    include_cancelled=True),
                workshops.sessions_between(unit, shown.id, starts, ends),
                views.closures(unit, shown.id, first_day, last_day,
                                      tuple(a.id for a in advisers)),
                advisers)

        ops.query(self._ctx, work).on_success(
            lambda period: self._show_period(ticket, zone, mode, period)).owned_by(self).run()

    def _show_period(self, ticket: int, zone: str, mode: str, period: _Period | None) -> None:
        if ticket != self._ticket or period is None:
            return
        by_adviser = mode == SITE_VIEW
        if by_adviser:
            self._site_advisers = period.advisers
            self.view.set_resources([(a.id, a.name) for a in period.advisers])
        now = datetime.now(UTC)
        hidden = {AppointmentStatus.RESCHEDULED}  # its successor is shown
        if not self.show_cancelled.isChecked():
            hidden.add(AppointmentStatus.CANCELLED)
        # Workshop registrations are shown as their session, once.
        rows = [r for r in period.rows
                if r.status not in hidden and r.workshop_session_id is None]
        self._rows = {row.id: row for row in rows}
        self._sessions = {row.id: row for row in period.sessions}
        self.view.set_closed_periods([closed_period(c, zone, by_adviser)
                                      for c in period.closures])
        self.view.set_items(
            [appointment_item(r, zone, now, r.adviser_id if by_adviser else None)
             for r in rows]
            + [session_item(s, zone, s.host_id if by_adviser else None)
               for s in period.sessions if self.show_cancelled.isChecked() or not s.cancelled])
        self.period_shown.emit()

    def refresh_to_fill(self) -> None:
        adviser = self.adviser()
        adviser_id = adviser.id if adviser else (
            self._ctx.actor.id if self._ctx.actor.role is Role.ADVISER else None)
        if adviser_id is None:
            self._show_to_fill([])
            return
        ops.query(self._ctx, lambda unit: appointments.appointments_to_fill(
            unit, adviser_id)).on_success(self._show_to_fill).owned_by(self).run()

    def _to_fill_shown(self):
        """The past appointments to fill in, for « Exporter… »."""
        from desktop.documents.lists import appointments_sheet

        rows = list(self._to_fill.values())
        return lambda unit: appointments_sheet(unit, rows, title="Passés à renseigner")

    def _show_to_fill(self, rows: list[AgendaRow]) -> None:
        self._to_fill = {row.id: row for row in rows}
        self.to_fill_table.set_ids([row.id for row in rows])
        # Not « À renseigner »: an unselected tab clips the accent of a capital À.
        self.tabs.setTabText(2, f"Passés à &renseigner ({len(rows)})")

    def _on_changes(self, kinds: set) -> None:
        if kinds & AGENDA_KINDS:
            self.refresh()
            self.refresh_to_fill()
            if self.list is not None:
                self.list.refresh()

    # -- opening -----------------------------------------------------------------------------
    def _show_dialog(self, dialog: QWidget) -> QWidget:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, shown=dialog: self._forget(shown))
        dialog.open()
        return dialog

    def _forget(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def open_appointment(self, appointment_id: uuid.UUID) -> AppointmentDialog:
        return self._show_dialog(AppointmentDialog(self._ctx, appointment_id, parent=self))

    def _item_activated(self, key) -> None:
        if isinstance(key, tuple):
            session = self._sessions[key[1]]
            self._show_dialog(SessionDialog(self._ctx, session, self.zone(), parent=self))
        else:
            self.open_appointment(key)

    def _cancel_requested(self, key) -> None:
        if isinstance(key, tuple):
            return
        dialog = self.open_appointment(key)
        dialog.loaded.connect(dialog.show_cancel, Qt.ConnectionType.SingleShotConnection)

    def book(self, slot: Slot | None = None) -> BookingDialog:
        """Open the booking dialog, on a slot of the agenda if given."""
        return self._show_dialog(BookingDialog(self._ctx, slot=slot, parent=self))

    def plan_session(self) -> PlanSessionDialog:
        """Open the planning of a workshop session, at the site and day shown."""
        shown = self.site() or next((s for s in self._choices.sites
                                     if s.id == default_site(self._ctx)), None)
        day = max(self.view.days()[0], date.today())
        return self._show_dialog(PlanSessionDialog(
            self._ctx, self._choices, site_id=shown.id if shown else None, day=day,
            parent=self))

    def _slot_activated(self, column_key, start: datetime) -> None:
        zone = self.zone()
        if self.mode() == SITE_VIEW:
            site = self.site()
            adviser = next((a for a in self._site_advisers if a.id == column_key), None)
        else:
            adviser = self.adviser()
            site = next((s for s in self._choices.sites
                         if adviser and s.id == adviser.site_id), None)
        if adviser is None or site is None:
            self.book()
            return
        starts_at = instant(start, zone)
        self.book(Slot(starts_at, starts_at + timedelta(minutes=_GRID_MINUTES), adviser.id,
                       adviser.name, site.id, site.name, site.time_zone))

    # -- moving ------------------------------------------------------------------------------
    def move_requested(self, key, new_start: datetime, column_key) -> None:
        """A drag or Ctrl+arrow: confirm, then move with the version the view had."""
        if isinstance(key, tuple):
            Prompts.tell(self, "Une session d'atelier ne se déplace pas ici : inscrivez les "
                               "personnes à une autre session.")
            return
        row = self._rows.get(key)
        if row is None:
            return
        zone = self.zone()
        starts_at = instant(new_start, zone)
        adviser_id = column_key if self.mode() == SITE_VIEW else None
        other = "" if adviser_id in (None, row.adviser_id) else \
            f" avec {self._adviser_name(adviser_id)}"
        if not Prompts.confirm(self, f"Déplacer le rendez-vous de {row.person_name} au "
                                     f"{french_moment(starts_at, zone)}{other} ?"):
            return

        def refused(error: BaseException) -> None:
            if not ops.is_refusal(error):
                self._ctx.report_error(error, self)
                return
            Prompts.tell(self, str(error))
            self.refresh()  # show what is really there now

        ops.write(self._ctx, lambda unit: booking.reschedule_appointment(
            unit, row.id, row.version, starts_at, adviser_id=adviser_id)) \
            .on_failure(refused).owned_by(self).run()

    # -- export ------------------------------------------------------------------------------
    def export(self) -> None:
        adviser = self.adviser()
        if adviser is None:
            return
        first, end = self.view.period()
        period = ExportPeriodDialog.ask(self, (first.date(), end.date() - timedelta(days=1)))
        if period is None:
            return
        path = Prompts.save_path(self, "Exporter l'agenda",
                                 f"agenda-{adviser.login}-{period[0]:%Y-%m-%d}.ics")
        if not path:
            return
        ops.query(self._ctx, lambda unit: export_agenda(
            unit, adviser.login, adviser.name, *period, Path(path))) \
            .on_success(lambda count: self._exported(path, count)) \
            .with_progress("Export de l'agenda…", self).owned_by(self).run()

    def _exported(self, path: str, count: int) -> None:
        self.message.say_written(
            f"{count} rendez-vous exporté{'s' if count > 1 else ''} dans {path}", path)
        self.exported.emit(path, count)

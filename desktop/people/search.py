"""The search behind the people list: queries off the GUI thread, rows fetched by block.

The people service (and with it the ORM) is imported on first use, on the worker thread: the
people page is built before the ORM is loaded (cold start), which the start-up then warms up
behind the first screen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from db import wording
from desktop import operations as ops
from desktop.context import AppContext
from widgets.id_list_model import IdListModel

if TYPE_CHECKING:
    from db.people.search import PersonRow

COLUMNS = ("Nom", "Prénom", "Type", "NIR", "Né(e) le", "Téléphone", "Commune")


def person_cell(row: PersonRow, column: int) -> str:
    match column:
        case 0:
            return row.name
        case 1:
            return row.first_name
        case 2:
            return row.kind_label
        case 3:
            return row.masked_nir
        case 4:
            return row.birth_date.strftime("%d/%m/%Y") if row.birth_date else ""
        case 5:
            return row.phone
        case _:
            return row.city


def count_line(count: int) -> str:
    from db.people import search as people_search

    if count >= people_search.SEARCH_LIMIT:
        return (f"Plus de {wording.thousands(people_search.SEARCH_LIMIT)} résultats : "
                "précisez la recherche")
    if count == 0:
        return "Aucune personne ne correspond à cette recherche."
    return wording.count(count, "personne")


def _first_page() -> int:
    from db.people import search as people_search

    return people_search.FIRST_PAGE


class PeopleSearch(QObject):
    """Runs searches, keeps the latest answer only, and feeds the list model.

    The search runs on the worker thread, in two steps: the first page (``FIRST_PAGE`` ids,
    what a screen shows) fills the list, then the whole answer (up to ``SEARCH_LIMIT`` ids)
    extends it and gives the count — sorting thousands of matches takes longer than the few
    the screen needs. The rows, though, are fetched synchronously on the GUI thread, for the
    visible block only, on a short-lived session — as Anki's browser does: 64 rows by
    primary key take about a millisecond, whereas asynchronous fetching would paint
    placeholders and repaint every time the user scrolls.
    """

    # text searched: the list holds the first page of its answer (or all of it)
    listed = Signal(str)
    # text searched, number of ids found (0 for an empty search): the list holds them all
    searched = Signal(str, int)
    # text searched, why the search was refused (in French): the list is emptied
    refused = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._latest = 0  # the number of the latest search asked for: earlier answers are stale
        self.text = ""
        self.model = IdListModel(COLUMNS, self._fetch_rows, lambda row: row.id, person_cell,
                                 parent=self)

    def search(self, text: str) -> None:
        self._latest += 1
        ticket = self._latest
        self.text = text
        if not text:
            self._show_first_page(ticket, text, [])
            return
        self._query(ticket, text, False, self._show_first_page)

    def _query(self, ticket: int, text: str, whole: bool,
               then: Callable[[int, str, list[uuid.UUID]], None]) -> None:
        """The first page of the answer, or the ``whole`` of it."""

        def work(unit) -> list[uuid.UUID] | None:
            from db.people import search as people_search

            if ticket != self._latest:  # overtaken while it waited in the queue
                return None
            limit = people_search.SEARCH_LIMIT if whole else people_search.FIRST_PAGE
            return people_search.search_people(unit, text, limit)

        def deliver(ids: list[uuid.UUID] | None) -> None:
            if ids is not None and ticket == self._latest:
                then(ticket, text, ids)

        def refused(error: BaseException) -> None:
            if not ops.is_refusal(error):
                self._ctx.report_error(error)
            elif ticket == self._latest:
                self.model.set_keys([])
                self.refused.emit(text, str(error))

        ops.query(self._ctx, work).on_success(deliver).on_failure(refused).owned_by(self) \
            .run()

    def _show_first_page(self, ticket: int, text: str, ids: list[uuid.UUID]) -> None:
        self.model.set_keys(ids)
        self.listed.emit(text)
        if not ids or len(ids) < _first_page():  # that was the whole answer
            self.searched.emit(text, len(ids))
        else:
            self._query(ticket, text, True, self._show_all)

    def _show_all(self, _ticket: int, text: str, ids: list[uuid.UUID]) -> None:
        shown = self.model.keys()
        if ids[:len(shown)] == shown:
            self.model.extend_keys(ids[len(shown):])
        else:  # the people changed between the two steps
            self.model.set_keys(ids)
        self.searched.emit(text, len(ids))

    def _fetch_rows(self, ids: list[uuid.UUID]) -> list[PersonRow]:
        from db.people import search as people_search

        with self._ctx.store.unit(self._ctx.actor) as unit:
            return people_search.people_rows(unit, ids)

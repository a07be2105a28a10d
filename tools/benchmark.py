"""Guichet's benchmark (not a test): builds the large demo data, then times named operations.

    python tools/benchmark.py [--db URL] [--repeat N] [--only TEXTE]...

Without ``--db`` the data goes into a temporary SQLite file; with it, an empty database is
filled and one that already holds data is reused as it is. Each operation runs once untimed
(to warm the caches a user's second launch would find), then ``--repeat`` times; the table
shows the median, the slowest run and the budget. A budget relative to another operation (the
cold start against its floor) is judged on runs made in alternation with it: the median of
the pairs' ratios. ``--only démarrage`` (repeatable) runs the operations whose name contains
one of the texts, with the ones their budget is relative to.

Adding an operation is one line, e.g.::

    register("agenda de la semaine", lambda bench, run: ..., budget_ms=50)
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import icalendar  # noqa: E402
from sqlalchemy import exists, func, select  # noqa: E402
from stdnum.fr import nir as stdnum_nir  # noqa: E402

from db.agenda import appointments, booking, slots  # noqa: E402
from db.agenda.models import AppointmentKind, CancelledBy, Channel, Motive  # noqa: E402
from db.dashboard import figures as dashboard_figures  # noqa: E402
from db.demo import context as demo_context  # noqa: E402
from db.demo import generate as demo_generate  # noqa: E402
from db.mediation import files as mediation_files  # noqa: E402
from db.mediation import reading as mediation_reading  # noqa: E402
from db.mediation import records as mediation_records  # noqa: E402
from db.mediation.models import CaseEventKind  # noqa: E402
from db.org import accounts  # noqa: E402
from db.org.access import Actor  # noqa: E402
from db.org.models import Staff  # noqa: E402
from db.pathways import extract_import  # noqa: E402
from db.people import search as people_search  # noqa: E402
from db.people.models import Person  # noqa: E402
from db.roles import Role  # noqa: E402
from db.store import Store, open_store  # noqa: E402
from desktop.documents import day_sheet, ical, mediation_pdf, monthly_report  # noqa: E402

SCREENFUL = 40  # rows the people list shows before any scrolling
PROCESS_TIMEOUT = 60  # seconds: a start that takes longer is a failure


@dataclass
class Bench:
    """What the operations work on: the filled database and a signed-in adviser."""

    store: Store
    url: str
    actor: Actor


@dataclass(frozen=True)
class Operation:
    name: str
    run: Callable[[Bench, int], object]  # called with the run's index
    budget_ms: float | None = None
    # A budget relative to another operation's median: ``factor`` times it.
    relative_to: str | None = None
    factor: float = 1.0


OPERATIONS: list[Operation] = []


def register(name: str, run: Callable[[Bench, int], object], budget_ms: float | None = None,
             *, relative_to: str | None = None, factor: float = 1.0) -> None:
    OPERATIONS.append(Operation(name, run, budget_ms, relative_to, factor))


@dataclass(frozen=True)
class Elapsed:
    """Returned by an operation that times itself (up to a mark inside a child process)."""

    milliseconds: float


class OperationFailed(Exception):
    """An operation could not run; the table says why instead of a timing."""


# -- cold start ------------------------------------------------------------------------------

FLOOR_SCRIPT = """
import sys
import sqlalchemy
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: print("ready", flush=True))
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def time_to_ready(arguments: list[str], **environment: str) -> Elapsed:
    """From launching ``arguments`` to the « ready » line it prints once its window is shown
    and usable; the exit that follows (interpreter teardown) is not part of starting.

    Python may keep the modules it compiles (``__pycache__``), as on a user's computer: with
    PYTHONDONTWRITEBYTECODE (set on some development machines) every start would compile
    Guichet's own modules again — about 40 ms that no second launch of a user pays, while the
    floor, made of installed packages only, would not."""
    env = {name: value for name, value in os.environ.items()
           if name != "PYTHONDONTWRITEBYTECODE"} | {"QT_QPA_PLATFORM": "offscreen"} | environment
    start = time.perf_counter()
    with subprocess.Popen(arguments, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        ready = None
        for line in process.stdout:
            if line.strip() == "ready":
                ready = time.perf_counter()
                break
        try:
            process.wait(timeout=PROCESS_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            raise OperationFailed(f"pas terminé en {PROCESS_TIMEOUT} s") from None
        if process.returncode != 0 or ready is None:
            last_line = (process.stderr.read().strip().splitlines() or ["?"])[-1]
            raise OperationFailed(f"code de sortie {process.returncode} : {last_line[:80]}")
    return Elapsed((ready - start) * 1000)


FLOOR = "plancher : PySide6 + SQLAlchemy + QMainWindow vide"
register(FLOOR, lambda bench, run: time_to_ready([sys.executable, "-c", FLOOR_SCRIPT]))
# Not a budget: what the floor becomes once it imports the ORM, the registry's models and the
# people service. Guichet's first screen no longer waits for them (signing in is Core, the
# ORM is warmed up on the worker thread after the first paint), but the first search does.
register("démarrage minimal (plancher + ORM, modèles)",
         lambda bench, run: time_to_ready([sys.executable, "-c", FLOOR_SCRIPT.replace(
             "import sqlalchemy\n", "import sqlalchemy\nimport db.people.search\n")]))
register(
    "démarrage à froid (fenêtre principale prête)",
    lambda bench, run: time_to_ready(
        [sys.executable, "-m", "desktop.cli", "--db", bench.url],
        GUICHET_LOGIN="conseiller01", GUICHET_PASSWORD="guichet-demo",  # the demo's
        GUICHET_QUIT_WHEN_READY="1",
        # A benchmark machine may have no keyring: the server URL carries what it needs.
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    ),
    relative_to=FLOOR, factor=1.5,
)


# -- people search ---------------------------------------------------------------------------

NAME_PREFIXES = ["mar", "dup", "lef", "ber", "éli", "chab", "gaë", "rou"]
NIR_PREFIXES = ["1 84", "2 91 03", "1 75 06 38", "2 88 11 38 185", "184", "2690", "1 02", "27"]


def search_and_fill(queries: list[str]) -> Callable[[Bench, int], object]:
    """What the people screen shows first for one query: the first page of ids, then the
    rows of the first screenful. The rest of the answer and its count follow (timed apart)."""
    def run(bench: Bench, index: int) -> object:
        with bench.store.unit(bench.actor) as unit:
            ids = people_search.search_people(unit, queries[index % len(queries)],
                                       limit=people_search.FIRST_PAGE)
            return people_search.people_rows(unit, ids[:SCREENFUL])

    return run


def whole_answer(queries: list[str]) -> Callable[[Bench, int], object]:
    """The second step: every id of the answer (up to SEARCH_LIMIT), which the list adds
    after the first page and counts."""
    def run(bench: Bench, index: int) -> object:
        with bench.store.unit(bench.actor) as unit:
            return people_search.search_people(unit, queries[index % len(queries)])

    return run


register("recherche par préfixe de nom", search_and_fill(NAME_PREFIXES), budget_ms=20)
register("recherche par préfixe de nom : toute la réponse", whole_answer(NAME_PREFIXES))
register("recherche par NIR", search_and_fill(NIR_PREFIXES), budget_ms=20)
register("recherche par NIR : toute la réponse", whole_answer(NIR_PREFIXES))


# -- agenda ----------------------------------------------------------------------------------

def _monday(bench: Bench, weeks_back: int) -> date:
    today = date.today()
    return today - timedelta(days=today.weekday() + 7 * weeks_back)


def week_of_adviser(bench: Bench, index: int) -> object:
    """One adviser's week, a different week each run (the data spans a year)."""
    starts, ends = appointments.week_bounds(_monday(bench, index % 50), demo_context.TIME_ZONE)
    with bench.store.unit(bench.actor) as unit:
        return appointments.agenda_rows(unit, starts, ends,
                                   adviser_id=bench.actor.id)


def free_slots_four_weeks(bench: Bench, index: int) -> object:
    """The booking dialog's search: one motive at the adviser's site over four weeks."""
    with bench.store.unit(bench.actor) as unit:
        motive = unit.session.scalar(select(Motive.id).where(Motive.code == "IJ"))
        first = date.today() + timedelta(days=index % 7)
        return slots.free_slots(unit, motive, AppointmentKind.PHYSICAL,
                                [bench.actor.site_id], first, first + timedelta(days=27))


YEAR_OF_EVENTS = 2_000
_year: list = []


def _year_entries(bench: Bench) -> list:
    """About a year of one adviser's appointments, fetched once for both measures."""
    if not _year:
        today = date.today()
        with bench.store.unit(bench.actor) as unit:
            entries = appointments.calendar_entries(unit, bench.actor.login,
                                               today - timedelta(days=365), today)
        _year.extend(entries[-YEAR_OF_EVENTS:])
    return _year


def icalendar_alone(bench: Bench, index: int) -> bytes:
    """The floor: the same events, with the same properties, built and serialised by
    ``icalendar`` with nothing else (no time zone definitions, no checks)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", ical.PRODUCT_ID)
    calendar.add("version", "2.0")
    for entry in _year_entries(bench):
        zone = ZoneInfo(entry.time_zone)
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("sequence", entry.sequence)
        event.add("dtstamp", entry.updated_at)
        event.add("last-modified", entry.updated_at)
        event.add("dtstart", entry.starts_at.astimezone(zone))
        event.add("dtend", entry.ends_at.astimezone(zone))
        event.add("summary", ical.summary(entry))
        event.add("location", ical.location(entry))
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if entry.cancelled else "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


ICALENDAR_ALONE = f"icalendar seul : {YEAR_OF_EVENTS} évènements"
register(ICALENDAR_ALONE, icalendar_alone)
register("export .ics d'une année d'un conseiller",
         lambda bench, run: ical.publish(_year_entries(bench)),
         relative_to=ICALENDAR_ALONE, factor=1.5)
def book_and_commit(bench: Bench, index: int) -> Elapsed:
    """A booking as the dialog saves it, committed (the disk sync included: SQLite runs with
    synchronous = FULL), timed to the commit's return; then cancelled, untimed, so that
    every run finds the same agenda."""
    with bench.store.unit(bench.actor) as unit:
        motive = unit.session.scalar(select(Motive.id).where(Motive.code == "IJ"))
        first = date.today() + timedelta(days=7 + index % 14)
        slot = slots.free_slots(unit, motive, AppointmentKind.PHYSICAL, [bench.actor.site_id],
                                first, first + timedelta(days=6), adviser_id=bench.actor.id,
                                limit=1)[0]
        person = unit.session.scalar(select(Person.id).where(Person.nir.is_not(None))
                                     .offset(index % 1000).limit(1))
    request = booking.BookingRequest(person, slot.adviser_id, slot.site_id, motive,
                                     AppointmentKind.PHYSICAL, slot.starts_at, Channel.RECEPTION)
    start = time.perf_counter()
    with bench.store.unit(bench.actor) as unit:
        appointment_id = booking.book_appointment(unit, request)
    elapsed = Elapsed((time.perf_counter() - start) * 1000)
    with bench.store.unit(bench.actor) as unit:
        booking.cancel_appointment(unit, appointment_id, 1, CancelledBy.SERVICE,
                                   "mesure de performance")
    return elapsed


register("agenda de la semaine d'un conseiller", week_of_adviser, budget_ms=30)
register("prise de rendez-vous enregistrée (commit compris)", book_and_commit, budget_ms=100)
register("créneaux libres sur 4 semaines (un site)", free_slots_four_weeks, budget_ms=50)


# -- preparation -----------------------------------------------------------------------------

_busiest: list[date] = []


def busiest_day(bench: Bench) -> date:
    """The adviser's fullest day of the coming weeks (found once): the sheet worth timing."""
    if not _busiest:
        today = date.today()
        with bench.store.unit(bench.actor) as unit:
            entries = appointments.calendar_entries(unit, bench.actor.login, today,
                                               today + timedelta(days=28))
        days = [e.starts_at.astimezone(ZoneInfo(e.time_zone)).date() for e in entries]
        _busiest.append(max(set(days), key=days.count) if days else today)
    return _busiest[0]


def day_sheet_pdf(bench: Bench, run: int) -> bytes:
    """The whole day sheet: the day's appointments and preparations, laid out as a PDF."""
    with bench.store.unit(bench.actor) as unit:
        return day_sheet.day_sheet(unit, bench.actor.login, busiest_day(bench))


register("feuille de journée d'un conseiller (PDF)", day_sheet_pdf, budget_ms=100)


# -- life pathways ---------------------------------------------------------------------------

@functools.cache
def pathway_extract(rows: int = 10_000) -> bytes:
    """A monthly extract as a spreadsheet writes it: Windows-1252, semicolons, CRLF."""
    rng = random.Random(rows)
    lines, heads = ["NIR;Nom;Prénom;Date de naissance;Téléphone;Email;Date d'entrée"], set()
    while len(lines) <= rows:
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
        head = (f"{rng.choice('12')}{born:%y%m}38{rng.randrange(1, 1000):03d}"
                f"{rng.randrange(1, 1000):03d}")
        if head in heads:
            continue
        heads.add(head)
        n = len(lines)
        lines.append(f"{head}{stdnum_nir.calc_check_digits(head)};Nom{n};Prénom;"
                     f"{born:%d/%m/%Y};0612{n:06d};p{n}@exemple.fr;{n % 28 + 1:02d}/10/2026")
    return "\r\n".join(lines).encode("cp1252")


def import_pathway_extract(bench: Bench, run: int) -> object:
    """The whole import (parse, check, match, write), rolled back: every run is the same."""
    with bench.store.unit(bench.actor) as unit:
        report = extract_import.import_extract(unit, "ald", pathway_extract())
        unit.session.rollback()
    return report


register("import d'un extrait de parcours (10 000 lignes)", import_pathway_extract,
         budget_ms=3000)


# -- dashboard -------------------------------------------------------------------------------

def _manager(bench: Bench) -> Actor:
    """The dashboard is the managers': the adviser's account, seen as a manager."""
    return Actor(bench.actor.id, bench.actor.login, bench.actor.display_name, Role.MANAGER,
                 bench.actor.site_id)


def _last_month() -> date:
    return (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)


REMINDER_TABLE = "Absences avec et sans rappel"


def dashboard_refresh(bench: Bench, index: int) -> object:
    """The month's dashboard as a manager opens it, the no-shows with and without a reminder
    included (checked on the untimed run: live figures, reminders sent among them)."""
    with bench.store.unit(_manager(bench)) as unit:
        board = dashboard_figures.dashboard(unit, _last_month())
    if index < 0:
        tables = {table.title: table for table in board.section("appointments").tables}
        if REMINDER_TABLE not in tables:
            raise OperationFailed(f"pas de tableau « {REMINDER_TABLE} » (mois archivé ?)")
        (_with, cells), _without = tables[REMINDER_TABLE].rows
        if cells[0].count == 0:
            raise OperationFailed("aucun rendez-vous du mois n'a eu de rappel envoyé")
    return board


def month_report(bench: Bench, index: int) -> bytes:
    with bench.store.unit(_manager(bench)) as unit:
        return monthly_report.monthly_report(unit, _last_month())


register("tableau de bord du mois (tous les sites)", dashboard_refresh, budget_ms=300)
register("rapport d'activité mensuel (PDF)", month_report, budget_ms=2000)


# -- mediation -------------------------------------------------------------------------------

_MEDIATORS: dict[str, Actor] = {}


def _mediator(bench: Bench) -> Actor:
    if bench.url not in _MEDIATORS:
        with bench.store.unit(None) as unit:
            _MEDIATORS[bench.url] = accounts.load_actor(unit.session, "mediateur01")
    return _MEDIATORS[bench.url]


def case_list_first_page(bench: Bench, run: int) -> object:
    """The case list as the Médiation screen opens it: the ids, then the first screenful."""
    mediator = _mediator(bench)
    with bench.store.unit(mediator) as unit:
        ids = mediation_reading.search_cases(unit)
        return mediation_reading.case_rows(unit, ids[:64])


def case_pdf_with_100_entries(bench: Bench, run: int) -> Elapsed:
    """A case's summary PDF once its timeline holds 100 entries (added, then rolled back)."""
    mediator = _mediator(bench)
    with bench.store.unit(mediator) as unit:
        case_id = mediation_reading.search_cases(unit, limit=1)[0]
        for number in range(100):
            mediation_files.add_entry(unit, case_id, mediation_records.EntryInput(
                kind=CaseEventKind.NOTE, text=f"Relance n° {number} du service."))
        unit.session.flush()
        start = time.perf_counter()
        mediation_pdf.case_summary(unit, case_id)
        elapsed = Elapsed((time.perf_counter() - start) * 1000)
        unit.session.rollback()
    return elapsed


register("liste des dossiers de médiation (première page)", case_list_first_page, budget_ms=50)
register("synthèse PDF d'un dossier (100 entrées)", case_pdf_with_100_entries, budget_ms=150)


# -- running and reporting -------------------------------------------------------------------

def milliseconds(value: float) -> str:
    text = f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
    return text.replace(",", "\u202f").replace(".", ",") + " ms"


def _timed(operation: Operation, bench: Bench, index: int) -> float:
    start = time.perf_counter()
    result = operation.run(bench, index)
    wall = (time.perf_counter() - start) * 1000
    return result.milliseconds if isinstance(result, Elapsed) else wall


def measure(operation: Operation, bench: Bench, repeat: int) -> list[float]:
    operation.run(bench, -1)
    return [_timed(operation, bench, index) for index in range(repeat)]


def measure_against(operation: Operation, reference: Operation, bench: Bench,
                    repeat: int) -> tuple[list[float], list[float]]:
    """``operation`` and its reference run in alternation, so that a change in the machine's
    load (another program, the disk cache) weighs on both alike; each pair gives a ratio."""
    operation.run(bench, -1)
    reference.run(bench, -1)
    pairs = [(_timed(reference, bench, index), _timed(operation, bench, index))
             for index in range(repeat)]
    return [r for r, _ in pairs], [o for _, o in pairs]


def row(name: str, median: str, slowest: str, budget: str, verdict: str) -> str:
    return f"{name:<52} {median:>10} {slowest:>10}  {budget:<28} {verdict}"


def prepare(url: str | None, directory: Path) -> tuple[Store, str, float | None]:
    """The database to measure; the generation time when this run filled it."""
    target = url or str(directory / "guichet-benchmark.sqlite3")
    store = open_store(target)
    with store.unit(None) as unit:
        filled = unit.session.scalar(select(exists().select_from(Staff)))
        count = unit.session.scalar(select(func.count()).select_from(Person)) if filled else 0
    if filled:
        print(f"Base existante réutilisée ({count:,} personnes) : {store.describe()}"
              .replace(",", "\u202f"))
        return store, target, None
    print(f"Génération des données « large » dans {store.describe()}…", flush=True)
    last_report: dict[str, float] = {}

    def progress(done: int, total: int, label: str) -> None:
        last_report[label] = time.perf_counter()
        print(f"\r{label} {done}/{total}", end="", file=sys.stderr, flush=True)

    start = time.perf_counter()
    demo_generate.generate(store, size="large", progress=progress)
    elapsed = time.perf_counter() - start
    print(file=sys.stderr)
    # The foundation's budget is for sites, accounts and people; the areas' steps follow.
    people_done = last_report[PEOPLE_STEP] - start
    print(f"Génération : {people_done:.1f} s jusqu'aux personnes comprises, "
          f"{elapsed:.1f} s en tout (rendez-vous, préparations, dossiers, parcours)."
          .replace(".", ","))
    return store, target, people_done


PEOPLE_STEP = "Personnes…"


def describe_engine(store: Store) -> str:
    with store.engine.connect() as connection:
        if store.is_sqlite:
            return "SQLite " + connection.exec_driver_sql("SELECT sqlite_version()").scalar()
        return connection.exec_driver_sql("SHOW server_version").scalar().join(
            ("PostgreSQL ", ""))


def selected_operations(texts: list[str] | None) -> list[Operation]:
    """The operations named by one of ``texts`` (all without any), in the registry's order,
    with the reference of each relative budget (the floor of the cold start)."""
    if not texts:
        return OPERATIONS
    wanted = {op.name for op in OPERATIONS
              if any(text.casefold() in op.name.casefold() for text in texts)}
    wanted |= {op.relative_to for op in OPERATIONS if op.name in wanted and op.relative_to}
    return [op for op in OPERATIONS if op.name in wanted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mesures de performance de Guichet.")
    parser.add_argument("--db", metavar="URL", help="base à utiliser (sinon un fichier "
                        "SQLite temporaire) ; réutilisée si elle contient déjà des données")
    parser.add_argument("--repeat", type=int, default=15, metavar="N",
                        help="mesures par opération (médiane ; 15 par défaut)")
    parser.add_argument("--only", action="append", metavar="TEXTE",
                        help="seulement les opérations dont le nom contient ce texte (option "
                             "répétable), avec celles auxquelles leur budget se rapporte")
    args = parser.parse_args(argv)
    operations = selected_operations(args.only)
    if not operations:
        parser.error(f"aucune opération ne correspond à {', '.join(args.only)}")

    with tempfile.TemporaryDirectory(prefix="guichet-benchmark-") as directory:
        store, url, generation = prepare(args.db, Path(directory))
        try:
            with store.unit(None) as unit:
                actor = accounts.load_actor(unit.session, "conseiller01")
            bench = Bench(store, url, actor)
            print(f"{describe_engine(store)} · Python {platform.python_version()} · "
                  f"{os.cpu_count()} cœurs · {args.repeat} mesures par opération\n")
            print(row("opération", "médiane", "max", "budget", ""))
            if generation is None:
                print(row("demo large : sites, comptes, 200 000 personnes", "—", "—", "≤ 120 s",
                          "non mesuré (base réutilisée)"))
            else:
                verdict = "✓" if generation <= 120 else "✗"
                print(row("demo large : sites, comptes, 200 000 personnes",
                          f"{generation:.1f} s".replace(
                    ".", ","), "", "≤ 120 s", verdict))
            by_name = {operation.name: operation for operation in operations}
            for operation in operations:
                print(report(operation, by_name.get(operation.relative_to), bench,
                             args.repeat), flush=True)
        finally:
            store.dispose()
    return 0


def report(operation: Operation, reference: Operation | None, bench: Bench,
           repeat: int) -> str:
    """The table's line of ``operation``; a budget relative to ``reference`` is judged on the
    median of the ratios of runs made in alternation with it."""
    try:
        if reference is None:
            samples = measure(operation, bench, repeat)
        else:
            reference_samples, samples = measure_against(operation, reference, bench, repeat)
    except OperationFailed as failure:
        return row(operation.name, "—", "—", "", f"échec : {failure}")
    median = statistics.median(samples)
    if reference is not None:
        ratio = statistics.median(o / r for r, o in zip(reference_samples, samples, strict=True))
        name = reference.name.split(" :")[0]  # « plancher », « icalendar seul »
        budget = f"≤ {operation.factor:g} × {name}".replace(".", ",")
        verdict = (f"{'✓' if ratio <= operation.factor else '✗'} ({ratio:.2f} ×, "
                   "en alternance)").replace(".", ",")
    elif operation.budget_ms is not None:
        budget = f"≤ {milliseconds(operation.budget_ms)}"
        verdict = "✓" if median <= operation.budget_ms else "✗"
    else:
        budget = verdict = ""
    return row(operation.name, milliseconds(median), milliseconds(max(samples)), budget,
               verdict)


if __name__ == "__main__":
    sys.exit(main())

"""Screenshots of Guichet's main screens on the small demo, for the README and for looking at
what was built: every scene at 1280×800 (a laptop) and 1600×1000, in the light and the dark
theme, and the main ones at 200 % (a 1280×800 screen to the application, 2560×1600 pixels,
named ``…-1280x800@2x-light.png``), into ``docs/screenshots/``.

    .venv/bin/python tools/screenshots.py --xvfb      # each size on an X server that size
    .venv/bin/python tools/screenshots.py --xvfb --only agenda --size 1280x800 --theme light
    .venv/bin/python tools/screenshots.py --xvfb --scale 2    # only the 200 % ones

Under Xvfb the fonts and the window frames are those of a real X server; with
``QT_QPA_PLATFORM=offscreen`` it runs too. The settings and data go to a temporary home, so
nothing of the user's is read or changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp(prefix="guichet-screenshots-"))
os.environ.update(HOME=str(HOME), XDG_CONFIG_HOME=str(HOME / "config"),
                  XDG_DATA_HOME=str(HOME / "data"), XDG_STATE_HOME=str(HOME / "state"))

from PySide6.QtCore import QLocale  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QScrollArea, QWidget  # noqa: E402

SIZES = ((1280, 800), (1600, 1000))
THEMES = ("light", "dark")
# At 200 %: the screens an adviser and a mediator use all day, the laptop's size, light.
SCALED_SCENES = ("agenda-semaine", "rendez-vous-nouveau", "mediation", "administration")
SCALED_SIZE, SCALED_THEME = (1280, 800), "light"


@dataclass(frozen=True)
class Scene:
    """One screen: who signs in, and what to do in the main window before the grab (the
    widget returned is grabbed: the window, or a dialog in front of it)."""

    name: str
    login: str
    show: Callable[[object, object], QWidget]


def settle(app: QApplication, ctx, rounds: int = 6) -> None:
    """Until the worker has answered everything asked and the answers are painted."""
    for _ in range(rounds):
        deadline = time.monotonic() + 10
        while not ctx.tasks.idle() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()


def people(app, window):
    page = window.show_area("people")
    page.search_field.setText("mar")
    page.search.search("mar")
    return window


def agenda_month(app, window):
    from widgets.calendar_view import CalendarMode

    page = window.show_area("agenda")
    settle(app, window.ctx)  # the advisers are known: the page has chosen its view
    page.view.set_mode(CalendarMode.MONTH)
    return window


def agenda_list(app, window):
    page = window.show_area("agenda")
    settle(app, window.ctx)
    page.tabs.setCurrentIndex(1)  # « Liste »: built once the choices are known
    return window


def booking(app, window):
    page = window.show_area("agenda")
    settle(app, window.ctx)
    dialog = page.book()
    settle(app, window.ctx)
    dialog.motive.setCurrentIndex(1)
    return dialog


def person_record(app, window):
    from sqlalchemy import func, select

    from db.agenda.models import Appointment
    from db.mediation.models import MediationCase
    from db.people import records as people_records
    from desktop.people.dialog import PersonDialog

    ctx = window.ctx
    window.show_area("people")
    with ctx.store.unit(ctx.actor) as unit:
        # Someone with cases and appointments: every section of the record has lines.
        person_id = unit.session.scalar(
            select(MediationCase.person_id)
            .join(Appointment, Appointment.person_id == MediationCase.person_id)
            .group_by(MediationCase.person_id)
            .order_by(func.count().desc(), MediationCase.person_id).limit(1))
        record = people_records.get_person(unit, person_id)
    dialog = PersonDialog(ctx, record, window.page("people"))
    dialog.show()
    settle(app, ctx)
    last = getattr(dialog, "cases", None) or getattr(dialog, "appointments", None)
    if last is not None:  # the sections below the identity
        scroll = dialog.findChild(QScrollArea)
        scroll.ensureWidgetVisible(last, 0, 0)
    return dialog


def mediation_templates(app, window):
    page = window.show_area("admin")
    page.tabs.setCurrentWidget(page.mediation)
    page.mediation.setCurrentWidget(page.mediation.templates)
    return window


def area(key: str) -> Callable[[object, object], QWidget]:
    """The page of area ``key`` as it opens."""
    def show(_app, window):
        window.show_area(key)
        return window
    return show


SCENES = (
    Scene("personnes", "conseiller01", people),
    Scene("agenda-semaine", "conseiller01", area("agenda")),
    Scene("agenda-mois", "conseiller01", agenda_month),
    Scene("agenda-liste", "conseiller01", agenda_list),
    Scene("rendez-vous-nouveau", "conseiller01", booking),
    Scene("fiche-conseiller", "conseiller01", person_record),
    Scene("fiche-mediateur", "mediateur01", person_record),
    Scene("mediation", "mediateur01", area("mediation")),
    Scene("agenda-partenaire", "partenaire01", area("agenda")),
    Scene("administration", "admin", area("admin")),
    Scene("administration-mediation", "admin", mediation_templates),
)


def demo_store(folder: Path):
    from db.demo.generate import generate
    from db.store import open_store

    store = open_store(folder / "guichet.sqlite3")
    generate(store, size="small", people_count=400)
    return store


def shoot(app: QApplication, store, scene: Scene, size: tuple[int, int], theme_name: str,
          out: Path, scale: int = 1) -> Path:
    from db.org import accounts
    from desktop import theme
    from desktop.context import AppContext
    from desktop.main_window import MainWindow

    theme.apply_theme(app, theme_name)
    with store.engine.connect() as connection:
        ctx = AppContext(store, accounts.load_actor(connection, scene.login))
    window = MainWindow(ctx)
    window.resize(*size)
    window.show()
    settle(app, ctx)
    shown = scene.show(app, window)
    settle(app, ctx)
    at = f"@{scale}x" if scale != 1 else ""
    path = out / f"{scene.name}-{size[0]}x{size[1]}{at}-{theme_name}.png"
    shown.grab().save(str(path))
    if isinstance(shown, QDialog):
        shown.done(QDialog.DialogCode.Rejected)  # no « Abandonner les modifications ? »
    window.close()
    settle(app, ctx, rounds=2)
    ctx.tasks.wait()
    window.deleteLater()
    app.processEvents()
    return path


def on_screens_of_their_size(argv: list[str], runs: list[tuple[tuple[int, int], int]]) -> int:
    """Run again for each (size, scale) under an X server whose screen is that size times the
    scale: a dialog is sized to the screen, as on the laptop the shot stands for; at 200 %
    Qt scales by ``QT_SCALE_FACTOR``."""
    rest = [a for a in argv if a != "--xvfb"]
    for index, arg in enumerate(list(rest)):
        if arg in ("--size", "--scale"):
            rest[index:index + 2] = [None, None]
    rest = [a for a in rest if a is not None]
    for (width, height), scale in runs:
        screen = f"-screen 0 {width * scale}x{height * scale}x24"
        done = subprocess.run(["xvfb-run", "-a", "-s", screen, sys.executable, __file__,
                               "--size", f"{width}x{height}", "--scale", str(scale), *rest],
                              env={**os.environ, "QT_SCALE_FACTOR": str(scale)})
        if done.returncode:
            return done.returncode
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", action="append", default=[],
                        help="only the scenes whose name contains this text (repeatable)")
    parser.add_argument("--size", action="append", default=[], help="e.g. 1280x800")
    parser.add_argument("--theme", action="append", default=[], choices=THEMES)
    parser.add_argument("--scale", type=int, choices=(1, 2),
                        help="2: at 200 %% (QT_SCALE_FACTOR=2, a screen twice the size), the "
                             "scenes of SCALED_SCENES only (those --only names); default: 1, "
                             "and with --xvfb the 200 %% ones too")
    parser.add_argument("--xvfb", action="store_true",
                        help="each size on its own X server of that size (xvfb-run)")
    args = parser.parse_args(argv)
    scaled = args.scale == 2
    sizes = ([tuple(int(n) for n in s.split("x")) for s in args.size]
             or ([SCALED_SIZE] if scaled else list(SIZES)))
    if args.xvfb:
        runs = [(size, args.scale or 1) for size in sizes]
        if args.scale is None and not args.size:
            runs.append((SCALED_SIZE, 2))
        return on_screens_of_their_size(sys.argv[1:], runs)
    scenes = [s for s in SCENES if (not args.only or any(o in s.name for o in args.only))
              and (not scaled or s.name in SCALED_SCENES)]
    themes = args.theme or ([SCALED_THEME] if scaled else list(THEMES))
    if scaled and os.environ.get("QT_SCALE_FACTOR") != "2":
        os.environ["QT_SCALE_FACTOR"] = "2"  # before the application: Qt reads it once
    from desktop import theme

    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    app = QApplication.instance() or theme.application(sys.argv[:1])
    app.setApplicationName("Guichet")
    app.setOrganizationName("Guichet")
    args.out.mkdir(parents=True, exist_ok=True)
    store = demo_store(HOME)
    for scene in scenes:
        for size in sizes:
            for theme_name in themes:
                print(shoot(app, store, scene, size, theme_name, args.out, 2 if scaled else 1))
    store.dispose()
    shutil.rmtree(HOME, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

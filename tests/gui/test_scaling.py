"""Everything works at 200 % scaling (RGAA in spirit): on a 2560×1600 screen at device pixel
ratio 2 — a 1280×800 screen to the application — the main window of every role fits the
screen on every page, every editing dialog opens within it, and no label or button shows
its text cut.

Qt reads the scale once, before its application exists: ``test_everything_fits_at_200_percent``
runs the other tests of this module in a new process with ``QT_SCALE_FACTOR=2``; in the
usual run they are skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from desktop.main_window import MainWindow
from tests.gui.test_accessibility_walk import every_page
from tests.gui.test_dialog_guard import OPENERS, window  # noqa: F401

SCALED = os.environ.get("QT_SCALE_FACTOR") == "2"
SCREEN = (2560, 1600)  # device pixels
at_200_percent = pytest.mark.skipif(not SCALED, reason="run at 200 % by "
                                    "test_everything_fits_at_200_percent, in its own process")


@pytest.mark.skipif(SCALED, reason="the process at 200 % itself")
def test_everything_fits_at_200_percent(tmp_path):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "écran 200 %", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1],
        "logicalDpi": 96, "logicalBaseDpi": 96}]}))
    environment = {**os.environ, "QT_SCALE_FACTOR": "2",
                   "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", __file__,
         "-k", "not everything_fits"],
        cwd=Path(__file__).resolve().parents[2], env=environment, capture_output=True,
        text=True, timeout=900, check=False)
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    assert "skipped" not in done.stdout.splitlines()[-1], report  # all ran, at 200 %


def cut_texts(root: QWidget) -> list[str]:
    """The labels and buttons shown in ``root`` whose text does not fit their size: a
    label narrower than its text (or, wrapping, lower than its lines), a button narrower
    than its text and margins."""
    cut = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if isinstance(widget, QLabel) and widget.text().strip():
            if widget.wordWrap():
                short = widget.height() < widget.heightForWidth(widget.width())
            else:
                short = widget.width() < widget.minimumSizeHint().width()
        elif isinstance(widget, QAbstractButton) and widget.text().strip():
            short = widget.width() < widget.minimumSizeHint().width()
        else:
            continue
        if short:
            cut.append(f"{type(widget).__name__} « {widget.text()} » "
                       f"({widget.width()}×{widget.height()}, needs "
                       f"{widget.minimumSizeHint().width()})")
    return cut


def settled_cut_texts(qtbot, root: QWidget) -> list[str]:
    """``cut_texts`` once the layouts have followed the last texts set (a label that just
    got a second line is one line high until its layout runs)."""
    with contextlib.suppress(qtbot.TimeoutError):  # then said by what is still cut
        qtbot.waitUntil(lambda: not cut_texts(root), timeout=2000)
    return cut_texts(root)


@at_200_percent
def test_the_screen_is_1280_by_800_at_a_ratio_of_2(qapp):
    screen = QApplication.primaryScreen()
    assert screen.devicePixelRatio() == 2
    assert (screen.geometry().width(), screen.geometry().height()) == (1280, 800)


@at_200_percent
@pytest.mark.parametrize("login", ["conseiller01", "mediateur01", "partenaire01",
                                   "responsable01", "admin"])
def test_every_page_fits_the_screen_and_shows_its_texts_whole(qtbot, demo_context, login):
    ctx = demo_context(login)
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    room = main.screen().availableGeometry()
    main.resize(room.size())
    main.show()
    qtbot.waitExposed(main)
    problems = {}
    for key, _page in every_page(qtbot, main):
        QApplication.processEvents()
        hint = main.minimumSizeHint()
        if hint.width() > room.width() or hint.height() > room.height():
            problems[key] = [f"needs {hint.width()}×{hint.height()}"]
        cut = settled_cut_texts(qtbot, main)
        if cut:
            problems.setdefault(key, []).extend(cut)
    assert problems == {}


@at_200_percent
@pytest.mark.parametrize("opener", OPENERS, ids=lambda opener: opener.__name__)
def test_every_editing_dialog_opens_within_the_screen_its_texts_whole(
        qtbot, window, opener):  # noqa: F811
    dialog, _field = opener(qtbot, window)
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    room = dialog.screen().availableGeometry()
    frame = dialog.frameGeometry()
    assert frame.width() <= room.width() and frame.height() <= room.height()
    assert settled_cut_texts(qtbot, dialog) == []

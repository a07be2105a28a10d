"""Look and feel: the Fusion style in light or dark, and icons tinted to match.

The user's choice (Settings.theme: system / light / dark) wins; « system » follows the
desktop's colour scheme and keeps following it while Guichet runs. The palettes are explicit
because Fusion only gets a dark palette from platform themes that provide one.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.resources import files

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QApplication

# Package data (resources/): found in a checkout, an installed wheel and the bundle alike.
ICONS = files("resources") / "icons"
APP_ICON = ICONS / "guichet.svg"

_followed_system = False


def is_dark(choice: str) -> bool:
    if choice == "dark":
        return True
    if choice == "light":
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def application(argv: list[str]) -> QApplication:
    """The application, in Qt's Fusion style on every system (the palettes below are made
    for it). Chosen on the command line Qt reads rather than with ``setStyle``, whose
    answer makes PySide build the Python class of QStyle and its 566 enumeration values
    (about 15 ms of the cold start) for a style nothing on the first screen asks for."""
    return QApplication([*argv, "-style", "fusion"])


def apply_theme(app: QApplication, choice: str) -> None:
    """Apply « system », « light » or « dark » to the whole application (its style is
    set when it is made: ``application``)."""
    global _followed_system
    hints = QGuiApplication.styleHints()
    requested = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+: native dialogs follow the choice too
        hints.setColorScheme(requested.get(choice, Qt.ColorScheme.Unknown))
    app.setPalette(dark_palette() if is_dark(choice) else light_palette())
    app.setProperty("guichet_theme", choice)
    if not _followed_system:
        hints.colorSchemeChanged.connect(lambda _scheme: _follow_system(app))
        _followed_system = True


def _follow_system(app: QApplication) -> None:
    choice = app.property("guichet_theme") or "system"
    if choice == "system":
        app.setPalette(dark_palette() if is_dark("system") else light_palette())


def light_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#eef1f5",
        QPalette.ColorRole.WindowText: "#1b1f24",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f5f7fa",
        QPalette.ColorRole.Text: "#1b1f24",
        QPalette.ColorRole.PlaceholderText: "#5f6b7a",
        QPalette.ColorRole.Button: "#e4e8ee",
        QPalette.ColorRole.ButtonText: "#1b1f24",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#1f5fa8",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#1a5296",
        QPalette.ColorRole.LinkVisited: "#5b3a94",
        QPalette.ColorRole.ToolTipBase: "#ffffe1",
        QPalette.ColorRole.ToolTipText: "#1b1f24",
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#f0f2f5",
        QPalette.ColorRole.Mid: "#b8c0cc",
        QPalette.ColorRole.Dark: "#8a94a3",
        QPalette.ColorRole.Shadow: "#4a5260",
    }
    return _palette(palette, colors, disabled_text="#8a94a3")


def dark_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#23272e",
        QPalette.ColorRole.WindowText: "#e6e9ee",
        QPalette.ColorRole.Base: "#1a1d22",
        QPalette.ColorRole.AlternateBase: "#262a31",
        QPalette.ColorRole.Text: "#e6e9ee",
        QPalette.ColorRole.PlaceholderText: "#9aa4b2",
        QPalette.ColorRole.Button: "#2f343c",
        QPalette.ColorRole.ButtonText: "#e6e9ee",
        QPalette.ColorRole.BrightText: "#ffffff",
        # White on it reaches 4.9:1 (WCAG 1.4.3); #3d7fd0 gave 4.1:1.
        QPalette.ColorRole.Highlight: "#3370c4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8cbcf5",
        QPalette.ColorRole.LinkVisited: "#c3a6f0",
        QPalette.ColorRole.ToolTipBase: "#2f343c",
        QPalette.ColorRole.ToolTipText: "#e6e9ee",
        QPalette.ColorRole.Light: "#3a4049",
        QPalette.ColorRole.Midlight: "#32373f",
        QPalette.ColorRole.Mid: "#4a515c",
        QPalette.ColorRole.Dark: "#15181c",
        QPalette.ColorRole.Shadow: "#0b0c0e",
    }
    return _palette(palette, colors, disabled_text="#7b8594")


def _palette(palette: QPalette, colors: dict, disabled_text: str) -> QPalette:
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return palette


@cache
def _svg_source(name: str) -> str:
    return (ICONS / f"{name}.svg").read_text(encoding="utf-8")


class _TintedSvgEngine(QIconEngine):
    """Draws one SVG of resources/icons in the colour of the mode asked, at the size asked,
    when Qt first asks: drawing every size of every mode up front took 13 ms of start-up for
    the sidebar's icons, most of them never shown."""

    def __init__(self, name: str, tints: dict[QIcon.Mode, QColor]):
        super().__init__()
        self._name, self._tints = name, tints
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def _renderer(self, mode: QIcon.Mode):
        from PySide6.QtSvg import QSvgRenderer  # only once the first icon is drawn

        color = self._tints.get(mode, self._tints[QIcon.Mode.Normal])  # Active as Normal
        source = _svg_source(self._name).replace("currentColor", color.name())
        return QSvgRenderer(QByteArray(source.encode("utf-8")))

    def paint(self, painter: QPainter, rect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self._renderer(mode).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode)
        if key not in self._pixmaps:
            pixmap = QPixmap(size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self.paint(painter, pixmap.rect(), mode, state)
            painter.end()
            self._pixmaps[key] = pixmap
        return self._pixmaps[key]

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name, self._tints)


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """An icon of resources/icons drawn in the palette's text colour (selected: highlight).

    The SVGs are drawn with ``currentColor`` so one file serves both light and dark; being
    drawn at the size asked, they stay sharp at 200 % scaling.
    """
    palette = palette or QGuiApplication.palette()
    return QIcon(_TintedSvgEngine(name, {
        QIcon.Mode.Normal: palette.color(QPalette.ColorRole.WindowText),
        QIcon.Mode.Selected: palette.color(QPalette.ColorRole.HighlightedText),
        QIcon.Mode.Disabled: palette.color(QPalette.ColorGroup.Disabled,
                                           QPalette.ColorRole.WindowText),
    }))


def app_icon() -> QIcon:
    return QIcon(str(APP_ICON))


def install_french_translations(app: QApplication) -> None:
    """Qt's own texts (standard buttons, context menus, file dialogs) in French."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.French), "qtbase", "_", folder):
        app.installTranslator(translator)
    else:  # the bundle's smoke test looks for this line
        logging.getLogger(__name__).warning("Qt's French translations not found in %s", folder)

"""Colour arithmetic for readable widgets: WCAG contrast ratios, a colour nudged until it
stands out on a background, and the mix of two colours.

WCAG 2.1 asks 4.5:1 for text (1.4.3) and 3:1 for the graphics a user needs to see, such as a
coloured stripe or a focus frame (1.4.11). A palette of light or dark mode passes through the
same functions, so one category colour works in both.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

TEXT_CONTRAST = 4.5
GRAPHIC_CONTRAST = 3.0
# Readable on light and on dark windows (contrast ≥ 4.5:1 on either).
_ERROR_ON_LIGHT, _ERROR_ON_DARK = "#b3261e", "#ff8a80"


def error_color(palette: QPalette) -> QColor:
    """The red of error messages, readable on the palette's window background."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor(_ERROR_ON_DARK if dark else _ERROR_ON_LIGHT)


def _luminance(colour: QColor) -> float:
    """WCAG relative luminance."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(first: QColor, second: QColor) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_on(colour: QColor, background: QColor, ratio: float = GRAPHIC_CONTRAST) -> QColor:
    """``colour``, lightened on a dark background or darkened on a light one until it stands
    out by ``ratio``: one category colour then works in light and dark mode."""
    adjusted = QColor(colour)
    step = 8 if background.lightness() < 128 else -8
    while contrast(adjusted, background) < ratio and 0 < adjusted.lightness() < 255:
        hue, saturation, lightness, alpha = adjusted.getHsl()
        adjusted.setHsl(hue, saturation, min(max(lightness + step, 0), 255), alpha)
    return adjusted


def mix(first: QColor, second: QColor, share: float) -> QColor:
    """``share`` of ``second`` over ``first``."""
    return QColor.fromRgbF(*(a + (b - a) * share for a, b in zip(
        first.getRgbF()[:3], second.getRgbF()[:3], strict=True)))


def muted_text(palette: QPalette, background: QPalette.ColorRole = QPalette.ColorRole.Base,
               ) -> QColor:
    """A grey for secondary text (a closed day, a day of another month): softer than the
    text colour, yet still readable (4.5:1) on ``background``."""
    back = palette.color(background)
    text = palette.color(QPalette.ColorRole.Text if background is QPalette.ColorRole.Base
                         else QPalette.ColorRole.WindowText)
    return readable_on(mix(back, text, 0.62), back, TEXT_CONTRAST)

"""Icons drawn in the palette's colours, at the size asked."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon

from desktop import theme


def _colours(pixmap) -> set[str]:
    image = pixmap.toImage()
    return {image.pixelColor(x, y).name() for x in range(image.width())
            for y in range(image.height()) if image.pixelColor(x, y).alpha() == 255}


def test_an_icon_is_drawn_in_the_mode_colour_at_the_size_asked(qapp):
    palette = theme.light_palette()
    icon = theme.icon("people", palette)
    normal = icon.pixmap(QSize(24, 24))
    selected = icon.pixmap(QSize(24, 24), QIcon.Mode.Selected)
    sharp = icon.pixmap(QSize(24, 24), 2.0)  # 200 % scaling
    assert normal.size() == QSize(24, 24)
    assert (sharp.size(), sharp.devicePixelRatio()) == (QSize(48, 48), 2.0)
    assert _colours(normal) == {QColor("#1b1f24").name()}  # the palette's WindowText
    assert _colours(selected) == {QColor("#ffffff").name()}  # its HighlightedText

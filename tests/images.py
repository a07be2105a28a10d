"""Images for the tests of the letterhead's logo, made with Pillow (reportlab's own image
library): a neutral emblem, no brand's."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw


def emblem(width: int = 400, height: int = 240, *, kind: str = "PNG") -> bytes:
    """A blue rounded block with a white disc, on a transparent ground (PNG) or white."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=min(width, height) // 6,
                           fill=(12, 65, 154, 255))
    side = min(width, height) // 2
    draw.ellipse((side // 2, side // 2, side // 2 + side, side // 2 + side),
                 fill=(255, 255, 255, 255))
    buffer = BytesIO()
    if kind == "JPEG":  # no transparency: on white paper
        paper = Image.new("RGB", image.size, (255, 255, 255))
        paper.paste(image, mask=image)
        paper.save(buffer, "JPEG", quality=85)
    else:
        image.save(buffer, kind)
    return buffer.getvalue()

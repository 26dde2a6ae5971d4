"""The badge image of a program: a round seal with a ribbon, drawn with Pillow (no network).

`badge_image_png(program=…)` is the picture of every Open Badges credential of the program (an
unbaked 512 × 512 PNG). Staff choose its words, colours and an emblem (`BadgeDesign`); without a
design it takes the certificate design's colours, the program's title and a star. Each look is
drawn once and kept in the default cache under a digest of everything it shows, so a change of
design (or of the certificate design's colours, or the program's title) draws it again.
"""

import hashlib
import io
import math
from dataclasses import astuple, dataclass
from functools import cache as once

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

from programs.models import Program

from .models import BadgeDesign, CertificateDesign

SIZE = 512
DRAWN = 2 * SIZE  # drawn at twice the size and reduced: smooth edges everywhere
DRAWING = "1"  # change when the drawing changes: every kept badge is drawn again
KEPT_SECONDS = 7 * 24 * 3600
BOLD, REGULAR = "certificates/fonts/Lato-Bold.ttf", "certificates/fonts/Lato-Regular.ttf"
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#17406d", "#b8892b"


@dataclass(frozen=True)
class BadgeLook:
    primary: str
    accent: str
    label: str
    ribbon: str
    organization: str
    emblem: str  # the stored file's name, or ""
    version: str  # when the design was last saved: a new emblem file under the same name


def badge_look(*, program: Program) -> BadgeLook:
    """What the program's badge shows (two small queries)."""
    design = BadgeDesign.objects.filter(program=program).first()
    primary, accent = DEFAULT_PRIMARY, DEFAULT_ACCENT
    if design is None or design.use_certificate_colors:
        colors = CertificateDesign.objects.filter(program=program).values_list(
            "primary_color", "accent_color"
        )
        primary, accent = colors.first() or (primary, accent)
    else:
        primary, accent = design.primary_color, design.accent_color
    default_ribbon = "Certified" if program.kind == Program.Kind.CERTIFICATION else "Completed"
    return BadgeLook(
        primary=primary,
        accent=accent,
        label=(design.label if design else "") or program.title,
        ribbon=(design.ribbon if design else "") or default_ribbon,
        organization=settings.CREDO_SITE_NAME,
        emblem=design.emblem.name if design and design.emblem else "",
        version=design.updated_at.isoformat() if design else "",
    )


def badge_image_png(*, program: Program) -> bytes:
    """The program's badge image: a 512 × 512 PNG with transparent corners."""
    look = badge_look(program=program)
    key = "badge-image:" + hashlib.sha256(repr((DRAWING, *astuple(look))).encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        png = badge_draw(look)
        cache.set(key, png, timeout=KEPT_SECONDS)
    return png


@once
def _font_file(name: str) -> str:
    path = finders.find(name)
    if path is None:
        raise FileNotFoundError(f"The badge font {name} is missing from the static files.")
    return str(path)


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_file(name), size)


def rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def ink_on(color: str) -> tuple[int, int, int]:
    """White or near-black, whichever reads better on `color` (WCAG relative luminance)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(color))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (255, 255, 255) if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else (27, 36, 48)


def shade(color: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(v * factor))) for v in color)  # type: ignore[return-value]


def badge_draw(look: BadgeLook) -> bytes:
    image = Image.new("RGBA", (DRAWN, DRAWN), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = DRAWN // 2
    primary, accent = rgb(look.primary), rgb(look.accent)

    # The seal: a scalloped edge in the accent colour, a white gap, the primary disc, a fine ring.
    for i in range(36):
        angle = 2 * math.pi * i / 36
        x, y = c + 452 * math.cos(angle), c + 452 * math.sin(angle)
        draw.ellipse((x - 52, y - 52, x + 52, y + 52), fill=accent)
    _disc(draw, c, 462, accent)
    _disc(draw, c, 430, (255, 255, 255))
    _disc(draw, c, 414, primary)
    draw.ellipse((c - 384, c - 384, c + 384, c + 384), outline=accent, width=6)
    draw.ellipse((c - 370, c - 370, c + 370, c + 370), outline=shade(accent, 0.8), width=2)

    _arc_text(image, look.organization.upper(), font(BOLD, 44), c, 324, accent)
    for side in (-1, 1):  # two small stars where the organisation's name ends
        _star(draw, c + side * 300, c - 150, 16, accent)

    ink = ink_on(look.primary)
    top = c - 250
    if look.emblem:
        _emblem(image, look.emblem, c, c - 165, 100)
        top = c - 50
    else:
        _star(draw, c, c - 170, 70, accent)
        top = c - 75
    _label(draw, look.label, c, top, bottom=c + 150, width=600, ink=ink)
    _ribbon(image, look.ribbon.upper(), c, c + 250, accent)

    small = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _disc(draw: ImageDraw.ImageDraw, c: int, radius: int, fill) -> None:
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), fill=fill)


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float, fill) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.42
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((x + r * math.cos(angle), y + r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _arc_text(image: Image.Image, text: str, face, c: int, radius: int, fill, spacing: float = 6) -> None:
    """`text` along the top of a circle, centred, each letter upright to the circle."""
    widths = [face.getlength(letter) + spacing for letter in text]
    angle = -sum(widths) / radius / 2
    box = int(face.size * 2)
    for letter, width in zip(text, widths, strict=True):
        middle = angle + width / radius / 2
        glyph = Image.new("RGBA", (box, box), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((box / 2, box / 2), letter, font=face, fill=fill, anchor="mm")
        glyph = glyph.rotate(-math.degrees(middle), resample=Image.Resampling.BICUBIC)
        x = c + radius * math.sin(middle)
        y = c - radius * math.cos(middle)
        image.alpha_composite(glyph, (round(x - box / 2), round(y - box / 2)))
        angle += width / radius


def _lines(text: str, face, width: int) -> list[str] | None:
    """`text` broken into lines no wider than `width`, or None if a word alone is wider."""
    lines: list[str] = []
    for word in text.split():
        if face.getlength(word) > width:
            return None
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _label(draw: ImageDraw.ImageDraw, text: str, c: int, top: int, *, bottom: int, width: int, ink) -> None:
    """The label as large as fits between `top` and `bottom` in at most three lines, centred."""
    for size in range(104, 30, -4):
        face = font(BOLD, size)
        lines = _lines(text, face, width)
        height = round(size * 1.15)
        if lines and len(lines) <= 3 and height * len(lines) <= bottom - top:
            break
    lines = lines or [text]
    y = top + (bottom - top - height * len(lines)) / 2 + height / 2
    for line in lines:
        draw.text((c, y), line, font=face, fill=ink, anchor="mm")
        y += height


def _ribbon(image: Image.Image, text: str, c: int, y: int, accent) -> None:
    draw = ImageDraw.Draw(image)
    face = font(BOLD, 50)
    width = max(640, min(780, round(face.getlength(text) + 12 * len(text) + 200)))
    half, high, tail = width // 2, 56, 90
    dark = shade(accent, 0.5)
    for side in (-1, 1):  # the tails behind the band, with a fold
        outer, inner = c + side * (half + tail), c + side * (half - 30)
        low = y + 26  # the tails hang a little lower than the band
        notch = (outer - side * 34, low)
        tail_points = [
            (inner, low - high),
            (outer, low - high),
            notch,
            (outer, low + high),
            (inner, low + high),
        ]
        draw.polygon(tail_points, fill=shade(accent, 0.72))
        draw.polygon([(c + side * half, y + high), (inner, y + high), (inner, y + high + 26)], fill=dark)
    draw.rectangle((c - half, y - high, c + half, y + high), fill=accent)
    draw.line((c - half + 14, y - high + 12, c + half - 14, y - high + 12), fill=shade(accent, 1.2), width=3)
    draw.line((c - half + 14, y + high - 12, c + half - 14, y + high - 12), fill=shade(accent, 1.2), width=3)
    letters = [face.getlength(letter) for letter in text]
    spacing = 12
    x = c - (sum(letters) + spacing * (len(text) - 1)) / 2
    ink = ink_on("#{:02x}{:02x}{:02x}".format(*accent))
    for letter, advance in zip(text, letters, strict=True):
        draw.text((x, y), letter, font=face, fill=ink, anchor="lm")
        x += advance + spacing


def _emblem(image: Image.Image, name: str, x: int, y: int, radius: int) -> None:
    """The uploaded emblem inside a white circle (it was checked when it was uploaded)."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        opened = Image.open(handle)
        opened.load()
    emblem = opened.convert("RGBA")
    emblem.thumbnail((round(radius * 1.45), round(radius * 1.45)), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255))
    image.alpha_composite(emblem, (x - emblem.width // 2, y - emblem.height // 2))

"""Placeholder: the per-program badge image (engineer badgeimage replaces this file at merge).

`badge_image_png(*, program) -> bytes` is the contract: an unbaked PNG."""

import io

from PIL import Image, ImageDraw

from programs.models import Program


def badge_image_png(*, program: Program) -> bytes:
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=(23, 64, 109, 255), outline=(184, 137, 43, 255), width=10)
    draw.text((128, 128), program.title[:18], fill=(255, 255, 255, 255), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()

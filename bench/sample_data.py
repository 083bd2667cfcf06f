"""Deterministic benchmark inputs: attendees with 3 text lines, a photo-like background and a logo with alpha."""

from __future__ import annotations

import io
import random

from badge_renderer.model import Attendee

FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Guido", "Barbara", "Dennis", "Frances", "Ken", "Radia"]
LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "van Rossum", "Liskov", "Ritchie", "Allen"]
ORGS = ["Analytical Engines Ltd", "Bletchley Park", "US Navy", "Open Source Foundation", "MIT", "CWI Amsterdam"]
ROLES = ["Speaker", "Attendee", "Staff", "Volunteer", "Sponsor"]


def attendees(count: int) -> list[Attendee]:
    rng = random.Random(42)
    return [
        Attendee(
            row=i + 2,
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            organization=rng.choice(ORGS),
            role=rng.choice(ROLES),
            ticket_type="Attendee",
            ticket_id=f"T{i:06d}",
        )
        for i in range(count)
    ]


def background_jpeg(size: tuple[int, int] = (1800, 1350)) -> bytes:
    from PIL import Image, ImageFilter

    img = Image.effect_noise(size, 40).convert("RGB").filter(ImageFilter.GaussianBlur(6))
    img = Image.blend(img, Image.new("RGB", size, "#dde8f5"), 0.8)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def logo_png(size: tuple[int, int] = (600, 300)) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((10, 10, size[1] - 10, size[1] - 10), fill=(31, 111, 235, 255))
    draw.rectangle((size[1], size[1] // 3, size[0] - 10, 2 * size[1] // 3), fill=(20, 20, 40, 230))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()

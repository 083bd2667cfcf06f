"""Deterministic benchmark inputs: attendees with 3 text lines, a photo-like background and a logo with alpha."""

from __future__ import annotations

import io
import random

from badge_renderer.model import Attendee

FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Guido", "Barbara", "Dennis", "Frances", "Ken", "Radia"]
LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "van Rossum", "Liskov", "Ritchie", "Allen"]
ORGS = ["Analytical Engines Ltd", "Bletchley Park", "US Navy", "Open Source Foundation", "MIT", "CWI Amsterdam"]
ROLES = ["Speaker", "Attendee", "Staff", "Volunteer", "Sponsor"]


SYLLABLES = ["ka", "lo", "mi", "ra", "den", "sa", "vo", "tri", "el", "an", "ber", "gu", "sten", "wi", "zo", "pa"]


def distinct_surname(index: int) -> str:
    """A made-up surname unique per index (16 syllables, base 16): every badge of a big job has its own text.
    Four syllables up to 65,535; a fifth (and so on) beyond, so fresh repeats of a big bench never wrap around."""
    parts = [SYLLABLES[(index >> shift) & 15] for shift in (0, 4, 8, 12)]
    rest = index >> 16
    while rest:
        parts.append(SYLLABLES[(rest - 1) & 15])
        rest = (rest - 1) >> 4
    return "".join(parts).capitalize()


def attendees(count: int, *, distinct: bool = False) -> list[Attendee]:
    """`count` attendees; with `distinct`, every full name is different (real lists repeat first names, rarely
    whole names), else they repeat from a few dozen combinations (a best case for caches)."""
    rng = random.Random(42)
    return [
        Attendee(
            row=i + 2,
            first_name=rng.choice(FIRST),
            last_name=distinct_surname(i) if distinct else rng.choice(LAST),
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

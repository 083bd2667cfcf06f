"""Hypothesis strategies for hostile and odd input: attendee files as bytes, job options, uploaded images.

Shared by the render-path fuzz test (tests/unit/render) and the preview-route fuzz test (tests/api). The suite runs
a small profile; BADGEFORGE_FUZZ_EXAMPLES=10000 runs the big one (see docs/architecture.md, "Hostile input").
"""

from __future__ import annotations

import csv
import functools
import io
import os
import struct
import zlib

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("BADGEFORGE_FUZZ_EXAMPLES", "0") or 0)
PROGRESS = os.environ.get("BADGEFORGE_FUZZ_PROGRESS", "")  # a file that a long run keeps its example count in
_counts: dict[str, int] = {}


def count_example(name: str) -> None:
    """In a long run, write how many examples `name` has run to BADGEFORGE_FUZZ_PROGRESS every 100 examples."""
    _counts[name] = _counts.get(name, 0) + 1
    if PROGRESS and _counts[name] % 100 == 0:
        with open(PROGRESS, "a", encoding="utf-8") as log:
            log.write(f"{name} {_counts[name]}\n")


def fuzz_settings(default_examples: int) -> settings:
    """`default_examples` in the suite (a few seconds), BADGEFORGE_FUZZ_EXAMPLES when set."""
    return settings(
        max_examples=EXAMPLES or default_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        derandomize=not EXAMPLES,  # the suite's small profile is the same every run; the big one explores
        database=None,
    )


# Each class the renderer must survive, plus ordinary text in many scripts and things that look like markup.
SPECIALS = (
    *("\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff", "\U0003ffff"),  # noncharacters
    *("\ud800", "\udfff", "\udbff\udfff"),  # surrogates (a pair of them is still two lone halves in a str)
    *("\x01", "\x1b", "\x7f", "\x85", "\x9f", "\r", "\n", "\r\n", "\t", "\x0b", "\x0c"),  # controls
    *("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"),
    *("\ue000", "\uf8ff", "\U000f0000", "\U0010fffd", "\u0378", "\U0002fffd", "\U000e0001", "\U000e007f"),
    *("\u0301", "\u0336" * 30, "\u20e3", "\ufe0f", "\u200d", "\u200c", "\u00ad", "\u2028", "\u2029", "\ufeff"),
    *("\ufffd", "😀", "👩\u200d💻", "🇺🇦", "مرحبا", "محمد J.", "שלום", "क्षत्रिय", "ไทย", "漢字", "ᄀᆞᆨ", "𝔘𝔫𝔦"),
    *("W" * 80, "W" * 400, " " * 20, "a b " * 30, '"', "'", ",", ";", "|", "\\", "\\n"),
    *("<svg onload=x>", "&amp;", "&#0;", "]]>", "{name}", "{first_name|x}", "{{x}}", "%s", "../../etc/passwd"),
)
NAME_HEADERS = ("Name", "First Name", "Last Name", "Vorname", "Full name", "Attendee")
HEADERS = (
    *NAME_HEADERS,
    *("Company", "Organization", "Role", "Email", "Pronouns", "Ticket", "Ticket ID", "Order code", "Notes"),
    *("", " ", "x\ufffe", "\u202eName", "Name"),
)
NAMES = ("Ada Lovelace", "Grace", "Hopper", "José Martí", "Nguyễn Văn A", "Łukasz", "O'Brien", "Zoë", "李小龙")
ENCODINGS = ("utf-8",) * 6 + ("utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "utf-32")


def _code_point() -> st.SearchStrategy[str]:
    return st.integers(1, 0x10FFFF).map(chr)  # every code point but NUL (a NUL makes the file binary)


# Mostly ordinary words with hostile pieces mixed in, so most files get as far as drawing.
_pieces = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES),
    st.sampled_from(SPECIALS),
    _code_point(),
    st.text(st.characters(exclude_characters="\x00"), max_size=8),
)
cells = st.lists(_pieces, min_size=1, max_size=5).map("".join)


@st.composite
def attendee_files(draw: st.DrawFn) -> bytes:
    """An attendee file as uploaded: a header (or not), rows of hostile cells, any delimiter/quoting/encoding."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6))
    if draw(st.sampled_from(range(10))) < 9:  # usually a name column somewhere, as in real files
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(NAME_HEADERS)))
    rows = draw(st.lists(st.lists(cells, max_size=7), min_size=1, max_size=6))
    if draw(st.booleans()):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
        if draw(st.sampled_from(range(10))) < 9:
            writer.writerow(header)
        writer.writerows(rows)
        text = buffer.getvalue()
    else:  # hand-made, unquoted: stray quotes, delimiters and line breaks inside values
        lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
        text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    if draw(st.sampled_from(range(10))) == 9:
        text = "sep=" + delimiter + "\n" + text
    encoding = draw(st.sampled_from(ENCODINGS))
    errors = "surrogatepass" if encoding.startswith("utf") else "replace"
    try:
        data = text.encode(encoding, errors=errors)
    except UnicodeEncodeError:  # utf-16/32 refuse some lone surrogates even with surrogatepass
        data = text.encode(encoding, errors="replace")
    if draw(st.sampled_from(range(10))) == 9:
        data += draw(st.binary(max_size=40))
    return data


def png_header(width: int, height: int, color_type: int = 2) -> bytes:
    """A PNG that is only its header: it claims `width` x `height` pixels but holds almost none."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _small_image(fmt: str, mode: str, size: tuple[int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 100)[: len(mode)] if mode != "P" else 3).save(out, fmt)
    return out.getvalue()


@st.composite
def images(draw: st.DrawFn) -> bytes | None:
    """None, a small valid image, a truncated one, one whose header claims far too many pixels, or junk."""
    kind = draw(st.sampled_from(range(20)))
    if kind < 14:
        return None
    if kind < 17:
        fmt, mode = draw(
            st.sampled_from([("PNG", "RGBA"), ("PNG", "P"), ("JPEG", "RGB"), ("GIF", "P"), ("WEBP", "RGB")])
        )
        return _small_image(fmt, mode, (draw(st.integers(1, 300)), draw(st.integers(1, 300))))
    if kind == 17:
        return _small_image("PNG", "RGB", (120, 80))[: draw(st.integers(8, 200))]
    if kind == 18:
        side = draw(st.sampled_from([5000, 6320, 20000, 100000]))
        return png_header(side, side, draw(st.sampled_from([0, 2, 3, 6])))
    return b"\x89PNG\r\n\x1a\n" + draw(st.binary(max_size=64))


@functools.cache
def _design_names() -> list[str]:
    from badge_renderer.designs import list_designs

    return sorted(d.name for d in list_designs())


@functools.cache
def _font_families() -> list[str]:
    from badge_renderer.render_support import font_families

    return list(font_families())


def _mostly(valid: list, odd: list) -> st.SearchStrategy:
    """A valid value nine times in ten, else an odd one (wrong on purpose, or hostile text)."""
    usual, unusual = st.sampled_from(valid), st.sampled_from([*odd, ""]) | cells
    return st.sampled_from(range(10)).flatmap(lambda n: usual if n < 9 else unusual)


@functools.cache
def _optional_options() -> dict[str, st.SearchStrategy]:
    """Built once: constructing strategies on every draw was half of a big run's time."""
    return {
        "qr_field": _mostly(["ticket_id", "email", "Name", "Notes", "Order code", "full_name"], []),
        "qr_kind": _mostly(["text", "vcard"], ["bogus"]),
        "sides": _mostly(["single", "duplex", "foldover"], ["triple"]),
        "emphasize_first_name": st.booleans(),
        "show_pronouns": st.booleans(),
        "crop_marks": st.booleans(),
        "one_per_page": st.booleans(),
        "group_by_type": st.booleans(),
        "ticket_types": st.sampled_from(range(10)).flatmap(lambda n: st.just([]) if n < 8 else st.lists(cells)),
        "accent": _mostly(["#1f6feb", "#fff", "#000000"], ["red", "#12345"]),
        "badge_size": _mostly(["4x3in", "A6", "ID-1", "90x54mm", "3.5x2.25in"], ["1x1mm", "900x900mm"]),
        "paper": _mostly(["A4", "letter", "A3"], ["10x10mm"]),
        "margin_mm": _mostly([0, 5, "auto"], [99, -1]),
        "workers": st.sampled_from([1, 64, "lots"]),
    }


@st.composite
def job_options(draw: st.DrawFn) -> dict:
    """job.json as an organizer (or an attacker) might write it; some values are wrong on purpose."""
    options: dict = {
        "design": draw(_mostly(_design_names(), ["nope", "../classic"])),
        "event_name": draw(cells),
        "font_family": draw(_mostly(_font_families(), ["Comic"])),
    }
    optional = _optional_options()
    for key, strategy in optional.items():
        if draw(st.sampled_from(range(4))) == 0:
            options[key] = draw(strategy)
    return options

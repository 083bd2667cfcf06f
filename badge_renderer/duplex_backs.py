"""Duplex backs copied from their fronts: the back page shows each front badge's drawing again, moved into its
back slot, without drawing it a second time.

Why: with a design that has no back of its own, a duplex back repeats its front (names readable whichever way the
badge flips). Drawing it again cost the front's text calls plus cairo's emission of the same glyph runs (duplex was
~1.5x single-sided). Per-badge Form XObjects through cairo recording surfaces cost more than they saved (cairo
deflate-initialises a stream per form and replays each recording three times).

So each front badge is drawn under a clip to its own rectangle (its trim plus any bleed). cairo writes a clip
change as "Q q" and the new clip, then sets every colour, font and text matrix again, so each badge's part of the
page content stands on its own; pdf_stream writes the back page's drawing as one Form XObject of those parts, each
under the matrix that moves its front slot onto its back slot (`back_form`). cairo draws on the back page only what
differs per side: QR codes (snapped to the back page's own 150 dpi grid), a failed badge's blank and crop marks.

What the parts rely on (cairo 1.16's PDF clipper): a drawing call inside the current clip is written under it,
one that needs its own clip gets it, and one that needs none while the current clip does not hold it is written
with no clip. A badge starts with its static layer, whose extents are its clip rectangle rounded out to whole
points: it needs the clip unless the rectangle is on whole points (`back_copy` draws such layouts' backs). QR codes
are drawn under a clip with a curve (`clip_codes`), which cairo keeps as a path and always writes, so they never
run on inside a badge's part. A part's clip tells its slot; parts of no slot (QR codes, a failed badge's blank
drawn without its clip, crop marks) are not copied. Anything else raises BackCopyError, and write_pdf draws the job
again with its backs drawn.

`back_copy(layout, design)` decides when this holds; write_pdf_part and pdf_stream both ask it, so the drawing and
the copy always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Matrix = tuple[float, float, float, float, float, float]  # cairo order: xx, yx, xy, yy, x0, y0

_RECT_CLIP = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re W n\n(?![-\d.]+ [-\d.]+ [mlcr])")
_TOKEN = re.compile(rb"-?[\d.]+|[A-Za-z*]+")
_PATH_OPS = {b"m": 2, b"l": 2, b"c": 6, b"v": 4, b"y": 4, b"re": 4, b"h": 0}
_FIXED = 1 / 256  # cairo keeps clip geometry in 24.8 fixed point
_TOLERANCE = 0.02  # points, matching a written clip to a slot
CODES_MARGIN = 1.0  # points the QR codes' curved clip reaches past the badge's own rectangle
BOUNDARY = b"\nQ q\n"  # cairo's clipper: back to the page's state, then the next clip


class BackCopyError(ValueError):
    """A front page's content is not the shape this copy expects (a cairo change): draw the backs instead."""


@dataclass(frozen=True)
class BackCopy:
    """Per slot of a sheet: the rectangle the front badge is clipped to, and front -> back (cairo page space)."""

    clips: tuple[tuple[float, float, float, float], ...]
    moves: tuple[Matrix, ...]
    page_width: float
    page_height: float


def back_copy(layout: Any, design: Any) -> BackCopy | None:
    """The copy plan of this sheet plan and design, or None when the backs must be drawn: not duplex, a design with
    its own back, a QR code that is not drawn last (codes are drawn per side) or a badge rectangle on whole points
    (its static layer would not need its clip, see above)."""
    if not layout.backs or not layout.backs_on_next_page or design.has_back:
        return None
    kinds = [e.kind for e in design.elements]
    if "qr" in kinds and (design.is_document or any(k != "qr" for k in kinds[kinds.index("qr") :])):
        return None
    clips = tuple(front_clip(layout, slot) for slot in layout.fronts)
    if any(all(abs(v - round(v)) < _FIXED for v in (x, y, x + w, y + h)) for x, y, w, h in clips):
        return None
    width, height = layout.badge.width, layout.badge.height
    moves = tuple(
        _multiply(_invert(slot_matrix(front, width, height)), slot_matrix(back, width, height))
        for front, back in zip(layout.fronts, layout.backs, strict=True)
    )
    return BackCopy(clips, moves, layout.page.width, layout.page.height)


def front_clip(layout: Any, slot: Any) -> tuple[float, float, float, float]:
    """The rectangle a copied front badge is drawn in: its trim plus any bleed (what _bleed_clip clips to)."""
    from badge_renderer.layout.bleed import bleed_clip

    return bleed_clip(slot, layout.bleed) if layout.bleed else (slot.x, slot.y, slot.width, slot.height)


def clip_codes(ctx: Any, rect: tuple[float, float, float, float]) -> None:
    """Clip `ctx` for a front badge's QR codes: its rectangle grown by CODES_MARGIN (so it cuts nothing), drawn with a
    straight curve along its top edge, which makes cairo keep it as a path and write it with every call."""
    x, y, w, h = rect
    m = CODES_MARGIN
    x, y, w, h = x - m, y - m, w + 2 * m, h + 2 * m
    ctx.move_to(x, y)
    ctx.curve_to(x + w / 3, y, x + 2 * w / 3, y, x + w, y)
    ctx.line_to(x + w, y + h)
    ctx.line_to(x, y + h)
    ctx.close_path()
    ctx.clip()


def slot_matrix(slot: Any, width: float, height: float) -> Matrix:
    """Badge space -> page space for a badge of `width` x `height` in `slot` (compose.draw's translate/rotate)."""
    x, y = slot.x, slot.y
    if slot.rotation == 90:
        return (0.0, 1.0, -1.0, 0.0, x + height, y)
    if slot.rotation == 180:
        return (-1.0, 0.0, 0.0, -1.0, x + width, y + height)
    if slot.rotation == 270:
        return (0.0, -1.0, 1.0, 0.0, x, y + width)
    return (1.0, 0.0, 0.0, 1.0, x, y)


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    """a, then b (cairo_matrix_multiply's order)."""
    axx, ayx, axy, ayy, ax0, ay0 = a
    bxx, byx, bxy, byy, bx0, by0 = b
    return (
        axx * bxx + ayx * bxy,
        axx * byx + ayx * byy,
        axy * bxx + ayy * bxy,
        axy * byx + ayy * byy,
        ax0 * bxx + ay0 * bxy + bx0,
        ax0 * byx + ay0 * byy + by0,
    )


def _invert(m: Matrix) -> Matrix:
    xx, yx, xy, yy, x0, y0 = m
    det = xx * yy - yx * xy
    ixx, iyx, ixy, iyy = yy / det, -yx / det, -xy / det, xx / det
    return (ixx, iyx, ixy, iyy, -(x0 * ixx + y0 * ixy), -(x0 * iyx + y0 * iyy))


def front_parts(content: bytes, plan: BackCopy) -> list[list[bytes]]:
    """Each slot's parts of a front page's (inflated) content stream, in drawing order.

    A part is what cairo wrote between two clip changes, starting with its clip. Raises BackCopyError for content
    of another shape, or when a slot has no part while a later one has (a badge written outside its clip).
    """
    if not content.startswith(b"1 0 0 -1 0 ") or not content.rstrip().endswith(b"Q"):
        raise BackCopyError("a front page without cairo's page matrix")
    pieces = content.split(BOUNDARY)
    last = len(pieces) - 1
    slots: list[list[bytes]] = [[] for _ in plan.clips]
    for index, piece in enumerate(pieces[1:], start=1):
        if index == last:  # the page's own closing "Q"
            piece = piece.rstrip()
            piece = piece[:-1] if piece.endswith(b"Q") else piece
        slot = _slot_of(plan, _clip_box(piece))
        if slot is not None:
            slots[slot].append(piece)
    drawn = [bool(parts) for parts in slots]
    if any(not here and later for i, here in enumerate(drawn) for later in drawn[i + 1 :]):
        raise BackCopyError("a badge whose drawing is not under its clip")
    return slots


def _clip_box(piece: bytes) -> tuple[float, float, float, float] | None:
    """The first rectangle of the part's leading clip, or None: no clip, or a clip with a curve (QR codes)."""
    plain = _RECT_CLIP.match(piece)  # a badge's own part: its rectangle alone
    if plain is not None:
        x, y, w, h = (float(v) for v in plain.groups())
        return x, y, w, h
    numbers: list[float] = []
    first: tuple[float, float, float, float] | None = None
    for token in _TOKEN.finditer(piece, 0, 4096):
        text = token[0]
        if text[0] in b"-.0123456789":
            numbers.append(float(text))
            continue
        if text in _PATH_OPS:
            if len(numbers) != _PATH_OPS[text]:
                return None
            if text == b"c":
                return None  # QR codes' clip (clip_codes)
            if text == b"re" and first is None:
                x, y, w, h = numbers
                first = (x, y, w, h)
            numbers = []
        elif text not in (b"W", b"W*", b"n"):
            return first  # the drawing starts
    return first


def _slot_of(plan: BackCopy, box: tuple[float, float, float, float] | None) -> int | None:
    """The slot whose clip holds `box` (a badge's own clip, or one inside it)."""
    if box is None:
        return None
    x, y, w, h = box
    t = _TOLERANCE
    for index, (cx, cy, cw, ch) in enumerate(plan.clips):
        if x >= cx - t and y >= cy - t and x + w <= cx + cw + t and y + h <= cy + ch + t:
            return index
    raise BackCopyError("a clipped part outside every slot")


def back_form(content: bytes, plan: BackCopy) -> bytes:
    """The back page's copied drawing (a Form XObject's content): every part of the front page `content` that
    belongs to a slot, under cairo's page matrix and the slot's front -> back matrix."""
    parts = front_parts(content, plan)
    head = content[: content.find(b"\n")]
    out = [head, b"\n"]
    for move, pieces in zip(_moves(plan), parts, strict=True):
        for piece in pieces:
            out += [move, piece, b"\nQ\n"]
    return b"".join(out)


_MOVES: dict[BackCopy, tuple[bytes, ...]] = {}


def _moves(plan: BackCopy) -> tuple[bytes, ...]:
    """Each slot's "q a b c d e f cm" line, written once per plan."""
    found = _MOVES.get(plan)
    if found is None:
        if len(_MOVES) > 16:
            _MOVES.clear()
        found = _MOVES[plan] = tuple(b"q " + b" ".join(_number(v) for v in m) + b" cm\n" for m in plan.moves)
    return found


def _number(value: float) -> bytes:
    """A PDF number: no exponent, no "-0"."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return b"0" if text in ("-0", "") else text.encode()


_CONTENTS = re.compile(rb"/Contents\s+(\d+)\s+0\s+R")
_RESOURCES = re.compile(rb"/Resources\s+(\d+)\s+0\s+R")
_STREAM_START = re.compile(rb"stream\r?\n")


class BackPages:
    """pdf_stream's side of the copy, for one cairo part whose pages are (front, back) pairs.

    Pages are written by cairo as: content stream, its length, resources, page dictionary; a front's pair comes
    before its back's. So by the time the back page's resources are copied, its front's content has been read:
    the copied drawing is written then as a Form XObject (the front page's resources are its resources), its name
    is added to the back page's /XObject, and the back page's /Contents becomes [ "draw it", cairo's back ].
    """

    def __init__(self, reader: Any, plan: BackCopy, number: Any, reserve: Any, write: Any) -> None:
        self.plan, self.number, self._reserve, self._write = plan, number, reserve, write  # number: part -> file
        self._fronts: dict[int, int] = {}  # content stream -> pair
        self._front_resources: dict[int, int] = {}  # pair -> resources object
        self._backs: dict[int, int] = {}  # back resources -> pair
        self._back_pages: dict[int, tuple[int, int]] = {}  # back page -> (its content stream, pair)
        self._content: dict[int, bytes] = {}  # pair -> the front's inflated content, until its back is written
        self._drawn: dict[int, int] = {}  # pair -> the "draw the copy" stream's object (output numbering)
        kids = reader.kids
        for pair in range(len(kids) // 2):
            front, back = reader.peek(kids[2 * pair]), reader.peek(kids[2 * pair + 1])
            front_contents, front_resources = _CONTENTS.search(front), _RESOURCES.search(front)
            back_contents, back_resources = _CONTENTS.search(back), _RESOURCES.search(back)
            if None in (front_contents, front_resources, back_contents, back_resources):
                raise BackCopyError("a duplex page without one content stream and a resources object")
            assert front_contents and front_resources and back_contents and back_resources
            self._fronts[int(front_contents[1])] = pair
            self._front_resources[pair] = int(front_resources[1])
            self._backs[int(back_resources[1])] = pair
            self._back_pages[kids[2 * pair + 1]] = (int(back_contents[1]), pair)

    @property
    def back_resources(self) -> Any:
        """The back pages' resources objects (part numbers): each is changed as it is copied, so never shared."""
        return self._backs.keys()

    def content(self, n: int, head: bytes, stream: Any) -> None:
        """Keep a front page's content stream (object n), inflated, for its back."""
        pair = self._fronts.get(n)
        if pair is None:
            return
        self._content[pair] = _inflate(head, bytes(stream))

    def resources(self, n: int, head: bytes) -> bytes:
        """A back page's resources (object n, already renumbered): write its copied drawing, name it here."""
        pair = self._backs.get(n)
        if pair is None:
            return head
        import zlib

        content = self._content.pop(pair, None)
        if content is None:
            raise BackCopyError("a back page before its front")
        form, drawn = self._reserve(), self._reserve()
        data = zlib.compress(back_form(content, self.plan), 1)  # ~3x faster than 6, a few % larger
        width, height = _number(self.plan.page_width), _number(self.plan.page_height)
        self._write(
            form,
            b"<< /Type /XObject\n   /Subtype /Form\n   /BBox [ 0 0 " + width + b" " + height + b" ]\n"
            b"   /Resources %d 0 R\n   /Filter /FlateDecode\n   /Length %d\n>>\n"
            % (self.number(self._front_resources[pair]), len(data)),
            b"stream\n" + data + b"\nendstream\nendobj\n",
        )
        draw = b"q /bfcopy%d Do Q" % form
        self._write(drawn, b"<< /Length %d >>\n" % len(draw), b"stream\n" + draw + b"\nendstream\nendobj\n")
        self._drawn[pair] = drawn
        entry = b"/bfcopy%d %d 0 R" % (form, form)
        if b"/XObject <<" in head:
            return head.replace(b"/XObject <<", b"/XObject << " + entry, 1)
        start = head.find(b"<<")
        if start < 0:
            raise BackCopyError("a resources object that is not a dictionary")
        return head[: start + 2] + b" /XObject << " + entry + b" >>" + head[start + 2 :]

    def page(self, n: int, head: bytes) -> bytes:
        """A back page's dictionary (renumbered): its copied drawing first, then what cairo drew on it."""
        found = self._back_pages.get(n)
        if found is None:
            return head
        contents, pair = found
        drawn = self._drawn.pop(pair, None)
        if drawn is None:
            raise BackCopyError("a back page whose resources were not copied first")
        old = b"/Contents %d 0 R" % self.number(contents)
        if old not in head:
            raise BackCopyError("a back page's /Contents moved")
        return head.replace(old, b"/Contents [ %d 0 R %d 0 R ]" % (drawn, self.number(contents)), 1)


def _inflate(head: bytes, stream: bytes) -> bytes:
    import zlib

    start = _STREAM_START.match(stream)
    if start is None:
        raise BackCopyError("a content stream without its data")
    data = stream[start.end() :]
    if b"/FlateDecode" not in head:
        if b"/Filter" in head:
            raise BackCopyError("a content stream in another filter")
        return data[: data.rfind(b"endstream")].rstrip(b"\r\n")
    try:
        return zlib.decompressobj().decompress(data)
    except zlib.error as err:
        raise BackCopyError(f"a content stream that does not inflate ({err})") from err

"""One page of BadgeForge's own PDF writer: the operators badges, marks and codes put on it, and what it uses.

A DirectPage stands where compose.draw takes a cairo context (its `_pointer` is None, which TextStamp.draw, the QR
painter and qr.grid_window check), so the composer's per-badge logic — which text, which size, which warnings —
is the one cairo uses; only the last step differs: operators appended to a list instead of libcairo calls.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from badge_renderer.pdf_write.qr_masks import qr_inline, qr_square
from badge_renderer.pdf_write.text_ops import pdf_number

if TYPE_CHECKING:
    from badge_renderer.pdf_write.part import DirectPart

_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


_SLOTS: dict[tuple[Any, ...], tuple[tuple[float, ...], bytes]] = {}  # a slot -> (its matrix, its "q ... cm")


def _slot(
    x: float, y: float, rotation: int, width: float, height: float, clip: tuple[float, float, float, float] | None
) -> tuple[tuple[float, ...], bytes]:
    """A badge slot's matrix and opening operators, made once per slot: every sheet has the same slots, and six
    number formats per badge were ~2 % of it."""
    if rotation == 0:
        matrix: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, x, y)
    elif rotation == 180:
        matrix = (-1.0, 0.0, 0.0, -1.0, x + width, y + height)
    elif rotation == 90:
        matrix = (0.0, 1.0, -1.0, 0.0, x + height, y)
    elif rotation == 270:
        matrix = (0.0, -1.0, 1.0, 0.0, x, y + width)
    else:
        c, s = math.cos(math.radians(rotation)), math.sin(math.radians(rotation))
        matrix = (c, s, -s, c, x, y)
    head = b"q %.3f %.3f %.3f %.3f re W n " % clip if clip is not None else b"q "
    if len(_SLOTS) >= 4096:  # bounded: a process renders many jobs, of a few sheet layouts each
        _SLOTS.clear()
    return matrix, head + b"%.4g %.4g %.4g %.4g %.3f %.3f cm\n" % matrix


class DirectPage:
    """The content of one page, in cairo's top-down user space (the stream starts by flipping to it)."""

    _pointer = None  # not a cairo context: stamps and codes write operators here (see the module docstring)

    def __init__(self, part: DirectPart, width: float, height: float) -> None:
        self.part = part
        self.width, self.height = width, height
        self.ops: list[bytes] = [b"1 0 0 -1 0 %s cm\n" % pdf_number(height)]
        self.xobjects: dict[bytes, int] = {}  # resource name -> object number
        self.matrix: tuple[float, ...] = _IDENTITY  # the current badge's transform (user -> page), for grid_window
        # QR codes nothing later covers, each with its badge's slot operators: drawn after the rest of the page and
        # stored in its stream uncompressed (part.DirectPart._deflate): a code's bits do not compress, and deflating
        # a version-11 vCard's ~560 bytes cost ~78 K instructions, about a third of what the code costs a badge
        self.codes: list[bytes] = []
        self._slot_ops = b""  # the current badge's "q ... cm"
        self._badge_codes: list[bytes] = []  # the current badge's, until it ends (drop_badge forgets them)

    # ---- badges ------------------------------------------------------------------------------------------------
    def begin_badge(
        self,
        x: float,
        y: float,
        rotation: int,
        width: float,
        height: float,
        clip: tuple[float, float, float, float] | None = None,
    ) -> int:
        """Start a badge whose slot's top-left corner is (x, y), turned as compose.draw turns it; returns where its
        operators start (for `drop_badge`)."""
        mark = len(self.ops)
        key = (x, y, rotation, width, height, clip)
        found = _SLOTS.get(key)
        if found is None:
            found = _SLOTS[key] = _slot(*key)
        self.matrix, self._slot_ops = found
        self.ops.append(found[1])
        return mark

    def static(self, layer: Any) -> None:
        """The badge's static layer (a cairo recording, copied into the file once as a form)."""
        name, number, placement = self.part.form(layer)
        self.xobjects[name] = number
        self.ops.append(b"q %s /%s Do Q\n" % (placement, name))

    def end_badge(self) -> None:
        self.ops.append(b"Q\n")
        self.matrix = _IDENTITY
        if self._badge_codes:
            self.codes += self._badge_codes
            self._badge_codes = []

    def drop_badge(self, mark: int) -> None:
        """Forget what a badge wrote from `mark` on (its drawing failed; the caller writes its blank)."""
        del self.ops[mark:]
        self._badge_codes = []
        self.matrix = _IDENTITY

    # ---- what TextStamp.draw and the QR painter call -------------------------------------------------------------
    def write_stamp(self, stamp: Any) -> None:
        ops = stamp.pdf
        part = self.part
        if ops is None or ops.generation != part.generation:
            ops = part.stamp(stamp)
        if ops.ops:
            self.ops.append(ops.ops)
            self.ops.append(b"\n")

    def write_qr(self, code: Any, x: float, y: float, side: float, *, on_top: bool = False) -> None:
        """The code's image mask in black on a white square (x, y, side), as qr.draw_qr paints it. `on_top`: nothing
        drawn after it on the badge overlaps the square (nor can the page's marks and other slots), so it may come
        last on the page, in the part of the stream that is not compressed (see `codes`)."""
        if on_top:
            self._badge_codes += (self._slot_ops, qr_square(code, x, y, side), qr_inline(code), b" Q Q\n")
        else:
            self.ops += (qr_square(code, x, y, side), qr_inline(code), b" Q\n")

    # ---- page furniture --------------------------------------------------------------------------------------------
    def lines(self, lines: Any, *, gray: float, width: float, dash: tuple[float, ...] = ()) -> None:
        """Hairlines (crop marks, fold lines) stroked in one path."""
        if not lines:
            return
        s = pdf_number
        out = [b"q %s G %s w" % (s(gray), s(width))]
        if dash:
            out.append(b"[%s] 0 d" % b" ".join(s(d) for d in dash))
        out += [b"%s %s m %s %s l" % (s(ln.x1), s(ln.y1), s(ln.x2), s(ln.y2)) for ln in lines]
        out.append(b"S Q\n")
        self.ops.append(b" ".join(out))

    def content(self) -> bytes:
        """The operators but the deferred codes' (`codes`): what is compressed."""
        return b"".join(self.ops)

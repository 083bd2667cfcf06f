"""What cairo draws once per job (a ticket type's static layer: background photo, artwork, logo, event name), drawn
on a one-page cairo PDF and copied into BadgeForge's own file as one Form XObject, placed on every badge by name.

Why a copy and not cairo's own replay: cairo re-emits a recording surface per page it is painted on (the page's
part of the time left in issue 13); a form is written once and each badge costs one `Do`. Why through a cairo PDF:
cairo already writes the images, subset fonts, gradients and transparency of that drawing correctly; the copy only
renumbers its objects (pdf_stream.PartReader reads them, references are renumbered as PdfAssembler.append does).

Geometry: the cairo page is the caller's top-down user space translated so that `box` starts at its origin. Its
content starts with cairo's `1 0 0 -1 0 h cm` (page space is bottom-up), so the form keeps the page's space
(/BBox [0 0 w h]) and its /Matrix [1 0 0 -1 x y+h] maps that space back into the caller's top-down space: cairo's
device point (u, v) lands on the caller's (x + u, y + v), exactly where `draw` drew. `placement` is therefore empty.
The page's /Group (cairo's page-level transparency group) is not copied: the form is painted into the group of the
page that places it, as cairo paints its own recording there (renders pixel-equal, see tests/unit/pdf_write).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from badge_renderer.pdf_stream import (
    _REF,
    _XOBJECT_DICT,
    Finish,
    PartFormatError,
    PartReader,
    _unique_xobjects,
    fallback_names,
    finish_object,
    renamed,
)
from badge_renderer.pdf_write.objects import PdfObjects, pdf_number

_CONTENTS = re.compile(rb"/Contents\s*(?:(\d+)\s+\d+\s+R|\[([^\]]*)\])")
_RESOURCES = re.compile(rb"/Resources\s*(?:(\d+)\s+\d+\s+R|(<<))")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
_FILTER = re.compile(rb"/Filter\s*(/\w+|\[[^\]]*\])")
_STREAM_START = re.compile(rb"stream\r?\n")


@dataclass(frozen=True)
class CairoForm:
    """A Form XObject in a PdfObjects file: `q <placement> /Name Do Q` in the caller's top-down user space draws
    it where `draw` drew."""

    number: int
    placement: bytes = b""  # a `cm` operator to write before `Do`, or empty (the form's /Matrix places it)


def copy_cairo_form(
    objects: PdfObjects,
    draw: Callable[[Any], None],
    box: tuple[float, float, float, float],
    finish: Finish | None = None,
) -> CairoForm:
    """Draw `draw(ctx)` on a cairo PDF page whose user space is the caller's top-down space clipped to `box`
    (x, y, w, h), and copy that page into `objects` as a Form XObject (content, /Resources closure, /BBox,
    /Matrix). Raises PartFormatError when cairo wrote a file pdf_stream does not read (a cairo upgrade).
    `finish`: the print finish, applied here to what is copied (a part in the finished file's numbering is copied
    into it as bytes, so pdf_stream finishes none of its objects)."""
    import cairocffi

    x, y, w, h = box
    if not (w > 0 and h > 0):
        raise ValueError(f"a form box needs a positive width and height, not {box}")
    buffer = io.BytesIO()
    surface = cairocffi.PDFSurface(buffer, w, h)
    ctx = cairocffi.Context(surface)
    ctx.translate(-x, -y)
    ctx.rectangle(x, y, w, h)
    ctx.clip()
    draw(ctx)
    surface.finish()
    return copy_page_form(objects, PartReader(buffer), box, finish)


def copy_page_form(
    objects: PdfObjects, reader: PartReader, box: tuple[float, float, float, float], finish: Finish | None = None
) -> CairoForm:
    """The one page of `reader` (a cairo file `box[2]` x `box[3]` points) as a Form XObject in `objects`."""
    x, y, w, h = box
    if len(reader.kids) != 1:
        raise PartFormatError(f"a form is copied from a one-page file, not {len(reader.kids)} pages")
    page = reader.read(reader.kids[0])[0]
    copy = _Copy(objects, reader, {reader.root, reader.info, reader.pages, reader.kids[0]}, finish)
    data, filters = _content(reader, page)
    resources = _RESOURCES.search(page)
    if resources is None:
        entry = b"<< >>"
    elif resources[1] is not None:
        entry = b"%d 0 R" % copy.number(int(resources[1]))
    else:
        inline = _dictionary_at(page, resources.start(2))
        entry = copy.moved(copy.finished(inline))
    copy.run()
    # six decimals, as cairo writes coordinates (its page size, the `cm` that flips it)
    head = b"<< /Type /XObject /Subtype /Form /BBox [ 0 0 %s %s ] /Matrix [ 1 0 0 -1 %s %s ] /Resources %s%s >>" % (
        pdf_number(w, 6),
        pdf_number(h, 6),
        pdf_number(x, 6),
        pdf_number(y + h, 6),
        entry,
        filters,
    )
    return CairoForm(objects.add_stream(head, data))


def _content(reader: PartReader, page: bytes) -> tuple[bytes, bytes]:
    """(stream data, " /Filter ..." or b"") of the page's content: one stream as it is stored, or an array of
    streams decoded and joined (a content array is one stream split anywhere, even inside an operator)."""
    contents = _CONTENTS.search(page)
    if contents is None:
        return b"", b""
    if contents[1] is not None:
        head, data = _stream(reader, int(contents[1]))
        filters = _FILTER.search(head)
        if filters is None:
            return data, b""
        if filters[1] != b"/FlateDecode" or b"/DecodeParms" in head:
            raise PartFormatError(f"a page content filter this copy does not keep: {filters[1]!r}")
        return data, b" /Filter /FlateDecode"
    parts = []
    for n in (int(m[1]) for m in _REF.finditer(contents[2]) if m[1] is not None):
        head, data = _stream(reader, n)
        parts.append(_decoded(head, data))
    return zlib.compress(b"\n".join(parts)), b" /Filter /FlateDecode"


def _decoded(head: bytes, data: bytes) -> bytes:
    filters = _FILTER.search(head)
    if filters is None:
        return data
    if filters[1] not in (b"/FlateDecode", b"[ /FlateDecode ]", b"[/FlateDecode]") or b"/DecodeParms" in head:
        raise PartFormatError(f"a page content filter this copy does not decode: {filters[1]!r}")
    try:
        return zlib.decompress(data)
    except zlib.error as error:
        raise PartFormatError(f"a page content stream that does not inflate: {error}") from None


def _stream(reader: PartReader, n: int) -> tuple[bytes, bytes]:
    """(dictionary, data as stored) of stream object n."""
    head, stream = reader.read(n)
    if not stream:
        raise PartFormatError(f"object {n} is not a stream")
    view = bytes(stream)
    start = _STREAM_START.match(view)
    length = _LENGTH.search(head)
    if start is None or length is None:
        raise PartFormatError(f"stream {n} without a length")
    size = int(reader.read(int(length[1]))[0].strip()) if length[2] is not None else int(length[1])
    return head, view[start.end() : start.end() + size]


def _dictionary_at(data: bytes, start: int) -> bytes:
    """The balanced `<< ... >>` that starts at `start` (strings skipped)."""
    depth, i = 0, start
    while i < len(data):
        if data.startswith(b"<<", i):
            depth, i = depth + 1, i + 2
            continue
        if data.startswith(b">>", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return data[start:i]
            continue
        if data[i : i + 1] == b"(":
            string = _REF.match(data, i)
            i = string.end() if string is not None else i + 1
            continue
        i += 1
    raise PartFormatError("an inline dictionary that does not end")


class _Copy:
    """The objects a form's resources reach, copied into `objects` under new numbers (given as first met)."""

    def __init__(self, objects: PdfObjects, reader: PartReader, stop: set[int], finish: Finish | None) -> None:
        self.objects, self.reader, self.stop, self.finish = objects, reader, stop, finish
        self.new: dict[int, int] = {}
        self.todo: list[int] = []
        self._names: dict[bytes, tuple[bytes, bytes]] | None = None  # fallback font names, found when first needed

    def finished(self, head: bytes) -> bytes:
        """`head` as the finish writes it (pdf_stream.PdfAssembler.append does the same to a part it renumbers);
        without a finish, cairo's repeated /XObject keys once only."""
        if self.finish is None:
            return _XOBJECT_DICT.sub(_unique_xobjects, head) if b"/XObject" in head else head
        head = finish_object(head, self.finish)
        if b"CairoFont-" in head:
            if self._names is None:
                fonts = [self.reader.read(n)[0] for n in self.reader.in_use]
                fonts = [h for h in fonts if b"/Type0" in h and b"CairoFont-" in h]
                self._names = fallback_names(self.reader, fonts, self.finish)
            head = renamed(head, self._names)
        return head

    def number(self, old: int) -> int:
        if old in self.stop:
            raise PartFormatError(f"a resource refers to object {old}, the page or its tree")
        found = self.new.get(old)
        if found is None:
            found = self.new[old] = self.objects.reserve()
            self.todo.append(old)
        return found

    def moved(self, head: bytes) -> bytes:
        """`head` with its references renumbered (a reference to no object becomes null, as it reads)."""

        def renumber(match: re.Match[bytes]) -> bytes:
            if match[1] is None:
                return match[0]
            old = int(match[1])
            if not 0 < old < self.reader.size or not self.reader.offsets[old]:
                return b"null"
            return b"%d 0 R" % self.number(old)

        return _REF.sub(renumber, head)

    def run(self) -> None:
        """Copy until every object met is written: in file order, so the reader reads the file front to back."""
        offsets = self.reader.offsets
        while self.todo:
            batch, self.todo = sorted(self.todo, key=offsets.__getitem__), []
            for old in batch:
                self._copy(old)

    def _copy(self, old: int) -> None:
        head, stream = self.reader.read(old)
        if stream:
            head, data = _stream(self.reader, old)
            head = _LENGTH.sub(b"", head, count=1)
        head = self.moved(self.finished(head)).strip()  # cairo repeats "/x6 6 0 R" once per use
        if stream:
            self.objects.put_stream(self.new[old], head, data)
        else:
            self.objects.put(self.new[old], head)

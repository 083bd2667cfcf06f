"""Streaming PDF assembly: cairo part files -> one finished print file, object by object, never all pages at once.

Why: the qpdf (pikepdf) merge held every part's object graph in the parent (287 MB at 50,000 badges) and the
pikepdf finish rewrote every part once more. cairo 1.16 writes plain, regular files (one classic xref table,
numbered objects, a flat page tree, no object streams), so a part can be copied through its xref: each object's
bytes are read from its offset to the next one, references in its dictionary are renumbered into the output's
numbering, stream data is copied as it is. The finish is applied on the way (page boxes, exact artwork boxes,
de-duplicated /XObject keys, named fallback fonts, title, PDF/X parts), so what pdf_finish did in a second
rewrite costs nothing extra. Memory is an offset per object, a number per page and one object at a time.

The own page writer writes every part in the finished file's numbering, finished (PdfAssembler.append_numbered):
the parent's own part from object 2, a forked worker's from past what the parts before may hold, a one-process
job's as one part. Its objects are copied as bytes, only their offsets move, the numbers no part used get no xref
rows (a second subsection), and a worker's empty static-layer stand-ins are written as copies of the forms the
parent's part brought (their photos and fonts are not copied again).

A file this reader does not understand (an xref stream, an incremental update, a nested page tree) raises
PartFormatError before anything is written, and the caller falls back to the qpdf path.
"""

from __future__ import annotations

import bisect
import itertools
import re
import uuid
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from badge_renderer.pdf_finish import PDFX_VERSION, SRGB_CONDITION, PageBoxes
from badge_renderer.pdf_write.objects import DirectWriterError, pdf_number

PRODUCER = "BadgeForge (cairo)"
FIRST_NUMBER = 2  # the finished file's first object number a part may use: 1 is its page tree (written last)
_TAIL = 4096  # startxref and the trailer are in a file's last bytes
_BLOCK = 1 << 18  # bytes of a part read at a time
_REF = re.compile(rb"\((?:[^\\()]|\\.)*\)|(\d+) (\d+) R")  # strings are skipped, not renumbered
_PLAIN_REF = re.compile(rb"(\d+) (0) R")  # the same in a dictionary without strings (cairo's generation is 0)
_STREAM = re.compile(rb"stream\r?\n")
_LENGTH_REF = re.compile(rb"/Length\s+(\d+)\s+0\s+R")
_COMMENT = re.compile(rb"%[^\r\n]*")
_SHARED_MAX = 512  # plain dictionaries up to this size are written once per part (page resources)
_SHARED_ENTRIES = 32  # the first distinct ones per part (pages with QR codes each have their own: none repeat)
_OBJ_HEAD = re.compile(rb"\s*\d+\s+\d+\s+obj\b")
_MEDIABOX = re.compile(rb"/MediaBox\s*\[[^\]]*\]")
_XOBJECT_DICT = re.compile(rb"/XObject\s*<<((?:\s*/[A-Za-z0-9_.-]+\s+\d+\s+\d+\s+R)+)\s*>>")
_XOBJECT_ENTRY = re.compile(rb"/([A-Za-z0-9_.-]+)\s+(\d+\s+\d+\s+R)")
_BBOX = re.compile(rb"/BBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
_FALLBACK_NAME = re.compile(rb"/((?:[A-Z]{6}\+)?CairoFont-\d+-\d+)\b")
_TO_UNICODE = re.compile(rb"/ToUnicode\s+(\d+)\s+\d+\s+R")
_PLAIN_REF_NUMBER = re.compile(rb"(\d+) \d+ R")
_FONT_FAMILY = re.compile(rb"/FontFamily\s*\((?:[^\\()]|\\.)*\)")


class PartFormatError(ValueError):
    """A part this streaming reader does not handle (not a plain cairo/qpdf file): use the qpdf path instead."""


def _ref_list(data: bytes) -> list[int]:
    if b"(" not in data:  # no string to skip (a page tree's kids): findall's list, no match objects
        return [int(n) for n in _PLAIN_REF_NUMBER.findall(data)]
    return [int(m[1]) for m in _REF.finditer(data) if m[1] is not None]


class PartReader:
    """A finished PDF's objects by number, read through its one classic xref table (random access by offset)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self._block, self._block_at, self._position = b"", 0, -1
        fh.seek(0)
        header = re.match(rb"%PDF-(\d\.\d)", fh.read(16))
        if header is None:
            raise PartFormatError("no %PDF header")
        self.version = header[1]
        fh.seek(0, 2)
        self.length = fh.tell()
        fh.seek(max(0, self.length - _TAIL))
        tail = fh.read()
        start = tail.rfind(b"startxref")
        if start < 0:
            raise PartFormatError("no startxref")
        self.xref_at = int(tail[start + 9 :].split()[0])
        fh.seek(self.xref_at)
        section = fh.read(self.length - self.xref_at)
        if not section.startswith(b"xref"):
            raise PartFormatError("not a classic xref table")
        trailer_at = section.find(b"trailer")
        if trailer_at < 0:
            raise PartFormatError("no trailer")
        trailer = section[trailer_at : section.find(b"startxref", trailer_at)]
        if b"/Prev" in trailer or b"/Encrypt" in trailer or b"/XRefStm" in trailer:
            raise PartFormatError("incremental, encrypted or hybrid file")
        self.size = self._int(trailer, rb"/Size\s+(\d+)")
        self.root = self._int(trailer, rb"/Root\s+(\d+)\s+\d+\s+R")
        info = re.search(rb"/Info\s+(\d+)\s+\d+\s+R", trailer)
        self.info = int(info[1]) if info else 0
        self.offsets = array("q", [0]) * self.size
        self._xref(section[4:trailer_at].split())
        # object numbers in file order: an object's bytes end where the next one's start
        offsets = self.offsets
        self.in_use = array("q", sorted(itertools.compress(range(self.size), offsets), key=offsets.__getitem__))
        self.starts = array("q", sorted(itertools.compress(offsets, offsets)))  # (bisect finds where one ends)
        catalog = self.read(self.root)[0]
        pages = re.search(rb"/Pages\s+(\d+)\s+\d+\s+R", catalog)
        if pages is None:
            raise PartFormatError("catalog without /Pages")
        self.pages = int(pages[1])
        tree = self.read(self.pages)[0]
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree)
        count = re.search(rb"/Count\s+(\d+)", tree)
        self.kids = _ref_list(kids[1]) if kids else []
        if count is None or int(count[1]) != len(self.kids):
            raise PartFormatError("a nested page tree")
        self.catalog = catalog

    def end(self, n: int) -> int:
        """Where object n's bytes end: the next object's offset, or the xref table's."""
        i = bisect.bisect_right(self.starts, self.offsets[n])
        return self.starts[i] if i < len(self.starts) else self.xref_at

    def _xref(self, tokens: list[bytes]) -> None:
        """Offsets from the table's tokens: subsections of "first count", then "offset generation n|f" per object
        (split in C: a regex match per row was most of reading a part)."""
        i, offsets, size = 0, self.offsets, self.size
        try:
            while i < len(tokens):
                first, count = int(tokens[i]), int(tokens[i + 1])
                rows = tokens[i + 2 : i + 2 + 3 * count]
                i += 2 + 3 * count
                kinds = rows[2::3]
                if len(rows) != 3 * count or kinds.count(b"n") + kinds.count(b"f") != count:
                    raise PartFormatError("a short xref subsection")
                values = array("q", map(int, rows[0::3]))  # in C: a row at a time in Python was most of a read
                if b"f" in kinds:  # a free entry names the next free one, not an offset
                    for j in [j for j, kind in enumerate(kinds) if kind == b"f"]:
                        values[j] = 0
                if values and min(values) < 0:
                    raise PartFormatError("a negative xref offset")
                low, high = max(first, 1), min(first + count, size)
                if low < high:
                    offsets[low:high] = values[low - first : high - first]
        except (ValueError, IndexError):
            raise PartFormatError("an xref table this reader does not parse") from None

    @staticmethod
    def _int(data: bytes, pattern: bytes) -> int:
        match = re.search(pattern, data)
        if match is None:
            raise PartFormatError(f"trailer without {pattern!r}")
        return int(match[1])

    def read(self, n: int) -> tuple[bytes, Any]:
        """(dictionary part, stream part from "stream" through "endobj", b"" for none) of object n, without its
        "N G obj" line. Objects are read in file order from one block of the file, so copying a part is a few
        large reads, not a seek per object."""
        offset = self.offsets[n] if 0 < n < self.size else 0
        if not offset:
            raise PartFormatError(f"object {n} is not in the xref table")
        raw = self._bytes(offset, self.end(n))
        head = _OBJ_HEAD.match(raw)
        if head is None:
            raise PartFormatError(f"object {n} does not start at its xref offset")
        stream = _STREAM.search(raw, head.end())
        if stream is not None and raw.find(b"endstream", stream.end()) >= 0:
            return raw[head.end() : stream.start()], memoryview(raw)[stream.start() :]
        end = raw.rfind(b"endobj")
        return raw[head.end() : end if end >= 0 else len(raw)], b""

    def peek(self, n: int) -> bytes:
        """Object n's bytes, read on their own (a few page dictionaries read ahead of the copy)."""
        if not 0 < n < self.size or not self.offsets[n]:
            raise PartFormatError(f"object {n} is not in the xref table")
        self.fh.seek(self.offsets[n])
        self._position = -1  # the next block read seeks
        return self.fh.read(self.end(n) - self.offsets[n])

    def _bytes(self, start: int, end: int) -> bytes:
        block, at = self._block, self._block_at
        if not (at <= start and end <= at + len(block)):
            if start != self._position:  # no seek when reading on (a Storage reader may restart its download)
                self.fh.seek(start)
            block, at = self.fh.read(max(end - start, _BLOCK)), start
            self._block, self._block_at, self._position = block, at, start + len(block)
        return block[start - at : end - at]

    def closure(self, starts: Iterable[int], stop: set[int]) -> set[int]:
        """Every object reachable from `starts` without passing through `stop`."""
        seen: set[int] = set()
        todo = [n for n in starts if n not in stop]
        while todo:
            n = todo.pop()
            if n in seen or not 0 < n < self.size or not self.offsets[n]:
                continue
            seen.add(n)
            todo.extend(r for r in _ref_list(self.read(n)[0]) if r not in stop)
        return seen


@dataclass
class Finish:
    """What the print finish adds while a cairo part is copied (see pdf_finish for why each is needed)."""

    front: PageBoxes
    back: PageBoxes | None
    title: str
    pdfx: bool
    exact_boxes: dict[tuple[int, int, int, int], tuple[float, ...]] = field(default_factory=dict)
    font_name: Callable[[set[int]], tuple[str, str] | None] | None = None
    backs: Any = None
    """A duplex_backs.BackCopy when duplex back pages get their fronts' drawing copied in."""


class PdfAssembler:
    """Writes one PDF to `out` from parts appended in page order; `close()` writes the page tree, xref, trailer."""

    def __init__(self, out: BinaryIO, finish: Finish | None = None, version: bytes = b"1.5") -> None:
        self.out = out
        self.finish = finish
        version = max(version, b"1.6" if finish is not None and finish.pdfx else b"1.5")
        self.position = 0
        self._write(b"%PDF-" + version + b"\n%\xb5\xed\xae\xfb\n")
        self.offsets = array("q", [0, 0])  # 0: the free head; 1: the page tree, written last
        self.kids = array("q")
        self.catalog: bytes | None = None  # a finished first part's catalog (kept in concatenation)
        self.info: bytes | None = None
        self._boxes = box_entries(finish) if finish is not None else (b"", b"")
        self._layer_forms: dict[tuple[str, str], tuple[bytes, bytes]] = {}  # (ticket type, side) -> its form as
        # written here (head, stream): a numbered part's stand-ins become copies of it (append_numbered)
        self._gaps: list[tuple[int, int]] = []  # numbers [a, b) left unused before a numbered part: no xref rows

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write_object(self, n: int, head: bytes, stream: Any = b"") -> None:
        """Object n: its dictionary, then its stream through "endobj" as read (or "endobj" for none)."""
        self.offsets[n] = self.position
        self._write(b"%d 0 obj\n" % n + head)
        self._write(stream if stream else b"endobj\n" if head.endswith(b"\n") else b"\nendobj\n")

    def append(
        self,
        reader: PartReader,
        forms: Iterable[tuple[tuple[str, str], int]] = (),
    ) -> int:
        """Copy every object of `reader` but its catalog, info and page tree; returns the pages added.

        `forms` name the part's static layer forms ((ticket type, side), object number) for later parts.

        Objects get this file's next free numbers in the order they are first met (a per-part array maps old to
        new), so the file has no gaps: a stream's `/Length N 0 R` is written inline and the object N that held
        it is left out, and a plain dictionary (cairo's page resources: the same few on every page) that is
        byte for byte one already written from this part is not written again; its references point to that one.
        """
        first = not self.kids and self.catalog is None
        skip = {reader.root, reader.info, reader.pages}
        if self.finish is None:  # a finished part: its catalog's other objects (XMP, intents) come from part 0
            extras = [r for r in _ref_list(reader.catalog) if r != reader.pages]
            if first:
                self.catalog = reader.catalog
                if reader.info:
                    self.info = reader.read(reader.info)[0]
            else:
                skip |= reader.closure(extras, {reader.pages})
        size = reader.size
        new = array("q", [0]) * size  # old number -> this file's (0: none yet, -1: a length written inline)
        new[reader.pages] = 1  # the part's page tree is this file's, written by close()
        offsets = self.offsets

        def number(old: int) -> int:
            if 0 < old < size:
                found = new[old]
                if found > 0:
                    return found
                offsets.append(0)
                new[old] = len(offsets) - 1
                return new[old]
            offsets.append(0)  # a reference to nothing: a free entry (null), as it was
            return len(offsets) - 1

        def renumber(match: re.Match[bytes]) -> bytes:
            return match[0] if match[1] is None else b"%d 0 R" % number(int(match[1]))

        def moved(head: bytes) -> bytes:
            if b" R" not in head:
                return head
            return (_REF if b"(" in head else _PLAIN_REF).sub(renumber, head)

        pages_before = len(self.kids)
        kids = {n: i for i, n in enumerate(reader.kids)}
        layer_keys: dict[int, list[tuple[str, str]]] = {}
        for key, old in forms:
            layer_keys.setdefault(old, []).append(key)
        fonts: list[tuple[int, bytes, Any]] = []
        shared: dict[bytes, int] = {}  # plain dictionaries of this part (as read) -> their number here
        finish = self.finish
        backs = self._back_pages(reader, number)
        unshared = backs.back_resources if backs is not None else ()  # changed on the way: each its own
        for n in reader.in_use:
            if n in skip or new[n] < 0:
                continue
            head, stream = reader.read(n)
            if stream and b"/Length" in head:
                head = _inline_length(reader, head, new)
            if n in kids:  # pages: on one line (the other objects are few per part, or streams)
                head = _compact(moved(head))
                if finish is not None:
                    head = self._page(head, pages_before + kids[n])
                if backs is not None:
                    head = backs.page(n, head)
            elif finish is not None and b"CairoFont-" in head:
                fonts.append((n, head, stream))  # renamed once the Type0 font's ToUnicode is known
                continue
            else:
                raw = head
                if not stream and not new[n] and len(raw) <= _SHARED_MAX and b"/Type" not in raw and n not in unshared:
                    found = shared.get(raw)  # the same bytes refer to the same objects: the same result
                    if found is not None:
                        new[n] = found
                        continue
                    if len(shared) < _SHARED_ENTRIES:
                        shared[raw] = number(n)
                head = moved(finish_object(head, finish) if finish is not None else head)
                if backs is not None:
                    backs.content(n, head, stream)
                    head = backs.resources(n, head)
                for key in layer_keys.get(n, ()):
                    self._layer_forms[key] = (head, bytes(stream))
            self.write_object(number(n), head, stream)
        if fonts:
            assert finish is not None  # fonts are only set aside when finishing
            names = fallback_names(reader, [head for _, head, _ in fonts], finish)
            for n, head, stream in fonts:
                self.write_object(number(n), moved(renamed(head, names)), stream)
        self.kids.extend(number(k) for k in reader.kids)
        if self.catalog is not None and first:
            self.catalog = moved(self.catalog)
            self.info = moved(self.info) if self.info else None
        return len(self.kids) - pages_before

    def append_numbered(
        self,
        reader: PartReader,
        body: tuple[int, int],
        stand_ins: Iterable[tuple[tuple[str, str], int]] = (),
        forms: Iterable[tuple[tuple[str, str], int]] = (),
    ) -> int:
        """Copy a part written in this file's numbering (see pdf_write.part.DirectPart `base`: a forked worker's,
        the parent's own, a one-process job's): the bytes `body` of its objects as they are, their offsets moved;
        its stand-ins become copies of the layer forms an earlier part brought (their images and fonts are not
        copied again), and its `forms` (as in `append`) are what later parts' stand-ins copy. Returns the pages
        added.

        Raises DirectWriterError (the job goes to cairo) when the parts before used numbers this part's need."""
        start, end = body
        numbers = reader.in_use[bisect.bisect_left(reader.starts, start) : bisect.bisect_left(reader.starts, end)]
        first = min([*numbers, *(n for _, n in stand_ins)], default=len(self.offsets))  # a stand-in may be first
        if first < len(self.offsets) or self.finish is None or self.finish.backs is not None:
            raise DirectWriterError(f"a part numbered from {first} does not fit after {len(self.offsets)} objects")
        for key, n in forms:  # in this file's numbering already: a stand-in's copy refers to what the form does
            if not (0 < n < reader.size and start <= reader.offsets[n] < end):
                raise DirectWriterError(f"the static layer form {n} is not in the part's numbered objects")
            head, stream = reader.read(n)  # (read before the bytes are copied: the copy moves the file position)
            self._layer_forms[key] = (head, bytes(stream))
        if 3 * (first - len(self.offsets)) <= self.position:  # readers check /Size against the file's length
            self._gaps.append((len(self.offsets), first))  # (qpdf 12 refuses one above a third of it); else
            # the unused numbers get free rows
        top = max([*numbers, *(n for _, n in stand_ins)], default=first - 1)
        self.offsets.extend(array("q", [0]) * (top + 1 - len(self.offsets)))
        shift = self.position - start
        for n in numbers:
            self.offsets[n] = reader.offsets[n] + shift
        reader.fh.seek(start)
        for at in range(start, end, _BLOCK):
            self._write(reader.fh.read(min(_BLOCK, end - at)))
        for key, n in stand_ins:
            found = self._layer_forms.get(key)
            if found is None:
                raise DirectWriterError(f"a part refers to the static layer {key} that no earlier part holds")
            self.write_object(n, *found)
        self.kids.extend(reader.kids)
        return len(reader.kids)

    def _back_pages(self, reader: PartReader, number: Callable[[int], int]) -> Any:
        """The duplex back copy for this part (see duplex_backs), or None."""
        plan = self.finish.backs if self.finish is not None else None
        if plan is None or not reader.kids or len(reader.kids) % 2:
            return None
        from badge_renderer.duplex_backs import BackPages

        return BackPages(reader, plan, number, self.reserve, self.write_object)

    def _page(self, head: bytes, index: int) -> bytes:
        extra = self._boxes[index % 2]
        media = _MEDIABOX.search(head)
        if media is None:
            raise PartFormatError("a page without /MediaBox")
        return head[: media.end()] + extra + head[media.end() :]

    def close(self, *, now: datetime | None = None) -> None:
        """Page tree, info, catalog (with the PDF/X parts when finishing for PDF/X), xref and trailer."""
        now = now or datetime.now(UTC)
        kids = b" ".join(b"%d 0 R" % k for k in self.kids)
        self.write_object(1, b"<< /Type /Pages\n   /Kids [ " + kids + b" ]\n   /Count %d\n>>" % len(self.kids))
        finish = self.finish
        info_n = self.reserve()
        if finish is None:
            self.write_object(info_n, self.info or b"<< /Creator (BadgeForge) >>")
            catalog = self.catalog or b"<< /Type /Catalog /Pages 1 0 R >>"
            catalog = re.sub(rb"/Pages\s+\d+\s+\d+\s+R", b"/Pages 1 0 R", catalog, count=1)
        else:
            stamp = _pdf_string("D:" + now.strftime("%Y%m%d%H%M%S") + "Z")
            info = [b"/Title " + _pdf_string(finish.title), b"/Creator (BadgeForge)"]
            info += [b"/Producer " + _pdf_string(PRODUCER), b"/CreationDate " + stamp]
            catalog = b"<< /Type /Catalog\n   /Pages 1 0 R"
            if finish.pdfx:
                info += [b"/ModDate " + stamp, b"/Trapped /False", b"/GTS_PDFXVersion " + _pdf_string(PDFX_VERSION)]
                catalog += self._pdfx_objects(finish.title, now)
            catalog += b"\n>>"
            self.write_object(info_n, b"<< " + b"\n   ".join(info) + b"\n>>")
        root_n = self.reserve()
        self.write_object(root_n, catalog)
        xref_at = self.position
        size = len(self.offsets)
        starts, ends = [0, *(b for _, b in self._gaps)], [*(a for a, _ in self._gaps), size]
        sections = [(a, b) for a, b in zip(starts, ends, strict=True) if a < b]
        free = [n for a, b in sections for n in range(max(a, 1), b) if not self.offsets[n]]
        chain = dict(zip([0, *free], [*free, 0], strict=True))  # each free entry names the next (0 ends)
        self._write(b"xref\n")
        for first, end in sections:  # one subsection each side of a gap: its numbers get no rows
            self._write(b"%d %d\n" % (first, end - first))
            if first == 0:
                self._write(b"%010d 65535 f \n" % chain[0])
            for start in range(max(first, 1), end, 4096):  # written in blocks, never as one list of rows
                block = range(start, min(start + 4096, end))
                offsets = self.offsets
                self._write(
                    b"".join(
                        b"%010d 00000 n \n" % offsets[n] if offsets[n] else b"%010d 00001 f \n" % chain[n]
                        for n in block
                    )
                )
        file_id = uuid.uuid4().hex.encode()
        self._write(
            b"trailer\n<< /Size %d\n   /Root %d 0 R\n   /Info %d 0 R\n" % (len(self.offsets), root_n, info_n)
            + b"   /ID [ <%s> <%s> ]\n>>\nstartxref\n%d\n%%%%EOF\n" % (file_id, file_id, xref_at)
        )

    def _pdfx_objects(self, title: str, now: datetime) -> bytes:
        """OutputIntent with littleCMS's sRGB profile and the XMP packet; returns the catalog's entries for them."""
        from badge_renderer.pdf_finish import srgb_icc_profile

        profile = zlib.compress(srgb_icc_profile())
        icc = self.reserve()
        self.write_object(
            icc,
            b"<< /N 3\n   /Filter /FlateDecode\n   /Length %d\n>>\n" % len(profile),
            b"stream\n" + profile + b"\nendstream\nendobj\n",
        )
        condition = _pdf_string(SRGB_CONDITION)
        intent = self.reserve()
        self.write_object(
            intent,
            b"<< /Type /OutputIntent\n   /S /GTS_PDFX\n   /OutputConditionIdentifier " + condition
            + b"\n   /OutputCondition " + condition + b"\n   /RegistryName (http://www.color.org)\n   /Info "
            + condition + b"\n   /DestOutputProfile %d 0 R\n>>" % icc,
        )  # fmt: skip
        xmp = _xmp(title, now).encode("utf-8")
        meta = self.reserve()
        self.write_object(
            meta,
            b"<< /Type /Metadata\n   /Subtype /XML\n   /Length %d\n>>\n" % len(xmp),
            b"stream\n" + xmp + b"\nendstream\nendobj\n",
        )
        return b"\n   /OutputIntents [ %d 0 R ]\n   /Metadata %d 0 R" % (intent, meta)


def box_entries(finish: Finish) -> tuple[bytes, bytes]:
    """The page box entries the finish writes after /MediaBox: of front pages, and of back (odd) pages."""

    def entries(boxes: PageBoxes) -> bytes:
        trim, bleed = _array(boxes.trim), _array(boxes.bleed)
        text = b" /TrimBox " + trim + b" /BleedBox " + bleed
        return text if finish.pdfx else text + b" /ArtBox " + trim

    front = entries(finish.front)
    return front, entries(finish.back) if finish.back is not None else front


def _compact(head: bytes) -> bytes:
    """A page dictionary as cairo indents it, on one line: `<< /Type /Page % 1\n   /Parent 1 0 R\n ...`, ~60 bytes
    less a page. Only where nothing depends on the whitespace: with a string inside, it keeps its bytes;
    without one, `%` can only start a comment (cairo's page number), which goes."""
    if b"(" in head:
        return head
    if b"%" in head:
        head = _COMMENT.sub(b"", head)
    return b" ".join(head.split()) + b"\n"  # split() on whitespace runs, in C: a third of a regex's cost


def _inline_length(reader: PartReader, head: bytes, new: array) -> bytes:
    """`/Length N 0 R` -> `/Length 506` when object N is a plain integer no one else has used yet (cairo writes
    each right after its stream: it is in the block being read); N is marked -1 in `new`, so it is not copied."""
    match = _LENGTH_REF.search(head)
    if match is None:
        return head
    n = int(match[1])
    if not 0 < n < len(new) or new[n]:
        return head
    try:
        value = reader.read(n)[0].strip()
    except PartFormatError:
        return head
    if not value.isdigit():
        return head
    new[n] = -1
    return head[: match.start()] + b"/Length " + value + head[match.end() :]


def _unique_xobjects(match: re.Match[bytes]) -> bytes:
    """cairo 1.16 repeats "/x6 6 0 R" once per use on a page (qpdf warns; qpdf 12 may read it as empty): once."""
    seen: dict[bytes, bytes] = {}
    for entry in _XOBJECT_ENTRY.finditer(match[1]):
        seen.setdefault(entry[1], entry[2])
    return b"/XObject << " + b" ".join(b"/" + k + b" " + v for k, v in seen.items()) + b" >>"


def finish_object(head: bytes, finish: Finish) -> bytes:
    """An object's dictionary as the finish writes it: cairo's repeated /XObject keys once, and the exact artwork
    box of a form cairo rounded out to whole points (a static layer's nested forms)."""
    if b"/XObject" in head:
        head = _XOBJECT_DICT.sub(_unique_xobjects, head)
    if b"/Form" in head and b"/Matrix" not in head and finish.exact_boxes:
        exact = finish.exact_boxes

        def box(match: re.Match[bytes]) -> bytes:
            try:
                key = tuple(int(float(v)) for v in match.groups())
            except ValueError:
                return match[0]
            values = exact.get(key)  # type: ignore[arg-type]
            return b"/BBox " + _array(values) if values is not None else match[0]

        head = _BBOX.sub(box, head)
    return head


def fallback_names(reader: PartReader, heads: list[bytes], finish: Finish) -> dict[bytes, tuple[bytes, bytes]]:
    """cairo's "CairoFont-N-M" name -> (the face's PostScript name with the subset tag, its family)."""
    names: dict[bytes, tuple[bytes, bytes]] = {}
    finder = finish.font_name
    if finder is None:
        return names
    for head in heads:
        if b"/Type0" not in head:
            continue
        name, to_unicode = _FALLBACK_NAME.search(head), _TO_UNICODE.search(head)
        if name is None or to_unicode is None:
            continue
        face = finder(_cmap_points(reader, int(to_unicode[1])))
        if face is None:
            continue
        tag = name[1].split(b"+")[0] + b"+" if b"+" in name[1] else b""
        names[name[1]] = (tag + face[0].encode("ascii", "replace"), face[1].encode("latin-1", "replace"))
    return names


def renamed(head: bytes, names: dict[bytes, tuple[bytes, bytes]]) -> bytes:
    match = _FALLBACK_NAME.search(head)
    if match is None or match[1] not in names:
        return head
    new, family = names[match[1]]
    head = head.replace(b"/" + match[1], b"/" + new)
    if b"/FontDescriptor" in head and b"/Type /FontDescriptor" in head:
        entry = b"/FontFamily " + _pdf_string(family.decode("latin-1"))
        head = _FONT_FAMILY.sub(b"", head)
        media = re.search(rb"/FontName\s*/[^\s/<>\[\]()]+", head)
        if media is not None:
            head = head[: media.end()] + b"\n   " + entry + head[media.end() :]
    return head


def _cmap_points(reader: PartReader, n: int) -> set[int]:
    from badge_renderer.pdf_finish import cmap_points

    head, view = reader.read(n)
    stream = bytes(view)
    data = stream[_STREAM.match(stream).end() :] if _STREAM.match(stream) else b""  # type: ignore[union-attr]
    data = data[: data.rfind(b"endstream")]
    if b"/FlateDecode" in head:
        try:
            data = zlib.decompressobj().decompress(data)
        except zlib.error:
            return set()
    return cmap_points(data.decode("latin-1"))


def _array(values: Sequence[float]) -> bytes:
    return b"[ " + b" ".join(_number(v) for v in values) + b" ]"


def _number(value: float) -> bytes:
    return pdf_number(value, 4)


def _pdf_string(text: str) -> bytes:
    """A PDF text string: literal for printable ASCII (escaped), else UTF-16BE hex with its byte-order mark."""
    if all(32 <= ord(c) < 127 for c in text):
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils would import urllib, http and email: ~0.1 s of a fresh process)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xmp(title: str, now: datetime) -> str:
    iso = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        ' xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"\n'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        ' xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>\n'
        "<dc:format>application/pdf</dc:format>\n"
        f"<pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>\n"
        "<pdf:Trapped>False</pdf:Trapped>\n"
        f"<pdf:Producer>{escape(PRODUCER)}</pdf:Producer>\n"
        "<xmp:CreatorTool>BadgeForge</xmp:CreatorTool>\n"
        f"<xmp:CreateDate>{iso}</xmp:CreateDate>\n"
        f"<xmp:ModifyDate>{iso}</xmp:ModifyDate>\n"
        f"<xmp:MetadataDate>{iso}</xmp:MetadataDate>\n"
        f"<xmpMM:DocumentID>uuid:{uuid.uuid4()}</xmpMM:DocumentID>\n"
        f"<xmpMM:InstanceID>uuid:{uuid.uuid4()}</xmpMM:InstanceID>\n"
        "<xmpMM:VersionID>1</xmpMM:VersionID>\n"
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        + " " * 2000  # padding an editor may grow the packet into, as XMP writers leave
        + '\n<?xpacket end="w"?>'
    )


def finish_for(layout: Any, *, title: str, pdfx: bool) -> Finish:
    """The Finish of a sheet plan: its page boxes, the exact artwork boxes and the fallback-font namer."""
    import math

    from badge_renderer.pdf_finish import boxes_for, synthetic_bold_face

    front, back = boxes_for(layout)
    w, h, b = layout.badge.width, layout.badge.height, layout.bleed
    exact = {
        (math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)): tuple(round(v, 4) for v in (x0, y0, x1, y1))
        for x0, y0, x1, y1 in [(0.0, 0.0, w, h), (-b, -b, w + b, h + b)]
    }
    return Finish(front, back, title, pdfx, exact, synthetic_bold_face)


def assemble(parts: Sequence[Any], out: BinaryIO, finish: Finish | None = None) -> int:
    """Parts (paths or seekable binary streams, in page order) -> one PDF written to `out`; returns its pages.

    Every part is opened (xref and trailer read) before a byte is written, so a PartFormatError leaves `out` empty.
    """
    import contextlib

    with contextlib.ExitStack() as stack:
        handles = [part if hasattr(part, "read") else stack.enter_context(open(part, "rb")) for part in parts]
        readers = [PartReader(fh) for fh in handles]
        writer = PdfAssembler(out, finish, max(r.version for r in readers))
        for reader in readers:
            writer.append(reader)
        writer.close()
        return len(writer.kids)


class FinishedFile:
    """The job's print file, assembled while its parts arrive: `add(part)` copies one cairo part (in page
    order) as soon as it is drawn, `close()` writes the rest and moves the file into place.

    If a part is not a file this module reads (PartFormatError: a cairo upgrade, say), the parts are kept and
    `close()` builds the file the old way instead: pikepdf finishes each, qpdf merges them.
    """

    def __init__(self, out: Path, options: Any, *, copy_backs: bool = True) -> None:
        from badge_renderer.render_support import plan_for

        event = " ".join(options.event_name.split())
        self.title = f"{event} badges" if event else "Badges"
        self.options = options
        self.out = out
        self.tmp = out.with_suffix(out.suffix + ".tmp")
        self.parts: list[Path] = []
        self.fallback = False
        self._fh: BinaryIO | None = open(self.tmp, "wb")  # noqa: SIM115  (closed in close/abort)
        layout = plan_for(options)
        finish = finish_for(layout, title=self.title, pdfx=options.pdfx)
        if copy_backs:
            from badge_renderer.designs import design_for
            from badge_renderer.duplex_backs import back_copy

            finish.backs = back_copy(layout, design_for(options))
        self.writer = PdfAssembler(self._fh, finish)

    def add(
        self,
        part: Path,
        forms: Sequence[tuple[tuple[str, str], int]] = (),
        stand_ins: Sequence[tuple[tuple[str, str], int]] = (),
        numbered: tuple[int, int] = (0, 0),
    ) -> None:
        """Copy one part in (`forms`: see PdfAssembler.append; `numbered`, `stand_ins`: a part in this file's
        numbering, see PdfAssembler.append_numbered). Raises duplex_backs.BackCopyError where
        its backs cannot be copied, DirectWriterError where its stand-ins cannot be pointed at a form (the old way
        has neither): the caller draws the job again with its backs drawn, or with cairo."""
        self.parts.append(part)
        if self.fallback:
            self._refuse_numbered(numbered)
            return
        try:
            with open(part, "rb") as fh:
                if numbered[1]:
                    self.writer.append_numbered(PartReader(fh), numbered, stand_ins, forms)
                else:
                    self.writer.append(PartReader(fh), forms)
        except PartFormatError:
            self._refuse_numbered(numbered)
            if self.writer.finish is not None and self.writer.finish.backs is not None:
                from badge_renderer.duplex_backs import BackCopyError

                raise BackCopyError("a part this module does not read") from None
            self.fallback = True

    @staticmethod
    def _refuse_numbered(numbered: tuple[int, int]) -> None:
        if numbered[1]:  # qpdf would keep its empty stand-ins (badges without background) and add boxes twice
            raise DirectWriterError("a part in the finished file's numbering cannot be merged by qpdf")

    def close(self) -> None:
        import os

        assert self._fh is not None
        if not self.fallback:
            self.writer.close()
        self._fh.close()
        self._fh = None
        if self.fallback:
            self._old_way()
        os.replace(self.tmp, self.out)

    def abort(self) -> None:
        import contextlib

        if self._fh is not None:
            self._fh.close()
            self._fh = None
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()

    def _old_way(self) -> None:
        import shutil

        from badge_renderer.parallel import merge_with_qpdf
        from badge_renderer.pdf_finish import finish_for_options

        for part in self.parts:
            finish_for_options(part, self.options)
        if len(self.parts) == 1:
            shutil.copyfile(self.parts[0], self.tmp)
        else:
            merge_with_qpdf(self.parts, self.tmp)

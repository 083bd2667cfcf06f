"""A part file written by BadgeForge's own PDF writer: pages of badges as operators, each font embedded once with
the glyphs the part used, each static layer once as a form, QR codes as inline image masks.

Why: cairo's PDF surface records every page, analyses it and replays it (~0.17 ms a badge even with no text at all,
more than everything else a badge costs); here a badge is a few cached byte strings appended to a list. The part
has the layout pdf_stream copies (one classic xref, a flat page tree), so finishing and merging are unchanged.

A forked worker of a parallel job does not draw the static layers (parallel forks before they are recorded): each
(ticket type, side) it meets is a LayerStandIn, written as an empty form whose number the part reports
(`stand_ins`); pdf_stream points the worker's pages at the form the parent's part holds, so the finished file has
each layer once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from badge_renderer.pdf_write.deflate import FULL_FLUSH, adler32, page_packer, stored_blocks
from badge_renderer.pdf_write.objects import DirectWriterError, PdfObjects
from badge_renderer.pdf_write.page import DirectPage
from badge_renderer.pdf_write.text_ops import FontKeys, StampOps, pdf_number, stamp_ops

__all__ = ["DirectPart", "DirectWriterError", "LayerStandIn", "embedded", "font_keys", "warm"]

_generations = itertools.count()
_KEYS: FontKeys | None = None  # per process: stamps' operators name fonts by these keys in every part
_EMBEDDED: dict[Path, Any] = {}  # font file -> fonts.EmbeddedFont (parsed once per process)
_ZLIB_HEAD = b"\x78\x01"  # deflate, 32 KB window (FLEVEL is only informative, RFC 1950); 0x7801 % 31 == 0


def embedded(font: Any) -> Any:
    """The font file's EmbeddedFont (widths, subset writer), parsed once per process."""
    found = _EMBEDDED.get(font.path)
    if found is None:
        from badge_renderer.pdf_write.fonts import EmbeddedFont

        try:
            found = EmbeddedFont(font.path)
            found.widths  # noqa: B018 - parsed now: a font it cannot read fails the writer, not one badge
        except ValueError as err:
            raise DirectWriterError(f"cannot embed {font.path.name}: {err}") from err
        _EMBEDDED[font.path] = found
    return found


def _widths(font: Any) -> Any:
    return embedded(font).widths


def font_keys() -> FontKeys:
    global _KEYS
    if _KEYS is None:
        _KEYS = FontKeys(_widths)
    return _KEYS


def warm(composer: Any) -> None:
    """Before forking workers: import the writer and parse the fonts the job's text starts with (their widths), so
    each worker does not parse its own copy on its first badge."""
    from badge_renderer.pdf_write import forms, qr_masks  # noqa: F401 - imported once, in the parent
    from badge_renderer.text.fonts import FontLibrary

    library = FontLibrary.default()
    families = {e.family or composer.options.font_family for e in composer.design.elements if e.kind != "logo"}
    for family in families:
        for weight in ("regular", "bold"):
            try:
                font = library.chain(family, weight)[0]
            except Exception:  # a family this design does not have: the badges will say so
                continue
            font_keys().key(font)


@dataclass(frozen=True)
class LayerStandIn:
    """What a forked worker's composer gives for a static layer (BadgeComposer.layer_stand_in): its name only. The
    worker skips cairosvg and the form copy; the parent's part holds the form of every layer the job needs."""

    ticket_type: str
    side: str


_STAND_IN = b"<< /Type /XObject /Subtype /Form /BBox [ 0 0 0 0 ] >>"  # empty: the part alone stays a valid file


class DirectPart:
    """One part file being written: `page()` starts a page, `finish_page` writes it, `close` the rest."""

    def __init__(
        self,
        out: BinaryIO,
        width: float,
        height: float,
        *,
        compress: int = 1,
        base: int = 0,
        boxes: tuple[bytes, bytes] | None = None,
        finish: Any = None,
    ) -> None:
        """`base` (a part in the finished file's numbering): every object but the page tree (1), the catalog and
        info is numbered from there and written in `body`, so pdf_stream copies those bytes as they are; `boxes`
        are the finish's page box entries of front and back pages, written into each page dictionary, and
        `finish` (a pdf_stream.Finish) is applied to the static layers' forms as they are copied in (the copy
        adds nothing)."""
        self.objects = PdfObjects(out)
        self.width, self.height = width, height
        self.generation = next(_generations)
        self.compress = compress
        # raw deflate, cut per page (_deflate); a small hash (8 KB), since a full flush clears it for every page
        self._packer = page_packer(compress)
        self._pages_number = self.objects.reserve()
        if base:
            self.objects.skip_to(base)
        self._boxes = boxes or (b"", b"")
        self._finish = finish
        self.body = (self.objects.position, 0)  # bytes [a, b) of every object but the tree, catalog, info, stand-ins
        self._kids: list[int] = []
        self._fonts: dict[int, int] = {}  # font key -> reserved object number
        self._glyphs: dict[int, dict[int, str]] = {}  # font key -> glyph id -> text
        self._forms: dict[int, tuple[Any, bytes, int, bytes]] = {}  # id(layer) -> (layer, name, number, placement)
        self.stand_ins: dict[tuple[str, str], int] = {}  # (ticket type, side) -> its stand-in's object number
        self._stand_in_names: dict[tuple[str, str], bytes] = {}
        self._resources: dict[bytes, int] = {}  # a page's resource dictionary -> its object (most pages share one)
        self._media = b"[0 0 %s %s]" % (pdf_number(width), pdf_number(height))

    def page(self) -> DirectPage:
        return DirectPage(self, self.width, self.height)

    # ---- what pages ask for --------------------------------------------------------------------------------------
    def stamp(self, stamp: Any) -> StampOps:
        """The stamp's operators, its glyphs added to this part's fonts (once per stamp and part)."""
        ops = stamp.pdf
        if ops is None:
            ops = stamp.pdf = stamp_ops(stamp, font_keys())
        for key, glyphs, plain in ops.glyphs:
            found = self._glyphs.get(key)
            if found is None:
                found = self._glyphs[key] = {}
                self._fonts[key] = self.objects.reserve()
            if not glyphs.keys() <= found.keys():  # a comparison of views: no set is made when nothing is new
                for gid in glyphs.keys() - found.keys():
                    found[gid] = glyphs[gid]
            if not plain:  # a glyph first met without its text (a cluster's second glyph) gets it if it has one
                for gid, text in glyphs.items():
                    if text and not found[gid]:
                        found[gid] = text
        ops.generation = self.generation
        return ops

    def form(self, layer: Any) -> tuple[bytes, int, bytes]:
        """(resource name, object number, placement operators) of a static layer's form, copied in once."""
        if isinstance(layer, LayerStandIn):
            return self._stand_in(layer)
        found = self._forms.get(id(layer))
        if found is None or found[0] is not layer:
            from badge_renderer.pdf_write.forms import copy_cairo_form

            def paint(ctx: Any) -> None:
                ctx.set_source_surface(layer, 0, 0)
                ctx.paint()

            x, y, w, h = layer.get_extents()
            try:
                form = copy_cairo_form(self.objects, paint, (x, y, w, h), self._finish)
            except ValueError as err:  # pdf_stream.PartFormatError: a cairo file the copy does not understand
                raise DirectWriterError(f"cannot copy the static layer: {err}") from err
            found = self._forms[id(layer)] = (layer, self._next_name(), form.number, form.placement)
        return found[1], found[2], found[3]

    def _stand_in(self, layer: LayerStandIn) -> tuple[bytes, int, bytes]:
        """An empty form in place of the layer (the copy into the finished file refers to the parent's instead);
        cairo's forms carry their placement in /Matrix, so the parent's form needs none either."""
        key = (layer.ticket_type, layer.side)
        number = self.stand_ins.get(key)
        if number is None:  # written by close(), after `body`
            number = self.stand_ins[key] = self.objects.reserve()
            self._stand_in_names[key] = self._next_name()
        return self._stand_in_names[key], number, b""

    def _next_name(self) -> bytes:
        return b"S%d" % (len(self._forms) + len(self._stand_in_names))

    # ---- writing -------------------------------------------------------------------------------------------------
    def finish_page(self, page: DirectPage) -> None:
        content = self._deflate(page.content(), b"".join(page.codes))
        objects = self.objects
        contents = objects.add_stream(b"<< /Filter /FlateDecode >>", content)
        resources = self._resources_of(page)
        self._kids.append(
            objects.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox %s%s /Contents %d 0 R /Resources %d 0 R >>"
                % (self._pages_number, self._media, self._boxes[len(self._kids) % 2], contents, resources)
            )
        )

    def _deflate(self, data: bytes, stored: bytes = b"") -> bytes:
        """`data`, then `stored`, as a zlib stream of its own: `data` cut from the part's one raw deflate stream at a
        full flush (which starts afresh: nothing refers back across it), `stored` in stored blocks after it (bytes
        that do not compress: the page's QR codes), then an empty final block, with a zlib header and the adler32
        of both. A new compressor per page cost ~180 us of set-up (zlib.compress: ~950 us) to compress ~2.5 KB in
        ~25 us."""
        segment = self._packer.compress(data) + self._packer.flush(FULL_FLUSH)
        if not stored:
            return b"%s%s\x03\x00%s" % (_ZLIB_HEAD, segment, adler32(data).to_bytes(4, "big"))
        blocks = [_ZLIB_HEAD, segment, *stored_blocks(stored, final=False)]  # the flush left a byte boundary
        blocks += (b"\x03\x00", adler32(stored, adler32(data)).to_bytes(4, "big"))
        return b"".join(blocks)

    def _resources_of(self, page: DirectPage) -> int:
        fonts = b" ".join(b"/F%d %d 0 R" % item for item in sorted(self._fonts.items()))
        xobjects = b" ".join(b"/%s %d 0 R" % item for item in sorted(page.xobjects.items()))
        body = b"<< /Font << %s >> /XObject << %s >> >>" % (fonts, xobjects)
        found = self._resources.get(body)
        if found is None:
            found = self.objects.add(body)
            if len(self._resources) < 64:  # a job's pages share one or a few (codes are inline, no resource)
                self._resources[body] = found
        return found

    def close(self) -> int:
        """Fonts (with every glyph the part used), the page tree, the catalog; returns the pages written."""
        objects = self.objects
        for key, number in self._fonts.items():
            font = font_keys().fonts[key]
            try:
                embedded(font).write(objects, number, self._glyphs[key], synthetic_bold=font.synthetic_bold)
            except ValueError as err:  # fonts.FontFileError: a font file it cannot subset
                raise DirectWriterError(f"cannot embed {font.path.name}: {err}") from err
        self.body = (self.body[0], objects.position)
        kids = b" ".join(b"%d 0 R" % n for n in self._kids)
        objects.put(self._pages_number, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self._kids)))
        for number in self.stand_ins.values():
            objects.put_stream(number, _STAND_IN, b"")
        catalog = objects.add(b"<< /Type /Catalog /Pages %d 0 R >>" % self._pages_number)
        info = objects.add(b"<< /Creator (BadgeForge) >>")
        objects.close(catalog, info)
        return len(self._kids)

"""The PDF font objects for a bundled TrueType font: a glyph-keeping subset, its widths and its ToUnicode CMap.

Why our own subsetter: the page writer codes every glyph by its glyph id (Identity-H, CIDToGIDMap /Identity), so the
subset needs no new cmap, no renumbering and no layout tables, only the used outlines. Copying those outlines into
an otherwise empty glyf (loca and hmtx rebuilt, the hinting tables copied) takes milliseconds, where a general
subsetter (fontTools) costs 0.3-0.5 CPU-s per font, too much per job part. Pure Python + struct/zlib; the figures
are in bench/font_embed.py.
"""

from __future__ import annotations

import hashlib
import struct
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from badge_renderer.pdf_write.objects import PdfObjects, pdf_number

# ISO 32000-1 9.9: the tables a TrueType program embedded in a PDF carries (cmap is not needed with Identity).
_KEPT = (b"head", b"hhea", b"maxp", b"hmtx", b"cvt ", b"fpgm", b"prep")
_BIG_ENDIAN = sys.byteorder == "big"
# A composite glyph's component record (glyf "flags"): which argument sizes follow the glyph index.
_ARGS_ARE_WORDS, _HAS_SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO = 0x0001, 0x0008, 0x0020, 0x0040, 0x0080
_NAME_DELIMITERS = frozenset(b"()<>[]{}/%#")
_SYMBOLIC, _FIXED_PITCH, _ITALIC = 1 << 2, 1 << 0, 1 << 6
_CMAP_CHUNK = 100  # at most 100 entries per beginbfchar block (the CMap format's limit)


def _be_array(kind: str, data: bytes) -> array[int]:
    """Big-endian font data as native integers (one C call, no Python loop per glyph)."""
    values = array(kind, data)
    if not _BIG_ENDIAN:
        values.byteswap()
    return values


def _be_bytes(values: array[int]) -> bytes:
    if not _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _checksum(data: bytes) -> int:
    """The sfnt checksum: the sum of the table as big-endian uint32, zero-padded to 4 bytes."""
    padded = data + b"\0" * (-len(data) % 4)
    return sum(_be_array("I", padded)) & 0xFFFFFFFF


def _pdf_text(text: str) -> bytes:
    """A PDF text string: (literal) for ASCII, UTF-16BE with a byte-order mark as <hex> otherwise."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _pdf_name(name: str, fallback: str) -> str:
    """`name` reduced to the characters a PDF name may hold unescaped (the PostScript name should be so already)."""
    kept = "".join(c for c in name if 0x21 <= ord(c) <= 0x7E and ord(c) not in _NAME_DELIMITERS)
    return kept or "".join(c for c in fallback if c.isascii() and c.isalnum()) or "Font"


def subset_tag(glyphs: Iterable[int]) -> str:
    """Six capital letters derived from the glyph set (ISO 32000-1 9.6.4): the same set always gets the same tag."""
    digest = int.from_bytes(hashlib.blake2b(_be_bytes(array("I", sorted(glyphs))), digest_size=8).digest(), "big")
    letters = []
    for _ in range(6):
        digest, letter = divmod(digest, 26)
        letters.append(chr(ord("A") + letter))
    return "".join(letters)


class FontFileError(ValueError):
    """A font the page writer cannot embed (not TrueType glyf, a malformed table): it then draws with cairo."""


class _Parsed(NamedTuple):
    """What write() needs from the original font, read once."""

    data: bytes
    tables: dict[bytes, tuple[int, int]]  # tag -> (offset, length) in data
    upem: int
    num_glyphs: int
    loca: array[int]  # byte offsets into glyf, num_glyphs + 1 of them
    glyf: int  # the glyf table's offset in data
    advances: array[int]  # hmtx advance of every glyph id (the last metric repeated, as the format says)
    side_bearings: array[int]  # hmtx left side bearing of every glyph id (the int16's bits, as uint16)
    metrics: int  # hhea.numberOfHMetrics
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    weight: int
    italic_angle: float
    fixed_pitch: bool
    family: str
    postscript_name: str


class EmbeddedFont:
    """One bundled TrueType (glyf) font as PDF font objects: make one per font file per process, `write` per part.

    Making one reads nothing; the first use parses the file once and keeps the tables, so each `write` only copies
    the used glyphs. Widths are in PDF glyph space (1000 per em), rounded to 3 decimals: the numbers written in /W,
    from which the page writer also computes its TJ adjustments, so a viewer lands each glyph where HarfBuzz put it.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _fail(self, why: str) -> FontFileError:
        return FontFileError(f"{self.path.name}: {why}; it cannot be embedded by the page writer")

    @cached_property
    def _parsed(self) -> _Parsed:
        try:
            data = self.path.read_bytes()
        except OSError as error:
            raise self._fail(f"unreadable ({error.strerror})") from error
        try:
            return self._parse(data)
        except FontFileError:
            raise
        except (struct.error, IndexError, KeyError, ValueError) as error:
            raise self._fail(f"a malformed font table ({error})") from error

    def _parse(self, data: bytes) -> _Parsed:
        version, count = struct.unpack_from(">IH", data, 0)
        if version == 0x4F54544F:  # 'OTTO'
            raise self._fail("a CFF (PostScript-outline) font, not TrueType glyf")
        if version not in (0x00010000, 0x74727565):  # 1.0 or 'true'
            raise self._fail("not a TrueType font file")
        tables: dict[bytes, tuple[int, int]] = {}
        for i in range(count):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if offset + length > len(data):
                raise self._fail(f"table {tag.decode('latin-1')!r} runs past the end of the file")
            tables[tag] = (offset, length)
        if b"CFF " in tables or b"CFF2" in tables:
            raise self._fail("a CFF (PostScript-outline) font, not TrueType glyf")
        missing = [tag.decode() for tag in (b"head", b"hhea", b"maxp", b"hmtx", b"loca", b"glyf") if tag not in tables]
        if missing:
            raise self._fail(f"no {', '.join(missing)} table (only TrueType glyf fonts are embedded)")

        def table(tag: bytes) -> bytes:
            offset, length = tables[tag]
            return data[offset : offset + length]

        head = table(b"head")
        upem = struct.unpack_from(">H", head, 18)[0]
        bbox = struct.unpack_from(">4h", head, 36)
        loca_long = struct.unpack_from(">h", head, 50)[0]
        num_glyphs = struct.unpack_from(">H", table(b"maxp"), 4)[0]
        ascent, descent = struct.unpack_from(">hh", table(b"hhea"), 4)
        metrics = struct.unpack_from(">H", table(b"hhea"), 34)[0]
        if not 16 <= upem <= 16384 or not 0 < metrics <= num_glyphs or loca_long not in (0, 1):
            raise self._fail("a head, hhea or maxp table out of range")
        raw_loca = table(b"loca")[: (num_glyphs + 1) * (4 if loca_long else 2)]
        if len(raw_loca) < (num_glyphs + 1) * (4 if loca_long else 2):
            raise self._fail("a loca table shorter than its glyph count")
        loca = _be_array("I", raw_loca) if loca_long else array("I", (o * 2 for o in _be_array("H", raw_loca)))
        if max(loca) > tables[b"glyf"][1]:  # each kept glyph's start <= end is checked as it is copied
            raise self._fail("a loca table that points outside glyf")
        hmtx = table(b"hmtx")
        if len(hmtx) < 4 * metrics + 2 * (num_glyphs - metrics):
            raise self._fail("an hmtx table shorter than its glyph count")
        long_metrics = _be_array("H", hmtx[: 4 * metrics])
        side_bearings = long_metrics[1::2]
        side_bearings.extend(_be_array("H", hmtx[4 * metrics : 4 * metrics + 2 * (num_glyphs - metrics)]))
        advances = long_metrics[::2]
        advances.extend(array("H", [advances[-1]]) * (num_glyphs - metrics))
        cap_height, weight = ascent, 400
        if b"OS/2" in tables:
            os2 = table(b"OS/2")
            weight = struct.unpack_from(">H", os2, 4)[0]
            if struct.unpack_from(">H", os2, 0)[0] >= 2 and len(os2) >= 90:
                cap_height = struct.unpack_from(">h", os2, 88)[0] or ascent
        italic_angle, fixed_pitch = 0.0, False
        if b"post" in tables:
            post = table(b"post")
            italic_angle = struct.unpack_from(">i", post, 4)[0] / 65536
            fixed_pitch = struct.unpack_from(">I", post, 12)[0] != 0
        names = self._names(table(b"name")) if b"name" in tables else {}
        family = names.get(16) or names.get(1) or self.path.stem
        postscript = _pdf_name(names.get(6, ""), self.path.stem)
        return _Parsed(
            data=data,
            tables=tables,
            upem=upem,
            num_glyphs=num_glyphs,
            loca=loca,
            glyf=tables[b"glyf"][0],
            advances=advances,
            side_bearings=side_bearings,
            metrics=metrics,
            bbox=bbox,
            ascent=ascent,
            descent=descent,
            cap_height=cap_height,
            weight=weight,
            italic_angle=italic_angle,
            fixed_pitch=fixed_pitch,
            family=family,
            postscript_name=postscript,
        )

    @staticmethod
    def _names(name: bytes) -> dict[int, str]:
        """Name ids 1, 6 and 16, Windows (Unicode, English first) before Macintosh Roman records."""
        count, strings = struct.unpack_from(">2xHH", name, 0)
        found: dict[int, tuple[int, str]] = {}
        for i in range(count):
            platform, encoding, language, name_id, length, offset = struct.unpack_from(">6H", name, 6 + 12 * i)
            if name_id not in (1, 6, 16):
                continue
            raw = name[strings + offset : strings + offset + length]
            if platform == 3 and encoding in (0, 1, 10):
                rank, text = (0 if language == 0x409 else 1), raw.decode("utf-16-be", "replace")
            elif platform == 1 and encoding == 0:
                rank, text = 2, raw.decode("mac_roman", "replace")
            else:
                continue
            if name_id not in found or rank < found[name_id][0]:
                found[name_id] = (rank, text)
        return {name_id: text for name_id, (_, text) in found.items()}

    @cached_property
    def widths(self) -> Sequence[float]:
        """The advance of every glyph id in 1000 per em, rounded to 3 decimals: exactly the numbers in /W."""
        scale = 1000 / self._parsed.upem
        advances = self._parsed.advances
        rounded = {advance: round(advance * scale, 3) for advance in set(advances)}  # few distinct advances
        return tuple(map(rounded.__getitem__, advances))

    @property
    def family(self) -> str:
        """The typographic family name (name id 16, else 1), e.g. 'Noto Sans'."""
        return self._parsed.family

    @property
    def postscript_name(self) -> str:
        """The PostScript name (name id 6) in PDF name characters, e.g. 'NotoSans-Bold'."""
        return self._parsed.postscript_name

    @property
    def glyph_count(self) -> int:
        """maxp.numGlyphs of the original font: glyph ids run from 0 to glyph_count - 1."""
        return self._parsed.num_glyphs

    def kept_glyphs(self, used: Iterable[int]) -> list[int]:
        """The used glyph ids, .notdef and every component of a composite glyph (recursively), sorted."""
        parsed = self._parsed
        data, loca, glyf = parsed.data, parsed.loca, parsed.glyf
        kept: set[int] = set()
        todo = [0]
        for gid in used:
            if not 0 <= gid < parsed.num_glyphs:
                raise self._fail(f"glyph id {gid} is not in the font ({parsed.num_glyphs} glyphs)")
            todo.append(gid)
        while todo:
            gid = todo.pop()
            if gid in kept:
                continue
            kept.add(gid)
            start, end = glyf + loca[gid], glyf + loca[gid + 1]
            if start > end:
                raise self._fail(f"glyph {gid} ends before it starts in loca")
            if end - start < 10 or struct.unpack_from(">h", data, start)[0] >= 0:
                continue  # empty or a simple glyph
            at = start + 10
            while True:
                flags, component = struct.unpack_from(">HH", data, at)
                if component >= parsed.num_glyphs:
                    raise self._fail(f"glyph {gid} uses component {component}, which is not in the font")
                if component not in kept:
                    todo.append(component)
                at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
                at += 8 if flags & _TWO_BY_TWO else 4 if flags & _XY_SCALE else 2 if flags & _HAS_SCALE else 0
                if not flags & _MORE:
                    break
                if at >= end:
                    raise self._fail(f"glyph {gid} is a composite that runs past its end")
        return sorted(kept)

    def subset(self, glyphs: Iterable[int]) -> bytes:
        """A TrueType program with the same glyph ids in which only `glyphs` (and what they need) have outlines."""
        return self._program(self.kept_glyphs(glyphs))

    def _program(self, kept: list[int]) -> bytes:
        """The subset of `kept` (sorted, closed over components, .notdef first).

        Glyph ids above the highest kept one are cut off (maxp.numGlyphs, hhea.numberOfHMetrics follow); below it
        the unused glyphs are empty with advance and side bearing 0 (nothing draws them, and a PDF viewer advances by
        /W), so hmtx and loca (one entry per glyph id however few are used: up to 50,000 for the CJK font) are runs
        of equal numbers that deflate fast to almost nothing. loca is short (offset / 2) when the outlines fit 128 KB.
        """
        parsed = self._parsed
        data, old_loca, glyf_at = parsed.data, parsed.loca, parsed.glyf
        count = kept[-1] + 1
        metrics = min(parsed.metrics, count)
        pieces = []
        for gid in kept:
            piece = data[glyf_at + old_loca[gid] : glyf_at + old_loca[gid + 1]]
            pieces.append(piece + b"\0" * (-len(piece) % 4) if len(piece) % 4 else piece)
        short = sum(map(len, pieces)) <= 0x1FFFE
        entry, unit = (struct.Struct(">H"), 2) if short else (struct.Struct(">I"), 1)
        loca = []
        size, next_gid = 0, 0
        for gid, piece in zip(kept, pieces, strict=True):
            loca.append(entry.pack(size // unit) * (gid + 1 - next_gid))  # it and the empty glyphs before it start here
            size += len(piece)
            next_gid = gid + 1
        loca.append(entry.pack(size // unit))
        advances, side_bearings = parsed.advances, parsed.side_bearings
        hmtx = array("H", bytes(2 * (metrics + count)))
        hmtx[2 * metrics - 2] = advances[metrics - 1]  # the advance every glyph id past numberOfHMetrics shares
        for gid in kept:
            if gid < metrics:
                hmtx[2 * gid] = advances[gid]
                hmtx[2 * gid + 1] = side_bearings[gid]
            else:
                hmtx[metrics + gid] = side_bearings[gid]
        tables = {tag: self._table(tag) for tag in _KEPT if tag in parsed.tables}
        head = bytearray(tables[b"head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set by _assemble over the whole font
        head[50:52] = struct.pack(">h", 0 if short else 1)
        tables[b"head"] = bytes(head)
        tables[b"hhea"] = tables[b"hhea"][:34] + struct.pack(">H", metrics) + tables[b"hhea"][36:]
        tables[b"maxp"] = tables[b"maxp"][:4] + struct.pack(">H", count) + tables[b"maxp"][6:]
        tables[b"hmtx"] = _be_bytes(hmtx)
        tables[b"loca"] = b"".join(loca)
        tables[b"glyf"] = b"".join(pieces)
        return _assemble(tables)

    def _table(self, tag: bytes) -> bytes:
        offset, length = self._parsed.tables[tag]
        return self._parsed.data[offset : offset + length]

    def write(self, objects: PdfObjects, n: int, used: Mapping[int, str], *, synthetic_bold: bool = False) -> None:
        """The Type0 font as object `n` (reserved by the caller) and its CIDFont, descriptor, subset and ToUnicode.

        `used` maps each glyph id drawn to the text it stands for (one character, several for a ligature, "" for
        none). `synthetic_bold` (a CJK font that has no bold face) changes no outline: the page writer strokes the
        text itself, PDF fonts have no emboldening (/ForceBold only concerns Type 1 hinting). It only names the font
        as the cairo path does (pdf_finish: "DroidSansFallback-Bold", /FontWeight 700), so preflight shows a bold.
        """
        parsed = self._parsed
        glyphs = self.kept_glyphs(used)
        suffix = "-Bold" if synthetic_bold else ""
        name = f"{subset_tag(glyphs)}+{parsed.postscript_name}{suffix}".encode("ascii")
        program = self._program(glyphs)
        font_file = objects.add_stream(
            b"<< /Filter /FlateDecode /Length1 %d >>" % len(program), zlib.compress(program, 6)
        )
        weight = 700 if synthetic_bold else min(900, max(100, round(parsed.weight, -2)))  # /FontWeight: 100..900
        descriptor = objects.add(self._descriptor(name, font_file, weight))
        default_width, widths = self._widths(sorted({0, *used}))
        cid_font = objects.add(
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
            b" /FontDescriptor %d 0 R /DW %s /W [%s] /CIDToGIDMap /Identity >>"
            % (name, descriptor, pdf_number(default_width), widths)
        )
        cmap = to_unicode_cmap(used)
        to_unicode = objects.add_stream(b"<< /Filter /FlateDecode >>", zlib.compress(cmap, 6))
        objects.put(
            n,
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H"
            b" /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (name, cid_font, to_unicode),
        )

    def _descriptor(self, name: bytes, font_file: int, weight: int) -> bytes:
        parsed = self._parsed
        scale = 1000 / parsed.upem
        flags = _SYMBOLIC | (_FIXED_PITCH if parsed.fixed_pitch else 0) | (_ITALIC if parsed.italic_angle else 0)
        # TrueType has no stem width; this is the usual estimate from the weight class (about 80 at 400, 165 at 700).
        stem_v = 50 + round((weight / 65) ** 2)
        bbox = b" ".join(pdf_number(round(v * scale)) for v in parsed.bbox)
        return (
            b"<< /Type /FontDescriptor /FontName /%s /FontFamily %s /Flags %d /FontBBox [%s] /ItalicAngle %s"
            b" /Ascent %d /Descent %d /CapHeight %d /StemV %d /FontWeight %d /FontFile2 %d 0 R >>"
            % (
                name,
                _pdf_text(parsed.family),
                flags,
                bbox,
                pdf_number(round(parsed.italic_angle, 3)),
                round(parsed.ascent * scale),
                round(parsed.descent * scale),
                round(parsed.cap_height * scale),
                stem_v,
                weight,
                font_file,
            )
        )

    def _widths(self, glyphs: list[int]) -> tuple[float, bytes]:
        """/DW (the commonest width) and the /W array's contents for the other glyphs, runs of consecutive ids."""
        widths = self.widths
        default = Counter(widths[g] for g in glyphs).most_common(1)[0][0]
        parts: list[bytes] = []
        run: list[bytes] = []
        previous = -2
        for gid in glyphs:
            width = widths[gid]
            if width == default:
                continue
            if gid != previous + 1 and run:
                parts.append(b"[" + b" ".join(run) + b"]")
                run = []
            if not run:
                parts.append(b"%d" % gid)
            run.append(pdf_number(width))
            previous = gid
        if run:
            parts.append(b"[" + b" ".join(run) + b"]")
        return default, b" ".join(parts)


def _assemble(tables: Mapping[bytes, bytes]) -> bytes:
    """An sfnt file: directory sorted by tag, tables 4-byte aligned, checksums and head.checkSumAdjustment set."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    directory, body, total = [], [], 0
    for tag in tags:
        table = tables[tag]
        checksum = _checksum(table)
        total += checksum
        directory.append(struct.pack(">4sIII", tag, checksum, offset, len(table)))
        body.append(table + b"\0" * (-len(table) % 4))
        offset += len(table) + (-len(table) % 4)
    head_dir = header + b"".join(directory)
    adjustment = (0xB1B0AFBA - (total + _checksum(head_dir))) & 0xFFFFFFFF
    head_index = tags.index(b"head")
    head = bytearray(body[head_index])
    head[8:12] = struct.pack(">I", adjustment)
    body[head_index] = bytes(head)
    return head_dir + b"".join(body)


def to_unicode_cmap(used: Mapping[int, str]) -> bytes:
    """A ToUnicode CMap from glyph id (2-byte code) to its text, as UTF-16BE; glyphs that stand for no text left out."""
    entries = [
        b"<%04X> <%s>" % (gid, text.encode("utf-16-be", "replace").hex().upper().encode("ascii"))
        for gid, text in sorted(used.items())
        if text
    ]
    blocks = [
        b"%d beginbfchar\n%s\nendbfchar\n" % (len(chunk), b"\n".join(chunk))
        for chunk in (entries[i : i + _CMAP_CHUNK] for i in range(0, len(entries), _CMAP_CHUNK))
    ]
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + b"".join(blocks)
        + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


@lru_cache(maxsize=64)
def embedded_font(path: Path) -> EmbeddedFont:
    """The process's one EmbeddedFont for a font file (its parsed tables are shared by every job part)."""
    return EmbeddedFont(path)

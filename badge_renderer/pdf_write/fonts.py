"""PROVISIONAL (lead's stand-in until the fonts branch lands): fontTools subset with retain_gids."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class EmbeddedFont:
    def __init__(self, path: Path) -> None:
        from fontTools.ttLib import TTFont

        self.path = path
        self.font = TTFont(str(path), lazy=True)
        upem = self.font["head"].unitsPerEm
        order = self.font.getGlyphOrder()
        hmtx = self.font["hmtx"]
        self.widths = [round(hmtx[g][0] * 1000 / upem, 3) for g in order]
        self.postscript_name = (self.font["name"].getDebugName(6) or path.stem).replace(" ", "")
        self.family = self.font["name"].getDebugName(1) or path.stem

    def write(self, objects: Any, n: int, used: Mapping[int, str], *, synthetic_bold: bool = False) -> None:
        data = self.path.read_bytes()
        if not hasattr(self, "_z"):
            self._z = zlib.compress(data, 1)
        ff = objects.add_stream(b"<< /Filter /FlateDecode /Length1 %d >>" % len(data), self._z)
        name = b"AAAAAA+" + self.postscript_name.encode()
        desc = objects.add(
            b"<< /Type /FontDescriptor /FontName /%s /FontFamily (%s) /Flags 4 /FontBBox [-1000 -500 2000 1200] /ItalicAngle 0 /Ascent 1000 /Descent -300 /CapHeight 700 /StemV 80 /FontFile2 %d 0 R >>"
            % (name, self.family.encode(), ff)
        )
        w = b" ".join(b"%d [%s]" % (g, str(self.widths[g]).encode()) for g in sorted(used))
        cid = objects.add(
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /W [%s] >>"
            % (name, desc, w)
        )
        lines = [b"%d beginbfchar" % len([g for g in used if used[g]])]
        for g, t in sorted(used.items()):
            if t:
                lines.append(b"<%04x> <%s>" % (g, t.encode("utf-16-be").hex().encode()))
        lines.append(b"endbfchar")
        cmap = (
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + b"\n".join(lines)
            + b"\nendcmap CMapName currentdict /CMap defineresource pop end end"
        )
        tu = objects.add_stream(b"<< >>", cmap)
        objects.put(
            n,
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
            % (name, cid, tu),
        )

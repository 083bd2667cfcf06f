"""The bundled fonts: fonts.json families, per-script fallbacks, and which font draws each character.

Production cannot install system fonts, so every font lives in templates/fonts next to its licence, and a
font file is opened only the first time a character needs it (the CJK fallback alone is 3.4 MB).
"""

from __future__ import annotations

import json
import math
import os
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import uharfbuzz as hb

from badge_renderer.errors import DesignError, OptionsError

WEIGHTS = ("regular", "bold")
# FreeType's FT_GlyphSlot_Embolden (what cairo's synthetic bold calls) widens outlines by em/24; counted on every
# side so the fit keeps emboldened ink inside the box.
SYNTHETIC_BOLD_GROWTH = 1 / 24
_WEIGHT_ALIASES = {"normal": "regular", "400": "regular", "700": "bold", "regular": "regular", "bold": "bold"}


def fonts_dir() -> Path:
    """templates/fonts of the repo or bundle, or of $BADGEFORGE_TEMPLATES when set (tests, deployments)."""
    return _fonts_dir(os.environ.get("BADGEFORGE_TEMPLATES"))


@lru_cache(maxsize=8)
def _fonts_dir(templates: str | None) -> Path:
    base = Path(templates) if templates else Path(__file__).resolve().parent.parent.parent / "templates"
    return base / "fonts"


def normalize_weight(weight: str) -> str:
    """'regular' or 'bold'; designs may also say 'normal', '400' or '700'."""
    key = str(weight).strip().lower()
    if key not in _WEIGHT_ALIASES:
        raise OptionsError(f"Unknown font weight '{weight}'", hint="Use 'regular' or 'bold'.", column="weight")
    return _WEIGHT_ALIASES[key]


_BLANK_INK = (-math.inf, -math.inf, math.inf, -math.inf)


@dataclass(eq=False)
class FontFile:
    """One font file, opened lazily; HarfBuzz shapes with it and cairo draws it through FreeType."""

    path: Path
    name: str
    synthetic_bold: bool = False  # drawn emboldened by FreeType: a bold for fonts that ship none (CJK)
    regular: FontFile | None = None  # the face a synthetic bold shares its HarfBuzz data with

    @cached_property
    def hb_font(self) -> hb.Font:
        if self.regular is not None:
            return self.regular.hb_font
        return hb.Font(hb.Face(hb.Blob.from_file_path(str(self.path))))

    def emboldened(self) -> FontFile:
        """The same file drawn bold by FreeType; shaping and advances stay those of the regular face."""
        return FontFile(path=self.path, name=self.name, synthetic_bold=True, regular=self)

    @cached_property
    def upem(self) -> int:
        return self.hb_font.face.upem

    @cached_property
    def cmap(self) -> frozenset[int]:
        """Code points this font maps to a glyph (the coverage used for fallback)."""
        return frozenset(self.hb_font.face.unicodes)

    @cached_property
    def chars(self) -> frozenset[str]:
        """The same coverage as characters: `chars.issuperset(text)` checks a whole name in one C loop."""
        return frozenset(map(chr, self.cmap))

    def covers(self, char: str) -> bool:
        return ord(char) in self.cmap

    @cached_property
    def glyph_inks(self) -> dict[int, tuple[float, float, float, float] | None]:
        """glyph_ink results seen so far (read directly in hot loops)."""
        return {}

    @cached_property
    def ink_parts(self) -> tuple[dict[int, float], dict[int, float], dict[int, float], dict[int, float]]:
        """glyph_ink's top, bottom, left and right per glyph seen, one dict each, a blank glyph as -inf/-inf/inf/-inf
        (never the widest): a line's ink is then a few min/max over maps, no Python loop per glyph."""
        return {}, {}, {}, {}

    @cached_property
    def ink_boxes(self) -> dict[int, tuple[float, float, float, float]]:
        """The same per glyph as one tuple (text/quick.py reads all four in one lookup)."""
        return {}

    def glyph_ink(self, gid: int) -> tuple[float, float, float, float] | None:
        """(top above the baseline, bottom below it, left, right of the origin) of a glyph's outline in em.

        None for a blank glyph such as a space.
        """
        if gid in self.glyph_inks:
            return self.glyph_inks[gid]
        extents = self.hb_font.get_glyph_extents(gid)
        ink = None
        if extents is not None and extents.height != 0 and extents.width != 0:
            scale = 1.0 / self.upem
            grow = SYNTHETIC_BOLD_GROWTH if self.synthetic_bold else 0.0
            top, left = extents.y_bearing * scale + grow, extents.x_bearing * scale - grow
            bottom = -(extents.y_bearing + extents.height) * scale + grow
            ink = (top, bottom, left, left + extents.width * scale + 2 * grow)
        self.glyph_inks[gid] = ink
        self.ink_boxes[gid] = ink or _BLANK_INK
        for part, value in zip(self.ink_parts, ink or _BLANK_INK, strict=True):
            part[gid] = value
        return ink

    @cached_property
    def ink_extent(self) -> tuple[float, float]:
        """(ascent, descent) in em of an accented capital and a descender: what a name's ink really spans.

        The hhea ascender+descender (1.36 em for Noto) is taller than a 1.15 line; centring the real ink keeps
        'Émile Guðrún' inside its line box.
        """
        font = self.hb_font
        top, bottom = 0.0, 0.0
        for char in "ÉÅHgjy":
            gid = font.get_nominal_glyph(ord(char))
            if gid:
                ext = font.get_glyph_extents(gid)
                top = max(top, ext.y_bearing)
                bottom = max(bottom, -(ext.y_bearing + ext.height))
        if top == 0.0:
            extents = font.get_font_extents("ltr")
            top, bottom = extents.ascender, -extents.descender
        return top / self.upem, bottom / self.upem


@dataclass(frozen=True)
class FontFamily:
    """A family a design may name: a regular and a bold file."""

    key: str
    name: str
    files: dict[str, FontFile] = field(hash=False, compare=False)

    def file(self, weight: str) -> FontFile:
        return self.files.get(weight) or self.files["regular"]


_IGNORABLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def is_ignorable(char: str) -> bool:
    """Characters that need no glyph of their own: spaces, controls, joiners, bidi marks, variation selectors."""
    if char in _IGNORABLE:
        return True
    cp = ord(char)
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return True
    return unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc", "Cf")


def _sticks_to_neighbour(char: str) -> bool:
    """Marks, spaces and punctuation keep the font of the text around them, so a run is not split for a space."""
    return unicodedata.category(char)[0] in "MZPSC"


class FontLibrary:
    """The bundled families and the fallback chain, as described by templates/fonts/fonts.json."""

    _default: FontLibrary | None = None
    _default_lock = threading.Lock()

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        manifest = self._read_manifest(self.root / "fonts.json")
        self._files: dict[str, FontFile] = {}
        self._families = {key: self._family(key, spec) for key, spec in manifest["families"].items()}
        self.default_family = manifest.get("default_family") or next(iter(self._families))
        self._fallbacks = tuple(self._family(f"fallback{i}", spec) for i, spec in enumerate(manifest["fallbacks"]))
        self._chains: dict[tuple[str, str], tuple[FontFile, ...]] = {}

    @classmethod
    def default(cls) -> FontLibrary:
        """The bundled fonts in templates/fonts, loaded once per process."""
        with cls._default_lock:
            if cls._default is None or cls._default.root != fonts_dir():
                cls._default = cls(fonts_dir())
            return cls._default

    @property
    def families(self) -> tuple[str, ...]:
        """Names a design or option may use ("sans", "serif", ...)."""
        return tuple(self._families)

    def family(self, key: str) -> FontFamily:
        try:
            return self._families[key.strip().lower()]
        except KeyError:
            raise OptionsError(
                f"Unknown font family '{key}'",
                hint=f"Choose one of: {', '.join(self._families)}.",
                column="font_family",
            ) from None

    def chain(self, family: str = "sans", weight: str = "bold") -> tuple[FontFile, ...]:
        """Fonts tried in order for each character: the family, the default family, then each script fallback."""
        key = (family, weight)
        chain = self._chains.get(key)
        if chain is None:
            wanted = normalize_weight(weight)
            fonts = [self.family(family).file(wanted), self._families[self.default_family].file(wanted)]
            fonts += [fallback.file(wanted) for fallback in self._fallbacks]
            chain = tuple(dict.fromkeys(fonts))
            self._chains[key] = chain
        return chain

    def assign_fonts(self, text: str, chain: Sequence[FontFile]) -> list[int]:
        """Index into `chain` of the font that draws each character of `text`.

        The first font covering a letter wins; marks, spaces and punctuation stay with their neighbour's font
        when it has them, so "محمد عبد الله" is one Arabic run and "Nguyễn" keeps its diacritics in one font.
        """
        if chain[0].chars.issuperset(text):
            return [0] * len(text)
        picks: list[int | None] = [None] * len(text)
        last: int | None = None
        for pos, char in enumerate(text):
            if _sticks_to_neighbour(char):
                if last is None:
                    continue  # leading space or mark: decided by the first letter below
                if ord(char) in chain[last].cmap or is_ignorable(char):
                    picks[pos] = last
                    continue
            last = picks[pos] = self._first_covering(ord(char), chain)
        first = next((pick for pick in picks if pick is not None), None)
        for pos, pick in enumerate(picks):
            if pick is None:
                char = text[pos]
                covered = first is not None and (ord(char) in chain[first].cmap or is_ignorable(char))
                picks[pos] = first if covered else self._first_covering(ord(char), chain)
        return picks  # type: ignore[return-value]  # every None was filled above

    def missing(self, text: str, family: str = "sans") -> str:
        """Characters of `text` (each once, in order) that no font in the family's chain can draw."""
        chain = self.chain(family, "regular") + self.chain(family, "bold")
        if chain[0].chars.issuperset(text):
            return ""  # the usual case, answered by the family's own font
        missing = dict.fromkeys(
            ch for ch in text if not is_ignorable(ch) and not any(ord(ch) in font.cmap for font in chain)
        )
        return "".join(missing)

    @staticmethod
    def _first_covering(cp: int, chain: Sequence[FontFile]) -> int:
        for index, font in enumerate(chain):
            if cp in font.cmap:
                return index
        return 0  # nobody has it: the primary font draws its .notdef box; missing_glyphs() reports it

    def _family(self, key: str, spec: dict[str, Any]) -> FontFamily:
        files = {}
        for weight in WEIGHTS:
            if spec.get(weight):
                files[weight] = self._file(spec[weight], spec.get("name", key))
        if "regular" not in files:
            raise DesignError(f"Font family '{key}' has no regular file", file=str(self.root / "fonts.json"))
        files.setdefault("bold", files["regular"].emboldened())
        return FontFamily(key=key, name=spec.get("name", key), files=files)

    def _file(self, filename: str, name: str) -> FontFile:
        path = self.root / filename
        if not path.is_file():
            raise DesignError(f"Bundled font {filename} is missing", hint=f"Restore it in {self.root}.")
        if filename not in self._files:
            self._files[filename] = FontFile(path=path, name=name)
        return self._files[filename]

    @staticmethod
    def _read_manifest(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DesignError(f"Cannot read the font list: {exc}", file=str(path)) from None
        if not isinstance(data.get("families"), dict) or not data["families"]:
            raise DesignError("fonts.json lists no families", file=str(path))
        data.setdefault("fallbacks", [])
        return data


def missing_glyphs(text: str, family: str = "sans", *, library: FontLibrary | None = None) -> str:
    """Characters no bundled font covers (spaces, joiners and controls ignored): the caller warns about them."""
    return (library or FontLibrary.default()).missing(text, family)

"""Every preset that the gLabels template database describes matches it: paper, label size, grid, first label and
pitch; and every name-badge product gLabels lists is offered. The database is Debian's `glabels-data`, maintained
by others, which `make test` installs (scripts/system_deps.sh test)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from badge_renderer.layout import PRESETS, SheetPreset, find_preset
from badge_renderer.layout.units import INCH, MM

TEMPLATES = Path("/usr/share/libglabels-3.0/templates")
pytestmark = pytest.mark.skipif(
    not (TEMPLATES / "paper-sizes.xml").is_file(),
    reason="the gLabels template database is not installed: apt-get install glabels-data (make test does)",
)
_UNITS = {"pt": 1.0, "mm": MM, "cm": 10 * MM, "in": INCH, "": 1.0}
TOLERANCE = 0.05 * MM  # gLabels writes exact figures for these products ...
ROUNDED_TO_POINTS = {("Brother", "DK-1202")}  # ... except where it rounds to whole points (176 x 283 pt)


@dataclass(frozen=True)
class Template:
    brand: str
    part: str
    paper: tuple[float, float] | None  # None: "Other" (label-printer stock; the page is the label)
    label: tuple[float, float]
    layout: tuple[int, int, float, float, float, float]  # nx, ny, x0, y0, dx, dy
    categories: frozenset[str]
    description: str


def _length(text: str) -> float:
    if not text.strip():
        return 0.0  # a few unrelated templates leave an unused pitch empty
    match = re.fullmatch(r"\s*([0-9.]+)\s*(pt|mm|cm|in)?\s*", text)
    assert match, f"unreadable gLabels length {text!r}"
    return float(match.group(1)) * _UNITS[match.group(2) or ""]


def _load() -> dict[tuple[str, str], Template]:
    papers = {
        p.get("id"): (_length(p.get("width", "0")), _length(p.get("height", "0")))
        for p in ET.parse(TEMPLATES / "paper-sizes.xml").getroot()
    }
    raw: dict[tuple[str, str], ET.Element] = {}
    for path in sorted(TEMPLATES.glob("*-templates.xml")):
        for element in ET.parse(path).getroot().iter("Template"):
            raw[(element.get("brand", "").casefold(), element.get("part", "").casefold())] = element
    found = {}
    for key, element in raw.items():
        source = element
        if element.get("equiv"):  # same geometry as another part of the same brand
            source = raw[(key[0], element.get("equiv", "").casefold())]
        rect = source.find("Label-rectangle")
        if rect is None:
            continue  # round and CD labels: nothing a badge uses
        layout = rect.find("Layout")
        assert layout is not None
        size = source.get("size", "")
        found[key] = Template(
            brand=element.get("brand", ""),
            part=element.get("part", ""),
            paper=papers.get(size) if size != "Other" else None,
            label=(_length(rect.get("width", "0")), _length(rect.get("height", "0"))),
            layout=(
                int(layout.get("nx", "1")),
                int(layout.get("ny", "1")),
                *(_length(layout.get(k, "0")) for k in ("x0", "y0", "dx", "dy")),
            ),  # type: ignore[arg-type]
            categories=frozenset(m.get("category", "") for m in source.iter("Meta")),
            description=source.get("_description", ""),
        )
    return found


@pytest.fixture(scope="module")
def glabels() -> dict[tuple[str, str], Template]:
    return _load()


def _compared() -> list[tuple[str, str, str]]:
    return [(p.name, brand, part) for p in PRESETS.values() for brand, part in p.glabels]


def test_presets_name_the_gLabels_entries_they_follow() -> None:
    # The catalogue says which presets gLabels describes; a typo there would silently compare nothing.
    assert len(_compared()) >= 14
    assert {name for name, _, _ in _compared()} >= {
        "avery-5395",
        "avery-l4785",
        "brother-dk-11202",
        "dymo-30856",
        "dymo-30374",
        "dymo-99015",
        "dymo-11356",
    }


@pytest.mark.parametrize(("name", "brand", "part"), _compared())
def test_preset_matches_gLabels(glabels: dict[tuple[str, str], Template], name: str, brand: str, part: str) -> None:
    preset = PRESETS[name]
    template = glabels.get((brand.casefold(), part.casefold()))
    assert template is not None, f"gLabels has no {brand} {part}"
    tolerance = 0.5 if (brand, part) in ROUNDED_TO_POINTS else TOLERANCE
    nx, ny, x0, y0, dx, dy = template.layout
    assert preset.piece == pytest.approx(template.label, abs=tolerance)
    if template.paper is None:  # label printer: one label is the page
        assert preset.kind == "label" and (nx, ny) == (1, 1)
        assert (preset.paper.width, preset.paper.height) == pytest.approx(template.label, abs=tolerance)
        return
    assert (preset.paper.width, preset.paper.height) == pytest.approx(template.paper, abs=TOLERANCE)
    assert (preset.columns, preset.rows) == (nx, ny)
    assert (preset.left, preset.top) == pytest.approx((x0, y0), abs=tolerance)
    assert (preset.pitch_x, preset.pitch_y) == pytest.approx((dx, dy), abs=tolerance)
    assert preset.confirmed


@pytest.mark.parametrize(("name", "brand", "part"), _compared())
def test_every_gLabels_product_resolves_by_its_own_name(name: str, brand: str, part: str) -> None:
    assert find_preset(f"{brand} {part}") is PRESETS[name]


def test_every_name_badge_product_gLabels_lists_is_offered(glabels: dict[tuple[str, str], Template]) -> None:
    badges = [t for t in glabels.values() if "name-badge" in t.categories or "name badge" in t.description.casefold()]
    assert len(badges) >= 8  # Avery 5395 family, L4785, DYMO 11356 / 30374 / 30856 / 99014 / 99015
    offered = {(b.casefold(), p.casefold()) for preset in PRESETS.values() for b, p in preset.glabels}
    missing = [f"{t.brand} {t.part}" for t in badges if (t.brand.casefold(), t.part.casefold()) not in offered]
    assert not missing, f"gLabels lists name-badge products no preset offers: {missing}"


def test_presets_not_in_gLabels_still_say_where_their_figures_come_from() -> None:
    preset: SheetPreset
    for preset in PRESETS.values():
        assert preset.source, preset.name

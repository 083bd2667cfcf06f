"""Bundled fonts: every script a badge may carry is covered, and unknown names are user errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from badge_renderer.errors import OptionsError
from badge_renderer.text import FontLibrary, fit_text, missing_glyphs
from badge_renderer.text.fonts import fonts_dir

NAMES = [
    "Émile Żółkiewski-Ångström",
    "Nguyễn Thị Minh Khai",
    "Γιώργος Παπαδόπουλος",
    "Дмитрий Иванов",
    "王小明",
    "山田 太郎",
    "やまだ タロウ",
    "김민준",
    "محمد عبد الله",
    "דוד לוי",
    "अर्जुन शर्मा",
    "สมชาย ใจดี",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("family", ["sans", "serif", "display"])
def test_every_script_of_the_name_list_is_covered(name: str, family: str) -> None:
    assert missing_glyphs(name, family) == ""


def test_no_glyph_is_the_notdef_box() -> None:
    for name in NAMES:
        fitted = fit_text(name, box_width=400, box_height=60)
        glyphs = [gid for line in fitted.lines for run in line.runs for gid in run.glyphs]
        assert glyphs and 0 not in glyphs, name


def test_missing_glyphs_reports_each_uncovered_character_once_and_ignores_spaces_and_joiners() -> None:
    # Linear B and Cherokee are in no bundled font.
    assert missing_glyphs("Ada \U00010000\u200d Lovelace \U00010000 Ꮳ\u00a0") == "\U00010000Ꮳ"


def test_families_are_the_bundled_ones() -> None:
    assert {"sans", "serif", "display"} <= set(FontLibrary.default().families)


def test_unknown_family_or_weight_is_an_options_error() -> None:
    with pytest.raises(OptionsError, match="comic"):
        fit_text("Ada", box_width=100, box_height=20, family="comic")
    with pytest.raises(OptionsError, match="heavy"):
        fit_text("Ada", box_width=100, box_height=20, weight="heavy")


def test_every_font_file_listed_exists_with_its_licence() -> None:
    manifest = json.loads((fonts_dir() / "fonts.json").read_text())
    entries = list(manifest["families"].values()) + manifest["fallbacks"]
    for entry in entries:
        assert (fonts_dir() / entry["license"]).is_file()
        for weight in ("regular", "bold"):
            if weight in entry:
                assert (fonts_dir() / entry[weight]).is_file()
    total = sum(path.stat().st_size for path in fonts_dir().iterdir())
    assert total < 40_000_000  # see SOURCES.md: 16 more scripts and emoji


def test_templates_dir_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts = tmp_path / "templates" / "fonts"
    fonts.mkdir(parents=True)
    for name in ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "OFL.txt"):
        shutil.copy(fonts_dir() / name, fonts / name)
    only_serif = {"families": {"book": {"name": "Noto Serif", "regular": "NotoSerif-Regular.ttf"}}}
    (fonts / "fonts.json").write_text(json.dumps(only_serif))
    monkeypatch.setenv("BADGEFORGE_TEMPLATES", str(tmp_path / "templates"))
    library = FontLibrary.default()
    assert library.families == ("book",)
    assert missing_glyphs("王", "book", library=library) == "王"
    fitted = fit_text("Ada", box_width=100, box_height=30, family="book", library=library)
    assert fitted.lines[0].runs[0].font.path.parent == fonts

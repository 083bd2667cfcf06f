"""Every script of issue 9 prints from the bundled fonts: a sample name per script has every glyph (no .notdef),
checked twice: in the font's own cmap with fontTools, and in HarfBuzz's shaped output."""

from __future__ import annotations

import json
import unicodedata

import pytest
from fontTools.ttLib import TTFont

from badge_renderer.text import fit_text, missing_glyphs
from badge_renderer.text.fonts import FontLibrary, fonts_dir, is_ignorable

SAMPLES = {
    "Tamil": "முருகன் சுப்பிரமணியம்",
    "Bengali": "সৌমিত্র চট্টোপাধ্যায়",
    "Gujarati": "નરેન્દ્ર પટેલ",
    "Gurmukhi": "ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ",
    "Telugu": "వెంకటేశ్వర రావు",
    "Kannada": "ಕೃಷ್ಣಮೂರ್ತಿ ಹೆಗ್ಡೆ",
    "Malayalam": "ശ്രീകുമാർ നായർ",
    "Sinhala": "කුමාර පෙරේරා",
    "Oriya": "ସୁବ୍ରତ ମହାପାତ୍ର",
    "Georgian": "გიორგი ბერიძე",
    "Armenian": "Արամ Խաչատրյան",
    "Ethiopic": "አበበ ቢቂላ",
    "Khmer": "សុខ សុភាព",
    "Myanmar": "အောင်ဆန်းစုကြည်",
    "Lao": "ສົມສັກ ພົມມະຈັນ",
    "Korean": "김민준 이서연",
    "Emoji": "Ada 🚀🎉 ❤️",
}


def _fallback_files() -> dict[str, str]:
    """Script name -> regular file of the fallback whose fonts.json entry lists it."""
    manifest = json.loads((fonts_dir() / "fonts.json").read_text())
    files = {}
    for entry in manifest["fallbacks"]:
        for script in entry["scripts"]:
            files[script.split()[0]] = entry["regular"]
    files["Korean"] = files["Hangul"]
    return files


@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_the_bundled_font_for_the_script_maps_every_character_of_its_sample(script: str) -> None:
    path = fonts_dir() / _fallback_files()[script]
    cmap = TTFont(path, lazy=True).getBestCmap()
    letters = [ch for ch in SAMPLES[script] if not is_ignorable(ch) and unicodedata.category(ch)[0] != "Z"]
    absent = [ch for ch in letters if ord(ch) not in cmap and not (script == "Emoji" and ch.isascii())]
    assert absent == [], f"{path.name} lacks {absent}"


@pytest.mark.parametrize("script", sorted(SAMPLES))
@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_every_sample_shapes_without_a_notdef_glyph(script: str, weight: str) -> None:
    sample = SAMPLES[script]
    assert missing_glyphs(sample) == ""
    fitted = fit_text(sample, box_width=600, box_height=60, weight=weight)
    glyphs = [gid for line in fitted.lines for run in line.runs for gid in run.glyphs]
    assert glyphs and 0 not in glyphs


def test_each_script_is_drawn_by_its_own_font_not_the_latin_one() -> None:
    library = FontLibrary.default()
    chain = library.chain("sans", "bold")
    for script, sample in SAMPLES.items():
        if script == "Emoji":
            continue
        picks = {
            chain[i].path.name for i, ch in zip(library.assign_fonts(sample, chain), sample, strict=True) if ch != " "
        }
        assert all("NotoSans-" not in name for name in picks), (script, picks)


def test_the_bundled_fonts_stay_a_reasonable_deploy_size() -> None:
    total = sum(path.stat().st_size for path in fonts_dir().iterdir())
    assert total < 40_000_000

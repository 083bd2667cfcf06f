"""The per-badge hot path does each piece of text work once: a duplex back reuses its front's fitted text and
stamps even when the job has more distinct names than the caches hold."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from badge_renderer import compose
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
from badge_renderer.text import quick, stamps


def test_a_duplex_back_reuses_its_fronts_text_past_the_cache_size(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(compose, "STAMP_CACHE", 32)  # one sheet's texts fit, the job's 40 names do not
    made: Counter[str] = Counter()
    real = stamps.make_stamp

    def counting(fitted, *args, **kwargs):
        made[fitted.text] += 1
        return real(fitted, *args, **kwargs)

    monkeypatch.setattr(stamps, "make_stamp", counting)
    real_quick = quick.quick_stamp

    def counting_quick(text, *args, **kwargs):  # the one-line fast path makes stamps without make_stamp
        stamp = real_quick(text, *args, **kwargs)
        if stamp is not None:
            made[stamp.text] += 1
        return stamp

    monkeypatch.setattr(quick, "quick_stamp", counting_quick)
    people = [Attendee(row=i + 2, full_name=f"Person Number{i:03d}", role="Speaker") for i in range(20)]
    people += [Attendee(row=i + 22, first_name="Ada", last_name=f"Number{i:03d}") for i in range(20)]
    result = render_pdf(people, RenderOptions(design="minimal", sides="duplex", workers=1), tmp_path / "d.pdf")
    assert result.pages >= 8 and result.pages % 2 == 0  # several sheets, each with its back page
    names = [text for text in made if text.startswith(("Person", "Number"))]
    assert len(names) == 40
    assert all(made[name] == 1 for name in names), {n: made[n] for n in names if made[n] > 1}


def test_a_job_decodes_its_background_once_design_checks_and_the_next_job_included(tmp_path: Path, monkeypatch) -> None:
    import io

    from PIL import Image

    from badge_renderer import images

    decoded: Counter[int] = Counter()
    real = images.prepare_image

    def counting(data, **kwargs):
        decoded[len(data)] += 1
        return real(data, **kwargs)

    monkeypatch.setattr(images, "prepare_image", counting)
    monkeypatch.setattr(images, "_prepared", {})
    out = io.BytesIO()
    Image.new("RGB", (900, 700), (40, 90, 200)).save(out, "JPEG")
    options = RenderOptions(design="classic", background_image=out.getvalue(), workers=1)
    people = [Attendee(row=2, first_name="Ada", last_name="Lovelace")]
    first = render_pdf(people, options, tmp_path / "a.pdf")
    render_pdf(people, options, tmp_path / "b.pdf")
    assert decoded == {len(out.getvalue()): 1}  # the render, its design checks and the second job share it
    assert first.pdf_bytes > 0 and (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_contrast_check_reads_a_background_once_per_process() -> None:
    import io

    from PIL import Image

    from badge_renderer import design_checks

    out = io.BytesIO()
    Image.new("RGB", (600, 450), (250, 250, 250)).save(out, "JPEG")
    options = RenderOptions(design="classic", background_image=out.getvalue())
    design_checks._grid_of.cache_clear()
    first = design_checks.design_warnings(options)
    second = design_checks.design_warnings(options)
    assert first == second and any(issue.column == "background_image" for issue in first)  # the role's contrast
    assert design_checks._grid_of.cache_info().hits >= 1


def test_a_job_draws_with_the_cycle_collector_paused_and_turns_it_back_on(tmp_path: Path, monkeypatch) -> None:
    import gc

    from badge_renderer import output

    seen: list[bool] = []
    real = output.write_pdf

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(output, "write_pdf", watching)
    people = [Attendee(row=2, first_name="Ada", last_name="Lovelace")]
    render_pdf(people, RenderOptions(design="classic", workers=1), tmp_path / "a.pdf")
    assert seen == [False] and gc.isenabled()

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(output, "write_pdf", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        render_pdf(people, RenderOptions(design="classic", workers=1), tmp_path / "b.pdf")
    assert gc.isenabled()  # on again after a failed job too


def test_names_the_familys_own_font_covers_skip_the_missing_glyph_lookup(tmp_path: Path, monkeypatch) -> None:
    from badge_renderer.text.fonts import FontLibrary

    asked: Counter[str] = Counter()
    real = FontLibrary.missing

    def counting(self, text, family="sans"):
        asked[text] += 1
        return real(self, text, family)

    monkeypatch.setattr(FontLibrary, "missing", counting)
    people = [Attendee(row=i + 2, first_name="Ada", last_name=f"Lovelace{i:02d}") for i in range(6)]
    people.append(Attendee(row=9, first_name="Zoë", last_name="Box\u0378"))  # U+0378: no font has it
    result = render_pdf(people, RenderOptions(design="classic", workers=1), tmp_path / "n.pdf")
    assert not [text for text in asked if text.startswith("Ada")]  # covered by Noto Sans: answered up front
    assert any("\u0378" in text for text in asked)  # the one that is not still gets the full answer
    assert result.pages >= 1

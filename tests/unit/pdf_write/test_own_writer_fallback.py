"""When the own PDF writer cannot write a job (a font it cannot subset, a static layer it cannot copy), cairo draws
the whole job instead: the organizer gets the same badges, the log says why."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.pdf_stream import PartFormatError
from badge_renderer.pdf_write import fonts, forms
from badge_renderer.render import render_pdf

PEOPLE = [Attendee(row=2, first_name="Ada", last_name="Lovelace"), Attendee(row=3, full_name="Grace Hopper")]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("workers", [1, 2])
def test_a_font_the_writer_cannot_subset_has_cairo_draw_the_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, workers: int
) -> None:
    def broken(self, *args, **kwargs):
        raise fonts.FontFileError(f"{self.path.name}: a damaged table (injected)")

    monkeypatch.setattr(fonts.EmbeddedFont, "write", broken)
    with caplog.at_level(logging.WARNING):
        result = render_pdf(PEOPLE * 20, RenderOptions(workers=workers), tmp_path / "b.pdf")
    assert result.badges == 40
    assert "cairo draws it" in caplog.text and "injected" in caplog.text
    assert "Lovelace" in _text(tmp_path / "b.pdf")
    assert b"CairoFont" in (tmp_path / "b.pdf").read_bytes() or b"/FontFile2" in (tmp_path / "b.pdf").read_bytes()


def test_a_static_layer_the_writer_cannot_copy_has_cairo_draw_the_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreadable(*args, **kwargs):
        raise PartFormatError("an xref stream (injected)")

    monkeypatch.setattr(forms, "copy_cairo_form", unreadable)
    with caplog.at_level(logging.WARNING):
        result = render_pdf(PEOPLE, RenderOptions(design="modern", event_name="Conf"), tmp_path / "b.pdf")
    assert result.badges == 2 and "injected" in caplog.text
    assert "Grace" in _text(tmp_path / "b.pdf") and "CONF" in _text(tmp_path / "b.pdf")  # modern prints it in capitals


def test_see_through_text_has_cairo_draw_the_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No bundled design has text with alpha; were one to get it, the writer hands the job to cairo rather than
    print it opaque."""
    from badge_renderer import compose

    real = compose._Palette.rgb

    def see_through(self, role):
        return real(self, role) if role == "background" else (*real(self, role), 0.5)

    monkeypatch.setattr(compose._Palette, "rgb", see_through)
    with caplog.at_level(logging.WARNING):
        result = render_pdf(PEOPLE, RenderOptions(), tmp_path / "b.pdf")
    assert result.badges == 2 and "alpha below 1" in caplog.text
    assert "Grace" in _text(tmp_path / "b.pdf")

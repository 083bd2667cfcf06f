"""The job's background image is checked, shrunk and handed to cairo on another thread while render_pdf checks the
options, imports the drawing code and plans the sheet (the second core is idle until the fork): the composer then
finds it ready. Real Pillow, real cairo, real render_pdf; nothing mocked but a spy on who prepared the image."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from badge_renderer import images
from badge_renderer.errors import ImageError
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf


def photo(size: tuple[int, int], seed: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 40 + seed).convert("RGB").save(out, "JPEG")
    return out.getvalue()


PEOPLE = [Attendee(row=i + 2, first_name=f"Ada{i}", last_name="Lovelace") for i in range(3)]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_background_is_prepared_once_on_another_thread_and_printed_the_same(
    tmp_path: Path, monkeypatch, workers: int
) -> None:
    data = photo((1500, 1100), workers)  # new bytes per case: no earlier test's cache entry
    calls: list[str] = []
    real = images.prepare_image

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(images, "prepare_image", spy)
    options = RenderOptions(design="classic", background_image=data, workers=workers)
    result = render_pdf(PEOPLE * 2, options, tmp_path / "early.pdf")
    assert calls.count(images.EARLY_THREAD) == 1 and len(calls) == 1, calls  # not again in the main thread
    assert not [t for t in threading.enumerate() if t.name == images.EARLY_THREAD]  # joined: nothing left running
    images._prepared.clear()
    monkeypatch.setattr(images, "prepare_in_background", lambda *a, **k: None)  # the old way, for comparison
    render_pdf(PEOPLE * 2, options, tmp_path / "late.pdf")
    early, late = tmp_path / "early.pdf", tmp_path / "late.pdf"
    assert result.pages == len(PdfReader(early).pages) == len(PdfReader(late).pages)
    assert embedded_images(early) == embedded_images(late) and len(set(embedded_images(early))) == 1


def embedded_images(pdf: Path) -> list[bytes]:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return sorted(
            o.read_raw_bytes() for o in doc.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        )


def test_a_broken_background_still_fails_with_its_own_message_from_the_caller(tmp_path: Path) -> None:
    options = RenderOptions(background_image=b"\x89PNG\r\n\x1a\nnot really", workers=1)
    with pytest.raises(ImageError) as err:
        render_pdf(PEOPLE, options, tmp_path / "x.pdf")
    assert err.value.column == "background_image" and "background" in err.value.message
    assert not [t for t in threading.enumerate() if t.name == images.EARLY_THREAD]

"""Test helpers for the page writer: a one-page PDF made with PdfObjects, and the print shop's tools run on it
(pdftoppm pixels, zbarimg, qpdf). Real tools, no mocks."""

from __future__ import annotations

import shutil
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from badge_renderer.pdf_write.objects import PdfObjects

Build = Callable[[PdfObjects], tuple[bytes, dict[str, int]]]  # objects -> (page content, /XObject name -> number)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `bash scripts/system_deps.sh test`")
    return path


def write_page(path: Path, width: float, height: float, build: Build) -> Path:
    """A one-page PDF whose content (written in cairo's top-down space: it starts `1 0 0 -1 0 H cm`) and XObjects
    `build` writes into the file's objects."""
    with open(path, "wb") as fh:
        objects = PdfObjects(fh)
        content, xobjects = build(objects)
        flip = b"1 0 0 -1 0 %.6f cm\n" % height
        contents = objects.add_stream(b"<< /Filter /FlateDecode >>", zlib.compress(flip + content))
        names = b" ".join(b"/%s %d 0 R" % (name.encode(), n) for name, n in xobjects.items())
        pages = objects.reserve()
        page = objects.add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [ 0 0 %.6f %.6f ] /Contents %d 0 R /Resources << /XObject << %s"
            b" >> >> >>" % (pages, width, height, contents, names)
        )
        objects.put(pages, b"<< /Type /Pages /Kids [ %d 0 R ] /Count 1 >>" % page)
        root = objects.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
        objects.close(root)
    return path


def pixels(pdf: Path, dpi: int, *, gray: bool = False) -> tuple[tuple[int, int], bytes]:
    """((width, height), raw samples) of page 1 rendered by pdftoppm."""
    from PIL import Image

    stem = pdf.with_name(f"{pdf.stem}-{dpi}")
    mode = ["-gray"] if gray else []  # netpbm, not PNG: no compression to spend time on
    subprocess.run([tool("pdftoppm"), "-r", str(dpi), *mode, "-singlefile", str(pdf), str(stem)], check=True)
    with Image.open(stem.with_suffix(".pgm" if gray else ".ppm")) as image:
        return image.size, image.tobytes()


def qpdf_check(pdf: Path) -> str:
    """qpdf's verdict; its exit status is 0 only without errors or warnings."""
    run = subprocess.run([tool("qpdf"), "--check", str(pdf)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout

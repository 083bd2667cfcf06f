"""web/js/png_size.js reads a PNG data: URL's pixel size from its header, as PIL reads the whole picture: the upload
page sizes the live preview's <img> with it before the picture has loaded (run in Node, the page's own module)."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "web" / "js" / "png_size.js"
SIZES = [(1, 1), (390, 234), (330, 440), (70_000, 3)]  # the last: a width over 16 bits


def data_url(width: int, height: int) -> str:
    png = io.BytesIO()
    Image.new("L", (width, height)).save(png, "PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def test_the_size_read_from_the_header_is_the_pictures():
    if shutil.which("node") is None:
        pytest.skip("node is not installed (scripts/system_deps.sh node)")
    urls = [data_url(w, h) for w, h in SIZES]
    script = (
        f"import {{ pngSize }} from {json.dumps(MODULE.as_uri())};\n"
        f"console.log(JSON.stringify({json.dumps(urls)}.map(pngSize)));\n"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    read = [(size["width"], size["height"]) for size in json.loads(done.stdout)]
    assert read == SIZES == [Image.open(io.BytesIO(base64.b64decode(u.split(",")[1]))).size for u in urls]

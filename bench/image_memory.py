"""Peak memory of `badgeforge render` with small files that decode to huge images, as background AND logo.

Each render runs in its own process and reports its own peak RSS; the same render without images is the peer, so
the figures are printed as MB and as a ratio to it. Target (issue 7): the 116 KB 6,320 x 6,320 PNG peaks at
<= 250 MB or is refused with one clear line.
Usage: .venv/bin/python bench/image_memory.py [--badges 20]
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import sys
from badgeforge.cli.main import main
sys.argv = ["badgeforge", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
else:
    code = 0
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would include the parent's memory at fork time.
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
sys.stderr.write(f"\\nPEAK_KB {peak} EXIT {code}\\n")
"""


def make_images(folder: Path) -> dict[str, Path]:
    from PIL import Image, ImageDraw

    made: dict[str, Path] = {}

    def save(name: str, img: Image.Image, **kwargs: object) -> None:
        made[name] = folder / name
        img.save(made[name], **kwargs)

    side = 6320
    rgb = Image.new("RGB", (side, side), (30, 90, 200))
    draw = ImageDraw.Draw(rgb)
    for y in range(0, side, 400):
        draw.line((0, y, side, y), fill=(255, 255, 255), width=8)
    save("rgb-6320.png", rgb, optimize=True)
    save("rgb-6320.jpg", rgb, quality=85)
    del rgb, draw
    palette = Image.new("P", (side, side), 3)
    palette.putpalette([v for i in range(256) for v in (i, 90, 200)])
    save("palette-6320.png", palette, optimize=True)
    del palette
    save("rgba-16mp.png", Image.new("RGBA", (3990, 3990), (30, 90, 200, 128)))
    return made


def render(csv_path: Path, out: Path, *extra: str) -> tuple[float, int, str]:
    """(peak MB, exit code, last stderr line) of one CLI render in a fresh interpreter."""
    args = [sys.executable, "-c", _CHILD, "render", str(csv_path), "-o", str(out), *extra]
    done = subprocess.run(args, capture_output=True, text=True)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    marker = next(line for line in reversed(lines) if line.startswith("PEAK_KB"))
    _, kb, _, code = marker.split()
    message = next((line for line in reversed(lines) if not line.startswith("PEAK_KB")), "")
    return int(kb) / 1024, int(code or 0), message


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["Name", "Company"])
        writer.writerows([f"Person {i}", "Analytical Engines"] for i in range(args.badges))
        csv_path = folder / "attendees.csv"
        csv_path.write_text(buffer.getvalue())
        images = make_images(folder)
        base, _, _ = render(csv_path, folder / "plain.pdf")
        print(f"no images (the peer): {base:.0f} MB")
        for name, path in images.items():
            for size in ("A6", "200x280mm"):
                paper = ["--paper", "A3"] if size == "200x280mm" else []
                peak, code, message = render(
                    csv_path,
                    folder / "out.pdf",
                    "--background",
                    str(path),
                    "--logo",
                    str(path),
                    "--badge-size",
                    size,
                    *paper,
                )
                size_kb = path.stat().st_size / 1024
                outcome = "rendered" if code == 0 else f"refused: {message[:150]}"
                print(f"{name} ({size_kb:.0f} KB) on {size}: {peak:.0f} MB ({peak / base:.1f}x the peer), {outcome}")


if __name__ == "__main__":
    main()

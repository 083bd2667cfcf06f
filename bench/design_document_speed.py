"""Rendering a design document vs the bundled design it was exported from, printed as ratios (target <= 1.2x).

Both run in this process, one core, interleaved, medians of --repeat runs of CPU time (process_time: a busy
neighbour on a shared machine moves wall time by +-40 %, CPU time far less; wall time is printed beside it), on
the same attendees, options, logo and event name; the document's static layer is drawn with cairo shapes instead
of the bundled design's cairosvg artwork, and its per-badge loop goes through the document adapter.
"studio" is the document as the studio saves it (the name dragged 15 mm down and its font size halved, stored
through services.saved_designs in a local home and read back the way a job reads it), against the same bundled peer.
Also: the same for a document with a photo element and a ZIP of photos (no bundled peer: printed in ms per badge).
Usage: .venv/bin/python bench/design_document_speed.py [--badges 2000] [--repeat 3] [--designs classic,pass]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_data import attendees, logo_png

TARGET = 1.2


def main() -> None:
    from badge_renderer.design_document import export_design, parse_document
    from badge_renderer.designs import design_names
    from badge_renderer.options import RenderOptions
    from badge_renderer.render import render_pdf

    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--designs", default=",".join(design_names()))
    args = parser.parse_args()
    people = attendees(args.badges, distinct=True)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.designs.split(","):
            base = RenderOptions(design=name, event_name="BenchConf 2026", logo_image=logo_png(), workers=1)
            runs = {
                "bundled": base,
                "document": base.with_changes(design_document=parse_document(export_design(name))),
                "studio": base.with_changes(design_document=parse_document(_studio_document(name, Path(tmp)))),
            }
            times: dict[str, list[float]] = {k: [] for k in runs}
            walls: dict[str, list[float]] = {k: [] for k in runs}
            for options in runs.values():  # fonts, shaping caches and imports warm before either is timed
                render_pdf(people[:50], options, Path(tmp) / "warm.pdf")
            for index in range(args.repeat):
                order = list(runs.items()) if index % 2 == 0 else list(runs.items())[::-1]  # neither always first
                for label, options in order:
                    start, wall = time.process_time(), time.perf_counter()
                    render_pdf(people, options, Path(tmp) / f"{label}.pdf")
                    times[label].append(time.process_time() - start)
                    walls[label].append(time.perf_counter() - wall)
            bundled = statistics.median(times["bundled"])
            for label in ("document", "studio"):
                took = statistics.median(times[label])
                wall_ratio = statistics.median(walls[label]) / statistics.median(walls["bundled"])
                ratio = took / bundled
                worst = max(worst, ratio)
                print(
                    f"{name:<11} CPU bundled {bundled:6.2f} s  {label:<8} {took:6.2f} s  "
                    f"ratio {ratio:4.2f}x (target <= {TARGET}x) {'ok' if ratio <= TARGET else 'OVER'}"
                    f"   (wall ratio {wall_ratio:4.2f}x)"
                )
        print(
            f"photos     {_photo_ms(people[: min(500, len(people))], Path(tmp)):.2f} ms per badge (500 distinct photos)"
        )
    print(f"worst ratio {worst:.2f}x")


def _studio_document(name: str, tmp: Path) -> dict:
    """The bundled design edited as the studio e2e edits it, saved and loaded through the saved-designs service."""
    from datetime import UTC, datetime

    from badge_renderer.design_document import export_design
    from badgeforge.config import Settings, build_services
    from badgeforge.services import saved_designs

    services = build_services(Settings(mode="local", home=tmp / f"studio-{name}"))
    doc = export_design(name)
    for element in doc["elements"]:
        if element["kind"] == "name":
            element["box"]["y"] = min(element["box"]["y"] + 15, doc["size"]["height_mm"] - element["box"]["height"])
            element["max_size"] = max(element.get("min_size", 8), element.get("max_size", 36) // 2)
    saved = saved_designs.create(services, "bench", f"{name} (studio)", doc, datetime.now(UTC))
    return saved_designs.load_document(services, "bench", saved.id)


def _photo_ms(people: list, tmp: Path) -> float:
    from PIL import Image

    from badge_renderer.design_document import export_design, parse_document
    from badge_renderer.model import Attendee
    from badge_renderer.options import RenderOptions
    from badge_renderer.photos import PhotoArchive
    from badge_renderer.render import render_pdf

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(len(people)):
            photo = io.BytesIO()
            Image.new("RGB", (800, 1000), ((index * 37) % 255, 90, 160)).save(photo, "JPEG", quality=85)
            archive.writestr(f"p{index}.jpg", photo.getvalue())
    doc = export_design("classic")
    doc["elements"] = [e for e in doc["elements"] if e["id"] != "qr"]
    doc["elements"].append(
        {"id": "photo", "kind": "photo", "column": "Photo", "box": {"x": 72, "y": 40, "width": 24, "height": 26}}
    )
    with_photos = [
        Attendee(row=p.row, first_name=p.first_name, last_name=p.last_name, extra={"Photo": f"p{i}.jpg"})
        for i, p in enumerate(people)
    ]
    options = RenderOptions(design_document=parse_document(doc), photos=PhotoArchive(out.getvalue()), workers=1)
    start = time.perf_counter()
    render_pdf(with_photos, options, tmp / "photos.pdf")
    return (time.perf_counter() - start) / len(people) * 1000


if __name__ == "__main__":
    main()

"""`badgeforge designs export / validate` and `badgeforge render --design-file`, run as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BADGEFORGE = Path(sys.executable).parent / "badgeforge"
CSV = (
    "First Name,Last Name,Company,Ticket Type,Table\nAda,Lovelace,Engines,Speaker,T7\nAlan,Turing,Bletchley,Attendee,\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BADGEFORGE), *args], capture_output=True, text=True, timeout=120, check=False)


def test_export_validate_and_render_a_design_file(tmp_path: Path) -> None:
    doc = tmp_path / "classic.json"
    done = run("designs", "export", "classic", "-o", str(doc))
    assert done.returncode == 0, done.stderr
    assert json.loads(doc.read_text())["format"] == "badgeforge-design"
    assert run("designs", "validate", str(doc)).returncode == 0
    raw = json.loads(doc.read_text())
    raw["elements"].append(
        {
            "id": "table",
            "kind": "text",
            "column": "Table",
            "box": {"x": 70, "y": 40, "width": 25, "height": 8},
            "max_size": 12,
            "min_size": 8,
            "when": [{"column": "Table", "not_empty": True}],
        }
    )
    doc.write_text(json.dumps(raw))
    (tmp_path / "a.csv").write_text(CSV)
    out = tmp_path / "b.pdf"
    done = run("render", str(tmp_path / "a.csv"), "-o", str(out), "--design-file", str(doc), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["badges"] == 2
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "T7" in text and "Lovelace" in text


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    doc = tmp_path / "bad.json"
    assert run("designs", "export", "minimal", "-o", str(doc)).returncode == 0
    raw = json.loads(doc.read_text())
    by_id = {e["id"]: e for e in raw["elements"]}
    by_id["name"]["min_size"] = 3
    by_id["role"]["align"] = "middle"
    doc.write_text(json.dumps(raw))
    done = run("designs", "validate", str(doc))
    assert done.returncode == 1
    assert "2 problems" in done.stderr and "min_size" in done.stderr and "align" in done.stderr
    assert "Traceback" not in done.stderr
    rendered = run("render", "/dev/null", "-o", str(tmp_path / "x.pdf"), "--design-file", str(doc))
    assert rendered.returncode == 2 and "Traceback" not in rendered.stderr


def test_export_unknown_design_and_validate_missing_file(tmp_path: Path) -> None:
    done = run("designs", "export", "nope", "-o", str(tmp_path / "x.json"))
    assert done.returncode == 2 and "classic" in done.stderr
    done = run("designs", "validate", str(tmp_path / "missing.json"), "--json")
    assert done.returncode == 1 and "cannot read" in json.loads(done.stdout)["problems"][0]


def test_designs_still_lists(tmp_path: Path) -> None:
    done = run("designs", "--json")
    assert done.returncode == 0 and {"classic", "pass"} <= {d["name"] for d in json.loads(done.stdout)["designs"]}


def test_render_with_photos_warns_about_a_missing_one_and_refuses_a_hostile_zip(tmp_path: Path) -> None:
    import io
    import zipfile

    from PIL import Image

    doc = tmp_path / "photo.json"
    assert run("designs", "export", "classic", "-o", str(doc)).returncode == 0
    raw = json.loads(doc.read_text())
    raw["elements"] = [e for e in raw["elements"] if e["id"] != "qr"]
    raw["elements"].append(
        {"id": "photo", "kind": "photo", "column": "Photo", "box": {"x": 72, "y": 40, "width": 24, "height": 26}}
    )
    doc.write_text(json.dumps(raw))
    (tmp_path / "a.csv").write_text("First Name,Last Name,Photo\nAda,Lovelace,ada.jpg\nAlan,Turing,alan.jpg\n")
    photo = io.BytesIO()
    Image.new("RGB", (200, 260), (10, 20, 30)).save(photo, "JPEG")
    for name, entries in (("good.zip", {"ada.jpg": photo.getvalue()}), ("bad.zip", {"../x.jpg": b"x"})):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            for entry, data in entries.items():
                archive.writestr(entry, data)
    args = ("render", str(tmp_path / "a.csv"), "-o", str(tmp_path / "b.pdf"), "--design-file", str(doc), "--json")
    done = run(*args, "--photos", str(tmp_path / "good.zip"))
    assert done.returncode == 0, done.stderr
    warnings = json.loads(done.stdout)["warnings"]
    assert [(w["row"], w["column"]) for w in warnings if "placeholder" in w["message"]] == [(3, "Photo")]
    done = run(*args, "--photos", str(tmp_path / "bad.zip"))
    assert done.returncode == 2 and "points outside the archive" in done.stderr and "Traceback" not in done.stderr

"""`badgeforge presets [--json]` (the real command, as a subprocess) and `render --preset` telling the user when a
preset's geometry is unconfirmed (stderr and the JSON result) or when crop marks were dropped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from badge_renderer.layout import PRESETS, find_preset

BADGEFORGE = Path(sys.executable).parent / "badgeforge"
CSV = "First Name,Last Name\nAda,Lovelace\nAlan,Turing\n"
KEYS = {
    "name",
    "brand",
    "part",
    "title",
    "paper",
    "badge",
    "columns",
    "rows",
    "left_mm",
    "top_mm",
    "pitch_x_mm",
    "pitch_y_mm",
    "confirmed",
    "aliases",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BADGEFORGE), *args], capture_output=True, text=True, timeout=120, check=False)


def test_presets_json_is_a_list_of_presets_with_their_geometry_in_mm() -> None:
    done = run("presets", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert isinstance(rows, list) and [r["name"] for r in rows] == list(PRESETS)
    for row in rows:
        assert set(row) >= KEYS, row["name"]
        assert set(row["paper"]) == set(row["badge"]) == {"width_mm", "height_mm"}
        assert isinstance(row["confirmed"], bool) and isinstance(row["aliases"], list)
        assert all(isinstance(row[k], int) and row[k] >= 1 for k in ("columns", "rows"))
        assert find_preset(row["name"]).name == row["name"]
        for alias in row["aliases"]:
            assert find_preset(alias).name == row["name"]
    herma = next(r for r in rows if r["name"] == "herma-4412")
    assert (herma["brand"], herma["part"], herma["columns"], herma["rows"]) == ("HERMA", "4412", 2, 5)
    assert (herma["left_mm"], herma["top_mm"], herma["pitch_x_mm"], herma["pitch_y_mm"]) == (17.5, 13.5, 95, 55)
    assert herma["paper"] == {"width_mm": 210, "height_mm": 297} and herma["badge"] == {"width_mm": 80, "height_mm": 50}
    assert {r["name"] for r in rows if not r["confirmed"]} == {"avery-5390", "durable-8334-02"}


def test_presets_listing_marks_the_unconfirmed_ones() -> None:
    done = run("presets")
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert "[unconfirmed]" in lines["avery-5390"] and "[unconfirmed]" not in lines["herma-4412"]
    assert any(line.split()[:1] == ["presets"] for line in run("--help").stdout.splitlines())


def render(tmp_path: Path, *args: str) -> tuple[str, str]:
    """`badgeforge render` in-process (the subprocess start-up is covered above): (stdout, stderr)."""
    from click.testing import CliRunner

    from badgeforge.cli.render_cmd import render as command

    (tmp_path / "a.csv").write_text(CSV)
    done = CliRunner().invoke(command, [str(tmp_path / "a.csv"), "-o", str(tmp_path / "b.pdf"), *args])
    assert done.exit_code == 0, done.output
    return done.stdout, done.stderr


def test_an_unconfirmed_preset_warns_on_stderr_and_in_the_json(tmp_path: Path) -> None:
    _, stderr = render(tmp_path, "--preset", "Avery 5390")
    assert "warning: preset: The 'avery-5390' preset's geometry is not confirmed" in stderr
    stdout, _ = render(tmp_path, "--preset", "avery 74536", "--json")
    warnings = json.loads(stdout)["warnings"]
    assert [w["column"] for w in warnings] == ["preset"] and warnings[0]["row"] is None


def test_a_confirmed_preset_says_nothing_and_dropped_crop_marks_are_reported(tmp_path: Path) -> None:
    stdout, _ = render(tmp_path, "--preset", "HERMA 4412", "--json")
    warnings = json.loads(stdout)["warnings"]
    assert not [w for w in warnings if w["column"] == "preset"]
    # The only note is the design's, not the preset's: classic's name box (kept short above the 15 mm QR code)
    # holds one 18 pt line on an 80 x 50 mm label.
    assert [w["column"] for w in warnings] == ["badge_size"] and "holds one line at 18 pt" in warnings[0]["message"]
    _, stderr = render(tmp_path, "--preset", "Lyreco 143.344", "--crop-marks")
    assert "warning: preset: Crop marks were dropped for 9 of 11 cut lines" in stderr

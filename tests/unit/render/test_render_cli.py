"""The real `badgeforge render` / `designs` commands, run as subprocesses on a small CSV."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

BADGEFORGE = Path(sys.executable).parent / "badgeforge"
CSV = (
    "First Name,Last Name,Company,Ticket Type,Email\n"
    "Ada,Lovelace,Engines,Speaker,ada@x.org\nAlan,Turing,Bletchley,Attendee,a@x.org\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BADGEFORGE), *args], capture_output=True, text=True, timeout=120, check=False)


def test_render_json_shape_preview_and_zip(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(CSV)
    out, preview, archive = tmp_path / "b.pdf", tmp_path / "p.png", tmp_path / "z.zip"
    done = run(
        "render",
        str(tmp_path / "a.csv"),
        "-o",
        str(out),
        "--json",
        "--qr",
        "vcard",
        "--preview",
        str(preview),
        "--png-zip",
        str(archive),
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {"badges": 2, "pages": 1, "pdf": str(out), "warnings": []}
    assert out.read_bytes().startswith(b"%PDF")
    assert preview.read_bytes().startswith(b"\x89PNG")
    assert len(zipfile.ZipFile(archive).namelist()) == 2


def test_bad_option_exits_2_with_one_line_and_json_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(CSV)
    done = run("render", str(tmp_path / "a.csv"), "-o", str(tmp_path / "b.pdf"), "--accent", "red", "--json")
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["error"]["column"] == "accent"


def test_unreadable_csv_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    done = run("render", str(tmp_path / "a.csv"), "-o", str(tmp_path / "b.pdf"))
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_unknown_design_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(CSV)
    done = run("render", str(tmp_path / "a.csv"), "-o", str(tmp_path / "b.pdf"), "--design", "nope")
    assert done.returncode == 2 and "classic" in done.stderr


def test_designs_lists_at_least_four(tmp_path: Path) -> None:
    done = run("designs", "--json")
    assert done.returncode == 0
    names = {d["name"] for d in json.loads(done.stdout)["designs"]}
    assert {"classic", "modern", "conference", "minimal", "pass"} <= names


def test_missing_libcairo_says_how_to_install_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """libcairo2 cannot be uninstalled here: simulate cairocffi's OSError at import instead (mocked on purpose)."""
    import builtins

    from click.testing import CliRunner

    from badgeforge.cli.render_cmd import render

    real_import = builtins.__import__

    def no_cairo(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "cairocffi":
            raise OSError("no library called cairo-2 was found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cairo)
    done = CliRunner().invoke(render, ["x.csv", "-o", "x.pdf"])
    assert done.exit_code == 1
    assert "sudo apt-get install libcairo2" in done.output
    assert "Traceback" not in done.output


SEVEN = "Name,Ticket Type\n" + "".join(f"Person {i},Attendee\n" for i in range(7))


def render_pages(tmp_path: Path, *args: str) -> dict[str, object]:
    from click.testing import CliRunner

    from badgeforge.cli.render_cmd import render

    (tmp_path / "seven.csv").write_text(SEVEN)
    done = CliRunner().invoke(render, [str(tmp_path / "seven.csv"), "-o", str(tmp_path / "s.pdf"), "--json", *args])
    return json.loads(done.output.strip().splitlines()[-1])


def test_margin_and_gutter_options_change_the_sheet(tmp_path: Path) -> None:
    letter = ("--paper", "letter", "--badge-size", "4x3in")
    assert render_pages(tmp_path, *letter)["pages"] == 2  # auto margin: 6 per Letter sheet
    assert render_pages(tmp_path, *letter, "--margin", "10", "--no-rotate")["pages"] == 3  # 3 per sheet
    assert render_pages(tmp_path, *letter, "--margin", "10")["pages"] == 2  # turned: 4 per sheet
    assert render_pages(tmp_path, *letter, "--margin", "5", "--gutter", "20", "--no-rotate")["pages"] == 3
    assert render_pages(tmp_path, *letter, "--margin", "101")["error"]["column"] == "margin_mm"  # type: ignore[index]


def test_preset_names_are_forgiving(tmp_path: Path) -> None:
    assert render_pages(tmp_path, "--preset", "Avery 5395")["pages"] == 1  # 8 per sheet
    assert render_pages(tmp_path, "--preset", "AVERY-5392")["pages"] == 2  # 6 per sheet
    assert render_pages(tmp_path, "--preset", "Avery 0000")["error"]["column"] == "preset"  # type: ignore[index]


def test_qr_from_a_recognised_column_uses_the_field_it_was_read_into(tmp_path: Path) -> None:
    """ "Order code" is read into ticket_id; --qr "Order code" must still find it (it printed no QR code before)."""
    from click.testing import CliRunner
    from PIL import Image

    from badgeforge.cli.render_cmd import render

    (tmp_path / "a.csv").write_text("First Name,Last Name,Order code\nAda,Lovelace,PCE26-7KQ2M\n")

    def preview(*qr: str) -> Image.Image:
        out = tmp_path / f"p{len(qr)}.png"
        args = [str(tmp_path / "a.csv"), "-o", str(tmp_path / "b.pdf"), "--design", "minimal", "--preview", str(out)]
        assert CliRunner().invoke(render, [*args, *qr]).exit_code == 0
        return Image.open(out).convert("L")

    without, with_qr = preview(), preview("--qr", "order CODE")
    assert without.tobytes() != with_qr.tobytes()


def test_render_bleed_and_pdfx_reach_the_pdf(tmp_path: Path) -> None:
    import pikepdf

    (tmp_path / "a.csv").write_text(CSV)
    out = tmp_path / "b.pdf"
    done = run("render", str(tmp_path / "a.csv"), "-o", str(out), "--bleed", "3", "--pdfx", "--crop-marks")
    assert done.returncode == 0, done.stderr
    with pikepdf.open(out) as pdf:
        page = pdf.pages[0]
        trim, bleed = [float(v) for v in page.trimbox], [float(v) for v in page.bleedbox]
        assert round(trim[0] - bleed[0], 2) == round(3 * 72 / 25.4, 2)
        assert "/OutputIntents" in pdf.Root


def test_render_bleed_out_of_range_or_on_labels_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(CSV)
    for args in (("--bleed", "9"), ("--bleed", "3", "--preset", "Avery 5395")):
        done = run("render", str(tmp_path / "a.csv"), "-o", str(tmp_path / "b.pdf"), "--json", *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
        assert json.loads(done.stdout)["error"]["column"] == "bleed_mm"


def test_format_zpl_writes_one_label_per_badge_at_the_chosen_dpi(tmp_path: Path) -> None:
    from tests.zpl_decode import labels

    (tmp_path / "a.csv").write_text(CSV)
    out = tmp_path / "b.zpl"
    args = ("render", str(tmp_path / "a.csv"), "-o", str(out), "--json", "--preset", "zebra-4x6in", "--format", "zpl")
    done = run(*args, "--dpi", "300")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["badges"] == 2
    found = labels(out.read_text())
    assert [(w, h) for w, h, _ in found] == [(1200, 1800)] * 2  # 4 x 6 in at 300 dpi
    bad = run(*args, "--dpi", "150")
    assert bad.returncode == 2 and "150" in bad.stderr

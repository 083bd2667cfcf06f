"""`badgeforge calibration -o FILE`: the printer calibration page, to print, fold and read the offsets from (then
render with --offset-x/--offset-y, or type them into the web form's Print group)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PDF to write.")
@click.option("--paper", default="A4", show_default=True, help="Paper: A4, letter, ... or a size like 210x297mm.")
@click.option("--preset", default=None, help="A label sheet: calibrate on its paper.")
@click.option("--offset-x", type=float, default=0.0, help="Print it with this offset (mm, right) to check it.")
@click.option("--offset-y", type=float, default=0.0, help="Print it with this offset (mm, down) to check it.")
def calibration(output: Path, paper: str, preset: str | None, offset_x: float, offset_y: float) -> None:
    """Write the printer calibration page; its instructions say how to read --offset-x and --offset-y from it."""
    from badge_renderer.calibration import calibration_pdf
    from badge_renderer.errors import BadgeForgeError

    from .render_cmd import _fail, _require_cairo

    _require_cairo()
    try:
        calibration_pdf(output, paper, preset=preset, offset_x_mm=offset_x, offset_y_mm=offset_y)
    except BadgeForgeError as err:
        _fail(err, as_json=False)
    click.echo(f"Wrote {output}. Print it at 100 %, fold it in half both ways and read the offsets at the folds.")

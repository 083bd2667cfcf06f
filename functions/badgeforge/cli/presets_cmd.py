"""`badgeforge presets`: the label sheets and label-printer stock a render can be placed on (--preset NAME)."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the presets as a JSON list (sizes in mm).")
def presets(as_json: bool) -> None:
    """List the label presets with their geometry; unconfirmed ones are marked and warn when used."""
    from badge_renderer.layout import PRESETS

    rows = [preset.describe() for preset in PRESETS.values()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(str(r["name"])) for r in rows)
    for row, preset in zip(rows, PRESETS.values(), strict=True):
        grid = "roll" if preset.kind == "continuous" else f"{preset.columns}x{preset.rows}"
        flag = "" if preset.confirmed else "  [unconfirmed]"
        click.echo(f"{row['name']:<{width}}  {grid:<5} {preset.title}{flag}")
    click.echo("Use with: badgeforge render INPUT -o OUT.pdf --preset NAME (names like 'HERMA 4412' work too).")

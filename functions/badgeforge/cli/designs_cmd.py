"""`badgeforge designs`: list the bundled designs, export one as a design document, validate a document."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from badge_renderer.errors import BadgeForgeError


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the designs as JSON.")
@click.pass_context
def designs(ctx: click.Context, as_json: bool) -> None:
    """List the badge designs (or export / validate a design document)."""
    if ctx.invoked_subcommand is None:
        from badgeforge.cli.render_cmd import list_designs_command

        list_designs_command(as_json)


@designs.command("export")
@click.argument("name")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Design document to write.")
def export(name: str, output: str) -> None:
    """Write the bundled design NAME as a design document (JSON) to edit and render with --design-file."""
    from badge_renderer.design_document import export_design

    try:
        document = export_design(name)
        Path(output).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except BadgeForgeError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    except OSError as err:
        click.echo(f"error: cannot write {output}: {err.strerror}", err=True)
        sys.exit(2)
    click.echo(f"{name}: {output}")


@designs.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print {valid, problems} as JSON.")
def validate(file: str, as_json: bool) -> None:
    """Check a design document and explain every problem (exit status 1 when there is one)."""
    from badge_renderer import limits
    from badge_renderer.design_document import document_problems

    try:
        size = Path(file).stat().st_size
        if size > limits.DESIGN_MAX_BYTES:
            problems = [
                f"the file is {limits.describe_bytes(size)}, more than {limits.describe_bytes(limits.DESIGN_MAX_BYTES)}"
            ]
        else:
            problems = document_problems(Path(file).read_bytes(), filename=Path(file).name)
    except OSError as err:
        problems = [f"cannot read {file}: {err.strerror}"]
    if as_json:
        click.echo(json.dumps({"valid": not problems, "problems": problems}))
    elif problems:
        click.echo(f"{file}: {len(problems)} problem{'s' if len(problems) != 1 else ''}:", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
    else:
        click.echo(f"{file}: valid")
    sys.exit(1 if problems else 0)

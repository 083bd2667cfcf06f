"""`badgeforge render` (attendee CSV -> print-ready PDF, PNG preview/ZIP) and `badgeforge designs`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import click

from badge_renderer.errors import BadgeForgeError, OptionsError

MISSING_CAIRO = "error: the cairo library is missing. Install it with: sudo apt-get install libcairo2"


def _require_cairo() -> None:
    """cairocffi loads libcairo at import; without it say the one command that fixes it."""
    try:
        import cairocffi  # noqa: F401
    except OSError:
        click.echo(MISSING_CAIRO, err=True)
        sys.exit(1)


def _fail(err: BadgeForgeError, as_json: bool) -> None:
    click.echo(f"error: {err}", err=True)
    if as_json:
        click.echo(json.dumps({"error": err.to_dict()}))
    sys.exit(2)


def _parse_map(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise OptionsError(f"--map '{pair}' is not field=Column", hint="E.g. --map role=Designation", column="map")
        mapping[field.strip()] = column.strip()
    return mapping


def _read_image(path: str | None, option: str) -> bytes | None:
    if not path:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise OptionsError(f"Cannot read {path}: {err.strerror}", column=option) from err


def _read_design(path: str | None) -> Any:
    if not path:
        return None
    from badge_renderer.design_document import read_document

    return read_document(path)


def _read_photos(path: str | None) -> Any:
    if not path:
        return None
    from badge_renderer.photos import PhotoArchive, check_zip_size

    try:
        check_zip_size(Path(path).stat().st_size)  # before reading it into memory
        return PhotoArchive(Path(path).read_bytes())
    except OSError as err:
        raise OptionsError(f"Cannot read {path}: {err.strerror}", column="photos") from err


@click.command()
@click.argument("input_csv", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="PDF to write.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["pdf", "zpl"]),
    default="pdf",
    show_default=True,
    help="zpl: one ^GFA raster label per badge for Zebra printers (use a label preset, e.g. zebra-4x3in).",
)
@click.option("--dpi", type=click.Choice(["203", "300", "600"]), default="203", show_default=True, help="ZPL dots.")
@click.option("--dither", is_flag=True, help="ZPL: dither greys (photos) instead of a 50 % threshold.")
@click.option("--plain-hex", is_flag=True, help="ZPL: plain hex rows instead of ZPL's ASCII compression.")
@click.option("--design", default="classic", show_default=True, help="Design name (see `badgeforge designs`).")
@click.option(
    "--design-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A design document (JSON) to draw instead of --design (see `badgeforge designs export`).",
)
@click.option(
    "--photos",
    type=click.Path(dir_okay=False),
    default=None,
    help="ZIP of attendee photos, named by the design's photo column.",
)
@click.option("--paper", default="A4", show_default=True, help="A3, A4, A5, letter, legal or WxHmm.")
@click.option("--badge-size", default=None, help="4x3in, A6, ID-1, 90x54mm ... (default: the design's).")
@click.option(
    "--preset",
    default=None,
    help="Label sheet or label-printer preset, e.g. 'HERMA 4412' (see `badgeforge presets`; overrides paper, "
    "badge size, margins).",
)
@click.option(
    "--margin",
    type=float,
    default=None,
    metavar="MM",
    help="Margin around the badges in mm (default: auto, 10 mm or down to 4 mm when more badges fit).",
)
@click.option("--gutter", type=float, default=0.0, show_default=True, metavar="MM", help="Space between badges in mm.")
@click.option("--png-zip", type=click.Path(dir_okay=False), default=None, help="Also write a ZIP of 300 dpi PNGs.")
@click.option("--preview", type=click.Path(dir_okay=False), default=None, help="Also write a PNG of the first badge.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Take a field from a named column.")
@click.option("--strict", is_flag=True, help="Fail on the first row problem instead of warning.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the result on stdout.")
@click.option("--event-name", default="", help="Event name printed on every badge.")
@click.option("--logo", type=click.Path(dir_okay=False), default=None, help="Logo image (PNG/JPEG/WebP/GIF).")
@click.option("--background", type=click.Path(dir_okay=False), default=None, help="Background image.")
@click.option("--background-color", default=None, help="Background colour #rrggbb.")
@click.option("--accent", default=None, help="Accent colour #rrggbb.")
@click.option("--font", default="sans", show_default=True, help="Font family from the bundled set.")
@click.option("--qr", "qr", default=None, metavar="COLUMN", help="QR code from a column, or 'vcard'.")
@click.option("--ticket-type", "ticket_types", multiple=True, help="Only these ticket types (repeatable).")
@click.option("--group-by-type", is_flag=True, help="Print each ticket type's badges together.")
@click.option("--no-pronouns", is_flag=True, help="Leave the pronouns line out.")
@click.option("--crop-marks", is_flag=True, help="Draw crop marks.")
@click.option(
    "--bleed",
    type=float,
    default=0.0,
    metavar="MM",
    help="Artwork past the trim for a print shop (3 mm is usual; 0-6); adds a gutter and TrimBox/BleedBox.",
)
@click.option("--pdfx", is_flag=True, help="Write a PDF/X-4-style file (sRGB output intent, XMP, /Trapped).")
@click.option("--one-per-page", is_flag=True, help="One badge per page (badge printers).")
@click.option("--no-rotate", is_flag=True, help="Keep badges upright even when turning them fits more per sheet.")
@click.option("--duplex", "sides", flag_value="duplex", help="Backs on alternate pages, mirrored.")
@click.option("--fold-over", "sides", flag_value="foldover", help="Back above the front, rotated 180 degrees.")
@click.option("--offset-x", type=float, default=0.0, help="Printer offset calibration in mm.")
@click.option("--offset-y", type=float, default=0.0, help="Printer offset calibration in mm.")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores for big jobs).")
def render(input_csv: str, output: str, maps: tuple[str, ...], as_json: bool, **opts: Any) -> None:
    """Render every attendee of INPUT (any CSV) into one print-ready PDF."""
    _require_cairo()
    try:
        result, extra = _render(input_csv, Path(output), maps, as_json, opts)
    except BadgeForgeError as err:
        _fail(err, as_json)
        return
    warnings = [w.to_dict() for w in result.warnings]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "badges": result.badges,
                    "pages": result.pages,
                    "pdf": str(result.pdf_path),
                    "warnings": warnings,
                }
            )
        )
        return
    for issue in result.warnings[:20]:
        where = ", ".join(p for p in (f"row {issue.row}" if issue.row else "", issue.column or "") if p)
        click.echo(f"warning: {where}: {issue.message}", err=True)
    if len(result.warnings) > 20:
        click.echo(f"warning: ... and {len(result.warnings) - 20} more", err=True)
    size = result.pdf_bytes / 1e6
    click.echo(f"{result.badges} badges on {result.pages} pages: {result.pdf_path} ({size:.1f} MB)")
    for label, path in extra.items():
        click.echo(f"{label}: {path}")


def _render(
    input_csv: str, output: Path, maps: tuple[str, ...], as_json: bool, opts: dict[str, Any]
) -> tuple[Any, dict[str, str]]:
    from badge_renderer.attendees import read_attendees
    from badge_renderer.render import RenderOptions, render_pdf, render_png_zip, render_preview_png, select_for_options

    try:
        data = Path(input_csv).read_bytes()
    except OSError as err:
        raise OptionsError(f"Cannot read {input_csv}: {err.strerror}", column="INPUT") from err
    table = read_attendees(data, filename=Path(input_csv).name, mapping=_parse_map(maps), strict=opts["strict"])
    qr = opts["qr"]
    options = RenderOptions(
        design=opts["design"],
        paper=opts["paper"],
        badge_size=opts["badge_size"],
        preset=opts["preset"],
        margin_mm=opts["margin"],
        gutter_mm=opts["gutter"],
        offset_x_mm=opts["offset_x"],
        offset_y_mm=opts["offset_y"],
        crop_marks=opts["crop_marks"],
        bleed_mm=opts["bleed"],
        pdfx=opts["pdfx"],
        one_per_page=opts["one_per_page"],
        rotate=not opts["no_rotate"],
        sides=opts["sides"] or "single",
        event_name=opts["event_name"],
        accent=opts["accent"],
        background_color=opts["background_color"],
        font_family=opts["font"],
        show_pronouns=not opts["no_pronouns"],
        qr_field=None if qr in (None, "vcard") else table.field_for(qr),
        qr_kind="vcard" if qr == "vcard" else "text",
        ticket_types=tuple(opts["ticket_types"]),
        group_by_type=opts["group_by_type"],
        background_image=_read_image(opts["background"], "background"),
        logo_image=_read_image(opts["logo"], "logo"),
        workers=opts["workers"],
        design_document=_read_design(opts["design_file"]),
        photos=_read_photos(opts["photos"]),
    )
    options.validate()
    from badge_renderer.column_names import for_table

    options = for_table(options, table)  # a document's "{First Name}": the attendee knows it as first_name
    if opts["output_format"] == "zpl":
        return _render_zpl(table, options, output, opts), {}
    with _progress_bar(enabled=not as_json and sys.stderr.isatty()) as progress:
        result = render_pdf(table.attendees, options, output, progress=progress)
    result = type(result)(
        result.badges, result.pages, result.pdf_path, result.pdf_bytes, tuple(table.warnings) + tuple(result.warnings)
    )
    extra: dict[str, str] = {}
    selected = select_for_options(table.attendees, options)
    if opts["preview"]:
        Path(opts["preview"]).write_bytes(render_preview_png(selected[0], options))
        extra["preview"] = opts["preview"]
    if opts["png_zip"]:
        extra["png_zip"] = str(render_png_zip(selected, options, Path(opts["png_zip"])))
    return result, extra


def _render_zpl(table: Any, options: Any, output: Path, opts: dict[str, Any]) -> Any:
    """The chosen attendees as ZPL labels, in the RenderResult shape the command prints (pages = labels)."""
    from badge_renderer.render import RenderResult, select_for_options
    from badge_renderer.zpl import render_zpl

    selected = select_for_options(table.attendees, options)
    mode: Literal["threshold", "dither"] = "dither" if opts["dither"] else "threshold"
    zpl, issues = render_zpl(selected, options, dpi=int(opts["dpi"]), mode=mode, compress=not opts["plain_hex"])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(zpl, encoding="ascii")
    warnings = tuple(table.warnings) + tuple(issues)
    return RenderResult(len(selected), len(selected), output, output.stat().st_size, warnings)


class _progress_bar:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self._progress = Progress(console=Console(stderr=True), transient=True)
        self._progress.start()
        self._task = self._progress.add_task("Rendering badges", total=None)
        return self._update

    def _update(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def list_designs_command(as_json: bool) -> None:
    """`badgeforge designs`: the bundled designs, as a table or JSON."""
    from badge_renderer.designs import list_designs

    try:
        found = list_designs()
    except BadgeForgeError as err:
        _fail(err, as_json)
        return
    rows = [
        {"name": d.name, "title": d.title, "default_badge_size": d.default_badge_size, "description": d.description}
        for d in found
    ]
    if as_json:
        click.echo(json.dumps({"designs": rows}))
        return
    width = max((len(r["name"]) for r in rows), default=4)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['default_badge_size']:<9}  {r['title']}: {r['description']}")

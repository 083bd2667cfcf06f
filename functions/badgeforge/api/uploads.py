"""Reading the upload form (CSV + options + mapping + images) the same way for the preview and for a new job."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import request

from badge_renderer import limits as input_limits
from badge_renderer.errors import BadgeForgeError
from badge_renderer.options import SERVER_SIZED_OPTIONS

from .context import api
from .errors import ApiError, from_badgeforge_error
from .limits import check_csv_bytes, check_image_bytes

# Options a browser may not choose: how many processes render is the server's business, and images come only
# from the uploaded files (named by us), never from a name the form made up.
SERVER_DECIDES = (*SERVER_SIZED_OPTIONS, "background_image", "logo_image", "photos", "design_document")
IMAGE_FIELDS = {"background": "background_image", "logo": "logo_image"}
PHOTOS_FIELD = "photos"  # a ZIP of attendee photos beside the CSV, stored as photos.zip
PHOTOS_FILE = "photos.zip"
# The web form's photo ZIP: a quarter of what the CLI takes (every upload request may be this much bigger).
PHOTOS_UPLOAD_MAX_BYTES = 50_000_000
_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}
FORM_FIELDS_BYTES = 1_000_000  # options, mapping and multipart framing, beside the files


@dataclass(frozen=True)
class InputLimits:
    """The limits this server applies: Settings (BADGEFORGE_CSV_MAX_BYTES, _CSV_MAX_ROWS, _IMAGE_MAX_BYTES) when the
    services have them, else the defaults of the one source, badge_renderer.limits. The render job reads the same."""

    csv_max_bytes: int = input_limits.CSV_MAX_BYTES
    csv_max_rows: int = input_limits.CSV_MAX_ROWS
    image_max_bytes: int = input_limits.IMAGE_MAX_BYTES
    draft_max_bytes: int = 0  # Settings.draft_max_bytes; 0: drafts_bytes (one full form and a spare CSV)

    @classmethod
    def of(cls, services: Any) -> InputLimits:
        settings = getattr(services, "settings", None)
        defaults = cls()
        csv_bytes = getattr(settings, "csv_max_bytes", defaults.csv_max_bytes)
        csv_rows = getattr(settings, "csv_max_rows", defaults.csv_max_rows)
        if getattr(services, "tasks", None) is not None:  # huge events fan out (services/fanout.py): its caps apply
            csv_bytes = max(csv_bytes, getattr(settings, "fanout_max_bytes", csv_bytes))
            csv_rows = max(csv_rows, getattr(settings, "fanout_max_rows", csv_rows))
        return cls(
            csv_max_bytes=csv_bytes,
            csv_max_rows=csv_rows,
            image_max_bytes=getattr(settings, "image_max_bytes", defaults.image_max_bytes),
            draft_max_bytes=getattr(settings, "draft_max_bytes", 0),
        )

    @property
    def form_bytes(self) -> int:
        """The largest upload form that is within the limits: the CSV, each image field, and the small fields."""
        return (
            self.csv_max_bytes + len(IMAGE_FIELDS) * self.image_max_bytes + PHOTOS_UPLOAD_MAX_BYTES + FORM_FIELDS_BYTES
        )

    @property
    def drafts_bytes(self) -> int:
        """What one user's drafts may take together: the configured cap, else one full form plus a spare CSV (a
        file being replaced while its successor goes up)."""
        return self.draft_max_bytes or self.form_bytes + self.csv_max_bytes

    def asset_max_bytes(self, kind: str) -> int:
        return PHOTOS_UPLOAD_MAX_BYTES if kind == PHOTOS_FIELD else self.image_max_bytes


def read_capped(storage: Any, max_bytes: int, what: str, field: str) -> bytes:
    """At most max_bytes of an uploaded file (one more byte tells us it is over), else a 413 that says the limit."""
    data = storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ApiError(413, "too_large", f"The {what} is over {input_limits.describe_bytes(max_bytes)}.", field=field)
    return data


@dataclass
class Upload:
    csv: bytes
    filename: str
    options: dict[str, Any]
    mapping: dict[str, str]
    images: dict[str, bytes] = field(default_factory=dict)  # file name beside job.json -> bytes
    design_document: dict[str, Any] | None = None  # a saved design (design_id) or the studio's posted document

    def files(self) -> dict[str, bytes]:
        """What lands in uploads/{uid}/{jobId}/ besides the CSV: the images and job.json (RenderOptions keys, images
        by file name, and "mapping": {field: column} when the user chose one; the render job pops it for the reader)."""
        job = {**self.options, "mapping": self.mapping} if self.mapping else dict(self.options)
        return {**self.images, "job.json": json.dumps(job).encode()}


def read_upload() -> Upload:
    limits = InputLimits.of(api().services)
    csv_file = request.files.get("csv")
    draft_id = request.form.get("draft", "").strip()
    if csv_file is None and draft_id:
        filename, data = read_draft(draft_id, limits)
    elif csv_file is None:
        raise ApiError(400, "missing_file", "Choose an attendee CSV file to upload.", field="csv")
    else:
        filename = csv_file.filename or "attendees.csv"
        data = read_capped(csv_file, limits.csv_max_bytes, "attendee file", "csv")
    check_csv_bytes(data)
    options = _json_field("options")
    for key in SERVER_DECIDES:
        options.pop(key, None)
    mapping = {str(k): str(v) for k, v in _json_field("mapping").items() if str(v).strip()}
    images: dict[str, bytes] = {}
    for form_name, option_name in IMAGE_FIELDS.items():
        image_bytes = read_asset(form_name, limits)
        if not image_bytes:
            continue
        name = f"{form_name}.{_EXT[check_image_bytes(image_bytes, field=form_name)]}"
        images[name] = image_bytes
        options[option_name] = name
    design_id = options.pop("design_id", None)
    if design_id not in (None, ""):
        images_document = saved_design_document(str(design_id))
        options["design_id"] = str(design_id)  # job.json names it; the render job reads it from the database
    else:
        images_document = None
    photos = _read_photos()
    if photos:
        images[PHOTOS_FILE] = photos
        options["photos"] = PHOTOS_FILE
    return Upload(
        csv=data, filename=filename, options=options, mapping=mapping, images=images, design_document=images_document
    )


def saved_design_document(design_id: str) -> dict[str, Any]:
    """One of the caller's saved designs as a complete document, or a 400 on the design_id option."""
    from badgeforge.services import saved_designs

    from .context import current_user

    try:
        return saved_designs.load_document(api().services, current_user().uid, design_id)
    except (saved_designs.DesignNotFound, saved_designs.DesignRefused) as err:
        raise ApiError(
            400,
            "bad_options",
            f"There is no saved design '{design_id[:64]}'.",
            field="design_id",
            hint="Choose one of your saved designs, or a bundled one.",
        ) from err


def _read_photos() -> bytes | None:
    """The photo ZIP field (the file, or its draft), checked whole so a bad ZIP is refused before a job exists."""
    data = read_asset(PHOTOS_FIELD, InputLimits.of(api().services))
    if data:
        check_asset(PHOTOS_FIELD, data)
    return data or None


ASSET_KINDS = (*IMAGE_FIELDS, PHOTOS_FIELD)  # the form's file fields besides the CSV; each is also a draft kind
ASSET_WORDS = {"logo": "logo", "background": "background image", PHOTOS_FIELD: "photo ZIP"}


def check_asset(kind: str, data: bytes) -> str:
    """The checks the render job makes before it uses the file, made when it is chosen (a draft): an image's type
    by its bytes and its pixel cap from its header; a photo ZIP's entries, names and bombs. Returns the MIME type.
    (A file sent with the job itself gets the type check here and the rest from the preview's render.)"""
    from badge_renderer.images import check_image
    from badge_renderer.photos import PhotoArchive

    try:
        if kind == PHOTOS_FIELD:
            PhotoArchive(data)
            return "application/zip"
        mime = check_image_bytes(data, field=kind)
        check_image(data, label=ASSET_WORDS[kind])
        return mime
    except BadgeForgeError as err:
        raise from_badgeforge_error(err, field=kind) from err


def read_asset(kind: str, limits: InputLimits) -> bytes | None:
    """The form's file `kind` as sent, else the draft `{kind}_draft` names (the caller's own), else None."""
    storage = request.files.get(kind)
    if storage is not None and storage.filename:
        return read_capped(storage, limits.asset_max_bytes(kind), ASSET_WORDS[kind], kind)
    draft_id = request.form.get(f"{kind}_draft", "").strip()
    if not draft_id:
        return None
    return read_draft(draft_id, limits, kind=kind)[1]


def read_draft(draft_id: str, limits: InputLimits, *, kind: str = "csv") -> tuple[str, bytes]:
    """The signed-in user's draft upload of this kind (services.drafts), or a 410 that asks for the file again."""
    from badgeforge.services import drafts

    from . import pipeline
    from .context import current_user

    services = api().services
    max_bytes = limits.csv_max_bytes if kind == "csv" else limits.asset_max_bytes(kind)
    try:
        draft = drafts.load(
            services, current_user().uid, draft_id, pipeline.now(services), max_bytes=max_bytes, kind=kind
        )
    except drafts.DraftNotFound as err:  # expired: 410; none of this user's by that id (another's too): 404
        what = "attendee file" if kind == "csv" else ASSET_WORDS[kind]
        expired = isinstance(err, drafts.DraftExpired)
        raise ApiError(
            410 if expired else 404,
            "draft_expired" if expired else "draft_not_found",
            f"The uploaded {what} is no longer kept on the server.",
            hint="Choose the file again.",
            field=kind,
        ) from err
    return draft.filename, draft.data


def _json_field(name: str) -> dict[str, Any]:
    raw = request.form.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ApiError(400, "bad_json", f"The {name} field is not valid JSON.", field=name) from err
    if not isinstance(value, dict):
        raise ApiError(400, "bad_json", f"The {name} field must be a JSON object.", field=name)
    return value


def read_table(upload: Upload) -> Any:
    """Parse the CSV with the user's mapping; a CsvError becomes a 400 that names the row and column."""
    from badge_renderer.attendees import CsvLimits, read_attendees

    limits = InputLimits.of(api().services)
    reader_limits = CsvLimits(max_bytes=limits.csv_max_bytes, max_rows=limits.csv_max_rows)
    try:
        table = read_attendees(
            upload.csv, filename=upload.filename, mapping=upload.mapping or None, limits=reader_limits
        )
    except BadgeForgeError as err:
        api_error = from_badgeforge_error(err, field="csv")
        if getattr(err, "code", "") == "no_name_column" and getattr(err, "columns", None):
            # fixable in the browser: the page keeps the mapping open on these columns and marks the name field
            api_error.body.update(
                message=err.message,  # without the CLI's hint (--map): the page has the mapping right there
                columns=list(err.columns),  # type: ignore[attr-defined]
                required=["full_name", "first_name"],
                hint="Choose the column that holds the names under Full name (or First name and Last name).",
            )
        raise api_error from err
    if not table.attendees:
        raise ApiError(400, "no_attendees", "The file has a header but no attendee rows.", field="csv")
    return table


def render_options(upload: Upload) -> Any:
    """Validate the options exactly as the render job will (RenderOptions.from_dict); errors name the option."""
    from badge_renderer.render import RenderOptions
    from badgeforge.services import mail_language

    options = dict(upload.options)
    options.pop("design_id", None)
    if upload.design_document is not None:
        options["design_document"] = upload.design_document
    if mail_language.JOB_OPTION in options:  # the email's language: a job option the render job pops
        try:
            mail_language.parse_locale(options.pop(mail_language.JOB_OPTION))
        except mail_language.LocaleError as err:
            raise ApiError(400, "bad_options", str(err), field=mail_language.JOB_OPTION) from err
    try:
        return RenderOptions.from_dict(options, images=upload.images)
    except BadgeForgeError as err:
        raise from_badgeforge_error(err, field=err.column or "options") from err

"""Reading the upload form (CSV + options + mapping + images) the same way for the preview and for a new job."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import request

from badge_renderer.errors import BadgeForgeError
from badge_renderer.options import SERVER_SIZED_OPTIONS

from .errors import ApiError, from_badgeforge_error
from .limits import check_csv_bytes, check_image_bytes

# Options a browser may not choose: how many processes render is the server's business, and images come only
# from the uploaded files (named by us), never from a name the form made up.
SERVER_DECIDES = (*SERVER_SIZED_OPTIONS, "background_image", "logo_image")
IMAGE_FIELDS = {"background": "background_image", "logo": "logo_image"}
_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}


@dataclass
class Upload:
    csv: bytes
    filename: str
    options: dict[str, Any]
    mapping: dict[str, str]
    images: dict[str, bytes] = field(default_factory=dict)  # file name beside job.json -> bytes

    def files(self) -> dict[str, bytes]:
        """What lands in uploads/{uid}/{jobId}/ besides the CSV: the images and job.json (RenderOptions keys, images
        by file name, and "mapping": {field: column} when the user chose one; the render job pops it for the reader)."""
        job = {**self.options, "mapping": self.mapping} if self.mapping else dict(self.options)
        return {**self.images, "job.json": json.dumps(job).encode()}


def read_upload() -> Upload:
    csv_file = request.files.get("csv")
    if csv_file is None:
        raise ApiError(400, "missing_file", "Choose an attendee CSV file to upload.", field="csv")
    data = csv_file.read()
    check_csv_bytes(data)
    options = _json_field("options")
    for key in SERVER_DECIDES:
        options.pop(key, None)
    mapping = {str(k): str(v) for k, v in _json_field("mapping").items() if str(v).strip()}
    images: dict[str, bytes] = {}
    for form_name, option_name in IMAGE_FIELDS.items():
        image = request.files.get(form_name)
        if image is None or not image.filename:
            continue
        image_bytes = image.read()
        if not image_bytes:
            continue
        mime = check_image_bytes(image_bytes, field=form_name)
        name = f"{form_name}.{_EXT[mime]}"
        images[name] = image_bytes
        options[option_name] = name
    return Upload(
        csv=data, filename=csv_file.filename or "attendees.csv", options=options, mapping=mapping, images=images
    )


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
    from badge_renderer.attendees import read_attendees

    try:
        table = read_attendees(upload.csv, filename=upload.filename, mapping=upload.mapping or None)
    except BadgeForgeError as err:
        raise from_badgeforge_error(err, field="csv") from err
    if not table.attendees:
        raise ApiError(400, "no_attendees", "The file has a header but no attendee rows.", field="csv")
    return table


def render_options(upload: Upload) -> Any:
    """Validate the options exactly as the render job will (RenderOptions.from_dict); errors name the option."""
    from badge_renderer.render import RenderOptions

    try:
        return RenderOptions.from_dict(upload.options, images=upload.images)
    except BadgeForgeError as err:
        raise from_badgeforge_error(err, field=err.column or "options") from err

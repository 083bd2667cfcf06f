"""When an attendee CSV lands in uploads/{uid}/{jobId}/, render its badges once, whatever the event delivery does.

Steps, each idempotent: claim jobs/{uid}/{jobId} (a transaction with a lease) -> hold one use on users/{uid} ->
read CSV (size-limited) + options -> render to a temp file (progress throttled) -> write badges/{uid}/{jobId}/ ->
create badgeMails/{uid}/{mail_key} only if absent -> job done. Any failure after the hold releases it, marks the
job failed with a reason, and creates no mail node, so a failed job consumes and sends nothing.
"""

from __future__ import annotations

import errno
import json
import logging
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from badge_renderer.errors import BadgeForgeError
from badgeforge.ports import BlobNotFound, BlobTooLarge, DatabaseFull
from badgeforge.services import (
    failures,
    job_paths,
    links,
    mail_language,
    messages,
    open_work,
    rate_limits,
    render_scratch,
    upload_checks,
    usage,
)
from badgeforge.services.job_paths import UploadRef, parse_upload
from badgeforge.services.keys import iso, mail_key, parse_iso
from badgeforge.services.renderer import BadgeRenderer, LibraryRenderer

if TYPE_CHECKING:
    from badgeforge.config import Services

log = logging.getLogger(__name__)

OPTIONS_MAX_BYTES = 64_000
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


class JobFailed(Exception):
    """Stops a job with a reason for jobs/{uid}/{jobId}/error."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.error = {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}


@dataclass(frozen=True)
class RenderOutcome:
    """What one delivery did: ignored (not a job upload), skipped (claimed elsewhere or finished), done, failed."""

    status: str
    uid: str = ""
    job_id: str = ""
    mail_key: str | None = None
    error: Mapping[str, Any] | None = None


def handle_upload(
    services: Services,
    object_name: str,
    metadata: Mapping[str, str] | None = None,
    renderer: BadgeRenderer | None = None,
) -> RenderOutcome:
    """Entry for the Storage trigger: anything but uploads/{uid}/{jobId}/<name>.csv is ignored quietly."""
    ref = parse_upload(object_name)
    if ref is None:
        return RenderOutcome("ignored")
    _remove_dead_scratch(services)
    return run_job(services, ref, metadata or {}, renderer or LibraryRenderer())


def _remove_dead_scratch(services: Services) -> None:
    """On Cloud Functions each instance has its own /tmp, which no sweep elsewhere can see: a render cleans up
    after the dead renders of its own instance (a timed-out one leaves its files in memory). Best effort."""
    try:
        render_scratch.remove_dead(services)
    except Exception:
        log.exception("could not clean up the scratch folders of dead renders")


# -- claim ------------------------------------------------------------------------------------------------------


def _claim(services: Services, ref: UploadRef) -> dict[str, Any] | None:
    """Take the job (absent/queued, or rendering with an expired lease) -> rendering; None if someone else has it."""
    now = services.clock.now()
    settings = services.settings
    stamp, lease_until, key = iso(now), iso(now + settings.render_lease), mail_key(now, ref.job_id)
    decision: dict[str, str] = {}
    open_work.mark(services, ref.uid, ref.job_id, now + settings.render_lease)  # before: a crash leaves a trace

    def body(job):
        decision["outcome"] = "busy"
        job = dict(job or {})
        status = job.get("status")
        if status in ("done", "failed"):
            return job or None
        if status == "rendering":
            lease = parse_iso(job.get("lease_until"))
            if lease is not None and lease > now:
                return job
        attempts = int(job.get("attempts", 0)) + 1
        if attempts > settings.max_attempts:
            decision["outcome"] = "gave_up"
            job.update(
                status="failed",
                updated_at=stamp,
                lease_until=None,
                error={
                    "code": "gave_up",
                    "message": f"Rendering stopped {attempts - 1} times without finishing (each attempt ran out of "
                    "its time limit or its server stopped); giving up.",
                    "hint": "Split the attendee file into smaller ones, or leave out the PNG images, and upload again.",
                },
            )
            return job
        decision["outcome"] = "claimed"
        job.update(
            status="rendering",
            attempts=attempts,
            lease_until=lease_until,
            updated_at=stamp,
            source=ref.csv_path,
            progress=0,
            error=None,
        )
        job.setdefault("created_at", stamp)
        job.setdefault("mail_key", key)
        return job

    job = services.db.transaction(job_paths.job_node(ref.uid, ref.job_id), body)
    if decision.get("outcome") == "gave_up":
        failures.record(services, ref.uid, "job", ref.job_id)
        usage.release_job(services, ref.uid, ref.job_id)  # an earlier attempt may have held a use
    return job if decision.get("outcome") == "claimed" else None


def _admit(services: Services, ref: UploadRef, job: Mapping[str, Any]) -> None:
    """Count an upload that did not come through POST /api/jobs against the same job rate (once per job).

    Why here: files written straight into uploads/{uid}/{jobId}/ with an SDK start a job too; the API marks the jobs
    it admitted, so a web job is never counted twice and a re-driven job is not counted again."""
    if job.get("admitted"):
        return
    rate = rate_limits.JobRate.from_settings(services.settings)
    try:
        rate_limits.take_job(services.db, ref.uid, ref.job_id, services.clock.now(), rate)
    except rate_limits.RateLimited as err:
        raise JobFailed("rate_limited", str(err), hint="Wait a minute, then upload the file again.") from err
    services.db.update(job_paths.job_node(ref.uid, ref.job_id), {"admitted": True})


def _reserve(services: Services, ref: UploadRef) -> None:
    if usage.is_charged(services, ref.uid, ref.job_id):
        return  # a re-driven job that was charged before holds nothing new
    now = iso(services.clock.now())
    default = usage.default_user(services, ref.uid, now)
    try:
        services.db.transaction(
            job_paths.user_node(ref.uid), lambda user: usage.reserve(user, ref.job_id, now, default=default)
        )
    except usage.NoUsageLeft as err:
        try:
            usage.require_verified(services, ref.uid)
        except usage.EmailNotVerified as unverified:
            raise JobFailed("email_not_verified", str(unverified)) from err
        raise JobFailed("no_usage_left", str(err)) from err


# -- inputs -----------------------------------------------------------------------------------------------------


def _load_options(
    services: Services, ref: UploadRef, metadata: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(options, metadata text): job.json beside the CSV, else the object's custom metadata (strings; 'true'/'false'
    and numbers decoded, the strings kept for options that are text after all)."""
    try:
        raw = services.blobs.read_bytes(ref.options_path, max_bytes=OPTIONS_MAX_BYTES)
    except BlobNotFound:
        known = _metadata_option_names()  # custom metadata is shared with other tools: take only our options
        text = {k: v for k, v in metadata.items() if isinstance(v, str) and k in known}
        return {k: _decode_metadata(v) for k, v in text.items()}, text
    except BlobTooLarge as err:
        raise JobFailed("options_too_large", f"job.json is over {OPTIONS_MAX_BYTES} bytes", file="job.json") from err
    try:
        data = json.loads(raw.decode("utf-8-sig"))  # -sig: editors on Windows start UTF-8 files with a BOM
    except (UnicodeDecodeError, ValueError) as err:
        raise JobFailed("bad_options", f"job.json is not valid JSON: {err}", file="job.json") from err
    except RecursionError as err:  # 64 KB of '[' is valid-looking JSON that overflows the parser
        raise JobFailed("bad_options", "job.json is nested too deeply to be job options", file="job.json") from err
    if not isinstance(data, dict):
        raise JobFailed("bad_options", "job.json must hold a JSON object", file="job.json")
    return data, {}


def _pop_mapping(option_data: dict[str, Any]) -> dict[str, str] | None:
    """job.json may carry {"mapping": {field: column}} for the CSV reader; the rest are render options."""
    mapping = option_data.pop("mapping", None)
    if mapping is None:
        return None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise JobFailed("bad_options", "mapping must map field names to column names", column="mapping")
    return mapping


def _build_options(
    renderer: BadgeRenderer, data: dict[str, Any], images: Mapping[str, bytes], text: Mapping[str, str]
) -> Any:
    """RenderOptions from the decoded options. Custom metadata is all strings, decoded by guess ('2026' -> 2026,
    'true' -> True); when the renderer refuses a guessed value for its column, that option is retried as the
    string it was given (an event named '2026'). Each option is retried at most once."""
    while True:
        try:
            return renderer.options(data, images)
        except BadgeForgeError as err:
            column = getattr(err, "column", None)
            if not isinstance(column, str) or column not in text or data.get(column) == text[column]:
                raise
            data = {**data, column: text[column]}


def _metadata_option_names() -> frozenset[str]:
    """Render options (and png_zip) that an upload's custom metadata may set; every other key belongs to someone
    else (the Firebase SDK's firebaseStorageDownloadTokens, an app's own bookkeeping) and is ignored."""
    from dataclasses import fields

    from badge_renderer.options import RenderOptions

    return frozenset(f.name for f in fields(RenderOptions)) - {"background_image", "logo_image", "design_document"} | {
        "png_zip"
    }


def _decode_metadata(value: str) -> Any:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


def _load_images(services: Services, ref: UploadRef, options: Mapping[str, Any]) -> dict[str, bytes]:
    """The images job.json names, read from the job's own folder only (nothing else may be read)."""
    images: dict[str, bytes] = {}
    for key in ("background_image", "logo_image"):
        name = options.get(key)
        if not isinstance(name, str) or not name:
            continue
        if "/" in name or name.startswith(".") or not name.lower().endswith(IMAGE_SUFFIXES):
            raise JobFailed("bad_options", f"'{name}' is not an image file beside the CSV", column=key)
        limit = services.settings.image_max_bytes
        try:
            images[name] = services.blobs.read_bytes(ref.folder + name, max_bytes=limit)
        except BlobNotFound as err:
            raise JobFailed("bad_options", f"Image '{name}' was not uploaded with the job", column=key) from err
        except BlobTooLarge as err:
            raise JobFailed("image_too_large", f"Image '{name}' is too large", column=key) from err
        try:
            upload_checks.check_image_content(images[name], max_bytes=limit)
        except upload_checks.ContentRefused as err:
            raise JobFailed(err.code, f"{name}: {err}", column=key, file=name, hint=err.hint) from err
    _load_photos(services, ref, options, images)
    return images


def _load_saved_design(services: Services, ref: UploadRef, option_data: dict[str, Any]) -> None:
    """job.json's {"design_id": ...} names one of the uploader's saved designs: read from the database (and its
    assets from the uploader's own prefix) now, so the job prints the design as it is saved when the job runs."""
    design_id = option_data.pop("design_id", None)
    if design_id is None:
        return
    from badgeforge.services import saved_designs

    try:
        option_data["design_document"] = saved_designs.load_document(services, ref.uid, str(design_id))
    except (saved_designs.DesignNotFound, saved_designs.DesignRefused) as err:
        raise JobFailed(
            "bad_options",
            f"The saved design '{str(design_id)[:64]}' no longer exists",
            column="design_id",
            hint="Choose another design and upload again.",
        ) from err


def _load_photos(services: Services, ref: UploadRef, options: Mapping[str, Any], images: dict[str, bytes]) -> None:
    """The photo ZIP job.json names, from the job's own folder; its entries are checked when options are built."""
    from badge_renderer import limits

    name = options.get("photos")
    if not isinstance(name, str) or not name:
        return
    if "/" in name or name.startswith(".") or not name.lower().endswith(".zip"):
        raise JobFailed("bad_options", f"'{name}' is not a ZIP file beside the CSV", column="photos")
    try:
        images[name] = services.blobs.read_bytes(ref.folder + name, max_bytes=limits.PHOTOS_ZIP_MAX_BYTES)
    except BlobNotFound as err:
        raise JobFailed(
            "bad_options", f"The photo ZIP '{name}' was not uploaded with the job", column="photos"
        ) from err
    except BlobTooLarge as err:
        raise JobFailed("image_too_large", f"The photo ZIP '{name}' is too large", column="photos") from err


def _read_csv(services: Services, ref: UploadRef) -> bytes:
    limit = services.settings.csv_max_bytes
    try:
        return services.blobs.read_bytes(ref.csv_path, max_bytes=limit)
    except BlobTooLarge as err:
        raise JobFailed(
            "csv_too_large",
            f"The attendee file is larger than {limit:,} bytes. Split it into smaller files or remove unused columns.",
            file=ref.csv_name,
        ) from err
    except BlobNotFound as err:
        raise JobFailed(
            "csv_missing", "The attendee file was deleted before it could be read.", file=ref.csv_name
        ) from err


# -- progress ---------------------------------------------------------------------------------------------------


class _Progress:
    """Writes jobs/.../progress at most every 5 % or every second (a database write per badge would dominate)."""

    def __init__(self, services: Services, ref: UploadRef) -> None:
        self.services, self.path = services, job_paths.job_node(ref.uid, ref.job_id)
        self.last_percent, self.last_time = 0, time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        now = time.monotonic()
        if percent >= self.last_percent + 5 or (now - self.last_time >= 1 and percent > self.last_percent):
            self.last_percent, self.last_time = percent, now
            self.services.db.update(self.path, {"progress": min(percent, 99)})


# -- the job ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    table: Any
    options: Any
    png_zip: bool
    notes: tuple[dict[str, Any], ...] = ()  # job-level warnings (an option the server decided instead)
    locale: str | None = None  # the email's language (a job option, not a render option)


@dataclass(frozen=True)
class _Outputs:
    result: Any
    pdf: str
    png_zip: str | None
    name: str


@dataclass(frozen=True)
class _JobOptions:
    """Everything a job asks for besides its rows: read again by each fan-out chunk, which gets its rows apart."""

    options: Any
    png_zip: bool
    notes: tuple[dict[str, Any], ...]
    locale: str | None
    mapping: dict[str, str] | None


def _read_job_options(
    services: Services, ref: UploadRef, metadata: Mapping[str, str], renderer: BadgeRenderer
) -> _JobOptions:
    """Options (job.json or metadata) and images; every problem is a BadgeForgeError/JobFailed."""
    option_data, metadata_text = _load_options(services, ref, metadata)
    mapping = _pop_mapping(option_data)
    locale = _pop_locale(option_data)
    notes = _drop_server_sized(option_data)
    png_zip = option_data.pop("png_zip", False) is True
    images = _load_images(services, ref, option_data)
    _load_saved_design(services, ref, option_data)
    options = _build_options(renderer, option_data, images, metadata_text)
    return _JobOptions(options, png_zip, notes, locale, mapping)


def _read_inputs(
    services: Services,
    ref: UploadRef,
    metadata: Mapping[str, str],
    renderer: BadgeRenderer,
    data: bytes | None = None,
) -> _Inputs:
    """CSV (size-limited; `data` if already read), options (job.json or metadata) and images; every problem is a
    BadgeForgeError/JobFailed."""
    data = _read_csv(services, ref) if data is None else data
    try:  # the same checks POST /api/jobs makes: an SDK upload must not get past what the web page refuses
        upload_checks.check_csv_content(data, max_bytes=services.settings.csv_max_bytes)
    except upload_checks.ContentRefused as err:
        raise JobFailed(err.code, str(err), file=ref.csv_name, hint=err.hint) from err
    job = _read_job_options(services, ref, metadata, renderer)
    options = job.options
    settings = services.settings
    table = renderer.read_attendees(
        data,
        mapping=job.mapping,
        filename=ref.csv_name,
        max_bytes=settings.csv_max_bytes,
        max_rows=settings.csv_max_rows,
    )
    if not table.attendees:
        raise JobFailed("no_attendees", "The attendee file has no attendee rows.", file=ref.csv_name)
    from badge_renderer.column_names import for_table

    options = for_table(options, table)  # "Order code" in --qr or a document: the attendee knows it as ticket_id
    return _Inputs(table, options, job.png_zip, job.notes, job.locale)


def _pop_locale(option_data: dict[str, Any]) -> str | None:
    """job.json's {"locale": "de-DE"} picks the email's language; the renderer never sees it."""
    if mail_language.JOB_OPTION not in option_data:
        return None
    try:
        return mail_language.parse_locale(option_data.pop(mail_language.JOB_OPTION))
    except mail_language.LocaleError as err:
        raise JobFailed("bad_options", str(err), column=mail_language.JOB_OPTION, file="job.json") from err


def _read_inputs_or_widen(
    services: Services, ref: UploadRef, metadata: Mapping[str, str], renderer: BadgeRenderer
) -> tuple[_Inputs, bool]:
    """Today's read; a file over today's caps is read with the fan-out caps (when a task queue exists), so every job
    the single function takes is read exactly as before. The file is downloaded once, and a file with more lines
    than today's row cap is parsed once, with the fan-out caps (parsing 50,001 rows only to refuse them cost a
    100,000-row job seconds)."""
    from badgeforge.services import fanout

    if not fanout.enabled(services):
        return _read_inputs(services, ref, metadata, renderer), False
    wide, settings = fanout.widened(services), services.settings
    data = _read_csv(wide, ref)
    if len(data) > settings.csv_max_bytes or data.count(b"\n") > settings.csv_max_rows + 1:  # header + rows
        inputs = _read_inputs(wide, ref, metadata, renderer, data)
        over = len(data) > settings.csv_max_bytes or len(inputs.table.attendees) > settings.csv_max_rows
        return inputs, over
    try:
        return _read_inputs(services, ref, metadata, renderer, data), False
    except (JobFailed, BadgeForgeError) as err:
        if not fanout.refused_by_size(services, err):
            raise
    return _read_inputs(wide, ref, metadata, renderer, data), True


def _drop_server_sized(option_data: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """Remove what sizes the server ({"workers": 64} once spawned 85 processes); the server's default applies."""
    from badge_renderer.options import SERVER_SIZED_OPTIONS

    notes = []
    for key in SERVER_SIZED_OPTIONS:
        if key in option_data:
            option_data.pop(key)
            notes.append({"row": None, "column": key, "message": f"'{key}' is decided by the server; it was ignored"})
    return tuple(notes)


def _render_and_store(
    services: Services, ref: UploadRef, inputs: _Inputs, renderer: BadgeRenderer, attempt: Any
) -> _Outputs:
    """Render into a scratch folder, then write badges/{uid}/{jobId}/ (a storage failure raises, nothing is mailed).
    The folder names its job and attempt, so a sweep removes it if this process dies mid-render."""
    name = links.download_name(getattr(inputs.options, "event_name", "") or "")
    attendees = inputs.table.attendees
    scratch = render_scratch.scratch_folder(services.settings, ref.uid, ref.job_id, attempt, services.clock.now())
    with scratch as tmp, spool_guard(services):
        spool = render_scratch.Spool(tmp, services.settings.spool_max_bytes)
        result = renderer.render_pdf(
            attendees, inputs.options, Path(tmp) / "badges.pdf", spool.progress(_Progress(services, ref))
        )
        spool.check()
        pdf = job_paths.pdf_path(ref.uid, ref.job_id)
        services.blobs.write_file(
            pdf,
            Path(result.pdf_path),
            content_type="application/pdf",
            download_name=name,
            metadata={"uid": ref.uid, "jobId": ref.job_id},
        )
        png_zip = None
        if inputs.png_zip:
            png_zip = job_paths.png_zip_path(ref.uid, ref.job_id)
            Path(result.pdf_path).unlink(missing_ok=True)  # stored: the scratch holds one output at a time
            zipped = renderer.render_png_zip(attendees, inputs.options, Path(tmp) / "badges-png.zip")
            spool.check()
            services.blobs.write_file(
                png_zip,
                Path(zipped),
                content_type="application/zip",
                download_name=name.removesuffix(".pdf") + " (PNG).zip",
            )
    return _Outputs(result, pdf, png_zip, name)


@contextmanager
def spool_guard(services: Services) -> Iterator[None]:
    """A render over its scratch budget fails its job with the budget named and what to change."""
    try:
        yield
    except render_scratch.SpoolFull as err:
        raise JobFailed(
            "spool_full",
            f"The badges could not be made: {err} (BADGEFORGE_SPOOL_MAX_BYTES). Nothing was charged.",
            hint="An administrator can raise BADGEFORGE_SPOOL_MAX_BYTES or lower BADGEFORGE_FANOUT_CHUNK_BADGES "
            "(smaller chunks); then upload the file again.",
        ) from err


JOB_NODE_WARNINGS = 200  # in the job node (and the mail); all of them in warnings.json when there are more


def _record_results(services: Services, ref: UploadRef, inputs: _Inputs, out: _Outputs) -> None:
    """Counts, paths and warnings go in before the mail node exists: the mail job reads them."""
    # with their catalogue key and params, so the finished job reads in each viewer's language (services/messages)
    warnings = [
        messages.annotate(w)
        for w in (*inputs.notes, *(w.to_dict() for w in (*inputs.table.warnings, *out.result.warnings)))
    ]
    if len(warnings) > JOB_NODE_WARNINGS:  # the rest beside the PDF (an object write: only when there is a rest)
        services.blobs.write_bytes(
            job_paths.warnings_path(ref.uid, ref.job_id), json.dumps(warnings).encode(), content_type="application/json"
        )
    services.db.update(
        job_paths.job_node(ref.uid, ref.job_id),
        {
            "badges": out.result.badges,
            "pages": out.result.pages,
            "output": out.pdf,
            "png_zip": out.png_zip,
            "download_name": out.name,
            "event_name": getattr(inputs.options, "event_name", "") or None,
            "pdf_bytes": out.result.pdf_bytes,
            "warnings": warnings[:JOB_NODE_WARNINGS] or None,
            "warnings_total": len(warnings),
            "locale": inputs.locale,
        },
    )


def run_job(services: Services, ref: UploadRef, metadata: Mapping[str, str], renderer: BadgeRenderer) -> RenderOutcome:
    """Claim, hold a use, render, store, create the mail node; any failure releases the hold and says why.

    A job re-driven after its instance died resumes where that attempt stopped: with its mail node created, it is
    only marked done (the mail job owns the hold from then on); with its PDF stored and recorded, the node is created
    without rendering again. So a job writes its PDF once.
    """
    from badgeforge.services import fanout  # fan-out imports this module

    job = _claim(services, ref)
    if job is None:
        return RenderOutcome("skipped", ref.uid, ref.job_id)
    mail = services.db.get(job_paths.mail_node(ref.uid, job["mail_key"]))
    if mail is not None:
        return _resume_mail(services, ref, job["mail_key"], mail)
    held, attempt = False, job.get("attempts")
    try:
        _admit(services, ref, job)
        _reserve(services, ref)
        held = True
        stored = _stored_earlier(services, job)
        if stored is None:
            inputs, was_widened = _read_inputs_or_widen(services, ref, metadata, renderer)
            if fanout.wanted(services, inputs, was_widened=was_widened):
                return fanout.plan(services, ref, inputs)  # chunks render on the task queue; the last one mails
            out = _render_and_store(services, ref, inputs, renderer, attempt)
            _record_results(services, ref, inputs, out)
            stored = (out.pdf, out.name, out.result.badges)
            _create_mail_node(services, ref, job["mail_key"], *stored)
            _store_desk_index(services, ref, inputs)  # after the mail node: the email does not wait for it
        else:
            _create_mail_node(services, ref, job["mail_key"], *stored)
    except JobFailed as err:
        return _fail(services, ref, err.error, held, attempt)
    except BadgeForgeError as err:
        return _fail(services, ref, err.to_dict(), held, attempt)
    except DatabaseFull as err:  # not the organizer's doing, and no traceback helps: say what is full
        log.error("render job %s/%s failed: %s", ref.uid, ref.job_id, err)
        return _fail(services, ref, _database_full(err), held, attempt)
    except OSError as err:
        if not _out_of_space(services, err):
            log.exception("render job %s/%s failed", ref.uid, ref.job_id)
            error = {"code": "internal", "message": f"Rendering failed unexpectedly: {err}"}
            return _fail(services, ref, error, held, attempt)
        log.error("render job %s/%s failed: %s", ref.uid, ref.job_id, err)
        return _fail(services, ref, _storage_full(err), held, attempt)
    except Exception as err:  # an unexpected failure must still leave a status and release the hold
        log.exception("render job %s/%s failed", ref.uid, ref.job_id)
        error = {"code": "internal", "message": f"Rendering failed unexpectedly: {err}"}
        return _fail(services, ref, error, held, attempt)
    except BaseException:  # KeyboardInterrupt, SystemExit: not the job's fault, so it is retried, not failed
        _interrupted(services, ref, held)
        raise
    return _done(services, ref, job["mail_key"])


def _store_desk_index(services: Services, ref: UploadRef, inputs: _Inputs) -> None:
    """The desk's attendee index, stored while the rows are in memory (best effort: never the job's failure;
    without it the desk builds the index from the CSV at its first search)."""
    from badgeforge.services import desk_roster, desk_roster_store

    try:
        info = services.blobs.info(ref.csv_path)
        if info is not None:
            tag = desk_roster_store.source_tag(info.generation, info.size)
            qr_field = getattr(inputs.options, "qr_field", None)
            desk_roster.store_index(services, ref, tag, inputs.table.attendees, qr_field)
    except Exception:
        log.exception("desk roster index of %s/%s not stored", ref.uid, ref.job_id)


def _interrupted(services: Services, ref: UploadRef, held: bool) -> None:
    """Give the use back and drop the lease, so the next sweep re-drives the job at once (best effort: the process
    is going away; if these writes fail, the lease runs out and the sweep's attempt limit releases the hold)."""
    try:
        if held:
            usage.release_job(services, ref.uid, ref.job_id)
        services.db.update(
            job_paths.job_node(ref.uid, ref.job_id), {"lease_until": None, "updated_at": iso(services.clock.now())}
        )
        open_work.mark(services, ref.uid, ref.job_id, services.clock.now())
    except Exception:
        log.exception("could not record the interruption of %s/%s", ref.uid, ref.job_id)


def _stored_earlier(services: Services, job: Mapping[str, Any]) -> tuple[str, str, int] | None:
    """(pdf path, download name, badges) if an earlier attempt stored the PDF and recorded its results."""
    output, badges = job.get("output"), job.get("badges")
    if not isinstance(output, str) or not isinstance(badges, int) or services.blobs.info(output) is None:
        return None
    return output, str(job.get("download_name") or "badges.pdf"), badges


def _resume_mail(services: Services, ref: UploadRef, key: str, mail: Mapping[str, Any]) -> RenderOutcome:
    """A re-driven job whose PDF and mail node exist: done, unless its mail failed (e.g. refused for lack of usage):
    then the mail is armed and sent again now, and the job ends as the mail does (the mail job records that)."""
    if not isinstance(mail, dict) or mail.get("status") != "failed":
        return _done(services, ref, key)
    from badgeforge.services import mail_job  # the mail job knows nothing of rendering: no import circle

    services.db.update(job_paths.mail_node(ref.uid, key), {"status": "pending", "attempts": 0, "permanent": None})
    services.db.update(job_paths.job_node(ref.uid, ref.job_id), {"lease_until": None})
    mail_job.send_badge_mail(services, ref.uid, key)
    job = services.db.get(job_paths.job_node(ref.uid, ref.job_id)) or {}
    if job.get("status") == "failed":  # refused again: the mail job said why in the job's status
        return RenderOutcome("failed", ref.uid, ref.job_id, key, error=job.get("error"))
    return _done(services, ref, key)  # sent, or failed for a while (the sweep sends it): the badges are done


def _done(services: Services, ref: UploadRef, key: str) -> RenderOutcome:
    """Mark the job done, unless its mail job already refused it (the mail trigger may run before this step)."""
    finished = {"status": "done", "progress": 100, "lease_until": None, "updated_at": iso(services.clock.now())}
    seen: dict[str, Any] = {}

    def body(job):
        seen["job"] = job
        if isinstance(job, dict) and job.get("status") == "failed":
            return job
        return {**(job or {}), **finished}

    services.db.transaction(job_paths.job_node(ref.uid, ref.job_id), body)
    job = seen.get("job")
    if isinstance(job, dict) and job.get("status") == "failed":
        return RenderOutcome("failed", ref.uid, ref.job_id, key, error=job.get("error"))
    return RenderOutcome("done", ref.uid, ref.job_id, key)


def _create_mail_node(services: Services, ref: UploadRef, key: str, output: str, name: str, badges: int) -> None:
    """badgeMails/{uid}/{key}, written only if absent (the RTDB trigger must fire once per job).

    No link yet: the owner can read this node, and a link minted now would download badges that were never charged
    if the mail job is refused. The mail job mints it when it sends and records it once the use is charged."""
    node = {
        "badgeId": ref.job_id,
        "objectPath": output,
        "badges": badges,
        "createdAt": iso(services.clock.now()),
        "status": "pending",
        "attempts": 0,
    }
    services.db.transaction(job_paths.mail_node(ref.uid, key), lambda current: current or node)


def _database_full(err: DatabaseFull) -> dict[str, Any]:
    return {
        "code": "database_full",
        "message": f"The job could not be recorded: {err}. Nothing was charged.",
        "hint": "An administrator has to free disk space (or raise BADGEFORGE_DATABASE_MAX_BYTES); then re-drive the "
        "job or upload the file again.",
    }


def _out_of_space(services: Services, err: OSError) -> bool:
    """ENOSPC/EDQUOT, or a write error (cairo reports only CAIRO_STATUS_WRITE_ERROR) on a disk with almost
    nothing free where the render writes."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    try:
        return shutil.disk_usage(services.settings.render_scratch_root()).free < 1_000_000
    except OSError:
        return False


def _storage_full(err: OSError) -> dict[str, Any]:
    return {
        "code": "storage_full",
        "message": f"The badges could not be stored: {err.strerror or err}. Nothing was charged.",
        "hint": "An administrator has to free disk space; then re-drive the job or upload the file again.",
    }


def _fail(services: Services, ref: UploadRef, error: Mapping[str, Any], held: bool, attempt: Any) -> RenderOutcome:
    """Release the hold, then mark the job failed, while this attempt still owns the job (one re-driven after this
    one's lease ran out is left alone, hold included). The writes are tried one by one: on a full database the
    release frees room for the status. If the status still cannot be written, DatabaseFull is raised (the caller
    must learn the job has no recorded end) and the rest is left to the sweep: the lease runs out, the job is
    re-driven within its attempts, and a failed job's leftover hold is released."""
    current = services.db.get(job_paths.job_node(ref.uid, ref.job_id)) or {}
    if current.get("status") == "rendering" and current.get("attempts") != attempt:
        log.warning("render %s/%s attempt %s failed after a newer attempt took over", ref.uid, ref.job_id, attempt)
        return RenderOutcome("skipped", ref.uid, ref.job_id, error=error)
    if held:
        try:
            usage.release_job(services, ref.uid, ref.job_id)
        except DatabaseFull as err:  # the status may still fit; the sweep gives back a failed job's hold
            log.error("could not give back the use held by %s/%s: %s", ref.uid, ref.job_id, err)
    try:
        _mark_failed(services, ref, error, attempt)
    except DatabaseFull as err:
        log.error("could not record the failure of %s/%s: %s", ref.uid, ref.job_id, err)
        raise
    return RenderOutcome("failed", ref.uid, ref.job_id, error=error)


def _mark_failed(services: Services, ref: UploadRef, error: Mapping[str, Any], attempt: Any) -> None:
    """jobs/.../status = failed with the reason, in one transaction that checks the attempt still owns the job."""
    changes = {
        "status": "failed",
        "error": messages.annotate(error),  # key + params: the reason reads in the viewer's language
        "lease_until": None,
        "updated_at": iso(services.clock.now()),
    }

    def body(job):
        if not job or job.get("status") != "rendering" or job.get("attempts") != attempt:
            return job
        return {**job, **changes}

    services.db.transaction(job_paths.job_node(ref.uid, ref.job_id), body)
    failures.record(services, ref.uid, "job", ref.job_id)


def read_job_inputs(services: Services, ref: UploadRef, renderer: BadgeRenderer | None = None) -> tuple[Any, Any]:
    """(attendee table, render options) exactly as the job read them (job.json or the CSV's metadata, images,
    mapping, the fan-out caps for a big file). Why public: the desk prints single badges of a finished job."""
    info = services.blobs.info(ref.csv_path)
    metadata = dict(info.metadata) if info is not None else {}
    inputs, _ = _read_inputs_or_widen(services, ref, metadata, renderer or LibraryRenderer())
    return inputs.table, inputs.options


def read_job_options(services: Services, ref: UploadRef, qr_field: str | None) -> Any:
    """The job's render options without its CSV (job.json or the CSV's metadata, images, saved design), with
    `qr_field` as the CSV's columns resolved it when the job read them. Why: the desk's stored attendee index
    holds the rows, so a desk print in a new process need not parse 50,000 rows again to learn the design."""
    info = services.blobs.info(ref.csv_path)
    metadata = dict(info.metadata) if info is not None else {}
    options = _read_job_options(services, ref, metadata, LibraryRenderer()).options
    return options.with_changes(qr_field=qr_field) if qr_field else options

"""Fan-out for huge events: the Storage trigger validates and plans; page-aligned chunks render on the task queue;
the last chunk to finish merges them into one PDF and creates the one badgeMails node (one email, one charge).

State lives in jobs/{uid}/{jobId}/chunks ({total, size, badges, done: {cNNNNN: {...}}, merger}), changed only in
transactions on the job node, so a chunk counted twice (a queue retry) counts once and exactly one task merges.
Chunk PDFs live in badges/{uid}/{jobId}/chunks/. The hold on the user's usage is taken once, by the planner
(render_job._reserve); any chunk that cannot render for the input's sake fails the job and releases it.
A chunk never parses the CSV: the planner writes each chunk's rows and the job-level facts beside the chunk PDFs
(services/chunk_inputs.py), because a task body is small (Cloud Tasks: 1 MB) and a 100,000-row file takes seconds
to parse in every chunk.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from badge_renderer.errors import BadgeForgeError
from badgeforge.services import chunk_inputs, job_paths, messages, render_job, render_scratch
from badgeforge.services.job_paths import UploadRef
from badgeforge.services.keys import iso, parse_iso
from badgeforge.services.renderer import BadgeRenderer, LibraryRenderer

if TYPE_CHECKING:
    from badgeforge.config import Services

log = logging.getLogger(__name__)

WIDENED_CODES = frozenset({"too_many_rows", "too_large", "csv_too_large"})  # what the single path refuses by size
CHUNK_WARNINGS = 50  # per chunk, kept for the merged job's warnings
MERGE_LEASE_FACTOR = 1  # a merger holds the merge for one render lease; a dead merger's chunk retry takes it over


def enabled(services: Services) -> bool:
    return services.tasks is not None


def widened(services: Services) -> Services:
    """The same services with the fan-out caps as the CSV limits (only a fan-out job may read that much)."""
    s = services.settings
    caps = dataclasses.replace(
        s, csv_max_rows=max(s.csv_max_rows, s.fanout_max_rows), csv_max_bytes=max(s.csv_max_bytes, s.fanout_max_bytes)
    )
    return dataclasses.replace(services, settings=caps)


def refused_by_size(services: Services, err: Exception) -> bool:
    """The single path refused the file for its size (rows or bytes) and fan-out could take it."""
    if not enabled(services):
        return False
    code = err.error.get("code") if isinstance(err, render_job.JobFailed) else getattr(err, "code", None)
    return code in WIDENED_CODES


def selected(inputs: Any) -> Sequence[Any]:
    from badge_renderer.render import select_for_options

    return select_for_options(inputs.table.attendees, inputs.options)


def wanted(services: Services, inputs: Any, *, was_widened: bool) -> bool:
    """Fan out a file only the widened caps admit, or one of at least fanout_min_rows badges."""
    return enabled(services) and (was_widened or len(selected(inputs)) >= services.settings.fanout_min_rows)


def chunk_size(services: Services, options: Any) -> int:
    """Badges per chunk: whole sheets (so the merged PDF has no half-empty sheet inside), at least one sheet."""
    from badge_renderer.render_support import plan_for

    per_sheet = plan_for(options).per_sheet
    return max(per_sheet, services.settings.fanout_chunk_badges // per_sheet * per_sheet)


def task_id(uid: str, job_id: str, index: int) -> str:
    """Attempt-independent: the same chunk of the same job is always the same task (Cloud Tasks ids: [A-Za-z0-9_-])."""
    digest = hashlib.sha256(f"{uid}/{job_id}".encode()).hexdigest()[:40]
    return f"chunk-{digest}-{index}"


def _chunk_key(index: int) -> str:
    return f"c{index:05d}"  # not a bare number: RTDB turns objects with numeric keys into arrays


def chunk_path(uid: str, job_id: str, index: int) -> str:
    return f"badges/{uid}/{job_id}/chunks/{index:05d}.pdf"


def chunk_zip_path(uid: str, job_id: str, index: int) -> str:
    return f"badges/{uid}/{job_id}/chunks/{index:05d}.png.zip"


# -- planning (in the Storage trigger) --------------------------------------------------------------------------


def plan(services: Services, ref: UploadRef, inputs: Any) -> render_job.RenderOutcome:
    """Record the chunk plan (kept if an earlier attempt planned), write each chunk's rows, and enqueue every chunk
    not yet done."""
    people = selected(inputs)
    badges = len(people)
    size = chunk_size(services, inputs.options)
    fresh = {"total": -(-badges // size), "size": size, "badges": badges, "csv": ref.csv_name}

    def body(job):
        job = dict(job or {})
        chunks = dict(job.get("chunks") or {})
        if chunks.get("size") != size or chunks.get("badges") != badges:
            chunks = dict(fresh)  # a different plan: chunks done for the old one do not fit it
        job["chunks"] = chunks
        job.update(fanout=True, progress=_percent(chunks), updated_at=iso(services.clock.now()))
        return job

    job = services.db.transaction(job_paths.job_node(ref.uid, ref.job_id), body)
    chunks = job["chunks"]
    done = dict(chunks.get("done") or {})
    queue = services.tasks
    if queue is None:  # render_job fans out only where a task queue exists
        raise RuntimeError("fan-out planned without a task queue")
    chunk_inputs.write_plan(services, ref.uid, ref.job_id, inputs)
    for index in range(chunks["total"]):  # every row file first: a chunk may start as soon as it is enqueued
        if _chunk_key(index) not in done:
            chunk_inputs.write_rows(services, ref.uid, ref.job_id, index, people[index * size : (index + 1) * size])
    for index in range(chunks["total"]):
        if _chunk_key(index) not in done:
            payload = {"uid": ref.uid, "jobId": ref.job_id, "csv": ref.csv_name, "index": index}
            queue.enqueue(payload, task_id=task_id(ref.uid, ref.job_id, index))
    if len(done) >= chunks["total"]:  # every chunk done, but no merge finished (its merger died): merge here
        return _merge_if_last(services, ref, LibraryRenderer(), index=None)
    return render_job.RenderOutcome("planned", ref.uid, ref.job_id, job.get("mail_key"))


def _percent(chunks: Mapping[str, Any]) -> int:
    total = int(chunks.get("total") or 0)
    return min(99, int(99 * len(chunks.get("done") or {}) / total)) if total else 0


# -- one chunk (in the task function) ---------------------------------------------------------------------------


def handle_chunk(
    services: Services, payload: Mapping[str, Any], renderer: BadgeRenderer | None = None
) -> render_job.RenderOutcome:
    """Render one chunk, count it, and merge if it was the last. Raises on unexpected trouble (the queue retries);
    input problems fail the job with their reason and release its hold instead."""
    renderer = renderer or LibraryRenderer()
    ref = _ref(payload)
    index = int(payload["index"])
    job = services.db.get(job_paths.job_node(ref.uid, ref.job_id))
    if not isinstance(job, dict) or job.get("status") != "rendering" or not isinstance(job.get("chunks"), dict):
        return render_job.RenderOutcome("skipped", ref.uid, ref.job_id)  # failed, done or re-planned meanwhile
    attempt = job.get("attempts")
    try:
        if _chunk_key(index) not in (job["chunks"].get("done") or {}):
            people, options, png_zip = _chunk_inputs(services, ref, renderer, job["chunks"], index)
            record = _render_chunk(services, ref, people, options, renderer, index, attempt, png_zip=png_zip)
            if not _count(services, ref, index, record):
                return render_job.RenderOutcome("skipped", ref.uid, ref.job_id)
        return _merge_if_last(services, ref, renderer, index=index)
    except render_job.JobFailed as err:
        return _fail(services, ref, err.error, attempt)
    except BadgeForgeError as err:
        return _fail(services, ref, err.to_dict(), attempt)


def _job_options(services: Services, ref: UploadRef, renderer: BadgeRenderer) -> Any:
    """The job's options and images (job.json beside the CSV, else the CSV's custom metadata), without its rows."""
    info = services.blobs.info(ref.csv_path)
    metadata = dict(info.metadata) if info is not None else {}
    return render_job._read_job_options(widened(services), ref, metadata, renderer)


def _chunk_inputs(
    services: Services, ref: UploadRef, renderer: BadgeRenderer, chunks: Mapping[str, Any], index: int
) -> tuple[Sequence[Any], Any, bool]:
    """(this chunk's attendees, options, PNG zip wanted): the rows the planner wrote for it, else (an older plan)
    the CSV's."""
    size = int(chunks["size"])
    expected = max(0, min(size, int(chunks["badges"]) - index * size))
    people = chunk_inputs.read_rows(services, ref.uid, ref.job_id, index)
    if people is None:
        inputs = _csv_inputs(services, ref, renderer)
        everyone = selected(inputs)
        if len(everyone) != chunks.get("badges"):
            raise render_job.JobFailed("upload_changed", "The attendee file changed while its badges were rendered.")
        return everyone[index * size : (index + 1) * size], inputs.options, inputs.png_zip
    if len(people) != expected:
        raise render_job.JobFailed("upload_changed", "The attendee file changed while its badges were rendered.")
    job_options = _job_options(services, ref, renderer)
    options = job_options.options
    plan_doc = chunk_inputs.read_plan(services, ref.uid, ref.job_id) or {}
    if plan_doc.get("qr_field"):  # resolved against the table's columns by the planner ("Order code" -> ticket_id)
        options = options.with_changes(qr_field=plan_doc["qr_field"])
    return people, options, job_options.png_zip


def _csv_inputs(services: Services, ref: UploadRef, renderer: BadgeRenderer) -> Any:
    info = services.blobs.info(ref.csv_path)  # options may come from the CSV's custom metadata
    metadata = dict(info.metadata) if info is not None else {}
    return render_job._read_inputs(widened(services), ref, metadata, renderer)


def _ref(payload: Mapping[str, Any]) -> UploadRef:
    ref = job_paths.parse_upload(f"uploads/{payload.get('uid')}/{payload.get('jobId')}/{payload.get('csv')}")
    if ref is None:
        raise ValueError(f"not a chunk task: {dict(payload)!r}")
    return ref


def _render_chunk(
    services: Services,
    ref: UploadRef,
    people: Sequence[Any],
    options: Any,
    renderer: BadgeRenderer,
    index: int,
    attempt: Any,
    *,
    png_zip: bool = False,
) -> dict[str, Any]:
    workers = services.settings.fanout_chunk_workers
    if workers:  # the local queue already runs a chunk per core: a chunk forking more would fight it
        options = options.with_changes(workers=workers)
    scratch = render_scratch.scratch_folder(services.settings, ref.uid, ref.job_id, attempt, services.clock.now())
    with scratch as tmp, render_job.spool_guard(services):
        spool = render_scratch.Spool(tmp, services.settings.spool_max_bytes)
        result = renderer.render_pdf(people, options, Path(tmp) / f"chunk-{index:05d}.pdf", spool.progress())
        spool.check()
        services.blobs.write_file(
            chunk_path(ref.uid, ref.job_id, index), Path(result.pdf_path), content_type="application/pdf"
        )
        Path(result.pdf_path).unlink(missing_ok=True)  # the scratch holds one output at a time
        if png_zip:
            zipped = renderer.render_png_zip(people, options, Path(tmp) / f"chunk-{index:05d}.zip")
            spool.check()
            services.blobs.write_file(
                chunk_zip_path(ref.uid, ref.job_id, index), Path(zipped), content_type="application/zip"
            )
    warnings = [w.to_dict() for w in result.warnings[:CHUNK_WARNINGS]]
    return {"badges": result.badges, "pages": result.pages, "warnings": warnings or None, "png": png_zip or None}


def _count(services: Services, ref: UploadRef, index: int, record: Mapping[str, Any]) -> bool:
    """Mark the chunk done (once) and extend the job's lease: a job that keeps finishing chunks is alive."""
    now = services.clock.now()
    alive: dict[str, bool] = {}

    def body(job):
        alive["ok"] = isinstance(job, dict) and job.get("status") == "rendering" and isinstance(job.get("chunks"), dict)
        if not alive["ok"]:
            return job
        chunks = dict(job["chunks"])
        chunks["done"] = {**(chunks.get("done") or {}), _chunk_key(index): dict(record)}
        lease = iso(now + services.settings.render_lease)
        return {**job, "chunks": chunks, "progress": _percent(chunks), "lease_until": lease, "updated_at": iso(now)}

    services.db.transaction(job_paths.job_node(ref.uid, ref.job_id), body)
    return alive["ok"]


def _merge_if_last(
    services: Services, ref: UploadRef, renderer: BadgeRenderer, *, index: int | None
) -> render_job.RenderOutcome:
    """Inside one transaction decide who merges: all chunks done and no live merger. That one merges."""
    now = services.clock.now()
    token = secrets.token_hex(8)

    def body(job):
        if not isinstance(job, dict) or job.get("status") != "rendering" or not isinstance(job.get("chunks"), dict):
            return job
        chunks = dict(job["chunks"])
        if len(chunks.get("done") or {}) < int(chunks["total"]):
            return job
        merger = chunks.get("merger") or {}
        until = parse_iso(merger.get("until")) if isinstance(merger, dict) else None
        if until is not None and until > now:
            return job
        chunks["merger"] = {"token": token, "until": iso(now + services.settings.render_lease * MERGE_LEASE_FACTOR)}
        return {**job, "chunks": chunks}

    job = services.db.transaction(job_paths.job_node(ref.uid, ref.job_id), body)
    merger = ((job or {}).get("chunks") or {}).get("merger") or {}
    if merger.get("token") != token:
        return render_job.RenderOutcome("chunk_done", ref.uid, ref.job_id)
    try:
        _merge(services, ref, renderer, job)
    except BaseException:
        services.db.update(job_paths.job_node(ref.uid, ref.job_id), {"chunks/merger": None})  # a retry merges
        raise
    return render_job._done(services, ref, job["mail_key"])


def _merge(services: Services, ref: UploadRef, renderer: BadgeRenderer, job: Mapping[str, Any]) -> None:
    """Chunk PDFs -> one badges.pdf (qpdf grafts pages, streams untouched), results, then the one mail node."""
    from badge_renderer.parallel import merge_parts

    chunks = job["chunks"]
    total = int(chunks["total"])
    plan_doc = chunk_inputs.read_plan(services, ref.uid, ref.job_id)
    if plan_doc is None:  # an older plan: the reader's warnings come from the CSV
        inputs = _csv_inputs(services, ref, renderer)
        event_name = getattr(inputs.options, "event_name", "") or ""
        plan_doc = {"notes": list(inputs.notes), "warnings": [w.to_dict() for w in inputs.table.warnings]}
        plan_doc["locale"] = inputs.locale
    else:
        event_name = getattr(_job_options(services, ref, renderer).options, "event_name", "") or ""
    name = render_job.links.download_name(event_name)
    pdf = job_paths.pdf_path(ref.uid, ref.job_id)
    with contextlib.ExitStack() as opened:  # chunks read from Storage on demand, the result uploaded as written
        parts = [
            opened.enter_context(services.blobs.open_read(chunk_path(ref.uid, ref.job_id, i))) for i in range(total)
        ]
        info = services.blobs.write_with(
            pdf,
            lambda out: merge_parts(parts, out),
            content_type="application/pdf",
            download_name=name,
            metadata={"uid": ref.uid, "jobId": ref.job_id},
        )
    pdf_bytes = info.size
    done = [chunks["done"][_chunk_key(i)] for i in range(total)]
    png_zip = None
    if any(record.get("png") for record in done):
        png_zip = job_paths.png_zip_path(ref.uid, ref.job_id)
        _merge_png_zips(services, ref, total, int(chunks["size"]), png_zip, name)
    chunk_warnings = [w for record in done for w in (record.get("warnings") or [])]
    warnings = _dedupe([*plan_doc.get("notes", []), *plan_doc.get("warnings", []), *chunk_warnings])
    badges = sum(int(record["badges"]) for record in done)
    services.db.update(
        job_paths.job_node(ref.uid, ref.job_id),
        {
            "badges": badges,
            "pages": sum(int(record["pages"]) for record in done),
            "output": pdf,
            "png_zip": png_zip,
            "download_name": name,
            "event_name": event_name or None,
            "pdf_bytes": pdf_bytes,
            "warnings": [messages.annotate(w) for w in warnings[:200]] or None,  # key + params: any language
            "warnings_total": len(warnings)
            + max(0, int(plan_doc.get("warnings_total") or 0) - len(plan_doc.get("warnings", []))),
            "locale": plan_doc.get("locale"),
        },
    )
    render_job._create_mail_node(services, ref, job["mail_key"], pdf, name, badges)
    leftovers = [chunk_inputs.plan_path(ref.uid, ref.job_id)]
    for index in range(total):
        leftovers += [chunk_path(ref.uid, ref.job_id, index), chunk_inputs.rows_path(ref.uid, ref.job_id, index)]
        leftovers.append(chunk_zip_path(ref.uid, ref.job_id, index))
    for path in leftovers:  # best effort: the merged PDF is what is delivered
        try:
            services.blobs.delete(path)
        except Exception:
            log.warning("could not delete %s", path)


def _merge_png_zips(services: Services, ref: UploadRef, total: int, size: int, target: str, name: str) -> None:
    """Chunk ZIPs -> one ZIP of every badge's PNG, numbered through the whole job (a chunk numbers its own badges
    from 1, so "00001-ada.png" of chunk 2 becomes number 2 * size + 1). Entries are stored, as the chunks wrote them;
    read from Storage and written into the upload as they go, so nothing is spooled on the instance."""
    import re
    import zipfile

    def write(handle: Any) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as merged:
            for index in range(total):
                part = services.blobs.open_read(chunk_zip_path(ref.uid, ref.job_id, index))
                with part, zipfile.ZipFile(part) as chunk:
                    for entry in chunk.infolist():
                        number, rest = re.match(r"(\d+)(.*)", entry.filename).groups()  # type: ignore[union-attr]
                        renamed = f"{index * size + int(number):0{max(5, len(number))}d}{rest}"
                        with chunk.open(entry) as source, merged.open(renamed, "w", force_zip64=True) as sink:
                            while block := source.read(1 << 20):
                                sink.write(block)

    download = name.removesuffix(".pdf") + " (PNG).zip"
    services.blobs.write_with(target, write, content_type="application/zip", download_name=download)


def _dedupe(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sheet-level warnings (no row) come once per chunk: keep one of each."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for w in warnings:
        key = (w.get("row"), w.get("column"), w.get("message"))
        if w.get("row") is None and key in seen:
            continue
        seen.add(key)
        kept.append(w)
    return kept


# -- failure ----------------------------------------------------------------------------------------------------


def _fail(services: Services, ref: UploadRef, error: Mapping[str, Any], attempt: Any) -> render_job.RenderOutcome:
    return render_job._fail(services, ref, error, True, attempt)


def give_up_chunk(services: Services, payload: Mapping[str, Any], reason: str) -> render_job.RenderOutcome:
    """The queue ran out of retries for a chunk: the job cannot finish; fail it with the reason, release its use."""
    ref = _ref(payload)
    job = services.db.get(job_paths.job_node(ref.uid, ref.job_id)) or {}
    if job.get("status") != "rendering":
        return render_job.RenderOutcome("skipped", ref.uid, ref.job_id)
    error = {
        "code": "chunk_failed",
        "message": f"Part {int(payload['index']) + 1} of the badges could not be rendered: {reason}",
        "hint": "Upload the file again; if it fails again, report this job.",
    }
    return _fail(services, ref, error, job.get("attempts"))

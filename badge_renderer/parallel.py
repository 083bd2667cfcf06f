"""Both cores for big jobs: page-aligned ranges drawn by forked workers, streamed into one file as they finish.

Why fork: a forked worker starts in a millisecond with the parent's composer already built (static layers recorded,
images decoded, fonts open, stamps cached); a process pool had to import and prepare all of that again (~1.3 s)
and pypdf took ~1.5 s to merge 10,000 badges. The parent draws the first range itself, so N cores need N-1 forks.
Workers only draw (cairo parts); the parent copies each part into the finished file (pdf_stream: renumbered,
finished on the way) as soon as it and every part before it are drawn, so its own part is copied while the
workers still draw and the copy left after the last worker is one part's (~12 ms per 1,000 badges).

With BadgeForge's own page writer the fork comes before the static layers are drawn (a worker never needs one:
it writes an empty stand-in per ticket type and side) and every part, the parent's own included, is written in
the finished file's numbering, from a base past what the parts before it may hold (_numbering; part 0 from 2),
finished (its pages' boxes, its layer forms): the parent's part holds the layers' forms, from which the workers'
stand-ins are copied, and every part is a byte copy (pdf_stream.append_numbered), so the parent's share is
smaller by little but its own work after the fork (PARENT_HEAD: layers, design checks).

The parent stays in charge: it alone calls `progress` (children report sheet counts through a pipe), it kills and
reaps every child on any error or KeyboardInterrupt, and it re-draws a range itself when its worker crashed or
stalled (a user error such as a DesignError is raised as it is instead).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import os
import pickle
import select
import signal
import struct
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from badge_renderer.errors import BadgeForgeError
from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions

log = logging.getLogger(__name__)

# A second core pays for itself from about this many badges per worker: the fork and the copy of its part cost a
# few ms (the qpdf merge cost ~0.1 s, hence 1,500 before). Measured in CPU-s on the shared machine with
# `bench/render_speed.py --child 600 --child-workers 2`: 600 badges, one process 0.98; two: this one 0.75
# (imports, composer and 300 badges), the worker 0.26.
MIN_BADGES_PER_WORKER = 400
# This process draws a smaller first range: it also makes the job's design checks and copies the cairo parts into
# the file (renumbered, ~8 % of drawing one) while the workers draw, so only the workers' parts are left to copy at
# the end (10,000 badges: 0.12 s after the last part at 0.96, 0.07 s at 0.88).
PARENT_SHARE = 0.90
# With the own writer every part, this process's own too, is in the file's numbering and copied as bytes (~5 K
# instructions a badge); its badges still cost a little more than a worker's (336 K vs 315 K a badge with the
# copy, `bench/render_timeline.py --instructions --badges 2000`; 0.142 vs 0.138 ms at 10,000).
DIRECT_PARENT_SHARE = 0.94
# ...and this process draws the job's static layers after the forks (the workers never need them) besides the
# design checks: ~210 M instructions with the bench's photo and logo (layers ~46 M since svg_subset and
# template_subset spared the cairosvg and jinja2 imports, ~230 M before; checks ~163 M), less the worker's own
# start (~13 M): ~630 of a worker's badges, which the workers draw more. At 650 `bench/render_timeline.py
# --instructions` gives, after the fork, 2,000 badges: parent 441 M, worker 429 M (at 1,250: 355 M and 514 M);
# 10,000: the parent done with its part and its copy at 1,612 M, the worker at 1,674 M.
PARENT_HEAD = 650
# A worker's part is numbered from past what the parts before it may hold (_numbering): a page, its content and
# at most one resources dictionary of its own, and room for fonts, static layers and shared resources. A part
# before that used more has the job drawn by cairo (pdf_stream.PdfAssembler.append_numbered).
OBJECTS_PER_PAGE = 3
OBJECTS_PER_LAYER = 100  # a static layer's form and what it uses (images, fonts, gradients): ~10-40 seen
NUMBERING_SLACK = 1_000  # fonts (~5 objects each), shared resources
PROGRESS_SECONDS = 0.05  # progress is passed on (worker -> parent -> caller) at most this often while drawing
STALL_SECONDS = 120.0  # no word from a worker for this long: it is killed and its range drawn here
_HEADER = struct.Struct("!I")
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # "200000 100000" = 2 CPUs of quota; "max" = none


def usable_cpus() -> int:
    """CPUs this process may really use: its affinity mask, capped by a cgroup v2 CPU quota (Cloud Run, Docker)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        quota, period = CGROUP_CPU_MAX.read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


def choose_workers(badges: int, requested: int | None = None, *, cpus: int | None = None) -> int:
    """Workers for a job: all usable CPUs when each gets enough badges to gain, else one process.

    `requested` (the CLI's --workers) overrides the count; the cloud service never passes it, so the server's
    CPU count decides there. Without os.fork (Windows) it is always one process.
    """
    if not hasattr(os, "fork"):
        return 1
    if requested:
        return max(1, min(requested, badges))
    cpus = usable_cpus() if cpus is None else cpus
    return max(1, min(cpus, badges // MIN_BADGES_PER_WORKER))


def page_ranges(
    badges: int, per_sheet: int, workers: int, first_share: float = 1.0, first_head: float = 0.0
) -> list[tuple[int, int]]:
    """[start, end) badge ranges of whole sheets, as even as sheets allow; never an empty range.

    `first_share` weighs the first range against the others (below 1: this process also copies the parts);
    `first_head` is other work this process does after the forks, in badges (the others draw that many more,
    shared out; the first range keeps at least one sheet)."""
    sheets = -(-badges // per_sheet)
    workers = max(1, min(workers, sheets))
    if workers == 1:
        return [(0, badges)] if badges else []
    head = first_head / per_sheet
    other = (sheets + first_share * head) / (first_share + workers - 1)  # sheets each of the other ranges
    first = min(sheets - workers + 1, max(1.0, first_share * (other - head)))
    edges = [0.0, *(first + i * (sheets - first) / (workers - 1) for i in range(workers))]
    bounds = [min(badges, round(edge) * per_sheet) for edge in edges]
    return [(a, b) for a, b in itertools.pairwise(bounds) if a < b]


@dataclass
class _Worker:
    index: int
    span: tuple[int, int]
    pid: int
    fd: int
    reported: int = 0
    buffer: bytearray = field(default_factory=bytearray)
    result: Any = None
    error: BaseException | None = None
    finished: bool = False
    heard: float = field(default_factory=time.monotonic)


Task = Callable[[int, tuple[int, int], Callable[[int], None]], Any]


def run_ranges(
    spans: Sequence[tuple[int, int]],
    task: Task,
    progress: Callable[[int, int], None] | None = None,
    ready: Callable[[int, Any], None] | None = None,
) -> list[Any]:
    """task(index, span, advance) for every span: spans[1:] in forked workers, spans[0] here; results in order.

    `advance(n)` reports n more items done; the caller's `progress(done, total)` hears the sum, from this thread
    only. `ready(index, result)` is called here, in span order, as soon as a span and all before it are done (so
    the caller can use a result while later workers still run). A worker's BadgeForgeError is raised here; a
    worker that dies or goes silent has its span run here.
    """
    total = spans[-1][1] - spans[0][0] if spans else 0
    children: list[_Worker] = []
    own = [0]
    handed = [0]  # spans passed to `ready` so far

    last = [0.0]  # when this process last read the pipes while drawing

    def report() -> None:
        _drain(children, block=False)
        if progress:
            progress(min(total, own[0] + sum(c.reported for c in children)), total)

    def advance(count: int) -> None:
        own[0] += count
        now = time.monotonic()
        if now - last[0] >= PROGRESS_SECONDS:  # a select and a read per sheet were ~2 % of this process's drawing
            last[0] = now
            report()

    def hand_on() -> None:
        for child in children:
            if child.finished and child.result is not None and child.error is None:
                results.setdefault(child.index, child.result)
        while handed[0] < len(spans) and handed[0] in results:
            if ready:
                ready(handed[0], results[handed[0]])
            handed[0] += 1

    results: dict[int, Any] = {}
    if len(spans) > 1:
        from badge_renderer.images import join_background

        join_background()  # an image still being prepared on another thread: fork with the main thread only
    try:
        for index in range(1, len(spans)):
            children.append(_fork(index, spans[index], task))
        results[0] = task(0, spans[0], advance)
        report()
        hand_on()
        while not all(c.finished for c in children):
            _drain(children, block=True)
            report()
            hand_on()
        _reap(children)
        hand_on()
        for child in children:
            if child.index in results:
                continue
            if isinstance(child.error, BadgeForgeError):
                raise child.error
            # crashed or stalled: do that span here instead
            log.warning("render worker %s failed (%s); drawing its pages here", child.pid, child.error)
            base = own[0]
            results[child.index] = task(child.index, child.span, advance)
            own[0] = base + child.span[1] - child.span[0] - child.reported
            hand_on()
    except BaseException:
        _kill(children)
        raise
    return [results[i] for i in range(len(spans))]


def render_parallel(
    attendees: Sequence[Attendee],
    options: RenderOptions,
    out: Path,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
    *,
    copy_backs: bool = True,
    direct: bool = False,
) -> Any:
    """Draw `attendees` into `out` using `workers` processes (this one included); returns a PartResult.

    `meanwhile` runs here once the workers are forked, before this process draws its own range."""
    from badge_renderer.output import PartResult, write_pdf_part
    from badge_renderer.pdf_stream import FinishedFile
    from badge_renderer.render_support import plan_for

    layout = plan_for(options)
    layers = _layer_keys(attendees, layout)
    composer = _warm_composer(options, layout, () if direct else layers)
    if direct:
        from badge_renderer.pdf_write.part import LayerStandIn, warm

        warm(composer)
    parent = os.getpid()
    share, head = (DIRECT_PARENT_SHARE, PARENT_HEAD) if direct else (PARENT_SHARE, 0)
    spans = page_ranges(len(attendees), layout.per_sheet, workers, share, head)
    bases = _numbering(spans, layout, len(layers)) if direct else [0] * len(spans)
    finish = None
    if direct:
        from badge_renderer.pdf_stream import finish_for

        finish = finish_for(layout, title="", pdfx=options.pdfx)
    with tempfile.TemporaryDirectory(prefix="badgeforge-parts-", dir=out.parent) as tmp:
        parts = [Path(tmp) / f"part-{i:03d}.pdf" for i in range(len(spans))]

        def part(index: int, span: tuple[int, int], advance: Callable[[int], None]) -> Any:
            # Ranges are whole sheets (a duplex front and its back stay together), so a part's pages get the same
            # boxes as in one file; the parent finishes them while copying (pdf_stream).
            if index == 0 and meanwhile:  # range 0 is always drawn here, after the forks
                meanwhile()
            worker = direct and os.getpid() != parent
            if worker:  # the parent's part holds the static layers
                composer.layer_stand_in = LayerStandIn
            numbered = worker or (direct and index == 0)  # a range redrawn here is renumbered on copy
            return write_pdf_part(
                attendees[span[0] : span[1]],
                options,
                parts[index],
                advance,
                composer=composer,
                copy_backs=copy_backs,
                direct=direct,
                forms=layers if direct and index == 0 else (),
                base=bases[index] if numbered else 0,
                finish=finish if numbered else None,
            )

        documents: list[FinishedFile] = []  # opened at the first part, after the forks: no child holds the file

        def ready(index: int, result: Any) -> None:
            if not documents:
                documents.append(FinishedFile(out, options, copy_backs=copy_backs))
            documents[0].add(parts[index], result.forms, result.stand_ins, result.numbered)

        try:
            ordered = run_ranges(spans, part, progress, ready=ready)
            documents[0].close()
        except BaseException:
            for document in documents:
                document.abort()
            raise
    return PartResult(
        sum(r.pages for r in ordered),
        tuple(issue for r in ordered for issue in r.issues),
        sum(r.failed for r in ordered),
        finished=True,
    )


def _numbering(spans: Sequence[tuple[int, int]], layout: Any, layers: int) -> list[int]:
    """The first object number of each range's part in the finished file: room for what the parts before may
    hold (OBJECTS_PER_PAGE a page, OBJECTS_PER_LAYER a static layer, NUMBERING_SLACK), so a worker writes its
    part in the file's numbering and the parent copies it as bytes. Part 0 starts at 2 (1 is the finished file's
    page tree): the parent's own part is copied as bytes too."""
    pages_per_sheet = 2 if layout.backs and layout.backs_on_next_page else 1
    from badge_renderer.pdf_stream import FIRST_NUMBER

    bases, first = [], FIRST_NUMBER  # 1 is the finished file's page tree
    for start, end in spans:
        bases.append(first)
        pages = pages_per_sheet * -(-(end - start) // layout.per_sheet)
        first += OBJECTS_PER_PAGE * pages + OBJECTS_PER_LAYER * layers + NUMBERING_SLACK
    return bases


def _layer_keys(attendees: Sequence[Attendee], layout: Any) -> tuple[tuple[str, str], ...]:
    """(ticket type, side) of every static layer the job needs, in order of first use."""
    sides = ("front", "back") if layout.backs else ("front",)
    return tuple(
        (ticket_type, side) for ticket_type in dict.fromkeys(a.ticket_type for a in attendees) for side in sides
    )


def _warm_composer(options: RenderOptions, layout: Any, layers: Sequence[tuple[str, str]]) -> Any:
    """The composer, with `layers` recorded before forking so cairo workers share them (the own writer's workers
    never draw a layer: the parent records them after the fork, see render_parallel)."""
    from badge_renderer.compose import BadgeComposer

    composer = BadgeComposer(options, layout.badge.width, layout.badge.height)
    for key in layers:
        composer.static_layer(*key)
    return composer


def _fork(index: int, span: tuple[int, int], task: Task) -> _Worker:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns, never runs the parent's cleanup or atexit handlers
        os.close(read_fd)
        _worker_main(write_fd, index, span, task)
    os.close(write_fd)
    return _Worker(index, span, pid, read_fd)


def _worker_main(fd: int, index: int, span: tuple[int, int], task: Task) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        pending, last = [0], [time.monotonic()]

        def advance(count: int) -> None:  # a message per PROGRESS_SECONDS, not per sheet
            pending[0] += count
            now = time.monotonic()
            if now - last[0] >= PROGRESS_SECONDS:
                _send(fd, ("progress", pending[0]))
                pending[0], last[0] = 0, now

        result = task(index, span, advance)
        _send(fd, ("done", result))
    except BaseException as err:  # everything goes to the parent, which decides what it means
        code = 1
        with contextlib.suppress(Exception):  # unpicklable: the parent redraws the range and sees the error itself
            _send(fd, ("error", err))
    finally:
        os._exit(code)


def _send(fd: int, message: tuple[str, Any]) -> None:
    data = pickle.dumps(message)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _drain(children: list[_Worker], *, block: bool) -> None:
    """Read whatever the workers have said; when blocking, wait for at least one message (or a stall)."""
    open_ = [c for c in children if not c.finished]
    if not open_:
        return
    ready, _, _ = select.select([c.fd for c in open_], [], [], 1.0 if block else 0)
    now = time.monotonic()
    for child in open_:
        if child.fd in ready:
            chunk = os.read(child.fd, 1 << 16)
            if not chunk:
                _finish(child, child.error or RuntimeError("worker exited without a result"))
                continue
            child.heard = now
            child.buffer += chunk
            _parse(child)
        elif now - child.heard > STALL_SECONDS:
            os.kill(child.pid, signal.SIGKILL)
            _finish(child, RuntimeError(f"worker silent for {STALL_SECONDS:.0f} s"))


def _parse(child: _Worker) -> None:
    while len(child.buffer) >= _HEADER.size:
        (size,) = _HEADER.unpack_from(child.buffer)
        if len(child.buffer) < _HEADER.size + size:
            return
        kind, value = pickle.loads(bytes(child.buffer[_HEADER.size : _HEADER.size + size]))
        del child.buffer[: _HEADER.size + size]
        if kind == "progress":
            child.reported += value
        elif kind == "done":
            child.result = value
            child.reported = child.span[1] - child.span[0]  # the last sheets' progress comes with the result
            _finish(child, None)
        else:
            _finish(child, value)


def _finish(child: _Worker, error: BaseException | None) -> None:
    if not child.finished:
        child.finished = True
        child.error = error
        os.close(child.fd)


def _reap(children: list[_Worker]) -> None:
    for child in children:
        os.waitpid(child.pid, 0)
        child.pid = 0


def _kill(children: list[_Worker]) -> None:
    """Stop and reap every worker still alive (on an error or Ctrl-C in the parent); no zombies, no strays."""
    for child in children:
        if child.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
    for child in children:
        if child.pid:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)
            child.pid = 0
        if not child.finished:
            _finish(child, None)


def merge_parts(parts: Sequence[Path | BinaryIO], out: Path | BinaryIO) -> None:
    """Concatenate finished part PDFs (fan-out chunks) into one, streamed object by object (pdf_stream).

    Parts and `out` may be seekable binary streams instead of files (fan-out merges chunks read from Storage into an
    upload, so no part and no result lands on the instance's in-memory /tmp). The first part's catalog and info
    are kept. A part the streaming reader does not handle (say a chunk written by an older release) is merged by
    qpdf instead, which holds every page in memory.
    """
    from badge_renderer.pdf_stream import PartFormatError, assemble

    target = out.with_suffix(out.suffix + ".tmp") if isinstance(out, Path) else out
    try:
        if isinstance(target, Path):
            with open(target, "wb") as fh:
                assemble(parts, fh)
        else:
            assemble(parts, target)
    except PartFormatError as err:
        log.info("streaming merge not possible (%s); merging with qpdf", err)
        for part in parts:
            if not isinstance(part, Path):
                part.seek(0)
        if not isinstance(target, Path):
            target.seek(0)
            target.truncate()
        merge_with_qpdf(parts, out)
        return
    if isinstance(out, Path) and isinstance(target, Path):
        os.replace(target, out)


def merge_with_qpdf(parts: Sequence[Path | BinaryIO], out: Path | BinaryIO) -> None:
    """Concatenate part PDFs with qpdf: the later parts' pages are grafted onto part 0's page tree.

    Each page is copied with copy_foreign (qpdf copies what it uses once per part: fonts, images, forms) and
    appended to the Kids array directly; pikepdf's pages.extend did the same page by page through its page
    list and took 4x longer. Streams are written as they are (no decoding or re-compression).
    Parts and `out` may be seekable binary streams instead of files (fan-out merges chunks read from Storage into an
    upload, so no part and no result lands on the instance's in-memory /tmp); a stream part must be a finished PDF
    (pdf_finish already blanked cairo's repeated /XObject keys), as qpdf cannot be handed a file to fix in place.
    """
    import pikepdf

    from badge_renderer.pdf_finish import drop_duplicate_xobject_keys

    for part in parts:
        if isinstance(part, Path):
            drop_duplicate_xobject_keys(part)  # else qpdf may read a page's repeated /XObject keys as none
    sources = [pikepdf.open(part) for part in parts]
    try:
        pdf = sources[0]
        tree = pdf.Root.Pages
        count = int(tree.Count)
        for source in sources[1:]:
            kids = source.Root.Pages.Kids
            if any(kid.get("/Type") != "/Page" for kid in kids):  # a nested page tree (not cairo's): the slow way
                pdf.pages.extend(source.pages)
                count = int(tree.Count)
                continue
            for page in kids:
                copy = pdf.copy_foreign(page)
                copy.Parent = tree
                tree.Kids.append(copy)
            count += len(kids)
            tree.Count = count
        if not isinstance(out, Path):
            pdf.save(out, compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
            return
        tmp = out.with_suffix(out.suffix + ".tmp")
        pdf.save(tmp, compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
        os.replace(tmp, out)
    finally:
        for source in sources:
            source.close()

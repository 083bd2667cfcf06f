"""Both cores for big jobs: forked page-range workers give the same document as one process, report progress,
pass errors on as the project's types, recover from a dead worker and never leave a process or a part behind.

Failures are injected by patching BadgeComposer.draw before the fork (a child inherits the patch); everything else
is the real renderer, real processes and a real qpdf merge.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from badge_renderer import parallel
from badge_renderer.errors import DesignError
from badge_renderer.model import Attendee
from badge_renderer.output import choose_workers
from badge_renderer.render import RenderOptions, render_pdf
from tests.render_faults import before_each_badge

logging.getLogger("pypdf").setLevel(logging.ERROR)  # cairo repeats XObject keys; pypdf warns about each


def people(n: int) -> list[Attendee]:
    return [Attendee(row=i + 2, first_name=f"Ada{i}", last_name="Lovelace", role="Speaker") for i in range(n)]


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def children() -> set[int]:
    """Live (or unreaped) child processes of this process's main thread."""
    text = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text()
    return {int(pid) for pid in text.split()}


def test_big_jobs_use_every_usable_cpu_and_small_ones_stay_in_one_process() -> None:
    assert choose_workers(50_000, None) == parallel.choose_workers(50_000, None, cpus=parallel.usable_cpus())
    assert parallel.choose_workers(10_000, None, cpus=2) == 2
    assert parallel.choose_workers(10_000, None, cpus=1) == 1
    assert parallel.choose_workers(parallel.MIN_BADGES_PER_WORKER, None, cpus=2) == 1
    assert parallel.choose_workers(50, 2, cpus=1) == 2  # the CLI's --workers still decides when given
    assert parallel.choose_workers(1, 4) == 1


@pytest.mark.parametrize(("badges", "per_sheet", "workers"), [(10, 3, 2), (7, 6, 2), (1, 6, 2), (100, 8, 3)])
def test_ranges_are_whole_sheets_covering_every_badge_once(badges: int, per_sheet: int, workers: int) -> None:
    spans = parallel.page_ranges(badges, per_sheet, workers)
    assert spans[0][0] == 0 and spans[-1][1] == badges
    assert all(a < b for a, b in spans) and all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))
    assert all(b % per_sheet == 0 for _, b in spans[:-1])
    assert len(spans) == min(workers, -(-badges // per_sheet))


def test_two_workers_print_the_same_pages_in_the_same_order(tmp_path: Path) -> None:
    crowd = people(23)
    before = children()
    one = render_pdf(crowd, RenderOptions(design="minimal", workers=1), tmp_path / "one.pdf")
    seen: list[tuple[int, int, str]] = []
    two = render_pdf(
        crowd,
        RenderOptions(design="minimal", workers=2),
        tmp_path / "two.pdf",
        progress=lambda d, t: seen.append((d, t, threading.current_thread().name)),
    )
    assert one.pages == two.pages and one.badges == two.badges == 23
    assert page_texts(tmp_path / "two.pdf") == page_texts(tmp_path / "one.pdf")
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen) and seen[-1][:2] == (23, 23)
    assert {name for _, _, name in seen} == {threading.current_thread().name}  # progress only from the caller
    assert children() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.pdf", "two.pdf"]  # parts cleaned up


def test_a_design_error_in_a_worker_is_raised_as_that_error(tmp_path: Path, monkeypatch) -> None:
    parent = os.getpid()

    def failing(attendee):
        if os.getpid() != parent:
            raise DesignError("Text alignment 'sideways' is not known", hint="Use left, center or right.")

    before_each_badge(monkeypatch, failing)
    before = children()
    with pytest.raises(DesignError, match="sideways") as caught:
        render_pdf(people(30), RenderOptions(design="minimal", workers=2), tmp_path / "b.pdf")
    assert caught.value.hint == "Use left, center or right."
    assert children() == before
    assert list(tmp_path.iterdir()) == []


def test_a_worker_that_dies_has_its_pages_drawn_by_the_parent(tmp_path: Path, monkeypatch, caplog) -> None:
    parent = os.getpid()

    def dying(attendee):
        if os.getpid() != parent:
            os._exit(9)  # as an OOM kill would: no message, no result

    with monkeypatch.context() as patched:
        before_each_badge(patched, dying)
        crowd = people(30)
        result = render_pdf(crowd, RenderOptions(design="minimal", workers=2), tmp_path / "b.pdf")
    render_pdf(crowd, RenderOptions(design="minimal", workers=1), tmp_path / "one.pdf")
    assert page_texts(tmp_path / "b.pdf") == page_texts(tmp_path / "one.pdf")
    assert result.badges == 30
    assert "drawing its pages here" in caplog.text


def test_ctrl_c_in_the_parent_stops_and_reaps_every_worker(tmp_path: Path, monkeypatch) -> None:
    parent = os.getpid()
    calls = [0]

    def slow_then_interrupted(attendee):
        if os.getpid() != parent:
            time.sleep(0.05)  # the worker is still busy when the parent is interrupted
        else:
            calls[0] += 1
            if calls[0] > 3:
                raise KeyboardInterrupt

    before_each_badge(monkeypatch, slow_then_interrupted)
    before = children()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        render_pdf(people(200), RenderOptions(design="minimal", workers=2), tmp_path / "b.pdf")
    assert time.monotonic() - started < 3  # the worker's 100 badges x 50 ms were not waited for
    assert children() == before
    assert list(tmp_path.iterdir()) == []


def test_the_cloud_renderer_ignores_a_worker_count_in_job_json() -> None:
    from badgeforge.services.renderer import LibraryRenderer

    options = LibraryRenderer().options({"design": "classic", "workers": 8}, {})
    assert options.workers is None  # the server's CPUs decide (choose_workers), never the uploader


def test_this_process_takes_a_slightly_smaller_first_range_because_it_also_copies_the_parts() -> None:
    spans = parallel.page_ranges(10_000, 3, 2, parallel.PARENT_SHARE)
    assert spans[0][0] == 0 and spans[-1][1] == 10_000 and spans[0][1] % 3 == 0
    assert 0.46 * 10_000 < spans[0][1] < 0.5 * 10_000  # copying is ~1 % of drawing: the halves are near even


def test_this_process_leaves_the_workers_its_own_work_after_the_fork_in_badges() -> None:
    """With the own writer it also draws the static layers and runs the design checks after the forks: the
    worker draws about that many badges more (shared out as the copies are), and this process keeps a sheet."""
    plain = parallel.page_ranges(10_000, 4, 2, 0.9)
    spans = parallel.page_ranges(10_000, 4, 2, 0.9, 900)
    assert spans[-1][1] == 10_000 and spans[0][1] % 4 == 0
    assert abs(plain[0][1] - spans[0][1] - 900 * 0.9 / 1.9) <= 4
    assert parallel.page_ranges(800, 4, 2, 0.9, 900) == [(0, 4), (4, 800)]
    assert parallel.page_ranges(9, 4, 2, 0.9, 5_000) == [(0, 4), (4, 9)]


def test_a_cgroup_cpu_quota_caps_the_worker_count(tmp_path: Path, monkeypatch) -> None:
    """Cloud Run / Docker give a quota, not fewer CPUs in the affinity mask: 2 vCPUs on a 32-core host is 2."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(32)))
    quota = tmp_path / "cpu.max"
    monkeypatch.setattr(parallel, "CGROUP_CPU_MAX", quota)
    quota.write_text("200000 100000\n")
    assert parallel.usable_cpus() == 2
    quota.write_text("150000 100000\n")
    assert parallel.usable_cpus() == 2  # 1.5 CPUs: the second one still helps
    quota.write_text("max 100000\n")
    assert parallel.usable_cpus() == 32
    quota.unlink()
    assert parallel.usable_cpus() == 32


def _print_facts(pdf: Path) -> tuple[str, str, str, str]:
    """What a print shop sees of a file: every page's boxes, its text, its fonts and its title."""
    import subprocess

    def run(*cmd: str) -> str:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    boxes = run("pdfinfo", "-box", "-f", "1", "-l", "999", str(pdf))
    boxes = "\n".join(line for line in boxes.splitlines() if "Box" in line or line.startswith("Title"))
    fonts = "\n".join(sorted({line.split()[0].split("+")[-1] for line in run("pdffonts", str(pdf)).splitlines()[2:]}))
    check = run("qpdf", "--check", str(pdf)).split("\n", 1)[1]  # the first line names the file
    return boxes, run("pdftotext", "-layout", str(pdf), "-"), fonts, check


@pytest.mark.parametrize(
    "changes",
    [
        {"design": "pass", "sides": "duplex", "bleed_mm": 3, "pdfx": True},
        {"sides": "foldover", "crop_marks": True},
    ],
    ids=["duplex_pdfx", "foldover"],
)
def test_parts_are_streamed_into_the_same_print_file_without_a_pikepdf_pass(
    tmp_path: Path, changes, monkeypatch
) -> None:
    """Workers only draw; the parent copies each part into the finished file object by object (pdf_stream), so
    no process opens a part with qpdf and nothing holds every page of the job (the qpdf merge held them all)."""
    import pikepdf

    from badge_renderer import pdf_finish

    opened: list[str] = []
    real_open = pikepdf.open
    monkeypatch.setattr(pdf_finish, "finish_pdf", lambda path, *a, **k: opened.append(Path(path).name))
    monkeypatch.setattr(pikepdf, "open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    crowd = people(29)
    options = RenderOptions(event_name="PrintConf", **changes)
    render_pdf(crowd, options.with_changes(workers=1), tmp_path / "one.pdf")
    render_pdf(crowd, options.with_changes(workers=2), tmp_path / "two.pdf")
    assert opened == []
    monkeypatch.setattr(pikepdf, "open", real_open)
    one, two = _print_facts(tmp_path / "one.pdf"), _print_facts(tmp_path / "two.pdf")
    assert "Title:           PrintConf badges" in two[0] and two[0].count("TrimBox") == one[0].count("TrimBox") > 2
    assert two == one
    assert "No syntax or stream encoding errors" in two[3] and "WARNING" not in two[3]
    if options.pdfx:
        with pikepdf.open(tmp_path / "two.pdf") as doc:
            assert doc.pdf_version >= "1.6" and len(doc.Root.OutputIntents) == 1
            assert all("/ArtBox" not in page.obj for page in doc.pages)


def test_the_parents_part_is_handed_on_while_the_worker_still_draws(tmp_path: Path) -> None:
    """run_ranges passes each finished span on in order as soon as it is done: the worker here only finishes
    once the parent's span was handed on, so handing on at the end would make it report 'late'."""
    flag = tmp_path / "handed"

    def task(index: int, span: tuple[int, int], advance) -> str:
        if index == 0:
            return "parent"
        for _ in range(200):  # up to 10 s: far longer than handing on takes
            if flag.exists():
                return "after the parent's part"
            time.sleep(0.05)
        return "late"

    handed: list[tuple[int, str]] = []

    def ready(index: int, result: str) -> None:
        handed.append((index, result))
        flag.touch()

    assert parallel.run_ranges([(0, 5), (5, 10)], task, ready=ready) == ["parent", "after the parent's part"]
    assert handed == [(0, "parent"), (1, "after the parent's part")]


def test_badges_that_failed_in_workers_are_counted(tmp_path: Path, monkeypatch) -> None:
    def broken(attendee):
        raise ValueError("a bug in drawing, not the attendee's fault")

    before_each_badge(monkeypatch, broken)
    from badge_renderer.errors import RenderError

    with pytest.raises(RenderError, match="None of the 30 badges"):
        render_pdf(people(30), RenderOptions(design="minimal", workers=2), tmp_path / "b.pdf")


def test_the_job_s_design_checks_run_in_the_parent_while_the_worker_draws(tmp_path: Path, monkeypatch) -> None:
    """The design warnings (contrast, event name fit) are work for one process: they run in the parent between the
    fork and its own range, not after the file is closed, and render_pdf reports them as before."""
    from badge_renderer import design_checks

    seen: list[tuple[int, set[int]]] = []
    real = design_checks.design_warnings

    def spy(options: RenderOptions) -> tuple:
        seen.append((os.getpid(), children()))
        return real(options)

    monkeypatch.setattr(design_checks, "design_warnings", spy)
    options = RenderOptions(workers=2, background_color="#111111")  # dark text on dark: a contrast warning
    result = render_pdf(people(24), options, tmp_path / "both.pdf")
    ((pid, kids),) = seen
    assert pid == os.getpid() and kids, "the checks ran after the workers were gone"
    single = render_pdf(people(24), RenderOptions(workers=1, background_color="#111111"), tmp_path / "one.pdf")
    assert result.warnings == single.warnings and any("contrast" in w.message for w in result.warnings)


def test_progress_is_passed_on_a_few_times_a_second_not_once_per_sheet(tmp_path: Path, monkeypatch) -> None:
    """The parent used to select() and read the pipe after every sheet it drew (and each worker to pickle and write
    a message per sheet): now at most every PROGRESS_SECONDS, and the caller still hears every badge at the end."""
    drains: list[bool] = []
    real = parallel._drain

    def counted(found: list, *, block: bool) -> None:
        drains.append(block)
        real(found, block=block)

    monkeypatch.setattr(parallel, "_drain", counted)
    seen: list[int] = []
    crowd = people(120)
    result = render_pdf(
        crowd,
        RenderOptions(design="minimal", workers=2, one_per_page=True),
        tmp_path / "p.pdf",
        lambda d, t: seen.append(d),
    )
    assert result.pages == 120 and seen[-1] == 120 and seen == sorted(seen)
    assert len(drains) < 120 / 4, len(drains)

"""The scratch budget of one render (services.render_scratch.Spool): what it counts, and how often it looks.

Why the frequency matters: the progress callback runs once per sheet (2,500 times for a 25,000-badge chunk), and
walking the folder on every call cost about 7 % of a 100,000-badge fan-out run's CPU (py-spy, bench/fanout_run.py).
"""

from __future__ import annotations

import pytest

from badgeforge.services.render_scratch import Spool, SpoolFull


class CountingSpool(Spool):
    """The real Spool, counting its folder walks (nothing else is replaced)."""

    walks = 0

    def used(self) -> int:
        self.walks += 1
        return super().used()


def test_counts_files_in_subfolders_and_a_pdf_twice(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "p1.pdf").write_bytes(b"x" * 100)
    (tmp_path / "owner.json").write_bytes(b"y" * 10)
    assert Spool(tmp_path, 10_000).used() == 2 * 100 + 10  # pdf_finish rewrites a PDF beside itself


def test_a_render_of_many_sheets_walks_the_folder_about_a_hundred_times_not_once_per_sheet(tmp_path):
    spool = CountingSpool(tmp_path, 10_000_000)
    report = spool.progress()
    for done in range(1, 2_501):
        report(done, 2_500)
    assert 2 <= spool.walks <= 102


def test_an_overrun_is_still_caught_while_drawing_within_one_percent_of_the_sheets(tmp_path):
    spool = Spool(tmp_path, 1_000)
    report = spool.progress()
    report(1, 1_000)
    (tmp_path / "out.pdf").write_bytes(b"x" * 600)  # counted twice: 1,200 > 1,000
    with pytest.raises(SpoolFull, match="more than 1,000 bytes"):
        for done in range(2, 13):
            report(done, 1_000)


def test_the_last_sheet_is_always_checked(tmp_path):
    spool = Spool(tmp_path, 1_000)
    report = spool.progress()
    report(1, 7)
    (tmp_path / "out.pdf").write_bytes(b"x" * 600)
    with pytest.raises(SpoolFull):
        report(7, 7)


def test_reports_are_passed_on_every_time(tmp_path):
    seen: list[tuple[int, int]] = []
    report = Spool(tmp_path, 1_000_000).progress(lambda done, total: seen.append((done, total)))
    for done in range(1, 301):
        report(done, 300)
    assert len(seen) == 300 and seen[-1] == (300, 300)

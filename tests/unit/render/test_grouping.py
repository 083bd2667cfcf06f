"""--group-by-type: each ticket type's badges together, in the order the types first appear, file order within."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdf

from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.render import select_for_options

PEOPLE = [
    Attendee(row=2, full_name="Ada", ticket_type="Speaker"),
    Attendee(row=3, full_name="Bob", ticket_type="attendee"),
    Attendee(row=4, full_name="Cy", role="Speaker"),  # no ticket type: grouped by role
    Attendee(row=5, full_name="Di", ticket_type="Attendee"),
    Attendee(row=6, full_name="Ed", ticket_type="Volunteer"),
]


def names(people) -> list[str]:
    return [p.display_name for p in people]


def test_file_order_is_kept_by_default() -> None:
    assert names(select_for_options(PEOPLE, RenderOptions())) == ["Ada", "Bob", "Cy", "Di", "Ed"]


def test_grouping_puts_each_type_together_in_order_of_first_appearance() -> None:
    grouped = select_for_options(PEOPLE, RenderOptions(group_by_type=True))
    assert names(grouped) == ["Ada", "Cy", "Bob", "Di", "Ed"]


def test_grouping_applies_after_the_ticket_type_filter() -> None:
    options = RenderOptions(group_by_type=True, ticket_types=("speaker", "volunteer"))
    assert names(select_for_options(PEOPLE, options)) == ["Ada", "Cy", "Ed"]


def test_job_json_accepts_group_by_type() -> None:
    assert RenderOptions.from_dict({"group_by_type": True}).group_by_type is True


def test_cli_prints_groups_in_order(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("Name,Ticket Type\nAda Alpha,Speaker\nBob Beta,Attendee\nCy Gamma,Speaker\n", encoding="utf-8")
    out = tmp_path / "badges.pdf"
    cli = [str(Path(sys.executable).parent / "badgeforge")]
    done = subprocess.run(
        [*cli, "render", str(csv), "-o", str(out), "--one-per-page", "--group-by-type", "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    pages = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    assert ["Alpha" in p for p in pages].index(True) < ["Gamma" in p for p in pages].index(True)
    assert ["Gamma" in p for p in pages].index(True) < ["Beta" in p for p in pages].index(True)

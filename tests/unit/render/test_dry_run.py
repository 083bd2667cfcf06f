"""The text dry run (badge_renderer.dry_run) finds exactly the per-row warnings a real render gives, for every row,
on every design: names and organisations that grow towards and past their box's limit, characters no font has,
scripts that need shaping, uppercase elements, and the pronoun switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from badge_renderer.designs import list_designs
from badge_renderer.dry_run import TextDryRun, text_warnings
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf

WORDS = ["Ana", "Maximiliane", "Wolkenstein", "Rodeneck", "von", "Hohenzollern", "Sigmaringen", "Lee"]


def people() -> list[Attendee]:
    """Names and organisations from short to far too long (so some sit right at each box's limit), plus hard text."""
    out = []
    for n in range(1, 13):
        words = [WORDS[(n + k) % len(WORDS)] for k in range(n)]
        out.append(
            Attendee(
                row=len(out) + 2,
                first_name=words[0],
                last_name="-".join(words[1:]) or "Li",
                organization=" ".join(reversed(words)) + " GmbH",
                role="Head of " + " and ".join(words[: max(1, n // 2)]),
                pronouns="they/them" * max(1, n // 3),
                ticket_type="Speaker" if n % 2 else "Attendee",
            )
        )
    hard = [
        "Zoë 😀 Ångström ᚠᚢᚦ",  # an emoji (bundled) and runes (no bundled font has them)
        "محمد عبد الرحمن الحسيني",  # Arabic: shaped, right to left
        "राजेश कुमार श्रीवास्तव",  # Devanagari: conjuncts
        "Wiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiilliam",
        "Ǆ\u0301orđe Ŋ\u0308",  # combining marks
    ]
    out += [Attendee(row=len(out) + 2 + i, full_name=name, organization="ACME") for i, name in enumerate(hard)]
    return out


def rendered_row_warnings(options: RenderOptions, attendees: list[Attendee], tmp_path: Path) -> list[tuple]:
    result = render_pdf(attendees, options, tmp_path / "badges.pdf")
    return [(i.row, i.column, i.message) for i in result.warnings if i.row is not None]


CASES = [(d.name, "ID-1") for d in list_designs()] + [("classic", None), ("modern", "A6")]


@pytest.mark.parametrize(("design", "size"), CASES)
def test_the_dry_run_finds_the_renders_row_warnings(design: str, size: str | None, tmp_path: Path) -> None:
    options = RenderOptions(design=design, badge_size=size, workers=1)
    attendees = people()
    expected = rendered_row_warnings(options, attendees, tmp_path)
    found = [(i.row, i.column, i.message) for i in text_warnings(attendees, options)]
    assert found == expected
    assert any("shortened" in message for _, _, message in expected)  # the fixture reaches the limits
    assert any("blank box" in message for _, _, message in expected)


def test_pronouns_switched_off_give_no_pronoun_warnings(tmp_path: Path) -> None:
    options = RenderOptions(design="classic", badge_size="ID-1", show_pronouns=False, workers=1)
    attendees = people()
    found = [(i.row, i.column, i.message) for i in text_warnings(attendees, options)]
    assert found == rendered_row_warnings(options, attendees, tmp_path)
    assert not any(column == "pronouns" for _, column, _ in found)


def test_plain_rows_need_no_exact_fit() -> None:
    """The point of the bound: ordinary Latin names and organisations are answered without shaping."""
    attendees = [
        Attendee(row=i + 2, first_name="Grace", last_name=f"Hopper{i}", organization="US Navy", role="Speaker")
        for i in range(500)
    ]
    run = TextDryRun(RenderOptions(design="classic"))
    assert run.issues(attendees) == []
    assert run.exact_rows == 0


def test_a_row_past_the_limit_is_checked_exactly_and_reported() -> None:
    long_name = Attendee(row=7, full_name="Bartholomew " * 12, organization="ACME")
    run = TextDryRun(RenderOptions(design="classic", badge_size="ID-1"))
    issues = run.issues([Attendee(row=2, full_name="Ada Lovelace"), long_name])
    assert run.exact_rows == 1
    assert [(i.row, i.column) for i in issues] == [(7, "full_name")]
    assert "shortened" in issues[0].message


def test_a_badge_that_fails_to_draw_is_that_rows_warning_as_in_the_job(monkeypatch):
    from badge_renderer.compose import BadgeComposer

    real = BadgeComposer.draw

    def flaky(self, ctx, attendee, *args, **kwargs):
        if attendee.row == 3:
            raise RuntimeError("cairo said no")
        return real(self, ctx, attendee, *args, **kwargs)

    monkeypatch.setattr(BadgeComposer, "draw", flaky)
    long_names = [Attendee(row=row, full_name="Bartholomew " * 12) for row in (2, 3, 4)]
    issues = TextDryRun(RenderOptions(design="classic", badge_size="ID-1")).issues(long_names)
    assert [(i.row, "could not be drawn" in i.message) for i in issues] == [(2, False), (3, True), (4, False)]

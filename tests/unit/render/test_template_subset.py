"""template_subset: the bundled templates filled without Jinja2, character for character as Jinja2 fills them."""

from __future__ import annotations

import itertools
from typing import Any

import jinja2
import markupsafe
import pytest

from badge_renderer.designs import TEMPLATES_DIR, load_design
from badge_renderer.svg_layer import jinja_source, svg_source
from badge_renderer.template_subset import Unsupported, parse, render, render_file

DESIGNS = ("classic", "conference", "minimal", "modern", "pass")
SIZES = ((288.0, 216.0), (216.0, 288.0), (255.1181102362205, 155.90551181102362), (153.07, 243.78), (432, 288))
EVENTS = ("", None, "Expo 2026", '</title><image href="file:///etc/passwd"/><title>', "A & B 'x' \"y\" &amp;")


def contexts() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for name in DESIGNS:
        design = load_design(name)
        accents = sorted({design.colors["accent"], *design.ticket_accents.values(), "#c3a"})
        sides = ("front", "back") if design.has_back else ("front",)
        for side, accent, logo, event, size in itertools.product(sides, accents, (False, True), EVENTS, SIZES):
            context = {
                "width": size[0],
                "height": size[1],
                "colors": {**design.colors, "accent": accent},
                "ticket_type": "VIP",
                "event_name": event,
                "has_background_image": logo,
                "has_logo": logo,
            }
            out.append((name, side, context))
    return out


@pytest.mark.parametrize("name", DESIGNS)
def test_bundled_templates_fill_exactly_as_jinja2(name: str) -> None:
    cases = [(side, context) for design, side, context in contexts() if design == name]
    design = load_design(name)
    for side, context in cases:
        own = render_file(TEMPLATES_DIR / design.template_name(side), dict(design=design, mm=72 / 25.4, **context))
        assert own is not None
        assert own == jinja_source(design, side, **context), (side, context)
        assert svg_source(design, side, **context) == own


ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@pytest.mark.parametrize(
    "source",
    [
        "a\n",
        "a\n\n",
        "{# c #}\n  {% if t %}\n  x {{ w }}\n  {% endif %}\n",
        "  {% if t %}x{% endif %}  {% if f %}y{% endif %}\n",
        "{% if t %}  {% if f %}\n  no\n{% endif %}  z\n{% endif %}",
        "x {{ w }}  {% if t %}\n\ty\n\t{% endif %}\nend",
        "{{ w }}\n  {# c #}  tail\n",
        "{% if f or t %}\n{{ c.k }}|{{ w * 0.24 }}|{{ i * 3 }}|{{ n }}|{{ s }}\n{% endif %}\n",
        "{% if f %}{% if missing %}{{ missing }}{% endif %}{% endif %}ok",
        "{% if t or missing %}short-circuit{% endif %}",
        "   \n  {#\n multi\n #}\n\n",
    ],
)
def test_whitespace_and_tests_follow_jinja2(source: str) -> None:
    """trim_blocks, lstrip_blocks, the dropped trailing newline, nested and short-circuit tests, escaping."""
    context = {"t": True, "f": False, "w": 76.19999999999999, "i": 7, "n": None, "s": "<&'\">", "c": {"k": "#fff"}}
    assert render(parse(source), context) == ENV.from_string(source).render(**context)


@pytest.mark.parametrize(
    "source",
    [
        "{{ w|round }}",
        "{{ w + 1 }}",
        "{{ 'x' }}",
        "{{- w }}",
        "{{ w -}}",
        "{%- if t %}{% endif %}",
        "{% if t %}a{% else %}b{% endif %}",
        "{% if not t %}a{% endif %}",
        "{% if t and f %}a{% endif %}",
        "{% if t %}a",
        "{% endif %}",
        "{% for x in y %}{% endfor %}",
        "{% raw %}{{ a }}{% endraw %}",
        "{{ none }}",
        "{{ c.items }}",
        "a\r\nb",
        "{{ w }",
        "}} stray",
    ],
)
def test_forms_outside_the_subset_are_left_to_jinja2(source: str) -> None:
    context = {"t": True, "f": False, "w": 1.5, "c": {"items": "x"}, "y": [1]}
    with pytest.raises(Unsupported):
        render(parse(source), context)


@pytest.mark.parametrize(
    "context",
    [
        {},  # StrictUndefined: Jinja2 raises, which svg_source turns into a DesignError
        {"w": "1.5"},  # a string times a number
        {"w": [1]},
        {"w": markupsafe.Markup("<b>")},  # has __html__: Jinja2 would not escape it
    ],
)
def test_values_outside_the_subset_are_left_to_jinja2(context: dict[str, Any]) -> None:
    source = "{{ w * 2 }}" if "w" in context and not hasattr(context["w"], "__html__") else "{{ w }}"
    with pytest.raises(Unsupported):
        render(parse(source), context)


def test_a_missing_name_is_still_jinja2s_design_error() -> None:
    from badge_renderer.errors import DesignError

    with pytest.raises(DesignError, match="template failed"):
        svg_source(load_design("classic"), width=100, height=80)  # no colors, event_name...

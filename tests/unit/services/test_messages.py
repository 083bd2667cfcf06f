"""The server's message catalogue: every message the code can write has an English and a German entry with the same
placeholders, and German readers get German text with German numbers, the where ("Zeile 3") rebuilt."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from badgeforge.services import messages

ROOT = Path(__file__).resolve().parents[3]
FOLDERS = (
    ROOT / "functions" / "badgeforge" / "api",
    ROOT / "functions" / "badgeforge" / "services",
    ROOT / "badge_renderer",
)
# Python's own exceptions carry programmer errors, not messages for people.
BUILTIN = {
    "ValueError",
    "TypeError",
    "RuntimeError",
    "KeyError",
    "NotImplementedError",
    "AssertionError",
    "OSError",
    "LookupError",
    "SystemExit",
    "ImportError",
    "AttributeError",
    "Exception",
}
_CODE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Site:
    """One message in the source: where, and its text with `{}` for each value filled in at run time."""

    path: str
    line: int
    text: str

    def sample(self, value: str = "7") -> str:
        """The text as the code could write it, every value replaced by `value`."""
        return self.text.replace("{}", value)


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _text(node: ast.expr) -> str | None:
    """A string literal, f-string or + of them as a template; None for anything computed otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _texts(call: ast.Call) -> Iterator[str]:
    """The message (the first text argument that is not a snake_case code) and any message=/hint= keyword."""
    name = _name(call.func)
    if name == "ApiError" or name == "RowIssue":
        args = call.args[2:3]
    elif name == "problem":  # a design document's Reader.problem(property, message): the studio lists them
        args = call.args[1:2]
    elif name in BUILTIN or not (name.endswith("Error") or name[:1].isupper()):
        return
    else:
        args = call.args
    for arg in args:
        texts = [text for choice in _choices(arg) if (text := _text(choice)) is not None and not _CODE.fullmatch(text)]
        if texts:
            yield from texts
            break
    for keyword in call.keywords:
        if keyword.arg in ("message", "hint"):
            yield from (text for choice in _choices(keyword.value) if (text := _text(choice)) is not None)


def _choices(node: ast.expr) -> list[ast.expr]:
    """`a if c else b` is either text."""
    return [*_choices(node.body), *_choices(node.orelse)] if isinstance(node, ast.IfExp) else [node]


def _raised_or_built(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls whose result is raised or returned as an error, every RowIssue and every design-document problem."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            yield node.exc
        elif (
            isinstance(node, ast.Return)
            and isinstance(node.value, ast.Call)
            and _name(node.value.func).endswith(("Error", "Refusal"))
        ):
            yield node.value
        elif isinstance(node, ast.Call) and _name(node.func) in ("RowIssue", "ApiError", "problem"):
            yield node


@lru_cache(maxsize=1)
def message_sites() -> list[Site]:
    found: dict[tuple[str, int, str], Site] = {}
    for folder in FOLDERS:
        for path in sorted(folder.rglob("*.py")):
            for call in _raised_or_built(ast.parse(path.read_text(encoding="utf-8"))):
                for text in _texts(call):
                    site = Site(str(path.relative_to(ROOT)), call.lineno, text)
                    found[(site.path, site.line, text)] = site
    return sorted(found.values(), key=lambda s: (s.path, s.line))


# Messages only developers or the CLI meet (a broken installation, the design-file format on the command line):
# they stay English on purpose; everything else a page can show must have an entry.
ENGLISH_ONLY = {
    # pdf_stream.PartFormatError: never shown; the print file is then merged by qpdf instead (logged only)
    "no %PDF header",
    "no startxref",
    "not a classic xref table",
    "no trailer",
    "incremental, encrypted or hybrid file",
    "catalog without /Pages",
    "a nested page tree",
    "trailer without {}",
    "object {} is not in the xref table",
    "object {} does not start at its xref offset",
    "a page without /MediaBox",
    "a short xref subsection",
    "a negative xref offset",
    "an xref table this reader does not parse",
    # DirectWriterError of a parallel job's shared static layers / numbered parts: never shown; cairo draws the job
    "a part refers to the static layer {} that no earlier part holds",
    "a part numbered from {} does not fit after {} objects",
    "a part in the finished file's numbering cannot be merged by qpdf",
    "a static layer form that needs placement operators cannot be shared by parts",
    "the static layer form {} is not in the part's numbered objects",
    # pdf_write.forms: PartFormatError, a cairo file the form copy does not read (a cairo upgrade; never shown)
    "a form is copied from a one-page file, not {} pages",
    "a page content filter this copy does not keep: {}",
    "a page content filter this copy does not decode: {}",
    "a page content stream that does not inflate: {}",
    "object {} is not a stream",
    "stream {} without a length",
    "an inline dictionary that does not end",
    "a resource refers to object {}, the page or its tree",
    # duplex_backs.BackCopyError: never shown; the backs are then drawn instead (logged only)
    "a front page without cairo's page matrix",
    "a badge whose drawing is not under its clip",
    "a clipped part outside every slot",
    "a duplex page without one content stream and a resources object",
    "a back page before its front",
    "a resources object that is not a dictionary",
    "a back page whose resources were not copied first",
    "a back page's /Contents moved",
    "a content stream without its data",
    "a content stream in another filter",
    "a content stream that does not inflate ({})",
    "a part this module does not read",
    "Cannot read {}: {}",  # a design file named on the command line
    "Design '{}' has a malformed manifest.json ({})",
    "Design '{}' template failed: {}",
    "Design '{}' artwork could not be drawn: {}",
    "Text alignment '{}'/'{}' is not known",
    "align is one of {}; valign one of {}.",
    "line_height must be above 0, not {}",
    "1.15 suits most names.",
    "Unknown font weight '{}'",
    "Use 'regular' or 'bold'.",
    "Font family '{}' has no regular file",
    "Bundled font {} is missing",
    "Restore it in {}.",
    "Cannot read the font list: {}",
    "fonts.json lists no families",
    "{}: {}; it cannot be embedded by the page writer",  # pdf_write.fonts.FontFileError: cairo draws instead
    "cannot embed {}: {}",  # pdf_write.part.DirectWriterError (logged; cairo draws the job instead)
    "cannot copy the static layer: {}",  # pdf_write.part.DirectWriterError (logged; cairo draws the job)
    "text with an alpha below 1 needs a graphics state the writer does not write",  # DirectWriterError (logged)
    "QR mask surface",
    "QR sheet surface",
    "{} bytes do not fit a version {} QR code at level {}",
    "the ZIP entry is damaged ({})",  # part of "The photo {…}; a placeholder was printed"
    "the ZIP entry holds more than it declares (a zip bomb)",
    "the render needs more than {} bytes of scratch space (at {})",  # part of job.spool_full
    "{}: {}",  # a file name and a message that has its own entry
    # svg_subset.Unsupported: never shown; the artwork is then drawn by cairosvg as before
    "DOCTYPE, comment, CDATA or processing instruction",
    "not well-formed: {}",
    "<{}> nested in <{}>",
    "attributes on <title>",
    "text outside <title>",
    "root is not a plain <svg>",
    "viewBox other than 0 0 width height",
    "empty root",
    "element <{}>",
    "attributes {} on <{}>",
    "negative {}",
    "not a plain number: {}",
    "{} outside 0..1",
    "colour {}",
    # template_subset.Unsupported: never shown; the template is then filled by Jinja2 as before
    "a carriage return",
    "endif without if",
    "if without endif",
    "a tag this reader does not split",
    "a keyword as a name",
    "undefined {}",
    "the key {} of {}",
    "{} is no number",
    "a value of another type",
}
PLACEHOLDER = re.compile(r"\{(\w+)(?:, *(\w+))?\}")


def _placeholders(entry) -> set[tuple[str, str | None]]:
    forms = [entry] if isinstance(entry, str) else list(entry.values())
    return {m.groups() for form in forms for m in PLACEHOLDER.finditer(form)}


def test_every_language_has_every_entry_with_the_same_placeholders():
    english = messages.catalogue("en")
    for language in messages.LANGUAGES:
        other = messages.catalogue(language)
        assert set(other) == set(english), language
        for key, entry in english.items():
            translated = other[key]
            assert _placeholders(translated) - {("count", "number")} <= _placeholders(entry), (language, key)
            assert _placeholders(entry) - {("count", "number")} <= _placeholders(translated) | {
                (name, kind) for name, kind in _placeholders(entry) if kind == "number" and isinstance(translated, dict)
            }, (language, key)
            if isinstance(translated, dict):
                assert {"one", "other"} <= set(translated), (language, key)


def test_every_message_the_code_writes_has_an_entry():
    sites = message_sites()
    assert len(sites) > 250  # the scan finds the messages at all
    missing = sorted({s.text for s in sites if s.text not in ENGLISH_ONLY and messages.identify(s.sample()) is None})
    assert missing == []


def test_english_only_list_has_no_stale_entries():
    texts = {s.text for s in message_sites()}
    assert texts >= ENGLISH_ONLY


def test_german_numbers_and_plurals():
    assert messages.translate("The file has more than 50,000 attendee rows", "de") == (
        "Die Datei hat mehr als 50.000 Teilnehmerzeilen."
    )
    assert messages.translate("The design document has 1 problem(s): x", "de") == "Das Design-Dokument hat 1 Problem: x"
    assert messages.translate("The design document has 3 problem(s): x", "de") == (
        "Das Design-Dokument hat 3 Probleme: x"
    )
    assert messages.format_number("4.5 MB", "de") == "4,5 MB"
    assert messages.format_number("-1234", "de") == "-1.234"
    assert messages.format_number("A4", "de") == "A4"


def test_rate_limit_phrases_inside_a_message_are_translated():
    text = "You are starting jobs too quickly: at most 10 in an hour. Try again in 1 seconds."
    assert messages.translate(text, "de") == (
        "Sie starten zu schnell neue Aufträge: höchstens 10 in einer Stunde. Versuchen Sie es in 1 Sekunde erneut."
    )


def test_the_most_specific_template_wins():
    known = messages.identify("The attendee file is over 4 MB.")
    assert known is not None and known.key == "upload.csv_over" and known.params == {"size": "4 MB"}


def test_unknown_text_stays_english_and_english_stays_as_written():
    assert messages.translate("Something nobody catalogued", "de") == "Something nobody catalogued"
    assert messages.translate("Wrong email or password.", "en") == "Wrong email or password."
    assert messages.translate("Wrong email or password.", "de") == "E-Mail-Adresse oder Passwort ist falsch."


def test_a_renderer_error_keeps_its_where_and_hint_in_german():
    from badge_renderer.errors import CsvError

    err = CsvError(
        "The row cannot be read as CSV (unexpected end of data)",
        hint="Check for an unmatched quote in this row.",
        file="people.csv",
        row=7,
        column="Name",
    )
    out = messages.localize(err.to_dict(), "de")
    assert out["message"] == (
        "people.csv, Zeile 7, Spalte „Name“: Die Zeile lässt sich nicht als CSV lesen (unexpected end of data). "
        "Prüfen Sie die Zeile auf ein Anführungszeichen ohne Gegenstück."
    )
    assert out["hint"] == "Prüfen Sie die Zeile auf ein Anführungszeichen ohne Gegenstück."
    assert out["key"] == "csv.bad_row" and out["params"] == {"reason": "unexpected end of data"}
    assert out["row"] == 7 and out["column"] == "Name"


def test_a_stored_warning_keeps_its_key_and_params():
    stored = messages.annotate({"row": 4, "column": "Name", "message": "'Maximiliane' was shortened to fit the badge"})
    assert stored["key"] == "warn.shortened" and stored["params"] == {"value": "'Maximiliane'"[1:-1]}
    stored["message"] = "changed English wording"  # a later reader renders from key + params, not from the text
    assert messages.localize(stored, "de")["message"] == (
        "„Maximiliane“ wurde gekürzt, damit es auf das Namensschild passt."
    )


@pytest.mark.parametrize("language", ["fr", "", "xx"])
def test_a_language_without_a_catalogue_reads_english(language):
    assert messages.translate("Wrong email or password.", language) == "Wrong email or password."


def test_the_gallery_the_choices_and_the_presets_have_entries():
    """What the form lists comes from the renderer's data (manifests, presets): each has a German entry."""
    from badge_renderer.designs import list_designs
    from badge_renderer.layout import PRESETS

    texts = [text for d in list_designs() for text in (d.title, d.description)]
    texts += [preset.title for preset in PRESETS.values()]
    assert [text for text in texts if messages.identify(text) is None] == []
    assert messages.translate(PRESETS["herma-4412"].title, "de") == (
        "HERMA 4412 Namensschild-Etiketten, 80 x 50 mm, 10 pro A4-Bogen"
    )
    assert messages.translate(PRESETS["a4-4xa6-landscape"].title, "de") == (
        "4 x A6 auf perforiertem A4, Namensschilder im Querformat 148,5 x 105 mm, gedreht in die Teile im Hochformat"
    )


def test_option_names_read_as_the_form_labels_them_and_dates_as_the_mail_writes_them():
    assert messages.translate("margin_mm must be between 0 and 100 mm", "de") == (
        "„Rand (mm)“ muss zwischen 0 und 100 mm liegen."
    )
    assert messages.translate(
        "This job is rendering (its lease runs until 2026-12-01T10:15:00Z), not failed or stuck: nothing to re-drive.",
        "de",
    ) == (
        "Dieser Auftrag ist in Arbeit (seine Frist läuft bis 1. Dezember 2026, 10:15 UTC), weder fehlgeschlagen noch "
        "hängen geblieben: nichts neu anzustoßen."
    )


def test_a_design_documents_problems_keep_their_place_and_read_in_german():
    problem = 'elements[3] (id "role"): box: has no area; give it a width and a height above 0 mm'
    assert messages.translate(problem, "de") == (
        'elements[3] (id "role"): box: hat keine Fläche; geben Sie ihm eine Breite und eine Höhe über 0 mm.'
    )
    assert messages.translate(f"The design document has 2 problem(s): {problem}", "de").startswith(
        'Das Design-Dokument hat 2 Probleme: elements[3] (id "role"): box: hat keine Fläche;'
    )


def test_a_missing_catalogue_leaves_the_english_and_breaks_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(messages, "_templates", lambda: tmp_path)  # a broken install: templates/i18n is gone
    for cached in (messages.catalogue, messages._forms_index, messages.identify):
        cached.cache_clear()
    try:
        warning = {"row": 2, "column": "name", "message": "'Ada' was shortened to fit the badge"}
        assert messages.annotate(warning) == warning
    finally:
        monkeypatch.undo()
        for cached in (messages.catalogue, messages._forms_index, messages.identify):
            cached.cache_clear()
    assert messages.annotate(warning)["key"] == "warn.shortened"

"""Column names as organizers write them, resolved to where the reader put them.

The reader takes recognised columns ("First Name", "Ticket Type", "Order code") into attendee fields, so they no
longer exist under their own name. An organizer who names such a column — `--qr "Order code"`, a studio document's
`{First Name}` or a condition on "Ticket Type" — would otherwise get an empty value. Every path that pairs a table
with options (the job, the CLI, the preview, the desk) passes them through `for_table`, so all of them print the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from badge_renderer.designs import FORMAT_FIELD, BadgeDesign, Element

FieldFor = Callable[[str], str]


def for_table(options: Any, table: Any) -> Any:
    """`options` with the QR column and the design document's columns named as the table's attendees know them."""
    field_for: FieldFor = table.field_for
    changes: dict[str, Any] = {}
    if getattr(options, "qr_field", None):
        changes["qr_field"] = field_for(options.qr_field)
    document = getattr(options, "design_document", None)
    if document is not None:
        resolved = resolve_design(document, field_for)
        if resolved is not document:
            changes["design_document"] = resolved
    return options.with_changes(**changes) if changes else options


def resolve_design(design: BadgeDesign, field_for: FieldFor) -> BadgeDesign:
    """The design with every column it names resolved; the same object when nothing changes (the usual case)."""
    renamed: list[tuple[str, str]] = []

    def name(column: str) -> str:
        resolved = field_for(column)
        if resolved != column:
            renamed.append((column, resolved))
        return resolved

    front = tuple(_element(e, name) for e in design.elements)
    back = tuple(_element(e, name) for e in design.back_elements)
    if not renamed:
        return design
    document = design.document
    if document is not None:  # composers and previews are cached by the digest: the resolved design is another
        digest = hashlib.blake2b(document.digest + repr(sorted(set(renamed))).encode(), digest_size=20).digest()
        document = replace(document, digest=digest)
    return replace(design, elements=front, back_elements=back, document=document)


def _element(element: Element, name: Callable[[str], str]) -> Element:
    changes: dict[str, Any] = {}
    if element.format:
        fmt = FORMAT_FIELD.sub(
            lambda m: "{" + "|".join(name(n.strip()) for n in m.group(1).split("|")) + "}", element.format
        )
        if fmt != element.format:
            changes["format"] = fmt
    for attr in ("column", "qr_field"):
        value = getattr(element, attr)
        if value and name(value) != value:
            changes[attr] = name(value)
    if element.when:
        when = tuple(_condition(c, name) for c in element.when)
        if when != element.when:
            changes["when"] = when
    return replace(element, **changes) if changes else element


def _condition(condition: Any, name: Callable[[str], str]) -> Any:
    if condition.kind in ("not_empty", "equals") and condition.column:
        column = name(condition.column)
        return replace(condition, column=column) if column != condition.column else condition
    if condition.any:
        inner = tuple(_condition(c, name) for c in condition.any)
        return replace(condition, any=inner) if inner != condition.any else condition
    return condition

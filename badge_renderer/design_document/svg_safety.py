"""Uploaded SVG artwork is hostile input: parsed with defusedxml, checked against an allowlist, re-serialised.

Refused (with a message naming what was found): DTDs and entities (billion laughs), <script>, <foreignObject>,
event-handler attributes, any reference that is not to the same document (href="#id", url(#id)), embedded
<image> (cairosvg would decode a data: image without our pixel caps) and <text> (it would need system fonts).
Elements and attributes of other XML namespaces (editor metadata) are dropped, since nothing renders them.
"""

from __future__ import annotations

import re
from typing import Any

from badge_renderer import limits
from badge_renderer.errors import DesignError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ALLOWED = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "title", "desc", "metadata",
    }
)  # fmt: skip
REFUSED = {
    "script": "scripts are not allowed in artwork",
    "foreignObject": "foreignObject (HTML inside SVG) is not allowed",
    "image": "images inside SVG artwork are not allowed; upload the image as a background image instead",
    "text": "text inside SVG artwork is not allowed; convert it to paths (Inkscape: Path > Object to Path)",
    "tspan": "text inside SVG artwork is not allowed; convert it to paths",
    "style": "<style> sheets are not allowed; use presentation attributes (fill, stroke) instead",
    "a": "links are not allowed in artwork",
    "iframe": "embedded documents are not allowed",
}
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"]*)", re.IGNORECASE)
_HINT = "Remove it from the SVG (or export plain SVG from your editor) and upload the artwork again."


def sanitise_svg(data: bytes) -> bytes:
    """The artwork re-serialised from the checked tree (what is drawn is exactly what was checked)."""
    import xml.etree.ElementTree as ElementTree

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if len(data) > limits.SVG_MAX_BYTES:
        raise DesignError(
            f"The SVG artwork is {limits.describe_bytes(len(data))}, more than "
            f"{limits.describe_bytes(limits.SVG_MAX_BYTES)}",
            hint="Simplify it or export it as a PNG background image.",
        )
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise DesignError(
            "The SVG artwork declares a DTD or entities, which are not allowed (they can expand without limit)",
            hint=_HINT,
        ) from err
    except (ElementTree.ParseError, ValueError) as err:
        raise DesignError(
            f"The SVG artwork is not well-formed XML ({err})", hint="Export it again as plain SVG."
        ) from err
    if _local(root.tag) != "svg" or _namespace(root.tag) not in ("", SVG_NS):
        raise DesignError("The SVG artwork's root element is not <svg>", hint="Upload an SVG file.")
    for count, parent in enumerate(list(root.iter()), start=1):
        if count > limits.SVG_MAX_ELEMENTS:
            raise DesignError(
                f"The SVG artwork has more than {limits.SVG_MAX_ELEMENTS:,} elements", hint="Simplify the artwork."
            )
        _check_element(parent)
        for child in list(parent):
            if _namespace(child.tag) not in ("", SVG_NS) or _local(child.tag) == "metadata":
                parent.remove(child)  # editor data: never rendered
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    return bytes(ElementTree.tostring(root, encoding="utf-8"))


def _check_element(element: Any) -> None:
    name = _local(element.tag)
    if _namespace(element.tag) not in ("", SVG_NS):
        return  # removed by the caller
    if name in REFUSED:
        raise DesignError(f"The SVG artwork contains <{name}>: {REFUSED[name]}", hint=_HINT)
    if name not in ALLOWED:
        raise DesignError(f"The SVG artwork contains <{name}>, which BadgeForge does not draw", hint=_HINT)
    for key in list(element.attrib):
        attr, value = _local(key), str(element.attrib[key])
        if _namespace(key) not in ("", XLINK_NS):
            del element.attrib[key]
            continue
        if attr.lower().startswith("on"):
            raise DesignError(f"The SVG artwork has an event handler ({attr} on <{name}>)", hint=_HINT)
        if attr == "href" and not value.strip().startswith("#"):
            raise DesignError(
                f"The SVG artwork refers to {value[:60]!r} (on <{name}>); only references inside the artwork "
                "(#id) are allowed",
                hint=_HINT,
            )
        for target in _URL.findall(value):
            if not target.strip().startswith("#"):
                raise DesignError(
                    f"The SVG artwork refers to {target[:60]!r} in {attr} (on <{name}>); only url(#id) is allowed",
                    hint=_HINT,
                )
        if attr == "style" and ("@import" in value.lower() or "expression(" in value.lower()):
            raise DesignError(f"The SVG artwork's style on <{name}> imports or runs code", hint=_HINT)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def render_svg_asset(data: bytes, width: float, height: float) -> Any:
    """Sanitised artwork on a width x height pt recording surface, placed by its preserveAspectRatio (cairosvg,
    safe mode)."""
    import cairocffi as cairo
    from cairosvg.parser import Tree
    from cairosvg.surface import Surface

    class _Recording(Surface):
        device_units_per_user_units = 1

        def _create_surface(self, w: float, h: float) -> tuple[Any, float, float]:
            return cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (0, 0, w, h)), w, h

    try:
        tree = Tree(bytestring=data, unsafe=False)
        surface = _Recording(tree, None, 72, output_width=width, output_height=height)
    except Exception as err:  # cairosvg raises plain exceptions on SVG it cannot draw
        raise DesignError(f"The SVG artwork could not be drawn: {err}", hint="Export it again as plain SVG.") from err
    return surface.cairo

"""Design documents: one versioned JSON format for badge designs (docs/design-format.md, design.schema.json).

parse_document/read_document turn a document into a BadgeDesign that compose draws like a bundled design;
export_design writes a bundled design as a document; document_problems lists what is wrong with one.
"""

from badge_renderer.design_document.export import bundled_as_document, export_design
from badge_renderer.design_document.parse import (
    DesignDocumentError,
    document_problems,
    parse_document,
    read_document,
)

__all__ = [
    "DesignDocumentError",
    "bundled_as_document",
    "document_problems",
    "export_design",
    "parse_document",
    "read_document",
]

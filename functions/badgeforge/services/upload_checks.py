"""What an upload must look like before any reader spends time on it, judged by its bytes (never by its name).

One set of checks for both doors: POST /api/jobs (answered as HTTP errors) and files written straight into
uploads/{uid}/{jobId}/ with an SDK or gsutil (answered as a failed job). Names and Content-Type headers are whatever
the browser or attacker says; the first bytes are what the renderer would actually see.
"""

from __future__ import annotations

# Magic numbers of things people upload by mistake instead of a CSV (spreadsheets, PDFs, archives, images).
_NOT_CSV = {
    b"PK\x03\x04": "a ZIP or Excel .xlsx file",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls file",
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class ContentRefused(ValueError):
    """An upload refused for what it is; `status` is the HTTP answer the API gives for it."""

    def __init__(self, status: int, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.hint = status, code, hint


def check_csv_content(data: bytes, *, max_bytes: int) -> None:
    """Refuse empty, oversized or obviously binary attendee files."""
    if not data:
        raise ContentRefused(400, "empty_file", "The attendee file is empty.")
    if len(data) > max_bytes:
        raise ContentRefused(413, "too_large", f"The attendee file is over {_size_text(max_bytes)}.")
    for magic, what in _NOT_CSV.items():
        if data.startswith(magic):
            raise ContentRefused(
                415,
                "not_csv",
                f"This looks like {what}, not a CSV file.",
                hint="Export the attendee list as CSV (comma or semicolon separated) and upload that.",
            )
    if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 has NULs and a BOM
        raise ContentRefused(415, "not_csv", "This is a binary file, not a CSV file.")


def image_type(data: bytes) -> str | None:
    """The image MIME type from its magic number, or None when it is not an image we accept."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image_content(data: bytes, *, max_bytes: int) -> str:
    """The image's MIME type, or ContentRefused: only PNG, JPEG, WebP and GIF, judged by content."""
    if len(data) > max_bytes:
        raise ContentRefused(413, "too_large", f"The image is over {_size_text(max_bytes)}.")
    mime = image_type(data)
    if mime is None:
        raise ContentRefused(415, "not_an_image", "Only PNG, JPEG, WebP or GIF images can be used.")
    return mime


def _size_text(limit: int) -> str:
    mib = 1024 * 1024
    return f"{limit // mib} MB" if limit % mib == 0 else f"{limit / 1_000_000:g} MB"

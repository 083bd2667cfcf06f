"""Bytes to text: BOMs first, then strict UTF-8, then a deterministic cp1252 fallback; binaries are refused.

Organizers bring what their spreadsheet wrote: Excel's UTF-8 with BOM, "Unicode Text" (UTF-16 with BOM), or a
legacy Windows code page. Guessing with statistics makes the same file read differently between versions, so the
order here is fixed and the only guess is UTF-8-with-some-damage versus cp1252.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from badge_renderer.errors import CsvError

REPLACEMENT = "\ufffd"

_BOMS = (
    # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# (magic prefix, what it is, what to do). Checked before any decoding so a renamed file gets a useful message.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "Upload the attendee list as a CSV file."),
    (b"\xff\xd8\xff", "a JPEG image", "Upload the attendee list as a CSV file."),
    (b"GIF87a", "a GIF image", "Upload the attendee list as a CSV file."),
    (b"GIF89a", "a GIF image", "Upload the attendee list as a CSV file."),
    (b"%PDF-", "a PDF document", "Upload the attendee list as a CSV file."),
    (b"\x1f\x8b", "gzip-compressed", "Uncompress it and upload the CSV file inside."),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel/Office (.xls) file",
        "In Excel use File > Save As > CSV UTF-8.",
    ),
    (b"Rar!", "a RAR archive", "Extract it and upload the CSV file inside."),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "Extract it and upload the CSV file inside."),
)


@dataclass(frozen=True)
class DecodedText:
    """The file as text, the encoding it was read with, and whether undecodable bytes were replaced."""

    text: str
    encoding: str
    damaged: bool


def decode_csv_bytes(data: bytes, filename: str) -> DecodedText:
    """Decode an uploaded attendee file, or raise `CsvError(code="not_text")` for binaries and office files."""
    _refuse_known_binaries(data, filename)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding.removesuffix("-sig"), errors="replace")
            return _checked(DecodedText(text, encoding, REPLACEMENT in text), filename)
    bomless_utf16 = _bomless_utf16(data)
    if bomless_utf16:
        text = data.decode(bomless_utf16, errors="replace")
        return _checked(DecodedText(text, bomless_utf16, REPLACEMENT in text), filename)
    if b"\x00" in data:
        raise _not_text(filename, "it contains binary data (NUL bytes)", "Upload the attendee list as a CSV file.")
    try:
        return _checked(DecodedText(data.decode("utf-8"), "utf-8", False), filename)
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    damaged_chars = lenient.count(REPLACEMENT)
    ascii_chars = len(lenient.encode("ascii", errors="ignore"))  # counted in C, not per character in Python
    decoded_non_ascii = len(lenient) - ascii_chars - damaged_chars
    if decoded_non_ascii > damaged_chars:
        # Mostly valid UTF-8 with a few broken bytes (a truncated copy, a hand edit): keep UTF-8, flag the rows.
        return _checked(DecodedText(lenient, "utf-8", True), filename)
    text = data.decode("cp1252", errors="replace")
    return _checked(DecodedText(text, "cp1252", REPLACEMENT in text), filename)


def _refuse_known_binaries(data: bytes, filename: str) -> None:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        # Member names sit in the local headers near the start and in the central directory at the end.
        head, tail = data[:65536], data[-65536:]
        if b"xl/" in head or b"xl/" in tail:
            raise _not_text(filename, "it is an Excel workbook (.xlsx), not a CSV file", _EXPORT_HINT)
        if b"opendocument.spreadsheet" in head:
            raise _not_text(filename, "it is a spreadsheet (.ods), not a CSV file", _EXPORT_HINT)
        raise _not_text(filename, "it is a ZIP archive, not a CSV file", "Extract it and upload the CSV file inside.")
    for magic, what, hint in _MAGIC:
        if data.startswith(magic):
            raise _not_text(filename, f"it is {what}, not a CSV file", hint)


_EXPORT_HINT = "Open it in your spreadsheet program and export it as CSV (File > Save As > CSV UTF-8)."


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM shows NUL high bytes for ASCII (delimiters, digits, spaces); say which byte order.

    Text in a script far from ASCII may not be recognised; Excel always writes the BOM, so that is rare.
    """
    sample = data[: 4096 - (min(len(data), 4096) % 2)]
    half = len(sample) // 2
    if half < 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls >= 0.25 * half and even_nuls * 10 <= odd_nuls:
        return "utf-16-le"
    if even_nuls >= 0.25 * half and odd_nuls * 10 <= even_nuls:
        return "utf-16-be"
    return None


def _checked(decoded: DecodedText, filename: str) -> DecodedText:
    """A text made mostly of control characters is a binary that happened to decode; refuse it too."""
    sample = decoded.text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f") + sample.count("\x7f")
    if sample and (controls > 0.05 * len(sample) or "\x00" in sample):
        raise _not_text(filename, "it does not look like text", "Upload the attendee list as a CSV file.")
    return decoded


def _not_text(filename: str, what: str, hint: str) -> CsvError:
    return CsvError(f"Cannot read the attendee list: {what}", hint=hint, file=filename, code="not_text")

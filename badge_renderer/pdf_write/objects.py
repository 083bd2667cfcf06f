"""Numbered PDF objects written to a file as they come, then one classic xref table and trailer.

Why this shape: pdf_stream.PartReader reads cairo's part files through exactly this layout (one classic xref, no
object streams, a flat page tree), so a part written here is copied into the finished file by the same code.
"""

from __future__ import annotations

from array import array
from typing import BinaryIO


def pdf_number(value: float, decimals: int = 3) -> bytes:
    """A PDF number with at most `decimals` decimals and no trailing zeros ("12", "0.5", never "-0")."""
    text = b"%.*f" % (decimals, value)
    if b"." in text:
        text = text.rstrip(b"0").rstrip(b".")
    return b"0" if text in (b"-0", b"") else text


class DirectWriterError(RuntimeError):
    """Something the own writer cannot write (a font it cannot embed, a static layer it cannot copy, transparent
    text): the job is drawn by cairo instead (output.write_pdf)."""


class PdfObjects:
    """Objects by number (reserve one before its contents are known, put it later); `close` writes the xref."""

    def __init__(self, out: BinaryIO, version: bytes = b"1.5") -> None:
        self.out = out
        self.position = 0
        self.offsets = array("q", [0])  # object 0 is the free list's head
        self.gap = (0, 0)  # numbers [a, b) skipped (skip_to): no xref rows
        self._write(b"%PDF-" + version + b"\n%\xb5\xed\xae\xfb\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def reserve(self) -> int:
        """A new object number, to be written later with put/put_stream."""
        self.offsets.append(0)
        return len(self.offsets) - 1

    def skip_to(self, first: int) -> None:
        """Number the next objects from `first` on: the numbers between are left out of the xref (a worker's part
        written in the finished file's numbering, see pdf_stream.PdfAssembler.append_numbered)."""
        if first < len(self.offsets) or self.gap != (0, 0):
            raise ValueError(f"cannot skip to object {first} from {len(self.offsets)}")
        self.gap = (len(self.offsets), first)
        self.offsets.extend(array("q", [0]) * (first - len(self.offsets)))

    def put(self, n: int, body: bytes) -> None:
        """Object n (reserved) is `body`: a dictionary, array, number..."""
        if not 0 < n < len(self.offsets) or self.offsets[n]:
            raise ValueError(f"object {n} was not reserved or is already written")
        self.offsets[n] = self.position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (n, body))

    def put_stream(self, n: int, head: bytes, data: bytes) -> None:
        """Object n is a stream: `head` is its dictionary "<< ... >>" without /Length, `data` as stored (encoded)."""
        if not head.endswith(b">>"):
            raise ValueError("a stream dictionary ends with >>")
        if not 0 < n < len(self.offsets) or self.offsets[n]:
            raise ValueError(f"object {n} was not reserved or is already written")
        self.offsets[n] = self.position
        self._write(b"%d 0 obj\n%s /Length %d >>\nstream\n" % (n, head[:-2].rstrip(), len(data)))
        self._write(data)
        self._write(b"\nendstream\nendobj\n")

    def add(self, body: bytes) -> int:
        """A new object holding `body`; its number."""
        n = self.reserve()
        self.put(n, body)
        return n

    def add_stream(self, head: bytes, data: bytes) -> int:
        n = self.reserve()
        self.put_stream(n, head, data)
        return n

    def close(self, root: int, info: int = 0) -> None:
        """The xref table and trailer; every reserved object must have been written."""
        low, high = self.gap
        missing = [n for n in range(1, len(self.offsets)) if not self.offsets[n] and not low <= n < high]
        if missing:
            raise ValueError(f"objects reserved but never written: {missing[:5]}")
        start = self.position
        sections = [(0, low), (high, len(self.offsets))] if high else [(0, len(self.offsets))]
        rows = [b"xref\n"]
        for first, end in sections:  # classic xref subsections: "first count", then a row per object
            rows.append(b"%d %d\n" % (first, end - first))
            if first == 0:
                rows.append(b"0000000000 65535 f \n")
            rows += [b"%010d 00000 n \n" % offset for offset in self.offsets[max(first, 1) : end]]
        self._write(b"".join(rows))
        info_ref = b" /Info %d 0 R" % info if info else b""
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self.offsets), root, info_ref, start)
        )

"""Which delimiter a file uses, chosen by which one splits the first records into a consistent number of fields.

`csv.Sniffer` guesses from character frequencies and misreads one-column and one-line files (it happily picks a
letter as the delimiter). Here every candidate actually parses a sample with the csv module, so quotes and
quoted newlines are respected, and the winner is the one whose field counts agree across records.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

CANDIDATES = (",", ";", "\t", "|")
SAMPLE_CHARS = 64 * 1024
SAMPLE_RECORDS = 50

_EXCEL_SEP_LINE = re.compile(r"\A\s*sep=(.)[ \t]*\r?\n", re.IGNORECASE)


def excel_sep_line(text: str) -> tuple[str | None, int]:
    """Excel writes `sep=;` as a first line to name the delimiter: return it and how many characters to skip."""
    match = _EXCEL_SEP_LINE.match(text)
    if not match:
        return None, 0
    return match.group(1), match.end()


def detect_delimiter(text: str, prefer: str = ",") -> str:
    """The delimiter whose records agree best on a field count above one; `prefer` for single-column files."""
    truncated = len(text) > SAMPLE_CHARS
    sample = text[:SAMPLE_CHARS]
    best: tuple[tuple[float, int, int], str] | None = None
    order = (prefer, *(c for c in CANDIDATES if c != prefer))
    for rank, delimiter in enumerate(order):
        counts = _field_counts(sample, delimiter, drop_last=truncated)
        if not counts:
            continue
        mode, agreeing = max(Counter(counts).items(), key=lambda item: (item[1], item[0]))
        if mode < 2:
            continue
        consistency = agreeing / len(counts)
        # The header row matching the common count is strong evidence: a stray comma inside one name is not.
        header_bonus = 0.25 if counts[0] == mode else 0.0
        score = (round(consistency + header_bonus, 3), mode, -rank)
        if best is None or score > best[0]:
            best = (score, delimiter)
    return best[1] if best else prefer


def _field_counts(sample: str, delimiter: str, *, drop_last: bool) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    counts: list[int] = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                counts.append(len(record))
            if len(counts) > SAMPLE_RECORDS:
                break
    except csv.Error:
        return counts
    if drop_last and counts and len(counts) <= SAMPLE_RECORDS:
        counts.pop()  # the sample cut this record somewhere in the middle
    return counts

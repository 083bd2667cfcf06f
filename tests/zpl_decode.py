"""A ZPL `^GFA` reader for the tests, written from the ZPL II guide independently of badge_renderer.zpl, so a
round trip checks the encoder against the format rather than against itself."""

from __future__ import annotations

import re

_FIELD = re.compile(r"\^GFA,(\d+),(\d+),(\d+),([^\^]*)")


def _count(letter: str) -> int:
    if "G" <= letter <= "Y":
        return ord(letter) - ord("G") + 1
    return (ord(letter) - ord("g") + 1) * 20


def decode_rows(data: str, bytes_per_row: int, total: int) -> list[bytes]:
    """The rows of one ^GFA field's data (plain hex or ASCII-compressed)."""
    width = bytes_per_row * 2
    rows: list[str] = []
    row = ""
    repeat = 0
    for ch in data:
        if ch in "\r\n":
            continue
        if ch == ":":
            rows.append(rows[-1])
            continue
        if ch in ",!":
            rows.append((row + ("0" if ch == "," else "F") * width)[:width])
            row = ""
            continue
        if "G" <= ch <= "Y" or "g" <= ch <= "z":
            repeat += _count(ch)
            continue
        row += ch * (repeat or 1)
        repeat = 0
        if len(row) >= width:
            rows.append(row[:width])
            row = row[width:]
    assert not row, f"a row of {len(row)} digits is left over"
    assert len(rows) * bytes_per_row == total, (len(rows), bytes_per_row, total)
    return [bytes.fromhex(r) for r in rows]


def labels(zpl: str) -> list[tuple[int, int, list[bytes]]]:
    """(print width, label length, rows) for each ^XA ... ^XZ label."""
    found = []
    for block in re.findall(r"\^XA(.*?)\^XZ", zpl, flags=re.S):
        width = int(re.search(r"\^PW(\d+)", block).group(1))  # type: ignore[union-attr]
        length = int(re.search(r"\^LL(\d+)", block).group(1))  # type: ignore[union-attr]
        total, count, per_row, data = _FIELD.search(block).groups()  # type: ignore[union-attr]
        assert total == count
        found.append((width, length, decode_rows(data, int(per_row), int(total))))
    return found

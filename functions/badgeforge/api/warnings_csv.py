"""Warnings as a CSV a spreadsheet opens safely: a cell that starts like a formula (= + - @, tab, CR) is prefixed
with an apostrophe, so an attendee's name can never run as a formula on the organizer's computer."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def warnings_csv(warnings: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["row", "column", "warning"])
    for item in warnings:
        writer.writerow(
            [
                safe_cell(item.get("row") or ""),
                safe_cell(item.get("column") or ""),
                safe_cell(item.get("message") or ""),
            ]
        )
    return out.getvalue()

"""One parsed record to one Attendee, with the row's problems reported as warnings (or raised, in strict mode)."""

from __future__ import annotations

from collections.abc import Sequence

from badge_renderer.attendees.columns import ColumnPlan
from badge_renderer.attendees.decoding import REPLACEMENT
from badge_renderer.attendees.limits import CsvLimits
from badge_renderer.errors import CsvError
from badge_renderer.model import Attendee, RowIssue
from badge_renderer.printable import printable

SAMPLE_ROWS = 5  # records kept as read, for the live preview's table
_UNDECODABLE = "The value has characters that could not be decoded (shown as \ufffd)"
_HINTS = {
    "no_name": "Fill in the name or remove the row; it gets no badge.",
    "field_too_long": "Shorten the value; it was cut to fit.",
    "bad_encoding": "Save the file as 'CSV UTF-8' and upload it again.",
    "bad_row": "Check the row for a delimiter or quote inside a value.",
    "unprintable": "Retype the value without the hidden characters; the badge was made without them.",
}


class RowBuilder:
    """Turns records into attendees for one file; collects warnings, or raises the first problem when strict."""

    def __init__(
        self,
        plan: ColumnPlan,
        columns: Sequence[str],
        limits: CsvLimits,
        *,
        filename: str,
        strict: bool,
        damaged_text: bool,
    ) -> None:
        self.plan = plan
        self.columns = tuple(columns)
        self.max_chars = limits.max_field_chars
        self.filename = filename
        self.strict = strict
        self.check_encoding = damaged_text
        self.attendees: list[Attendee] = []
        self.warnings: list[RowIssue] = []
        self.sample_rows: list[tuple[str, ...]] = []
        self._known = tuple(plan.known.items())
        self._custom = tuple(plan.custom.items())
        self._others = plan.others

    def add(self, row: int, cells: Sequence[str]) -> None:
        width = len(self.columns)
        values = [cell.strip() for cell in cells]
        if len(values) > width:
            if any(values[width:]):
                message = f"This row has {len(values)} fields but the header has {width}; the extra ones were ignored"
                self._problem(row, None, message, "bad_row")
            del values[width:]
        elif len(values) < width:
            values.extend([""] * (width - len(values)))
        if max(map(len, values), default=0) > self.max_chars:
            for index, value in enumerate(values):
                if len(value) > self.max_chars:
                    message = f"The value is {len(value):,} characters long (limit {self.max_chars:,}); it was cut"
                    self._problem(row, self.columns[index], message, "field_too_long")
                    values[index] = value[: self.max_chars]
        self._drop_unprintable(row, values)
        if len(self.sample_rows) < SAMPLE_ROWS:
            self.sample_rows.append(tuple(values))
        if self.check_encoding:
            for index, value in enumerate(values):
                if REPLACEMENT in value:
                    self._problem(row, self.columns[index], _UNDECODABLE, "bad_encoding")
                    break
        known = {field: values[index] for field, index in self._known}
        if not (known.get("full_name") or known.get("first_name") or known.get("last_name")):
            self._problem(row, None, "This row has no name, so no badge is made for it", "no_name")
            return
        extra = {name: values[index] for name, index in self._others}
        for field, index in self._custom:
            extra[field] = values[index]
        self.attendees.append(Attendee(row=row, extra=extra, **known))

    def _drop_unprintable(self, row: int, values: list[str]) -> None:
        """Every attendee value enters the renderer here, so this is where what cannot be printed is taken out."""
        for index, value in enumerate(values):
            cleaned = printable(value)
            if cleaned.removed:
                count = len(cleaned.removed)
                what = (
                    "character that cannot be printed was" if count == 1 else "characters that cannot be printed were"
                )
                message = f"{count} {what} removed: {cleaned.describe()}"
                self._problem(row, self.columns[index], message, "unprintable")
                values[index] = cleaned.text.strip()

    def _problem(self, row: int, column: str | None, message: str, code: str) -> None:
        """Callers print `row, column: message`, so the message itself does not repeat where."""
        if self.strict:
            raise CsvError(message, hint=_HINTS[code], file=self.filename, row=row, column=column, code=code)
        self.warnings.append(RowIssue(row=row, column=column, message=message))

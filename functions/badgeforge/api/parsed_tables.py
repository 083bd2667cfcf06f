"""The attendee file read once per draft for all its previews: reading 50,000 rows takes seconds, and the form asks
for a preview on every change (a row step, a colour, a letter of the event name). Kept per process by the
file's digest, its mapping and the limits; a table is immutable, so sharing it between requests is safe."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

KEPT = 2  # a 50,000-row table is tens of MB: two organizers' files per instance
_tables: OrderedDict[bytes, Any] = OrderedDict()
_lock = threading.Lock()


def read_table_once(upload: Any) -> Any:
    """uploads.read_table(upload), answered from memory for the same file, mapping and limits."""
    from .context import api
    from .uploads import InputLimits, read_table

    limits = InputLimits.of(api().services)
    digest = hashlib.blake2b(digest_size=20)
    for part in (upload.csv, upload.filename.encode(), repr(sorted(upload.mapping.items())).encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(repr((limits.csv_max_bytes, limits.csv_max_rows)).encode())
    key = digest.digest()
    with _lock:
        if key in _tables:
            _tables.move_to_end(key)
            return _tables[key]
    table = read_table(upload)  # errors are not kept: the next request says them again
    with _lock:
        _tables[key] = table
        while len(_tables) > KEPT:
            _tables.popitem(last=False)
    return table

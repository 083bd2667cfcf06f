"""The ZIP of attendee photos uploaded with the CSV: hostile input, checked whole before any photo is used.

Refused up front, with the entry named: too many entries, names that climb out of the archive (../, absolute,
drive letters, backslashes), encrypted entries, files that are not photos, an entry bigger than an image may be,
a compression ratio no photo has (a zip bomb), or a total uncompressed size over the cap. When a photo is read its
actual size is checked against what the entry declared, so a lying header cannot inflate it either. Nothing is
ever extracted to disk; photos are found by file name (case-insensitive, any folder inside the ZIP).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from badge_renderer import limits
from badge_renderer.errors import ImageError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
# What operating systems add to a ZIP on their own: skipped, never an error.
_IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
_SMALL = 100_000  # entries this small may compress well (a flat placeholder PNG); the ratio applies above it
LABEL = "photos"


def _refuse(message: str, hint: str = "Zip the photos again (only the image files) and upload the ZIP.") -> ImageError:
    return ImageError(message, hint=hint, column=LABEL, code="bad_photos")


@dataclass(eq=False)
class PhotoArchive:
    """A checked photo ZIP held in memory; `read(name)` gives one photo's bytes (None when it is not there)."""

    data: bytes = field(repr=False)
    digest: bytes = field(init=False, default=b"")

    def __post_init__(self) -> None:
        check_zip_size(len(self.data))
        try:
            archive = zipfile.ZipFile(io.BytesIO(self.data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            raise _refuse("The photo file is not a ZIP archive", hint="Upload a .zip of the photos.") from err
        self.digest = hashlib.blake2b(self.data, digest_size=16).digest()
        self._index: dict[str, zipfile.ZipInfo] = {}
        entries = [info for info in infos if not info.is_dir() and not _IGNORED.search(info.filename)]
        if len(entries) > limits.PHOTOS_MAX_ENTRIES:
            raise _refuse(
                f"The photo ZIP has {len(entries):,} files; at most {limits.PHOTOS_MAX_ENTRIES:,} are allowed"
            )
        total = 0
        for info in entries:
            _check_entry(info)
            total += info.file_size
            if total > limits.PHOTOS_MAX_TOTAL_BYTES:
                raise _refuse(
                    f"The photos in the ZIP add up to more than {limits.describe_bytes(limits.PHOTOS_MAX_TOTAL_BYTES)}"
                    " uncompressed",
                    hint="Scale the photos down (300 dpi of the photo box is plenty).",
                )
            key = _key(info.filename)
            if key in self._index:
                raise _refuse(
                    f"The photo ZIP has two files named '{info.filename.rsplit('/', 1)[-1]}'",
                    hint="Photos are found by file name: give each attendee's photo its own name.",
                )
            self._index[key] = info
        self._archive = archive

    def __len__(self) -> int:
        return len(self._index)

    def has(self, name: str) -> bool:
        """Whether the ZIP holds the photo a CSV cell names (by file name, as read finds it), without reading it."""
        return _key(name) in self._index

    def read(self, name: str) -> bytes | None:
        """The photo a CSV cell names ("anna.jpg", "photos/anna.jpg"), by file name in any folder; None if absent."""
        info = self._index.get(_key(name))
        if info is None:
            return None
        try:
            with self._archive.open(info) as entry:
                data = entry.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as err:  # bad CRC, truncated, encrypted
            raise ImageError(f"the ZIP entry is damaged ({err})", column=LABEL) from err
        if len(data) > info.file_size:
            raise ImageError("the ZIP entry holds more than it declares (a zip bomb)", column=LABEL)
        return data


def check_zip_size(size: int) -> None:
    """Refuse a photo ZIP over the cap (callers check a file's size before reading it)."""
    if size > limits.PHOTOS_ZIP_MAX_BYTES:
        raise _refuse(
            f"The photo ZIP is {limits.describe_bytes(size)}, more than "
            f"{limits.describe_bytes(limits.PHOTOS_ZIP_MAX_BYTES)}",
            hint="Scale the photos down (300 dpi of the photo box is plenty) or split the event.",
        )


def _key(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip().casefold()


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.split("/")
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in parts
        or re.match(r"^[A-Za-z]:", name)
        or "\x00" in name
        or len(name) > 255
    ):
        raise _refuse(f"The photo ZIP has an entry named {name[:80]!r}, which points outside the archive")
    if info.flag_bits & 0x1:
        raise _refuse(f"The photo ZIP entry '{name}' is encrypted", hint="Zip the photos again without a password.")
    if not name.lower().endswith(PHOTO_SUFFIXES):
        raise _refuse(
            f"The photo ZIP has '{name}', which is not a photo",
            hint="Put only JPEG, PNG, WebP or GIF photos in the ZIP.",
        )
    if info.file_size > limits.IMAGE_MAX_BYTES:
        raise _refuse(
            f"The photo '{name}' is {limits.describe_bytes(info.file_size)}, more than "
            f"{limits.describe_bytes(limits.IMAGE_MAX_BYTES)}",
            hint="Scale the photo down (300 dpi of the photo box is plenty).",
        )
    if info.file_size > _SMALL and info.file_size > limits.PHOTOS_MAX_RATIO * max(1, info.compress_size):
        raise _refuse(
            f"The photo ZIP entry '{name}' expands {info.file_size // max(1, info.compress_size):,} times "
            "(photos are already compressed; this looks like a zip bomb)",
        )

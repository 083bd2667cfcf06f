"""A cairo font face per bundled font file, made from a FreeType FT_Face, so PDFs embed each font once (subset).

cairocffi has no FreeType faces, so this opens the system libfreetype.so.6 (the very library libcairo links, so
no second FreeType and no ABI mix) with a three-function cdef and hands its FT_Face to
cairo_ft_font_face_create_for_ft_face. FT faces are kept for the life of the process, as cairo requires. A forked
worker keeps using its copy of the parent's faces (it is single-threaded, and the text it draws then shares one
font subset per part with the static layers the parent recorded); only the lock is made anew in the child, in
case another thread held it at the fork.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import cairocffi

    from badge_renderer.text.fonts import FontFile

_CDEF = """
typedef struct FT_LibraryRec_* FT_Library;
typedef struct FT_FaceRec_* FT_Face;
int FT_Init_FreeType(FT_Library* alibrary);
int FT_New_Face(FT_Library library, const char* filepathname, long face_index, FT_Face* aface);
typedef struct _cairo_font_face cairo_font_face_t;
cairo_font_face_t* cairo_ft_font_face_create_for_ft_face(FT_Face face, int load_flags);
int cairo_font_face_status(cairo_font_face_t* font_face);
void cairo_ft_font_face_set_synthesize(cairo_font_face_t* font_face, unsigned int synth_flags);
"""
_CAIRO_FT_SYNTHESIZE_BOLD = 1
_FT_LOAD_NO_HINTING = 1 << 1  # glyph shapes as designed, matching HarfBuzz's unhinted advances

_lock = threading.Lock()
_state: dict[str, Any] = {"pid": None}


def _new_lock_after_fork() -> None:
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock_after_fork)


def _native() -> tuple[Any, Any, Any, Any]:
    """(ffi, freetype, cairo, FT_Library) for this process, created on first use (a fork keeps the parent's)."""
    if _state["pid"] is None:
        from badge_renderer.native_import import cached_ffi

        ffi = cached_ffi("freetype", _CDEF)  # cached out-of-line module: no pycparser in a fresh process
        freetype = _dlopen(ffi, "freetype", ("libfreetype.so.6", "libfreetype.6.dylib"))
        cairo = _dlopen(ffi, "cairo", ("libcairo.so.2", "libcairo.2.dylib"))
        library = ffi.new("FT_Library*")
        if freetype.FT_Init_FreeType(library) != 0:
            raise RuntimeError("FreeType could not start")
        _state.update(pid=os.getpid(), ffi=ffi, freetype=freetype, cairo=cairo, library=library, faces={})
    return _state["ffi"], _state["freetype"], _state["cairo"], _state["library"]


def _dlopen(ffi: Any, name: str, sonames: tuple[str, ...]) -> Any:
    """The system library cairocffi also uses (Debian/Ubuntu soname first; macOS for local development)."""
    from ctypes.util import find_library

    for candidate in (*sonames, find_library(name)):
        if candidate:
            try:
                return ffi.dlopen(candidate)
            except OSError:
                continue
    raise RuntimeError(f"lib{name} is missing: `bash scripts/system_deps.sh runtime` installs it with libcairo2")


def cairo_font_face(font: FontFile) -> cairocffi.FontFace:
    """The cairo FontFace drawing `font`; the same object every time within one process."""
    found = _state.get("faces", {}).get((str(font.path), font.synthetic_bold))  # a dict read is atomic: no lock
    if found is not None:
        return found[1]
    with _lock:
        ffi, freetype, cairo, library = _native()
        faces: dict[tuple[str, bool], Any] = _state["faces"]
        key = (str(font.path), font.synthetic_bold)
        if key not in faces:
            faces[key] = _create(ffi, freetype, cairo, library[0], *key)
            _state.setdefault("fonts", {})[_face_address(faces[key][1]._pointer)] = font
        return faces[key][1]


def font_of_face(face: Any) -> FontFile:
    """The font whose cairo face `face` (a cairo_font_face_t* made by cairo_font_face) is: BadgeForge's own page
    writer embeds that font file for text a stamp drew with the face."""
    found = _state.get("fonts", {}).get(_face_address(face))
    if found is None:
        raise KeyError("not a face of cairo_font_face")
    return found


def _face_address(pointer: Any) -> int:
    import cairocffi

    return int(cairocffi.ffi.cast("uintptr_t", pointer))


def _create(ffi: Any, freetype: Any, cairo: Any, library: Any, path: str, bold: bool) -> tuple[Any, cairocffi.FontFace]:
    import cairocffi

    ft_face = ffi.new("FT_Face*")
    if freetype.FT_New_Face(library, path.encode(), 0, ft_face) != 0:
        raise RuntimeError(f"FreeType cannot open {path}")
    pointer = cairo.cairo_ft_font_face_create_for_ft_face(ft_face[0], _FT_LOAD_NO_HINTING)
    if cairo.cairo_font_face_status(pointer) != 0:
        raise RuntimeError(f"cairo cannot use {path}")
    if bold:
        cairo.cairo_ft_font_face_set_synthesize(pointer, _CAIRO_FT_SYNTHESIZE_BOLD)  # cairo >= 1.12
    # Same libcairo, different cffi instance: pass the pointer across by address. cairocffi takes ownership.
    theirs = cairocffi.ffi.cast("cairo_font_face_t *", int(ffi.cast("uintptr_t", pointer)))
    return ft_face, cairocffi.FontFace._from_pointer(theirs, incref=False)

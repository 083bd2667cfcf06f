"""A fresh process imports cairocffi in ~10 ms instead of ~0.25 s: its cffi binding is built once and cached.

Why: cairocffi 1.7 parses all of cairo's C declarations with pycparser at every import (~0.2 s CPU) and asks
`ctypes.util.find_library` for three names (each runs `ldconfig -p`, and gcc for a name it does not find): a
quarter of a second before a fresh process draws its first badge, on the critical path of every cold start and of
every CLI run. cffi can write the parsed declarations out as a small Python module (ABI mode, out of line: no
compiler), which loads without pycparser. This module does that on first use, into a cache folder, keyed by the
cairocffi files and the cffi backend, and a meta-path finder hands the cached module to `import cairocffi.ffi`;
find_library's answers for cairo's names are cached with it.

It changes nothing else: the same cairocffi code runs against the same libcairo through an equivalent ffi object.
Anything unexpected (no cache folder, a cairocffi that changed shape) falls back to the normal import, and
BADGEFORGE_PREBUILT_FFI=0 turns it off. cairocffi.pixbuf (GDK pixbuf loading, which BadgeForge never uses) is not
available through the cached binding.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

_MODULE = "cairocffi.ffi"
_CAIRO_NAMES = ("cairo-2", "cairo", "libcairo-2")  # what cairocffi asks find_library for


def cache_dir() -> Path:
    """$BADGEFORGE_CACHE, else ~/.cache/badgeforge (XDG), else a folder in the temp dir (read-only homes)."""
    explicit = os.environ.get("BADGEFORGE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    home = Path(base) / "badgeforge"
    try:
        home.mkdir(parents=True, exist_ok=True)
        if os.access(home, os.W_OK):
            return home
    except OSError:
        pass
    import tempfile

    return Path(tempfile.gettempdir()) / f"badgeforge-cache-{os.getuid() if hasattr(os, 'getuid') else 0}"


def _key(package_dir: Path) -> str:
    import hashlib

    import _cffi_backend

    digest = hashlib.sha256(_cffi_backend.__version__.encode())
    for name in ("constants.py", "ffi.py", "__init__.py"):
        stat = (package_dir / name).stat()
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def build(package_dir: Path, target: Path) -> None:
    """Write the out-of-line ABI module of cairocffi's declarations (those of cairocffi/ffi.py's `ffi`) to `target`."""
    if "xcffib" in sys.modules or importlib.util.find_spec("xcffib") is not None:
        raise RuntimeError("cairocffi includes xcffib's declarations here: not cached")
    namespace: dict[str, Any] = {}
    exec(compile((package_dir / "constants.py").read_bytes(), str(package_dir / "constants.py"), "exec"), namespace)
    missing = (
        "\n\ndef __getattr__(name):\n"
        "    raise AttributeError(f'{name} is not in the cached binding (badge_renderer.native_import)')\n"
    )
    _emit(namespace["_CAIRO_HEADERS"], _MODULE, target, missing)


def _emit(cdef: str, module: str, target: Path, extra: str = "") -> None:
    """cffi's out-of-line ABI module for `cdef`, written atomically (a parallel process may write it too)."""
    import io
    import tempfile

    from cffi import FFI

    target.parent.mkdir(parents=True, exist_ok=True)  # first: an unwritable cache must fail before the parse
    with tempfile.NamedTemporaryFile("w", dir=target.parent, suffix=".tmp", delete=False) as tmp:
        pass
    try:
        builder = FFI()
        builder.cdef(cdef)
        builder.set_source(module, None)
        with contextlib.redirect_stdout(io.StringIO()):  # cffi prints "generating ..."; stdout may be a protocol
            builder.emit_python_code(tmp.name)
        if extra:
            with open(tmp.name, "a") as fh:
                fh.write(extra)
        os.replace(tmp.name, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp.name)


def cached_ffi(name: str, cdef: str) -> Any:
    """An ffi for `cdef` (ABI mode, for dlopen) loaded from the cache, built there on first use: BadgeForge's own
    small bindings (FreeType) skip pycparser too. Falls back to an in-line FFI when the cache is unusable."""
    import hashlib

    import _cffi_backend

    if os.environ.get("BADGEFORGE_PREBUILT_FFI", "1") != "0":
        key = hashlib.sha256(f"{_cffi_backend.__version__}\n{cdef}".encode()).hexdigest()[:16]
        target = cache_dir() / f"{name}-{key}.py"
        try:
            if not target.exists():
                _emit(cdef, f"_badgeforge_{name}", target)
            spec = importlib.util.spec_from_file_location(f"_badgeforge_{name}", target)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module.ffi
        except Exception:  # the in-line FFI below is the same binding, only slower to make
            pass
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(cdef)
    return ffi


class _Finder:
    """A meta-path finder: serves `cairocffi.ffi` from the cache (building it first when missing)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name == "cairocffi":
            _cache_find_library()
            return None
        if name != _MODULE or not path:
            return None
        while _restore:  # cairocffi/__init__ has bound find_library by now
            _restore.pop()()
        try:
            package_dir = Path(next(iter(path)))
            cached = cache_dir() / f"cairocffi-ffi-{_key(package_dir)}.py"
            if not cached.exists():
                build(package_dir, cached)
            return importlib.util.spec_from_file_location(name, cached)
        except Exception:  # any surprise: cairocffi's own (slower) import
            return None


_real_find_library: Any = None


def _cache_find_library() -> None:
    """cairocffi binds ctypes.util.find_library when it is imported; give it one that remembers cairo's names."""
    global _real_find_library
    import ctypes.util
    import json

    if _real_find_library is not None:
        return
    _real_find_library = ctypes.util.find_library
    store = cache_dir() / "find_library.json"
    try:
        known = json.loads(store.read_text())
    except (OSError, ValueError):
        known = {}

    def find_library(name: str) -> str | None:
        if name not in _CAIRO_NAMES:
            return _real_find_library(name)
        if name not in known:
            known[name] = _real_find_library(name)
            with contextlib.suppress(OSError):
                store.parent.mkdir(parents=True, exist_ok=True)
                tmp = store.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(known))
                os.replace(tmp, store)
        return known[name]

    ctypes.util.find_library = find_library

    def restore() -> None:
        ctypes.util.find_library = _real_find_library  # cairocffi keeps its own reference

    _restore.append(restore)


_restore: list[Any] = []


def install() -> None:
    """Put the finder first on sys.meta_path (once), unless turned off or cairocffi is already imported."""
    if os.environ.get("BADGEFORGE_PREBUILT_FFI", "1") == "0" or "cairocffi" in sys.modules:
        return
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())

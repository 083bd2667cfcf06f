"""native_libs.require: the real libraries of this machine are found; a loader that cannot open one is reported by
name and package (fault injection: removing libcairo from the machine is not possible inside a test)."""

from __future__ import annotations

import ctypes

import pytest

from badgeforge import native_libs


def test_this_machine_has_the_renderers_libraries() -> None:
    found = {f.name for f in native_libs.require()}
    assert found == {"cairo", "freetype"}


def test_a_missing_library_is_named_with_its_package() -> None:
    def without_cairo(name: str) -> ctypes.CDLL:
        if "cairo" in name:
            raise OSError(f"{name}: cannot open shared object file")
        return ctypes.CDLL(name)

    with pytest.raises(native_libs.NativeLibraryMissing) as caught:
        native_libs.require(loader=without_cairo)
    message = str(caught.value)
    assert "libcairo.so.2" in message and "libcairo2" in message
    assert "libfreetype.so.6" not in message  # the library that opened is not reported


def test_a_library_without_the_symbol_is_refused() -> None:
    libc = ctypes.CDLL(None)
    with pytest.raises(native_libs.NativeLibraryMissing, match="without cairo_pdf_surface_create_for_stream"):
        native_libs.require(loader=lambda name: libc)

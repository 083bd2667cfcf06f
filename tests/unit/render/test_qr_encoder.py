"""The table-driven QR encoder against two independent references: segno's symbols (module for module, given the
same data codewords: parity, interleaving, placement, function patterns and mask are ours) and zbarimg (Debian
zbar-tools), which must read back every payload from one rendered sheet."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from segno import consts
from segno import encoder as segno_encoder

from badge_renderer.qr import QUIET_ZONE, QrCode, QrDataTooLong, draw_qr, encode_qr
from badge_renderer.qr_encoder import _parity, _parity_tables, _plan, _stream, encode_bytes, fits

LEVELS = {"L": consts.ERROR_LEVEL_L, "M": consts.ERROR_LEVEL_M, "Q": consts.ERROR_LEVEL_Q, "H": consts.ERROR_LEVEL_H}


def _segno_stream(data: bytes, version: int, level: str, eci: bool = False) -> bytes:
    """segno's own data codewords for `data` before parity and interleaving (its private pipeline: the test's
    reference, not the product's); `eci`: segno's UTF-8 ECI header before the byte segment."""
    segment = segno_encoder.make_segment(data.decode("utf-8") if eci else data, consts.MODE_BYTE, "utf-8")
    buff = segno_encoder.Buffer()
    segno_encoder.write_segment(buff, segment, None, segno_encoder.version_range(version), eci)
    capacity = consts.SYMBOL_CAPACITY[version][LEVELS[level]]
    segno_encoder.write_terminator(buff, capacity, None, len(buff))
    segno_encoder.write_padding_bits(buff, version, len(buff))
    segno_encoder.write_pad_codewords(buff, version, capacity, len(buff))
    words = bytes(buff.toints())  # segno pads an already full, byte-aligned stream with one more zero codeword
    assert len(words) - capacity // 8 in (0, 1) and not any(words[capacity // 8 :])
    return words[: capacity // 8]


def _placed(data: bytes, version: int, level: str, stream: bytes) -> QrCode:
    plan = _plan(version, level, QUIET_ZONE)
    return QrCode(plan.size, plan.stride, plan.place(stream), origin=plan.origin, width=plan.width)


@pytest.mark.parametrize("length", [0, 11, 40, 90, 150, 200, 300, 500, 900])  # versions 1-24: version info from 7
def test_placement_mask_and_fixed_modules_equal_segno_module_for_module(length: int) -> None:
    data = bytes(random.Random(length).randrange(256) for _ in range(length))
    reference = segno.make(data, mode="byte", error="m", mask=0, micro=False)
    level = reference.error.upper()
    ours = _placed(data, reference.version, level, _segno_stream(data, reference.version, level))
    matrix = list(reference.matrix_iter(scale=1, border=QUIET_ZONE))
    assert ours.size == len(matrix)
    assert all(ours.is_dark(r, c) == bool(matrix[r][c]) for r in range(ours.size) for c in range(ours.size))
    assert encode_bytes(data).version == reference.version and encode_bytes(data).level == level


# Every version at every level, the data a random fill of random length (1 byte up to the maximum);
# BADGEFORGE_QR_SWEEP=1: three fills each.
FILLS = 3 if os.environ.get("BADGEFORGE_QR_SWEEP") == "1" else 1


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("version", range(1, 41))
def test_every_symbol_places_like_segno_and_leaves_the_row_padding_blank(version: int, level: str) -> None:
    """Parity, interleaving, placement, function patterns and mask of every (version, level) plan, module for module
    against segno (given segno's data codewords, mask 0); the shortest and longest data too at a few versions."""
    rng = random.Random(version * 4 + "LMQH".index(level))
    length = next(n for n in range(3000, 0, -1) if fits(n, version, level))
    lengths = [rng.randint(1, length) for _ in range(FILLS)] + ([1, length] if version in (1, 7, 11, 40) else [])
    plan = _plan(version, level, QUIET_ZONE)
    for size in lengths:
        data = bytes(rng.randrange(256) for _ in range(size))
        reference = segno.make(data, version=version, error=level.lower(), mode="byte", mask=0, boost_error=False)
        ours = _placed(data, version, level, _segno_stream(data, version, level))
        matrix = list(reference.matrix_iter(scale=1, border=QUIET_ZONE))
        assert all(ours.is_dark(r, c) == bool(matrix[r][c]) for r in range(ours.size) for c in range(ours.size))
    assert plan.stride % 4 == 0 and len(ours.bits) == plan.size * plan.stride and plan.width <= 8 * plan.stride
    # At least one light module stored on each side of the symbol: cairo's clip may pull in to the image's edge.
    first, symbol = plan.origin + QUIET_ZONE, plan.size - 2 * QUIET_ZONE
    assert first >= 1 and plan.width - (first + symbol) >= 1
    bitmap = int.from_bytes(ours.bits, "little")
    row_bits = 8 * plan.stride
    padding = (1 << (row_bits - plan.width)) - 1
    assert all(bitmap >> (row * row_bits + plan.width) & padding == 0 for row in range(plan.size))


@pytest.mark.parametrize(("text", "version", "level"), [("für", 1, "H"), ("Zoë Øster-Ñúñez " * 6, 11, "H")])
def test_the_utf8_eci_header_equals_segnos_module_for_module(text: str, version: int, level: str) -> None:
    data = text.encode("utf-8")
    plan = _plan(version, level, QUIET_ZONE)
    ours = _placed(data, version, level, _stream(data, version, plan.data_bytes, eci=26))
    reference = _placed(data, version, level, _segno_stream(data, version, level, eci=True))
    assert ours.bits == reference.bits
    code = encode_qr(text, version=version, level=level)
    assert (code.version, code.level) == (version, level) and code.bits == ours.bits  # non-ASCII text gets ECI 26


def _zbarimg_reads(text: str, pixels: int, png: Path) -> str:
    """What zbarimg reads from `text`'s code drawn black on white, 10 px in from the edges of a square image."""
    import cairocffi as cairo

    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: run `bash scripts/system_deps.sh test`")
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, pixels, pixels)
    ctx = cairo.Context(surface)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    draw_qr(ctx, encode_qr(text), 10, 10, pixels - 20, (0, 0, 0))
    surface.write_to_png(str(png))
    return subprocess.run([zbarimg, "-q", "--raw", str(png)], capture_output=True).stdout.decode("utf-8")


def test_zbarimg_reads_short_utf8_text_without_guessing_a_charset(tmp_path: Path) -> None:
    """Without the ECI header zbar (like many phone readers) guesses: plain zbarimg reads "für" as "f羹r"."""
    texts = ["für Müller", "Łódź", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen\r\nFN:Jürgen Müller\r\nEND:VCARD\r\n"]
    for i, text in enumerate(texts):
        assert _zbarimg_reads(text, 300, tmp_path / f"{i}.png") == text + "\n"


def test_parity_lookup_tables_equal_plain_reed_solomon_division() -> None:
    rng = random.Random(7)
    tables = _parity_tables(31, 18)
    for _ in range(20):
        block = [rng.randrange(256) for _ in range(31)]
        combined = 0
        for position, byte in enumerate(block):
            combined ^= tables[position][byte]
        assert combined.to_bytes(18, "big") == bytes(_parity(block, 18))


def test_reed_solomon_matches_the_published_version_1_m_example() -> None:
    """ISO/IEC 18004 Annex I: "01234567" at 1-M has these 10 error correction codewords."""
    data = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
    assert bytes(_parity(data, 10)).hex() == "a524d4c1ed36c787 2c55".replace(" ", "")


@pytest.mark.parametrize("length", [0, 21, 134, 151, 219, 459, 1200])  # 1-H up to 32-M; 1, 2, 4, 5, 11, 25 blocks
def test_the_data_codewords_are_the_stream_and_every_block_gets_its_own_reed_solomon_parity(length: int) -> None:
    """The data codewords are byte mode + count + data + terminator + pad, and the plan's parity of each block
    (all blocks in one array, the shorter ones with a zero byte in front) is the plain polynomial division of its
    data. Independent of segno."""
    data = bytes(random.Random(length).randrange(256) for _ in range(length))
    code = encode_bytes(data)
    plan = _plan(code.version, code.level, QUIET_ZONE)
    stream = _stream(data, code.version, plan.data_bytes)
    assert len(stream) == plan.data_bytes and len(plan.blocks) > (length > 300)
    parity = plan.parity(stream)
    lanes = -(-plan.blocks[0][1] // 8) * 8
    assert len(parity) == len(plan.blocks) * lanes
    start = 0
    for j, (size, ec_len) in enumerate(plan.blocks):
        block = list(stream[start : start + size])
        start += size
        assert list(parity[j * lanes : j * lanes + ec_len]) == _parity(block, ec_len)
    assert plan.total_codewords == start + sum(ec_len for _, ec_len in plan.blocks)
    count_bits = 8 if code.version < 10 else 16
    value = int.from_bytes(stream, "big")
    total = 8 * len(stream)
    assert value >> (total - 4) == 0b0100
    assert value >> (total - 4 - count_bits) & ((1 << count_bits) - 1) == length
    start = total - 4 - count_bits - 8 * length
    assert (value >> start & ((1 << 8 * length) - 1)).to_bytes(length, "big") == data
    used = (4 + count_bits + 8 * length + 4 + 7) // 8 if start >= 4 else len(stream)
    pad = stream[used:]
    assert pad == (bytes([0xEC, 0x11]) * len(stream))[: len(pad)]


def test_zbarimg_reads_back_codes_of_many_versions_and_scripts(tmp_path: Path) -> None:
    import cairocffi as cairo

    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: run `bash scripts/system_deps.sh test`")
    rng = random.Random(5)
    words = ["Ada", "Zoë", "Łódź", "Иван", "محمد", "東京", "नमस्ते", "O'Brien & Söhne;", "x" * 40]
    payloads = [" ".join(rng.choice(words) for _ in range(n)) for n in (1, 2, 4, 8, 16, 30, 45)]
    payloads += ["1", "PYC-2026-0001", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n"]
    cell = 300
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, cell * 5, cell * 2)
    ctx = cairo.Context(surface)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    for i, text in enumerate(payloads):
        draw_qr(ctx, encode_qr(text), (i % 5) * cell + 10, (i // 5) * cell + 10, cell - 20, (0, 0, 0))
    surface.write_to_png(str(tmp_path / "codes.png"))
    run = subprocess.run([zbarimg, "-q", "--raw", "-Sbinary", str(tmp_path / "codes.png")], capture_output=True)
    decoded = run.stdout.decode("utf-8")
    assert all(text in decoded for text in payloads), decoded


def test_text_that_no_symbol_holds_is_a_clear_error() -> None:
    with pytest.raises(QrDataTooLong):
        encode_qr("x" * 3000)


def test_zbarimg_reads_vcards_with_hostile_characters(tmp_path: Path) -> None:
    """vCard escapes (; , \\ and line breaks), quotes, bidi text, combining marks and emoji survive encoding."""
    from badge_renderer.model import Attendee
    from badge_renderer.qr import qr_payload

    people = [
        Attendee(row=2, first_name="Zoë;Ann", last_name="O'Brien, Jr.\\", organization="A\r\nB & <C>"),
        Attendee(row=3, first_name="محمد", last_name="עברית", role="e\u0301 🎉", email="x@example.org"),
    ]
    for i, person in enumerate(people):
        text = qr_payload(person, "", "vcard")
        assert _zbarimg_reads(text, 400, tmp_path / f"{i}.png") == text + "\n"


@pytest.mark.parametrize("version, level", [(1, "L"), (5, "Q"), (11, "H"), (24, "M"), (40, "H")])
@pytest.mark.parametrize("order", ["little", "big"])
def test_codes_placed_together_equal_codes_placed_one_by_one(version: int, level: str, order: str) -> None:
    """_Plan.place_many (a sheet's codes in one set of numpy calls) is place, code for code, in either bit order."""
    plan = _plan(version, level, QUIET_ZONE)
    rng = random.Random(version)
    streams = [bytes(rng.randrange(256) for _ in range(plan.data_bytes)) for _ in range(5)]
    assert plan.place_many(streams, order) == [plan.place(stream, order) for stream in streams]
    assert plan.place_many(streams[:1], order) == [plan.place(streams[0], order)]


def test_fit_many_equals_fit_qr_for_mixed_lengths_scripts_and_misfits() -> None:
    """One sheet's texts of several symbols (ASCII and UTF-8 with its ECI header), one that no version holds and
    one that would need modules too small: each result is fit_qr's, or None where fit_qr has no code."""
    from badge_renderer.qr import fit_many, fit_qr

    texts = ["T000001", "BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n", "Jürgen Groß", "名前", "x" * 400, "T000002"]
    texts += ["😀" * 2000]
    for pixels, wanted in ((150, 20.0), (120, 15.0), (40, 15.0)):
        expected = []
        for text in texts:
            try:
                expected.append(fit_qr(text, pixels, wanted, msb=True))
            except QrDataTooLong:
                expected.append(None)
        assert fit_many(texts, pixels, wanted, msb=True) == expected
    assert any(fit_many(texts, 150, 20.0)) and fit_many(texts, 150, 20.0)[-1] is None


def test_the_block_table_is_iso_18004_s_as_segno_has_it() -> None:
    from badge_renderer.qr_encoder import _capacity_bits
    from badge_renderer.qr_tables import ECC_BLOCKS

    for version in range(1, 41):
        for level, const in LEVELS.items():
            expected = tuple((g.num_blocks, g.num_total, g.num_data) for g in consts.ECC[version][const])
            assert ECC_BLOCKS[version][level] == expected
            assert _capacity_bits(level)[version - 1] == consts.SYMBOL_CAPACITY[version][const]


def test_a_job_with_codes_does_not_import_segno(tmp_path: Path) -> None:
    """segno's package pulls urllib, http.client and xml (~38 ms a process): rendering vCards needs none of it."""
    import sys

    script = (
        "import sys\n"
        "from badge_renderer.model import Attendee\n"
        "from badge_renderer.options import RenderOptions\n"
        "from badge_renderer.render import render_pdf\n"
        "people = [Attendee(row=i + 2, full_name=f'Ada {i}', email=f'a{i}@example.org') for i in range(12)]\n"
        f"render_pdf(people, RenderOptions(qr_kind='vcard', workers=1), {str(tmp_path / 'out.pdf')!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('segno', 'numpy'))[:1])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['numpy']"  # the encoder's numpy, and no segno

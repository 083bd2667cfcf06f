"""Instruction counts of one bench child process under valgrind's callgrind, for the benches that print them.

Why: on a shared 2-core machine CPU seconds move with the neighbours' load; instruction counts do not. The child
runs with instrumentation off, warms up, and switches counting on only around the part being measured through
callgrind's client requests (`cg_start`/`cg_stop` from a 3-line C helper compiled here with gcc). Needs valgrind
with its headers (Debian: valgrind) and gcc.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HELPER = r"""
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(void) { CALLGRIND_DUMP_STATS; CALLGRIND_STOP_INSTRUMENTATION; }
"""
_TOTAL = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def build_helper(folder: Path) -> Path:
    """The shared library whose cg_start/cg_stop a child calls (through ctypes) around what it measures."""
    source, library = folder / "cg.c", folder / "cg.so"
    source.write_text(HELPER)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def count(script: str, args: Sequence[str], folder: Path, name: str, *, annotate: int = 0) -> int:
    """Instructions counted between the child's cg_start and its last cg_stop: `script args` run under callgrind
    (hash seed fixed, so dict orders and counts repeat); with `annotate`, print that many lines of
    callgrind_annotate's per-function table."""
    out = folder / f"{name}.out"
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
    command += [sys.executable, script, *args]
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    dumps = sorted(folder.glob(f"{name}.out.*"), key=lambda p: int(p.suffix[1:]))
    if not dumps:
        raise SystemExit(f"callgrind wrote no dump for {name} (did the child call cg_stop?)")
    match = _TOTAL.search(dumps[-1].read_text(errors="replace"))
    if not match:
        raise SystemExit(f"no instruction total in {dumps[-1]}")
    if annotate:
        report = subprocess.run(
            ["callgrind_annotate", "--inclusive=no", str(dumps[-1])], capture_output=True, text=True
        ).stdout
        print(f"--- {name}\n" + "\n".join(report.splitlines()[:annotate]))
    return int(match.group(1))

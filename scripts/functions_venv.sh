#!/usr/bin/env bash
# The virtualenv firebase-tools needs beside the bundle (TARGET_DIR/venv) to discover the functions at deploy and to
# run them in the emulator: a FRESH venv with only functions/requirements.txt, so nothing from the dev venv leaks in.
#
# firebase-tools runs `python3.13` inside the activated venv (firebase.json runtime python313). Without a Python 3.13
# on this machine the venv is made with the newest python3.1x found and gets a python3.13 link to it, with a warning:
# discovery only imports main.py to read its trigger manifest, which works on 3.11+, and Cloud Build installs the
# lock on a real 3.13 anyway. Re-runs are quick: the venv is kept while functions/requirements.txt is unchanged.
#
# Usage: bash scripts/functions_venv.sh [TARGET_DIR]   (default <repo>/build/functions)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-${RESOURCE_DIR:-$repo/build/functions}}"
requirements="$repo/functions/requirements.txt"
venv="$target/venv"
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/python3.13" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
  echo "functions_venv: $venv is up to date"
  exit 0
fi

python="${PYTHON_FOR_FUNCTIONS:-}"
if [ -z "$python" ]; then
  for candidate in python3.13 python3.14 python3.12 python3.11 python3; do
    # run it, not just look it up: a pyenv shim exists for versions that are not installed
    if "$candidate" -c 'import sys, venv; assert sys.version_info >= (3, 11)' > /dev/null 2>&1; then
      python="$candidate"
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "functions_venv: no Python 3.11+ with venv found (set PYTHON_FOR_FUNCTIONS=/path/to/python3.13)" >&2
  exit 1
fi
version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"

rm -rf "$venv"
env -u PYTHONPATH -u VIRTUAL_ENV -u PYTHONHOME "$python" -m venv "$venv"
env -u PYTHONPATH -u VIRTUAL_ENV -u PYTHONHOME PYTHONNOUSERSITE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$venv/bin/python" -m pip install --quiet -r "$requirements"
if [ "$version" != "3.13" ]; then
  ln -sf python "$venv/bin/python3.13"
  echo "functions_venv: WARNING no python3.13 here; made the venv with Python $version and linked python3.13 to it" \
    "(enough for discovery and the emulator; Cloud Build uses 3.13)" >&2
fi
echo "$wanted" > "$stamp"
echo "functions_venv: $venv ready (Python $version, functions/requirements.txt)"

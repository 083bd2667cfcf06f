#!/usr/bin/env bash
# Predeploy step (firebase.json functions.predeploy): Cloud Functions uploads only the `functions/` folder, but
# main.py needs the pure renderer (badge_renderer/) and the bundled fonts, designs and email templates (templates/)
# that live at the repository root. Copy both INTO the deployed source so `import badge_renderer` and the templates
# resolve from the bundle itself. The copies are build outputs (gitignored), rebuilt from scratch on every run.
#
# Usage: bash scripts/bundle_functions.sh [TARGET_DIR]
#   TARGET_DIR defaults to $RESOURCE_DIR (set by firebase-tools to the functions source) or else <repo>/functions.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-${RESOURCE_DIR:-$repo/functions}}"

if [ ! -f "$target/main.py" ] && [ ! -d "$target/badgeforge" ]; then
  echo "bundle_functions: $target does not look like the functions source (no main.py or badgeforge/)" >&2
  exit 1
fi

for part in badge_renderer templates; do
  if [ ! -d "$repo/$part" ]; then
    echo "bundle_functions: $repo/$part is missing" >&2
    exit 1
  fi
  rm -rf "${target:?}/$part"
  mkdir -p "$target/$part"
  # tar keeps the tree as it is and lets us leave out caches without needing rsync on the machine.
  tar -C "$repo/$part" --exclude='__pycache__' --exclude='*.pyc' -cf - . | tar -C "$target/$part" -xf -
done

echo "bundle_functions: copied badge_renderer/ and templates/ into $target"

#!/usr/bin/env bash
# Builds the deployable functions source (firebase.json functions.source = build/functions; also its predeploy step).
#
# Why a separate folder: Cloud Build installs the source's requirements.txt, and what it must install is the hashed
# lock (functions/requirements.lock), while functions/requirements.txt stays the short list of top-level pins that
# the dev venv and `make lock` read. And Cloud Functions uploads only the source folder, but main.py needs the pure
# renderer (badge_renderer/) and the fonts, designs and email templates (templates/) from the repository root.
# So the bundle is: functions/main.py + functions/badgeforge/ + functions/.env* + badge_renderer/ + templates/ +
# requirements.lock as requirements.txt. Everything but venv/ (made by scripts/functions_venv.sh) is rebuilt from
# scratch on every run, so a file removed from the source never survives in the bundle.
#
# Usage: bash scripts/bundle_functions.sh [TARGET_DIR]
#   TARGET_DIR defaults to $RESOURCE_DIR (set by firebase-tools to the functions source) or else <repo>/build/functions.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-${RESOURCE_DIR:-$repo/build/functions}}"

mkdir -p "$target"
target="$(cd "$target" && pwd)"
case "$target" in
  "$repo" | "$repo/functions" | "$repo/functions/"* | "$repo/badge_renderer"* | "$repo/templates"*)
    echo "bundle_functions: $target is a source folder; the bundle goes to its own folder (build/functions)" >&2
    exit 1
    ;;
esac

for part in functions/main.py functions/badgeforge functions/requirements.lock badge_renderer templates; do
  if [ ! -e "$repo/$part" ]; then
    echo "bundle_functions: $repo/$part is missing" >&2
    exit 1
  fi
done

# Clear everything we own from an earlier build; keep venv/ (slow to make, checked by functions_venv.sh).
find "$target" -mindepth 1 -maxdepth 1 ! -name venv -exec rm -rf {} +

copy_tree() {  # tar keeps the tree as it is and leaves out caches without needing rsync on the machine
  mkdir -p "$2"
  tar -C "$1" --exclude='__pycache__' --exclude='*.pyc' --exclude='venv' -cf - . | tar -C "$2" -xf -
}
copy_tree "$repo/functions/badgeforge" "$target/badgeforge"
copy_tree "$repo/badge_renderer" "$target/badge_renderer"
copy_tree "$repo/templates" "$target/templates"
cp "$repo/functions/main.py" "$target/main.py"
cp "$repo/functions/requirements.lock" "$target/requirements.txt"
# firebase-tools reads .env, .env.<project> and (emulator only) .env.local from the functions source.
for env_file in "$repo"/functions/.env "$repo"/functions/.env.*; do
  [ -f "$env_file" ] && cp "$env_file" "$target/"
done

echo "bundle_functions: built $target (main.py, badgeforge/, badge_renderer/, templates/, locked requirements.txt)"

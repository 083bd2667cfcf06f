#!/usr/bin/env bash
# Builds the static pages from web/pages/ in the shared layout (badgeforge.web_build), then what they need from npm
# (no CDN): the Firebase JS SDK (app, auth, database only) bundled by
# esbuild into web/vendor/firebase/firebase.js with its licences, the desk's QR encoder into web/vendor/qr/, and
# web/config.json for Firebase Hosting
# (`badgeforge serve` answers /config.json itself). Both are generated and gitignored. Run by `make run`,
# `make test`, `make serve` and firebase.json's hosting predeploy.   Usage: scripts/build_web.sh [PROJECT_DIR]
set -euo pipefail
root="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
cd "$root"
# The pages first (Python + Jinja): BADGEFORGE_PYTHON, else the venv's Python when there is one.
python="${BADGEFORGE_PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
PYTHONPATH="$root/functions" "$python" -m badgeforge.web_build
modules="tools/node_modules"
out="web/vendor/firebase"
if [ ! -x "$modules/.bin/esbuild" ] || [ ! -f "$modules/firebase/package.json" ]; then
  echo "build_web: esbuild and firebase are missing from tools/node_modules: run \`cd tools && npm ci\`" >&2
  exit 1
fi
mkdir -p "$out"
"$modules/.bin/esbuild" tools/web/firebase_entry.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=external --log-level=warning --metafile="$out/meta.json" --outfile="$out/firebase.js"
# The licence file: every npm package that went into the bundle (name, version, licence), then the Apache-2.0 text
# (the firebase packages ship no LICENSE file of their own; their package.json says Apache-2.0).
node - "$out/meta.json" > "$out/LICENSE.txt" <<'JS'
const fs = require("fs"), path = require("path");
const meta = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const seen = new Map();
const texts = new Map(); // packages that ship their own licence file (idb) get it quoted in full
for (const input of Object.keys(meta.inputs)) {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) continue;
  const rest = input.slice(at + "node_modules/".length).split("/");
  const name = rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  const pkg = JSON.parse(fs.readFileSync(path.join(input.slice(0, at), "node_modules", name, "package.json"), "utf8"));
  seen.set(`${pkg.name}@${pkg.version}`, `  ${pkg.name} ${pkg.version}: ${pkg.license}`);
  const own = ["LICENSE", "LICENSE.md", "LICENSE.txt"].map((f) => path.join(input.slice(0, at), "node_modules", name, f)).find(fs.existsSync);
  if (own) texts.set(pkg.name, fs.readFileSync(own, "utf8"));
}
console.log("web/vendor/firebase/firebase.js bundles these npm packages (built by scripts/build_web.sh with esbuild):");
console.log([...seen.values()].sort().join("\n"));
console.log("\nThe notices esbuild kept from their sources are in firebase.js.LEGAL.txt beside this file.");
console.log("Apache License 2.0 (the licence of the firebase packages):\n");
const apache = fs.readFileSync("templates/fonts/LICENSE-Apache-2.0.txt", "utf8");
console.log(apache.slice(apache.search(/^\s+Apache License\s*$/m)));
for (const [name, text] of texts) console.log(`\n---- ${name} ----\n${text}`);
JS
rm -f "$out/meta.json"
# The desk's offline label encodes its QR codes with qrcode-generator (MIT, Kazuhiko Arase): one ES module, copied
# minified into web/vendor/qr/qrcode.js with its licence (the package ships none of its own: its source header and
# package.json say MIT, whose text follows).
qr="$modules/qrcode-generator"
if [ ! -f "$qr/dist/qrcode.mjs" ]; then
  echo "build_web: qrcode-generator is missing from tools/node_modules: run \`cd tools && npm ci\`" >&2
  exit 1
fi
mkdir -p web/vendor/qr
"$modules/.bin/esbuild" "$qr/dist/qrcode.mjs" --format=esm --minify --target=es2020 --log-level=warning \
  --outfile=web/vendor/qr/qrcode.js
node - "$qr/package.json" > web/vendor/qr/LICENSE.txt <<'JS'
const pkg = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
console.log(`web/vendor/qr/qrcode.js is ${pkg.name} ${pkg.version} (${pkg.license}) by ${pkg.author}, minified by scripts/build_web.sh.

MIT License

Copyright (c) 2009 Kazuhiko Arase

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

The word "QR Code" is a registered trademark of DENSO WAVE INCORPORATED.`);
JS
printf '{"auth": "firebase", "live": "rtdb"}\n' > web/config.json

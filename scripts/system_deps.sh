#!/usr/bin/env bash
# Installs the Debian packages BadgeForge needs, if they are missing. `runtime`: libcairo2 (rendering) and pythonX.Y-venv.
# `node`: Node.js + npm (rules tests, firebase-tools). `test`: Chromium + ChromeDriver (browser tests), gLabels'
# template database (preset geometry) and the print checks: zbar-tools (zbarimg decodes QR codes), qpdf (qpdf --check),
# poppler-utils (pdftoppm, pdftotext, pdfinfo -box), ghostscript (gs), cups + printer-driver-cups-pdf (station tests).
set -euo pipefail
want=()
case "${1:-runtime}" in
  runtime) ldconfig -p 2>/dev/null | grep -q 'libcairo.so.2' || want+=(libcairo2)
           # Debian/Ubuntu split venv (ensurepip) out of python3: `python3 -m venv` fails without it
           "${PYTHON:-python3}" -c 'import ensurepip, venv' 2>/dev/null \
             || want+=("python$("${PYTHON:-python3}" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv") ;;
  node)    command -v npm >/dev/null || want+=(nodejs npm) ;;
  test)    [ -x /usr/bin/chromium ] || want+=(chromium)
           [ -x /usr/bin/chromedriver ] || want+=(chromium-driver)
           # gLabels' template database: the presets are checked against it (tests/unit/layout/test_layout_glabels.py)
           [ -f /usr/share/libglabels-3.0/templates/paper-sizes.xml ] || want+=(glabels-data)
           command -v zbarimg >/dev/null || want+=(zbar-tools)
           command -v qpdf >/dev/null || want+=(qpdf)
           # pdftotext/pdftoppm: tests read where badges landed in the PDF and look at rendered pages
           { command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; } || want+=(poppler-utils)
           # Ghostscript: a second renderer for the fonts the page writer embeds (tests/unit/pdf_write/test_fonts.py)
           command -v gs >/dev/null || want+=(ghostscript)
           # the station agent prints through a real CUPS to its virtual PDF printer (tests/desk/test_station.py)
           [ -x /usr/sbin/cupsd ] || want+=(cups)
           [ -f /usr/lib/cups/backend/cups-pdf ] || want+=(printer-driver-cups-pdf) ;;
esac
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "BadgeForge needs these Debian packages: ${want[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${want[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${want[*]}" >&2
$sudo apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null

#!/usr/bin/env bash
# Make sure the programs the book's PDFs and tests need are installed:
# a Chromium or Chrome for printing, qpdf and poppler-utils for checking PDFs.
# Installs Debian's packages when it can (root and apt); otherwise says exactly what to run.
set -euo pipefail

missing=()
browser_found=""
for name in "${BOOK_BROWSER:-}" chromium chromium-browser google-chrome google-chrome-stable; do
  if [ -n "$name" ] && command -v "$name" >/dev/null 2>&1; then browser_found=1; break; fi
done
[ -n "$browser_found" ] || missing+=(chromium)
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || missing+=(fonts-dejavu-core)
# `--peer`: the libraries WeasyPrint needs, for the benchmark's peer.
if [ "${1:-}" = "--peer" ]; then
  for pkg in libpango-1.0-0 libpangoft2-1.0-0; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing programs the book needs. Install them, then run make again:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

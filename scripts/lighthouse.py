"""Lighthouse scores of the built site's home and chapter pages, with mobile settings.

    make lighthouse          # builds the site first
    python scripts/lighthouse.py site [--json results.json]

Serves the folder on 127.0.0.1 (gzip, as a host would), runs Lighthouse 12 (npm, locked in
package-lock.json) with the system Chromium (CHROME_PATH), and prints each page's scores and the
compressed weight of everything it loaded. A measurement, not a test: scores move a little from
run to run and with the machine's load, so nothing here fails the build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from site_server import serve

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --disable-background-networking --disable-component-update --no-first-run"


def run_lighthouse(url: str, chrome: str) -> dict:
    flags = CHROME_FLAGS + (" --no-sandbox" if os.geteuid() == 0 else "")
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}", "--no-enable-error-reporting"],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def summary(report: dict) -> dict:
    requests = report["audits"]["network-requests"]["details"]["items"]
    return {
        "scores": {c: report["categories"][c]["score"] for c in CATEGORIES},
        "transfer_bytes": int(report["audits"]["total-byte-weight"]["numericValue"]),
        "requests": len(requests),
        "other_hosts": sorted({r["url"].split("/")[2] for r in requests
                               if r["url"].startswith("http") and not r["url"].startswith("http://127.0.0.1:")}),
        "lcp_ms": round(report["audits"]["largest-contentful-paint"]["numericValue"]),
    }


def measured_pages(site: Path) -> dict[str, str]:
    """The home page and the first chapter, whichever it is: the first chapter's handout in the
    downloads index (downloads/index.json) names its page."""
    index = site / "downloads" / "index.json"
    if not index.is_file():
        raise SystemExit(f"{index} is missing: build the book with its downloads first (make book).")
    chapters = [entry["page_url"] for entry in json.loads(index.read_text(encoding="utf-8"))["files"]
                if entry.get("page_url")]
    if not chapters:
        print("No chapter's handout in the downloads index (a book without PDFs, or no chapter yet): "
              "only the home page is measured.", file=sys.stderr)
    return {"home": "", **({"chapter": chapters[0]} if chapters else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run `make setup` (it runs npm ci).")
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"{args.site}/index.html is missing: build the site first (make book).")
    results = {}
    with serve(args.site) as address:
        for name, path in measured_pages(args.site).items():
            results[name] = summary(run_lighthouse(address + path, chrome))
    for name, result in results.items():
        scores = "  ".join(f"{c} {s:.2f}" for c, s in result["scores"].items())
        print(f"{name:8} {scores}  |  {result['transfer_bytes'] / 1024:.0f} KB in {result['requests']} requests"
              f" (compressed), LCP {result['lcp_ms']} ms, other hosts: {result['other_hosts'] or 'none'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""`make bench`: time the book's build against the bare engine and a peer PDF plugin.

For each book size it runs, alternating the commands within each repetition:
  1. bare  - `mkdocs build` of the same Markdown with a minimal Material configuration;
  2. site  - our build with the downloads turned off (BOOK_EXPORTS=0);
  3. full  - our full output: site, book PDF, handouts, worksheets and the other downloads;
  4. peer  - mkdocs-to-pdf (WeasyPrint) building the same Markdown into a book PDF.
It records wall time and peak memory (PSS summed over the process tree), then a
`rebuild`: as many runs of what `make book` runs (`scripts/build_site.py`, downloads on) with
nothing changed since its last build (what a contributor's next `make book` costs). Then what a
contributor waits for: the preview's edit-to-page latency at 30 and 200 chapters
(benchmarks/preview_latency.py, `make serve`'s preview and MkDocs' own `mkdocs serve` beside it),
and a content-only pull request's checks (benchmarks/content_path.py). It writes
benchmarks/results.json and benchmarks/results.md, with each target met or not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psutil
from bs4 import BeautifulSoup

from benchmarks import content_path, preview_latency
from benchmarks.book_generator import bare_config, generate_book, peer_config

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_PYTHON = HERE / ".peer-venv" / "bin" / "python"
CHAPTER_URL = "chapters/connection-disconnection-reconnection/"


@dataclass
class Run:
    seconds: float
    peak_bytes: int


def memory(process: psutil.Process) -> int:
    """A process's share of memory: PSS where the system reports it (Linux), else RSS.

    Summing RSS over a process tree counts every shared page once per process; Chromium's
    dozen processes share most of theirs, so the sum would be far above what the tree uses.
    PSS divides each shared page between the processes that map it.
    """
    info = process.memory_full_info() if hasattr(psutil.Process, "memory_full_info") else process.memory_info()
    return int(getattr(info, "pss", info.rss))


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run a command to completion; sample the memory (PSS) of its whole process tree."""
    start = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(memory(p) for p in tree if p.is_running()))
        except psutil.Error:
            pass  # a process ended between listing and reading it
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{stderr[-3000:]}")
    return Run(seconds, peak)


def summary(runs: list[Run]) -> dict[str, object]:
    # The runs in the order run, each beside the others' same run (paired_ratio).
    return {**summary_of([r.seconds for r in runs]), "peak_mib": round(max(r.peak_bytes for r in runs) / 2**20, 1)}


def transfer_size(site: Path, page_url: str) -> int:
    """Bytes a first visit to a page transfers, gzip-compressed: the page and all it loads."""
    page_path = site / page_url / "index.html"
    page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
    urls = {tag["src"] for tag in page.find_all(["script", "img"], src=True)}
    urls |= {link["href"] for link in page.find_all("link", href=True)
             if set(link.get("rel", [])) & {"stylesheet", "icon", "preload", "manifest"}}
    files = {page_path}
    for url in urls:
        if urlsplit(url).netloc:
            continue  # the site loads nothing from other hosts; a test checks that
        path = (site / urlsplit(urljoin(page_url, url)).path.lstrip("/")).resolve()
        if path.is_file():
            files.add(path)
    files.add(site / "search" / "search_index.json")  # fetched by the search worker on load
    return sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)


def downloads_report(site: Path) -> list[dict[str, object]]:
    index = site / "downloads" / "index.json"
    if not index.exists():
        return []
    return [{"path": f["path"], "bytes": f["bytes"], "pages": f.get("pages")}
            for f in json.loads(index.read_text(encoding="utf-8"))["files"]]


def bench_size(chapters: int, repetitions: int, workdir: Path, with_peer: bool) -> dict[str, object]:
    book = generate_book(workdir / f"book-{chapters}", chapters)
    bare, peer = bare_config(book), peer_config(book)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1700000000")}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    commands = {
        "bare": (mkdocs + ["-f", str(bare), "-d", "out-bare"], env),
        "site": (mkdocs + ["--strict", "-f", str(book), "-d", "out-site"], {**env, "BOOK_EXPORTS": "0"}),
        "full": (mkdocs + ["--strict", "-f", str(book), "-d", "out-full"], env),
    }
    if with_peer:
        commands["peer"] = ([str(PEER_PYTHON), "-m", "mkdocs", "build", "--quiet", "-f", str(peer), "-d", "out-peer"], env)
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for repetition in range(repetitions):
        for name, (command, command_env) in commands.items():
            shutil.rmtree(book.parent / f"out-{name}", ignore_errors=True)
            if name == "full":  # each timed full build starts cold: no PDFs kept from the last
                shutil.rmtree(book.parent / ".cache", ignore_errors=True)
            runs[name].append(measure(command, book.parent, command_env))
            print(f"  {chapters:>3} chapters, run {repetition + 1}: {name:<4} {runs[name][-1].seconds:7.2f} s", flush=True)
    # `make book` with nothing changed since its last build (what a contributor's next one
    # costs), after one that builds. As many as the other commands, for a median as steady.
    make_book = ([sys.executable, str(ROOT / "scripts" / "build_site.py"), "out-rebuild"], {**env, "BOOK_EXPORTS": "1"})
    measure(make_book[0], book.parent, make_book[1])  # builds: its site and its record
    rebuilds = []
    for repetition in range(repetitions):
        rebuilds.append(measure(make_book[0], book.parent, make_book[1]))
        print(f"  {chapters:>3} chapters, run {repetition + 1}: make book, nothing changed "
              f"{rebuilds[-1].seconds:7.2f} s", flush=True)
    reused = subprocess.run(make_book[0], cwd=book.parent, env=make_book[1], capture_output=True, text=True)
    if "Nothing changed since the last build" not in reused.stderr:  # else `rebuild` timed builds
        raise SystemExit(f"an unchanged make book built the site again:\n{reused.stderr[-3000:]}")
    result: dict[str, object] = {name: summary(r) for name, r in runs.items()}
    result["rebuild"] = summary(rebuilds)
    site = book.parent / "out-full"
    result["chapter_transfer_gzip_bytes"] = transfer_size(site, CHAPTER_URL)
    result["search_index_bytes"] = (site / "search" / "search_index.json").stat().st_size
    result["downloads"] = downloads_report(site)
    shutil.rmtree(book.parent, ignore_errors=True)
    return result


def summary_of(times: list[float]) -> dict[str, object]:
    """Median, min, max and every run of a list of seconds."""
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "max_s": round(max(times), 3), "runs_s": [round(s, 3) for s in times]}


def ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else float("nan")


def paired_ratio(result: dict[str, object], a: str, b: str) -> float:
    """The median of a/b over the repetitions: each pair ran one after the other, on the
    machine as it was then (the ratio of medians may take them from different moments)."""
    pairs = zip(result[a]["runs_s"], result[b]["runs_s"])  # type: ignore[index]
    return round(statistics.median(x / y for x, y in pairs), 3)


PREVIEW_SIZES = (30, 200)
PREVIEW_TARGETS = {"30": 0.3, "200": 0.5}  # seconds, from saving a chapter to the page showing it
CONTENT_PATH_LIMIT = 90.0  # seconds of `make check-content` on 2 cores


def targets(results: dict[str, dict[str, object]], preview: dict[str, dict[str, dict[str, object]]],
            content: dict[str, object]) -> list[tuple[str, float, str, bool]]:
    """(target, measured, limit, met) for each target in the benchmark's brief."""
    def median(size: str, name: str) -> float:
        return results[size][name]["median_s"]  # type: ignore[index]

    checks = []
    for size, limit in PREVIEW_TARGETS.items():
        if size in preview.get("incremental", {}):
            s = preview["incremental"][size]["median_s"]
            checks.append((f"edit to preview at {size} chapters (s)", s, f"≤ {limit}", s <= limit))  # type: ignore[operator]
    if "200" in results:
        r = ratio(median("200", "rebuild"), median("200", "bare"))
        checks.append(("unchanged make book / bare engine at 200 chapters", r, "≤ 0.5", r <= 0.5))
    if content:
        s = content["median_s"]
        checks.append(("content-only pull request: make check-content (s)", s, f"≤ {CONTENT_PATH_LIMIT:.0f}",
                       s <= CONTENT_PATH_LIMIT))  # type: ignore[operator]
    if "30" in results and "peer" in results["30"]:
        r = ratio(median("30", "full"), median("30", "peer"))
        checks.append(("full output / peer's book PDF at 30 chapters", r, "≤ 0.6", r <= 0.6))
    if "200" in results and "peer" in results["200"]:
        ours, peer = results["200"]["full"]["peak_mib"], results["200"]["peer"]["peak_mib"]  # type: ignore[index]
        r = ratio(ours, peer)
        checks.append(("peak memory of the full output / the peer's at 200 chapters", r, "< 1.0", r < 1.0))
    if "200" in results:
        r = ratio(median("200", "site"), median("200", "bare"))
        checks.append(("site-only / bare engine at 200 chapters", r, "≤ 1.25", r <= 1.25))
    if "200" in results and "50" in results:
        r = ratio(median("200", "full"), median("50", "full"))
        checks.append(("full output at 200 / at 50 chapters", r, "≤ 4.4", r <= 4.4))
    return checks


def write_markdown(results: dict[str, dict[str, object]], preview: dict[str, dict[str, dict[str, object]]],
                   content: dict[str, object], meta: dict[str, object], path: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {meta['date']} on {meta['cores']} CPU cores ({meta['machine']}), Python {meta['python']}, "
        f"{meta['repetitions']} repetitions per command, alternating. Times are median (min–max) seconds; "
        "memory is the peak proportional set size (PSS) summed over the whole process tree. Regenerate with `make bench`.",
        *(["", str(meta["note"])] if meta.get("note") else []),
        "",
        "| chapters | command | median s | min s | max s | peak MiB |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for size, result in results.items():
        for name in ("bare", "site", "full", "peer", "rebuild"):
            if name in result:
                s = result[name]  # type: ignore[index]
                lines.append(f"| {size} | {name} | {s['median_s']} | {s['min_s']} | {s['max_s']} | {s['peak_mib']} |")
    lines += ["", "## Ratios", "",
              "Of the medians; in brackets, the median of each repetition's own ratio.", "",
              "| chapters | site / bare | full / peer | unchanged rebuild / full |", "|---:|---:|---:|---:|"]
    for size, result in results.items():
        site_bare = ratio(result["site"]["median_s"], result["bare"]["median_s"])  # type: ignore[index]
        site_bare_paired = paired_ratio(result, "site", "bare")
        full_peer = (f'{ratio(result["full"]["median_s"], result["peer"]["median_s"])} '  # type: ignore[index]
                     f'({paired_ratio(result, "full", "peer")})') if "peer" in result else "–"
        rebuild = ratio(result["rebuild"]["median_s"], result["full"]["median_s"])  # type: ignore[index]
        lines.append(f"| {size} | {site_bare} ({site_bare_paired}) | {full_peer} | {rebuild} |")
    if preview:
        lines += ["", "## Preview", "",
                  "From saving a chapter (a sentence added to its body) to the served page showing it, median "
                  "(min–max) seconds: `make serve`'s preview, which rebuilds only what an edit affects, and "
                  "MkDocs' own `mkdocs serve`, which rebuilds every page.", "",
                  "| chapters | preview | median s | min s | max s |", "|---:|---|---:|---:|---:|"]
        for kind, label in (("incremental", "`make serve`"), ("serve", "`mkdocs serve`")):
            for size, s in preview.get(kind, {}).items():
                lines.append(f"| {size} | {label} | {s['median_s']} | {s['min_s']} | {s['max_s']} |")
    if content:
        lines += ["", "## A pull request that changes only pages", "",
                  "What the checks run after their set-up when a pull request changes only the book's pages and "
                  "images, and at most `nav:` in `mkdocs.yml` (`.github/workflows/ci.yml`, `scripts/checks_needed.py`): `make check-content`, that is "
                  "`make book`, `make lint` and `make test-content`, in a fresh clone with its packages installed. "
                  f"Runs: {', '.join(str(s) for s in content['runs_s'])} s.",  # type: ignore[union-attr]
                  "Any other pull request runs the whole suite, `make test`."]
    lines += ["", "## Targets", "", "| target | measured | limit | met |", "|---|---:|---|---|"]
    for name, measured, limit, met in targets(results, preview, content):
        lines.append(f"| {name} | {measured} | {limit} | {'yes' if met else '**no**'} |")
    lines += ["", "## Output sizes", "", "| chapters | chapter page first visit, gzip | search index |", "|---:|---:|---:|"]
    for size, result in results.items():
        lines.append(f"| {size} | {int(result['chapter_transfer_gzip_bytes']) / 1024:.1f} KiB | "  # type: ignore[arg-type]
                     f"{int(result['search_index_bytes']) / 1024:.1f} KiB |")  # type: ignore[arg-type]
    smallest = next(iter(results))
    if results[smallest]["downloads"]:
        lines += ["", f"Downloads of the {smallest}-chapter book:", "", "| file | bytes | pages |", "|---|---:|---:|"]
        for d in results[smallest]["downloads"]:  # type: ignore[union-attr]
            lines.append(f"| `{d['path']}` | {d['bytes']} | {d['pages'] if d['pages'] is not None else '–'} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,30,50,200", help="chapter counts, comma-separated")
    # Five: on a shared machine a median of three still moved the ratios by a tenth between runs.
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--peer-sizes", default="all", help="sizes at which the peer runs too: 'all' or a list")
    parser.add_argument("--note", default="", help="a sentence for results.md, e.g. why fewer repetitions")
    parser.add_argument("--preview-edits", type=int, default=6, help="saved edits per preview measured")
    parser.add_argument("--content-runs", type=int, default=2, help="runs of make check-content")
    args = parser.parse_args()
    if not PEER_PYTHON.exists():
        raise SystemExit("The peer's environment is missing: run `make bench`, which creates it.")
    sizes = [int(s) for s in args.sizes.split(",")]
    peer_sizes = set(sizes) if args.peer_sizes == "all" else {int(s) for s in args.peer_sizes.split(",") if s}
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        for size in sizes:
            print(f"Book of {size} chapters", flush=True)
            results[str(size)] = bench_size(size, args.repetitions, Path(tmp), size in peer_sizes)
        preview: dict[str, dict[str, dict[str, object]]] = {}
        for kind in ("incremental", "serve"):
            for size in (s for s in PREVIEW_SIZES if s in sizes):
                print(f"Preview of {size} chapters ({kind})", flush=True)
                preview.setdefault(kind, {})[str(size)] = summary_of(
                    preview_latency.measure(size, args.preview_edits, kind, Path(tmp)))
    print("A content-only pull request's checks", flush=True)
    content = summary_of(content_path.measure(args.content_runs)) if args.content_runs else {}
    meta = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "repetitions": args.repetitions,
        "note": args.note,
    }
    (HERE / "results.json").write_text(json.dumps({"meta": meta, "results": results, "preview": preview,
                                                   "content_path": content}, indent=2) + "\n", encoding="utf-8")
    write_markdown(results, preview, content, meta, HERE / "results.md")
    for name, measured, limit, met in targets(results, preview, content):
        print(f"{'ok ' if met else 'MISSED'} {name}: {measured} (target {limit})")


if __name__ == "__main__":
    main()

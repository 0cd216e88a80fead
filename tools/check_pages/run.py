"""Measure Hearth's pages the way issue 14 asks: Lighthouse (mobile preset) and the Nu HTML
checker on every page a visitor, a member and staff meet, in one table.

    make check-pages                                   # installs the tools, then runs this
    .venv/bin/python -m tools.check_pages              # the same, tools already installed
    .venv/bin/python -m tools.check_pages --pages topic,health --no-lighthouse

It loads the demo into a fresh data directory (``hearth migrate`` then ``hearth demo``),
serves it with ``hearth serve`` on a free 127.0.0.1 port, signs the demo's member and staff
in through the login form (found by role in the database, see ``discover.py``), then for
each page: fetches its HTML (with the session cookie where the page needs one) and runs
Lighthouse on it (the cookie passed with ``--extra-headers``). All HTML goes to the Nu checker
in one run at the end. It prints the table and writes ``report.json`` and ``report.md``
(every failed audit and every Nu error with its line and extract), the pages' HTML and the
Lighthouse reports under ``test-artifacts/check-pages/``.

Nothing is asserted unless ``--strict`` is given, which exits 1 when a page misses the
targets (accessibility, best practices and SEO 100, performance 95, no Nu error). Scores
depend on the machine's load: Lighthouse simulates a slow phone from what it measures."""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(__file__).resolve().parent
LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HOST = "127.0.0.1"
CATEGORIES = ("accessibility", "best-practices", "seo", "performance")
TARGETS = {"accessibility": 100, "best-practices": 100, "seo": 100, "performance": 95}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
COMPUTING_MARK = b"These figures are being computed."
COMPUTING_WAIT_SECONDS = 180


@dataclass
class Page:
    key: str
    label: str
    who: str  # visitor, member or staff
    # The page may rightly be noindex (search only: pages behind a sign-in need no noindex,
    # a crawler never gets them): if it says so, its SEO score is not held to the target.
    noindex_ok: bool = False
    noindex: bool = False  # robots meta, X-Robots-Tag, or (Lighthouse) robots.txt Disallow
    url: str = ""
    status: int | None = None
    scores: dict = field(default_factory=dict)
    failed_audits: list = field(default_factory=list)
    performance: dict = field(default_factory=dict)
    nu_errors: list | None = None
    problems: list = field(default_factory=list)


PAGES = [
    Page("home", "home (/)", "visitor"),
    Page("community_home", "community home", "visitor"),
    Page("topic", "topic (visitor)", "visitor"),
    Page("topic_member", "topic (member)", "member"),
    Page("qa_topic", "Q&A topic", "visitor"),
    Page("category", "category", "visitor"),
    Page("ideas", "ideas board", "visitor"),
    Page("roadmap", "roadmap", "visitor"),
    Page("profile", "profile", "visitor"),
    Page("directory", "member directory", "member"),
    Page("search", "search", "visitor", noindex_ok=True),
    Page("wizard", "wizard (/new)", "member"),
    Page("signup", "sign-up", "visitor"),
    Page("health", "health dashboard", "staff"),
    Page("benefits", "benefits tab", "staff"),
    Page("customers", "customer list", "staff"),
    Page("rules_history", "rules history", "visitor"),
    Page("proposal", "rules proposal", "member"),
    Page("election", "election", "visitor"),
    Page("welcome_queue", "welcome queue", "staff"),
    Page("messages", "messages", "member"),
    Page("events", "events", "visitor"),
    Page("event", "event", "member"),
    Page("groups", "groups", "visitor"),
    Page("group", "group", "member"),
]


def log(message: str) -> None:
    print(message, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m tools.check_pages", description=__doc__.split("\n")[0]
    )
    p.add_argument(
        "--pages",
        default="",
        help="comma-separated page keys (default: all): " + ",".join(pg.key for pg in PAGES),
    )
    p.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "check-pages")
    p.add_argument("--no-lighthouse", action="store_true", help="only the Nu checker")
    p.add_argument("--no-nu", action="store_true", help="only Lighthouse")
    p.add_argument("--keep-data", action="store_true", help="keep the demo's data directory")
    p.add_argument(
        "--data-dir",
        type=Path,
        help="use (and keep) this data directory; the demo is loaded only if it is empty",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 when a page misses a target")
    p.add_argument("--lighthouse-timeout", type=float, default=240, help="seconds per page")
    return p.parse_args(argv)  # fmt: skip


# The demo and its server ----------------------------------------------------------------------


def hearth_env(data_dir: Path) -> dict[str, str]:
    """The environment of ``make run``, in a data directory of the run's own: always the
    embedded SQLite database, whatever DATABASE_URL the shell has."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="hearth.settings",
        HEARTH_DATA_DIR=str(data_dir),
        HEARTH_ENV="embedded",
        HEARTH_DEBUG="0",
    )
    return env


def hearth(env, *args: str, timeout: float = 900) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "hearth.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"check-pages: `hearth {' '.join(args)}` failed:\n{result.stderr[-3000:]}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """``hearth serve`` in its own process group, stopped with the whole group on exit."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env, self.log_path = env, log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "w") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "hearth.cli", "serve", "--host", HOST,
                 "--port", str(self.port), "--no-with-worker"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        atexit.register(self.stop)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"check-pages: the server exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(
            f"check-pages: the server did not answer in 90 s:\n{self.log_path.read_text()[-3000:]}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # start_new_session: our own group
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.process = None


def request(port: int, method: str, path: str, *, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def sign_in(port: int, username: str, password: str) -> str:
    """A Cookie header for ``username``, got the way a browser gets it: the login form."""
    status, headers, _body = request(port, "GET", "/accounts/login/")
    cookies = _cookies(headers)
    if status != 200 or "csrftoken" not in cookies:
        sys.exit(f"check-pages: the login page answered {status} without a CSRF cookie")
    form = urlencode(
        {"login": username, "password": password, "csrfmiddlewaretoken": cookies["csrftoken"]}
    )
    status, headers, body = request(
        port, "POST", "/accounts/login/", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": f"csrftoken={cookies['csrftoken']}",
                 "Origin": f"http://{HOST}:{port}", "Referer": f"http://{HOST}:{port}/accounts/login/"},
    )  # fmt: skip
    cookies.update(_cookies(headers))
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"check-pages: signing in {username} failed ({status}): {body[:300]!r}")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


NOINDEX_META = re.compile(rb"<meta[^>]+name=[\"']robots[\"'][^>]*noindex", re.I)


def says_noindex(headers, body: bytes) -> bool:
    robots = " ".join(v for k, v in headers if k.lower() == "x-robots-tag")
    return "noindex" in robots.lower() or bool(NOINDEX_META.search(body))


# Lighthouse -------------------------------------------------------------------------------------


def run_lighthouse(page: Page, url: str, cookie: str | None, out: Path, timeout: float) -> None:
    """Lighthouse on one page, tried a second time when Chromium fails to record it (a
    loaded machine sometimes loses the trace: NO_NAVSTART, NO_FCP)."""
    report = out / "lighthouse" / f"{page.key}.json"
    headers = out / "lighthouse" / f"{page.key}.headers.json"
    cmd = [
        "node", str(LIGHTHOUSE), url,
        "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]  # fmt: skip
    if cookie:
        headers.write_text(json.dumps({"Cookie": cookie}))
        cmd.append(f"--extra-headers={headers}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    failure = ""
    try:
        for _attempt in range(2):
            report.unlink(missing_ok=True)
            try:
                result = subprocess.run(  # noqa: S603
                    cmd, env=env, capture_output=True, text=True, timeout=timeout
                )
            except subprocess.TimeoutExpired:
                failure = f"Lighthouse took over {timeout:g} s"
                continue
            if result.returncode != 0 or not report.exists():
                failure = f"Lighthouse failed: {(result.stderr or result.stdout)[-800:].strip()}"
                continue
            lhr = json.loads(report.read_text())
            if lhr.get("runtimeError"):
                failure = f"Lighthouse: {lhr['runtimeError'].get('message')}"
                continue
            failure = ""
            break
    finally:
        headers.unlink(missing_ok=True)  # it holds a live session
    if failure:
        page.problems.append(failure)
        return
    try:
        read_lighthouse(page, lhr)
    except (KeyError, TypeError, AttributeError) as error:
        page.problems.append(f"could not read the Lighthouse report {report}: {error!r}")


def _items(audit: dict, limit: int = 8) -> list[str]:
    """What a developer needs to find the failing element: its selector and snippet, or
    the resource's URL."""
    found = []
    items = (audit.get("details") or {}).get("items")
    for item in items[:limit] if isinstance(items, list) else []:
        node = item.get("node") if isinstance(item, dict) else None
        if isinstance(item, dict) and item.get("description"):  # console errors, inspector issues
            where = (item.get("sourceLocation") or {}).get("url") or item.get("url") or ""
            found.append(f"{item['description']} {where}".strip())
        elif isinstance(node, dict):
            found.append(f"{node.get('selector', '')} {node.get('snippet', '')}".strip())
        elif isinstance(item, dict) and item.get("url"):
            found.append(str(item["url"]))
        elif isinstance(item, dict) and isinstance(item.get("source"), dict):
            found.append(str(item["source"].get("url", "")))
    return found


def read_lighthouse(page: Page, lhr: dict) -> None:
    audits = lhr["audits"]
    if (audits.get("is-crawlable") or {}).get("score") == 0:
        page.noindex = True  # a robots meta, X-Robots-Tag or a robots.txt Disallow
    for key in CATEGORIES:
        category = lhr["categories"].get(key) or {}
        score = category.get("score")
        page.scores[key] = None if score is None else round(score * 100)
        if key == "performance":
            continue
        for ref in category.get("auditRefs", []):
            audit = audits.get(ref["id"], {})
            if audit.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
                continue
            if audit.get("score") is not None and audit["score"] < 1:
                page.failed_audits.append(
                    {
                        "category": key,
                        "id": ref["id"],
                        "title": audit.get("title", ""),
                        "score": audit["score"],
                        "display": audit.get("displayValue", ""),
                        "items": _items(audit),
                    }
                )
    metrics = {}
    for metric in (
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "speed-index",
    ):
        audit = audits.get(metric) or {}
        metrics[metric] = {"value": audit.get("displayValue", ""), "score": audit.get("score")}
    opportunities = []
    perf_ids = {ref["id"] for ref in lhr["categories"]["performance"].get("auditRefs", [])}
    for audit_id, audit in audits.items():
        if audit_id in metrics or audit.get("score") is None or audit["score"] >= 1:
            continue
        if audit.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
            continue
        details = audit.get("details") or {}
        savings = details.get("overallSavingsMs") or (audit.get("metricSavings") or {}).get(
            "LCP", 0
        )
        if audit_id not in perf_ids and details.get("type") != "opportunity":
            continue
        opportunities.append(
            {
                "id": audit_id,
                "title": audit.get("title", ""),
                "score": audit["score"],
                "display": audit.get("displayValue", ""),
                "savings_ms": savings or 0,
                "savings_bytes": details.get("overallSavingsBytes") or 0,
                "items": _items(audit, 5),
            }
        )
    opportunities.sort(key=lambda o: (-o["savings_ms"], -o["savings_bytes"], o["score"]))
    page.performance = {"metrics": metrics, "opportunities": opportunities}


# The Nu HTML checker ------------------------------------------------------------------------------


def run_nu(pages: list[Page], out: Path) -> None:
    files = {str((out / "html" / f"{p.key}.html").resolve()): p for p in pages if p.status == 200}
    if not files:
        return
    java = shutil.which("java")
    if java is None:
        for page in files.values():
            page.problems.append("no `java`: the Nu checker did not run")
        return
    result = subprocess.run(  # noqa: S603
        [java, "-jar", str(VNU_JAR), "--errors-only", "--exit-zero-always", "--stdout",
         "--format", "json", *files],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        for page in files.values():
            page.problems.append(
                f"the Nu checker failed: {(result.stderr or result.stdout)[-800:]}"
            )
        return
    for page in files.values():
        page.nu_errors = []
    for message in messages:
        path = message.get("url", "").removeprefix("file:")
        page = files.get(str(Path(path).resolve())) if path else None
        if page is None:
            continue
        if message.get("type") not in ("error", "non-document-error"):
            continue
        extract = message.get("extract", "")
        start, length = message.get("hiliteStart"), message.get("hiliteLength")
        hilite = extract[start : start + length] if start is not None and length else ""
        page.nu_errors.append(
            {
                "message": message.get("message", ""),
                "line": message.get("lastLine") or message.get("firstLine"),
                "column": message.get("firstColumn") or message.get("lastColumn"),
                "extract": extract,
                "hilite": hilite,
                "templates": likely_templates(hilite or extract),
            }
        )


TEMPLATES = ROOT / "hearth"
CLASS_ATTR = re.compile(r"""\b(class|id|name)=["']([^"'{}]+)["']""")


def likely_templates(snippet: str, limit: int = 3) -> list[str]:
    """Templates that write the element the checker flagged, found by its first class (or
    id, or name) as written in the template: a hint for the developer, not a proof."""
    match = CLASS_ATTR.search(snippet)
    if not match:
        return []
    attr, value = match.group(1), match.group(2).split()[0]
    if attr == "id":
        value = re.sub(r"\d+$", "", value)  # react-970-heart: ids end with a row's id
    if len(value) < 3:
        return []
    found = []
    for template in sorted(TEMPLATES.glob("**/templates/**/*.html")):
        text = template.read_text(errors="replace")
        if re.search(rf"""{attr}=["'][^"']*\b{re.escape(value)}""", text):
            found.append(str(template.relative_to(ROOT)))
            if len(found) == limit:
                break
    return found


# The report --------------------------------------------------------------------------------------


def _score(value) -> str:
    return "—" if value is None else str(value)


def table(pages: list[Page]) -> str:
    rows = [
        ("page", "accessibility", "best practices", "SEO", "performance", "Nu errors"),
    ]
    for p in pages:
        rows.append(
            (
                p.label + ("" if p.status in (None, 200) else f" [HTTP {p.status}]"),
                _score(p.scores.get("accessibility")),
                _score(p.scores.get("best-practices")),
                _score(p.scores.get("seo")) + (" (noindex)" if p.noindex else ""),
                _score(p.scores.get("performance")),
                "—" if p.nu_errors is None else str(len(p.nu_errors)),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append(
                "|"
                + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths))
                + "|"
            )
    return "\n".join(lines)  # fmt: skip


def misses(page: Page) -> list[str]:
    found = []
    for key, target in TARGETS.items():
        if key == "seo" and page.noindex and page.noindex_ok:
            continue
        score = page.scores.get(key)
        if score is not None and score < target:
            found.append(f"{key} {score} < {target}")
    if page.nu_errors:
        found.append(f"{len(page.nu_errors)} Nu errors")
    return found + page.problems


def markdown(pages: list[Page], info: dict) -> str:
    parts = [
        "# check-pages",
        "",
        f"Community `{info['community']['slug']}`; member `{info['users']['member']['username']}`, "
        f"staff `{info['users']['staff']['username']}` ({info['users']['staff']['role']}). "
        "Lighthouse mobile preset; targets 100 / 100 / 100 / ≥95, 0 Nu errors (SEO not held "
        "to 100 on search and signed-in pages that say noindex).",
        "",
        table(pages),
        "",
    ]
    grouped: dict[str, list[tuple[str, dict]]] = {}
    for p in pages:
        for e in p.nu_errors or []:
            grouped.setdefault(e["message"], []).append((p.key, e))
    if grouped:
        parts += ["## Nu errors, grouped by message", ""]
        for message, hits in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
            where = sorted({k for k, _e in hits})
            parts.append(f"### {message}")
            parts.append(f"{len(hits)} on {', '.join(where)}")
            parts.append("")
            seen = set()
            for key, e in hits:
                if (key, e["extract"]) in seen:
                    continue
                seen.add((key, e["extract"]))
                extract = " ".join(e["extract"].split()).replace("`", "'")
                hint = f" (likely {', '.join(e['templates'])})" if e["templates"] else ""
                parts.append(f"- `{key}` line {e['line']}: `{extract}`{hint}")
            parts.append("")
    for p in pages:
        parts += [f"## {p.label}", "", f"{p.url} (as {p.who}, HTTP {p.status})", ""]
        for problem in p.problems:
            parts.append(f"- **problem**: {problem}")
        for a in p.failed_audits:
            parts.append(
                f"- {a['category']}: **{a['id']}** ({a['score']}) {a['title']} {a['display']}"
            )
            parts += [f"    - `{item}`" for item in a["items"]]
        perf = p.performance
        if perf:
            metrics = ", ".join(f"{k} {v['value']}" for k, v in perf["metrics"].items())
            parts.append(f"- performance metrics: {metrics}")
            for o in perf["opportunities"][:8]:
                saving = f" (~{o['savings_ms']:.0f} ms)" if o["savings_ms"] else ""
                parts.append(
                    f"- performance: **{o['id']}** ({o['score']}) {o['title']} "
                    f"{o['display']}{saving}"
                )
        parts.append("")
    return "\n".join(parts)  # fmt: skip


# The run ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    pages = PAGES
    if args.pages:
        wanted = {k.strip() for k in args.pages.split(",") if k.strip()}
        unknown = wanted - {p.key for p in PAGES}
        if unknown:
            sys.exit(f"check-pages: unknown pages {sorted(unknown)}")
        pages = [p for p in PAGES if p.key in wanted]
    if not args.no_lighthouse and not LIGHTHOUSE.exists():
        sys.exit("check-pages: Lighthouse is not installed; run `make check-pages`")
    if not args.no_nu and not VNU_JAR.exists():
        sys.exit("check-pages: the Nu checker is not installed; run `make check-pages`")
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    (out / "html").mkdir(parents=True)
    (out / "lighthouse").mkdir()
    started = time.monotonic()

    if args.data_dir:
        data_dir = args.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        args.keep_data = True
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="hearth-check-pages-"))
        if not args.keep_data:
            atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    env = hearth_env(data_dir)
    log(f"check-pages: loading the demo into {data_dir} …")
    hearth(env, "migrate", "--noinput", "-v0")
    hearth(env, "demo", "--if-empty")
    discovered = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tools.check_pages.discover"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if discovered.returncode != 0:
        sys.exit(f"check-pages: finding the pages failed:\n{discovered.stderr[-3000:]}")
    info = json.loads(discovered.stdout)
    log(f"check-pages: demo loaded in {time.monotonic() - started:.0f} s")

    server = Server(env, out / "server.log")
    server.start()
    base = f"http://{HOST}:{server.port}"
    cookies = {"visitor": None}
    for who in ("member", "staff"):
        user = info["users"][who]
        cookies[who] = sign_in(server.port, user["username"], user["password"])
    log(
        f"check-pages: serving {base}; member {info['users']['member']['username']}, "
        f"staff {info['users']['staff']['username']}"
    )

    urls = dict(info["urls"], topic_member=info["urls"]["topic"])
    for n, page in enumerate(pages, 1):
        page.url = base + urls[page.key]
        cookie = cookies[page.who]
        headers = {"Cookie": cookie} if cookie else {}
        status, response_headers, body = request(
            server.port, "GET", urls[page.key], headers=headers
        )
        # The health dashboard is computed by the worker after the first visit (the server
        # runs none, to keep the measurements quiet): run one batch, then measure the
        # figures rather than the "being computed" page.
        deadline = time.monotonic() + COMPUTING_WAIT_SECONDS
        while status == 200 and COMPUTING_MARK in body and time.monotonic() < deadline:
            hearth(env, "worker", "--batch")
            status, response_headers, body = request(
                server.port, "GET", urls[page.key], headers=headers
            )
        if COMPUTING_MARK in body:
            page.problems.append("still being computed: measured the waiting page")
        page.status = status
        page.noindex = says_noindex(response_headers, body)
        (out / "html" / f"{page.key}.html").write_bytes(body)
        if status != 200:
            page.problems.append(f"answered HTTP {status} to the {page.who}")
        t = time.monotonic()
        if not args.no_lighthouse and status == 200:
            run_lighthouse(page, page.url, cookie, out, args.lighthouse_timeout)
        log(
            f"  [{n}/{len(pages)}] {page.label}: HTTP {status}"
            + ("" if args.no_lighthouse else f", Lighthouse {time.monotonic() - t:.0f} s")
            + "".join(f"\n      {problem}" for problem in page.problems)
        )
    server.stop()
    if not args.no_nu:
        log("check-pages: running the Nu HTML checker …")
        run_nu(pages, out)

    report = {
        "community": info["community"],
        "users": {
            k: {"username": v["username"], "role": v["role"]} for k, v in info["users"].items()
        },
        "targets": TARGETS,
        "pages": [
            {
                "key": p.key, "label": p.label, "url": p.url, "as": p.who, "status": p.status,
                "noindex": p.noindex, "noindex_ok": p.noindex_ok, "scores": p.scores,
                "failed_audits": p.failed_audits,
                "performance": p.performance, "nu_errors": p.nu_errors, "problems": p.problems,
                "misses": misses(p),
            }
            for p in pages
        ],
    }  # fmt: skip
    (out / "report.json").write_text(json.dumps(report, indent=2))
    (out / "report.md").write_text(markdown(pages, info))
    log("")
    log(table(pages))
    log("")
    missing = [p for p in pages if misses(p)]
    log(
        f"{len(pages) - len(missing)} of {len(pages)} pages meet the targets "
        "(100 / 100 / 100 / ≥95, 0 Nu errors). "
        f"Details: {out / 'report.md'} ({time.monotonic() - started:.0f} s)"
    )
    if args.keep_data:
        log(f"The demo's data directory is kept: {data_dir}")
    return 1 if args.strict and missing else 0


if __name__ == "__main__":
    sys.exit(main())

"""Web benchmark: `a11y-audit web` against pa11y-ci on the same 60-page site, in one run.

    .venv/bin/python bench/web/run.py [--repeat 2] [--tools pa11y,pa11y-shared,ours,ours-axe,floor]
    .venv/bin/python bench/web/run.py --quick            # one repetition of pa11y-shared and ours: iteration

Steps: generate the site (bench/web/generate_site.py) into bench/.work/web/site, serve it on 127.0.0.1
from a threaded stdlib server in a subprocess, install pa11y-ci from bench/web/pa11y/package-lock.json
into bench/.work/web/npm (once; puppeteer's browser download is skipped), warm the page cache with one
Chromium start, then run each tool over the same 60 URLs, rotating which goes first in each repetition.
Every tool drives the same Chromium binary: the one `a11y-audit web` chooses (audit.web.chromium:
$A11Y_AUDIT_CHROMIUM, else the headless shell where installed, else /usr/bin/chromium). For every run it
records the wall time, pages per minute, the peak memory of the tool's whole process tree including
Chromium (RSS summed over the tree, sampled every 100 ms from /proc, and PSS every second), the CPU seconds
the tree used and the load average. It prints a table and the ratios and writes everything to
bench/.work/web/result.json.

pa11y-ci runs in two configurations: "pa11y-ci" is its default (a fresh incognito browser context for every
URL) and "pa11y-ci/shared" sets `useIncognitoBrowserContext: false` (every page in the browser's default
context), as its users who want speed run it. Both must report the same issues on every page, rule by rule
(the run fails loudly otherwise), and every ratio is stated against the faster of the two.

Rule set: both tools run the same axe rules, by id: the 64 WCAG 2.x A/AA rules of a11y-audit's web checklist
(checklists/web/axe-wcag.yaml). pa11y can only choose axe rules by tag, so its `rules` option enables those
ids and its `ignore` option switches every other rule of its own axe-core off (computed from pa11y's axe, so
the lists follow its version; its older axe lacks one of the 64). The "a11y-audit/axe" variant adds
`--no-builtins`, leaving out the portal checks pa11y-ci does not do (focus walk, reflow, elder mode, toolbar).
"axe floor" (bench/web/floor.py) is the least any in-browser axe auditor does: load each page, inject axe,
run the same 64 rules, keep the violations, in tabs never renewed; it bounds what the others can reach.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORK = REPO / "bench" / ".work" / "web"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import generate_site  # sibling script, not a package

from audit.web.chromium import find_headless_chromium

# Every tool drives the same binary: the one `a11y-audit web` chooses (the headless shell where installed).
CHROMIUM = find_headless_chromium() or "/usr/bin/chromium"
CHROME_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
CONCURRENCY = 4
PAGE_TIMEOUT_S = 60
SAMPLE_INTERVAL_S = 0.1
PSS_EVERY = 10  # smaps_rollup walks page tables (slow for Chromium's huge address spaces): every 1 s
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TARGET_SPEEDUP = 2.0  # issue 17: ≥ 2× pa11y-ci's pages/min in its fastest config

SERVER_CODE = r"""
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


# --------------------------------------------------------------------------------------- measuring


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, session id) for every process we can see."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[3]))
    return table


def process_tree(root: int) -> list[int]:
    """The root, all its descendants, and anything left in its session (daemonised helpers)."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = set(), [root]
    while stack:
        pid = stack.pop()
        if pid in found or pid not in table:
            continue
        found.add(pid)
        stack.extend(children.get(pid, ()))
    found.update(pid for pid, (_, sid) in table.items() if sid == root)
    return sorted(found)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        fields = stat[stat.rindex(b")") + 2 :].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return 0


def _kind(pid: int) -> str:
    """A short name for where CPU goes: python, node, chromium-browser/renderer/gpu-process/utility/zygote.

    Chromium rewrites its command line into one space-separated string, its zygote runs as
    /proc/self/exe, and /usr/bin/chromium is a shell wrapper that execs the browser: hence the checks.
    """
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().replace(b"\0", b" ").split()
    except OSError:
        return "gone"
    if not argv:
        return "?"
    exe = os.path.basename(argv[0].decode(errors="replace"))
    if "chrom" in exe or exe == "exe":
        for arg in argv:
            if arg.startswith(b"--type="):
                return "chromium-" + arg[7:].decode(errors="replace")
        return "chromium-browser" if "chrom" in exe else "?"
    if exe == "sh" and len(argv) > 1 and b"chromium" in argv[1]:
        return "chromium-browser"  # the wrapper script, about to exec the browser
    return "python" if exe.startswith("python") else exe[:20]


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree every SAMPLE_INTERVAL_S until stopped."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.stop_event = threading.Event()
        self.peak_rss = self.peak_pss = self.peak_procs = self.samples = 0
        self.sample_cost_s = 0.0
        self.cpu_ticks: dict[int, int] = {}  # pid -> last seen utime+stime
        self.kinds: dict[int, str] = {}
        self.peak_pss_by_kind: dict[str, int] = {}  # where the memory was at the peak of the summed PSS

    def cpu_total(self) -> float:
        return round(sum(self.cpu_ticks.values()) / CLOCK_TICKS, 1)

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU seconds per process kind, from the last sample of each process (misses < 100 ms each)."""
        totals: dict[str, float] = {}
        for pid, ticks in self.cpu_ticks.items():
            kind = self.kinds.get(pid, "?")
            totals[kind] = round(totals.get(kind, 0.0) + ticks / CLOCK_TICKS, 1)
        return dict(sorted(totals.items(), key=lambda kv: -kv[1]))

    def run(self) -> None:
        while not self.stop_event.is_set():
            started = time.perf_counter()
            pids = process_tree(self.root)
            self.peak_rss = max(self.peak_rss, sum(_rss_bytes(p) for p in pids))
            slow = self.samples % PSS_EVERY == 0
            if slow:
                pss = {p: _pss_bytes(p) for p in pids}
                if sum(pss.values()) > self.peak_pss:
                    self.peak_pss = sum(pss.values())
                    self.peak_pss_by_kind = {}
                    for pid, size in pss.items():
                        kind = self.kinds.get(pid) or _kind(pid)
                        self.peak_pss_by_kind[kind] = self.peak_pss_by_kind.get(kind, 0) + size
            self.peak_procs = max(self.peak_procs, len(pids))
            for pid in pids:
                if slow or pid not in self.kinds:  # a forked zygote child or the exec'd wrapper changes name
                    kind = _kind(pid)
                    if kind not in ("gone", "?") or pid not in self.kinds:
                        self.kinds[pid] = kind
                self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), _cpu_ticks(pid))
            self.samples += 1
            cost = time.perf_counter() - started
            self.sample_cost_s += cost
            self.stop_event.wait(max(0.0, SAMPLE_INTERVAL_S - cost))

    def stop(self) -> None:
        self.stop_event.set()
        self.join()


@dataclass
class Run:
    tool: str
    repetition: int
    position: int  # 1 = ran first in its repetition
    exit_code: int
    wall_s: float
    pages: int
    pages_audited: int  # pages the tool reports as audited (not errored)
    pages_per_min: float
    peak_rss_mb: float
    peak_pss_mb: float
    peak_processes: int
    cpu_s: float  # CPU seconds of the tree, summed over every process seen (sampled)
    cpu_rusage_s: float  # getrusage(RUSAGE_CHILDREN): misses Chromium's reparented renderers
    load_before: list[float]
    load_after: list[float]
    samples: int
    sampler_cpu_share: float  # time the sampler spent sampling / wall time
    cpu_by_process_kind: dict  # CPU seconds by python / node / chromium-renderer / …
    peak_pss_mb_by_process_kind: dict  # the summed PSS at its peak, by process kind
    log: str
    notes: list[str] = field(default_factory=list)


def measure(cmd: list[str], *, env: dict, cwd: Path, log: Path, pages: int) -> tuple[int, dict]:
    """Run cmd in its own session, sample its tree, return (exit code, figures)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = list(os.getloadavg())
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            code = proc.wait(timeout=PAGE_TIMEOUT_S * pages)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            code = proc.wait()
        wall = time.perf_counter() - started
        sampler.stop()
    _kill_session_leftovers(proc.pid)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return code, {
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(sampler.peak_rss / 2**20, 1),
        "peak_pss_mb": round(sampler.peak_pss / 2**20, 1),
        "peak_processes": sampler.peak_procs,
        "cpu_s": sampler.cpu_total(),
        "cpu_rusage_s": round(cpu, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "samples": sampler.samples,
        "sampler_cpu_share": round(sampler.sample_cost_s / wall, 3),
        "cpu_by_process_kind": sampler.cpu_by_kind(),
        "peak_pss_mb_by_process_kind": {
            k: round(v / 2**20, 1) for k, v in sorted(sampler.peak_pss_by_kind.items(), key=lambda kv: -kv[1])
        },
    }


def _kill_session_leftovers(sid: int) -> None:
    """A tool that exits while Chromium helpers of its own session still run: end exactly those."""
    for pid, (_, session) in _proc_table().items():
        if session == sid:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


# --------------------------------------------------------------------------------------- the site


def serve(site: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER_CODE, str(site)], stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------------------- pa11y-ci


def npm_dir() -> Path:
    return WORK / "npm"


def ensure_pa11y() -> Path:
    """Install the pinned pa11y-ci with `npm ci` into bench/.work/web/npm unless it is there already."""
    target = npm_dir()
    binary = target / "node_modules" / ".bin" / "pa11y-ci"
    lock = HERE / "pa11y" / "package-lock.json"
    installed_lock = target / "package-lock.json"
    if binary.exists() and installed_lock.exists() and installed_lock.read_bytes() == lock.read_bytes():
        return binary
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "pa11y" / "package.json", target / "package.json")
    shutil.copy(lock, installed_lock)
    print("installing pa11y-ci with npm ci (PUPPETEER_SKIP_DOWNLOAD=1) …", flush=True)
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=target, env=env, check=True)
    return binary


def pa11y_axe_rules(wanted: list[str]) -> dict:
    """Make pa11y's axe run exactly `wanted` (our rule ids), as far as pa11y's own axe-core has them.

    pa11y always sends axe `runOnly` by tags (WCAG2AA: wcag2a, wcag21a, wcag2aa, wcag21aa and
    best-practice) plus `rules` from its `rules` (enabled) and `ignore` (disabled) options; axe lets an
    explicit enabled flag win over the tag filter. So: enable every wanted rule, disable every other one.
    """
    script = """
const axe = require('axe-core');
const wanted = new Set(JSON.parse(process.argv[1]));
const ids = axe.getRules().map(r => r.ruleId);
console.log(JSON.stringify({
  version: axe.version,
  enable: ids.filter(id => wanted.has(id)).sort(),
  ignore: ids.filter(id => !wanted.has(id)).sort(),
  missing: [...wanted].filter(id => !ids.includes(id)).sort(),
}));
"""
    out = subprocess.run(
        ["node", "-e", script, json.dumps(wanted)], cwd=npm_dir(), capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


PA11Y_VARIANTS = {  # run name -> pa11y-ci `defaults` added to the common ones
    "pa11y": {},  # its default: useIncognitoBrowserContext true, a fresh incognito context per URL
    "pa11y-shared": {"useIncognitoBrowserContext": False},  # every page in the browser's default context
}


def pa11y_config(urls: list[str], rules: dict, report: Path, variant: str) -> dict:
    """pa11y-ci's config file for one variant, exactly as written to bench/.work/web/pa11y-ci-<variant>.json."""
    return {
        "defaults": {
            "concurrency": CONCURRENCY,
            "runners": ["axe"],
            "standard": "WCAG2AA",
            "rules": rules["enable"],
            "ignore": rules["ignore"],
            "timeout": PAGE_TIMEOUT_S * 1000,
            **PA11Y_VARIANTS[variant],
            "chromeLaunchConfig": {"executablePath": CHROMIUM, "args": CHROME_ARGS},
            "reporters": [["json", {"fileName": str(report)}]],
        },
        # URL objects, not strings: for a string entry pa11y-ci reuses its one shared options object and
        # stores each task's incognito context on it, so with concurrency > 1 a finishing task closes
        # another task's context ("Protocol error (Target.closeTarget): No target with given id found"
        # on about half the pages). An object entry gets a fresh merged config per URL.
        "urls": [{"url": url} for url in urls],
    }


def pa11y_command(urls: list[str], rules: dict, report: Path, variant: str) -> tuple[list[str], Path]:
    path = WORK / f"pa11y-ci-{variant}.json"
    path.write_text(json.dumps(pa11y_config(urls, rules, report, variant), indent=2))
    return [str(npm_dir() / "node_modules" / ".bin" / "pa11y-ci"), "--config", str(path)], path


def pa11y_audited(report: Path) -> int:
    """Pages pa11y-ci audited: its report keeps a thrown error as the page's only 'issue'."""
    if not report.exists():
        return 0
    results = json.loads(report.read_text())["results"]
    return sum(1 for issues in results.values() if not (len(issues) == 1 and "code" not in issues[0]))


def pa11y_issue_counts(report: Path) -> dict[str, dict[str, int]]:
    """url -> "rule id / type" -> issues pa11y-ci reported (its report groups issues by URL)."""
    if not report.exists():
        return {}
    counts: dict[str, dict[str, int]] = {}
    for url, issues in json.loads(report.read_text())["results"].items():
        page = counts.setdefault(url, {})
        for issue in issues:
            key = f"{issue.get('code', 'ERROR')} / {issue.get('type', '?')}"
            page[key] = page.get(key, 0) + 1
    return {url: dict(sorted(page.items())) for url, page in sorted(counts.items())}


def issue_differences(reports: dict[str, dict[str, dict[str, int]]]) -> list[str]:
    """Every page and rule on which two pa11y-ci runs (any variant, any repetition) disagree, as text."""
    names = list(reports)
    if len(names) < 2:
        return []
    first, problems = reports[names[0]], []
    for other in names[1:]:
        theirs = reports[other]
        for url in sorted(set(first) | set(theirs)):
            a, b = first.get(url, {}), theirs.get(url, {})
            for rule in sorted(set(a) | set(b)):
                if a.get(rule, 0) != b.get(rule, 0):
                    problems.append(f"{url}: {rule}: {names[0]} {a.get(rule, 0)}, {other} {b.get(rule, 0)}")
    return problems


# --------------------------------------------------------------------------------------- a11y-audit


@functools.cache
def ours_checks() -> dict:
    """The axe rule ids and the probe check ids `a11y-audit web` runs with the bundled checklists."""
    code = (
        "import json; from audit.catalog import load_catalog; from audit.runs.web import web_checks; "
        "cs = web_checks(load_catalog()); print(json.dumps({"
        "'axe_rules': sorted({r for c in cs for r in c.answer.get('axe', [])}), "
        "'probes': sorted(c.id for c in cs if 'builtin' in c.answer)}))"
    )
    out = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def ours_command(home: str, db: Path, out_dir: Path, axe_only: bool) -> list[str]:
    """The site's home page as start URL; the 60 pages come from its sitemap.xml (read by default).

    --max-pages 60 is the budget of exactly the sitemap's pages (queued before any crawled link);
    --max-depth 1 stops links found on pages from being queued; --per-template 1000 turns WCAG-EM
    sampling off so every article is audited; --delay 0 removes the polite per-tab pause (a webmaster
    auditing their own site in CI would set it; pa11y-ci has no such pause).
    """
    cmd = [
        str(REPO / ".venv" / "bin" / "a11y-audit"),
        "--db",
        str(db),
        "web",
        home,
        "--max-pages",
        "60",
        "--max-depth",
        "1",
        "--per-template",
        "1000",
        "--delay",
        "0",
        "--concurrency",
        str(CONCURRENCY),
        "--timeout",
        str(PAGE_TIMEOUT_S),
        "--format",
        "json",
        "--out",
        str(out_dir),
    ]
    return cmd + (["--no-builtins"] if axe_only else [])


def ours_audited(out_dir: Path) -> int:
    """Pages in the report that are not listed as errors."""
    report = out_dir / "a11y-report.json"
    if not report.exists():
        return 0
    data = json.loads(report.read_text())
    errors = {e["key"] for e in data.get("errors", [])}
    return sum(1 for page in data.get("pages", []) if page["key"] not in errors)


# --------------------------------------------------------------------------------------- main


def warm_up() -> None:
    """Start Chromium once so neither tool pays for reading the binary from disk."""
    subprocess.run([CHROMIUM, *CHROME_ARGS, "--dump-dom", "about:blank"], capture_output=True, timeout=60, check=False)


def tool_versions() -> dict:
    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False).stdout.strip()
        except OSError as exc:
            return f"unavailable: {exc}"

    pkg = lambda name: json.loads((npm_dir() / "node_modules" / name / "package.json").read_text())["version"]
    ours_axe = (REPO / "audit" / "web" / "vendor" / "VERSION").read_text().strip()
    return {
        "chromium": run([CHROMIUM, "--version"]),
        "node": run(["node", "--version"]),
        "pa11y_ci": pkg("pa11y-ci"),
        "pa11y": pkg("pa11y"),
        "puppeteer": pkg("puppeteer"),
        "pa11y_axe_core": pkg("axe-core"),
        "ours_axe_core": ours_axe,
        "playwright": run(
            [
                str(REPO / ".venv" / "bin" / "python"),
                "-c",
                "import importlib.metadata as m; print(m.version('playwright'))",
            ]
        ),
        "python": platform.python_version(),
    }


TOOLS = {  # run name -> label in tables and result.json
    "pa11y": "pa11y-ci",  # pa11y-ci's default config: an incognito context per URL
    "pa11y-shared": "pa11y-ci/shared",  # useIncognitoBrowserContext: false, pa11y-ci's fastest config
    "ours": "a11y-audit",  # the tool as shipped: the 64 axe rules plus its four page probes
    "ours-axe": "a11y-audit/axe",  # the probes left out (--no-builtins): the very same axe rules as pa11y-ci
    "floor": "axe floor",  # bench/web/floor.py: load, inject axe, run the same rules; nothing else
}


PA11Y_LABELS = ("pa11y-ci", "pa11y-ci/shared")
TARGET_LABELS = ("a11y-audit", "a11y-audit/axe")  # the tool as shipped, with and without its probes


def summarise(runs: list[Run]) -> dict:
    def med(label: str, key: str) -> float | None:
        values = [getattr(r, key) for r in runs if r.tool == label and r.exit_code in (0, 2)]
        return round(statistics.median(values), 2) if values else None

    summary: dict = {
        label: {k: med(label, k) for k in ("wall_s", "pages_per_min", "peak_rss_mb", "peak_pss_mb", "cpu_s")}
        for label in dict.fromkeys(r.tool for r in runs)
    }
    measured = [label for label in PA11Y_LABELS if (summary.get(label) or {}).get("pages_per_min")]
    if not measured:
        return summary
    fastest = max(measured, key=lambda label: summary[label]["pages_per_min"])
    summary["baseline"] = fastest  # every ratio is against pa11y-ci's faster configuration
    theirs = summary[fastest]
    for label in TOOLS.values():
        ours = summary.get(label)
        if label == fastest or not (ours and ours["pages_per_min"]):
            continue
        ratios = {
            "pages_per_min": round(ours["pages_per_min"] / theirs["pages_per_min"], 2),
            "peak_rss": round(ours["peak_rss_mb"] / theirs["peak_rss_mb"], 2),
            "peak_pss": round(ours["peak_pss_mb"] / theirs["peak_pss_mb"], 2),
            "cpu_s": round(ours["cpu_s"] / theirs["cpu_s"], 2),
        }
        if label in TARGET_LABELS:
            ratios["meets_speed_target"] = ratios["pages_per_min"] >= TARGET_SPEEDUP
            ratios["meets_memory_target"] = ratios["peak_pss"] <= 1.0
        summary.setdefault("ratios_vs_fastest_pa11y_ci", {})[label] = ratios
    return summary


def print_table(runs: list[Run], summary: dict) -> None:
    head = (
        f"{'tool':<16}{'rep':>4}{'pos':>4}{'exit':>5}{'ok':>4}{'wall s':>8}{'pages/min':>10}{'peak RSS MB':>12}"
        f"{'peak PSS MB':>12}{'CPU s':>7}{'procs':>6}  load 1m"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in runs:
        print(
            f"{r.tool:<16}{r.repetition:>4}{r.position:>4}{r.exit_code:>5}{r.pages_audited:>4}{r.wall_s:>8.1f}"
            f"{r.pages_per_min:>10.1f}{r.peak_rss_mb:>12.0f}{r.peak_pss_mb:>12.0f}{r.cpu_s:>7.1f}{r.peak_processes:>6}"
            f"  {r.load_before[0]:.2f}→{r.load_after[0]:.2f}"
        )
    print()
    for label in TOOLS.values():
        s = summary.get(label)
        if s:
            print(
                f"median {label:<16} {s['pages_per_min']} pages/min, peak RSS {s['peak_rss_mb']} MB, "
                f"peak PSS {s['peak_pss_mb']} MB, CPU {s['cpu_s']} s"
            )
    baseline = summary.get("baseline")
    for label, ratio in summary.get("ratios_vs_fastest_pa11y_ci", {}).items():
        line = (
            f"{label}/{baseline}: pages/min ×{ratio['pages_per_min']}, peak RSS ×{ratio['peak_rss']}, "
            f"peak PSS ×{ratio['peak_pss']}, CPU ×{ratio['cpu_s']}"
        )
        if "meets_speed_target" in ratio:
            line += (
                f"  (speed target ≥ {TARGET_SPEEDUP}: {'met' if ratio['meets_speed_target'] else 'NOT met'}; "
                f"peak PSS ≤ 1: {'met' if ratio['meets_memory_target'] else 'NOT met'})"
            )
        print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=2, help="repetitions; the order of the tools rotates (default 2)")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    ap.add_argument(
        "--quick", action="store_true", help="iteration: --repeat 1 --tools pa11y-shared,ours unless given otherwise"
    )
    args = ap.parse_args()
    if args.quick:
        if "--repeat" not in sys.argv:
            args.repeat = 1
        if "--tools" not in sys.argv:
            args.tools = "pa11y-shared,ours"
    tools = [t for t in args.tools.split(",") if t]
    if not tools or any(t not in TOOLS for t in tools):
        ap.error(f"--tools takes names from {', '.join(TOOLS)}")

    WORK.mkdir(parents=True, exist_ok=True)
    site = WORK / "site"
    shutil.rmtree(site, ignore_errors=True)
    pages = generate_site.generate(site)
    ours = ours_checks()
    ensure_pa11y()
    rules = pa11y_axe_rules(ours["axe_rules"])
    versions = tool_versions()
    server, base = serve(site)
    runs: list[Run] = []
    issues: dict[str, dict[str, dict[str, int]]] = {}  # "<tool>-<rep>" -> pa11y-ci's issues per page and rule
    try:
        _, urls_file = generate_site.write_url_lists(site, pages, base)
        urls = urls_file.read_text().split()
        print(
            f"site: {len(urls)} pages at {base}; rule set: the {len(ours['axe_rules'])} axe rules of a11y-audit's "
            f"web checklist (axe-core {versions['ours_axe_core']}); pa11y-ci's axe-core {rules['version']} runs "
            f"{len(rules['enable'])} of them (missing there: {', '.join(rules['missing']) or 'none'})"
        )
        print(f"load average before: {os.getloadavg()[0]:.2f} (2-core machine shared with other work)", flush=True)
        warm_up()
        for rep in range(1, args.repeat + 1):
            shift = (rep - 1) % len(tools)
            order = tools[shift:] + tools[:shift]
            for position, tool in enumerate(order, 1):
                r = run_tool(tool, rep, position, urls_file, rules)
                runs.append(r)
                if tool in PA11Y_VARIANTS:
                    issues[f"{tool}-{rep}"] = pa11y_issue_counts(WORK / f"{tool}-{rep}.json")
                print(
                    f"  rep {rep} {r.tool:<15} exit {r.exit_code}  {r.pages_audited}/{r.pages} pages  {r.wall_s:6.1f} s  "
                    f"{r.pages_per_min:5.1f} pages/min  peak RSS {r.peak_rss_mb:5.0f} MB  PSS {r.peak_pss_mb:5.0f} MB  "
                    f"CPU {r.cpu_s:5.1f} s  load {r.load_before[0]:.2f}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait()
    summary = summarise(runs)
    print_table(runs, summary)
    differences = issue_differences(issues)
    if differences:
        print(f"\nFAIL: the pa11y-ci runs do not report the same issues ({len(differences)} page/rule pairs):")
        print("\n".join("  " + d for d in differences[:50]))
    elif len(issues) > 1:
        print(f"\npa11y-ci runs {', '.join(issues)}: the same issues on every page, rule by rule")
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "python bench/web/run.py " + " ".join(sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "mem_gib": round(os.sysconf("SC_PHYS_PAGES") * PAGE_SIZE / 2**30, 1),
            "kernel": platform.release(),
        },
        "site": {
            "pages": len(pages),
            "base_url": base,
            "html_kib": round(sum(f.stat().st_size for f in site.rglob("*.html")) / 1024),
            "digest": generate_site.tree_digest(site),
        },
        "concurrency": CONCURRENCY,
        "chromium_args_pa11y": CHROME_ARGS,
        "pa11y_configs": {v: str(WORK / f"pa11y-ci-{v}.json") for v in PA11Y_VARIANTS if v in tools},
        "pa11y_issue_differences": differences,
        "pa11y_issues_per_rule": _totals(issues),
        "rule_set": {"ours_axe_rules": ours["axe_rules"], "ours_probes": ours["probes"], "pa11y": rules},
        "versions": versions,
        "runs": [asdict(r) for r in runs],
        "summary": summary,
    }
    (WORK / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\nfigures written to {(WORK / 'result.json').relative_to(REPO)}")
    ok = runs and not differences and all(r.exit_code in (0, 2) and r.pages_audited == r.pages for r in runs)
    return 0 if ok else 1


def _totals(issues: dict[str, dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """run -> rule -> issues over all pages: what result.json keeps of the per-page comparison."""
    totals = {}
    for run, pages in issues.items():
        rules: dict[str, int] = {}
        for page in pages.values():
            for rule, count in page.items():
                rules[rule] = rules.get(rule, 0) + count
        totals[run] = dict(sorted(rules.items()))
    return totals


def run_tool(tool: str, rep: int, position: int, urls_file: Path, rules: dict) -> Run:
    urls = urls_file.read_text().split()
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "A11Y_AUDIT_CHROMIUM": CHROMIUM}
    log = WORK / f"{tool}-{rep}.log"
    if tool in PA11Y_VARIANTS:
        report = WORK / f"{tool}-{rep}.json"
        report.unlink(missing_ok=True)
        cmd, _ = pa11y_command(urls, rules, report, tool)
        code, fig = measure(cmd, env=env, cwd=npm_dir(), log=log, pages=len(urls))
        audited = pa11y_audited(report)
    elif tool == "floor":
        report = WORK / f"floor-{rep}.json"
        report.unlink(missing_ok=True)
        rule_ids = json.dumps(ours_checks()["axe_rules"])
        cmd = [sys.executable, str(HERE / "floor.py"), str(urls_file), rule_ids, CHROMIUM, str(CONCURRENCY)]
        code, fig = measure([*cmd, str(report)], env=env, cwd=WORK, log=log, pages=len(urls))
        audited = len(json.loads(report.read_text())) if report.exists() else 0
    else:
        db, out = WORK / f"{tool}-{rep}.db", WORK / f"{tool}-{rep}"
        db.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
        cmd = ours_command(urls[0], db, out, axe_only=tool == "ours-axe")
        code, fig = measure(cmd, env=env, cwd=WORK, log=log, pages=len(urls))
        audited = ours_audited(out)
    return Run(
        tool=TOOLS[tool],
        repetition=rep,
        position=position,
        exit_code=code,
        pages=len(urls),
        pages_audited=audited,
        pages_per_min=round(len(urls) / fig["wall_s"] * 60, 1),
        log=str(log.relative_to(REPO)),
        **fig,
    )


if __name__ == "__main__":
    sys.exit(main())

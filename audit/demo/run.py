"""The demo pipeline: areas, two rounds of field checklists and portals, then maps and reports."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from audit.demo.campaign import DemoCampaign
from audit.demo.portal import SAMPLES, portal_server, portals, render_portal
from audit.demo.portal_app import audit_environment
from audit.demo.serve import LoopbackServer

REPO = Path(__file__).resolve().parents[2]
FACILITY_SAMPLES = REPO / "samples" / "facility"
SUBMISSION_SUFFIXES = (".csv", ".xlsx", ".geojson")
PORTAL_CONFIG = SAMPLES / "a11y-audit.toml"  # the sample portals' sites, logins (and flows) for `a11y-audit web`
ROUNDS = ("2025q2", "2025q4")

# Runs one `a11y-audit` command line and returns its exit code.
Invoke = Callable[[Sequence[str]], int]


@dataclass
class DemoPlan:
    """Where the demo writes: its own database (recreated each run), maps and reports."""

    db: Path
    maps: Path
    reports: Path
    lang: str = "zh"
    steps: list[tuple[str, float, int]] = field(default_factory=list)


def submission_files(label: str) -> list[Path]:
    folder = FACILITY_SAMPLES / f"round-{label}"
    return sorted(p for p in folder.iterdir() if p.suffix in SUBMISSION_SUFFIXES)


class DemoPortals:
    """The sample portals, each served on one 127.0.0.1 port for the whole demo: both web rounds audit the same
    URLs, so the second round's portals are the first's (a trend, not a "first audit") after their fixes."""

    def __init__(self, work: Path):
        self.work = work / "portals"
        self.servers: dict[str, LoopbackServer] = {}

    def serve(self, round_index: int) -> list[tuple[dict, LoopbackServer]]:
        """Render every portal as it stands in this round in place of the last round's pages."""
        served = []
        for site in portals():
            root = self.work / site["id"]
            shutil.rmtree(root, ignore_errors=True)
            render_portal(root, site, site["rounds"][round_index]["fixed"])
            if site["id"] not in self.servers:  # the port is chosen once, on the first round
                self.servers[site["id"]] = portal_server(root)
            served.append((site, self.servers[site["id"]]))
        return served

    def close(self) -> None:
        for server in self.servers.values():
            server.close()
        self.servers.clear()


def web_round(invoke: Invoke, plan: DemoPlan, label: str, round_index: int, served: DemoPortals) -> int:
    """Serve every sample portal as it stands in this round (same ports as before) and audit them through the
    committed samples/portal/a11y-audit.toml, logged in to their service halls (URLs and password by variables)."""
    bases = {site["id"]: server.base for site, server in served.serve(round_index)}
    with audit_environment(bases):
        return invoke(
            [
                "--db",
                str(plan.db),
                "--lang",
                plan.lang,
                "web",
                "--config",
                str(PORTAL_CONFIG),
                "--label",
                label,
                "--delay",
                "0",
                "--concurrency",
                "3",
                "--format",
                "json,junit,sarif,md,html",
                "--out",
                str(plan.reports / f"web-{label}"),
            ]
        )


def run_demo(invoke: Invoke, plan: DemoPlan, say: Callable[[str], None]) -> int:
    """Every step in order; returns 0, or the first step's failure code."""
    if plan.db.exists():
        plan.db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{plan.db}{suffix}").unlink(missing_ok=True)
    base = ["--db", str(plan.db), "--lang", plan.lang]
    work = Path(tempfile.mkdtemp(prefix="a11y-demo-"))
    served = DemoPortals(work)
    steps: list[tuple[str, Callable[[], int], tuple[int, ...]]] = [
        ("行政区划 / administrative areas", lambda: invoke(base + ["areas", "load"]), (0,)),
    ]
    campaign = DemoCampaign(plan, invoke, say, FACILITY_SAMPLES)  # field campaigns through the upload service
    for index, label in enumerate(ROUNDS):
        files = submission_files(label)
        steps.append(
            (
                f"实地检查 {label} / field campaign {label} via the upload service ({len(files)} files)",
                lambda label=label, index=index: (campaign.round_one if index == 0 else campaign.round_two)(label),
                (0,),
            )
        )
        # Exit 2 means a portal crossed a CI threshold: expected for sample portals with known defects.
        steps.append(
            (
                f"政府网站 {label} / government portals {label}",
                lambda label=label, index=index: web_round(invoke, plan, label, index, served),
                (0, 2),
            )
        )
    steps += [
        ("地图 / maps", lambda: invoke(base + ["map", "--out", str(plan.maps / "map-all.html")]), (0,)),
        (
            "地图（长沙）/ map of Changsha",
            lambda: invoke(base + ["map", "--area", "430100", "--out", str(plan.maps / "map-430100.html")]),
            (0,),
        ),
        (
            "进展报告 / progress report",
            lambda: invoke(base + ["report", "--format", "html,pdf,xlsx", "--out", str(plan.reports / "report-hunan")]),
            (0,),
        ),
        (
            "进展报告（长沙）/ report for Changsha",
            lambda: invoke(
                base
                + ["report", "--area", "430100", "--format", "html,xlsx", "--out", str(plan.reports / "report-430100")]
            ),
            (0,),
        ),
    ]
    try:
        for title, step, accepted in steps:
            say(f"==> {title}")
            started = time.monotonic()
            code = step()
            plan.steps.append((title, time.monotonic() - started, code))
            if code not in accepted:
                say(f"失败 / failed: {title} (exit {code})")
                return code
    finally:
        campaign.close()
        served.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0

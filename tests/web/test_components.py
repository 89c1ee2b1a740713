"""Template components (audit.web.axe, audit.web.builtins): a portal's header, menu and footer are audited once
per run and their findings copied to later pages, with the very same report as auditing every page whole."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import audit.web.axe as axe_module
import audit.web.builtins as builtins_module
import audit.web.drivers.playwright as playwright_driver
from audit.cli import cli
from audit.demo.serve import LoopbackServer

pytestmark = pytest.mark.browser

GENERATOR = Path(__file__).resolve().parents[2] / "bench" / "web" / "generate_site.py"
VOLATILE = {"started_at", "finished_at"}


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate_site", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The web benchmark's city portal at its smallest (30 pages; one header, menu and footer on every page), on
    127.0.0.1: enough page kinds for every component to be learnt and then skipped, in half the time of 60."""
    generator = _generator()
    root = tmp_path_factory.mktemp("portal")
    pages = generator.generate(root, size=generator.MIN_PAGES)
    server = LoopbackServer(root)
    generator.write_url_lists(root, pages, server.base)
    yield server, len(pages)
    server.close()


def _stable(value):
    """The report less its clock times, and with the crawl's documents sorted: with 4 tabs at once the order
    pages finish in (which finds which PDF first) differs from run to run, with or without components."""
    if isinstance(value, dict):
        return {k: sorted(v) if k == "documents" else _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _differences(a, b, path=""):
    """Where two reports differ, as paths (readable when the test fails)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {str(a)[:300]} != {str(b)[:300]}"]


def _audit(tmp_path: Path, name: str, home: str, pages: int) -> dict:
    out = tmp_path / name
    args = ["--db", str(tmp_path / f"{name}.db"), "web", home, "--max-pages", str(pages), "--max-depth", "1"]
    args += ["--per-template", "1000", "--delay", "0", "--concurrency", "4", "--timeout", "60"]
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--out", str(out)])
    assert result.exit_code in (0, 2), result.output
    return json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_portal_reads_the_same_with_its_template_audited_once(portal, tmp_path, monkeypatch):
    server, pages = portal
    plans, walks = [], []
    plan = axe_module.component_plan
    known_prefix = builtins_module._known_prefix

    def spy_plan(cache, scope, blocks):
        skip, learn, keys = plan(cache, scope, blocks)
        plans.append((len(skip), len(learn)))
        return skip, learn, keys

    async def spy_walk(*args):
        stops = await known_prefix(*args)
        walks.append(len(stops))
        return stops

    monkeypatch.setattr(axe_module, "component_plan", spy_plan)
    monkeypatch.setattr(builtins_module, "_known_prefix", spy_walk)
    monkeypatch.setattr(playwright_driver, "COMPONENTS", True)
    once = _audit(tmp_path, "once", server.url("index.html"), pages)
    # top bar, header, menu and footer skipped on most pages (learnt once per page kind: its skeleton differs)
    assert len(plans) == pages and sum(1 for skipped, _ in plans if skipped >= 3) >= pages // 2
    assert sum(1 for stops in walks if stops >= 10) >= pages // 2  # the header's Tab stops are not pressed again

    plans.clear()
    walks.clear()
    monkeypatch.setattr(playwright_driver, "COMPONENTS", False)
    whole = _audit(tmp_path, "whole", server.url("index.html"), pages)
    assert plans == [] and walks == []  # every page audited whole

    assert len(once["pages"]) == pages and not once["errors"]
    differences = _differences(_stable(once), _stable(whole))
    assert not differences, "\n".join(differences[:40])  # findings, evidence, selectors, scores: the same report

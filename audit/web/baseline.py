"""Baselines of accepted findings: stable keys per failing instance (check + URL + selector hash)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from audit.model.findings import Finding
from audit.model.vocab import Outcome

BASELINE_VERSION = 1


def selector_hash(selector: Any) -> str:
    text = json.dumps(selector, ensure_ascii=False, sort_keys=True) if selector is not None else ""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def instance_keys(finding: Finding) -> Iterator[dict[str, str]]:
    """One entry per failing instance shown in the evidence (one for the whole finding if none is)."""
    if finding.outcome is not Outcome.FAIL:
        return
    url = finding.subject_key.split(":", 1)[1]
    selectors = [e.get("selector") for e in finding.evidence] or [None]
    for selector in selectors:
        digest = selector_hash(selector)
        yield {"key": f"{finding.check_id}|{url}|{digest}", "check": finding.check_id, "url": url, "selector": digest}


def write_baseline(path: str | Path, findings: Iterable[Finding]) -> int:
    entries = {e["key"]: e for f in findings for e in instance_keys(f)}
    document = {
        "version": BASELINE_VERSION,
        "tool": "a11y-audit",
        "entries": sorted(entries.values(), key=lambda e: e["key"]),
    }
    Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(entries)


def read_baseline(path: str | Path) -> set[str]:
    """The accepted keys; raises ValueError with a readable reason on a malformed file."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise ValueError(f"expected an a11y-audit baseline of version {BASELINE_VERSION}")
    return {e["key"] for e in document.get("entries", []) if isinstance(e, dict) and "key" in e}


def is_new(finding: Finding, accepted: set[str]) -> bool:
    """A failure is new when any of its instances is not in the baseline."""
    return any(e["key"] not in accepted for e in instance_keys(finding))

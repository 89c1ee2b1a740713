"""Baselines of accepted findings: one key per failing or needs-review instance (check + URL + node fingerprint).

A node's fingerprint hashes its selector and markup (audit.web.findings.fingerprint); every instance is
fingerprinted, not only the 20 a finding shows as evidence, so the 34th image without alt is new, not "known".
Version 1 files (keys of the selector hash of shown instances only) are still read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from audit.model.findings import Finding
from audit.model.vocab import Outcome

BASELINE_VERSION = 2
READABLE_VERSIONS = (1, 2)
COUNTED = (Outcome.FAIL, Outcome.REVIEW)


def selector_hash(selector: Any) -> str:
    """Version 1 keys: the selector alone."""
    text = json.dumps(selector, ensure_ascii=False, sort_keys=True) if selector is not None else ""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def fingerprints(finding: Finding) -> list[str]:
    """Every instance's fingerprint: all of them when the finding has more than it shows, else its evidence's."""
    every = finding.extra.get("fingerprints")
    if every:
        return list(every)
    shown = [e.get("fingerprint") or selector_hash(e.get("selector")) for e in finding.evidence]
    return shown or [selector_hash(None)]


def _url(finding: Finding) -> str:
    return finding.subject_key.split(":", 1)[1]


def instance_keys(finding: Finding) -> Iterator[dict[str, str]]:
    """One entry per failing (or needs-review) instance; one for the whole finding if it shows none."""
    if finding.outcome not in COUNTED:
        return
    url = _url(finding)
    for fp in dict.fromkeys(fingerprints(finding)):
        yield {
            "key": f"{finding.check_id}|{url}|{fp}",
            "check": finding.check_id,
            "url": url,
            "fingerprint": fp,
            "outcome": finding.outcome.value,
        }


def known_fingerprints(finding: Finding, accepted: Iterable[str]) -> set[str]:
    """The fingerprints of the finding's instances that the baseline accepts (version 1 keys included)."""
    accepted = accepted if isinstance(accepted, (set, frozenset)) else set(accepted)
    url = _url(finding)
    known = {e["fingerprint"] for e in instance_keys(finding) if e["key"] in accepted}
    for evidence in finding.evidence:  # a version 1 baseline knows shown instances by their selector alone
        fp = evidence.get("fingerprint")
        if fp and f"{finding.check_id}|{url}|{selector_hash(evidence.get('selector'))}" in accepted:
            known.add(fp)
    return known


def instance_states(finding: Finding, accepted: Iterable[str]) -> dict[str, bool]:
    """fingerprint -> True when the baseline knows that instance, for every instance of the finding."""
    known = known_fingerprints(finding, accepted)
    return {fp: fp in known for fp in fingerprints(finding)}


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
    if not isinstance(document, dict) or document.get("version") not in READABLE_VERSIONS:
        raise ValueError(f"expected an a11y-audit baseline of version {BASELINE_VERSION}")
    return {e["key"] for e in document.get("entries", []) if isinstance(e, dict) and "key" in e}


def is_new(finding: Finding, accepted: set[str]) -> bool:
    """A failure is new when any of its instances is not in the baseline."""
    return len(known_fingerprints(finding, accepted)) < len(set(fingerprints(finding)))

"""Ingest speed and storage changes keep every result: the sample rounds, a generated realistic file (15 checks,
GCJ-02, mixed notations) and a re-upload of it with changed rows are ingested, and everything the store gives
back (rounds, subjects, findings, scores, raw rows, snapshots, photos, problem ledger) is compared, section by
section, with a summary recorded on the code before those changes (golden/ingest-summary.json)."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import os
import re
from dataclasses import asdict
from pathlib import Path

from audit.facility.ingest import IngestOptions
from audit.runs.facility import ingest, read_files
from audit.store import open_store
from tests.facility.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden") / "ingest-summary.json"
ROWS = 600
# Times of day and ids the store hands out differ run to run; the summary keeps everything else.
VOLATILE = re.compile(r"^(ingested_at|updated_at|started_at|finished_at|closed_at|at|created_at|stored_at)$")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "facility" / "bench_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _changed(rows: list[list[str]]) -> list[list[str]]:
    """Every seventh row answers one check differently, every eleventh moves a little: a corrected re-upload."""
    out = [rows[0]]
    for n, row in enumerate(rows[1:]):
        row = list(row)
        if n % 7 == 0:
            row[8] = "3" if row[8] != "3" else "4.5"
        if n % 11 == 0:
            row[4] = f"{float(row[4]) + 0.0005:.6f}"
        out.append(row)
    return out


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _clean(value):
    if isinstance(value, dict):
        return {k: ("*" if VOLATILE.match(str(k)) and v else _clean(v)) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _section(items) -> str:
    h = hashlib.sha256()
    for item in items:
        data = asdict(item) if hasattr(item, "__dataclass_fields__") else item
        h.update(json.dumps(_clean(data), sort_keys=True, ensure_ascii=False, default=str).encode() + b"\n")
    return h.hexdigest()


def summary(store) -> dict:
    out = {}
    for round_ in store.rounds("facility"):
        rid = round_.id
        out[f"round {round_.label}"] = {
            "round": _section([{k: v for k, v in asdict(round_).items() if k != "id"}]),
            "findings": _section(store.findings(rid)),
            "scores": _section(sorted(store.scores(rid), key=lambda s: s.subject_key)),
            "submissions": _section(sorted(store.submissions(rid), key=lambda s: s.subject_key)),
            "snapshots": _section(store.snapshots(rid)),
            "counts": [
                sum(1 for _ in store.findings(rid)),
                sum(1 for _ in store.scores(rid)),
                sum(1 for _ in store.submissions(rid)),
            ],
        }
    out["subjects"] = _section(sorted(store.subjects(), key=lambda s: s.key))
    out["photos"] = _section(sorted(store.photos(), key=lambda p: p.safe_name))
    out["problems"] = _section(sorted(store.problems(), key=lambda p: p.id))
    out["problem_events"] = _section(
        sorted(store.problem_events(), key=lambda e: (e.problem_id, e.round_id or 0, e.to_status))
    )
    return out


def run_all(tmp_path: Path, catalog) -> dict:
    store = open_store(tmp_path / "golden.db")
    for label in ("2025q2", "2025q4"):
        files = sorted(p for p in (SAMPLES / f"round-{label}").iterdir() if p.suffix in (".csv", ".xlsx", ".geojson"))
        report = ingest(store, catalog, read_files(files, catalog, IngestOptions()), label, tmp_path / "photos")
        assert report.stored
    rows = _bench().realistic_rows(ROWS)
    first = _write(tmp_path / "toilets.csv", rows)
    assert ingest(store, catalog, read_files([first], catalog, IngestOptions()), "2026q1").stored
    again = _write(tmp_path / "toilets-again.csv", _changed(rows))
    assert ingest(store, catalog, read_files([again], catalog, IngestOptions()), "2026q1").stored
    result = summary(store)
    store.close()
    return result


def test_ingest_results_match_the_golden_summary(tmp_path, catalog):
    found = run_all(tmp_path, catalog)
    if os.environ.get("RECORD_GOLDEN") == "1":  # recorded once, on the code before the speed and storage changes
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert found == json.loads(GOLDEN.read_text(encoding="utf-8"))

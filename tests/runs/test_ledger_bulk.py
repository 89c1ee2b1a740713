"""A large upload reads only the findings that can change the ledger (its fails, and the findings of subjects
with an open problem); the ledger it leaves is the one reading every finding leaves."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from audit.facility.ingest import IngestOptions, read_submission
from audit.model.problems import assign
from audit.runs import ledger
from audit.runs.facility import ingest
from audit.store import open_store
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row

# (label, {facility: door width}): opens, verifies, keeps failing (assigned), reopens, and a stall facility
ROUNDS = [
    ("2025q1", {"T1": "700", "T2": "900", "T3": "700", "T4": "750"}),
    ("2025q1", {"T1": "700", "T2": "700", "T3": "710", "T4": "900"}),  # a re-upload into the same campaign
    ("2025q2", {"T1": "900", "T2": "700", "T3": "720", "T4": "700"}),
    ("2025q3", {"T1": "720", "T2": "900", "T3": "730", "T4": "700"}),
]


def _ledger_after_rounds(path, catalog) -> tuple[list[dict], list[dict]]:
    store = open_store(path)
    try:
        for number, (label, widths) in enumerate(ROUNDS):
            rows = [TOILET_HEADER, *(toilet_row(sid, width=width) for sid, width in widths.items())]
            result = read_submission(csv_bytes(rows), "toilets.csv", catalog, IngestOptions())
            assert not result.errors, result.problems
            assert ingest(store, catalog, [result], label=label).stored
            if number == 0:
                t3 = next(p for p in store.problems() if p.subject_key.endswith(":T3"))
                store.put_problems([assign(t3, "unit-a", "2025-06-30", "official", "2025-04-02T00:00:00+00:00")])
        problems = [_timeless(asdict(p)) for p in store.problems()]
        events = [_timeless(asdict(e)) for p in store.problems() for e in store.problem_events(p.id)]
        return problems, events
    finally:
        store.close()


def _timeless(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("updated_at", "closed_at", "at")}


def test_bulk_ledger_read_leaves_the_same_ledger_as_reading_every_finding(tmp_path, catalog, monkeypatch):
    per_key = _ledger_after_rounds(tmp_path / "per-key.db", catalog)  # 4 facilities: one query per facility
    monkeypatch.setattr(ledger, "PER_KEY_QUERIES", 0)  # now every upload takes the bulk path
    bulk = _ledger_after_rounds(tmp_path / "bulk.db", catalog)
    assert bulk == per_key
    statuses = {p["status"] for p in bulk[0]}
    assert statuses == {"verified", "reopened", "assigned"}, statuses
    assert len(bulk[1]) >= 8


@pytest.mark.parametrize("bulk", [False, True])
def test_an_open_problem_passing_in_a_large_upload_is_verified(tmp_path, catalog, monkeypatch, bulk):
    if bulk:
        monkeypatch.setattr(ledger, "PER_KEY_QUERIES", 0)
    problems, _ = _ledger_after_rounds(tmp_path / "s.db", catalog)
    t1 = next(p for p in problems if p["subject_key"].endswith(":T1"))
    assert t1["status"] == "reopened"  # open, verified by the q2 pass, failing again in q3


def test_ingest_applies_what_it_wrote_and_leaves_the_ledger_reading_back_leaves(tmp_path, catalog, monkeypatch):
    """The upload hands the ledger its fails and its findings on open problems from memory (issue 17 speed);
    the ledger is the one reading the stored findings and snapshots back gives."""
    from audit.runs import facility

    def never(*args, **kwargs):
        raise AssertionError("the ingest's ledger step read the round's findings back")

    with monkeypatch.context() as patched:
        patched.setattr(ledger, "_findings", never)
        held = _ledger_after_rounds(tmp_path / "held.db", catalog)

    def read_back(store, catalog, round_id, keys=None, at=None, changing=None, subjects=None):
        return ledger.update_ledger(store, catalog, round_id, keys, at)

    monkeypatch.setattr(facility, "update_ledger", read_back)
    assert _ledger_after_rounds(tmp_path / "read.db", catalog) == held
    assert {p["status"] for p in held[0]} == {"verified", "reopened", "assigned"}

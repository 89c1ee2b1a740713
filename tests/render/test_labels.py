"""Issue 12: a choice or yes/no value a person reads is a label in their language, never an internal code."""

from __future__ import annotations

from audit.facility.evaluate import evaluate_all
from audit.facility.ingest import IngestOptions, read_submission
from audit.model import Outcome
from audit.render.labels import labelled
from audit.render.map.text import Texts
from audit.render.report.places import value_text
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row


def _door_finding(catalog):
    """A toilet with an inward-opening door, read and evaluated as in a real round."""
    result = read_submission(csv_bytes([TOILET_HEADER, toilet_row(door="内开")]), "t.csv", catalog, IngestOptions())
    [(_, findings)] = list(evaluate_all(result.rows, catalog))
    return next(f for f in findings if f.check_id == "toilet-room-door")


def test_the_map_shows_the_door_and_its_requirement_as_labels(catalog):
    finding = _door_finding(catalog)
    assert finding.outcome is Outcome.FAIL and finding.measured == "inward"  # stored as the code
    zh = Texts(catalog, "zh").measured_vs_required(finding)
    en = Texts(catalog, "en").measured_vs_required(finding)
    assert zh == "实测 内开，要求 推拉 | 外开" and "inward" not in zh and "sliding" not in zh
    assert en == "measured inward, required sliding | outward"


def test_a_report_shows_yes_no_answers_in_the_readers_language(catalog):
    check = next(c for c in catalog.checks.values() if c.checklist == "tactile-paving" and c.answer.get("expect"))
    measured = labelled("no", check.id, catalog, "zh")
    required = labelled({"text": "yes", "verified": False}, check.id, catalog, "zh")
    assert f"{value_text(measured)}（要求 {value_text(required)}）" == "否（要求 是）"
    assert labelled({"value": 900, "text": "900"}, check.id, catalog, "zh") == {"value": 900, "text": "900"}

"""Scoring a stream of findings: subjects with the same answers are scored once, each keeps its own key."""

from audit.model import Finding, Outcome, Severity, score_subject
from audit.runs import score_findings


def _findings(catalog, key: str, fail: str | None = None, severity: Severity | None = None) -> list[Finding]:
    checks = [c.id for c in catalog.checklists["accessible-toilets"].checks]
    return [
        Finding(key, cid, Outcome.FAIL if cid == fail else Outcome.PASS, severity=severity if cid == fail else None)
        for cid in sorted(checks)
    ]


def test_same_answers_give_the_same_score_under_each_subjects_own_key(catalog):
    first = catalog.checklists["accessible-toilets"].checks[0].id
    subjects = {
        "facility:a": _findings(catalog, "facility:a", fail=first),
        "facility:b": _findings(catalog, "facility:b", fail=first),
        "facility:c": _findings(catalog, "facility:c"),
        "facility:d": _findings(catalog, "facility:d", fail=first, severity=Severity.MINOR),
        "facility:e": _findings(catalog, "facility:e", fail=first),
    }
    stream = [f for key in sorted(subjects) for f in subjects[key]]
    scores = list(score_findings(stream, catalog))
    expected = [score_subject(k, subjects[k], catalog.checks, catalog.policy) for k in sorted(subjects)]
    assert scores == expected
    assert [s.subject_key for s in scores] == sorted(subjects)
    assert scores[0].score < scores[2].score == 100.0
    assert scores[3].score != scores[0].score  # the auditor's severity is part of the answers

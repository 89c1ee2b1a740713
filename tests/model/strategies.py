"""Hypothesis strategies for checks, findings and policies."""

from __future__ import annotations

from hypothesis import strategies as st

from audit.model import Check, Finding, Outcome, Severity

severities = st.sampled_from(list(Severity))
outcomes = st.sampled_from(list(Outcome))


@st.composite
def check_and_finding(draw, index: int):
    check = Check(
        id=f"check-{index}", severity=draw(severities), title={"zh": "检查", "en": "check"}, veto=draw(st.booleans())
    )
    outcome = draw(outcomes)
    counted = draw(st.booleans())
    passed = draw(st.integers(0, 500)) if counted else None
    failed = draw(st.integers(0 if outcome is not Outcome.FAIL else 1, 500)) if counted else None
    finding = Finding("s", check.id, outcome, passed=passed, failed=failed, severity=draw(st.none() | severities))
    return check, finding


@st.composite
def subject_findings(draw, min_size: int = 0, max_size: int = 25):
    size = draw(st.integers(min_size, max_size))
    pairs = [draw(check_and_finding(i)) for i in range(size)]
    return {c.id: c for c, _ in pairs}, [f for _, f in pairs]

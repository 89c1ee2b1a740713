"""The pure rules of human review: which verdict counts (own, carried, stale), what it overrides, and MIIT's
100-point evaluation (mandatory items first, the pass line, nothing undecided ever earned)."""

from __future__ import annotations

from audit.model import Check, Clause, Finding, Outcome, Severity
from audit.model.review import (
    CARRIED,
    DECIDED,
    PENDING,
    STALE,
    ElderItem,
    Verdict,
    apply_verdicts,
    elder_evaluation,
    finding_fingerprint,
    resolve,
)

PAGE = "page:https://a.gov.cn/"


def _verdict(round_id: int, outcome=Outcome.FAIL, fingerprint="f1", check="axe-color-contrast") -> Verdict:
    return Verdict(round_id, PAGE, check, outcome, "li", "2026-12-04T08:00:00+00:00", fingerprint, "note")


def test_own_verdict_wins_then_an_unchanged_earlier_one_carries_and_a_changed_one_is_stale():
    assert resolve("f1", None, None).state == PENDING
    assert resolve("f1", _verdict(2), _verdict(1)).state == DECIDED
    carried = resolve("f1", None, _verdict(1))
    assert carried.state == CARRIED and carried.verdict.carried_from == 1
    stale = resolve("f2", None, _verdict(1))
    assert stale.state == STALE and stale.verdict is None and stale.previous.round_id == 1


def test_a_verdict_replaces_review_only_and_adds_manual_criteria():
    review = Finding(PAGE, "axe-color-contrast", Outcome.REVIEW, 0, 0, Severity.SERIOUS, ({"selector": "p"},))
    passed = Finding(PAGE, "axe-image-alt", Outcome.PASS, 3, 0)
    verdicts = {
        (PAGE, "axe-color-contrast"): _verdict(1),
        (PAGE, "axe-image-alt"): _verdict(1, check="axe-image-alt"),  # never overrides what the machine decided
        (PAGE, "manual-wcag-3.2.2"): _verdict(1, Outcome.PASS, check="manual-wcag-3.2.2"),
    }
    merged = {f.check_id: f for f in apply_verdicts([review, passed], verdicts)}
    assert merged["axe-color-contrast"].outcome is Outcome.FAIL
    assert merged["axe-color-contrast"].extra["author"] == "li" and merged["axe-color-contrast"].evidence
    assert (merged["axe-color-contrast"].passed, merged["axe-color-contrast"].failed) == (0, 1)
    assert merged["axe-image-alt"] is passed
    assert merged["manual-wcag-3.2.2"].outcome is Outcome.PASS and merged["manual-wcag-3.2.2"].extra["human"]


def test_fingerprints_follow_what_was_judged():
    a = Finding(PAGE, "x", Outcome.REVIEW, evidence=({"selector": "p", "html": "<p>a</p>", "fingerprint": "1"},))
    b = Finding(PAGE, "x", Outcome.REVIEW, evidence=({"selector": "p", "html": "<p>b</p>", "fingerprint": "2"},))
    blank = Finding("facility:t:430102:1", "door", Outcome.REVIEW, measured=None, note="不确定")
    answered = Finding("facility:t:430102:1", "door", Outcome.REVIEW, measured="约 80 cm", note="")
    assert finding_fingerprint(a) == finding_fingerprint(a) != finding_fingerprint(b)
    assert finding_fingerprint(blank) != finding_fingerprint(answered)


def _item(check_id: str, points: float, outcome, mandatory: bool = False, verified: bool = False) -> ElderItem:
    answer = {"manual": True, "points": points, "mandatory": mandatory}
    check = Check(
        check_id,
        Severity.SERIOUS,
        {"zh": check_id},
        veto=mandatory,
        clauses=(Clause("MIIT", check_id, verified),),
        answer=answer,
    )
    return ElderItem(check, outcome, "manual" if outcome else "")


def test_elder_evaluation_mandatory_items_first_then_the_pass_line():
    items = [_item("ads", 0, Outcome.PASS, mandatory=True), _item("a", 60, Outcome.PASS), _item("b", 40, Outcome.FAIL)]
    result = elder_evaluation(items, 60)
    assert (result.score, result.state) == (60.0, "pass") and set(result.unverified) == {"ads", "a", "b"}
    assert elder_evaluation([*items[1:], _item("c", 10, Outcome.FAIL)], 60).state == "fail"  # 60 of 110: 54.5
    vetoed = elder_evaluation([_item("ads", 0, Outcome.FAIL, mandatory=True), *items[1:]], 60)
    assert vetoed.state == "fail" and vetoed.failed_mandatory == ("ads",) and vetoed.score == 60.0
    # n/a leaves the total; anything undecided is never earned: no score at all
    assert elder_evaluation([*items, _item("na", 20, Outcome.NA)], 60).score == 60.0
    pending = elder_evaluation([*items, _item("open", 10, None)], 60)
    assert pending.state == "insufficient" and pending.score is None and pending.pending == ("open",)

"""Human review's Store methods on both backends: verdicts (replaced per round, history kept), the latest earlier
verdict per (subject, check), captures and signed statements; a `review` verdict is refused."""

from __future__ import annotations

import pytest

from audit.model import Category, Outcome, Subject
from audit.model.review import Verdict
from audit.store.review_sql import ReviewCapture

PAGE = "page:https://www.example.gov.cn/"


def _round(store) -> int:
    store.upsert_subjects([Subject(PAGE, "web-page", Category.INFORMATION, "首页", url=PAGE[5:])])
    return store.begin_round("web").id


def _verdict(round_id: int, outcome: Outcome, author: str, fingerprint: str = "abc", check: str = "manual-wcag-1.3.2"):
    return Verdict(round_id, PAGE, check, outcome, author, f"2026-12-0{round_id}T08:00:00+00:00", fingerprint, "说明")


def test_verdicts_replace_per_round_keep_history_and_the_latest_earlier_one(any_store):
    first, second, third = _round(any_store), _round(any_store), _round(any_store)
    assert not any_store.has_verdicts(third)
    any_store.put_verdicts([_verdict(first, Outcome.FAIL, "li")])
    any_store.put_verdicts([_verdict(first, Outcome.PASS, "wang")])
    any_store.put_verdicts([_verdict(second, Outcome.NA, "zhao", "def")])
    assert [(v.author, v.outcome) for v in any_store.verdicts(first)] == [("wang", Outcome.PASS)]
    assert [v.author for v in any_store.verdict_history(first, PAGE, "manual-wcag-1.3.2")] == ["li", "wang"]
    earlier = any_store.earlier_verdicts(third, [PAGE, "page:other"])
    assert earlier[(PAGE, "manual-wcag-1.3.2")].round_id == second
    assert any_store.earlier_verdicts(second, [PAGE])[(PAGE, "manual-wcag-1.3.2")].author == "wang"
    assert any_store.has_verdicts(first) and any_store.verdicts(first, PAGE)[0].note == "说明"
    with pytest.raises(ValueError):
        any_store.put_verdicts([_verdict(first, Outcome.REVIEW, "li")])


def test_captures_and_signatures(any_store):
    round_id = _round(any_store)
    box = {"p.banner": [8, 88.5, 1264, 56]}
    any_store.put_capture(ReviewCapture(round_id, PAGE, "h1", "2026-12-04T08:00:00+00:00", "a.png", 1280, 900, box))
    any_store.put_capture(ReviewCapture(round_id, PAGE, "h2", "2026-12-04T09:00:00+00:00", "a.png", 1280, 900, box))
    capture = any_store.captures(round_id)[PAGE]
    assert capture.dom_hash == "h2" and capture.boxes == box
    first = any_store.sign_statement(
        round_id, "site:https://www.example.gov.cn", "李四", "2026-12-04", {"remarks": "好"}
    )
    second = any_store.sign_statement(round_id, "site:https://www.example.gov.cn", "王五", "2026-12-05", {})
    signed = any_store.signatures(round_id, "site:https://www.example.gov.cn")
    assert (
        second > first and [s.signer for s in signed] == ["李四", "王五"] and signed[0].statement == {"remarks": "好"}
    )

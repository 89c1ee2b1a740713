"""The report's ledger section, from the problem ledger the stored rounds updated: open problems by age and
severity with overdue first, problems closed this period, in both languages."""

from __future__ import annotations

from datetime import date

from audit.model.problems import assign
from audit.render.report import build_report, render_html, select_rounds
from audit.render.report.ledger import ledger_section
from audit.render.report.text import Text
from audit.runs.ledger import update_ledger

from .conftest import DOOR, T1, T3

TODAY = date(2024, 10, 1)


def _update(rounds):
    for round_ in (rounds.f1, rounds.w1, rounds.f2, rounds.w2):  # what storing each round did
        update_ledger(rounds.store, rounds.catalog, round_.id, at=round_.started_at)


def _ledger_report(rounds, lang="zh"):
    _update(rounds)
    return build_report(rounds.store, rounds.catalog, select_rounds(rounds.store), lang=lang, today=TODAY)


def test_open_problems_overdue_first_and_closed_this_period(rounds):
    store = rounds.store
    _update(rounds)
    open_problems = {(p.subject_key, p.check_id): p for p in store.problems() if not p.is_closed}
    t3_door = open_problems[(T3.key, DOOR)]
    store.put_problems([assign(t3_door, "unit-a", "2024-09-15", "official", "2024-09-02T00:00:00+00:00")])
    text = Text(rounds.catalog.messages, "zh")
    section = ledger_section(store, rounds.catalog.checks, text, None, rounds.f2.started_at, TODAY)
    assert section.open_total == len(open_problems) and section.overdue_total == 1
    assert section.open_rows[0].reference == t3_door.reference and section.open_rows[0].overdue
    assert sum(sum(c.values()) for c in section.ages.values()) == section.open_total
    closed = {r.reference for r in section.closed_rows}
    t1_door = store.problem(next(p.id for p in store.problems() if (p.subject_key, p.check_id) == (T1.key, DOOR)))
    assert t1_door.status == "verified" and t1_door.reference in closed  # failed in f1, passed in f2
    assert section.since == "2024-09-01"


def test_the_section_is_in_the_html_in_both_languages(rounds):
    zh = render_html(_ledger_report(rounds))
    assert 'id="ledger"' in zh and "问题台账" in zh and "本期销号" in zh
    en = render_html(build_report(rounds.store, rounds.catalog, select_rounds(rounds.store), lang="en", today=TODAY))
    assert "Problem ledger: rectification progress" in en and "closed this period" in en

"""Aggregation by administrative area and category, change between rounds, creation indicators."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from audit.model import (
    ALL,
    Category,
    Check,
    Finding,
    Indicator,
    Outcome,
    Severity,
    Subject,
    aggregate,
    area_chain,
    compare,
    evaluate_all,
    score_subject,
)


def scored(key: str, area: str, category: Category, outcomes: list[Outcome], policy):
    checks = {f"c{i}": Check(f"c{i}", Severity.SERIOUS, {"zh": "c", "en": "c"}) for i in range(len(outcomes))}
    findings = [Finding(key, f"c{i}", o) for i, o in enumerate(outcomes)]
    return Subject(key, "toilet", category, key, area), score_subject(key, findings, checks, policy)


def test_area_chain():
    assert area_chain("430102") == ("430000", "430100", "430102")
    assert area_chain("430100") == ("430000", "430100")
    assert area_chain("430000") == ("430000",)


def test_subjects_roll_up_county_city_province(catalog):
    p = catalog.policy
    cells = aggregate(
        [
            scored("a", "430102", Category.TOILETS, [Outcome.PASS, Outcome.PASS], p),  # 100, compliant
            scored("b", "430104", Category.TOILETS, [Outcome.PASS, Outcome.FAIL], p),  # 50, not compliant
            scored("c", "430302", Category.ROADS, [Outcome.FAIL, Outcome.FAIL], p),  # 0
        ]
    )
    changsha = cells[("430100", "toilets")]
    assert (changsha.subjects, changsha.mean_score, changsha.compliance_rate) == (2, 75.0, 0.5)
    province = cells[("430000", ALL)]
    assert province.subjects == 3 and province.mean_score == 50.0 and province.compliant == 1
    assert province.grades == {"A": 1, "D": 2}
    # c1 failed at b and c, c0 only at c: most failed first, each with its count of subjects
    assert province.top_failed == (("c1", 2), ("c0", 1))
    assert changsha.top_failed == (("c1", 1),)
    assert ("430302", "toilets") not in cells


def test_most_failed_checks_are_counted_and_ordered(catalog):
    p = catalog.policy
    cells = aggregate(
        [scored(k, "430102", Category.TOILETS, [Outcome.FAIL, Outcome.PASS], p) for k in "abc"]
        + [scored("d", "430102", Category.TOILETS, [Outcome.PASS, Outcome.FAIL], p)]
    )
    assert cells[("430102", "toilets")].top_failed == (("c0", 3), ("c1", 1))


def test_change_since_previous_round(catalog):
    p = catalog.policy
    before = aggregate([scored("a", "430102", Category.TOILETS, [Outcome.FAIL, Outcome.PASS], p)])
    after = aggregate(
        [
            scored("a", "430102", Category.TOILETS, [Outcome.PASS, Outcome.PASS], p),
            scored("b", "430102", Category.TOILETS, [Outcome.PASS, Outcome.PASS], p),
        ]
    )
    change = compare(after, before)[("430102", "toilets")]
    assert (change.mean_score, change.compliance_rate, change.subjects) == (50.0, 1.0, 1)
    new_cell = compare(after, {})[("430102", "toilets")]
    assert new_cell.mean_score is None


@given(
    st.lists(st.sampled_from(list(Outcome)), min_size=1, max_size=12),
    st.sampled_from(["430102", "430100", "430000", "433122"]),
    st.sampled_from(list(Category)),
)
def test_aggregate_of_one_subject_equals_that_subject(catalog, outcomes, area, category):
    subject, score = scored("only", area, category, outcomes, catalog.policy)
    for code in area_chain(area):
        for cat in (ALL, category.value):
            cell = aggregate([(subject, score)])[(code, cat)]
            assert cell.subjects == 1
            assert cell.mean_score == score.score
            # every subject counts in the rate's denominator, an insufficient one as not compliant
            assert cell.compliance_rate == (1.0 if score.compliant else 0.0)
            assert cell.insufficient == int(score.insufficient)
            assert cell.scored == int(not score.insufficient)


def test_insufficient_subjects_are_counted_apart_and_never_as_compliant(catalog):
    p = catalog.policy
    answered_one = [Outcome.PASS] + [Outcome.REVIEW] * 14  # 1 of 15 answered: scored 100 / A before
    cells = aggregate(
        [
            scored("a", "430102", Category.TOILETS, [Outcome.PASS, Outcome.PASS], p),  # 100, compliant
            scored("b", "430102", Category.TOILETS, [Outcome.PASS, Outcome.FAIL], p),  # 50, not compliant
            scored("thin", "430102", Category.TOILETS, answered_one, p),
        ]
    )
    cell = cells[("430102", "toilets")]
    assert (cell.subjects, cell.scored, cell.insufficient, cell.compliant) == (3, 2, 1, 1)
    assert cell.mean_score == 75.0  # the insufficient subject is not in the mean
    assert cell.compliance_rate == 1 / 3  # ... but it is in the rate's denominator
    assert cell.grades == {"A": 1, "D": 1}


def test_indicators_floor_first_and_points(catalog):
    p = catalog.policy
    cells = aggregate(
        [
            scored("a", "430102", Category.ROADS, [Outcome.PASS], p),
            scored("b", "430102", Category.ROADS, [Outcome.FAIL], p),
            scored("t", "430102", Category.TOILETS, [Outcome.PASS], p),
        ]
    )

    def ind(iid, kind, target, points, category):
        return Indicator.from_mapping(
            {
                "id": iid,
                "dimension": {"zh": "安全便捷", "en": "Safe"},
                "name": {"zh": iid, "en": iid},
                "type": kind,
                "target": target,
                "points": points,
                "measure": {"metric": "compliance_rate", "category": category},
            }
        )

    results = evaluate_all(
        [
            ind("toilets", "guidance", 0.8, 6, "toilets"),
            ind("roads", "floor", 1.0, 5, "roads"),
            ind("guided-roads", "guidance", 0.8, 6, "roads"),
            ind("parking", "floor", 1.0, 5, "parking"),
        ],
        cells,
        "430102",
    )
    by_id = {r.indicator.id: r for r in results}
    assert results[0].indicator.id == "roads"  # the failed floor indicator comes first
    assert (by_id["roads"].value, by_id["roads"].met, by_id["roads"].points) == (0.5, False, 0.0)
    assert (by_id["guided-roads"].met, by_id["guided-roads"].points) == (False, 3.75)
    assert (by_id["toilets"].met, by_id["toilets"].points) == (True, 6.0)
    assert (by_id["parking"].value, by_id["parking"].met, by_id["parking"].points) == (None, None, 0.0)


def test_pages_count_through_their_website_not_one_by_one(catalog):
    p = catalog.policy
    site = scored("site:a", "430100", Category.INFORMATION, [Outcome.PASS], p)
    pages = [scored(f"page:{i}", "430100", Category.INFORMATION, [Outcome.FAIL], p) for i in range(12)]
    pages = [(Subject(s.key, "web-page", s.category, s.name, s.area_code), sc) for s, sc in pages]
    part = scored("facility:x", "430100", Category.INFORMATION, [Outcome.FAIL], p)
    part = (Subject(part[0].key, "toilet", part[0].category, "x", "430100", attributes={"part_of": "site:a"}), part[1])
    cell = aggregate([site, *pages, part])[("430100", "information")]
    assert (cell.subjects, cell.mean_score, cell.compliance_rate) == (1, 100.0, 1.0)

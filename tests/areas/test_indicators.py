"""The city-creation indicators file loads through the catalog, verified rows as read, placeholders marked."""

from __future__ import annotations

from audit.catalog import load_catalog


def test_indicators_load_with_the_catalog():
    indicators = {i.id: i for i in load_catalog().indicators}
    roads_new = indicators["new-road-access-rate"]
    assert (roads_new.kind, roads_new.target, roads_new.points, roads_new.verified) == ("floor", 1.0, 5.0, True)
    assert (roads_new.metric, roads_new.category) == ("compliance_rate", "roads")
    retrofit = indicators["existing-road-retrofit-rate"]
    assert (retrofit.kind, retrofit.target, retrofit.points, retrofit.verified) == ("guidance", 0.8, 6.0, True)
    assert retrofit.name["zh"] == "既有道路无障碍改造达标率"


def test_only_the_two_rows_read_are_verified_and_every_category_is_tracked():
    indicators = load_catalog().indicators
    assert sorted(i.id for i in indicators if i.verified) == ["existing-road-retrofit-rate", "new-road-access-rate"]
    placeholders = {i.category for i in indicators if not i.verified}
    assert placeholders == {"information", "toilets", "buildings", "parking", "scenic"}
    assert {i.dimension["zh"] for i in indicators} <= {"安全便捷", "健康舒适", "多元包容"}

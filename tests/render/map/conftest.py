"""Fixtures of the map tests: a small checklist set and a store with two facility rounds and a web round."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from audit.catalog import load_catalog
from audit.model import Category, Finding, Outcome, Subject
from audit.runs import current_scores
from audit.store import Area, Store

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
EVIL_NAME = '<script>alert("x")</script> 坡子街 "公厕" \'quote\' & <b>bold</b>'


def box(west: float, south: float, east: float, north: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


@pytest.fixture(scope="session")
def map_catalog(tmp_path_factory):
    """The real schema, scoring policy and map messages, with the test-only checklists beside them."""
    root = tmp_path_factory.mktemp("checklists")
    shutil.copytree(REPO / "checklists" / "schema", root / "schema")
    shutil.copy(REPO / "checklists" / "scoring.yaml", root / "scoring.yaml")
    (root / "messages").mkdir()
    for part in ("map", "ledger"):  # the problems layer shows the ledger's severity and status names
        shutil.copy(REPO / "checklists" / "messages" / f"{part}.yaml", root / "messages" / f"{part}.yaml")
    shutil.copytree(HERE / "fixtures" / "checklists" / "facility", root / "facility")
    shutil.copytree(HERE / "fixtures" / "checklists" / "web", root / "web")
    return load_catalog(root)


AREAS = [
    Area("430000", "湖南省", "province"),
    Area("430100", "长沙市", "city", "430000", box(112.90, 28.05, 113.10, 28.30)),
    Area("430102", "芙蓉区", "county", "430100", box(112.98, 28.17, 113.05, 28.23)),
    Area("430103", "天心区", "county", "430100", box(112.95, 28.10, 113.00, 28.17)),
    Area("430104", "岳麓区", "county", "430100", box(112.85, 28.15, 112.95, 28.28)),
]


def _toilet(key: str, name: str, lon: float, lat: float, area: str = "430102", **attributes) -> Subject:
    return Subject(
        f"facility:map-test-toilets:{key}", "toilet", Category.TOILETS, name, area, None, point(lon, lat), attributes
    )


def sample_subjects() -> list[Subject]:
    return [
        _toilet("t1", "五一广场公厕", 113.00, 28.19),
        _toilet("t2", EVIL_NAME, 113.01, 28.20, photos=["t2-door.jpg"]),
        _toilet("t3", "坡子街公厕", 112.97, 28.15, area="430103"),
        _toilet("t4", "黄兴路公厕", 112.99, 28.16, area="430103"),
        Subject(
            "facility:map-test-roads:r1",
            "road-segment",
            Category.ROADS,
            "解放西路（北侧）",
            "430102",
            None,
            {"type": "LineString", "coordinates": [[112.98, 28.19], [113.00, 28.19], [113.02, 28.19]]},
        ),
        Subject(
            "facility:map-test-roads:r2",
            "road-segment",
            Category.ROADS,
            "五一大道",
            "430102",
            None,
            {"type": "LineString", "coordinates": [[112.98, 28.20], [113.03, 28.20]]},
        ),
        Subject(
            "facility:map-test-scenic:s1",
            "scenic-spot",
            Category.SCENIC,
            "橘子洲",
            "430104",
            None,
            point(112.96, 28.19),
        ),
        Subject(
            "circle:juzizhou",
            "service-circle",
            Category.SCENIC,
            "橘子洲旅游无障碍服务圈",
            "430104",
            None,
            box(112.955, 28.17, 112.965, 28.21),
        ),
        Subject("facility:map-test-toilets:nowhere", "toilet", Category.TOILETS, "位置未知的公厕", None),
    ]


def web_subjects() -> list[Subject]:
    return [
        Subject(
            "site:https://www.changsha.gov.cn",
            "website",
            Category.INFORMATION,
            "长沙市人民政府",
            "430100",
            "https://www.changsha.gov.cn/",
        ),
        Subject(
            "site:https://www.furong.gov.cn",
            "website",
            Category.INFORMATION,
            "芙蓉区人民政府",
            "430102",
            "https://www.furong.gov.cn/",
        ),
    ]


def _all_pass(key: str, checks: list[str]) -> list[Finding]:
    return [Finding(key, c, Outcome.PASS) for c in checks]


TOILET_CHECKS = ["map-test-door-width", "map-test-grab-bars", "map-test-sign"]


def facility_findings(round_no: int) -> list[Finding]:
    t = "facility:map-test-toilets:"
    findings = _all_pass(t + "t1", TOILET_CHECKS)
    findings += [  # t2: door too narrow (critical) -> D, with a photo and measured vs required
        Finding(
            t + "t2",
            "map-test-door-width",
            Outcome.FAIL,
            measured={"value": 700, "text": "700 mm"},
            required="≥ 800 mm",
            evidence=({"photo": "t2-door-narrow.jpg", "row": 3},),
        ),
        Finding(t + "t2", "map-test-grab-bars", Outcome.FAIL, measured="无", required="有"),
        Finding(t + "t2", "map-test-sign", Outcome.PASS),
    ]
    if round_no == 1:  # t3 lacks grab bars in round 1 (C), fixed in round 2 (A)
        findings += [
            Finding(t + "t3", "map-test-door-width", Outcome.PASS),
            Finding(t + "t3", "map-test-grab-bars", Outcome.FAIL, measured="无", required="有"),
            Finding(t + "t3", "map-test-sign", Outcome.PASS),
        ]
    else:
        findings += _all_pass(t + "t3", TOILET_CHECKS)
    findings += [  # t4: some grab bars missing -> B
        Finding(t + "t4", "map-test-door-width", Outcome.PASS),
        Finding(t + "t4", "map-test-grab-bars", Outcome.FAIL, passed=3, failed=1),
        Finding(t + "t4", "map-test-sign", Outcome.PASS),
    ]
    gap = {"type": "LineString", "coordinates": [[112.995, 28.19], [113.005, 28.19]]}
    findings += [
        Finding(
            "facility:map-test-roads:r1",
            "map-test-tactile-continuous",
            Outcome.FAIL,
            passed=0,
            failed=1,
            measured="中断 45 m",
            required="连续",
            evidence=(
                {"geometry": gap, "position_m": 1470, "length_m": 45},
                {"geometry": point(113.015, 28.19), "position_m": 3400},
            ),
        ),
        Finding("facility:map-test-roads:r2", "map-test-tactile-continuous", Outcome.PASS),
        Finding("facility:map-test-scenic:s1", "map-test-route", Outcome.PASS),
        Finding(
            "circle:juzizhou",
            "map-test-route",
            Outcome.FAIL,
            passed=2,
            failed=1,
            measured="2/3",
            required="≤ 300 m",
            evidence=({"geometry": point(112.96, 28.205), "where": "橘子洲头", "reason": "missing"},),
        ),
        Finding("facility:map-test-toilets:nowhere", "map-test-door-width", Outcome.REVIEW),
    ]
    return findings


def web_findings() -> list[Finding]:
    return [
        Finding("site:https://www.changsha.gov.cn", "map-test-image-alt", Outcome.PASS),
        Finding("site:https://www.changsha.gov.cn", "map-test-contrast", Outcome.PASS),
        Finding(
            "site:https://www.furong.gov.cn", "map-test-image-alt", Outcome.FAIL, passed=10, failed=2, severity=None
        ),
        Finding("site:https://www.furong.gov.cn", "map-test-contrast", Outcome.PASS),
    ]


@dataclass
class Sample:
    store: Store
    facility_rounds: list[int]
    web_round: int


def fill_sample(store: Store, catalog) -> Sample:
    """Two facility rounds (a month apart) and one web round, scored through audit.runs."""
    store.put_areas(AREAS)
    store.upsert_subjects(sample_subjects() + web_subjects())
    rounds = []
    for number, date in ((1, "2024-04-01T09:00:00+08:00"), (2, "2024-05-06T09:00:00+08:00")):
        r = store.begin_round("facility", label=f"sample {number}", started_at=date)
        store.add_findings(r.id, facility_findings(number))
        store.finish_round(r.id)
        current_scores(store, catalog, r.id)
        rounds.append(r.id)
    w = store.begin_round("web", label="portals", started_at="2024-05-07T09:00:00+08:00")
    store.add_findings(w.id, web_findings())
    store.finish_round(w.id)
    current_scores(store, catalog, w.id)
    return Sample(store, rounds, w.id)


@pytest.fixture
def sample(store, map_catalog) -> Sample:
    return fill_sample(store, map_catalog)

"""Two (three) stored rounds of hand-made data, with a checklist folder of their own, for the report tests.

The expected numbers in the tests are worked out by hand from the data here (weights 10/7/3/1):
toilet door (serious) failed alone -> 10/17 = 58.82; grab bar (critical, veto) failed alone -> 7/17 = 41.18.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from audit.catalog import load_catalog
from audit.model import Category, Finding, Outcome, Severity, Subject
from audit.runs import score_round
from audit.store import Area, Round

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent
SCRIPT_NAME = "<script>alert('x')</script>雨湖公园公厕"
FORMULA_NAME = '=HYPERLINK("http://127.0.0.1/x","点我")'

TOILETS = """
id: test-toilets
version: 1
domain: facility
category: toilets
subject_kind: toilet
title: {zh: 公共厕所（测试）, en: Public toilets (test)}
fields:
  - {id: door_width, label: {zh: 门宽, en: Door width}, kind: number, unit: mm}
  - {id: grab_bar, label: {zh: 安全抓杆, en: Grab bar}, kind: yesno}
checks:
  - id: toilet-door-width
    title: {zh: 无障碍厕位门净宽, en: Clear width of the accessible stall door}
    severity: serious
    clauses: [{standard: GB 55019-2021, clause: "3.6.2"}]
    answer: {field: door_width, min: 800, unit: mm}
  - id: toilet-grab-bar
    title: {zh: 安全抓杆, en: Grab bars}
    severity: critical
    veto: true
    clauses: [{standard: GB 50763-2012, clause: "3.9.3", verified: false}]
    answer: {field: grab_bar, expect: "yes", threshold_verified: false}
"""

ROADS = """
id: test-roads
version: 1
domain: facility
category: roads
subject_kind: road-crossing
title: {zh: 缘石坡道（测试）, en: Curb ramps (test)}
fields:
  - {id: slope, label: {zh: 坡度, en: Slope}, kind: slope}
checks:
  - id: curb-ramp-slope
    title: {zh: 缘石坡道坡度, en: Curb ramp slope}
    severity: serious
    clauses: [{standard: GB 55019-2021, clause: "2.3.2"}]
    answer: {field: slope, max: "1:12"}
"""

WEB = """
id: test-web
version: 1
domain: web
category: information
title: {zh: 网页（测试）, en: Web pages (test)}
checks:
  - id: image-alt
    title: {zh: 图片替代文本, en: Images have alternative text}
    severity: critical
    clauses: [{standard: WCAG 2.1, clause: "1.1.1"}]
    answer: {axe: [image-alt]}
  - id: color-contrast
    title: {zh: 文字对比度, en: Text contrast}
    severity: serious
    clauses: [{standard: WCAG 2.1, clause: "1.4.3"}]
    answer: {axe: [color-contrast]}
"""

INDICATORS = """
scheme: {zh: 测试指标, en: Test indicators}
indicators:
  - id: road-rate
    dimension: {zh: 安全便捷, en: Safe and convenient}
    name: {zh: 既有道路无障碍改造达标率, en: Retrofitted roads meeting the rules}
    type: guidance
    target: 0.8
    points: 6
    measure: {metric: compliance_rate, category: roads}
  - id: info-mean
    dimension: {zh: 多元包容, en: Inclusive}
    name: {zh: 政府网站无障碍平均分, en: Mean score of government portals}
    type: guidance
    target: 0.5
    points: 4
    verified: false
    measure: {metric: mean_score, category: information}
  - id: parking-rate
    dimension: {zh: 安全便捷, en: Safe and convenient}
    name: {zh: 无障碍停车位达标率, en: Accessible parking meeting the rules}
    type: floor
    target: 1.0
    points: 5
    measure: {metric: compliance_rate, category: parking}
  - id: toilet-rate
    dimension: {zh: 健康舒适, en: Healthy and comfortable}
    name: {zh: 公共厕所无障碍达标率, en: Public toilets meeting the rules}
    type: floor
    target: 1.0
    points: 5
    measure: {metric: compliance_rate, category: toilets}
"""

AREAS = [
    Area("430000", "湖南省", "province"),
    Area("430100", "长沙市", "city", "430000"),
    Area("430102", "芙蓉区", "county", "430100"),
    Area("430300", "湘潭市", "city", "430000"),
    Area("430302", "雨湖区", "county", "430300"),
]


@pytest.fixture(scope="session")
def report_root(tmp_path_factory) -> Path:
    """A checklist folder: the repository's schema, scoring policy and messages, plus the test checklists above."""
    root = tmp_path_factory.mktemp("checklists")
    shutil.copytree(REPO / "checklists" / "schema", root / "schema")
    shutil.copytree(REPO / "checklists" / "messages", root / "messages")
    shutil.copy(REPO / "checklists" / "scoring.yaml", root / "scoring.yaml")
    for folder, name, text in (
        ("facility", "toilets", TOILETS),
        ("facility", "roads", ROADS),
        ("web", "web", WEB),
        ("creation", "indicators", INDICATORS),
    ):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def report_catalog(report_root):
    return load_catalog(report_root)


def _toilet(n: int, name: str, area: str, lon: float, lat: float) -> Subject:
    return Subject(
        f"facility:test-toilets:t{n}",
        "toilet",
        Category.TOILETS,
        name,
        area,
        geometry={"type": "Point", "coordinates": [lon, lat]},
        attributes={"submission_id": f"t{n}"},
    )


def _road(n: int, name: str, area: str) -> Subject:
    return Subject(
        f"facility:test-roads:r{n}",
        "road-crossing",
        Category.ROADS,
        name,
        area,
        geometry={"type": "Point", "coordinates": [112.98 + n / 100, 28.19]},
        attributes={"address": f"五一大道 {n} 号路口"},
    )


def _site(origin: str, name: str, area: str) -> Subject:
    return Subject(f"site:{origin}", "website", Category.INFORMATION, name, area, url=origin)


T1 = _toilet(1, "火车站公厕", "430102", 113.01, 28.19)
T2 = _toilet(2, "五一广场公厕", "430102", 112.98, 28.20)
T3 = _toilet(3, SCRIPT_NAME, "430302", 112.90, 27.87)
T4 = _toilet(4, "东门厕所", "430102", 112.99, 28.21)
R1 = _road(1, "五一大道与黄兴路口", "430102")
R2 = _road(2, FORMULA_NAME, "430102")
S1 = _site("https://www.changsha.gov.cn", "长沙市人民政府", "430100")
S2 = _site("https://www.xiangtan.gov.cn", "湘潭市人民政府", "430300")
DOOR, GRAB, CURB, ALT, CONTRAST = (
    "toilet-door-width",
    "toilet-grab-bar",
    "curb-ramp-slope",
    "image-alt",
    "color-contrast",
)

PASS, FAIL = Outcome.PASS, Outcome.FAIL


def door(subject: Subject, outcome: Outcome, mm: int = 900) -> Finding:
    return Finding(subject.key, DOOR, outcome, measured={"value": mm, "text": f"{mm} mm"}, required="≥ 800 mm")


def grab(subject: Subject, outcome: Outcome, photo: str | None = None) -> Finding:
    evidence = ({"photo": photo},) if photo else ()
    return Finding(
        subject.key, GRAB, outcome, measured="无" if outcome is FAIL else "有", required="有", evidence=evidence
    )


def curb(subject: Subject, outcome: Outcome) -> Finding:
    return Finding(subject.key, CURB, outcome, measured="1:8" if outcome is FAIL else "1:13", required="≤ 1:12")


def web(
    subject: Subject, check: str, outcome: Outcome, passed: int | None = None, failed: int | None = None
) -> Finding:
    severity = Severity.CRITICAL if check == ALT else Severity.SERIOUS
    return Finding(subject.key, check, outcome, passed=passed, failed=failed, severity=severity)


@dataclass
class Rounds:
    store: object
    catalog: object
    f0: Round
    f1: Round
    f2: Round
    w1: Round
    w2: Round
    running: Round


def _round(store, catalog, kind, label, started, findings, status="complete") -> Round:
    r = store.begin_round(kind, label=label, started_at=started)
    store.add_findings(r.id, findings)
    r = store.finish_round(r.id, status=status, finished_at=started) if status else r
    score_round(store, catalog, r.id)
    return r


@pytest.fixture
def rounds(store, report_catalog) -> Rounds:
    """Facility rounds f0 < f1 < f2 (and a running f3), web rounds w1 < w2, all written through the store API."""
    store.put_areas(AREAS)
    store.upsert_subjects([T1, T2, T3, T4, R1, R2, S1, S2])
    c = report_catalog
    f0 = _round(
        store,
        c,
        "facility",
        "2023-autumn",
        "2023-09-01T09:00:00+00:00",
        [door(T2, PASS), grab(T2, PASS), curb(R1, FAIL)],
    )
    f1 = _round(
        store,
        c,
        "facility",
        "2024-spring",
        "2024-03-01T09:00:00+00:00",
        [
            door(T1, FAIL, 700),
            grab(T1, PASS),
            door(T2, PASS),
            grab(T2, FAIL, "t2-grab.jpg"),
            door(T3, PASS),
            grab(T3, PASS),
            curb(R1, FAIL),
        ],
    )
    w1 = _round(
        store,
        c,
        "web",
        "2024-spring",
        "2024-03-02T09:00:00+00:00",
        [web(S1, ALT, FAIL, passed=8, failed=2), web(S1, CONTRAST, PASS)],
    )
    f2 = _round(
        store,
        c,
        "facility",
        "2024-autumn",
        "2024-09-01T09:00:00+00:00",
        [
            door(T1, PASS),
            grab(T1, PASS),
            door(T2, PASS),
            grab(T2, FAIL, "t2-grab-2.jpg"),
            door(T3, FAIL, 750),
            grab(T3, PASS),
            door(T4, PASS),
            grab(T4, PASS),
            curb(R1, FAIL),
            curb(R2, PASS),
        ],
    )
    w2 = _round(
        store,
        c,
        "web",
        "2024-autumn",
        "2024-09-02T09:00:00+00:00",
        [web(S1, ALT, PASS), web(S1, CONTRAST, PASS), web(S2, ALT, FAIL), web(S2, CONTRAST, FAIL)],
    )
    running = _round(store, c, "facility", "2025-spring", "2025-03-01T09:00:00+00:00", [door(T1, FAIL)], status=None)
    return Rounds(store, c, f0, f1, f2, w1, w2, running)

"""The circle step through the real CLI: a facility ingest stores the circles, the map and the report read them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.catalog import load_catalog
from audit.cli import cli
from audit.model.vocab import Outcome
from audit.render.map.payload import RECORD_FIELDS
from audit.render.report import build_report, select_rounds
from audit.store import open_store
from tests.render.map.helpers import payload_of

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "facility" / "round-2025q4"
SCENIC = SAMPLES / "wulingyuan-mangshan-scenic-kobo.csv"
PARKING = SAMPLES / "parking-gbk.csv"
MANGSHAN_MET = {  # MS-S01 entrance, MS-P01 parking, MS-S02 viewing platform, MS-S03 rest point: all compliant
    "circle-accessible-entrance",
    "circle-accessible-parking",
    "circle-accessible-route",
    "circle-rest-point",
}


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def ingested(tmp_path):
    db = str(tmp_path / "a.db")
    invoke("--db", db, "facility", "ingest", str(SCENIC), str(PARKING), "--round", "2025q4")
    store = open_store(db)
    yield db, store, store.latest_round("facility")
    store.close()


def test_an_ingest_stores_the_circles_of_its_facilities_with_one_finding_per_service(ingested):
    _, store, round_ = ingested
    findings = list(store.findings(round_.id, prefix="circle:"))
    # Shaoshan has no facility in these two files but its parking (SS-P01): it is assessed too.
    assert {f.subject_key for f in findings} == {"circle:mangshan", "circle:shaoshan", "circle:wulingyuan"}
    mangshan = {f.check_id: f for f in findings if f.subject_key == "circle:mangshan"}
    assert len(mangshan) == 7
    assert {c for c, f in mangshan.items() if f.outcome is Outcome.PASS} == MANGSHAN_MET
    assert [e["key"] for e in mangshan["circle-rest-point"].evidence] == ["facility:scenic-spots:431022:MS-S03"]
    assert mangshan["circle-accessible-toilet"].evidence == ()
    subject = store.get_subject("circle:mangshan")
    assert (subject.kind, subject.category.value, subject.area_code) == ("service-circle", "scenic", "431022")
    assert subject.geometry["type"] == "Polygon"
    scores = {s.subject_key: s for s in store.scores(round_.id)}
    assert scores["circle:mangshan"].state == "graded"
    assert set(scores["circle:mangshan"].failed_checks) == {
        "circle-accessible-toilet",
        "circle-signage",
        "circle-visitor-centre",
    }
    scenic = store.get_subject("facility:scenic-spots:431022:MS-S03")
    assert scenic.attributes["spot_type"] == "rest-point"  # what lets rest points serve a circle


def test_a_second_upload_to_the_campaign_recomputes_the_circles(ingested, tmp_path):
    db, _, round_ = ingested
    # a sample toilet moved into Mangshan's circle under a new 编号 (columns 编号, …, 经度, 纬度, 坐标系)
    header, first = (SAMPLES / "changsha-toilets.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    row = first.split(",")
    row[0], row[1], row[4], row[5], row[6] = "MS-T01", "莽山五指峰无障碍厕所", "112.990", "24.958", "wgs84"
    toilets = tmp_path / "mangshan-toilet.csv"
    toilets.write_text(f"{header}\n{','.join(row)}\n", encoding="utf-8")
    invoke("--db", db, "facility", "ingest", str(toilets), "--round", "2025q4")
    again = open_store(db)
    try:
        assert again.latest_round("facility").id == round_.id
        toilet = next(
            f for f in again.findings(round_.id, "circle:mangshan") if f.check_id == "circle-accessible-toilet"
        )
        assert [e["key"].rsplit(":", 1)[-1] for e in toilet.evidence] == ["MS-T01"]
        assert len([f for f in again.findings(round_.id, "circle:mangshan")]) == 7
    finally:
        again.close()


def test_the_map_draws_the_circles_with_their_missing_services(ingested, tmp_path):
    db, _, _ = ingested
    out = tmp_path / "map.html"
    invoke("--db", db, "--lang", "en", "map", "--out", str(out), "--tiles", "none")
    payload = payload_of(out.read_text(encoding="utf-8"))
    circles = payload["circles"]["items"]
    assert len(circles) == 3
    name, failed = RECORD_FIELDS.index("name"), RECORD_FIELDS.index("failed")
    mangshan = next(r for r in circles if r[name] == "莽山国家森林公园无障碍旅游服务圈")
    missing = {payload["checks"][check][0] for check, _ in mangshan[failed]}
    catalog = load_catalog()
    assert missing == {
        catalog.checks[c].title["en"] for c in ("circle-accessible-toilet", "circle-signage", "circle-visitor-centre")
    }


def test_the_report_lists_circles_like_other_subjects(ingested):
    _, store, _ = ingested
    catalog = load_catalog()
    report = build_report(store, catalog, select_rounds(store), area="431000", lang="en")
    (circle,) = report.circles
    assert circle.key == "circle:mangshan" and circle.coverage == pytest.approx(4 / 7)
    assert "approximate area" in circle.name
    assert sorted(g.where for g in circle.gaps) == ["none in the circle"] * 3
    assert any("accessible toilet" in g.item and "[unverified]" in g.item for g in circle.gaps)
    # like any subject: counted in the scenic category and listed for rectification
    scenic = next(row for row in report.categories if row.category == "scenic")
    assert scenic.subjects == 4  # MS-S01..03 and the circle; MS-P01 is parking
    rectify = {r.check_id for r in report.rectification if r.subject_key == "circle:mangshan"}
    assert rectify == {"circle-accessible-toilet", "circle-signage", "circle-visitor-centre"}
    assert build_report(store, catalog, select_rounds(store), area="430100").circles == []


def test_rescoring_a_round_assesses_its_circles_again(ingested):
    db, store, round_ = ingested
    before = {(f.subject_key, f.check_id): f.outcome for f in store.findings(round_.id, prefix="circle:")}
    for key in {key for key, _ in before}:
        store.replace_findings(round_.id, key, [])  # as if the circle step had never run for this round
    assert list(store.findings(round_.id, prefix="circle:")) == []
    invoke("--db", db, "rounds", "rescore", str(round_.id))
    after = {(f.subject_key, f.check_id): f.outcome for f in store.findings(round_.id, prefix="circle:")}
    assert after == before and len(after) == 21  # three circles, seven services each

"""Ingest -> findings -> scores -> store, on the sample rounds; bad uploads leave the store untouched."""

import json
import sqlite3

from click.testing import CliRunner

from audit.cli import cli
from audit.facility.ingest import IngestOptions
from audit.runs.facility import ingest, read_files
from audit.store import open_store
from tests.facility.conftest import SAMPLES, TOILET_HEADER, csv_bytes, toilet_row

EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def sample_files(label):
    return sorted(p for p in (SAMPLES / f"round-{label}").iterdir() if p.suffix in (".csv", ".xlsx", ".geojson"))


def failed_by_subject(store, round_id):
    """Failed checks per facility; the round's service circles are judged in tests/circles."""
    failed = {}
    for f in store.findings(round_id):
        if not f.subject_key.startswith("facility:"):
            continue
        failed.setdefault(f.subject_key, set())
        if f.outcome.value == "fail":
            failed[f.subject_key].add(f.check_id)
    return failed


def test_both_sample_rounds_store_the_known_defects_and_scores(tmp_path, catalog):
    store = open_store(tmp_path / "s.db")
    rounds = {}
    for label in ("2025q2", "2025q4"):
        results = read_files(sample_files(label), catalog, IngestOptions())
        assert not [p for r in results for p in r.errors]
        report = ingest(store, catalog, results, label, tmp_path / "photos")
        assert report.stored and report.subjects == len(EXPECTED[label])
        rounds[label] = report.round
        failed = failed_by_subject(store, report.round.id)
        assert {k: sorted(v) for k, v in failed.items()} == EXPECTED[label]
    assert store.latest_round("facility", before=rounds["2025q4"].id).id == rounds["2025q2"].id
    scores = {s.subject_key: s for s in store.scores(rounds["2025q2"].id, catalog.policy.version)}
    assert len([k for k in scores if k.startswith("facility:")]) == len(EXPECTED["2025q2"])
    assert {k for k in scores if k.startswith("circle:")} == {"circle:mangshan", "circle:shaoshan", "circle:wulingyuan"}
    assert scores["facility:accessible-toilets:430103:CS-T02"].compliant is False  # inward-opening door: veto
    assert "toilet-room-door" in scores["facility:accessible-toilets:430103:CS-T02"].blocking_checks
    later = {s.subject_key: s for s in store.scores(rounds["2025q4"].id, catalog.policy.version)}
    assert later["facility:accessible-toilets:430103:CS-T02"].compliant is True
    subjects = {s.key: s for s in store.subjects()}
    assert subjects["facility:scenic-spots:431022:MS-S01"].area_code == "431022"  # Yizhang (Mangshan)
    assert subjects["facility:scenic-spots:430382:SS-S02"].area_code == "430382"  # Shaoshan
    assert subjects["facility:scenic-spots:430811:WL-S01"].area_code == "430811"  # Wulingyuan
    assert subjects["facility:accessible-toilets:430102:CS-T01"].attributes["coord_system_in"] == "gcj02"
    photos = list((tmp_path / "photos").iterdir())
    assert photos and all(not p.name.startswith("CS-") for p in photos)
    assert {p.safe_name for p in store.photos()} == {p.name for p in photos}
    raw = {r.subject_key: r for r in store.submissions(rounds["2025q2"].id)}
    assert (
        set(raw) == set(EXPECTED["2025q2"])
        and raw["facility:accessible-toilets:430102:CS-T01"].coord_system_in == "gcj02"
    )
    store.close()


def test_reupload_updates_and_never_duplicates(tmp_path, catalog):
    store = open_store(tmp_path / "s.db")
    folder = tmp_path / "up"
    folder.mkdir()
    path = folder / "t.csv"
    path.write_bytes(csv_bytes([TOILET_HEADER, toilet_row("T1", door="内开")]))
    ingest(store, catalog, read_files([path], catalog, IngestOptions()), "2025q2")
    path.write_bytes(csv_bytes([TOILET_HEADER, toilet_row("T1", door="推拉")]))
    report = ingest(store, catalog, read_files([path], catalog, IngestOptions()), "2025q2")
    assert len(store.rounds("facility")) == 1
    assert [s.key for s in store.subjects()] == ["facility:accessible-toilets:430102:T1"]
    door = next(f for f in store.findings(report.round.id) if f.check_id == "toilet-room-door")
    assert door.outcome.value == "pass"
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("SELECT count(*) FROM facility_submissions").fetchone()[0] == 1
    store.close()


def test_bad_files_leave_the_store_untouched(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([TOILET_HEADER, toilet_row("T1")]))
    bad_files = {
        "formula.csv": csv_bytes([TOILET_HEADER, toilet_row("T2", width='=HYPERLINK("http://x","y")')]),
        "empty.csv": b"",
        "cut.xlsx": b"PK\x03\x04" + b"\x00" * 50,
        "garbage.csv": bytes(range(256)) * 10,
    }
    db = tmp_path / "s.db"
    runner = CliRunner()
    for name, data in bad_files.items():
        bad = tmp_path / name
        bad.write_bytes(data)
        outcome = runner.invoke(cli, ["--db", str(db), "facility", "ingest", str(good), str(bad)])
        assert outcome.exit_code == 1, outcome.output
        assert "Traceback" not in outcome.output
        store = open_store(db)
        assert list(store.subjects()) == [] and store.rounds() == []
        store.close()
    wrong = runner.invoke(cli, ["--db", str(db), "facility", "ingest", "--checklist", "curb-ramps", str(good)])
    assert wrong.exit_code == 1 and "accessible-toilets" in wrong.output


def test_cli_ingest_and_messages_in_english(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(csv_bytes([TOILET_HEADER, toilet_row("T1"), toilet_row("T2", area="big")]))
    runner = CliRunner()
    outcome = runner.invoke(
        cli,
        [
            "--db",
            str(tmp_path / "s.db"),
            "facility",
            "ingest",
            "--partial",
            "--lang",
            "en",
            "--round",
            "2025q3",
            str(path),
        ],
    )
    assert outcome.exit_code == 1  # stored the good row, but the file had an error
    assert 'row 3, column "无障碍厕所面积": expected a number' in outcome.output
    assert "stored in round 1 (2025q3): 1 facilities" in outcome.output

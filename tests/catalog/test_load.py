"""Loading checklists: the bundled data is valid; malformed data is reported by file and item."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.catalog import ChecklistError, load_catalog
from audit.cli import cli
from audit.model import Severity

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
id: sample-ramps
version: 1
domain: facility
category: buildings
subject_kind: ramp
title: {zh: 轮椅坡道, en: Wheelchair ramps}
fields:
  - {id: slope, label: {zh: 坡度, en: Slope}, kind: slope}
  - {id: rise, label: {zh: 高差, en: Rise}, kind: number, unit: mm}
checks:
  - id: sample-ramp-slope
    title: {zh: 坡度不大于1:12, en: Slope at most 1:12}
    severity: serious
    clauses: [{standard: GB 55019-2021, clause: "2.3.1"}]
    answer: {field: slope, max: "1:12"}
"""


def make_root(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "checklists"
    shutil.copytree(REPO / "checklists" / "schema", root / "schema")
    shutil.copy(REPO / "checklists" / "scoring.yaml", root / "scoring.yaml")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def problems_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ChecklistError) as caught:
        load_catalog(make_root(tmp_path, {"facility/sample.yaml": text}))
    return str(caught.value)


def test_bundled_checklists_are_valid(catalog):
    assert catalog.policy.weights[Severity.CRITICAL] == 10
    assert {c.domain for c in catalog.checklists.values()} <= {"web", "facility", "circle"}
    for check in catalog.checks.values():
        assert check.title["zh"] and check.title["en"], check.id


def test_a_good_checklist_loads_into_checks(tmp_path):
    catalog = load_catalog(make_root(tmp_path, {"facility/sample.yaml": GOOD}))
    check = catalog.checks["sample-ramp-slope"]
    assert check.severity is Severity.SERIOUS and check.checklist == "sample-ramps"
    assert check.clauses[0].label() == "GB 55019-2021 2.3.1"
    assert catalog.checklists["sample-ramps"].field("rise").unit == "mm"


def test_bad_severity_names_file_item_and_allowed_values(tmp_path):
    message = problems_for(tmp_path, GOOD.replace("severity: serious", "severity: urgent"))
    assert "checklists/facility/sample.yaml" in message
    assert "checks[0] (id sample-ramp-slope) > severity" in message
    assert "'urgent' is not one of" in message


def test_every_problem_is_reported_at_once(tmp_path):
    bad = GOOD.replace("severity: serious", "severity: urgent").replace("id: sample-ramp-slope", "id: Sample_Ramp")
    message = problems_for(tmp_path, bad)
    assert "severity" in message and "Sample_Ramp" in message


def test_missing_english_title_is_named(tmp_path):
    message = problems_for(
        tmp_path, GOOD.replace("{zh: 坡度不大于1:12, en: Slope at most 1:12}", "{zh: 坡度不大于1:12}")
    )
    assert "checks[0] (id sample-ramp-slope) > title: 'en' is a required property" in message


def test_answer_must_name_a_declared_field(tmp_path):
    message = problems_for(tmp_path, GOOD.replace("answer: {field: slope,", "answer: {field: gradient,"))
    assert "checks[0] (id sample-ramp-slope) > answer > field: no field 'gradient'" in message


def test_facility_answer_needs_a_threshold(tmp_path):
    message = problems_for(tmp_path, GOOD.replace('answer: {field: slope, max: "1:12"}', "answer: {field: slope}"))
    assert "checks[0] (id sample-ramp-slope) > answer" in message


def test_duplicate_check_ids_across_files(tmp_path):
    other = GOOD.replace("id: sample-ramps", "id: other-ramps")
    with pytest.raises(ChecklistError) as caught:
        load_catalog(make_root(tmp_path, {"facility/a.yaml": GOOD, "facility/b.yaml": other}))
    assert "facility/b.yaml" in str(caught.value) and "'sample-ramp-slope' is already used in" in str(caught.value)


def test_yaml_syntax_error_gives_line(tmp_path):
    message = problems_for(tmp_path, GOOD.replace("checks:\n", "checks:\n  - id: [unclosed\n"))
    assert "sample.yaml" in message and "line " in message


def test_scoring_policy_must_cover_every_severity(tmp_path):
    root = make_root(tmp_path, {"facility/sample.yaml": GOOD})
    (root / "scoring.yaml").write_text((root / "scoring.yaml").read_text().replace("  minor: 1\n", ""))
    with pytest.raises(ChecklistError) as caught:
        load_catalog(root)
    assert "scoring.yaml" in str(caught.value) and "'minor' is a required property" in str(caught.value)


def test_cli_validate_reports_file_and_item_and_exits_1(tmp_path):
    root = make_root(tmp_path, {"facility/sample.yaml": GOOD.replace("severity: serious", "severity: urgent")})
    result = CliRunner().invoke(cli, ["checklists", "validate", str(root)])
    assert result.exit_code == 1
    assert "sample.yaml" in result.output and "severity" in result.output


def test_cli_list_and_show(tmp_path):
    root = make_root(tmp_path, {"facility/sample.yaml": GOOD})
    listed = CliRunner().invoke(cli, ["--checklists", str(root), "checklists", "list"])
    assert listed.exit_code == 0 and "sample-ramps" in listed.output and "轮椅坡道" in listed.output
    shown = CliRunner().invoke(cli, ["--checklists", str(root), "--lang", "en", "checklists", "show", "sample-ramps"])
    assert shown.exit_code == 0 and "Slope at most 1:12" in shown.output and "GB 55019-2021 2.3.1" in shown.output
    missing = CliRunner().invoke(cli, ["--checklists", str(root), "checklists", "show", "nope"])
    assert missing.exit_code == 1 and "nope" in missing.output

"""`a11y-audit report` end to end on a stored SQLite file: formats, file names, round options and errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from audit.cli import cli


def _run(rounds, report_root, *args):
    return CliRunner().invoke(cli, ["--db", rounds.store.path, "--checklists", str(report_root), "report", *args])


def test_html_and_xlsx_for_a_city_with_a_named_round_and_compare(tmp_path, rounds, report_root):
    result = _run(
        rounds,
        report_root,
        "--area",
        "430100",
        "--round",
        "2024-autumn",
        "--compare",
        "2023-autumn",
        "--format",
        "html,xlsx",
        "--out",
        str(tmp_path / "changsha.html"),
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "changsha.html").read_text(encoding="utf-8")
    assert "round 1 2023-autumn" in html and "Rectification list" in html
    book = load_workbook(tmp_path / "changsha.xlsx")
    assert book.sheetnames[-2:] == ["Rectification list", "Re-inspection list"]
    assert "HTML report written" in result.output and "XLSX report written" in result.output


def test_default_output_goes_to_reports_with_area_and_date(tmp_path, rounds, report_root, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run(rounds, report_root, "--format", "xlsx")
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "reports").glob("report-430000-*.xlsx"))
    assert len(written) == 1 and not list((tmp_path / "reports").glob("*.html"))


def test_errors_name_the_problem_in_both_languages(tmp_path, rounds, report_root):
    for args, words in (
        (["--round", "nope"], "找不到轮次"),
        (["--area", "43"], "地区代码"),
        (["--format", "docx"], "未知的报告格式"),
    ):
        result = _run(rounds, report_root, *args, "--out", str(tmp_path))
        assert result.exit_code == 1 and words in result.output and "Error:" in result.output


def test_an_empty_store_says_to_run_an_audit_first(tmp_path, report_root):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "empty.db"), "--checklists", str(report_root), "report"])
    assert result.exit_code == 1 and "no complete audit round" in result.output


@pytest.mark.browser
def test_pdf_format_prints_through_the_projects_chromium(tmp_path, rounds, report_root, chromium_executable):
    result = _run(rounds, report_root, "--format", "pdf", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pdfs = list(tmp_path.glob("report-430000-*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.html"))  # asked for PDF only: the HTML it was printed from is removed

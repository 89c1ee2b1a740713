"""The report in real headless Chromium: the project's own axe audit finds nothing serious, and the PDF prints."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from audit.render.report import build_report, select_rounds, write_html
from audit.render.report.pdf import chromium_launcher, write_pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def html_file(tmp_path, rounds):
    def write(lang: str):
        report = build_report(rounds.store, rounds.catalog, select_rounds(rounds.store), lang=lang)
        return write_html(report, tmp_path / lang / "report.html")

    return write


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_page_passes_the_projects_own_web_audit(html_file, loopback_server, chromium_executable, lang):
    from audit.web import audit_page, critical_or_serious

    path = html_file(lang)
    server = loopback_server(path.parent)
    results = audit_page(server.url(path.name), executable=chromium_executable)
    assert results["passes"], "axe ran no rule at all"
    assert critical_or_serious(results) == []


def _pgm_ink(data: bytes) -> float:
    """Share of non-white pixels in a binary PGM (P5) image as pdftoppm writes it."""
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval, separated by whitespace
        while data[pos : pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos : pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pixels = data[pos + 1 :]
    return sum(1 for b in pixels if b < 200) / max(len(pixels), 1)


def test_pdf_has_pages_with_chinese_text_rendered(tmp_path, html_file, chromium_executable):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm missing: apt-get install -y poppler-utils")
    from audit.web.chromium import LAUNCH_ARGS

    pdf = write_pdf(html_file("zh"), tmp_path / "report.pdf", chromium_launcher(chromium_executable, LAUNCH_ARGS))
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "整改清单" in text and "公共厕所无障碍达标率" in text
    cjk = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    assert cjk.strip(), "no Chinese font installed: apt-get install -y fonts-noto-cjk"
    out = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "2", str(pdf), str(out)], check=True)
    for image in sorted(tmp_path.glob("page-*.pgm")):
        assert _pgm_ink(image.read_bytes()) > 0.005, f"{image.name} is blank"


def test_pdf_is_tagged_with_an_outline_of_the_headings(tmp_path, html_file, chromium_executable):
    if not shutil.which("pdfinfo") or not shutil.which("pdftohtml"):
        pytest.skip("pdfinfo/pdftohtml missing: apt-get install -y poppler-utils")
    from audit.web.chromium import LAUNCH_ARGS

    pdf = write_pdf(html_file("en"), tmp_path / "report.pdf", chromium_launcher(chromium_executable, LAUNCH_ARGS))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    structure = subprocess.run(["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Table" in structure and "H1" in structure  # headings and tables are in the structure tree
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    outline = xml[xml.find("<outline") : xml.rfind("</outline>")]
    assert "Rectification list" in outline and "Progress since the previous round" in outline

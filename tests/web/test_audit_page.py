"""audit_page: the one-call axe run other parts use to prove their own pages are clean."""

import pytest
from packaging.version import Version

from audit.web import audit_page, critical_or_serious

pytestmark = pytest.mark.browser


def test_audit_page_finds_defects_in_every_frame_with_chinese_messages(sites_server, chromium_executable):
    results = audit_page(sites_server.url("defects/image-no-alt.html"))
    assert Version(results["testEngine"]["version"]) >= Version("4.12")  # as versions: "4.9" >= "4.12" as text
    assert results["axeLanguage"] == "zh"
    found = {v["id"]: v for v in critical_or_serious(results)}
    assert {"image-alt", "link-name", "button-name"} <= set(found)
    assert found["image-alt"]["targets"] == [["img:nth-child(2)"]] or len(found["image-alt"]["targets"]) == 1
    assert ["iframe", "button"] in found["button-name"]["targets"]  # found inside the frame
    image_alt = next(v for v in results["violations"] if v["id"] == "image-alt")
    assert "修复" in image_alt["nodes"][0]["failureSummary"]


def test_audit_page_english_when_asked(sites_server, chromium_executable):
    results = audit_page(sites_server.url("defects/image-no-alt.html"), lang="en", rules=["image-alt"])
    assert results["axeLanguage"] == "en"
    assert [v["id"] for v in results["violations"]] == ["image-alt"]
    assert "Fix" in results["violations"][0]["nodes"][0]["failureSummary"]

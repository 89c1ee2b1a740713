"""Page titles, site names and evidence holding template syntax are written literally by every CI format (issue 10)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from audit.render.ci import FORMATS, write_outputs
from tests.hostile import SEVEN_TIMES_191, hostile_texts, recording_compiles
from tests.render.ci.sample_round import sample_report


class _Text(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(html)

    def handle_data(self, data):
        self.parts.append(data)


def _xml_text(xml: str) -> str:
    root = ET.fromstring(xml)
    return " ".join([*root.itertext(), *(v for e in root.iter() for v in e.attrib.values())])


def _hostile_report(texts: list[str]) -> dict:
    report = sample_report("zh")
    title, command, open_tag, open_comment, loop = texts[0], texts[4], texts[2], texts[3], texts[1]
    report["sites"][0]["name"] = title
    report["pages"][0]["name"] = command  # a crawled <title>
    report["pages"][1]["name"] = loop
    evidence = report["pages"][0]["failures"][0]["evidence"][0]
    evidence["message"], evidence["html"] = open_tag, f"<img alt='{open_comment}'>"
    report["errors"][0]["message"] = command
    return report


def test_every_format_writes_hostile_text_literally_and_runs_nothing(tmp_path):
    pwned = tmp_path / "pwned"
    texts = hostile_texts(pwned)
    report = _hostile_report(texts)
    with recording_compiles() as compiles:
        files = write_outputs(report, list(FORMATS), tmp_path / "out")
    assert not pwned.exists(), "a page title was run as a template"
    compiles.assert_only_package_files(texts)

    read = {name: path.read_text(encoding="utf-8") for name, path in files.items()}
    shown = {
        "json": json.dumps(json.loads(read["json"]), ensure_ascii=False),
        "junit": _xml_text(read["junit"]),
        "sarif": json.dumps(json.loads(read["sarif"]), ensure_ascii=False),
        "md": read["md"],
        "html": "".join(_Text(read["html"]).parts),
    }
    expected = {  # what each format shows of the report (see tests/render/ci/test_formats.py)
        "json": texts,
        "junit": [texts[2], texts[4]],
        "sarif": [texts[2], texts[4]],
        "md": [texts[0], texts[4]],
        "html": [texts[0], texts[1], texts[4]],
    }
    for name, wanted in expected.items():
        for text in wanted:
            assert text in shown[name], f"{name} lost {text!r}"
        assert SEVEN_TIMES_191 not in read[name]
    assert "<img alt=" not in read["html"]  # evidence HTML is shown as text, escaped

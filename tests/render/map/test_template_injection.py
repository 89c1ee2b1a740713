"""Names holding template syntax are shown literally on the map, its table page and CSV, and never run (issue 10)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from audit.cli import cli
from tests.hostile import SEVEN_TIMES_191, hostile_texts, recording_compiles

from .conftest import sample_subjects, web_subjects
from .helpers import Outline, payload_of


@pytest.fixture
def hostile(sample, tmp_path):
    """The sample store with facility, road, scenic and portal names replaced by template syntax."""
    pwned = tmp_path / "pwned"
    texts = hostile_texts(pwned)
    renamed = [s for s in sample_subjects() + web_subjects() if s.geometry is not None or s.url]
    renamed = [dataclasses.replace(s, name=texts[i % len(texts)]) for i, s in enumerate(renamed)]
    assert {s.name for s in renamed} == set(texts)
    sample.store.upsert_subjects(renamed)
    return sample, texts, pwned


def test_map_table_and_csv_show_template_syntax_literally(hostile, map_catalog, tmp_path):
    sample, texts, pwned = hostile
    out = tmp_path / "maps" / "m.html"
    args = ["--db", sample.store.url, "--checklists", str(map_catalog.root), "map", "--out", str(out)]
    with recording_compiles() as compiles:
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert not pwned.exists(), "a name was run as a template"
    compiles.assert_only_package_files(texts)

    map_html = out.read_text(encoding="utf-8")
    payload = payload_of(map_html)
    names = {r[4] for c in payload["categories"] for r in c["points"] + c["lines"]}
    names |= {r[4] for r in payload["circles"]["items"]}
    assert set(texts) <= names
    table = Outline((tmp_path / "maps" / "m-table.html").read_text(encoding="utf-8"))
    table_text = "".join(table.text)
    csv_text = (tmp_path / "maps" / "m-table.csv").read_text(encoding="utf-8-sig")
    for text in texts:
        assert text in table_text and text in csv_text
    for output in (map_html, table_text, csv_text):
        assert SEVEN_TIMES_191 not in output


def test_payload_stays_data_in_its_script_block(hostile, map_catalog, tmp_path):
    """The JSON block cannot be closed early, and everything the page needs arrives through it."""
    sample = hostile[0]
    out = tmp_path / "m.html"
    result = CliRunner().invoke(
        cli, ["--db", sample.store.url, "--checklists", str(map_catalog.root), "map", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="a11y-map-data">')
    block = html[start : html.index("</script>", start)]
    assert json.loads(block.split(">", 1)[1])["categories"]

"""Map thumbnails point at the photos the ingest stored, so they show when the map is opened locally."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "facility" / "round-2025q2"


def test_photo_thumbnails_resolve_from_the_map_folder(tmp_path):
    db = str(tmp_path / "store" / "a.db")
    runner = CliRunner()
    ingested = runner.invoke(
        cli, ["--db", db, "facility", "ingest", str(SAMPLES / "changsha-toilets.csv"), "--round", "2025q2"]
    )
    assert ingested.exit_code == 0, ingested.output
    out = tmp_path / "site" / "maps" / "map.html"
    drawn = runner.invoke(cli, ["--db", db, "map", "--out", str(out), "--tiles", "none"])
    assert drawn.exit_code == 0, drawn.output
    html = out.read_text(encoding="utf-8")
    base = json.loads('"' + re.search(r'"photoBase":"([^"]*)"', html).group(1) + '"')
    names = set(re.findall(r"[0-9a-f]{16,64}\.jpe?g", html))
    assert names, "the sample toilets carry photos"
    for name in names:
        assert (out.parent / base / name).is_file(), name

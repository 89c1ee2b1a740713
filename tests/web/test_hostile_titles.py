"""A crawled page whose <title> holds template syntax is shown literally by every output, and nothing runs."""

from __future__ import annotations

import html
import re

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.demo.serve import LoopbackServer
from audit.store import open_store
from tests.hostile import SEVEN_TIMES_191, hostile_texts, recording_compiles

pytestmark = pytest.mark.browser


def write_site(root, texts):
    links = "".join(f'<li><a href="p{i}.html">page {i}</a></li>' for i in range(len(texts)))
    (root / "index.html").write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(texts[0])}</title></head>'
        f"<body><main><h1>首页</h1><ul>{links}</ul></main></body></html>",
        encoding="utf-8",
    )
    for i, text in enumerate(texts):
        (root / f"p{i}.html").write_text(
            f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(text)}</title></head>'
            f'<body><main><h1>{html.escape(text)}</h1><img src="x.png"></main></body></html>',
            encoding="utf-8",
        )


def test_hostile_titles_reach_every_web_output_and_the_map_literally(tmp_path):
    pwned = tmp_path / "pwned"
    texts = hostile_texts(pwned)
    site = tmp_path / "site"
    site.mkdir()
    write_site(site, texts)
    server = LoopbackServer(site)
    db, out, maps = tmp_path / "a.db", tmp_path / "out", tmp_path / "maps" / "m.html"
    try:
        with recording_compiles() as compiles:
            web = CliRunner().invoke(
                cli,
                [
                    "--db",
                    str(db),
                    "web",
                    server.url("index.html"),
                    "--no-config",
                    "--format",
                    "json,junit,sarif,md,html",
                    "--per-template",
                    "10",
                    "--out",
                    str(out),
                ],
            )
            drawn = CliRunner().invoke(cli, ["--db", str(db), "map", "--out", str(maps)])
            reported = CliRunner().invoke(
                cli, ["--db", str(db), "report", "--format", "html,xlsx", "--out", str(tmp_path / "reports")]
            )
    finally:
        server.close()
    assert web.exit_code in (0, 2), web.output
    assert drawn.exit_code == 0, drawn.output
    assert not pwned.exists(), "a page title was run as a template"
    compiles.assert_only_package_files(texts)

    assert reported.exit_code == 0, reported.output
    store = open_store(db)
    try:
        names = {s.name for s in store.subjects() if s.kind == "web-page"}
    finally:
        store.close()
    assert set(texts) <= names, names  # stored as written
    outputs = {p: p.read_text(encoding="utf-8-sig") for p in out.iterdir() if p.is_file() and p.suffix != ".xlsx"}
    outputs |= {p: p.read_text(encoding="utf-8-sig") for p in maps.parent.iterdir()}
    outputs |= {p: p.read_text(encoding="utf-8") for p in (tmp_path / "reports").glob("*.html")}
    evaluated = re.compile(rf"(?<![\d.]){SEVEN_TIMES_191}(?!\d)")  # not inside a coordinate
    for path, text in outputs.items():
        assert not evaluated.search(text), path
    shown = "".join(html.unescape(t) for t in outputs.values())
    assert all(text in shown for text in texts), "every title appears, literally, in some output"

"""Facility and portal names holding template syntax appear literally in the progress report (issue 10)."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from openpyxl import load_workbook

from audit.render.report import build_report, render_html, select_rounds, write_xlsx
from tests.hostile import SEVEN_TIMES_191, hostile_texts, recording_compiles

from .conftest import R1, S1, S2, T1, T2, T4


class _Text(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(html)

    def handle_data(self, data):
        self.parts.append(data)


def test_report_html_and_xlsx_show_hostile_names_literally_and_run_nothing(rounds, tmp_path):
    pwned = tmp_path / "pwned"
    texts = hostile_texts(pwned)
    subjects = (T1, T2, T4, R1, S1, S2)
    names = [texts[i % len(texts)] + f" #{i}" for i in range(len(subjects))]
    rounds.store.upsert_subjects([dataclasses.replace(s, name=n) for s, n in zip(subjects, names, strict=True)])

    with recording_compiles() as compiles:
        report = build_report(rounds.store, rounds.catalog, select_rounds(rounds.store))
        html = render_html(report)
    assert not pwned.exists(), "a name was run as a template"
    compiles.assert_only_package_files(texts)

    shown = "".join(_Text(html).parts)
    book = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    cells = " ".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    listed = [n for i, n in enumerate(names) if subjects[i] is not T4]  # T4 only passes: in no list
    for name in listed:
        assert name in shown and name in cells, f"{name!r} is not shown literally"
    assert SEVEN_TIMES_191 not in html and SEVEN_TIMES_191 not in cells
    assert "{{ cycler" in shown and "&#39;" in html  # the quote in the command is escaped in the HTML
